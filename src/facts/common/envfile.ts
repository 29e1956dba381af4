/**
 * Environment files: `/etc/sysconfig/*`, `/etc/default/*` and any file named by systemd's `EnvironmentFile=`.
 *
 * These are NOT shell scripts: systemd reads them with its own small state machine (src/basic/env-file.c,
 * `parse_env_file_internal`), which this parser mirrors:
 * - leading whitespace is skipped; a line whose first non-blank character is `#` or `;` is a comment;
 * - `KEY=value`: whitespace around the key and before the value is dropped; trailing whitespace of an unquoted
 *   value is chomped; `\x` outside quotes gives `x`; a backslash before a newline continues the value;
 * - `'...'` is literal; inside `"..."` a backslash only escapes `"`, `\`, `` ` `` and `$` (otherwise it is kept),
 *   and backslash-newline is a continuation; after a closing quote more text may follow (`A="x" y` gives `xy`);
 * - a line without `=` is silently dropped; a key that is not a valid variable name is ignored with a warning;
 * - no `$VAR` expansion, no `export` keyword (`export A=1` is an invalid key and ignored).
 * The last assignment of a key wins.
 */
import { LineIndex, type SourceLocation } from '../../util/location';
import type { Problem } from '../../util/problem';

export interface EnvAssignment {
  key: string;
  value: string;
  /** Where the key starts; `endLine` is set when the value runs over continuation lines. */
  location: SourceLocation;
}

export interface EnvFile {
  file: string;
  /** Every valid assignment, in file order (duplicates included). */
  assignments: EnvAssignment[];
  /** Effective values: the last assignment of each key. */
  vars: Record<string, EnvAssignment>;
}

export interface ParseResult<T> {
  value: T;
  problems: Problem[];
}

/** systemd `env_name_is_valid`: letters, digits and `_`, not starting with a digit. */
export function isValidEnvName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

const WS = ' \t\n\r';
const NL = '\n\r';

export function parseEnvFile(text: string, file: string): ParseResult<EnvFile> {
  const problems: Problem[] = [];
  const idx = new LineIndex(text);
  const loc = (offset: number, endOffset?: number): SourceLocation => {
    const p = idx.position(offset);
    const l: SourceLocation = { file, line: p.line, column: p.column };
    if (endOffset !== undefined) {
      const e = idx.position(endOffset);
      if (e.line !== p.line) l.endLine = e.line;
    }
    return l;
  };
  const assignments: EnvAssignment[] = [];
  const vars: Record<string, EnvAssignment> = Object.create(null) as Record<string, EnvAssignment>;

  const nul = text.indexOf('\0');
  if (nul !== -1) {
    // systemd's read_full_stream refuses files with embedded NUL bytes (EBADMSG): nothing is loaded.
    problems.push({ code: 'envfile.nul-byte', level: 'error', message: 'file contains a NUL byte; systemd refuses to load it', location: loc(nul) });
    return { value: { file, assignments, vars }, problems };
  }

  type State = 'PRE_KEY' | 'KEY' | 'PRE_VALUE' | 'VALUE' | 'VALUE_ESCAPE' | 'SQ' | 'DQ' | 'DQ_ESCAPE' | 'COMMENT' | 'COMMENT_ESCAPE';
  let state: State = 'PRE_KEY';
  let key = '';
  let value = '';
  let keyStart = 0;
  let lastKeyWs = -1;
  let lastValueWs = -1;
  let quoteStart = -1;

  const push = (end: number, chompValue: boolean): void => {
    let k = key;
    if (lastKeyWs !== -1) k = k.slice(0, lastKeyWs);
    let v = value;
    if (chompValue && lastValueWs !== -1) v = v.slice(0, lastValueWs);
    const location = loc(keyStart, end);
    if (!isValidEnvName(k)) {
      problems.push({
        code: 'envfile.invalid-name',
        level: 'warning',
        message: `'${k}' is not a valid environment variable name; systemd ignores this assignment`,
        location,
      });
    } else {
      if (v.includes('\uFFFD')) {
        problems.push({ code: 'envfile.invalid-utf8', level: 'warning', message: `value of ${k} is not valid UTF-8; systemd ignores it`, location });
      } else {
        const a: EnvAssignment = { key: k, value: v, location };
        assignments.push(a);
        vars[k] = a;
      }
    }
    key = '';
    value = '';
    lastKeyWs = -1;
    lastValueWs = -1;
  };

  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    switch (state) {
      case 'PRE_KEY':
        if (c === '#' || c === ';') state = 'COMMENT';
        else if (!WS.includes(c)) {
          state = 'KEY';
          key = c;
          keyStart = i;
          lastKeyWs = -1;
        }
        break;
      case 'KEY':
        if (NL.includes(c)) {
          state = 'PRE_KEY';
          problems.push({
            code: 'envfile.missing-assignment',
            level: 'warning',
            message: `line without '=' is ignored: ${JSON.stringify(key.trim())}`,
            location: loc(keyStart),
          });
          key = '';
        } else if (c === '=') {
          state = 'PRE_VALUE';
          lastValueWs = -1;
        } else {
          if (!WS.includes(c)) lastKeyWs = -1;
          else if (lastKeyWs === -1) lastKeyWs = key.length;
          key += c;
        }
        break;
      case 'PRE_VALUE':
        if (NL.includes(c)) {
          state = 'PRE_KEY';
          push(i, false);
        } else if (c === "'") {
          state = 'SQ';
          quoteStart = i;
        } else if (c === '"') {
          state = 'DQ';
          quoteStart = i;
        } else if (c === '\\') state = 'VALUE_ESCAPE';
        else if (!WS.includes(c)) {
          state = 'VALUE';
          value += c;
        }
        break;
      case 'VALUE':
        if (NL.includes(c)) {
          state = 'PRE_KEY';
          push(i, true);
        } else if (c === '\\') {
          state = 'VALUE_ESCAPE';
          lastValueWs = -1;
        } else {
          if (!WS.includes(c)) lastValueWs = -1;
          else if (lastValueWs === -1) lastValueWs = value.length;
          value += c;
        }
        break;
      case 'VALUE_ESCAPE':
        state = 'VALUE';
        if (!NL.includes(c)) value += c;
        break;
      case 'SQ':
        if (c === "'") state = 'PRE_VALUE';
        else value += c;
        break;
      case 'DQ':
        if (c === '"') state = 'PRE_VALUE';
        else if (c === '\\') state = 'DQ_ESCAPE';
        else value += c;
        break;
      case 'DQ_ESCAPE':
        state = 'DQ';
        if ('"\\`$'.includes(c)) value += c;
        else if (c !== '\n') value += '\\' + c;
        break;
      case 'COMMENT':
        if (c === '\\') state = 'COMMENT_ESCAPE';
        else if (NL.includes(c)) state = 'PRE_KEY';
        break;
      case 'COMMENT_ESCAPE':
        if (NL.includes(c)) {
          // systemd >= 254 ends the comment here; older versions also swallowed the next line.
          problems.push({
            code: 'envfile.comment-continuation',
            level: 'warning',
            message: 'comment line ends with a backslash: systemd before v254 treats the next line as part of the comment',
            location: loc(i),
          });
          state = 'PRE_KEY';
        } else state = 'COMMENT';
        break;
    }
  }
  switch (state) {
    case 'SQ':
    case 'DQ':
    case 'DQ_ESCAPE':
      problems.push({
        code: 'envfile.unterminated-quote',
        level: 'warning',
        message: 'unterminated quoted value: systemd takes everything up to the end of the file',
        location: loc(quoteStart),
      });
      push(text.length, false);
      break;
    case 'PRE_VALUE':
    case 'VALUE_ESCAPE':
      push(text.length, false);
      break;
    case 'VALUE':
      push(text.length, true);
      break;
    case 'KEY':
      problems.push({
        code: 'envfile.missing-assignment',
        level: 'warning',
        message: `line without '=' is ignored: ${JSON.stringify(key.trim())}`,
        location: loc(keyStart),
      });
      break;
    default:
      break;
  }
  return { value: { file, assignments, vars }, problems };
}
