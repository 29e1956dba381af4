/**
 * PV spinlock facts (GUEST-PVSPIN-001):
 * - x86 KVM guests log from arch/x86/kernel/kvm.c kvm_spinlock_init(): `kvm-guest: PV spinlocks enabled`, or
 *   `... disabled, no host support` / `disabled, single CPU` / `disabled with KVM_HINTS_REALTIME hints` /
 *   `disabled, forced by "nopvspin" parameter` (older kernels use the `kvm:` prefix or none);
 * - arm64 openEuler guests (`arm_pvspin` on the command line) log `arm-pv: PV qspinlocks enabled`;
 * - `CONFIG_PARAVIRT_SPINLOCKS` from `/boot/config-$(uname -r)` (`=y`, `# ... is not set`, absent).
 * dmesg lines may carry `[    0.000000] ` timestamps or journal prefixes; the last matching line wins.
 */
import type { SourceLocation } from '../../util/location';
import type { Problem } from '../../util/problem';
import type { ParseResult } from '../common/envfile';

export interface PvSpinLine {
  arch: 'x86' | 'arm64';
  state: 'enabled' | 'disabled';
  /** Text after "disabled" (e.g. `no host support`), trimmed of punctuation. */
  reason?: string;
  text: string;
  location: SourceLocation;
}

export interface PvSpinFacts {
  /** Effective state from the last matching line, undefined when the log says nothing. */
  state?: 'enabled' | 'disabled';
  arch?: 'x86' | 'arm64';
  reason?: string;
  location?: SourceLocation;
  lines: PvSpinLine[];
}

const X86 = /(?:^|\s|\]\s*)(?:kvm-guest:\s*|kvm:\s*)?PV spinlocks (enabled|disabled)\b(.*)$/;
const ARM = /arm-pv:\s*PV qspinlocks (enabled|disabled)/;

export function parsePvSpinDmesg(text: string, file: string): ParseResult<PvSpinFacts> {
  const facts: PvSpinFacts = { lines: [] };
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].replace(/\r$/, '');
    let m = ARM.exec(line);
    let hit: PvSpinLine | undefined;
    if (m) {
      hit = { arch: 'arm64', state: m[1] as 'enabled' | 'disabled', text: line.trim(), location: { file, line: n + 1, column: m.index + 1 } };
    } else if ((m = X86.exec(line))) {
      const idx = line.indexOf('PV spinlocks');
      const kvm = line.lastIndexOf('kvm', idx);
      hit = { arch: 'x86', state: m[1] as 'enabled' | 'disabled', text: line.trim(), location: { file, line: n + 1, column: (kvm !== -1 ? kvm : idx) + 1 } };
      const reason = m[2].replace(/^[\s,:]+|[\s.]+$/g, '');
      if (hit.state === 'disabled' && reason) hit.reason = reason;
    }
    if (hit) facts.lines.push(hit);
  }
  const last = facts.lines[facts.lines.length - 1];
  if (last) {
    facts.state = last.state;
    facts.arch = last.arch;
    facts.location = last.location;
    if (last.reason) facts.reason = last.reason;
  }
  return { value: facts, problems: [] };
}

export interface KernelConfigOption {
  /** `y`, `m`, a string/number value, or `n` for `# CONFIG_X is not set`. */
  value: string;
  location: SourceLocation;
}

/** A kernel `.config` / `/boot/config-*`: `CONFIG_X=value` lines and `# CONFIG_X is not set`; the last line for a symbol wins. */
export function parseKernelConfig(text: string, file: string): ParseResult<Record<string, KernelConfigOption>> {
  const problems: Problem[] = [];
  const out: Record<string, KernelConfigOption> = Object.create(null) as Record<string, KernelConfigOption>;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].replace(/\r$/, '').trim();
    if (line === '') continue;
    const location: SourceLocation = { file, line: n + 1, column: 1 };
    let m = /^# (CONFIG_[A-Za-z0-9_]+) is not set$/.exec(line);
    if (m) {
      out[m[1]] = { value: 'n', location };
      continue;
    }
    if (line.startsWith('#')) continue;
    m = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(line);
    if (!m) {
      problems.push({ code: 'kconfig.unrecognized-line', level: 'warning', message: `unrecognized line: ${line.slice(0, 80)}`, location });
      continue;
    }
    let v = m[2];
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1).replace(/\\(["\\])/g, '$1');
    out[m[1]] = { value: v, location };
  }
  return { value: out, problems };
}

/** CONFIG_PARAVIRT_SPINLOCKS from a kernel config: `y`, `n` (not set) or undefined (absent, e.g. non-x86 without it). */
export function paravirtSpinlocksConfig(text: string, file: string): ParseResult<KernelConfigOption | undefined> {
  const r = parseKernelConfig(text, file);
  return { value: r.value.CONFIG_PARAVIRT_SPINLOCKS, problems: r.problems };
}
