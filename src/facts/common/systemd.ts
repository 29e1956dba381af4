/**
 * systemd unit files, mirroring systemd's own rules (src/shared/conf-parser.c, src/core/load-fragment.c,
 * src/basic/extract-word.c, src/basic/env-util.c; man systemd.syntax(7), systemd.unit(5), systemd.service(5)):
 *
 * - `[Section]` headers, `Key=Value` (whitespace around both stripped), comment lines start with `#` or `;`
 *   (also in the middle of a continued value), a trailing unescaped `\` joins the next line (the backslash
 *   becomes a space), a UTF-8 BOM is dropped, CRLF is accepted. Section and key names are case-sensitive.
 * - Unit loading: the first unit file found in the search path wins; drop-ins `<unit>.d/*.conf` from every
 *   directory of the path are applied after it, sorted by file name across directories, a drop-in in a
 *   higher-priority directory hiding a same-named one in a lower-priority directory; a unit or drop-in
 *   symlinked to /dev/null is masked.
 * - List settings (`ExecStart=`, `Environment=`, `EnvironmentFile=`, `ListenStream=`...) accumulate; an empty
 *   assignment resets the list. Other settings: the last assignment wins.
 * - `ExecStart=`: prefixes `-` `@` `:` `+` `!` `!!` `|`; words split on whitespace honouring `'...'`, `"..."`
 *   and C escapes; a lone `;` separates commands; `%` specifiers; then at exec time `${VAR}` is replaced
 *   inside a word (always one word, `""` for an unset variable), a word that is exactly `$VAR` is replaced by
 *   the value split on whitespace (zero words if unset), `$$` gives `$`; `$VAR` inside a word stays literal.
 * - Environment: `Environment=` assignments in order, then `EnvironmentFile=` files in order (later wins); a
 *   leading `-` on the file name makes a missing file harmless.
 *
 * Every value keeps its SourceLocation (file, line, column), so a finding points at the line that must change.
 */
import { LineIndex, type SourceLocation } from '../../util/location';
import type { Problem } from '../../util/problem';
import { parseEnvFile, isValidEnvName, type ParseResult } from './envfile';

export type { ParseResult } from './envfile';

export interface UnitAssignment {
  section: string;
  key: string;
  /** The raw value (continuations joined, surrounding whitespace stripped), before any word splitting. */
  value: string;
  location: SourceLocation;
  /** 1-based column of the value's first character on `location.line` (for word positions). */
  valueColumn: number;
}

export interface UnitFile {
  file: string;
  sections: string[];
  assignments: UnitAssignment[];
}

/** Where a logical-line character came from (continuations make values span lines). */
interface CharPos {
  line: number;
  column: number;
}

const positionsOf = new WeakMap<UnitAssignment, CharPos[]>();

function isWs(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** Parse one unit file or drop-in. Never throws. */
export function parseUnitFile(text: string, file: string): ParseResult<UnitFile> {
  const problems: Problem[] = [];
  const sections: string[] = [];
  const assignments: UnitAssignment[] = [];
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rawLines = text.split('\n');
  let section: string | undefined;
  // A logical line: text plus the origin of each character.
  let contText = '';
  let contPos: CharPos[] = [];
  let contStartLine = 0;

  const handleLogical = (l: string, pos: CharPos[], startLine: number, endLine: number): void => {
    // strstrip
    let s = 0;
    let e = l.length;
    while (s < e && isWs(l[s])) s++;
    while (e > s && isWs(l[e - 1])) e--;
    if (s === e) return;
    const line = l.slice(s, e);
    const p = pos.slice(s, e);
    const at = (i: number): SourceLocation => {
      const loc: SourceLocation = { file, line: p[i]?.line ?? startLine, column: p[i]?.column ?? 1 };
      if (endLine !== loc.line) loc.endLine = endLine;
      return loc;
    };
    if (line[0] === '[') {
      if (line[line.length - 1] !== ']') {
        problems.push({ code: 'systemd.invalid-section', level: 'error', message: `invalid section header '${line}'`, location: at(0) });
        section = undefined;
        return;
      }
      section = line.slice(1, -1);
      if (!sections.includes(section)) sections.push(section);
      return;
    }
    const eq = line.indexOf('=');
    if (eq === -1) {
      problems.push({ code: 'systemd.missing-equals', level: 'warning', message: `missing '=', line ignored: ${line}`, location: at(0) });
      return;
    }
    if (section === undefined) {
      problems.push({ code: 'systemd.outside-section', level: 'warning', message: 'assignment outside of a section, ignored', location: at(0) });
      return;
    }
    const key = line.slice(0, eq).trim();
    let vs = eq + 1;
    while (vs < line.length && isWs(line[vs])) vs++;
    const value = line.slice(vs);
    if (key === '') {
      problems.push({ code: 'systemd.missing-key', level: 'warning', message: 'assignment without a key, ignored', location: at(0) });
      return;
    }
    const a: UnitAssignment = { section, key, value, location: at(0), valueColumn: p[vs]?.column ?? (p[eq]?.column ?? 0) + 1 };
    positionsOf.set(a, p.slice(vs));
    assignments.push(a);
  };

  for (let n = 0; n < rawLines.length; n++) {
    let raw = rawLines[n];
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    const lineNo = n + 1;
    let k = 0;
    while (k < raw.length && isWs(raw[k])) k++;
    if (k < raw.length && (raw[k] === '#' || raw[k] === ';')) continue; // comments, also inside continuations
    const pos: CharPos[] = [];
    for (let i = 0; i < raw.length; i++) pos.push({ line: lineNo, column: i + 1 });
    let l: string;
    let lp: CharPos[];
    if (contPos.length > 0 || contText !== '') {
      l = contText + raw;
      lp = contPos.concat(pos);
    } else {
      l = raw;
      lp = pos;
      contStartLine = lineNo;
    }
    // An odd trailing backslash continues the line.
    let escaped = false;
    for (let i = 0; i < l.length; i++) {
      if (escaped) escaped = false;
      else if (l[i] === '\\') escaped = true;
    }
    if (escaped) {
      contText = l.slice(0, -1) + ' ';
      contPos = lp;
      if (n === rawLines.length - 1) {
        handleLogical(contText, contPos, contStartLine, lineNo);
        contText = '';
        contPos = [];
      }
      continue;
    }
    handleLogical(l, lp, contStartLine, lineNo);
    contText = '';
    contPos = [];
  }
  return { value: { file, sections, assignments }, problems };
}

// ---------------------------------------------------------------------------------------------------------
// Unit loading: search path, drop-ins, masking.

/** systemd's system unit search path, highest priority first (systemd.unit(5), "System Unit Search Path"). */
export const SYSTEM_UNIT_PATH: readonly string[] = [
  '/etc/systemd/system.control',
  '/run/systemd/system.control',
  '/run/systemd/transient',
  '/run/systemd/generator.early',
  '/etc/systemd/system',
  '/etc/systemd/system.attached',
  '/run/systemd/system',
  '/run/systemd/system.attached',
  '/run/systemd/generator',
  '/usr/local/lib/systemd/system',
  '/usr/lib/systemd/system',
  '/lib/systemd/system',
  '/run/systemd/generator.late',
];

export interface UnitSources {
  /** Absolute path → file content, for every unit file / drop-in / environment file that was collected. */
  files: Record<string, string>;
  /** Absolute path → symlink target, for collected symlinks (a link to /dev/null masks). */
  links?: Record<string, string>;
}

export interface Unit {
  name: string;
  /** The unit file in effect (undefined: no unit file found). */
  fragment?: string;
  /** Drop-ins in the order systemd applies them. */
  dropins: string[];
  masked: boolean;
  /** All assignments, fragment first, then drop-ins in order. */
  assignments: UnitAssignment[];
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** The paths a collector should look at for `name` (unit files and drop-in directories), priority order. */
export function unitSearchPaths(name: string, searchPath: readonly string[] = SYSTEM_UNIT_PATH): { unitFiles: string[]; dropinDirs: string[] } {
  const dot = name.lastIndexOf('.');
  const type = dot === -1 ? '' : name.slice(dot + 1);
  const dirs: string[] = [];
  for (const d of searchPath) dirs.push(`${d}/${name}.d`);
  if (type) for (const d of searchPath) dirs.push(`${d}/${type}.d`);
  return { unitFiles: searchPath.map((d) => `${d}/${name}`), dropinDirs: dirs };
}

/** Load a unit as systemd would: pick the fragment, collect and order drop-ins, parse everything. */
export function loadUnit(name: string, sources: UnitSources, searchPath: readonly string[] = SYSTEM_UNIT_PATH): ParseResult<Unit> {
  const problems: Problem[] = [];
  const links = sources.links ?? {};
  const isMasked = (p: string): boolean => links[p] === '/dev/null';
  let fragment: string | undefined;
  let masked = false;
  for (const d of searchPath) {
    const p = `${d}/${name}`;
    // A unit file symlinked to /dev/null or empty (zero bytes) is masked.
    if (isMasked(p) || sources.files[p] === '') {
      masked = true;
      fragment = p;
      break;
    }
    if (p in sources.files) {
      fragment = p;
      break;
    }
  }
  const unit: Unit = { name, fragment, dropins: [], masked, assignments: [] };
  if (masked) return { value: unit, problems };

  // Drop-ins: `<name>.d/` and the type-wide `<type>.d/` (e.g. service.d) in every directory.
  const dot = name.lastIndexOf('.');
  const type = dot === -1 ? '' : name.slice(dot + 1);
  const chosen = new Map<string, string>(); // file name → path (highest-priority dir first wins)
  const dirNames = [`${name}.d`].concat(type ? [`${type}.d`] : []);
  for (const dn of dirNames) {
    for (const d of searchPath) {
      const prefix = `${d}/${dn}/`;
      const cands = new Set<string>();
      for (const p of Object.keys(sources.files)) if (p.startsWith(prefix)) cands.add(p);
      for (const p of Object.keys(links)) if (p.startsWith(prefix)) cands.add(p);
      for (const p of cands) {
        const base = p.slice(prefix.length);
        if (base.includes('/') || !base.endsWith('.conf')) continue;
        const keyName = `${dn === `${name}.d` ? 0 : 1}\0${base}`;
        if (!chosen.has(keyName)) chosen.set(keyName, p);
      }
    }
  }
  // systemd sorts all drop-ins by file name regardless of directory (type-wide ones first for equal names
  // is not specified; we order by basename, then unit-specific after type-wide).
  const ordered = [...chosen.entries()].sort((a, b) => {
    const ba = baseName(a[1]);
    const bb = baseName(b[1]);
    if (ba !== bb) return ba < bb ? -1 : 1;
    return a[0] < b[0] ? 1 : -1;
  });
  if (fragment !== undefined) {
    const r = parseUnitFile(sources.files[fragment], fragment);
    unit.assignments.push(...r.value.assignments);
    problems.push(...r.problems);
  } else {
    problems.push({ code: 'systemd.unit-not-found', level: 'warning', message: `no unit file for ${name} in the search path` });
  }
  for (const [, p] of ordered) {
    if (isMasked(p)) continue;
    const text = sources.files[p];
    if (text === undefined) continue;
    unit.dropins.push(p);
    const r = parseUnitFile(text, p);
    unit.assignments.push(...r.value.assignments);
    problems.push(...r.problems);
  }
  return { value: unit, problems };
}

/** The effective assignment of a single-valued setting: the last one. */
export function unitValue(unit: Pick<Unit, 'assignments'>, section: string, key: string): UnitAssignment | undefined {
  let last: UnitAssignment | undefined;
  for (const a of unit.assignments) if (a.section === section && a.key === key) last = a;
  return last;
}

/** The effective assignments of a list setting: all of them, an empty assignment resets the list. */
export function unitList(unit: Pick<Unit, 'assignments'>, section: string, key: string): UnitAssignment[] {
  let out: UnitAssignment[] = [];
  for (const a of unit.assignments) {
    if (a.section !== section || a.key !== key) continue;
    if (a.value === '') out = [];
    else out.push(a);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Word splitting (extract_first_word with EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE | EXTRACT_CUNESCAPE_RELAX).

export interface Word {
  value: string;
  location: SourceLocation;
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'", s: ' ' };

/** systemd cunescape_one: returns [text, consumed chars after the backslash] or undefined when invalid. */
function cunescapeOne(s: string, i: number): [string, number] | undefined {
  const c = s[i];
  if (c === undefined) return undefined;
  if (c in SIMPLE_ESCAPES) return [SIMPLE_ESCAPES[c], 1];
  if (c === 'x') {
    const h = s.slice(i + 1, i + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(h)) return undefined;
    const v = parseInt(h, 16);
    if (v === 0) return undefined;
    return [String.fromCharCode(v), 3];
  }
  if (c === 'u' || c === 'U') {
    const n = c === 'u' ? 4 : 8;
    const h = s.slice(i + 1, i + 1 + n);
    if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) return undefined;
    const v = parseInt(h, 16);
    if (v === 0 || v > 0x10ffff) return undefined;
    return [String.fromCodePoint(v), 1 + n];
  }
  if (c >= '0' && c <= '7') {
    const o = s.slice(i, i + 3);
    if (!/^[0-7]{3}$/.test(o)) return undefined;
    const v = parseInt(o, 8);
    if (v === 0 || v > 255) return undefined;
    return [String.fromCharCode(v), 3];
  }
  return undefined;
}

export interface SplitOptions {
  /** Process C escapes (`\n`, `\x41`...). ExecStart: yes; `$VAR` expansion at exec time: no. */
  cunescape: boolean;
  /** Accept an unterminated quote / trailing backslash instead of failing. */
  relax: boolean;
}

/**
 * Split a value into words the way systemd does. `pos` gives the origin of each character (for locations);
 * when absent, every word gets `fallback` as location. Returns undefined words and a problem on bad syntax.
 */
export function splitWords(
  s: string,
  opts: SplitOptions,
  pos?: readonly CharPos[],
  file = '',
  fallback?: SourceLocation,
): { words: Word[]; error?: string } {
  const words: Word[] = [];
  let i = 0;
  const locAt = (k: number): SourceLocation =>
    pos && pos[k] ? { file, line: pos[k].line, column: pos[k].column } : (fallback ?? { file, line: 0, column: 0 });
  while (i < s.length) {
    while (i < s.length && isWs(s[i])) i++;
    if (i >= s.length) break;
    const start = i;
    let w = '';
    let quote: string | undefined;
    for (; i < s.length; i++) {
      const c = s[i];
      if (quote) {
        if (c === quote) {
          quote = undefined;
          continue;
        }
      } else if (c === "'" || c === '"') {
        quote = c;
        continue;
      } else if (isWs(c)) break;
      if (c === '\\') {
        if (i + 1 >= s.length) {
          if (opts.relax) {
            w += '\\';
            continue;
          }
          return { words, error: 'trailing backslash' };
        }
        if (opts.cunescape) {
          const r = cunescapeOne(s, i + 1);
          if (r) {
            w += r[0];
            i += r[1];
          } else {
            // EXTRACT_CUNESCAPE_RELAX: keep an unknown escape as is.
            w += '\\' + s[i + 1];
            i += 1;
          }
        } else {
          w += s[i + 1];
          i += 1;
        }
        continue;
      }
      w += c;
    }
    if (quote) {
      if (!opts.relax) return { words, error: `unterminated ${quote === '"' ? 'double' : 'single'} quote` };
    }
    words.push({ value: w, location: locAt(start) });
  }
  return { words };
}

// ---------------------------------------------------------------------------------------------------------
// ExecStart= and friends.

export interface ExecPrefixes {
  /** `-`: a failing exit status is ignored. */
  ignoreFailure: boolean;
  /** `@`: the second word is argv[0]. */
  argv0: boolean;
  /** `:`: no environment variable substitution. */
  noEnvExpand: boolean;
  /** `+`: full privileges. */
  fullPrivileges: boolean;
  /** `!` / `!!`: privilege elevation without user switching / only without ambient caps. */
  noSetuid: boolean;
  ambientFallback: boolean;
  /** `|`: run through the user's shell (systemd >= 258). */
  viaShell: boolean;
}

export interface ExecCommand {
  key: string;
  /** The program to run (first word without prefixes). */
  path: string;
  /** argv as the process sees it, unexpanded: argv[0] is the path, or the explicit one with `@`. */
  argv: Word[];
  prefixes: ExecPrefixes;
  location: SourceLocation;
}

export interface SpecifierContext {
  /** Full unit name, e.g. `qemu-guest-agent.service` (%n). */
  unitName?: string;
}

function expandSpecifiers(w: string, ctx: SpecifierContext, problems: Problem[], location: SourceLocation): string {
  if (!w.includes('%')) return w;
  const name = ctx.unitName;
  const dot = name ? name.lastIndexOf('.') : -1;
  const unescaped = name ? (dot === -1 ? name : name.slice(0, dot)) : undefined;
  const at = unescaped ? unescaped.indexOf('@') : -1;
  const table: Record<string, string | undefined> = {
    n: name,
    N: unescaped,
    p: unescaped ? (at === -1 ? unescaped : unescaped.slice(0, at)) : undefined,
    i: unescaped && at !== -1 ? unescaped.slice(at + 1) : unescaped ? '' : undefined,
  };
  let out = '';
  for (let i = 0; i < w.length; i++) {
    if (w[i] !== '%') {
      out += w[i];
      continue;
    }
    const c = w[i + 1];
    if (c === undefined) {
      out += '%';
      break;
    }
    i++;
    if (c === '%') out += '%';
    else if (table[c] !== undefined) out += table[c];
    else if (/[A-Za-z0-9]/.test(c)) {
      problems.push({ code: 'systemd.unresolved-specifier', level: 'warning', message: `specifier %${c} is not resolved by vmaudit; kept literally`, location });
      out += '%' + c;
    } else out += '%' + c;
  }
  return out;
}

/** Parse every command of an Exec*= list setting (already reset-aware, see unitList). */
export function parseExecCommands(assignments: readonly UnitAssignment[], ctx: SpecifierContext = {}): ParseResult<ExecCommand[]> {
  const problems: Problem[] = [];
  const out: ExecCommand[] = [];
  for (const a of assignments) {
    const pos = positionsOf.get(a);
    const split = splitWords(a.value, { cunescape: true, relax: false }, pos, a.location.file, a.location);
    if (split.error) {
      problems.push({ code: 'systemd.exec-syntax', level: 'error', message: `${a.key}=: ${split.error}; systemd ignores this line`, location: a.location });
      continue;
    }
    // Commands are separated by a lone ";" word; a "\;" word (kept by EXTRACT_CUNESCAPE_RELAX) is a literal ";".
    let cur: Word[] = [];
    const groups: Word[][] = [];
    for (const w of split.words) {
      if (w.value === ';') {
        if (cur.length) groups.push(cur);
        cur = [];
      } else cur.push(w.value === '\\;' ? { value: ';', location: w.location } : w);
    }
    if (cur.length) groups.push(cur);
    for (const g of groups) {
      const first = g[0];
      const prefixes: ExecPrefixes = { ignoreFailure: false, argv0: false, noEnvExpand: false, fullPrivileges: false, noSetuid: false, ambientFallback: false, viaShell: false };
      let j = 0;
      let bad = false;
      const f = first.value;
      while (j < f.length && '-@:+!|'.includes(f[j])) {
        const c = f[j];
        if (c === '-' && !prefixes.ignoreFailure) prefixes.ignoreFailure = true;
        else if (c === '@' && !prefixes.argv0) prefixes.argv0 = true;
        else if (c === ':' && !prefixes.noEnvExpand) prefixes.noEnvExpand = true;
        else if (c === '+' && !prefixes.fullPrivileges && !prefixes.noSetuid) prefixes.fullPrivileges = true;
        else if (c === '!' && !prefixes.fullPrivileges && !prefixes.noSetuid) prefixes.noSetuid = true;
        else if (c === '!' && prefixes.noSetuid && !prefixes.ambientFallback) prefixes.ambientFallback = true;
        else if (c === '|' && !prefixes.viaShell) prefixes.viaShell = true;
        else {
          bad = true;
          break;
        }
        j++;
      }
      if (bad) {
        problems.push({ code: 'systemd.exec-prefix', level: 'error', message: `${a.key}=: invalid prefix combination in '${f}'; systemd ignores this line`, location: first.location });
        continue;
      }
      const path = expandSpecifiers(f.slice(j), ctx, problems, first.location);
      const rest = g.slice(1).map((w) => ({ value: expandSpecifiers(w.value, ctx, problems, w.location), location: w.location }));
      let argv: Word[];
      if (prefixes.argv0) {
        if (rest.length === 0) {
          problems.push({ code: 'systemd.exec-argv0', level: 'error', message: `${a.key}=: '@' needs an argv[0] word`, location: first.location });
          continue;
        }
        argv = rest;
      } else argv = [{ value: path, location: first.location }, ...rest];
      if (path === '') {
        problems.push({ code: 'systemd.exec-empty', level: 'error', message: `${a.key}=: empty executable path`, location: first.location });
        continue;
      }
      out.push({ key: a.key, path, argv, prefixes, location: a.location });
    }
  }
  return { value: out, problems };
}

// ---------------------------------------------------------------------------------------------------------
// Environment= / EnvironmentFile= and variable substitution.

export interface EnvVar {
  name: string;
  value: string;
  location: SourceLocation;
  /** `Environment=` or the path of the environment file. */
  source: 'Environment' | 'EnvironmentFile';
}

export interface ServiceEnvironment {
  vars: Record<string, EnvVar>;
  /** EnvironmentFile= entries and whether they were read. */
  files: { path: string; optional: boolean; found: boolean; location: SourceLocation }[];
}

/** Resolve the service environment: Environment= in order, then EnvironmentFile= files in order. */
export function resolveEnvironment(unit: Pick<Unit, 'assignments'>, sources: UnitSources, section = 'Service'): ParseResult<ServiceEnvironment> {
  const problems: Problem[] = [];
  const vars: Record<string, EnvVar> = Object.create(null) as Record<string, EnvVar>;
  for (const a of unitList(unit, section, 'Environment')) {
    const split = splitWords(a.value, { cunescape: true, relax: false }, positionsOf.get(a), a.location.file, a.location);
    if (split.error) {
      problems.push({ code: 'systemd.environment-syntax', level: 'error', message: `Environment=: ${split.error}; line ignored`, location: a.location });
      continue;
    }
    for (const w of split.words) {
      const eq = w.value.indexOf('=');
      const name = eq === -1 ? w.value : w.value.slice(0, eq);
      if (eq === -1 || !isValidEnvName(name)) {
        problems.push({ code: 'systemd.environment-invalid', level: 'warning', message: `Environment=: invalid assignment '${w.value}', ignored`, location: w.location });
        continue;
      }
      vars[name] = { name, value: w.value.slice(eq + 1), location: w.location, source: 'Environment' };
    }
  }
  const files: ServiceEnvironment['files'] = [];
  for (const a of unitList(unit, section, 'EnvironmentFile')) {
    let p = a.value;
    const optional = p.startsWith('-');
    if (optional) p = p.slice(1);
    const found = p in sources.files;
    files.push({ path: p, optional, found, location: a.location });
    if (!found) {
      if (!optional)
        problems.push({ code: 'systemd.environment-file-missing', level: 'error', message: `EnvironmentFile=${p} was not found (or not collected); systemd refuses to start the service when it is missing`, location: a.location });
      continue;
    }
    const r = parseEnvFile(sources.files[p], p);
    problems.push(...r.problems);
    for (const e of r.value.assignments) vars[e.key] = { name: e.key, value: e.value, location: e.location, source: 'EnvironmentFile' };
  }
  return { value: { vars, files }, problems };
}

export interface ArgWord {
  value: string;
  /** Where the word is written (the Exec line). */
  location: SourceLocation;
  /** Variables whose values went into this word, with where they are defined (the line to change). */
  vars?: { name: string; location?: SourceLocation }[];
}

/** Replace `${VAR}` / `$$` inside a word (systemd replace_env without REPLACE_ENV_ALLOW_BRACELESS). */
function replaceInWord(w: string, vars: Record<string, EnvVar>, used: ArgWord['vars'] & object): string {
  let out = '';
  for (let i = 0; i < w.length; i++) {
    const c = w[i];
    if (c !== '$') {
      out += c;
      continue;
    }
    const n = w[i + 1];
    if (n === '$') {
      out += '$';
      i++;
    } else if (n === '{') {
      const close = w.indexOf('}', i + 2);
      if (close === -1) {
        out += w.slice(i);
        break;
      }
      const name = w.slice(i + 2, close);
      const v = vars[name];
      used.push({ name, location: v?.location });
      out += v ? v.value : '';
      i = close;
    } else out += c;
  }
  return out;
}

/** Expand environment variables in a command's argv as systemd does when it starts the process. */
export function expandExecArgv(cmd: ExecCommand, env: ServiceEnvironment): ArgWord[] {
  const out: ArgWord[] = [];
  for (const [k, w] of cmd.argv.entries()) {
    if (cmd.prefixes.noEnvExpand || (k === 0 && !cmd.prefixes.argv0)) {
      out.push({ value: w.value, location: w.location });
      continue;
    }
    const s = w.value;
    if (s[0] === '$' && s[1] !== '{' && s[1] !== '$' && s.length > 1) {
      const name = s.slice(1);
      const v = env.vars[name];
      const used = [{ name, location: v?.location }];
      if (v) {
        const parts = splitWords(v.value, { cunescape: false, relax: true }, undefined, w.location.file, w.location);
        for (const p of parts.words) out.push({ value: p.value, location: w.location, vars: used });
      }
      continue;
    }
    const used: NonNullable<ArgWord['vars']> = [];
    const value = replaceInWord(s, env.vars, used);
    out.push(used.length ? { value, location: w.location, vars: used } : { value, location: w.location });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Socket units.

export interface SocketListen {
  kind: 'ListenStream' | 'ListenDatagram' | 'ListenSequentialPacket' | 'ListenFIFO';
  address: string;
  location: SourceLocation;
}

export interface SocketSettings {
  listen: SocketListen[];
  /** Octal mode string as written, and its numeric value; systemd's default is 0666. */
  socketMode: { value: number; text: string; location?: SourceLocation };
  directoryMode: { value: number; text: string; location?: SourceLocation };
  socketUser?: { value: string; location: SourceLocation };
  socketGroup?: { value: string; location: SourceLocation };
  service?: { value: string; location: SourceLocation };
}

function modeSetting(unit: Pick<Unit, 'assignments'>, key: string, dflt: number, problems: Problem[]): { value: number; text: string; location?: SourceLocation } {
  const a = unitValue(unit, 'Socket', key);
  if (!a) return { value: dflt, text: '0' + dflt.toString(8) };
  if (!/^[0-7]{1,4}$/.test(a.value)) {
    problems.push({ code: 'systemd.invalid-mode', level: 'warning', message: `${key}=${a.value} is not an octal mode; systemd ignores it (default 0${dflt.toString(8)})`, location: a.location });
    return { value: dflt, text: '0' + dflt.toString(8) };
  }
  return { value: parseInt(a.value, 8), text: a.value, location: a.location };
}

export function socketSettings(unit: Pick<Unit, 'assignments'>): ParseResult<SocketSettings> {
  const problems: Problem[] = [];
  let listen: SocketListen[] = [];
  const kinds: readonly string[] = ['ListenStream', 'ListenDatagram', 'ListenSequentialPacket', 'ListenFIFO'];
  for (const a of unit.assignments) {
    if (a.section !== 'Socket' || !kinds.includes(a.key)) continue;
    // An empty Listen*= of any kind clears every listening address (config_parse_socket_listen).
    if (a.value === '') listen = [];
    else listen.push({ kind: a.key as SocketListen['kind'], address: a.value, location: a.location });
  }
  const res: SocketSettings = {
    listen,
    socketMode: modeSetting(unit, 'SocketMode', 0o666, problems),
    directoryMode: modeSetting(unit, 'DirectoryMode', 0o755, problems),
  };
  const u = unitValue(unit, 'Socket', 'SocketUser');
  if (u && u.value !== '') res.socketUser = { value: u.value, location: u.location };
  const g = unitValue(unit, 'Socket', 'SocketGroup');
  if (g && g.value !== '') res.socketGroup = { value: g.value, location: g.location };
  const s = unitValue(unit, 'Socket', 'Service');
  if (s && s.value !== '') res.service = { value: s.value, location: s.location };
  return { value: res, problems };
}

/** Convenience: load a service unit, resolve its environment and the expanded argv of each ExecStart. */
export function resolveServiceExecStart(
  name: string,
  sources: UnitSources,
  searchPath: readonly string[] = SYSTEM_UNIT_PATH,
): ParseResult<{ unit: Unit; environment: ServiceEnvironment; commands: { command: ExecCommand; argv: ArgWord[] }[] }> {
  const problems: Problem[] = [];
  const u = loadUnit(name, sources, searchPath);
  problems.push(...u.problems);
  const env = resolveEnvironment(u.value, sources);
  problems.push(...env.problems);
  const ex = parseExecCommands(unitList(u.value, 'Service', 'ExecStart'), { unitName: name });
  problems.push(...ex.problems);
  const commands = ex.value.map((command) => ({ command, argv: expandExecArgv(command, env.value) }));
  const type = unitValue(u.value, 'Service', 'Type')?.value ?? 'simple';
  if (commands.length > 1 && type !== 'oneshot') {
    problems.push({
      code: 'systemd.multiple-execstart',
      level: 'error',
      message: `${name} has ${commands.length} ExecStart= commands, only allowed for Type=oneshot: systemd refuses to load the unit`,
      location: commands[1].command.location,
    });
  }
  return { value: { unit: u.value, environment: env.value, commands }, problems };
}
