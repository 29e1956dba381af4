/**
 * SELinux / AppArmor host facts.
 *
 * `/etc/selinux/config`, mirroring libselinux:
 *  - `SELINUX=` (selinux_getenforcemode()): the line must start at column 0 with exactly `SELINUX=`
 *    (case-sensitive, strncmp); blanks after `=` are skipped; the value matches when it *starts with*
 *    `enforcing`, `permissive` or `disabled` compared case-insensitively (strncasecmp), so `Enforcing`
 *    and `enforcing # x` match but `"enforcing"` and `enforce` do not; such lines are skipped and the
 *    *first* matching line wins;
 *  - `SELINUXTYPE=` (init_selinux_config()): leading blanks allowed, `#` comment lines skipped, the tag is
 *    compared case-insensitively, the rest of the line (trailing blanks removed) is the policy name; a later
 *    line replaces an earlier one.
 * `getenforce` prints exactly `Enforcing`, `Permissive` or `Disabled`; `/sys/fs/selinux/enforce` holds
 * `1`/`0` and is absent when SELinux is disabled.
 *
 * Security contexts `user:role:type[:level]` with MLS/MCS levels `s0`, `s0:c1,c2`, `s0-s0:c0.c1023`;
 * category sets are canonicalised (sorted, unique) so `s0:c947,c200` equals `s0:c200,c947`; the canonical
 * text uses the kernel's style (`.` for runs of 3 or more, `,` otherwise).
 * AppArmor labels: `libvirt-<uuid> (enforce)`, `unconfined`.
 */
import type { SourceLocation } from '../../util/location';
import type { Problem } from '../../util/problem';
import type { ParseResult } from '../common/envfile';

export type SelinuxMode = 'enforcing' | 'permissive' | 'disabled';

export interface SelinuxConfig {
  /** Persistent mode from the first matching `SELINUX=` line; undefined when none matches. */
  mode?: SelinuxMode;
  modeLocation?: SourceLocation;
  /** Policy name from `SELINUXTYPE=` (last line wins). */
  type?: string;
  typeLocation?: SourceLocation;
}

export function parseSelinuxConfig(text: string, file = '/etc/selinux/config'): ParseResult<SelinuxConfig> {
  const problems: Problem[] = [];
  const out: SelinuxConfig = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    // selinux_getenforcemode()
    if (line.startsWith('SELINUX=')) {
      if (out.mode !== undefined) {
        problems.push({
          code: 'selinux.config-duplicate',
          level: 'warning',
          message: `libselinux uses the first SELINUX= line (line ${out.modeLocation!.line}); this one is ignored`,
          location: { file, line: i + 1, column: 1 },
        });
      } else {
        let t = 8;
        while (t < line.length && /[ \t\r\v\f]/.test(line[t])) t++;
        const v = line.slice(t).toLowerCase();
        const mode = (['enforcing', 'permissive', 'disabled'] as const).find((m) => v.startsWith(m));
        if (mode) {
          out.mode = mode;
          out.modeLocation = { file, line: i + 1, column: 1 };
        } else {
          problems.push({
            code: 'selinux.config-value-ignored',
            level: 'warning',
            message: `libselinux ignores 'SELINUX=${line.slice(8).trim()}': the value must start with enforcing, permissive or disabled (no quotes)`,
            location: { file, line: i + 1, column: t + 1 },
          });
        }
      }
    } else if (/^\s*selinux=/i.test(line)) {
      problems.push({
        code: 'selinux.config-key-ignored',
        level: 'warning',
        message: 'libselinux only reads SELINUX= written in upper case at the start of the line; this line is ignored',
        location: { file, line: i + 1, column: 1 },
      });
    }
    // init_selinux_config()
    const l = line.replace(/\r$/, '');
    const lead = /^[ \t\n\v\f\r]*/.exec(l)![0].length;
    const rest = l.slice(lead);
    if (rest.startsWith('#') || rest === '') continue;
    if (rest.slice(0, 12).toUpperCase() === 'SELINUXTYPE=') {
      out.type = rest.slice(12).replace(/[ \t\n\v\f\r]+$/, '');
      out.typeLocation = { file, line: i + 1, column: lead + 1 };
    }
  }
  return { value: out, problems };
}

export function parseGetenforce(stdout: string, file = 'getenforce'): ParseResult<SelinuxMode | undefined> {
  const s = stdout.replace(/\r?\n$/, '');
  const m = { Enforcing: 'enforcing', Permissive: 'permissive', Disabled: 'disabled' }[s] as SelinuxMode | undefined;
  if (m) return { value: m, problems: [] };
  return { value: undefined, problems: [{ code: 'selinux.bad-getenforce', level: 'warning', message: `unexpected getenforce output '${s.slice(0, 40)}'`, location: { file, line: 1, column: 1 } }] };
}

/** `/sys/fs/selinux/enforce`: `1` enforcing, `0` permissive. (A missing file means disabled: the caller knows.) */
export function parseSelinuxEnforceFile(text: string, file = '/sys/fs/selinux/enforce'): ParseResult<'enforcing' | 'permissive' | undefined> {
  const s = text.replace(/\0/g, '').trim();
  if (s === '1') return { value: 'enforcing', problems: [] };
  if (s === '0') return { value: 'permissive', problems: [] };
  return { value: undefined, problems: [{ code: 'selinux.bad-enforce-file', level: 'warning', message: `expected 1 or 0, got '${s.slice(0, 20)}'`, location: { file, line: 1, column: 1 } }] };
}

export interface MlsLevel {
  sensitivity: number;
  /** Sorted unique category numbers. */
  categories: number[];
}

export interface MlsRange {
  low: MlsLevel;
  high: MlsLevel;
  /** Canonical text, e.g. `s0:c200,c947` or `s0-s0:c0.c1023`. */
  canonical: string;
}

export interface SelinuxContext {
  user: string;
  role: string;
  type: string;
  /** Raw level text, when present. */
  levelText?: string;
  level?: MlsRange;
  /** `user:role:type[:canonical level]`. */
  canonical: string;
}

const MAX_CATEGORY = 1023 * 16; // generous; libvirt uses c0..c1023

function parseLevel(s: string): MlsLevel | undefined {
  const m = /^s(\d+)(?::(.+))?$/.exec(s);
  if (!m) return undefined;
  const cats = new Set<number>();
  if (m[2] !== undefined) {
    for (const item of m[2].split(',')) {
      const r = /^c(\d+)(?:\.c(\d+))?$/.exec(item);
      if (!r) return undefined;
      const lo = Number(r[1]);
      const hi = r[2] === undefined ? lo : Number(r[2]);
      if (hi < lo || hi > MAX_CATEGORY) return undefined;
      for (let c = lo; c <= hi; c++) cats.add(c);
    }
  }
  return { sensitivity: Number(m[1]), categories: [...cats].sort((a, b) => a - b) };
}

/** Kernel-style category text: runs of 3+ as `cA.cB`, otherwise comma-separated. */
export function formatCategories(cats: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < cats.length; ) {
    let j = i;
    while (j + 1 < cats.length && cats[j + 1] === cats[j] + 1) j++;
    if (j - i >= 2) parts.push(`c${cats[i]}.c${cats[j]}`);
    else for (let k = i; k <= j; k++) parts.push(`c${cats[k]}`);
    i = j + 1;
  }
  return parts.join(',');
}

const fmtLevel = (l: MlsLevel): string => (l.categories.length ? `s${l.sensitivity}:${formatCategories(l.categories)}` : `s${l.sensitivity}`);

export function parseMlsRange(text: string): MlsRange | undefined {
  const dash = text.indexOf('-');
  const low = parseLevel(dash === -1 ? text : text.slice(0, dash));
  const high = dash === -1 ? low : parseLevel(text.slice(dash + 1));
  if (!low || !high) return undefined;
  const same = low.sensitivity === high.sensitivity && low.categories.join() === high.categories.join();
  return { low, high, canonical: same && dash === -1 ? fmtLevel(low) : `${fmtLevel(low)}-${fmtLevel(high)}` };
}

/** Parses `user:role:type[:level]`; undefined when it is not a SELinux context. */
export function parseSelinuxContext(label: string): SelinuxContext | undefined {
  const s = label.replace(/\0+$/, '').trim();
  const m = /^([A-Za-z0-9_.]+):([A-Za-z0-9_.]+):([A-Za-z0-9_.]+)(?::(.+))?$/.exec(s);
  if (!m) return undefined;
  const ctx: SelinuxContext = { user: m[1], role: m[2], type: m[3], canonical: `${m[1]}:${m[2]}:${m[3]}` };
  if (m[4] !== undefined) {
    const level = parseMlsRange(m[4]);
    if (!level) return undefined;
    ctx.levelText = m[4];
    ctx.level = level;
    ctx.canonical += `:${level.canonical}`;
  }
  return ctx;
}

/** Same MCS category set (low level), e.g. for two QEMU processes sharing `c200,c947`. */
export function sameCategories(a: SelinuxContext, b: SelinuxContext): boolean {
  return !!a.level && !!b.level && a.level.low.categories.join() === b.level.low.categories.join() && a.level.low.sensitivity === b.level.low.sensitivity;
}

export interface AppArmorLabel {
  profile: string;
  /** Mode in parentheses; `unconfined` when the label is the bare word `unconfined`. */
  mode?: 'enforce' | 'complain' | 'kill' | 'unconfined' | 'prompt' | 'mixed' | 'user';
  /** UUID of a libvirt per-domain profile `libvirt-<uuid>`. */
  domainUuid?: string;
}

export function parseAppArmorLabel(label: string): AppArmorLabel | undefined {
  const s = label.replace(/\0+$/, '').trim();
  if (s === '') return undefined;
  if (s === 'unconfined') return { profile: 'unconfined', mode: 'unconfined' };
  const m = /^(.+?) \((enforce|complain|kill|unconfined|prompt|mixed|user)\)$/.exec(s);
  if (!m) return undefined;
  const out: AppArmorLabel = { profile: m[1], mode: m[2] as AppArmorLabel['mode'] };
  const u = /^libvirt-([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/.exec(m[1]);
  if (u) out.domainUuid = u[1].toLowerCase();
  return out;
}

export type LsmLabel = { kind: 'none' } | { kind: 'selinux'; context: SelinuxContext } | { kind: 'apparmor'; apparmor: AppArmorLabel } | { kind: 'unknown'; text: string };

/** Classifies a process label as `ps -eZ` or `/proc/PID/attr/current` shows it (`-` = no LSM). */
export function classifyLabel(label: string | undefined): LsmLabel {
  const s = (label ?? '').replace(/\0+$/, '').trim();
  if (s === '' || s === '-') return { kind: 'none' };
  const ctx = parseSelinuxContext(s);
  if (ctx) return { kind: 'selinux', context: ctx };
  const aa = parseAppArmorLabel(s);
  if (aa) return { kind: 'apparmor', apparmor: aa };
  return { kind: 'unknown', text: s };
}
