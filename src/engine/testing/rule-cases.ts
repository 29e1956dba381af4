import type { PlatformComponent } from '../../facts/common/platform';
import * as fs from 'node:fs';
import { parse } from 'yaml';
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
  line?: number;
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
