import type { EvidenceBundle } from '../collect/evidence';
import { GUEST_MANIFEST, itemCovers, type ManifestItem } from '../collect/manifest';
import type { DomainFacts } from '../facts/domain/model';
import { buildGuestFacts, guestFactsFromAgentInfo, type GuestFactsResult } from '../facts/guest/build';
import { markBootOnlyFacts } from '../facts/guest/build-boot-only';
import type { Rule } from './generated/rule';
import type { TargetRef } from './findings';
import { ScanAccumulator, type RuleSelection } from './scan';

/** Evaluates guest-scope rules against one guest's evidence bundle (`scan guest`, local / --root / ssh / snapshot). */
export function scanGuestBundle(acc: ScanAccumulator, bundle: EvidenceBundle): GuestFactsResult {
  const target: TargetRef = { kind: 'guest', name: bundle.target.name };
  const facts = buildGuestFactsChecked(bundle);
  if (bundle.target.transport === 'root') markBootOnlyFacts(bundle, facts, `under ${bundle.target.name} (an offline root)`);
  acc.evaluate(['guest'], { target, vars: { guest: facts.guest }, unknown: facts.unknown });
  return facts;
}

/**
 * `buildGuestFacts`, plus: a file the builder needed that the bundle does not hold and that the guest manifest
 * cannot collect (a path named by the guest's own configuration: an unusual `EnvironmentFile=`, a `QGA_CONF` / `-c`
 * config path) makes the qemu-ga facts unknown instead of silently "missing". Only qemu-ga reads such paths.
 */
export function buildGuestFactsChecked(bundle: EvidenceBundle): GuestFactsResult {
  const traced = traceEvidenceReads(bundle);
  const facts = buildGuestFacts(traced.bundle);
  const uncollected = [...traced.reads.files].filter((p) => !(p in bundle.files) && !manifestCovers(GUEST_MANIFEST, 'files', p)).sort();
  if (uncollected.length && facts.unknown['guest.qga'] === undefined)
    facts.unknown['guest.qga'] = `${uncollected.join(', ')}: named by the guest's qemu-ga configuration but outside what vmaudit collects (not read)`;
  return facts;
}

export interface EvidenceReads {
  /** Keys looked up by name (present or not). */
  files: Set<string>;
  dirs: Set<string>;
  commands: Set<string>;
  /** Present keys seen only by enumerating a section (`Object.entries(bundle.files)`). */
  enumerated: { files: Set<string>; dirs: Set<string>; commands: Set<string> };
}

/** A view of `bundle` that records which evidence keys a (pure) fact builder reads. */
export function traceEvidenceReads(bundle: EvidenceBundle): { bundle: EvidenceBundle; reads: EvidenceReads } {
  const reads: EvidenceReads = { files: new Set(), dirs: new Set(), commands: new Set(), enumerated: { files: new Set(), dirs: new Set(), commands: new Set() } };
  const wrap = <T extends object>(section: 'files' | 'dirs' | 'commands', target: T): T => {
    // Object.entries() asks for each key's descriptor right before reading it; a plain lookup does not.
    let described: string | symbol | undefined;
    return new Proxy(target, {
      getOwnPropertyDescriptor(t, k) {
        described = k;
        return Reflect.getOwnPropertyDescriptor(t, k);
      },
      get(t, k, r) {
        if (typeof k === 'string') {
          if (described === k) reads.enumerated[section].add(k);
          else reads[section].add(k);
        }
        described = undefined;
        return Reflect.get(t, k, r);
      },
    });
  };
  return { bundle: { ...bundle, files: wrap('files', bundle.files), dirs: wrap('dirs', bundle.dirs), commands: wrap('commands', bundle.commands) }, reads };
}

/** Whether `items` declare the evidence key `key` of `section` (a path, a glob match, a per-process file, a command id). */
export function manifestCovers(items: readonly ManifestItem[], section: 'files' | 'dirs' | 'commands', key: string): boolean {
  return items.some((it) => itemCovers(it, section, key));
}

/**
 * Host side (`scan host --guests`): what one domain's agent answered to `{"execute":"guest-info"}`.
 * - `json`: the reply (as `virsh qemu-agent-command` prints it);
 * - `noChannel`: the domain has no `org.qemu.guest_agent.0` channel, so no agent can be asked;
 * - `error`: the agent did not answer (not running in the guest, timeout, virsh error message).
 * Only qemu-ga rules are evaluable from a reply; the others are reported "not evaluated". A domain without a
 * channel or with an unresponsive agent is reported as a target error (kind `no-agent-channel` /
 * `agent-unresponsive`), never as passing.
 */
export interface AgentReply {
  json?: string;
  noChannel?: boolean;
  error?: string;
}

export function scanGuestAgentInfo(acc: ScanAccumulator, domainName: string, reply: AgentReply, domain?: DomainFacts | null): GuestFactsResult | undefined {
  const target: TargetRef = { kind: 'guest', name: domainName };
  if (reply.noChannel) {
    acc.addError({ target, kind: 'no-agent-channel', message: `domain ${domainName} has no qemu-ga channel (org.qemu.guest_agent.0): its agent cannot be audited from the host` });
    return undefined;
  }
  if (reply.json === undefined || reply.json.trim() === '') {
    acc.addError({ target, kind: 'agent-unresponsive', message: `qemu-ga of domain ${domainName} did not answer guest-info${reply.error ? `: ${reply.error}` : ''}` });
    return undefined;
  }
  const facts = guestFactsFromAgentInfo(domainName, reply.json);
  if (domain) crossCheckTpm(facts, domain);
  acc.evaluate(['guest'], { target, vars: { guest: facts.guest }, unknown: facts.unknown });
  return facts;
}

/**
 * Cross-checks a guest's TPM facts with its domain's `<tpm>` elements, when both are known (in place):
 * - guest TPM unknown (host side: guest-info says nothing about devices) and the domain defines no `<tpm>`: the guest
 *   cannot have one, so `guest.tpm` becomes "absent", located at the domain definition (GUEST-TPM-001 evaluates);
 * - guest TPM unknown and the domain defines one: stays unknown, the reason names the `<tpm>` (only an in-guest scan
 *   tells whether the guest kernel binds it);
 * - guest TPM known: a guest that sees no TPM although the domain defines one (driver not bound), or sees one although
 *   the domain defines none (the evidence is not from this domain), is recorded as a guest problem.
 */
export function crossCheckTpm(facts: GuestFactsResult, domain: DomainFacts): void {
  const g = facts.guest;
  const tpm = domain.tpms[0];
  const where = (l: { file: string; line: number }) => `${l.file}:${l.line}`;
  if (g.tpm === null) {
    if (tpm) {
      if (facts.unknown['guest.tpm'] !== undefined)
        facts.unknown['guest.tpm'] = `the domain defines <tpm model='${tpm.model ?? '?'}'> (backend ${tpm.backendType ?? '?'} ${tpm.backendVersion ?? ''}) at ${where(tpm.loc)}; whether the guest binds it is visible only in the guest (vmaudit scan guest)`;
      return;
    }
    const loc = domain.loc;
    g.tpm = { present: false, devices: [], versionMajor: null, devTpm0: false, devTpmrm0: false, driver: null, modules: [], toolsInstalled: null, pcrs: null, loc, key: 'tpm' };
    delete facts.unknown['guest.tpm'];
    facts.unknown['guest.tpm.pcrs'] = `the domain defines no <tpm> (${domain.file})`;
    return;
  }
  const mismatch =
    tpm && !g.tpm.present
      ? `the domain defines <tpm model='${tpm.model ?? '?'}'> at ${where(tpm.loc)} but the guest sees no TPM: the guest kernel has no tpm_tis / tpm_crb driver for it`
      : !tpm && g.tpm.present
        ? `the guest sees a TPM but its domain (${domain.file}) defines no <tpm>: the evidence does not belong to this domain`
        : undefined;
  if (mismatch) g.problems.push({ code: 'guest.tpm-domain-mismatch', level: 'warning', message: mismatch, loc: tpm?.loc ?? g.tpm.loc, key: 'tpm-domain-mismatch' });
}

export function scanGuestBundles(bundles: readonly EvidenceBundle[], rules: readonly Rule[], selection?: RuleSelection) {
  const acc = new ScanAccumulator(rules, selection);
  for (const b of bundles) scanGuestBundle(acc, b);
  return acc.result();
}
