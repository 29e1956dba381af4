import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadRules } from '../../src/engine/rule-loader';
import { ruleMarkdown } from '../../src/report/common';
import { ruleDocs } from '../../src/report/docs';

describe('docs/rules', () => {
  const rules = loadRules().rules.map((r) => r.rule);
  const dir = path.join(__dirname, '..', '..', 'docs', 'rules');
  const files = ruleDocs(rules);

  it('has a page for every rule and an index, and they are current (npm run docs)', () => {
    expect(files.size).toBe(rules.length + 1);
    const stale = [...files].filter(([name, text]) => !fs.existsSync(path.join(dir, name)) || fs.readFileSync(path.join(dir, name), 'utf8') !== text).map(([n]) => n);
    const orphans = fs.readdirSync(dir).filter((n) => !files.has(n));
    expect({ stale, orphans }).toEqual({ stale: [], orphans: [] });
  });

  it('each page carries the rule documentation (`rules show`) and its place in the shipped policies', () => {
    for (const r of rules) {
      const page = files.get(`${r.id}.md`)!;
      expect(page).toContain(ruleMarkdown(r).trimEnd());
      expect(page).toMatch(/## In the shipped policies\n\n\| policy \| severity \| parameters \|\n\| --- \| --- \| --- \|\n(\| `[a-z-]+` \|.*\n){4}/);
    }
    const pin = files.get('DOM-PIN-001.md')!;
    expect(pin).toContain('| `performance` | medium (rule: low) | `require_pinning: true` |');
    expect(pin).toContain('| `security-baseline` | not selected | |');
  });
});
