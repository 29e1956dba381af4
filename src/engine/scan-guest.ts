import type { EvidenceBundle } from '../collect/evidence';
import { buildGuestFacts, guestFactsFromAgentInfo, type GuestFactsResult } from '../facts/guest/build';
import type { Rule } from './generated/rule';
import type { TargetRef } from './findings';
import { ScanAccumulator, type RuleSelection } from './scan';

/** Evaluates guest-scope rules against one guest's evidence bundle (`scan guest`, local / --root / ssh / snapshot). */
export function scanGuestBundle(acc: ScanAccumulator, bundle: EvidenceBundle): GuestFactsResult {
  const target: TargetRef = { kind: 'guest', name: bundle.target.name };
  const facts = buildGuestFacts(bundle);
  acc.evaluate(['guest'], { target, vars: { guest: facts.guest }, unknown: facts.unknown });
  return facts;
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

export function scanGuestAgentInfo(acc: ScanAccumulator, domainName: string, reply: AgentReply): GuestFactsResult | undefined {
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
  acc.evaluate(['guest'], { target, vars: { guest: facts.guest }, unknown: facts.unknown });
  return facts;
}

export function scanGuestBundles(bundles: readonly EvidenceBundle[], rules: readonly Rule[], selection?: RuleSelection) {
  const acc = new ScanAccumulator(rules, selection);
  for (const b of bundles) scanGuestBundle(acc, b);
  return acc.result();
}
