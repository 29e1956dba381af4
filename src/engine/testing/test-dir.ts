import * as fs from 'node:fs';
import * as path from 'node:path';
import { listRuleFiles, loadRuleFile, type RuleLoadError } from '../rule-loader';
import type { Rule } from '../generated/rule';
import { checkCase, readCaseFile } from './rule-cases';

/** One case's outcome: what did not hold (empty when it passed). */
export interface CaseOutcome {
  kind: 'valid' | 'invalid';
  name: string;
  failures: string[];
}

export interface RuleTestOutcome {
  id: string;
  file: string;
  casesFile: string;
  cases: CaseOutcome[];
}

/**
 * `vmaudit rules test DIR`: each rule below DIR (`<ID>.yaml`) against the cases next to it (`<ID>.test.yaml`), with
 * the harness the project tests its own rules with. Bad files (a rule that does not load, a case file that is not
 * valid, a rule without cases, cases without a rule) are `errors`; they are not run.
 */
export function testRuleDir(dir: string): { rules: RuleTestOutcome[]; errors: RuleLoadError[] } {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return { rules: [], errors: [{ file: dir, message: 'not a directory' }] };
  const errors: RuleLoadError[] = [];
  const rules: RuleTestOutcome[] = [];
  const ruleFiles = listRuleFiles(dir);
  const withRule = new Set(ruleFiles.map((f) => f.replace(/\.ya?ml$/, '.test.yaml')));
  const orphans: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.test\.ya?ml$/.test(e.name) && !withRule.has(p.replace(/\.yml$/, '.yaml'))) orphans.push(p);
    }
  };
  walk(dir);
  for (const o of orphans.sort()) errors.push({ file: o, message: `no rule file ${path.basename(o).replace(/\.test\.ya?ml$/, '.yaml')} next to it` });
  for (const file of ruleFiles) {
    const loaded = loadRuleFile(file);
    errors.push(...loaded.errors);
    const casesFile = file.replace(/\.ya?ml$/, '.test.yaml');
    if (!fs.existsSync(casesFile)) {
      errors.push({ file, message: `no test cases: write ${path.basename(casesFile)} next to it` });
      continue;
    }
    const read = readCaseFile(casesFile);
    errors.push(...read.errors);
    if (!loaded.rule || !read.cases) continue;
    const rule = loaded.rule as Rule;
    if (read.cases.rule !== rule.id) continue; // reported by readCaseFile (the file name decides)
    const cases: CaseOutcome[] = [];
    for (const kind of ['valid', 'invalid'] as const) for (const c of read.cases[kind]) cases.push({ kind, name: c.name, failures: checkCase(rule, kind, c, casesFile) });
    rules.push({ id: rule.id, file, casesFile, cases });
  }
  return { rules, errors };
}
