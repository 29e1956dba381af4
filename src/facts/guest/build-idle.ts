/** Guest facts, idle area: cpuidle / guest halt-polling (`guest.cpuidle`, cpuidle.ts parses) and PV spinlocks (`guest.pvspin`, pvspin.ts). */
import { commandOf, fileOf, type EvidenceBundle } from '../../collect/evidence';
import { at, commandFile, commandReason, fileReason, okStdout, okText } from '../common/evidence';
import { CPUIDLE_DIR, HALTPOLL_PARAM_DIR, kernelBool, parseCpuidle } from './cpuidle';
import { parseKernelConfig, parsePvSpinDmesg } from './pvspin';
import type { CmdlineFacts, CpuidleFacts, ProblemFact, PvspinFacts } from './model';
import { problemFact } from './build-common';

// ---------------------------------------------------------------------------------------------------------
// cpuidle / haltpoll

export function buildCpuidle(b: EvidenceBundle, cmdline: CmdlineFacts | null, unknown: Record<string, string>, problems: ProblemFact[]): CpuidleFacts | null {
  const drvFile = fileOf(b, `${CPUIDLE_DIR}/current_driver`);
  if (okText(drvFile) === undefined) {
    unknown['guest.cpuidle'] = fileReason(drvFile, b.privileged);
    return null;
  }
  const files: Record<string, string> = {};
  for (const [p, f] of Object.entries(b.files)) {
    const t = okText(f);
    if (t !== undefined && (p.startsWith(`${CPUIDLE_DIR}/`) || p.startsWith(`${HALTPOLL_PARAM_DIR}/`))) files[p] = t;
  }
  const cl: Record<string, string> = {};
  for (const n of ['cpuidle_haltpoll.force', 'haltpoll.enable']) {
    const p = cmdline?.params[n];
    if (p) cl[n] = p.value ?? '';
  }
  const r = parseCpuidle(files, cl);
  problems.push(...r.problems.map((p) => problemFact(p, at(HALTPOLL_PARAM_DIR))));
  const v = r.value;
  const cmdFact = (n: string) => {
    const p = cmdline?.params[n];
    return p ? { value: kernelBool(p.value ?? '') ?? null, loc: p.loc, key: p.key } : null;
  };
  return {
    currentDriver: v.currentDriver ?? null,
    currentGovernor: v.currentGovernor ?? null,
    haltpollLoaded: v.haltpollLoaded,
    params: v.params as Record<string, number | boolean>,
    deviations: v.deviations.map((d) => ({ param: d.param, value: d.value, default: d.default, loc: d.location, key: `haltpoll[${d.param}]` })),
    pollingDisabled: v.pollingDisabled ?? null,
    growStartAboveMax: v.growStartAboveMax ?? null,
    cmdlineForce: cmdFact('cpuidle_haltpoll.force'),
    cmdlineHaltpollEnable: cmdFact('haltpoll.enable'),
    loc: at(drvFile.path),
    key: 'cpuidle',
  };
}

// ---------------------------------------------------------------------------------------------------------
// PV spinlocks

export function buildPvspin(b: EvidenceBundle, arch: string | null, release: string | null, cmdline: CmdlineFacts | null, unknown: Record<string, string>, problems: ProblemFact[]): PvspinFacts | null {
  let kconfig: PvspinFacts['kconfig'] = null;
  if (release) {
    const kf = fileOf(b, `/boot/config-${release}`);
    const t = okText(kf);
    if (t !== undefined) {
      const r = parseKernelConfig(t, kf.path);
      problems.push(...r.problems.map((p) => problemFact(p, at(kf.path))));
      const o = r.value.CONFIG_PARAVIRT_SPINLOCKS;
      if (o) kconfig = { value: o.value, loc: o.location, key: 'CONFIG_PARAVIRT_SPINLOCKS' };
    }
  }
  const armPvspin = cmdline?.params.arm_pvspin !== undefined;
  const nopvspin = cmdline?.params.nopvspin !== undefined;
  const dcmd = commandOf(b, 'dmesg');
  const dout = okStdout(dcmd);
  let log: PvspinFacts['log'] = null;
  let bootBanner = false;
  if (dout !== undefined) {
    const r = parsePvSpinDmesg(dout, commandFile('dmesg'));
    const l = r.value.lines[r.value.lines.length - 1];
    if (l) log = { state: l.state, reason: l.reason ?? null, text: l.text, loc: l.location, key: 'pvspin-log' };
    bootBanner = /Linux version \d/.test(dout);
  }
  let verdict: PvspinFacts['verdict'];
  if (log) verdict = log.state === 'enabled' ? 'enabled' : log.reason && /no host support/.test(log.reason) ? 'no-host-support' : 'disabled-intentionally';
  else if (kconfig?.value === 'n') verdict = 'not-built';
  else if (dout === undefined) {
    unknown['guest.pvspin'] = commandReason(dcmd, 'dmesg', b.privileged);
    return null;
  } else if (!bootBanner) {
    unknown['guest.pvspin'] = 'the kernel log no longer holds the boot messages (ring buffer wrapped)';
    return null;
  } else verdict = armPvspin ? 'requested-not-active' : 'no-log-line';
  const loc = log?.loc ?? (verdict === 'not-built' ? kconfig?.loc : undefined) ?? cmdline?.params.arm_pvspin?.loc ?? at(commandFile('dmesg'));
  return { arch, armPvspin, nopvspin, kconfig, log, verdict, loc, key: 'pvspin' };
}
