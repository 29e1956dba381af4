/**
 * Kernel CPU bitmaps as sysfs prints them (lib/vsprintf.c bitmap_string() / bitmap_list_string()):
 *  - `%*pb` masks (`/sys/devices/virtual/workqueue/cpumask`, `.../cpumask_requested`, irq `smp_affinity`):
 *    lower-case hex in 32-bit chunks, most-significant chunk first, comma-separated; every chunk is
 *    zero-padded to 8 digits except the first, padded to ceil((nr_cpu_ids mod 32, or 32) / 4) digits.
 *    Real 2-CPU sample: `3`; 40 CPUs all set: `ff,ffffffff`.
 *  - `%*pbl` cpulists (`/sys/devices/system/cpu/online`, `node*\/cpulist`, `isolated`): `0-3,8,10-11`; the
 *    empty string is a valid (empty) list. The kernel's *input* parser (bitmap_parselist, e.g. `isolcpus=`)
 *    also takes `N-M:used/group` strides; accepted here too.
 * Sizes are capped (default 16384 CPUs, libvirt's limit) and checked before any allocation.
 */
import type { SourceLocation } from '../../util/location';
import type { Problem } from '../../util/problem';
import type { ParseResult } from '../common/envfile';

export const MAX_KERNEL_CPUS = 16384;

export interface BitmapOptions {
  /** Refuse bitmaps naming CPUs >= maxCpus. Default 16384. */
  maxCpus?: number;
  /** Location of the text (file, line 1 by default) for problems. */
  location?: SourceLocation;
}

const where = (o: BitmapOptions, column = 1): SourceLocation | undefined => (o.location ? { ...o.location, column: o.location.column + column - 1 } : undefined);

/** Parses a `%*pb` hex mask into sorted CPU numbers. Undefined value = unparsable (see problems). */
export function parseKernelMask(text: string, opts: BitmapOptions = {}): ParseResult<number[] | undefined> {
  const max = opts.maxCpus ?? MAX_KERNEL_CPUS;
  const s = text.replace(/\r?\n$/, '').trim();
  const problems: Problem[] = [];
  if (s === '') return { value: [], problems };
  // words * 32 bits: refuse before splitting a hostile giant string
  const words = (s.match(/,/g)?.length ?? 0) + 1;
  if (!/^[0-9a-fA-F]{1,8}(,[0-9a-fA-F]{1,8})*$/.test(s)) {
    if (words * 32 > max * 2 + 64 && /^[0-9a-fA-F,]*$/.test(s)) {
      problems.push({ code: 'bitmap.too-large', level: 'error', message: `CPU mask of ${words} words is beyond the ${max}-CPU limit`, location: where(opts) });
    } else {
      problems.push({ code: 'bitmap.bad-mask', level: 'error', message: `not a kernel CPU mask (comma-separated 32-bit hex words): '${s.slice(0, 80)}'`, location: where(opts) });
    }
    return { value: undefined, problems };
  }
  const chunks = s.split(',');
  const cpus: number[] = [];
  for (let w = 0; w < chunks.length; w++) {
    const base = (chunks.length - 1 - w) * 32;
    const v = parseInt(chunks[w], 16);
    if (v === 0) continue;
    for (let b = 31; b >= 0; b--) {
      if ((v >>> b) & 1) {
        if (base + b >= max) {
          problems.push({ code: 'bitmap.too-large', level: 'error', message: `CPU mask names CPU ${base + b}, beyond the ${max}-CPU limit`, location: where(opts) });
          return { value: undefined, problems };
        }
        cpus.push(base + b);
      }
    }
  }
  return { value: cpus.sort((a, b) => a - b), problems };
}

/** Parses a kernel cpulist (`0-3,8`, strides `0-15:2/4`, empty allowed) into sorted unique CPU numbers. */
export function parseCpulist(text: string, opts: BitmapOptions = {}): ParseResult<number[] | undefined> {
  const max = opts.maxCpus ?? MAX_KERNEL_CPUS;
  const s = text.replace(/\r?\n$/, '');
  const problems: Problem[] = [];
  if (s.trim() === '') return { value: [], problems };
  const set = new Set<number>();
  let col = 1;
  for (const item of s.split(',')) {
    const m = /^\s*(\d+)(?:-(\d+)(?::(\d+)\/(\d+))?)?\s*$/.exec(item);
    const bad = (code: string, message: string): ParseResult<undefined> => {
      problems.push({ code, level: 'error', message, location: where(opts, col) });
      return { value: undefined, problems };
    };
    if (!m) return bad('bitmap.bad-cpulist', `not a cpulist item: '${item.slice(0, 40)}'`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) return bad('bitmap.bad-cpulist', `descending range '${item.trim()}'`);
    if (hi >= max || !Number.isSafeInteger(hi)) return bad('bitmap.too-large', `cpulist names CPU ${m[2] ?? m[1]}, beyond the ${max}-CPU limit`);
    const used = m[3] === undefined ? 1 : Number(m[3]);
    const group = m[4] === undefined ? 1 : Number(m[4]);
    if (group === 0 || used === 0 || used > group) return bad('bitmap.bad-cpulist', `bad stride in '${item.trim()}'`);
    for (let i = lo; i <= hi; i++) if ((i - lo) % group < used) set.add(i);
    col += item.length + 1;
  }
  return { value: [...set].sort((a, b) => a - b), problems };
}

/** Formats CPU numbers as the kernel's `%*pbl` (`0-3,8,10-11`): the same text libvirt prints for cpusets. */
export { formatCpulist } from '../cpuset';

/**
 * Formats CPU numbers as the kernel's `%*pb` for a bitmap of `nrCpuIds` bits (default: highest CPU + 1).
 * CPUs >= nrCpuIds are dropped, as the kernel cannot hold them.
 */
export function formatKernelMask(cpus: readonly number[], nrCpuIds?: number): string {
  const nr = nrCpuIds ?? (cpus.length ? Math.max(...cpus) + 1 : 0);
  if (nr <= 0) return '';
  const nwords = Math.ceil(nr / 32);
  const words = new Array<number>(nwords).fill(0);
  for (const c of cpus) if (c >= 0 && c < nr) words[c >> 5] = (words[c >> 5] | (1 << (c & 31))) >>> 0;
  const firstBits = nr % 32 || 32;
  const out: string[] = [];
  for (let w = nwords - 1; w >= 0; w--) {
    const width = w === nwords - 1 ? Math.ceil(firstBits / 4) : 8;
    out.push(words[w].toString(16).padStart(width, '0'));
  }
  return out.join(',');
}
