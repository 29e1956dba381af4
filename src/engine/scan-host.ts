import type { EvidenceBundle } from '../collect/evidence';
import { parseDomainXml } from '../facts/domain/build';
import type { DomainFacts } from '../facts/domain/model';
import { buildHostFacts } from '../facts/host/build';
import type { TargetRef } from './findings';
import { markFatal } from './scan-domains';
import type { ScanAccumulator } from './scan';
import { scanGuestAgentInfo, type AgentReply } from './scan-guest';

/**
 * Audits one host from its evidence: every domain defined on it (domain rules, subjects prefixed with the domain
 * name), the host itself (host rules), and the joins of both (cross rules see `host` and `domains`).
 * Domain rules see `domain` plus `host` and `domains` (a domain file scanned alone has `host: null, domains: null`).
 * A domain definition that cannot be parsed is reported once (DOM-XML-001; a target error when that rule does not
 * report it, e.g. an unreadable file) without stopping the rest.
 */
export function scanHostBundle(acc: ScanAccumulator, bundle: EvidenceBundle, options: { guests?: boolean } = {}): void {
  const target: TargetRef = { kind: 'host', name: bundle.target.name };
  const { host, unknown, domains: texts } = buildHostFacts(bundle);
  // Every definition is parsed first: domain rules also see the host and all its domains (`host`, `domains`),
  // e.g. to compute a fix from the host's online CPUs and the other domains' pins.
  const parsedAll = texts.map((d) => ({ d, parsed: d.text === undefined ? undefined : parseDomainXml(d.text, d.file) }));
  const domains: DomainFacts[] = parsedAll.flatMap(({ parsed }) => (parsed?.ok ? [parsed.domain] : []));
  for (const { d, parsed } of parsedAll) {
    // input.problems: why the file yields no domain, or (parsed) the values libvirt refuses and duplicates it ignores.
    const problems = parsed === undefined ? [{ code: 'input.unreadable', level: 'error' as const, message: d.readError ?? 'unreadable', location: { file: d.file, line: 1, column: 1 } }] : parsed.ok ? parsed.domain.problems : parsed.problems;
    const label = parsed?.ok && parsed.domain.name ? parsed.domain.name : d.file;
    const fileLoc = { file: d.file, line: 1, column: 1 };
    const added = acc.evaluate(
      ['domain'],
      {
        target,
        vars: { domain: parsed?.ok ? parsed.domain : null, host, domains, input: { file: d.file, problems: problems.map((p) => ({ ...p, loc: p.location ?? fileLoc, key: (p as { key?: string }).key ?? p.code })) } },
        unknown: parsed?.ok ? {} : { domain: `${d.file} could not be parsed (${problems[0]?.message})` },
        subjectPrefix: `domain[${label}]/`,
        platform: host.versions,
      },
      // A definition that yields no domain is reported once (DOM-XML-001, else a target error), not once per rule.
      { quietUnknown: !parsed?.ok },
    );
    if (!parsed?.ok && problems.length && !markFatal(added, problems[0], fileLoc)) acc.addError({ target, kind: 'input', message: `${d.file}: ${problems[0].message}`, location: problems[0].location });
  }
  acc.evaluate(['host'], { target, vars: { host }, unknown, platform: host.versions });
  acc.evaluate(['cross'], { target, vars: { host, domains }, unknown, platform: host.versions });
  if (options.guests) scanHostGuestAgents(acc, bundle, domains);
}

export const AGENT_CHANNEL = 'org.qemu.guest_agent.0';
export const GUEST_INFO_ID = 'virsh.guest-info';

export interface HostGuestAgent {
  domain: string;
  reply: AgentReply;
  facts: DomainFacts | null;
}

/**
 * `scan host --guests`: what each running domain's agent answered (`virsh.guest-info:<domain>`, see
 * HOST_GUEST_AGENT_ITEM). Running domains come from `virsh list --name`; whether a domain has an agent channel from
 * its live definition. Returns undefined (with the reason) when the host evidence cannot tell which domains run.
 */
export function hostGuestAgents(bundle: EvidenceBundle, domains: readonly DomainFacts[]): { agents: HostGuestAgent[] } | { unavailable: string } {
  const list = bundle.commands['virsh.list.running'];
  const asked = bundle.commands[GUEST_INFO_ID];
  if (!list || list.state !== 'ok' || list.exitCode !== 0) {
    const why = !list ? 'not collected' : list.state !== 'ok' ? list.state : `exit ${list.exitCode}: ${(list.stderr ?? '').trim().split('\n')[0]}`;
    return { unavailable: `running domains unknown (virsh list: ${why})` };
  }
  if (!asked) return { unavailable: 'the agents were not asked (collect with --guests)' };
  if (asked.state !== 'ok') return { unavailable: `the agents could not be asked (${asked.state}${asked.error ? `: ${asked.error}` : ''})` };
  const byName = new Map<string, DomainFacts>();
  for (const d of domains) if (d.name && (!byName.has(d.name) || d.live)) byName.set(d.name, d);
  const running = [...new Set((list.stdout ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== ''))].sort();
  const agents: HostGuestAgent[] = [];
  for (const name of running) {
    const facts = byName.get(name) ?? null;
    const c = bundle.commands[`${GUEST_INFO_ID}:${name}`];
    const hasChannel = facts ? facts.channels.some((ch) => ch.targetName === AGENT_CHANNEL) : undefined;
    let reply: AgentReply;
    if (c && c.state === 'ok' && c.exitCode === 0 && (c.stdout ?? '').trim() !== '') reply = { json: c.stdout };
    else if (c) reply = { error: c.state !== 'ok' ? (c.error ?? c.state) : (c.stderr ?? '').trim().split('\n')[0] || `virsh exited with status ${c.exitCode}` };
    else if (hasChannel === false) reply = { noChannel: true };
    else reply = { error: hasChannel ? 'not asked (the domain was not running or had no channel when collected)' : 'its definition is unknown and it was not asked' };
    agents.push({ domain: name, reply, facts });
  }
  return { agents };
}

/** Evaluates the guest rules on every running domain's guest-info reply; guests are named `<host>/<domain>`. */
export function scanHostGuestAgents(acc: ScanAccumulator, bundle: EvidenceBundle, domains: readonly DomainFacts[]): void {
  const r = hostGuestAgents(bundle, domains);
  if ('unavailable' in r) {
    acc.addError({ target: { kind: 'host', name: bundle.target.name }, kind: 'guests-unavailable', message: `${bundle.target.name}: --guests: ${r.unavailable}` });
    return;
  }
  for (const a of r.agents) scanGuestAgentInfo(acc, `${bundle.target.name}/${a.domain}`, a.reply, a.facts);
}
