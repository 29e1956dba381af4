import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { rulesStamp } from '../../src/engine/rule-loader';

/**
 * rulesStamp: what lets the CLI use the built rules bundle without reading and hashing every rule file at start-up.
 * It must change whenever a rule is edited, added or removed; only an edit that keeps size and mtime goes unseen.
 */
describe('rulesStamp', () => {
  let dir: string;
  let files: string[];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-stamp-'));
    fs.mkdirSync(path.join(dir, 'domain'));
    files = ['A-001', 'B-001'].map((id) => path.join(dir, 'domain', `${id}.yaml`));
    for (const f of files) fs.writeFileSync(f, `id: ${path.basename(f, '.yaml')}\n`);
    // mtimes in the past, so that a later write is seen whatever the filesystem's timestamp granularity
    for (const f of [...files, path.join(dir, 'domain'), dir]) fs.utimesSync(f, new Date(2020, 0, 1), new Date(2020, 0, 1));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is the same while nothing is touched', () => {
    expect(rulesStamp(files, dir)).toBe(rulesStamp(files, dir));
    expect(rulesStamp(files, dir)).toBeDefined();
  });

  it('changes when a rule is rewritten, even to the same size, when a file is added next to them, or is removed', () => {
    const before = rulesStamp(files, dir);
    fs.writeFileSync(files[0], 'id: A-002\n');
    expect(rulesStamp(files, dir)).not.toBe(before);

    fs.utimesSync(files[0], new Date(2020, 0, 1), new Date(2020, 0, 1));
    expect(rulesStamp(files, dir)).toBe(before); // the documented blind spot: same size and mtime

    fs.writeFileSync(path.join(dir, 'domain', 'C-001.yaml'), 'id: C-001\n');
    expect(rulesStamp(files, dir)).not.toBe(before);

    fs.rmSync(files[1]);
    expect(rulesStamp(files, dir)).toBeUndefined();
  });
});
