/**
 * Small sysfs / procfs value files:
 *  - "selected value" files (`/sys/kernel/mm/transparent_hugepage/enabled` = `always [madvise] never`,
 *    `defrag` = `always defer defer+madvise [madvise] never`, `/sys/block/X/queue/scheduler`): the token in
 *    brackets is the current value (real Debian 12 samples);
 *  - single integers with a trailing newline (`halt_poll_ns` = `200000`, `numa_node` = `-1`);
 *  - module bool parameters (`Y`/`N`; `1`/`0` accepted);
 *  - `/proc/meminfo`: `Key:<spaces>value[ kB]`; `HugePages_Total/Free/Rsvd/Surp` are page *counts* (no unit),
 *    `Hugepagesize` and `Hugetlb` are kB, and they describe the default huge page size only.
 */
import type { SourceLocation } from '../../util/location';
import type { Problem } from '../../util/problem';
import type { ParseResult } from '../common/envfile';

const loc = (file: string, line = 1, column = 1): SourceLocation => ({ file, line, column });
const strip = (t: string): string => t.replace(/\r?\n$/, '');

export interface SelectedValue {
  selected?: string;
  options: string[];
}

export function parseSelectedValue(text: string, file: string): ParseResult<SelectedValue> {
  const tokens = strip(text).trim().split(/\s+/).filter(Boolean);
  const selected = tokens.filter((t) => /^\[.+\]$/.test(t));
  const options = tokens.map((t) => t.replace(/^\[(.+)\]$/, '$1'));
  const problems: Problem[] = [];
  if (selected.length !== 1) {
    problems.push({ code: 'sysfs.no-selection', level: 'warning', message: `expected exactly one [selected] value in '${strip(text).slice(0, 80)}'`, location: loc(file) });
    return { value: { options }, problems };
  }
  return { value: { selected: selected[0].slice(1, -1), options }, problems };
}

export function parseSysfsInt(text: string, file: string): ParseResult<number | undefined> {
  const s = strip(text).trim();
  if (!/^[+-]?\d+$/.test(s) || !Number.isSafeInteger(Number(s))) {
    return { value: undefined, problems: [{ code: 'sysfs.not-an-integer', level: 'warning', message: `expected an integer, got '${s.slice(0, 40)}'`, location: loc(file) }] };
  }
  return { value: Number(s), problems: [] };
}

export function parseSysfsBool(text: string, file: string): ParseResult<boolean | undefined> {
  const s = strip(text).trim();
  if (s === 'Y' || s === 'y' || s === '1') return { value: true, problems: [] };
  if (s === 'N' || s === 'n' || s === '0') return { value: false, problems: [] };
  return { value: undefined, problems: [{ code: 'sysfs.not-a-bool', level: 'warning', message: `expected Y or N, got '${s.slice(0, 40)}'`, location: loc(file) }] };
}

export interface MeminfoField {
  value: number;
  unit?: 'kB';
  location: SourceLocation;
}

export interface HugepageMeminfo {
  total?: number;
  free?: number;
  rsvd?: number;
  surp?: number;
  /** Default huge page size in KiB. */
  pageSizeKiB?: number;
  /** All huge pages of all sizes, KiB (Linux >= 5.x). */
  hugetlbKiB?: number;
}

export interface Meminfo {
  fields: Record<string, MeminfoField>;
  hugepages: HugepageMeminfo;
}

export function parseMeminfo(text: string, file = '/proc/meminfo'): ParseResult<Meminfo> {
  const problems: Problem[] = [];
  const fields = Object.create(null) as Record<string, MeminfoField>;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '') continue;
    const m = /^([A-Za-z0-9_()]+):\s*(\d+)(?:\s+(kB))?\s*$/.exec(line);
    if (!m) {
      problems.push({ code: 'meminfo.bad-line', level: 'warning', message: `unexpected /proc/meminfo line: '${line.slice(0, 80)}'`, location: loc(file, i + 1) });
      continue;
    }
    const f: MeminfoField = { value: Number(m[2]), location: loc(file, i + 1) };
    if (m[3]) f.unit = 'kB';
    fields[m[1]] = f;
  }
  const get = (k: string): number | undefined => fields[k]?.value;
  const hugepages: HugepageMeminfo = {};
  const set = (k: keyof HugepageMeminfo, v: number | undefined): void => {
    if (v !== undefined) hugepages[k] = v;
  };
  set('total', get('HugePages_Total'));
  set('free', get('HugePages_Free'));
  set('rsvd', get('HugePages_Rsvd'));
  set('surp', get('HugePages_Surp'));
  set('pageSizeKiB', get('Hugepagesize'));
  set('hugetlbKiB', get('Hugetlb'));
  return { value: { fields, hugepages }, problems };
}
