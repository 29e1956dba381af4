import type { PlatformComponent } from '../../facts/common/platform';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ValidateFunction } from 'ajv';
import { LineCounter, parse, parseDocument } from 'yaml';
import { PACKAGE_ROOT, type RuleLoadError } from '../rule-loader';
import type { Rule } from '../generated/rule';
import { ScanAccumulator } from '../scan';
import { scanDomainInput } from '../scan-domains';
import { scanGuestBundle } from '../scan-guest';
import { loadFixtureGuest } from './fixture-guest';
import type { ScanResult } from '../findings';
import { scanHostBundle } from '../scan-host';
import { bundleFromCase, type EvidenceCase } from './evidence-case';

/**
 * Rule test cases (`rules/<scope>/<ID>.test.yaml`, next to the rule), in the spirit of ESLint's RuleTester:
 * `valid` cases must produce no finding of the rule, `invalid` cases exactly the listed findings (line, and a
 * substring of the message, and of the rendered remediation). A case gives its input inline: `domain` (an XML document) for domain rules; host,
 * cross and guest rules use the scope-specific runners registered in `caseRunners`.
 * `libvirt: accept|reject` records what real libvirt says of a domain case (checked by an oracle test).
 */
export interface ExpectedFinding {
  /** null: the finding has no location. */
  line?: number | null;
  message?: string;
  severity?: string;
  /** A substring of the remediation rendered for this finding (text, newline, snippet), for rules that fill it in. */
  fix?: string;
}

export interface RuleCase {
  name: string;
  domain?: string;
  libvirt?: 'accept' | 'reject';
  /** For valid cases: the rule is expected to be reported "not evaluated" (missing evidence). */
  notEvaluated?: boolean;
  findings?: ExpectedFinding[];
  params?: Record<string, unknown>;
  /** Versions the case runs on, as --platform gives them (`{ libvirt: '9.0' }`); unknown when absent. */
  platform?: Partial<Record<PlatformComponent, string>>;
  [input: string]: unknown;
}

export interface RuleCaseFile {
  rule: string;
  valid: RuleCase[];
  invalid: RuleCase[];
}

export function loadCaseFile(file: string): RuleCaseFile {
  return parse(fs.readFileSync(file, 'utf8')) as RuleCaseFile;
}

export const CASES_SCHEMA_PATH = path.join(PACKAGE_ROOT, 'schemas', 'rule-cases.schema.json');
let caseValidator: ValidateFunction | undefined;

/** What a case is about, for duplicate detection: everything but its name and what it expects. */
function caseInput(c: RuleCase): string {
  const { name: _n, findings: _f, libvirt: _l, oracle: _o, notEvaluated: _e, ...input } = c;
  const stable = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(stable) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, stable((v as Record<string, unknown>)[k])])) : v;
  return JSON.stringify(stable(input));
}

/**
 * Reads and checks a case file against schemas/rule-cases.schema.json (unknown keys, an invalid case without a
 * finding that gives its line and message...) and refuses duplicate cases (same name, or same input and parameters),
 * as ESLint's RuleTester does. Errors name the file and line; never throws.
 */
export function readCaseFile(file: string): { cases?: RuleCaseFile; errors: RuleLoadError[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { errors: [{ file, message: (e as Error).message }] };
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) return { errors: doc.errors.map((e) => ({ file, line: e.linePos?.[0]?.line, message: `YAML: ${e.message.split('\n')[0]}` })) };
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  const lineAt = (pointer: string): number | undefined => {
    const keys = pointer.split('/').slice(1).map((k) => (/^\d+$/.test(k) ? Number(k) : k.replace(/~1/g, '/').replace(/~0/g, '~')));
    for (let i = keys.length; i >= 0; i--) {
      const n = doc.getIn(keys.slice(0, i), true) as { range?: [number, number] } | undefined;
      if (n?.range) return lc.linePos(n.range[0]).line;
    }
    return undefined;
  };
  if (!caseValidator) {
    const Ajv = (require('ajv') as typeof import('ajv')).default;
    caseValidator = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(fs.readFileSync(CASES_SCHEMA_PATH, 'utf8')));
  }
  if (!caseValidator(data)) {
    // anyOf branches repeat the same complaint: one error per place and message.
    const seen = new Set<string>();
    const errors: RuleLoadError[] = [];
    for (const e of caseValidator.errors ?? []) {
      if (e.keyword === 'anyOf' || e.keyword === 'if') continue;
      const message = e.keyword === 'additionalProperties' ? `unknown key '${(e.params as { additionalProperty: string }).additionalProperty}'` : e.keyword === 'enum' ? `${e.message}: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` : (e.message ?? e.keyword);
      const k = `${e.instancePath}\0${message}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const at = e.keyword === 'additionalProperties' ? `${e.instancePath}/${(e.params as { additionalProperty: string }).additionalProperty}` : e.instancePath;
      errors.push({ file, path: at || '/', line: lineAt(at), message });
    }
    return { errors };
  }
  const cases = data as RuleCaseFile;
  const errors: RuleLoadError[] = [];
  const names = new Map<string, string>();
  const inputs = new Map<string, string>();
  for (const kind of ['valid', 'invalid'] as const) {
    cases[kind].forEach((c, i) => {
      const at = `/${kind}/${i}`;
      const byName = names.get(c.name);
      if (byName) {
        errors.push({ file, path: at, line: lineAt(at), message: `duplicate case name '${c.name}' (also ${byName})` });
        return;
      }
      names.set(c.name, `at line ${lineAt(at)}`);
      const key = caseInput(c);
      const byInput = inputs.get(key);
      if (byInput) errors.push({ file, path: at, line: lineAt(at), message: `case '${c.name}' has the same input as '${byInput}'` });
      else inputs.set(key, c.name);
    });
  }
  const base = path.basename(file).replace(/\.test\.ya?ml$/, '');
  if (cases.rule !== base) errors.push({ file, path: '/rule', line: lineAt('/rule'), message: `rule '${cases.rule}' does not match the file name '${base}.test.yaml'` });
  return errors.length ? { errors } : { cases, errors };
}

/**
 * Runs one case against its rule and says what did not hold (empty: it passes). `valid`: no finding, and "not
 * evaluated" exactly when the case says so; `invalid`: evaluated, exactly the listed findings in order, each with its
 * line, message substring, severity and rendered-fix substring. The project's suite and `vmaudit rules test` use this.
 */
export function checkCase(rule: Rule, kind: 'valid' | 'invalid', c: RuleCase, file: string): string[] {
  const runner = caseRunners[rule.scope];
  if (!runner) return [`no case runner for scope ${rule.scope}`];
  let r: ScanResult;
  try {
    r = runner(rule, c, file);
  } catch (e) {
    return [(e as Error).message];
  }
  const out: string[] = [];
  const shown = (f: ScanResult['findings'][number]) => `line ${f.location?.line ?? '(none)'}: ${f.message}`;
  for (const e of r.errors) out.push(`scan error: ${e.message}`);
  if (kind === 'valid') {
    for (const f of r.findings) out.push(`unexpected finding, ${shown(f)}`);
    const ne = r.notEvaluated.map((n) => n.reason);
    if (c.notEvaluated && !r.notEvaluated.some((n) => n.ruleId === rule.id)) out.push('expected the rule to be not evaluated, it was evaluated');
    if (!c.notEvaluated) for (const n of ne) out.push(`not evaluated: ${n}`);
    return out;
  }
  for (const n of r.notEvaluated) out.push(`not evaluated: ${n.reason}`);
  const expected = c.findings ?? [];
  if (r.findings.length !== expected.length) out.push(`expected ${expected.length} finding(s), got ${r.findings.length}${r.findings.length ? `: ${r.findings.map(shown).join('; ')}` : ''}`);
  expected.forEach((e, i) => {
    const f = r.findings[i];
    if (!f) return;
    if (f.ruleId !== rule.id) out.push(`finding ${i + 1} is of rule ${f.ruleId}`);
    if (e.line !== undefined && (f.location?.line ?? null) !== e.line) out.push(`finding ${i + 1}: expected line ${e.line}, got ${shown(f)}`);
    if (e.message !== undefined && !f.message.includes(e.message)) out.push(`finding ${i + 1}: message does not contain ${JSON.stringify(e.message)}: ${JSON.stringify(f.message)}`);
    if (e.severity !== undefined && f.severity !== e.severity) out.push(`finding ${i + 1}: expected severity ${e.severity}, got ${f.severity}`);
    const fix = `${f.remediation?.text ?? ''}\n${f.remediation?.snippet ?? ''}`;
    if (e.fix !== undefined && !fix.includes(e.fix)) out.push(`finding ${i + 1}: remediation does not contain ${JSON.stringify(e.fix)}`);
  });
  return out;
}

/** Evaluates only the rule under test, with the case's parameters. */
function caseAccumulator(rule: Rule, c: RuleCase): ScanAccumulator {
  return new ScanAccumulator([rule], { name: 'test', enabled: () => true, settings: () => ({ params: c.params }), ...(c.platform ? { platform: { flag: c.platform } } : {}) });
}

export type CaseRunner = (rule: Rule, c: RuleCase, file: string) => ScanResult;

export const caseRunners: Partial<Record<Rule['scope'], CaseRunner>> = {
  domain(rule, c, file) {
    if (typeof c.domain !== 'string') throw new Error(`${file}: case "${c.name}" needs a 'domain' XML document`);
    const acc = caseAccumulator(rule, c);
    scanDomainInput(acc, { file: 'case.xml', text: c.domain });
    return acc.result();
  },
  host: hostCase,
  cross: hostCase,
  /** Guest cases give `evidence:` (see bundleFromCase) or `fixture: <name>` (a guest under fixtures/guests/). */
  guest(rule, c, file) {
    const acc = caseAccumulator(rule, c);
    if (typeof c.fixture === 'string') scanGuestBundle(acc, loadFixtureGuest(c.fixture));
    else if (c.evidence && typeof c.evidence === 'object') scanGuestBundle(acc, bundleFromCase('guest', c.evidence as EvidenceCase));
    else throw new Error(`${file}: case "${c.name}" needs 'evidence' (files/dirs/commands) or 'fixture'`);
    return acc.result();
  },
};

/**
 * Host and cross cases: `evidence:` (see evidence-case.ts) and optionally `domains:`, a map of domain name → XML
 * that becomes /etc/libvirt/qemu/<name>.xml on the case host. Only the rule under test is evaluated.
 */
function hostCase(rule: Rule, c: RuleCase, file: string): ScanResult {
  const ev = (c.evidence ?? {}) as EvidenceCase;
  const domains = (c.domains ?? {}) as Record<string, string>;
  if (typeof domains !== 'object') throw new Error(`${file}: case "${c.name}": 'domains' must map names to XML`);
  const files = { ...(ev.files ?? {}) };
  for (const [name, xml] of Object.entries(domains)) files[`/etc/libvirt/qemu/${name}.xml`] = xml;
  const acc = caseAccumulator(rule, c);
  scanHostBundle(acc, bundleFromCase('host', { ...ev, files }));
  return acc.result();
}
