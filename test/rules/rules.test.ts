import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUILTIN_RULES_DIR, listRuleFiles, loadRuleFile } from '../../src/engine/rule-loader';
import { caseRunners, loadCaseFile, type RuleCase } from '../../src/engine/testing/rule-cases';
import type { Rule } from '../../src/engine/generated/rule';

// Every shipped rule, with the pass/fail cases that sit next to it.
const files = listRuleFiles(BUILTIN_RULES_DIR);

describe.each(files.map((f) => [path.relative(BUILTIN_RULES_DIR, f), f]))('%s', (_name, file) => {
  const loaded = loadRuleFile(file);
  const caseFile = file.replace(/\.ya?ml$/, '.test.yaml');

  it('is a valid rule', () => {
    expect(loaded.errors).toEqual([]);
  });
  if (!loaded.rule) return;
  const rule = loaded.rule as Rule;

  it('has a test-case file with valid and invalid cases', () => {
    expect(fs.existsSync(caseFile)).toBe(true);
    const cases = loadCaseFile(caseFile);
    expect(cases.rule).toBe(rule.id);
    expect(cases.valid.length).toBeGreaterThan(0);
    expect(cases.invalid.length).toBeGreaterThan(0);
  });
  if (!fs.existsSync(caseFile)) return;
  const cases = loadCaseFile(caseFile);
  const runner = caseRunners[rule.scope];

  const run = (c: RuleCase) => {
    if (!runner) throw new Error(`no case runner for scope ${rule.scope}`);
    return runner(rule, c, caseFile);
  };

  it.each((cases.valid ?? []).map((c) => [c.name, c]))('valid: %s', (_n, c) => {
    const r = run(c as RuleCase);
    expect(r.findings.map((f) => `${f.location?.line}: ${f.message}`)).toEqual([]);
    if ((c as RuleCase).notEvaluated) expect(r.notEvaluated.map((n) => n.ruleId)).toEqual([rule.id]);
    else expect(r.notEvaluated).toEqual([]);
  });

  it.each((cases.invalid ?? []).map((c) => [c.name, c]))('invalid: %s', (_n, c) => {
    const kase = c as RuleCase;
    const r = run(kase);
    expect(r.notEvaluated).toEqual([]);
    const expected = kase.findings ?? [];
    expect(expected.length).toBeGreaterThan(0);
    expect(r.findings).toHaveLength(expected.length);
    expected.forEach((e, i) => {
      const f = r.findings[i];
      expect(f.ruleId).toBe(rule.id);
      if (e.line !== undefined) expect(f.location?.line).toBe(e.line);
      if (e.message !== undefined) expect(f.message).toContain(e.message);
      if (e.severity !== undefined) expect(f.severity).toBe(e.severity);
      if (e.fix !== undefined) expect(`${f.remediation?.text ?? ''}\n${f.remediation?.snippet ?? ''}`).toContain(e.fix);
    });
  });
});
