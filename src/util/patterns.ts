/**
 * Wildcard patterns: the one implementation of each dialect the project matches names with.
 *
 * - OpenSSH (`matchPattern`, `matchPatternList`): mirrors OpenSSH's match.c `match_pattern()` and
 *   `match_pattern_list()`. Used by ssh_config `Host` / `Match host|originalhost|user|localuser` (readconf.c),
 *   known_hosts host fields (hostfile.c via `match_hostname()`), and Include file-name globs.
 * - Ansible host patterns (`fnmatchPattern`): Python's `fnmatch.fnmatchcase()` as Ansible's `--limit` uses it,
 *   i.e. the OpenSSH wildcards plus `[...]` / `[!...]` classes.
 * - POSIX sh path patterns (`shPathPattern`): what `sh` expands (`*` and `?` never cross `/`), used by the
 *   evidence manifest's globs.
 *
 * Matching is by UTF-16 code unit, without regular expressions for the OpenSSH dialect (a pattern with many `*`
 * costs O(len(value) x len(pattern)), never exponential time).
 */

/**
 * OpenSSH `match_pattern(s, pattern)`: `*` matches any run of characters (also none), `?` exactly one, everything
 * else itself; case-sensitive; the whole value must match. No character classes, no escapes.
 */
export function matchPattern(value: string, pattern: string): boolean {
  let s = 0;
  let p = 0;
  let starP = -1;
  let starS = 0;
  while (s < value.length) {
    if (p < pattern.length && pattern[p] === '*') {
      starP = p++;
      starS = s;
    } else if (p < pattern.length && (pattern[p] === '?' || pattern[p] === value[s])) {
      p++;
      s++;
    } else if (starP !== -1) {
      p = starP + 1;
      s = ++starS;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** What `match_pattern_list()` returns: 1 a pattern matched, 0 none did, -1 a negated pattern matched. */
export type PatternListResult = 1 | 0 | -1;

/**
 * OpenSSH `match_pattern_list(string, pattern, dolower)`: `list` is a comma-separated list (or already split, as
 * `Host` arguments and known_hosts fields are); a pattern starting with `!` is negated and, when it matches, the
 * result is -1 whatever else matched. With `dolower` the patterns (not the value) are lower-cased first, as OpenSSH
 * does; callers that match host names lower-case the name themselves (`match_hostname()`).
 */
export function matchPatternList(value: string, list: string | readonly string[], dolower = false): PatternListResult {
  let positive = false;
  for (const raw of typeof list === 'string' ? list.split(',') : list) {
    const negated = raw.startsWith('!');
    let p = negated ? raw.slice(1) : raw;
    if (dolower) p = p.toLowerCase();
    if (matchPattern(value, p)) {
      if (negated) return -1;
      positive = true;
    }
  }
  return positive ? 1 : 0;
}

/**
 * Python `fnmatch.fnmatchcase(value, pattern)` as Ansible's `--limit` applies it: `*`, `?`, and `[...]` classes
 * (`[!...]` negates; `[` without a closing `]` is literal). Case-sensitive, whole value. Unlike Python, `*` and `?`
 * do not match a newline and a `]` right after `[` closes the class (as vmaudit always did; host names have neither).
 */
export function fnmatchPattern(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const j = pattern.indexOf(']', i + 1);
      if (j > i + 1) {
        let cls = pattern.slice(i + 1, j).replace(/\\/g, '\\\\');
        if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
        re += `[${cls}]`;
        i = j;
      } else re += '\\[';
    } else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** A POSIX sh pattern over whole paths (`*` and `?` never match `/`; `[...]`, `[!...]`) as a RegExp. */
export function shPathPattern(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) re += '\\[';
      else {
        let body = pattern.slice(i + 1, end);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
