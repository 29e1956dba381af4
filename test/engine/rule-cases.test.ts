import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUILTIN_RULES_DIR, loadRuleFile } from '../../src/engine/rule-loader';
import { checkCase, readCaseFile, type RuleCase } from '../../src/engine/testing/rule-cases';
import type { Rule } from '../../src/engine/generated/rule';
import { runCli } from '../helpers/cli';

// The rule-case harness (src/engine/testing/rule-cases.ts) refuses what would make a case assert nothing, as ESLint's
// RuleTester does: unknown keys, duplicate cases, invalid cases without a located finding. `vmaudit rules test` runs it.

const SEC1 = path.join(BUILTIN_RULES_DIR, 'domain', 'DOM-SEC-001.yaml');
const SEC1_CASES = SEC1.replace(/\.yaml$/, '.test.yaml');
const original = () => fs.readFileSync(SEC1_CASES, 'utf8');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-cases-'));
  fs.copyFileSync(SEC1, path.join(dir, 'DOM-SEC-001.yaml'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes DOM-SEC-001's cases, changed by `edit`, into the temporary rule directory. */
function cases(edit: (text: string) => string): string {
  const file = path.join(dir, 'DOM-SEC-001.test.yaml');
  const text = edit(original());
  expect(text).not.toBe(original());
  fs.writeFileSync(file, text);
  return file;
}
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('rule case files', () => {
  it('the shipped DOM-SEC-001 cases are valid and pass', () => {
    const r = readCaseFile(SEC1_CASES);
    expect(r.errors).toEqual([]);
    const rule = loadRuleFile(SEC1).rule as Rule;
    for (const kind of ['valid', 'invalid'] as const) for (const c of r.cases![kind]) expect(checkCase(rule, kind, c, SEC1_CASES)).toEqual([]);
  });

  it('lien:/mesage: instead of line:/message: are refused at their line', () => {
    const file = cases((t) => t.replace('      - line: 5\n        message: type=\'none\'\n', "      - lien: 5\n        mesage: type='none'\n"));
    const text = fs.readFileSync(file, 'utf8');
    const errors = readCaseFile(file).errors.map((e) => `${e.line} ${e.path}: ${e.message}`);
    expect(errors).toEqual(
      expect.arrayContaining([
        `${lineOf(text, 'lien: 5')} /invalid/0/findings/0/lien: unknown key 'lien'`,
        `${lineOf(text, "mesage: type='none'")} /invalid/0/findings/0/mesage: unknown key 'mesage'`,
      ]),
    );
  });

  it('an unknown key of a case (nmae:, finding:) is refused', () => {
    const file = cases((t) => t.replace('    findings:\n      - line: 5\n        message: "without', '    finding:\n      - line: 5\n        message: "without'));
    expect(readCaseFile(file).errors.map((e) => e.message)).toEqual(expect.arrayContaining(["unknown key 'finding'", "must have required property 'findings'"]));
  });

  it('every invalid case asserts at least one finding, each with line and message', () => {
    const empty = cases((t) => t.replace('    findings:\n      - line: 5\n        message: "without a per-VM AppArmor profile"\n', '    findings: []\n'));
    expect(readCaseFile(empty).errors.map((e) => `${e.path}: ${e.message}`)).toEqual(['/invalid/2/findings: must NOT have fewer than 1 items']);
    const noLine = cases((t) => t.replace('      - line: 5\n        message: "without a per-VM AppArmor profile"\n', '      - message: "without a per-VM AppArmor profile"\n'));
    expect(readCaseFile(noLine).errors.map((e) => `${e.path}: ${e.message}`)).toEqual(["/invalid/2/findings/0: must have required property 'line'"]);
  });

  it('duplicate cases are refused: the same name, or the same input under another name', () => {
    const text = original();
    const start = text.indexOf('  - name: AppArmor profile disabled');
    const block = text.slice(start);
    const sameName = cases((t) => `${t}${block}`);
    expect(readCaseFile(sameName).errors.map((e) => e.message)).toEqual([expect.stringContaining("duplicate case name 'AppArmor profile disabled'")]);
    const sameInput = cases((t) => `${t}${block.replace('AppArmor profile disabled', 'AppArmor again')}`);
    expect(readCaseFile(sameInput).errors.map((e) => e.message)).toEqual(["case 'AppArmor again' has the same input as 'AppArmor profile disabled'"]);
  });

  it('checkCase says what did not hold: line, message, count, unexpected findings', () => {
    const rule = loadRuleFile(SEC1).rule as Rule;
    const c = readCaseFile(SEC1_CASES).cases!.invalid[2] as RuleCase;
    expect(checkCase(rule, 'invalid', c, 'x')).toEqual([]);
    expect(checkCase(rule, 'invalid', { ...c, findings: [{ line: 6, message: 'AppArmor' }] }, 'x')).toEqual([expect.stringMatching(/^finding 1: expected line 6, got line 5: /)]);
    expect(checkCase(rule, 'invalid', { ...c, findings: [{ line: 5, message: 'SELinux label' }] }, 'x')).toEqual([expect.stringContaining('message does not contain "SELinux label"')]);
    expect(checkCase(rule, 'invalid', { ...c, findings: [{ line: 5, message: 'AppArmor' }, { line: 6, message: 'x' }] }, 'x')).toEqual([expect.stringMatching(/^expected 2 finding\(s\), got 1: line 5: /)]);
    expect(checkCase(rule, 'valid', { name: 'v', domain: c.domain }, 'x')).toEqual([expect.stringMatching(/^unexpected finding, line 5: <seclabel type='none' model='apparmor'>/)]);
  });
});

describe('vmaudit rules test DIR', () => {
  it('passes: exit 0, one line per case', async () => {
    fs.copyFileSync(SEC1_CASES, path.join(dir, 'DOM-SEC-001.test.yaml'));
    const r = await runCli(['rules', 'test', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  ✓ invalid: AppArmor profile disabled\n');
    expect(r.stdout).toContain('1 rule(s), 8 case(s): 8 passed, 0 failed\n');
    expect(r.stderr).toBe('');
  });

  it('a failing case: exit 1 and what did not hold', async () => {
    cases((t) => t.replace('      - line: 5\n        message: "without a per-VM AppArmor profile"', '      - line: 4\n        message: "without a per-VM AppArmor profile"'));
    const r = await runCli(['rules', 'test', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('  ✗ invalid: AppArmor profile disabled\n      finding 1: expected line 4, got line 5:');
    expect(r.stdout).toContain('8 case(s): 7 passed, 1 failed');
  });

  it('a bad case file (lien:/mesage:) or a rule without cases: exit 2, file:line on stderr', async () => {
    const file = cases((t) => t.replace('      - line: 5\n        message: type=\'none\'\n', "      - lien: 5\n        mesage: type='none'\n"));
    const r = await runCli(['rules', 'test', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`vmaudit: ${file}:${lineOf(fs.readFileSync(file, 'utf8'), 'lien: 5')} /invalid/0/findings/0/lien: unknown key 'lien'`);
    fs.rmSync(file);
    const none = await runCli(['rules', 'test', dir]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no test cases: write DOM-SEC-001.test.yaml next to it');
  });

  it('--json gives every case outcome', async () => {
    fs.copyFileSync(SEC1_CASES, path.join(dir, 'DOM-SEC-001.test.yaml'));
    const r = await runCli(['rules', 'test', dir, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.summary).toEqual({ rules: 1, cases: 8, passed: 8, failed: 0, badFiles: 0 });
    expect(out.rules[0].cases[5]).toEqual({ kind: 'invalid', name: "the guide's \"alternative\" <seclabel type='none' model='selinux'/>", failures: [] });
  });
});
