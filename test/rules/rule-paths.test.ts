import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUILTIN_RULES_DIR, PACKAGE_ROOT, listRuleFiles, loadRuleFile } from '../../src/engine/rule-loader';
import { builtinRulePaths, ruleFolder } from '../../src/engine/rule-paths';

// A rule's id leads to its definition, its cases and its page (issue 11 item 3): one convention, checked both ways.

const rel = (p: string) => path.relative(PACKAGE_ROOT, p).split(path.sep).join('/');

describe('built-in rule paths follow from the id', () => {
  const files = listRuleFiles(BUILTIN_RULES_DIR);

  it.each(files.map((f) => [rel(f), f]))('%s sits where its id says, with its cases and its page', (_r, f) => {
    const rule = loadRuleFile(f).rule;
    expect(rule).toBeDefined();
    const want = builtinRulePaths(rule!.id);
    expect(want).toBeDefined();
    expect(rel(f)).toBe(want!.rule);
    expect(fs.existsSync(path.join(PACKAGE_ROOT, want!.cases))).toBe(true);
    expect(fs.existsSync(path.join(PACKAGE_ROOT, want!.doc))).toBe(true);
  });

  it('every file under rules/ is a rule or the cases of a rule next to it, in a folder of the convention', () => {
    const stray: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else {
          const m = /^(.+?)(\.test)?\.yaml$/.exec(e.name);
          const paths = m ? builtinRulePaths(m[1]) : undefined;
          const ok = paths && rel(p) === (m![2] ? paths.cases : paths.rule) && fs.existsSync(path.join(PACKAGE_ROOT, paths.rule));
          if (!ok) stray.push(rel(p));
        }
      }
    };
    walk(BUILTIN_RULES_DIR);
    expect(stray).toEqual([]);
  });

  it('every page under docs/rules/ belongs to a rule', () => {
    const ids = new Set(files.map((f) => path.basename(f, '.yaml')));
    const pages = fs.readdirSync(path.join(PACKAGE_ROOT, 'docs', 'rules')).filter((n) => n !== 'README.md');
    expect(pages.filter((n) => !ids.has(n.replace(/\.md$/, '')))).toEqual([]);
  });

  it('an id of no known family has no folder (a new family is added to RULE_FAMILIES on purpose)', () => {
    expect(ruleFolder('DOM-SEC-001')).toBe('domain');
    expect(ruleFolder('HOST-CPU-001')).toBe('host');
    expect(ruleFolder('SASL-DB-001')).toBe('host');
    expect(ruleFolder('GUEST-QGA-001')).toBe('guest');
    expect(ruleFolder('ACME-MEM-001')).toBeUndefined();
    expect(builtinRulePaths('DOM-GFX-003')).toEqual({ rule: 'rules/domain/DOM-GFX-003.yaml', cases: 'rules/domain/DOM-GFX-003.test.yaml', doc: 'docs/rules/DOM-GFX-003.md' });
  });
});
