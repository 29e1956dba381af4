/**
 * Guest-Idle-Haltpoll facts (GUEST-HPOLL-001/002/003):
 * - `/sys/devices/system/cpu/cpuidle/current_driver` (`haltpoll`, `none`, `acpi_idle`, `intel_idle`, `psci_idle`)
 *   and `current_governor_ro` / `current_governor`;
 * - `/sys/module/haltpoll/parameters/*`: ints and a `Y`/`N` bool, compared with the kernel defaults
 *   (drivers/cpuidle/governors/haltpoll.c: 200000 ns, shrink 2, grow 2, grow_start 50000, allow_shrink Y);
 * - optionally the already-parsed kernel command line (`cpuidle_haltpoll.force`, `haltpoll.enable`).
 * Missing files are unknown (absent), never errors.
 */
import type { SourceLocation } from '../../util/location';
import type { Problem } from '../../util/problem';
import type { ParseResult } from '../common/envfile';

export const CPUIDLE_DIR = '/sys/devices/system/cpu/cpuidle';
export const HALTPOLL_PARAM_DIR = '/sys/module/haltpoll/parameters';

export const HALTPOLL_DEFAULTS = {
  guest_halt_poll_ns: 200000,
  guest_halt_poll_shrink: 2,
  guest_halt_poll_grow: 2,
  guest_halt_poll_grow_start: 50000,
  guest_halt_poll_allow_shrink: true,
} as const;

export type HaltpollParam = keyof typeof HALTPOLL_DEFAULTS;

export interface HaltpollDeviation {
  param: HaltpollParam;
  value: number | boolean;
  default: number | boolean;
  location: SourceLocation;
}

export interface CpuidleFacts {
  currentDriver?: string;
  currentGovernor?: string;
  /** The haltpoll module's parameter directory exists (module loaded / built in). */
  haltpollLoaded: boolean;
  params: Partial<Record<HaltpollParam, number | boolean>>;
  deviations: HaltpollDeviation[];
  /** guest_halt_poll_ns = 0: the governor never polls. */
  pollingDisabled?: boolean;
  /** grow_start > guest_halt_poll_ns: growing starts above the ceiling, so polling never grows. */
  growStartAboveMax?: boolean;
  /** From the kernel command line, when given: `cpuidle_haltpoll.force=` / `haltpoll.enable=` as booleans. */
  cmdlineForce?: boolean;
  cmdlineHaltpollEnable?: boolean;
}

/** Kernel kstrtobool: y/Y/1/on → true, n/N/0/off → false; undefined otherwise. */
export function kernelBool(s: string | undefined): boolean | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  if (t === '') return true; // a bare boolean parameter (`cpuidle_haltpoll.force`) means true
  if (/^[yY1]/.test(t) || /^[oO][nN]/.test(t)) return true;
  if (/^[nN0]/.test(t) || /^[oO][fF]/.test(t)) return false;
  return undefined;
}

/** `files`: absolute path → content for the files collected under the two directories. */
export function parseCpuidle(files: Record<string, string>, cmdline?: Record<string, string>): ParseResult<CpuidleFacts> {
  const problems: Problem[] = [];
  const facts: CpuidleFacts = { haltpollLoaded: false, params: {}, deviations: [] };
  const drv = files[`${CPUIDLE_DIR}/current_driver`];
  if (drv !== undefined && drv.trim() !== '') facts.currentDriver = drv.trim();
  const gov = files[`${CPUIDLE_DIR}/current_governor_ro`] ?? files[`${CPUIDLE_DIR}/current_governor`];
  if (gov !== undefined && gov.trim() !== '') facts.currentGovernor = gov.trim();
  for (const [param, dflt] of Object.entries(HALTPOLL_DEFAULTS) as [HaltpollParam, number | boolean][]) {
    const file = `${HALTPOLL_PARAM_DIR}/${param}`;
    const raw = files[file];
    if (raw === undefined) continue;
    facts.haltpollLoaded = true;
    const location: SourceLocation = { file, line: 1, column: 1 };
    const t = raw.trim();
    let value: number | boolean | undefined;
    if (typeof dflt === 'boolean') {
      value = t === 'Y' ? true : t === 'N' ? false : undefined;
    } else if (/^\d+$/.test(t) && t.length <= 10) {
      value = Number(t);
    }
    if (value === undefined) {
      problems.push({ code: 'cpuidle.invalid-value', level: 'error', message: `${param}: unexpected value '${t.slice(0, 40)}'`, location });
      continue;
    }
    facts.params[param] = value;
    if (value !== dflt) facts.deviations.push({ param, value, default: dflt, location });
  }
  const ns = facts.params.guest_halt_poll_ns;
  const gs = facts.params.guest_halt_poll_grow_start;
  if (typeof ns === 'number') facts.pollingDisabled = ns === 0;
  if (typeof ns === 'number' && typeof gs === 'number') facts.growStartAboveMax = gs > ns;
  if (cmdline) {
    if ('cpuidle_haltpoll.force' in cmdline) facts.cmdlineForce = kernelBool(cmdline['cpuidle_haltpoll.force']);
    if ('haltpoll.enable' in cmdline) facts.cmdlineHaltpollEnable = kernelBool(cmdline['haltpoll.enable']);
  }
  return { value: facts, problems };
}
