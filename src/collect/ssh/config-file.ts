/**
 * OpenSSH client configuration files (`ssh_config(5)`): parsing and loading, mirroring OpenSSH's readconf.c:
 * - keywords are case-insensitive, separated from their arguments by whitespace and/or one `=`;
 *   arguments are split like argv_split(): `"…"`/`'…'` quoting, `\` escapes, `#` at a word start ends the line;
 * - `Host` lines keep their patterns, `Match` lines their criteria (evaluated by config.ts, which resolves targets);
 * - `Include` (relative paths are relative to ~/.ssh, or /etc/ssh in the system file; globs in the file name, matched
 *   like OpenSSH's match_pattern, hidden files skipped) is expanded by loadSshConfig, at most 16 levels deep.
 * The parser is pure and never throws: bad lines are problems with file:line.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SourceLocation } from '../../util/location';
import { matchPattern } from '../../util/patterns';
import type { Problem } from '../../util/problem';
import { readInputText } from '../../util/read-input';

export interface SshConfigOption {
  type: 'option';
  /** Lower-case keyword. */
  keyword: string;
  args: string[];
  location: SourceLocation;
}
export interface SshConfigHost {
  type: 'host';
  patterns: string[];
  location: SourceLocation;
}
export interface MatchCriterion {
  name: string;
  negated: boolean;
  arg?: string;
}
export interface SshConfigMatch {
  type: 'match';
  criteria: MatchCriterion[];
  location: SourceLocation;
}
export interface SshConfigInclude {
  type: 'include';
  patterns: string[];
  location: SourceLocation;
  /** Filled by loadSshConfig(): the files the patterns expanded to, in order. */
  files?: SshConfigFile[];
}
export type SshConfigItem = SshConfigOption | SshConfigHost | SshConfigMatch | SshConfigInclude;

export interface SshConfigFile {
  file: string;
  items: SshConfigItem[];
}

const MATCH_CRITERIA_WITH_ARG = new Set(['host', 'originalhost', 'user', 'localuser', 'exec', 'localnetwork', 'tagged', 'version', 'sessiontype', 'command']);
const MATCH_CRITERIA_NO_ARG = new Set(['all', 'canonical', 'final']);

/** argv_split(): returns the words of a line, or an error message for an unterminated quote. */
export function splitArgs(text: string): { args: string[]; error?: string } {
  const args: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
    if (i >= text.length) break;
    if (text[i] === '#') break;
    let word = '';
    let quote: string | null = null;
    for (; i < text.length; i++) {
      const c = text[i];
      if (quote === null && (c === ' ' || c === '\t')) break;
      if (c === '\\' && i + 1 < text.length && `"'\\ \t`.includes(text[i + 1]) && (quote === null || text[i + 1] === quote || text[i + 1] === '\\')) {
        word += text[++i];
      } else if (quote === null && (c === '"' || c === "'")) {
        quote = c;
      } else if (quote !== null && c === quote) {
        quote = null;
      } else {
        word += c;
      }
    }
    if (quote !== null) return { args, error: 'unterminated quoted string' };
    args.push(word);
  }
  return { args };
}

/** Parses one ssh_config file. Pure; problems carry file and line. */
export function parseSshConfig(text: string, file: string): { value: SshConfigFile; problems: Problem[] } {
  const items: SshConfigItem[] = [];
  const problems: Problem[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    const m = /^[ \t]*([^ \t=#]+)[ \t]*(?:=[ \t]*)?(.*)$/.exec(line);
    if (!m || /^[ \t]*(#|$)/.test(line)) return;
    const location: SourceLocation = { file, line: index + 1, column: line.indexOf(m[1]) + 1 };
    const keyword = m[1].toLowerCase();
    const split = splitArgs(m[2]);
    if (split.error) {
      problems.push({ code: 'ssh-config.bad-quoting', level: 'error', message: `${keyword}: ${split.error}`, location });
      return;
    }
    const args = split.args;
    if (args.length === 0 && keyword !== 'match') {
      problems.push({ code: 'ssh-config.missing-argument', level: 'error', message: `${m[1]}: missing argument`, location });
      return;
    }
    if (keyword === 'host') {
      items.push({ type: 'host', patterns: args, location });
    } else if (keyword === 'match') {
      const criteria: MatchCriterion[] = [];
      let bad = false;
      for (let k = 0; k < args.length; k++) {
        let name = args[k].toLowerCase();
        const negated = name.startsWith('!');
        if (negated) name = name.slice(1);
        if (MATCH_CRITERIA_NO_ARG.has(name)) {
          criteria.push({ name, negated });
        } else if (MATCH_CRITERIA_WITH_ARG.has(name)) {
          if (k + 1 >= args.length) {
            problems.push({ code: 'ssh-config.bad-match', level: 'error', message: `Match ${name}: missing argument`, location });
            bad = true;
            break;
          }
          criteria.push({ name, negated, arg: args[++k] });
        } else {
          problems.push({ code: 'ssh-config.bad-match', level: 'error', message: `Match: unsupported criterion "${args[k]}"`, location });
          bad = true;
          break;
        }
      }
      if (criteria.length === 0 && !bad) {
        problems.push({ code: 'ssh-config.bad-match', level: 'error', message: 'Match: missing criteria', location });
        bad = true;
      }
      // A broken Match line never matches (OpenSSH refuses the whole file; we keep going without its block).
      items.push({ type: 'match', criteria: bad ? [{ name: 'exec', negated: false, arg: '' }] : criteria, location });
    } else if (keyword === 'include') {
      items.push({ type: 'include', patterns: args, location });
    } else {
      items.push({ type: 'option', keyword, args, location });
    }
  });
  return { value: { file, items }, problems };
}


export interface LoadOptions {
  /** The local user's home directory (default os.homedir()); `~` and relative Include paths use it. */
  home?: string;
}

/** `~` and `~/...` to the home directory (no `~user`, as readconf.c's Include and tilde_expand for the own user). */
export function expandTildeOnly(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return path.join(home, p.slice(2));
  return p;
}

function expandIncludeGlob(pattern: string): string[] {
  const dir = path.dirname(pattern);
  const base = path.basename(pattern);
  if (!/[*?]/.test(base)) return fs.existsSync(pattern) ? [pattern] : [];
  if (/[*?]/.test(dir)) return []; // globs in directory components are not supported
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => !n.startsWith('.') && matchPattern(n, base)).sort().map((n) => path.join(dir, n));
}

/**
 * Reads a config file and, recursively, the files it Includes (depth ≤ 16). A missing top-level file yields
 * an empty config when `optional` is set (as ~/.ssh/config is); unreadable files become problems.
 */
export function loadSshConfig(file: string, options: LoadOptions & { optional?: boolean; system?: boolean } = {}): { value: SshConfigFile; problems: Problem[] } {
  const home = options.home ?? os.homedir();
  const problems: Problem[] = [];
  const load = (f: string, depth: number, optional: boolean): SshConfigFile => {
    const read = readInputText(f, 'ssh-config');
    if (!read.ok) {
      if (!(optional && read.code === 'ENOENT')) {
        problems.push({ code: 'ssh-config.unreadable', level: 'error', message: `cannot read ${f}: ${read.reason}`, location: { file: f, line: 1, column: 1 } });
      }
      return { file: f, items: [] };
    }
    const text = read.data;
    const parsed = parseSshConfig(text, f);
    problems.push(...parsed.problems);
    for (const item of parsed.value.items) {
      if (item.type !== 'include') continue;
      if (depth >= 16) {
        problems.push({ code: 'ssh-config.include-depth', level: 'error', message: 'Include nested too deeply', location: item.location });
        item.files = [];
        continue;
      }
      item.files = [];
      for (const pat of item.patterns) {
        let p = expandTildeOnly(pat, home);
        if (!path.isAbsolute(p)) p = options.system ? path.join('/etc/ssh', p) : path.join(home, '.ssh', p);
        for (const g of expandIncludeGlob(p)) item.files.push(load(g, depth + 1, false));
      }
    }
    return parsed.value;
  };
  const value = load(file, 0, options.optional ?? false);
  return { value, problems };
}

