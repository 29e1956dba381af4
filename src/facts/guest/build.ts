/**
 * Guest facts from one guest's evidence (see model.ts for what each fact needs), one module per area as for hosts:
 * build-qga.ts, build-tpm.ts, build-idle.ts (cpuidle, pvspin), build-cpus.ts (topology, NUMA); the kernel command
 * line is here. Pure; never throws on bad input:
 * parse problems become `guest.problems` (and per-area problem lists), unreadable evidence becomes `unknown`.
 */
import { commandOf, fileOf, type EvidenceBundle } from '../../collect/evidence';
import { parseKernelCmdline } from '../common/cmdline';
import { at, commandReason, fileReason, okStdout, okText } from '../common/evidence';
import { kernelBool } from './cpuidle';
import { parseGuestInfo, parseQgaVersion, QGA_72_PLATFORM_UNSUPPORTED } from './qga';
import type { CmdlineFacts, GuestFacts, GuestFactsResult, ProblemFact } from './model';
import { dedupeProblems, problemFact } from './build-common';
import { buildQga, emptyQga } from './build-qga';
import { buildTpm } from './build-tpm';
import { buildCpuidle, buildPvspin } from './build-idle';
import { buildNuma, buildTopology } from './build-cpus';

export * from './model';

// ---------------------------------------------------------------------------------------------------------
// Kernel command line

function buildCmdline(b: EvidenceBundle, unknown: Record<string, string>): CmdlineFacts | null {
  const f = fileOf(b, '/proc/cmdline');
  const text = okText(f);
  if (text === undefined) {
    unknown['guest.cmdline'] = fileReason(f, b.privileged);
    return null;
  }
  const parsed = parseKernelCmdline(text, f.path).value;
  // Keyed by the `-`/`_`-normalised name; later occurrences win, as in the kernel.
  const params: CmdlineFacts['params'] = {};
  for (const p of parsed.params) params[p.key] = { name: p.key, value: p.value ?? null, bool: kernelBool(p.value ?? '') ?? null, loc: p.location, key: `cmdline[${p.key}]` };
  return { text: text.replace(/\n$/, ''), params, loc: at(f.path), key: 'cmdline' };
}

/** Host side: qemu-ga facts from a `guest-info` reply (`virsh qemu-agent-command DOM '{"execute":"guest-info"}'`). */
export function guestFactsFromAgentInfo(domainName: string, guestInfoJson: string): GuestFactsResult {
  const guest = emptyGuest(domainName, 'agent');
  const unknown: Record<string, string> = {};
  const noInGuest = `only the host-side guest-info reply is available for domain ${domainName} (no in-guest evidence)`;
  for (const k of ['guest.cmdline', 'guest.tpm', 'guest.cpuidle', 'guest.pvspin', 'guest.topology', 'guest.numa', 'guest.arch', 'guest.qga.files', 'guest.qga.listDefects', 'guest.qga.config', 'guest.qga.sysconfig', 'guest.qga.problems'])
    unknown[k] = noInGuest;
  const file = `guest-info:${domainName}`;
  const r = parseGuestInfo(guestInfoJson, file);
  guest.problems = r.problems.map((p) => problemFact(p, at(file)));
  if (!r.value) {
    unknown['guest.qga'] = `qemu-ga of domain ${domainName} gave no usable guest-info reply: ${r.problems[0]?.message ?? 'empty reply'}`;
    return { guest, unknown };
  }
  const info = r.value;
  const qga = emptyQga('guest-info', true);
  qga.version = parseQgaVersion(info.version)?.text ?? info.version ?? null;
  qga.running = true;
  qga.starts = true;
  qga.argv = null;
  qga.enabled = info.enabled;
  qga.blocked = info.filtered;
  qga.platformUnsupported = info.platformUnsupported;
  for (const c of info.commands)
    qga.rpcs[c.name] = { enabled: c.enabled, reason: c.enabled ? 'default' : info.platformUnsupported.includes(c.name) ? 'platform-unsupported' : 'disabled', loc: null };
  guest.qga = qga;
  return { guest, unknown };
}

/** The platform-unsupported commands assumed for agents older than 9.1 (re-exported for the host command). */
export const AGENT_PLATFORM_UNSUPPORTED = QGA_72_PLATFORM_UNSUPPORTED;

// ---------------------------------------------------------------------------------------------------------

function emptyGuest(name: string, via: GuestFacts['via']): GuestFacts {
  return { name, via, arch: null, kernelRelease: null, cmdline: null, qga: null, tpm: null, cpuidle: null, pvspin: null, topology: null, numa: null, problems: [] };
}

/** Builds GuestFacts from a guest's evidence bundle. */
export function buildGuestFacts(bundle: EvidenceBundle): GuestFactsResult {
  const unknown: Record<string, string> = {};
  const guest = emptyGuest(bundle.target.name, 'in-guest');
  const problems: ProblemFact[] = [];
  const um = commandOf(bundle, 'uname.machine');
  guest.arch = okStdout(um)?.trim() || null;
  if (guest.arch === null) unknown['guest.arch'] = commandReason(um, 'uname -m', bundle.privileged);
  guest.kernelRelease = okStdout(commandOf(bundle, 'uname.release'))?.trim() || null;
  guest.cmdline = buildCmdline(bundle, unknown);
  guest.qga = buildQga(bundle, unknown);
  if (guest.qga.problems.length) problems.push(...guest.qga.problems);
  guest.tpm = buildTpm(bundle, unknown, problems);
  guest.cpuidle = buildCpuidle(bundle, guest.cmdline, unknown, problems);
  guest.pvspin = buildPvspin(bundle, guest.arch, guest.kernelRelease, guest.cmdline, unknown, problems);
  guest.topology = buildTopology(bundle, unknown);
  guest.numa = buildNuma(bundle, unknown);
  guest.problems = dedupeProblems(problems);
  return { guest, unknown };
}
