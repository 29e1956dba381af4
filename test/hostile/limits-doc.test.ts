import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatLimit, INPUT_LIMITS } from '../../src/util/read-input';

/** docs/limits.md lists the input limits the reader enforces: the table and INPUT_LIMITS must agree, both ways. */
it('docs/limits.md lists every input kind with its limit', () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'limits.md'), 'utf8');
  const table = doc.slice(doc.indexOf('<!-- limits-table'), doc.indexOf('<!-- /limits-table -->'));
  const rows = [...table.matchAll(/^\| .* \| `([a-z-]+)` \| ([^|]+) \|$/gm)].map((m) => [m[1], m[2].trim()]);
  expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(Object.entries(INPUT_LIMITS).map(([k, v]) => [k, formatLimit(v)])));
  expect(rows).toHaveLength(Object.keys(INPUT_LIMITS).length);
});
