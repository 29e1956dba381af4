import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUILTIN_RULES_DIR, listRuleFiles, loadRuleFile } from '../../src/engine/rule-loader';
import { checkCase, readCaseFile, type RuleCase } from '../../src/engine/testing/rule-cases';
import type { Rule } from '../../src/engine/generated/rule';

// Every shipped rule, with the pass/fail cases that sit next to it: the same harness as `vmaudit rules test DIR`
// (src/engine/testing/rule-cases.ts: case files checked against schemas/rule-cases.schema.json, duplicates refused).
const files = listRuleFiles(BUILTIN_RULES_DIR);

describe.each(files.map((f) => [path.relative(BUILTIN_RULES_DIR, f), f]))('%s', (_name, file) => {
  const loaded = loadRuleFile(file);
  const caseFile = file.replace(/\.ya?ml$/, '.test.yaml');

  it('is a valid rule', () => {
    expect(loaded.errors).toEqual([]);
  });
  if (!loaded.rule) return;
  const rule = loaded.rule as Rule;

  const read = fs.existsSync(caseFile) ? readCaseFile(caseFile) : undefined;
  it('has a valid test-case file (schema, no duplicate cases) for this rule', () => {
    expect(fs.existsSync(caseFile)).toBe(true);
    expect(read?.errors.map((e) => `${path.basename(e.file)}:${e.line} ${e.path}: ${e.message}`)).toEqual([]);
    expect(read?.cases?.rule).toBe(rule.id);
  });
  const cases = read?.cases;
  if (!cases) return;

  it.each(cases.valid.map((c) => [c.name, c]))('valid: %s', (_n, c) => {
    expect(checkCase(rule, 'valid', c as RuleCase, caseFile)).toEqual([]);
  });

  it.each(cases.invalid.map((c) => [c.name, c]))('invalid: %s', (_n, c) => {
    expect(checkCase(rule, 'invalid', c as RuleCase, caseFile)).toEqual([]);
  });
});
