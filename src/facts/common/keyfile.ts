/**
 * GLib key files (`g_key_file_load_from_file`, glib/gkeyfile.c), as far as their readers here observe them:
 * `[group]` headers, `key=value` lines (whitespace around the key and before the value dropped, trailing kept),
 * `#` comments, and GLib's load errors (a line that is no group/pair/comment, a pair before any group, a bad group
 * name), which make the whole file fail to load. Values are read raw; `keyFileUnescape` is g_key_file_get_string's
 * unescaping. Verified with qemu-ga 7.2 / GLib 2.74. Pure; never throws.
 */
import type { SourceLocation } from '../../util/location';

export interface KeyFileEntry {
  group: string;
  key: string;
  /** Raw value text (leading whitespace removed, trailing kept, escapes not processed). */
  raw: string;
  location: SourceLocation;
}

export interface KeyFile {
  file: string;
  entries: KeyFileEntry[];
  /** GLib's load error: the agent exits 1 with `error loading configuration from path`. */
  loadError?: { message: string; location: SourceLocation };
}

/** g_key_file_load_from_file as far as qemu-ga observes it [verified with qemu-ga 7.2 / GLib 2.74]. */
export function parseKeyFile(text: string, file: string): KeyFile {
  const entries: KeyFileEntry[] = [];
  const lines = text.split('\n');
  let group: string | undefined;
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    let s = 0;
    while (s < line.length && /\s/.test(line[s])) s++;
    const body = line.slice(s);
    const location: SourceLocation = { file, line: n + 1, column: s + 1 };
    if (body === '' || body.startsWith('#')) continue;
    if (body.startsWith('[')) {
      const close = body.indexOf(']');
      if (close !== -1 && body.slice(close + 1).trim() === '') {
        const name = body.slice(1, close);
        if (name === '' || /[[\]\x00-\x1f]/.test(name)) return { file, entries, loadError: { message: `Invalid group name: ${name}`, location } };
        group = name;
        continue;
      }
    }
    const eq = body.indexOf('=');
    if (eq <= 0) return { file, entries, loadError: { message: `Key file contains line “${body}” which is not a key-value pair, group, or comment`, location } };
    if (group === undefined) return { file, entries, loadError: { message: 'Key file does not start with a group', location } };
    const key = body.slice(0, eq).replace(/\s+$/, '');
    let v = eq + 1;
    while (v < body.length && /\s/.test(body[v])) v++;
    entries.push({ group, key, raw: body.slice(v), location });
  }
  return { file, entries };
}

/** g_key_file_get_string's unescaping: `\s \n \t \r \\` only; anything else makes the value invalid. */
export function keyFileUnescape(raw: string): string | undefined {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== '\\') {
      out += raw[i];
      continue;
    }
    const c = raw[++i];
    const m: Record<string, string> = { s: ' ', n: '\n', t: '\t', r: '\r', '\\': '\\' };
    if (c === undefined || !(c in m)) return undefined;
    out += m[c];
  }
  return out;
}

/** g_key_file_get_value's lookup: the last entry of `key` in `group` (a later duplicate wins). */
export function keyFileGet(kf: KeyFile, group: string, key: string): KeyFileEntry | undefined {
  let last: KeyFileEntry | undefined;
  for (const e of kf.entries) if (e.group === group && e.key === key) last = e;
  return last;
}
