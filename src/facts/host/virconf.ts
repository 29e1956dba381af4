/**
 * libvirt's virConf syntax (libvirtd.conf, virtproxyd.conf, virt*d.conf, qemu.conf), mirroring
 * src/util/virconf.c of libvirt 9.0 (virConfParse* and virConfGetValue*). Verified against the real
 * `libvirtd -f FILE` of Debian 12 (libvirt 9.0.0), see test/facts/host/virconf.test.ts:
 *  - statements `name = value`, separated by an end of line or `;`; blanks are only ' ' and '\t';
 *    CR counts as an end of line, so CRLF files parse; `# comment` lines and trailing `# comment`s;
 *  - a name starts with an ASCII letter, then letters, digits and `_` (`expecting a name` otherwise);
 *  - values: integers (`+`/`-` sign allowed; a leading `-` makes it *signed*, everything else is
 *    *unsigned*, which is what bool/uint getters require; overflow wraps at 64 bits, unchecked),
 *    strings in `"..."` or `'...'` (no escapes, may not cross a line: `unterminated string`), python
 *    style `"""..."""` strings (may span lines), lists `[ v, v, ]` (may span lines, trailing comma and
 *    `[]` allowed, but a `#` inside a list is not a value: `expecting a value`);
 *  - the first syntax error aborts the whole file (`configuration file syntax error: FILE:LINE: msg`);
 *    LINE counts the newlines the parser has passed;
 *  - lookups are case-sensitive and return the *first* entry of a name; later duplicates are ignored.
 *
 * The typed layer (`readDaemonConfig`, `readQemuConfig`) mirrors remote_daemon_config.c and qemu_conf.c:
 * it reads the known keys in libvirt's own order, reports libvirt's exact error text, and returns the
 * effective value of every setting (explicit or the daemon's built-in default) with the key's location.
 */
import { LineIndex, type SourceLocation } from '../../util/location';
import type { Problem } from '../../util/problem';

export type VirConfValue =
  | { type: 'ullong' | 'llong'; /** the number as libvirt holds it (64-bit wrap-around applied) */ value: number; /** exact signed 64-bit value */ int64: string; text: string; location: SourceLocation }
  | { type: 'string'; value: string; location: SourceLocation }
  | { type: 'list'; items: VirConfValue[]; location: SourceLocation };

export interface VirConfEntry {
  key: string;
  value: VirConfValue;
  /** Where the key starts. */
  location: SourceLocation;
}

export interface VirConfFile {
  file: string;
  /** False when libvirt refuses the file (syntax error): no setting of it is then known. */
  ok: boolean;
  /** Effective entries, first occurrence of each key (libvirt's lookup). Empty when `ok` is false. */
  entries: Record<string, VirConfEntry>;
  /** Every statement in file order, duplicates included (empty when `ok` is false). */
  all: VirConfEntry[];
  /** libvirt's message for a syntax error, e.g. `configuration file syntax error: /etc/libvirt/libvirtd.conf:3: expecting a value`. */
  syntaxError?: Problem;
  problems: Problem[];
}

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

const isBlank = (c: string): boolean => c === ' ' || c === '\t';
const isEol = (c: string): boolean => c === '\n' || c === '\r';
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isAlpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

class SyntaxError_ {
  constructor(
    readonly info: string,
    readonly offset: number,
  ) {}
}

/**
 * Parses a virConf text as libvirt 9.0 does. Never throws: a syntax error yields `ok: false` and one
 * error problem (code `virconf.<message-slug>`, e.g. `virconf.expecting-a-value`).
 */
export function parseVirConf(text: string, file: string): VirConfFile {
  const idx = new LineIndex(text);
  const loc = (offset: number): SourceLocation => ({ file, ...idx.position(offset) });
  const end = text.length;
  let cur = 0;
  // libvirt reads the file into a NUL-terminated buffer, so CUR at the end is '\0'.
  const CUR = (): string => (cur < end ? text[cur] : '\0');
  const NEXT = (): void => {
    if (cur < end) cur++;
  };
  const skipBlanks = (): void => {
    while (cur < end && isBlank(text[cur])) cur++;
  };
  const skipBlanksAndEol = (): void => {
    while (cur < end && (isBlank(text[cur]) || isEol(text[cur]))) cur++;
  };
  const fail = (info: string): never => {
    throw new SyntaxError_(info, cur);
  };

  const parseNumber = (): VirConfValue => {
    const start = cur;
    const type = CUR() === '-' ? 'llong' : 'ullong';
    let neg = false;
    if (CUR() === '-') {
      neg = true;
      NEXT();
    } else if (CUR() === '+') NEXT();
    if (cur >= end || !isDigit(CUR())) fail('unterminated number');
    let l = 0n;
    while (cur < end && isDigit(CUR())) {
      l = BigInt.asIntN(64, l * 10n + BigInt(text.charCodeAt(cur) - 48));
      NEXT();
    }
    if (neg) l = BigInt.asIntN(64, -l);
    const shown = type === 'ullong' ? BigInt.asUintN(64, l) : l;
    return { type, value: Number(shown), int64: l.toString(), text: text.slice(start, cur), location: loc(start) };
  };

  const parseString = (): string => {
    if (CUR() === "'") {
      NEXT();
      const base = cur;
      while (cur < end && CUR() !== "'" && !isEol(CUR())) NEXT();
      if (CUR() !== "'") fail('unterminated string');
      const s = text.slice(base, cur);
      NEXT();
      return s;
    }
    if (cur + 6 < end && text.startsWith('"""', cur)) {
      cur += 3;
      const base = cur;
      while (cur + 2 < end && !text.startsWith('"""', cur)) NEXT();
      if (!text.startsWith('"""', cur)) fail('unterminated string');
      const s = text.slice(base, cur);
      cur += 3;
      return s;
    }
    // CUR is '"'
    NEXT();
    const base = cur;
    while (cur < end && CUR() !== '"' && !isEol(CUR())) NEXT();
    if (CUR() !== '"') fail('unterminated string');
    const s = text.slice(base, cur);
    NEXT();
    return s;
  };

  const parseValue = (): VirConfValue => {
    skipBlanks();
    if (cur >= end) fail('expecting a value');
    const start = cur;
    const c = CUR();
    if (c === '"' || c === "'") return { type: 'string', value: parseString(), location: loc(start) };
    if (c === '[') {
      NEXT();
      skipBlanksAndEol();
      const items: VirConfValue[] = [];
      if (cur < end && CUR() !== ']') {
        items.push(parseValue());
        skipBlanksAndEol();
      }
      while (cur < end && CUR() !== ']') {
        if (CUR() !== ',') fail('expecting a separator in list');
        NEXT();
        skipBlanksAndEol();
        if (CUR() === ']') break;
        items.push(parseValue());
        skipBlanksAndEol();
      }
      if (CUR() === ']') NEXT();
      else fail('list is not closed with ]');
      return { type: 'list', items, location: loc(start) };
    }
    if (isDigit(c) || c === '-' || c === '+') return parseNumber();
    return fail('expecting a value');
  };

  const all: VirConfEntry[] = [];
  const parseStatement = (): void => {
    skipBlanksAndEol();
    if (CUR() === '#') {
      NEXT();
      while (cur < end && !isEol(CUR())) NEXT();
      return;
    }
    skipBlanks();
    const base = cur;
    if (!isAlpha(CUR())) fail('expecting a name');
    while (cur < end && (isAlpha(CUR()) || isDigit(CUR()) || CUR() === '_')) NEXT();
    const key = text.slice(base, cur);
    skipBlanks();
    if (CUR() !== '=') fail('expecting an assignment');
    NEXT();
    skipBlanks();
    const value = parseValue();
    skipBlanks();
    if (CUR() === '#') {
      NEXT();
      while (cur < end && !isEol(CUR())) NEXT();
    }
    all.push({ key, value, location: loc(base) });
  };
  const parseSeparator = (): void => {
    skipBlanks();
    if (cur >= end) return;
    if (isEol(CUR())) skipBlanksAndEol();
    else if (CUR() === ';') {
      NEXT();
      skipBlanksAndEol();
    } else fail('expecting a separator');
  };

  const problems: Problem[] = [];
  const entries = Object.create(null) as Record<string, VirConfEntry>;
  try {
    while (cur < end) {
      parseStatement();
      parseSeparator();
    }
  } catch (e) {
    if (!(e instanceof SyntaxError_)) throw e;
    const location = loc(e.offset);
    const syntaxError: Problem = {
      code: `virconf.${slug(e.info)}`,
      level: 'error',
      message: `configuration file syntax error: ${file}:${location.line}: ${e.info}`,
      location,
    };
    return { file, ok: false, entries, all: [], syntaxError, problems: [syntaxError] };
  }
  for (const entry of all) {
    const first = entries[entry.key];
    if (first) {
      problems.push({
        code: 'virconf.duplicate-key',
        level: 'warning',
        message: `'${entry.key}' is set again here; libvirt uses the first setting (line ${first.location.line}) and ignores this one`,
        location: entry.location,
      });
    } else entries[entry.key] = entry;
  }
  return { file, ok: true, entries, all, problems };
}

// ---------------------------------------------------------------------------------------------------------
// Typed layer

export type SettingType = 'bool' | 'string' | 'uint' | 'int' | 'ullong' | 'stringList' | 'stringOrList';

/** The JSON-able value of a typed setting. */
export type SettingValue = boolean | number | string | string[];

export interface ConfSetting {
  /** Effective value: the explicit one when valid, otherwise the built-in default (absent when none). */
  value?: SettingValue;
  /** True when the file sets the key (first occurrence). */
  explicit: boolean;
  /** Location of the key in the file, when explicit. */
  location?: SourceLocation;
  /** libvirt's message when the explicit value is rejected (then `value` is the default). */
  error?: string;
}

/** libvirt's messages of virConfGetValue*(); `file` is the path libvirt was given. */
function checkType(entry: VirConfEntry, type: SettingType, file: string): { value?: SettingValue; error?: string } {
  const v = entry.value;
  const key = entry.key;
  const int64 = v.type === 'ullong' || v.type === 'llong' ? BigInt(v.int64) : 0n;
  const u64 = BigInt.asUintN(64, int64);
  switch (type) {
    case 'string':
      if (v.type !== 'string') return { error: `internal error: ${file}: expected a string for '${key}' parameter` };
      return { value: v.value };
    case 'bool':
      if (v.type !== 'ullong') return { error: `internal error: ${file}: expected a bool for '${key}' parameter` };
      if (u64 > 1n) return { error: `internal error: ${file}: value for '${key}' parameter must be 0 or 1` };
      return { value: u64 === 1n };
    case 'uint':
      if (v.type !== 'ullong') return { error: `internal error: ${file}: expected an unsigned integer for '${key}' parameter` };
      if (u64 > 4294967295n) return { error: `internal error: ${file}: value for '${key}' parameter must be in range 0:4294967295` };
      return { value: Number(u64) };
    case 'ullong':
      if (v.type !== 'ullong') return { error: `internal error: ${file}: expected an unsigned integer for '${key}' parameter` };
      return { value: Number(u64) };
    case 'int':
      if (v.type !== 'ullong' && v.type !== 'llong') return { error: `internal error: ${file}: expected a signed integer for '${key}' parameter` };
      if (int64 > 2147483647n || int64 < -2147483648n)
        return { error: `internal error: ${file}: value for '${key}' parameter must be in range -2147483648:2147483647` };
      return { value: Number(int64) };
    case 'stringList':
    case 'stringOrList': {
      if (v.type === 'list') {
        if (v.items.some((i) => i.type !== 'string')) return { error: `configuration file syntax error: ${file}: expected a string list for '${key}' parameter` };
        return { value: v.items.map((i) => (i.type === 'string' ? i.value : '')) };
      }
      if (v.type === 'string' && type === 'stringOrList') return { value: [v.value] };
      return {
        error:
          type === 'stringOrList'
            ? `internal error: ${file}: expected a string or string list for '${key}' parameter`
            : `internal error: ${file}: expected a string list for '${key}' parameter`,
      };
    }
  }
}

interface KeySpec {
  key: string;
  type: SettingType;
  /** Extra validation after the type check; returns libvirt's message or undefined. */
  check?: (value: SettingValue, file: string, settings: Record<string, ConfSetting>) => string | undefined;
}

/** Result of reading a typed config file (libvirtd.conf, virtproxyd.conf, qemu.conf). */
export interface TypedConfig {
  file: string;
  /** Whether the daemon would accept the file (no syntax error, no rejected value). */
  accepted: boolean;
  /** Whether the settings are known at all (false after a syntax error: libvirt reads nothing of the file). */
  known: boolean;
  /** The message the daemon stops with (the first error in libvirt's reading order). */
  rejection?: { message: string; location?: SourceLocation };
  settings: Record<string, ConfSetting>;
  /** Keys set in the file that this daemon does not read (ignored by libvirt). */
  unknownKeys: string[];
  problems: Problem[];
}

function levenshtein(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  const d: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

/** The known key a mistyped/mis-cased key most likely meant, if any. */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const ci = known.find((k) => k.toLowerCase() === lower);
  if (ci) return ci;
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = levenshtein(lower, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}

function readTyped(
  parsed: VirConfFile,
  specs: readonly KeySpec[],
  defaults: Record<string, SettingValue | undefined>,
  fileLabel: string,
  /** Keys of the same config family that this daemon does not read (warned about as not applicable). */
  notApplicable: readonly string[] = [],
  daemonLabel = 'libvirt',
): TypedConfig {
  const settings = Object.create(null) as Record<string, ConfSetting>;
  const problems: Problem[] = [];
  const known = specs.map((s) => s.key);
  for (const s of specs) {
    const d = defaults[s.key];
    settings[s.key] = d === undefined ? { explicit: false } : { value: d, explicit: false };
  }
  if (!parsed.ok) {
    return {
      file: parsed.file,
      accepted: false,
      known: false,
      rejection: parsed.syntaxError && { message: parsed.syntaxError.message, location: parsed.syntaxError.location },
      settings: Object.create(null) as Record<string, ConfSetting>,
      unknownKeys: [],
      problems: [...parsed.problems],
    };
  }
  problems.push(...parsed.problems);
  let rejection: TypedConfig['rejection'];
  for (const s of specs) {
    const entry = parsed.entries[s.key];
    const setting = settings[s.key];
    if (!entry) continue; // libvirt only validates values it finds (rc > 0)
    setting.explicit = true;
    setting.location = entry.location;
    let { value, error } = checkType(entry, s.type, fileLabel);
    if (!error && s.check && value !== undefined) error = s.check(value, fileLabel, settings);
    if (error) {
      setting.error = error;
      problems.push({ code: 'virconf.invalid-value', level: 'error', message: error, location: entry.location });
      if (!rejection) rejection = { message: error, location: entry.location };
    } else setting.value = value;
  }
  const unknownKeys: string[] = [];
  for (const key of Object.keys(parsed.entries)) {
    if (known.includes(key)) continue;
    unknownKeys.push(key);
    if (notApplicable.includes(key)) {
      problems.push({
        code: 'virconf.key-not-applicable',
        level: 'warning',
        message: `'${key}' is ignored by ${daemonLabel}: only libvirtd and virtproxyd read the network settings`,
        location: parsed.entries[key].location,
      });
      continue;
    }
    const hint = suggestKey(key, known);
    problems.push({
      code: 'virconf.unknown-key',
      level: 'warning',
      message: hint
        ? `unknown setting '${key}' is ignored by libvirt (keys are case-sensitive); did you mean '${hint}'?`
        : `unknown setting '${key}' is ignored by libvirt`,
      location: parsed.entries[key].location,
    });
  }
  return { file: parsed.file, accepted: !rejection, known: true, rejection, settings, unknownKeys, problems };
}

const AUTH_VALUES = ['none', 'sasl', 'polkit'];
const authCheck =
  (key: string) =>
  (v: SettingValue, file: string): string | undefined =>
    AUTH_VALUES.includes(v as string) ? undefined : `unsupported configuration: ${file}: ${key}: unsupported auth ${String(v)}`;

/** Keys read only when libvirt is built WITH_IP (libvirtd, virtproxyd), in reading order positions. */
const IP_KEYS = new Set([
  'listen_tcp', 'listen_tls', 'tls_port', 'tcp_port', 'listen_addr', 'auth_tcp', 'auth_tls',
  'tls_no_sanity_certificate', 'tls_no_verify_certificate', 'key_file', 'cert_file', 'ca_file', 'crl_file',
  'tls_allowed_dn_list', 'tls_priority', 'tcp_min_ssf',
]);

/** remote_daemon_config.c daemonConfigLoadOptions(), libvirt 9.0, in its reading order. */
const DAEMON_SPECS: readonly KeySpec[] = [
  { key: 'listen_tcp', type: 'bool' },
  { key: 'listen_tls', type: 'bool' },
  { key: 'tls_port', type: 'string' },
  { key: 'tcp_port', type: 'string' },
  { key: 'listen_addr', type: 'string' },
  { key: 'auth_unix_rw', type: 'string', check: authCheck('auth_unix_rw') },
  { key: 'auth_unix_ro', type: 'string', check: authCheck('auth_unix_ro') },
  { key: 'auth_tcp', type: 'string', check: authCheck('auth_tcp') },
  { key: 'auth_tls', type: 'string', check: authCheck('auth_tls') },
  { key: 'access_drivers', type: 'stringList' },
  { key: 'unix_sock_group', type: 'string' },
  { key: 'unix_sock_admin_perms', type: 'string' },
  { key: 'unix_sock_ro_perms', type: 'string' },
  { key: 'unix_sock_rw_perms', type: 'string' },
  { key: 'unix_sock_dir', type: 'string' },
  { key: 'tls_no_sanity_certificate', type: 'bool' },
  { key: 'tls_no_verify_certificate', type: 'bool' },
  { key: 'key_file', type: 'string' },
  { key: 'cert_file', type: 'string' },
  { key: 'ca_file', type: 'string' },
  { key: 'crl_file', type: 'string' },
  { key: 'tls_allowed_dn_list', type: 'stringList' },
  { key: 'tls_priority', type: 'string' },
  {
    key: 'tcp_min_ssf',
    type: 'uint',
    check: (v) => ((v as number) < 112 ? 'unsupported configuration: minimum SSF levels lower than 112 are not supported' : undefined),
  },
  { key: 'sasl_allowed_username_list', type: 'stringList' },
  { key: 'min_workers', type: 'uint' },
  { key: 'max_workers', type: 'uint', check: (v) => ((v as number) < 1 ? "internal error: 'max_workers' must be greater than 0" : undefined) },
  { key: 'max_clients', type: 'uint' },
  { key: 'max_queued_clients', type: 'uint' },
  { key: 'max_anonymous_clients', type: 'uint' },
  { key: 'prio_workers', type: 'uint' },
  { key: 'max_client_requests', type: 'uint' },
  { key: 'admin_min_workers', type: 'uint' },
  { key: 'admin_max_workers', type: 'uint' },
  { key: 'admin_max_clients', type: 'uint' },
  { key: 'admin_max_queued_clients', type: 'uint' },
  { key: 'admin_max_client_requests', type: 'uint' },
  { key: 'audit_level', type: 'uint' },
  { key: 'audit_logging', type: 'bool' },
  { key: 'host_uuid', type: 'string' },
  { key: 'host_uuid_source', type: 'string' },
  { key: 'log_level', type: 'uint' },
  { key: 'log_filters', type: 'string' },
  { key: 'log_outputs', type: 'string' },
  { key: 'keepalive_interval', type: 'int' },
  { key: 'keepalive_count', type: 'uint' },
  { key: 'admin_keepalive_interval', type: 'int' },
  { key: 'admin_keepalive_count', type: 'uint' },
  { key: 'ovs_timeout', type: 'uint' },
];

export type DaemonName = 'libvirtd' | 'virtproxyd' | 'virtqemud' | 'virtnetworkd' | 'virtstoraged' | 'virtnodedevd' | 'virtsecretd' | 'virtinterfaced' | 'virtnwfilterd' | 'virtlxcd' | 'virtchd';

export interface DaemonConfigOptions {
  /** Running as root (the system daemon). Default true. */
  privileged?: boolean;
  /** libvirt built with polkit (Debian, RHEL, openEuler: yes). Default true. */
  polkit?: boolean;
  /** libvirt built with SASL. Default true. */
  sasl?: boolean;
}

/** Unix socket permission string parsed like virStrToLong_i(str, NULL, 8): whole string, base 8, int range. */
export function parseSocketPerms(s: string): number | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-7]+)$/.exec(s);
  if (!m) return undefined;
  const n = parseInt(m[2], 8) * (m[1] === '-' ? -1 : 1);
  if (n > 2147483647 || n < -2147483648) return undefined;
  return n;
}

export interface DaemonConfig extends TypedConfig {
  daemon: DaemonName;
  /**
   * Socket modes parsed as the daemon does at start (daemonSetupNetworking); a string it cannot parse
   * gives `Failed to parse mode 'X'` (daemon exits 6) and a problem. Not honoured under socket activation.
   */
  socketModes: { rw?: number; ro?: number; admin?: number };
}

/**
 * Typed view of libvirtd.conf / virtproxyd.conf / virt<drv>d.conf, as remote_daemon_config.c 9.0 reads it.
 * Defaults: listen_tls 1 (libvirtd; only honoured with --listen) or 0 (virtproxyd), listen_tcp 0,
 * tls_port "16514", tcp_port "16509", auth_tcp "sasl", auth_tls "none", auth_unix_rw/ro "polkit" when
 * privileged and built with polkit (else "none"), unix_sock_rw_perms "0777" with polkit default auth (else
 * "0700") — note libvirt computes that default *before* reading auth_unix_rw, so `auth_unix_rw = "none"`
 * keeps "0777" —, unix_sock_ro_perms "0777", unix_sock_admin_perms "0700", tcp_min_ssf 56 (an explicit
 * value < 112 is rejected), audit_level 1, audit_logging 0; access_drivers unset = no ACL.
 */
export function readDaemonConfig(parsed: VirConfFile, daemon: DaemonName, opts: DaemonConfigOptions = {}): DaemonConfig {
  const privileged = opts.privileged ?? true;
  const polkit = opts.polkit ?? true;
  const sasl = opts.sasl ?? true;
  const withIp = daemon === 'libvirtd' || daemon === 'virtproxyd';
  const specs = DAEMON_SPECS.filter((s) => withIp || !IP_KEYS.has(s.key)).map((s) =>
    s.key.startsWith('auth_') && !sasl
      ? { ...s, check: (v: SettingValue, f: string) => (v === 'sasl' ? `unsupported configuration: ${f}: ${s.key}: unsupported auth sasl` : authCheck(s.key)(v, f)) }
      : s,
  );
  const unixAuth = polkit && privileged ? 'polkit' : 'none';
  const defaults: Record<string, SettingValue | undefined> = {
    auth_unix_rw: unixAuth,
    auth_unix_ro: unixAuth,
    unix_sock_rw_perms: unixAuth === 'polkit' ? '0777' : '0700',
    unix_sock_ro_perms: '0777',
    unix_sock_admin_perms: '0700',
    min_workers: 5,
    max_workers: 20,
    max_clients: 5000,
    max_queued_clients: 1000,
    max_anonymous_clients: 20,
    prio_workers: 5,
    max_client_requests: 5,
    audit_level: 1,
    audit_logging: false,
    keepalive_interval: 5,
    keepalive_count: 5,
    admin_min_workers: 5,
    admin_max_workers: 20,
    admin_max_clients: 5000,
    admin_max_queued_clients: 20,
    admin_max_client_requests: 5,
    admin_keepalive_interval: 5,
    admin_keepalive_count: 5,
    ovs_timeout: 5,
    tls_no_sanity_certificate: false,
    tls_no_verify_certificate: false,
    log_level: 0,
  };
  if (withIp) {
    Object.assign(defaults, {
      listen_tls: daemon === 'libvirtd',
      listen_tcp: false,
      tls_port: '16514',
      tcp_port: '16509',
      auth_tcp: sasl ? 'sasl' : 'none',
      auth_tls: 'none',
      tcp_min_ssf: 56,
      key_file: '/etc/pki/libvirt/private/serverkey.pem',
      cert_file: '/etc/pki/libvirt/servercert.pem',
      ca_file: '/etc/pki/CA/cacert.pem',
    });
  }
  if (!privileged) {
    delete defaults.key_file;
    delete defaults.cert_file;
    delete defaults.ca_file;
  }
  const ignoredIpKeys = withIp ? [] : [...IP_KEYS];
  const base = readTyped(parsed, specs, defaults, parsed.file, ignoredIpKeys, daemon);
  // With polkit, an explicit auth_unix_rw = "polkit" resets the rw perms default to "0777" (before the perms key is read).
  const rwAuth = base.settings.auth_unix_rw;
  const rwPerms = base.settings.unix_sock_rw_perms;
  if (base.known && polkit && rwAuth.explicit && rwAuth.value === 'polkit' && !rwPerms.explicit) rwPerms.value = '0777';

  const socketModes: DaemonConfig['socketModes'] = {};
  if (base.known) {
    for (const [which, key] of [
      ['ro', 'unix_sock_ro_perms'],
      ['admin', 'unix_sock_admin_perms'],
      ['rw', 'unix_sock_rw_perms'],
    ] as const) {
      const s = base.settings[key];
      if (typeof s.value !== 'string') continue;
      const mode = parseSocketPerms(s.value);
      if (mode === undefined) {
        const message = `Failed to parse mode '${s.value}'`;
        base.problems.push({ code: 'virconf.invalid-mode', level: 'error', message, location: s.location });
        if (base.accepted) {
          base.accepted = false;
          base.rejection = { message, location: s.location };
        }
      } else socketModes[which] = mode;
    }
  }
  return { ...base, daemon, socketModes };
}

// qemu.conf ------------------------------------------------------------------------------------------------

const portCheck = (key: string, min: number) => (v: SettingValue, file: string) =>
  (v as number) < min ? `internal error: ${file}: ${key}: port must be greater than or equal to ${min}` : undefined;

/** qemu_conf.c virQEMUDriverConfigLoadFile() (libvirt 9.x), in its reading order. */
const QEMU_SPECS: readonly KeySpec[] = [
  // DefaultTLS
  { key: 'default_tls_x509_cert_dir', type: 'string' },
  { key: 'default_tls_x509_verify', type: 'bool' },
  { key: 'default_tls_x509_secret_uuid', type: 'string' },
  // VNC
  { key: 'vnc_auto_unix_socket', type: 'bool' },
  { key: 'vnc_tls', type: 'bool' },
  { key: 'vnc_tls_x509_verify', type: 'bool' },
  { key: 'vnc_tls_x509_cert_dir', type: 'string' },
  { key: 'vnc_tls_x509_secret_uuid', type: 'string' },
  { key: 'vnc_listen', type: 'string' },
  { key: 'vnc_password', type: 'string' },
  { key: 'vnc_sasl', type: 'bool' },
  { key: 'vnc_sasl_dir', type: 'string' },
  { key: 'vnc_allow_host_audio', type: 'bool' },
  { key: 'nographics_allow_host_audio', type: 'bool' },
  // SPICE
  { key: 'spice_tls', type: 'bool' },
  { key: 'spice_tls_x509_cert_dir', type: 'string' },
  { key: 'spice_sasl', type: 'bool' },
  { key: 'spice_sasl_dir', type: 'string' },
  { key: 'spice_listen', type: 'string' },
  { key: 'spice_password', type: 'string' },
  { key: 'spice_auto_unix_socket', type: 'bool' },
  // Specific TLS
  { key: 'vxhs_tls', type: 'bool' },
  { key: 'nbd_tls', type: 'bool' },
  { key: 'chardev_tls', type: 'bool' },
  { key: 'migrate_tls_force', type: 'bool' },
  { key: 'chardev_tls_x509_cert_dir', type: 'string' },
  { key: 'chardev_tls_x509_secret_uuid', type: 'string' },
  { key: 'chardev_tls_x509_verify', type: 'bool' },
  { key: 'migrate_tls_x509_cert_dir', type: 'string' },
  { key: 'migrate_tls_x509_secret_uuid', type: 'string' },
  { key: 'migrate_tls_x509_verify', type: 'bool' },
  { key: 'backup_tls_x509_cert_dir', type: 'string' },
  { key: 'backup_tls_x509_secret_uuid', type: 'string' },
  { key: 'backup_tls_x509_verify', type: 'bool' },
  { key: 'vxhs_tls_x509_cert_dir', type: 'string' },
  { key: 'vxhs_tls_x509_secret_uuid', type: 'string' },
  { key: 'nbd_tls_x509_cert_dir', type: 'string' },
  { key: 'nbd_tls_x509_secret_uuid', type: 'string' },
  // Remote display
  { key: 'remote_websocket_port_min', type: 'uint', check: portCheck('remote_websocket_port_min', 5700) },
  { key: 'remote_websocket_port_max', type: 'uint' },
  { key: 'remote_display_port_min', type: 'uint', check: portCheck('remote_display_port_min', 5900) },
  { key: 'remote_display_port_max', type: 'uint' },
  // Save
  { key: 'save_image_format', type: 'string' },
  { key: 'dump_image_format', type: 'string' },
  { key: 'snapshot_image_format', type: 'string' },
  { key: 'auto_dump_path', type: 'string' },
  { key: 'auto_dump_bypass_cache', type: 'bool' },
  { key: 'auto_start_bypass_cache', type: 'bool' },
  // Process
  { key: 'hugetlbfs_mount', type: 'stringOrList' },
  { key: 'bridge_helper', type: 'string' },
  { key: 'pr_helper', type: 'string' },
  { key: 'slirp_helper', type: 'string' },
  { key: 'dbus_daemon', type: 'string' },
  { key: 'set_process_name', type: 'bool' },
  { key: 'max_processes', type: 'uint' },
  { key: 'max_files', type: 'uint' },
  { key: 'max_threads_per_process', type: 'uint' },
  { key: 'dump_guest_core', type: 'bool' },
  {
    key: 'stdio_handler',
    type: 'string',
    check: (v) => (v === 'logd' || v === 'file' ? undefined : `unsupported configuration: Unknown stdio handler ${String(v)}`),
  },
  {
    key: 'sched_core',
    type: 'string',
    check: (v) => (['none', 'vcpus', 'emulator', 'full'].includes(v as string) ? undefined : `unsupported configuration: Unknown sched_core value ${String(v)}`),
  },
  // Device
  { key: 'mac_filter', type: 'bool' },
  { key: 'relaxed_acs_check', type: 'bool' },
  { key: 'lock_manager', type: 'string' },
  {
    key: 'allow_disk_format_probing',
    type: 'bool',
    check: (v) => (v === true ? 'unsupported configuration: allow_disk_format_probing is no longer supported' : undefined),
  },
  // RPC
  { key: 'max_queued', type: 'uint' },
  { key: 'keepalive_interval', type: 'int' },
  { key: 'keepalive_count', type: 'uint' },
  // Network
  { key: 'migration_port_min', type: 'uint', check: (v, f) => ((v as number) <= 0 ? `internal error: ${f}: migration_port_min: port must be greater than 0` : undefined) },
  { key: 'migration_port_max', type: 'uint' },
  { key: 'migration_host', type: 'string' },
  { key: 'migration_address', type: 'string' },
  // Log, NVRAM, Debug
  { key: 'log_timestamp', type: 'bool' },
  { key: 'nvram', type: 'stringList' },
  { key: 'gluster_debug_level', type: 'uint' },
  { key: 'virtiofsd_debug', type: 'bool' },
  { key: 'deprecation_behavior', type: 'string' },
  // Security
  {
    key: 'security_driver',
    type: 'stringOrList',
    check: (v) => {
      const names = v as string[];
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      return dup !== undefined ? `configuration file syntax error: Duplicate security driver ${dup}` : undefined;
    },
  },
  { key: 'security_default_confined', type: 'bool' },
  { key: 'security_require_confined', type: 'bool' },
  { key: 'user', type: 'string' },
  { key: 'group', type: 'string' },
  { key: 'dynamic_ownership', type: 'bool' },
  { key: 'remember_owner', type: 'bool' },
  { key: 'cgroup_controllers', type: 'stringList' },
  { key: 'cgroup_device_acl', type: 'stringList' },
  { key: 'seccomp_sandbox', type: 'int' },
  { key: 'namespaces', type: 'stringList' },
  // Memory, swtpm, caps filters
  { key: 'memory_backing_dir', type: 'string' },
  { key: 'swtpm_user', type: 'string' },
  { key: 'swtpm_group', type: 'string' },
  { key: 'capability_filters', type: 'stringList' },
];

export interface QemuConfigOptions {
  /** Build-time QEMU user/group: `qemu` on RHEL/openEuler/Fedora, `libvirt-qemu` on Debian/Ubuntu. Default `qemu`. */
  qemuUser?: string;
  qemuGroup?: string;
}

export interface QemuConfig extends TypedConfig {
  /** `user`/`group`/`swtpm_user`/`swtpm_group` naming root (`root`, `+0`, `0`). */
  runsAsRoot: { qemu: boolean; swtpm: boolean };
}

const isRootName = (s: unknown): boolean => typeof s === 'string' && /^(root|\+?0+)$/.test(s.trim());

/**
 * Typed view of /etc/libvirt/qemu.conf as qemu_conf.c reads it (privileged driver). Defaults: vnc_listen and
 * spice_listen "127.0.0.1", vnc_tls/spice_tls/vnc_sasl/spice_sasl 0, vnc_tls_x509_verify = default_tls_x509_verify
 * when set, else 0; security_default_confined 1, security_require_confined 0, dynamic_ownership 1,
 * remember_owner 1 (Linux), seccomp_sandbox -1 (auto = on when QEMU supports it), migrate_tls_force 0,
 * swtpm_user/swtpm_group "tss" (root when no tss account exists), security_driver unset (all available
 * drivers are tried). Only checks libvirt makes without touching the host are reproduced (not user lookups).
 */
export function readQemuConfig(parsed: VirConfFile, opts: QemuConfigOptions = {}): QemuConfig {
  const defaults: Record<string, SettingValue | undefined> = {
    vnc_listen: '127.0.0.1',
    spice_listen: '127.0.0.1',
    vnc_tls: false,
    vnc_sasl: false,
    spice_tls: false,
    spice_sasl: false,
    vnc_auto_unix_socket: false,
    spice_auto_unix_socket: false,
    vnc_allow_host_audio: false,
    nographics_allow_host_audio: false,
    chardev_tls: false,
    migrate_tls_force: false,
    security_default_confined: true,
    security_require_confined: false,
    dynamic_ownership: true,
    remember_owner: true,
    seccomp_sandbox: -1,
    user: opts.qemuUser ?? 'qemu',
    group: opts.qemuGroup ?? opts.qemuUser ?? 'qemu',
    swtpm_user: 'tss',
    swtpm_group: 'tss',
    remote_websocket_port_min: 5700,
    remote_websocket_port_max: 65535,
    remote_display_port_min: 5900,
    remote_display_port_max: 65535,
    migration_port_min: 49152,
    migration_port_max: 49215,
    keepalive_interval: 5,
    keepalive_count: 5,
    log_timestamp: true,
    gluster_debug_level: 4,
    stdio_handler: 'logd',
    set_process_name: false,
    deprecation_behavior: 'none',
  };
  const base = readTyped(parsed, QEMU_SPECS, defaults, parsed.file);
  // TLS verify inheritance (virQEMUDriverConfigSetDefaults)
  const dflt = base.settings.default_tls_x509_verify;
  const inherit: ReadonlyArray<readonly [string, boolean]> = base.known
    ? [
    ['vnc_tls_x509_verify', false],
    ['chardev_tls_x509_verify', true],
    ['migrate_tls_x509_verify', true],
    ['backup_tls_x509_verify', true],
      ]
    : [];
  for (const [key, d] of inherit) {
    const s = base.settings[key];
    if (!s.explicit || s.error) s.value = dflt.explicit && !dflt.error ? dflt.value : d;
  }
  // Port range relations, checked after each max is read
  const rel = (minKey: string, maxKey: string, hi: number, msg: (f: string) => string): void => {
    const mn = base.settings[minKey];
    const mx = base.settings[maxKey];
    if (!base.known || mn.error || mx.error) return;
    if ((mx.value as number) > hi || (mx.value as number) < (mn.value as number)) {
      const message = msg(parsed.file);
      mx.error = message;
      base.problems.push({ code: 'virconf.invalid-value', level: 'error', message, location: mx.location ?? mn.location });
      if (base.accepted) {
        base.accepted = false;
        base.rejection = { message, location: mx.location ?? mn.location };
      }
    }
  };
  rel('remote_websocket_port_min', 'remote_websocket_port_max', 65535, (f) => `internal error: ${f}: remote_websocket_port_max: port must be between the minimal port and 65535`);
  rel('remote_display_port_min', 'remote_display_port_max', 65535, (f) => `internal error: ${f}: remote_display_port_max: port must be between the minimal port and 65535`);
  rel(
    'migration_port_min',
    'migration_port_max',
    65535,
    (f) => `internal error: ${f}: migration_port_max: port must be between the minimal port ${String(base.settings.migration_port_min.value)} and 65535`,
  );
  return {
    ...base,
    runsAsRoot: {
      qemu: isRootName(base.settings.user?.value) || isRootName(base.settings.group?.value),
      swtpm: isRootName(base.settings.swtpm_user?.value),
    },
  };
}

/** Names of the keys the typed readers know, for callers that want to list them. */
export const DAEMON_CONFIG_KEYS: readonly string[] = DAEMON_SPECS.map((s) => s.key);
export const QEMU_CONFIG_KEYS: readonly string[] = QEMU_SPECS.map((s) => s.key);
