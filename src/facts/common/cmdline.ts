/**
 * `/proc/cmdline` as the Linux kernel splits it (lib/cmdline.c next_arg(), kernel/params.c parse_args()):
 *  - parameters are separated by whitespace outside double quotes; `"param=a b"` and `param="a b"` are both
 *    one parameter, and the quotes are dropped (a leading quote of the whole word, a quote starting the
 *    value, and the matching last character);
 *  - the name is everything before the first `=` (an `=` at position 0 does not count); `-` and `_` in names
 *    are equivalent (parameqn), so `kvm-arm.vgic_v4_enable` = `kvm_arm.vgic-v4-enable`;
 *  - a bare `--` ends the kernel's parameters: the rest goes to init;
 *  - repeated parameters are applied in order, so for simple values the last one wins, but some pairs are
 *    order-dependent (`hugepages=` applies to the preceding `hugepagesz=`, or to the default size);
 *  - booleans (kstrtobool): `y`/`Y`/`1`/`on` true, `n`/`N`/`0`/`off` false; a bool given without value is true.
 * Used for the host and for guests.
 */
import type { SourceLocation } from '../../util/location';
import type { Problem } from '../../util/problem';
import type { ParseResult } from './envfile';

export interface CmdlineParam {
  /** Name as written. */
  name: string;
  /** Name with every `-` replaced by `_` (use this to compare). */
  key: string;
  /** Value without quotes; undefined when there is no `=`. */
  value?: string;
  location: SourceLocation;
}

export interface KernelCmdline {
  /** Kernel parameters in order (duplicates kept). */
  params: CmdlineParam[];
  /** Words after ` -- ` (for init, not the kernel). */
  init: string[];
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';

export const normalizeParamName = (name: string): string => name.replace(/-/g, '_');

export function parseKernelCmdline(text: string, file = '/proc/cmdline'): ParseResult<KernelCmdline> {
  const problems: Problem[] = [];
  const params: CmdlineParam[] = [];
  const init: string[] = [];
  let pos = 0;
  const n = text.length;
  while (pos < n && isSpace(text[pos])) pos++;
  let afterDashes = false;
  while (pos < n) {
    const start = pos;
    let args = pos;
    let quoted = false;
    let inQuote = false;
    if (text[args] === '"') {
      args++;
      inQuote = true;
      quoted = true;
    }
    let i = 0;
    let equals = 0;
    for (; args + i < n; i++) {
      const c = text[args + i];
      if (isSpace(c) && !inQuote) break;
      if (equals === 0 && c === '=') equals = i;
      if (c === '"') inQuote = !inQuote;
    }
    // Mirror next_arg()'s in-place NUL writes on a copy of the word (leading quote excluded).
    const chars = text.slice(args, args + i).split('');
    const cstr = (from: number): string => {
      const end = chars.indexOf('\0', from);
      return chars.slice(from, end === -1 ? chars.length : end).join('');
    };
    let value: string | undefined;
    let v = 0;
    if (equals) {
      chars[equals] = '\0';
      v = equals + 1;
      if (chars[v] === '"') {
        v++;
        if (chars[i - 1] === '"') chars[i - 1] = '\0';
      }
    }
    if (quoted && i > 0 && chars[i - 1] === '"') chars[i - 1] = '\0';
    const name = cstr(0);
    if (equals) value = cstr(v);
    if (inQuote) {
      problems.push({ code: 'cmdline.unterminated-quote', level: 'warning', message: 'unterminated quote on the kernel command line', location: { file, line: 1, column: start + 1 } });
    }
    const word = text.slice(start, args + i);
    pos = args + i;
    while (pos < n && isSpace(text[pos])) pos++;
    if (afterDashes) {
      init.push(word);
      continue;
    }
    if (value === undefined && name === '--') {
      afterDashes = true;
      continue;
    }
    const p: CmdlineParam = { name, key: normalizeParamName(name), location: { file, line: 1, column: start + 1 } };
    if (value !== undefined) p.value = value;
    params.push(p);
  }
  return { value: { params, init }, problems };
}

/** All occurrences of a parameter (name compared with `-`/`_` equivalence). */
export function cmdlineAll(cmd: KernelCmdline, name: string): CmdlineParam[] {
  const key = normalizeParamName(name);
  return cmd.params.filter((p) => p.key === key);
}

/** The effective (last) occurrence of a parameter. */
export function cmdlineLast(cmd: KernelCmdline, name: string): CmdlineParam | undefined {
  const all = cmdlineAll(cmd, name);
  return all[all.length - 1];
}

/** kstrtobool(): `y/Y/1/on` → true, `n/N/0/off` → false, anything else undefined. A bare flag is true. */
export function parseKernelBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return true;
  const c = value[0];
  if (c === 'y' || c === 'Y' || c === '1') return true;
  if (c === 'n' || c === 'N' || c === '0') return false;
  if (c === 'o' || c === 'O') {
    const d = value[1];
    if (d === 'n' || d === 'N') return true;
    if (d === 'f' || d === 'F') return false;
  }
  return undefined;
}

/** Effective boolean of a parameter (last occurrence); undefined when absent or not a bool. */
export function cmdlineBool(cmd: KernelCmdline, name: string): boolean | undefined {
  const p = cmdlineLast(cmd, name);
  return p ? parseKernelBool(p.value) : undefined;
}

/** Comma-separated options of a value (`intel_iommu=on,sm_on` → [`on`, `sm_on`]). */
export function cmdlineOptions(value: string | undefined): string[] {
  return value === undefined || value === '' ? [] : value.split(',');
}

/** memparse(): a number with optional K/M/G/T/P/E suffix (binary), in bytes. Undefined if unparsable. */
export function memparse(s: string): number | undefined {
  const m = /^(0x[0-9a-fA-F]+|0[0-7]*|[1-9]\d*)([kKmMgGtTpPeE]?)$/.exec(s);
  if (!m) return undefined;
  const base = m[1].startsWith('0x') ? parseInt(m[1], 16) : m[1].length > 1 && m[1].startsWith('0') ? parseInt(m[1], 8) : Number(m[1]);
  const exp = { '': 0, k: 10, m: 20, g: 30, t: 40, p: 50, e: 60 }[m[2].toLowerCase() as '' | 'k'];
  return base * 2 ** exp;
}

export interface HugepagePoolRequest {
  /** Page size in KiB; undefined = the default huge page size (no hugepagesz= before). */
  sizeKiB?: number;
  count: number;
  location: SourceLocation;
}

export interface CmdlineHugepages {
  /** `default_hugepagesz=` in KiB (last one wins). */
  defaultSizeKiB?: number;
  /** `hugepages=` requests paired with the preceding `hugepagesz=`, in order. */
  pools: HugepagePoolRequest[];
}

/** Pairs `hugepagesz=`/`hugepages=` in command-line order (mm/hugetlb.c). */
export function cmdlineHugepages(cmd: KernelCmdline): ParseResult<CmdlineHugepages> {
  const problems: Problem[] = [];
  const out: CmdlineHugepages = { pools: [] };
  let size: number | undefined;
  for (const p of cmd.params) {
    if (p.key === 'hugepagesz' || p.key === 'default_hugepagesz') {
      const bytes = p.value === undefined ? undefined : memparse(p.value);
      if (bytes === undefined || bytes < 1024) {
        problems.push({ code: 'cmdline.bad-size', level: 'warning', message: `${p.name}=${p.value ?? ''} is not a size`, location: p.location });
        continue;
      }
      if (p.key === 'hugepagesz') size = bytes / 1024;
      else out.defaultSizeKiB = bytes / 1024;
    } else if (p.key === 'hugepages') {
      const count = p.value !== undefined && /^\d+$/.test(p.value) ? Number(p.value) : undefined;
      if (count === undefined) {
        problems.push({ code: 'cmdline.bad-count', level: 'warning', message: `hugepages=${p.value ?? ''} is not a page count`, location: p.location });
        continue;
      }
      const req: HugepagePoolRequest = { count, location: p.location };
      if (size !== undefined) req.sizeKiB = size;
      out.pools.push(req);
    }
  }
  return { value: out, problems };
}
