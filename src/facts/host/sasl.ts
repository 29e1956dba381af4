/**
 * Cyrus SASL 2.1.28 facts: the application config `/etc/sasl2/libvirt.conf` and `sasldblistusers2` output.
 *
 * Config file: mirrors lib/config.c `sasl_config_init()` (verified with libvirtd + Cyrus SASL 2.1.28):
 *  - read with fgets() into a 4096-byte buffer (a longer line is continued as a new "line");
 *  - leading whitespace skipped; empty lines and lines starting with `#` are comments — a `#` later on a
 *    line is part of the value;
 *  - the key is `[A-Za-z0-9_-]*`, lower-cased (keys are case-insensitive), and must be followed directly
 *    by `:` (`mech_list : x` is an error); blanks after `:` are skipped, trailing whitespace stripped;
 *  - a missing `:` or an empty value makes the whole file fail (SASL_CONFIGERR): libvirt's SASL init fails;
 *  - lookups return the *first* entry of a key (later duplicates are ignored).
 * `mech_list` is whitespace-separated and matched case-insensitively against plugin names; a token that is
 * not a valid mechanism name (`digest-md5,gssapi`, `"gssapi"`) matches nothing.
 *
 * `sasldblistusers2 -f DB` prints `user@realm: property` per line (property is the attribute name, e.g.
 * `userPassword`, never the secret). A missing or corrupt database prints `listusers failed` on stderr and
 * still exits 0 — that is an error, not "no users".
 */
import type { SourceLocation } from '../../util/location';
import type { Problem } from '../../util/problem';
import type { ParseResult } from '../common/envfile';

export interface SaslConfEntry {
  /** Lower-cased key, as Cyrus stores it. */
  key: string;
  value: string;
  /** Where the key starts. */
  location: SourceLocation;
  /** Where the value starts. */
  valueLocation: SourceLocation;
}

export interface SaslConf {
  file: string;
  /** False when Cyrus refuses the file (SASL_CONFIGERR): then no setting is known and SASL init fails. */
  ok: boolean;
  /** First entry of each key. */
  entries: Record<string, SaslConfEntry>;
  all: SaslConfEntry[];
  /** Analysis of `mech_list` when set. */
  mechList?: MechList;
}

export interface MechInfo {
  /** Upper-case mechanism name. */
  name: string;
  /** A mechanism Cyrus SASL ships or commonly has a plugin for. */
  known: boolean;
  /** Negotiates a security layer (SSF > 0): usable by libvirt on plain TCP (auth_tcp = "sasl"). */
  ssf: boolean;
  /** Sends the password in clear (PLAIN, LOGIN). */
  cleartext: boolean;
  /** No authentication at all. */
  anonymous: boolean;
  /** Obsolete / historic (DIGEST-MD5: RFC 6331; CRAM-MD5; NTLM). */
  obsolete: boolean;
  note?: string;
}

const MECHS: Record<string, Omit<MechInfo, 'name' | 'known'>> = {
  GSSAPI: { ssf: true, cleartext: false, anonymous: false, obsolete: false, note: 'Kerberos 5; needs a keytab and libsasl2-modules-gssapi-*' },
  'GS2-KRB5': { ssf: false, cleartext: false, anonymous: false, obsolete: false },
  'GS2-IAKERB': { ssf: false, cleartext: false, anonymous: false, obsolete: false },
  'DIGEST-MD5': { ssf: true, cleartext: false, anonymous: false, obsolete: true, note: 'moved to Historic by RFC 6331' },
  'SCRAM-SHA-1': { ssf: false, cleartext: false, anonymous: false, obsolete: false, note: 'no security layer: use with TLS' },
  'SCRAM-SHA-256': { ssf: false, cleartext: false, anonymous: false, obsolete: false, note: 'no security layer: use with TLS' },
  'SCRAM-SHA-512': { ssf: false, cleartext: false, anonymous: false, obsolete: false, note: 'no security layer: use with TLS' },
  'SCRAM-SHA-1-PLUS': { ssf: false, cleartext: false, anonymous: false, obsolete: false },
  'SCRAM-SHA-256-PLUS': { ssf: false, cleartext: false, anonymous: false, obsolete: false },
  PLAIN: { ssf: false, cleartext: true, anonymous: false, obsolete: false },
  LOGIN: { ssf: false, cleartext: true, anonymous: false, obsolete: true, note: 'non-standard, cleartext' },
  'CRAM-MD5': { ssf: false, cleartext: false, anonymous: false, obsolete: true, note: 'draft-ietf-sasl-crammd5-to-historic' },
  NTLM: { ssf: false, cleartext: false, anonymous: false, obsolete: true },
  ANONYMOUS: { ssf: false, cleartext: false, anonymous: true, obsolete: false },
  EXTERNAL: { ssf: false, cleartext: false, anonymous: false, obsolete: false, note: 'relies on the external (TLS) layer' },
  OTP: { ssf: false, cleartext: false, anonymous: false, obsolete: false },
  SRP: { ssf: true, cleartext: false, anonymous: false, obsolete: false },
  OAUTHBEARER: { ssf: false, cleartext: false, anonymous: false, obsolete: false },
  XOAUTH2: { ssf: false, cleartext: false, anonymous: false, obsolete: false },
};

/** SASL mechanism names (RFC 4422 §3.1): 1-20 of A-Z 0-9 - _ (Cyrus compares case-insensitively). */
export function isValidMechName(token: string): boolean {
  return /^[A-Za-z0-9_-]{1,20}$/.test(token);
}

export function classifyMech(name: string): MechInfo {
  const upper = name.toUpperCase();
  const m = MECHS[upper];
  return m ? { name: upper, known: true, ...m } : { name: upper, known: false, ssf: false, cleartext: false, anonymous: false, obsolete: false };
}

export interface MechToken {
  token: string;
  location: SourceLocation;
  /** Present when the token is a valid mechanism name. */
  mech?: MechInfo;
}

export interface MechList {
  tokens: MechToken[];
  /** Upper-case names of the valid tokens (duplicates removed, order kept). */
  mechs: string[];
  /** Some listed mechanism provides a security layer, so SASL on plain TCP can work. */
  anySsf: boolean;
  anyCleartext: boolean;
  anyAnonymous: boolean;
  anyObsolete: boolean;
  /** Tokens that can never match a mechanism (commas, quotes...). */
  invalidTokens: string[];
}

export function analyzeMechList(value: string, location: SourceLocation): MechList {
  const tokens: MechToken[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value))) {
    const t: MechToken = { token: m[0], location: { ...location, column: location.column + m.index } };
    if (isValidMechName(m[0])) t.mech = classifyMech(m[0]);
    tokens.push(t);
  }
  const mechs = [...new Set(tokens.filter((t) => t.mech).map((t) => t.mech!.name))];
  const infos = mechs.map(classifyMech);
  return {
    tokens,
    mechs,
    anySsf: infos.some((i) => i.ssf),
    anyCleartext: infos.some((i) => i.cleartext),
    anyAnonymous: infos.some((i) => i.anonymous),
    anyObsolete: infos.some((i) => i.obsolete),
    invalidTokens: tokens.filter((t) => !t.mech).map((t) => t.token),
  };
}

const isCSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';

export function parseSaslConf(text: string, file: string): ParseResult<SaslConf> {
  const problems: Problem[] = [];
  const all: SaslConfEntry[] = [];
  const entries = Object.create(null) as Record<string, SaslConfEntry>;
  const fail = (message: string, line: number, column: number): ParseResult<SaslConf> => {
    problems.push({ code: 'sasl.config-error', level: 'error', message, location: { file, line, column } });
    return { value: { file, ok: false, entries: Object.create(null) as Record<string, SaslConfEntry>, all: [] }, problems };
  };
  // fgets() chunks of at most 4095 characters, each ending at a newline when there is one.
  let pos = 0;
  let lineno = 0; // physical line number
  let chunkStartCol = 1;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl === -1 ? text.length : nl + 1;
    const end = Math.min(lineEnd, pos + 4095);
    let buf = text.slice(pos, end);
    if (chunkStartCol === 1) lineno++;
    const col0 = chunkStartCol;
    chunkStartCol = end === lineEnd ? 1 : chunkStartCol + (end - pos);
    pos = end;
    if (buf.endsWith('\n')) buf = buf.slice(0, -1);
    const nul = buf.indexOf('\0');
    if (nul !== -1) buf = buf.slice(0, nul);
    let p = 0;
    while (p < buf.length && isCSpace(buf[p])) p++;
    if (p === buf.length || buf[p] === '#') continue;
    const keyStart = p;
    while (p < buf.length && /[A-Za-z0-9_-]/.test(buf[p])) p++;
    if (buf[p] !== ':') {
      return fail(`${file}:${lineno}: expected 'key: value' (Cyrus SASL refuses the whole file)`, lineno, col0 + p);
    }
    const key = buf.slice(keyStart, p).toLowerCase();
    p++;
    while (p < buf.length && isCSpace(buf[p])) p++;
    if (p === buf.length) return fail(`${file}:${lineno}: '${key}' has no value (Cyrus SASL refuses the whole file)`, lineno, col0 + p);
    let tail = buf.length;
    while (tail - 1 > p && isCSpace(buf[tail - 1])) tail--;
    const entry: SaslConfEntry = {
      key,
      value: buf.slice(p, tail),
      location: { file, line: lineno, column: col0 + keyStart },
      valueLocation: { file, line: lineno, column: col0 + p },
    };
    all.push(entry);
    const first = entries[key];
    if (first) {
      problems.push({
        code: 'sasl.duplicate-key',
        level: 'warning',
        message: `'${key}' is set again here; Cyrus SASL uses the first setting (line ${first.location.line}) and ignores this one`,
        location: entry.location,
      });
    } else entries[key] = entry;
  }
  const conf: SaslConf = { file, ok: true, entries, all };
  const ml = entries.mech_list;
  if (ml) {
    conf.mechList = analyzeMechList(ml.value, ml.valueLocation);
    for (const t of conf.mechList.tokens) {
      if (!t.mech) {
        problems.push({
          code: 'sasl.invalid-mech-token',
          level: 'error',
          message: `mech_list token '${t.token}' is not a mechanism name (the list is whitespace-separated, unquoted); it matches no mechanism`,
          location: t.location,
        });
      }
    }
  }
  return { value: conf, problems };
}

export interface SasldbUser {
  user: string;
  realm: string;
  /** `user@realm`, as sasldblistusers2 prints it. */
  id: string;
  /** Attribute names stored for the user (e.g. `userPassword`). */
  properties: string[];
  location: SourceLocation;
}

export interface SasldbListing {
  /** `error` when sasldblistusers2 could not read the database (it still exits 0). */
  state: 'ok' | 'error';
  error?: string;
  users: SasldbUser[];
}

/** Parses `sasldblistusers2 -f DB` output. `file` names the evidence (e.g. `sasldblistusers2 -f /etc/libvirt/passwd.db`). */
export function parseSasldbList(out: { stdout?: string; stderr?: string; exitCode?: number }, file: string): ParseResult<SasldbListing> {
  const problems: Problem[] = [];
  const stderr = (out.stderr ?? '').trim();
  const failed = /listusers failed/.test(stderr) || (out.exitCode !== undefined && out.exitCode !== 0);
  if (failed) {
    const error = stderr.split('\n').filter((l) => l.trim() !== '' && !/^listusers failed$/.test(l.trim()))[0] ?? (stderr || `exit status ${String(out.exitCode)}`);
    problems.push({ code: 'sasldb.list-failed', level: 'error', message: `sasldblistusers2 could not read the database: ${error}`, location: { file, line: 1, column: 1 } });
    return { value: { state: 'error', error, users: [] }, problems };
  }
  const byId = new Map<string, SasldbUser>();
  const lines = (out.stdout ?? '').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '') continue;
    const sep = line.lastIndexOf(': ');
    const left = sep === -1 ? '' : line.slice(0, sep);
    const at = left.lastIndexOf('@');
    if (sep === -1 || at === -1) {
      problems.push({ code: 'sasldb.bad-line', level: 'warning', message: `unexpected sasldblistusers2 line: ${line}`, location: { file, line: i + 1, column: 1 } });
      continue;
    }
    const prop = line.slice(sep + 2);
    const id = left;
    let u = byId.get(id);
    if (!u) {
      u = { user: left.slice(0, at), realm: left.slice(at + 1), id, properties: [], location: { file, line: i + 1, column: 1 } };
      byId.set(id, u);
    }
    if (!u.properties.includes(prop)) u.properties.push(prop);
  }
  const users = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { value: { state: 'ok', users }, problems };
}
