/**
 * OpenSSH known_hosts (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT") and host key verification.
 *
 * Line: `[@revoked|@cert-authority] hostpatterns keytype base64key [comment]`. Host patterns are a comma list
 * with `*`/`?` wildcards and `!` negation, `[host]:port` for non-default ports, or one hashed name
 * `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`. Checked against `ssh-keygen -H` / `ssh-keygen -F` and, for the
 * verdicts, against `ssh` itself connecting to a real sshd (test/collect/ssh/known-hosts.test.ts).
 *
 * Verification follows sshconnect.c check_host_key() of OpenSSH 9.2 (see evaluateHostKey): HostKeyAlias,
 * the port-less retry, CheckHostIP, @revoked, several UserKnownHostsFile/GlobalKnownHostsFile files. A changed,
 * revoked or address-mismatched key is always refused; an unknown one is refused unless accept-new, in which case
 * what ssh would record is appended to the auditor's own known_hosts file. vmaudit does not do host certificates:
 * `@cert-authority` lines never trust a plain key, and a host they cover is refused when its plain key is unknown.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SourceLocation } from '../../util/location';
import { matchPatternList } from '../../util/patterns';
import type { Problem } from '../../util/problem';
import { readInputText } from '../../util/read-input';
import { ScanError } from '../runner';

export interface KnownHostEntry {
  marker?: 'revoked' | 'cert-authority';
  /** Plain patterns (comma list already split), or undefined for a hashed entry. */
  patterns?: string[];
  hashed?: { salt: Buffer; hash: Buffer };
  keyType: string;
  /** base64 key blob as written. */
  key: string;
  location: SourceLocation;
}

/** Pure: parses a known_hosts file; bad lines become problems and are skipped. */
export function parseKnownHosts(text: string, file: string): { value: KnownHostEntry[]; problems: Problem[] } {
  const value: KnownHostEntry[] = [];
  const problems: Problem[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (/^\s*(#|$)/.test(line)) return;
    const location: SourceLocation = { file, line: index + 1, column: 1 };
    const fields = line.trim().split(/[ \t]+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const m = fields.shift()!;
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else {
        problems.push({ code: 'known-hosts.bad-marker', level: 'error', message: `unknown marker ${m}`, location });
        return;
      }
    }
    if (fields.length < 3) {
      problems.push({ code: 'known-hosts.bad-line', level: 'error', message: 'expected host patterns, key type and key', location });
      return;
    }
    const [hosts, keyType, key] = fields;
    const blob = Buffer.from(key, 'base64');
    if (!/^[A-Za-z0-9+/]+=*$/.test(key) || blob.length < 4 || blobKeyType(blob) !== keyType) {
      problems.push({ code: 'known-hosts.bad-key', level: 'error', message: `key does not decode to a ${keyType} key`, location });
      return;
    }
    const entry: KnownHostEntry = { marker, keyType, key, location };
    if (hosts.startsWith('|1|')) {
      const parts = hosts.split('|');
      if (parts.length !== 4) {
        problems.push({ code: 'known-hosts.bad-hash', level: 'error', message: 'malformed hashed host name', location });
        return;
      }
      entry.hashed = { salt: Buffer.from(parts[2], 'base64'), hash: Buffer.from(parts[3], 'base64') };
      if (entry.hashed.salt.length !== 20 || entry.hashed.hash.length !== 20) {
        problems.push({ code: 'known-hosts.bad-hash', level: 'error', message: 'hashed host name has a wrong salt or hash length', location });
        return;
      }
    } else {
      entry.patterns = hosts.split(',');
    }
    value.push(entry);
  });
  return { value, problems };
}

/** The type name inside an SSH public key blob (its first string). */
export function blobKeyType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const n = blob.readUInt32BE(0);
  if (n > 64 || 4 + n > blob.length) return undefined;
  return blob.subarray(4, 4 + n).toString('latin1');
}

/** `SHA256:…` as `ssh-keygen -l` prints it (unpadded base64 of the SHA-256 of the key blob). */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/**
 * Whether an entry's host field names `name`: hashed → HMAC-SHA1 of the name as given; plain → hostfile.c's
 * match_hostname(): the name lower-cased, matched by match_pattern_list() with lower-cased patterns, a matching
 * `!pattern` vetoes.
 */
export function entryMatches(entry: KnownHostEntry, name: string): boolean {
  if (entry.hashed) {
    const h = createHmac('sha1', entry.hashed.salt).update(name).digest();
    return h.equals(entry.hashed.hash);
  }
  return matchPatternList(name.toLowerCase(), entry.patterns ?? [], true) === 1;
}

/** What one lookup name finds (hostfile.c check_key_in_hostkeys for a plain key). */
export type HostStatus =
  | { status: 'ok'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry }
  | { status: 'changed'; entries: KnownHostEntry[] }
  | { status: 'unknown' };

/**
 * hostfile.c check_key_in_hostkeys() for a plain (non-certificate) key: among the plain entries for `name`, in
 * file order, an equal key → ok; any other key, of whatever type → changed (ssh says "REMOTE HOST IDENTIFICATION
 * HAS CHANGED" when the only known key is an ECDSA one and the host now offers ED25519); none → unknown. A
 * matching `@revoked` entry with the same key wins over everything.
 */
export function checkHostKey(entries: KnownHostEntry[], name: string, blob: Buffer): HostStatus {
  const b64 = blob.toString('base64');
  const forHost = entries.filter((e) => e.marker !== 'cert-authority' && entryMatches(e, name));
  const revoked = forHost.find((e) => e.marker === 'revoked' && e.key === b64);
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = forHost.filter((e) => e.marker === undefined);
  const same = plain.find((e) => e.key === b64);
  if (same) return { status: 'ok', entry: same };
  if (plain.length > 0) return { status: 'changed', entries: plain };
  return { status: 'unknown' };
}

/** sshconnect.c put_host_port(): `host` on port 22 (or 0), `[host]:port` otherwise. */
function putHostPort(host: string, port: number): string {
  return port === 0 || port === 22 ? host : `[${host}]:${port}`;
}

/** misc.c sockaddr_is_local(): 127.0.0.0/8 and ::1. */
export function isLoopbackAddress(ip: string): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(v4)) return v4.split('.')[0] === '127';
  return ip === '::1' || /^(0{0,4}:){7}0{0,3}1$/.test(ip);
}

export interface HostKeyLookup {
  /** The host name connected to, lower-cased (ResolvedSshTarget.hostname). */
  hostname: string;
  port: number;
  hostKeyAlias?: string;
  /** Numeric address of the peer; undefined when the connection is tunnelled (ProxyJump), as with ssh's ProxyCommand. */
  ip?: string;
  /** CheckHostIP (OpenSSH's default is no since 8.5). */
  checkHostIp: boolean;
}

/** The outcome of sshconnect.c check_host_key() for a plain key (certificates: see certAuthority). */
export type HostKeyVerdict =
  /** Trusted. `recordIp`: CheckHostIP found no key for the address (ssh adds it). */
  | { status: 'ok'; host: string; entry?: KnownHostEntry; recordIp?: string }
  | { status: 'revoked'; host: string; entry: KnownHostEntry }
  /** `ipStatus` set when CheckHostIP saw the address's key differ from the host's ("POSSIBLE DNS SPOOFING"). */
  | { status: 'changed'; host: string; entries: KnownHostEntry[]; ip?: string; ipStatus?: 'unknown' | 'ok' | 'changed' }
  /** The host's key is known or new, but the address has another key listed (CheckHostIP). */
  | { status: 'ip-changed'; host: string; ip: string; entries: KnownHostEntry[]; hostEntry?: KnownHostEntry }
  /**
   * No key known. `record`: the names ssh would write under accept-new (host, then the address with CheckHostIP),
   * none when it would not write (no user file, or a name that cannot be recorded). `certAuthority`: a
   * `@cert-authority` line covers the host (vmaudit does not verify host certificates).
   */
  | { status: 'unknown'; host: string; record: string[]; certAuthority?: KnownHostEntry; ipChanged?: { ip: string; entries: KnownHostEntry[] } };

/**
 * sshconnect.c check_host_key() (OpenSSH 9.2) for a plain host key:
 * - the name looked up is HostKeyAlias as written when set (no port bracket), else `[hostname]:port` (bare name
 *   on port 22); when that finds nothing on a non-default port and there is no alias, the bare host name is
 *   tried too, and an equal key there is accepted ("checking without port identifier");
 * - CheckHostIP also looks up `[ip]:port`, except for loopback peers, a host name that is that address, or a
 *   tunnelled connection; a key known for the host but listed differently for the address is refused;
 * Deliberate differences: ssh treats a key `@revoked` only for the bare name, met on a non-default port, as
 * "unknown" (and accept-new then adds it), vmaudit reports it revoked; NoHostAuthenticationForLocalhost is
 * ignored (vmaudit always verifies).
 */
export function evaluateHostKey(entries: KnownHostEntry[], lookup: HostKeyLookup, blob: Buffer, canRecord: boolean): HostKeyVerdict {
  // options.check_host_ip is a global in ssh that each (recursive) call may switch off for good.
  const state = { checkHostIp: lookup.checkHostIp };
  const local = lookup.ip !== undefined && isLoopbackAddress(lookup.ip);
  const run = (port: number, quiet: boolean): HostKeyVerdict | 'fail-quiet' => {
    // Names with these characters are never written to a known_hosts file (they would be patterns there).
    const readonly = quiet || !canRecord || /[@?*#[\]|'"\\]/.test(lookup.hostname);
    const host = lookup.hostKeyAlias ?? putHostPort(lookup.hostname, port);
    const ip = lookup.ip === undefined ? undefined : putHostPort(lookup.ip, port);
    if (state.checkHostIp && (local || ip === undefined || lookup.hostname === ip)) state.checkHostIp = false;
    const hostStatus = checkHostKey(entries, host, blob);
    const ipStatus = state.checkHostIp && ip !== undefined ? checkHostKey(entries, ip, blob) : hostStatus;
    let trusted: KnownHostEntry | undefined;
    let recordIp: string | undefined;
    switch (hostStatus.status) {
      case 'ok':
        trusted = hostStatus.entry;
        if (state.checkHostIp && ipStatus.status === 'unknown' && !readonly) recordIp = ip;
        break;
      case 'unknown': {
        if (lookup.hostKeyAlias === undefined && port !== 0 && port !== 22) {
          const bare = run(0, true);
          if (bare !== 'fail-quiet' && bare.status === 'revoked') return bare; // ssh: "unknown" (see above)
          if (bare !== 'fail-quiet' && bare.status === 'ok') {
            trusted = bare.entry;
            break;
          }
        }
        if (quiet) return 'fail-quiet';
        const certAuthority = entries.find((e) => e.marker === 'cert-authority' && entryMatches(e, host));
        const record = readonly ? [] : state.checkHostIp && ipStatus.status === 'unknown' && ip !== undefined ? [host, ip] : [host];
        // Under accept-new ssh records the host and then refuses because the address's key differs.
        const ipChanged = state.checkHostIp && ip !== undefined && ipStatus.status === 'changed' ? { ip, entries: ipStatus.entries } : undefined;
        return { status: 'unknown', host, record, certAuthority, ipChanged };
      }
      case 'revoked':
        return { status: 'revoked', host, entry: hostStatus.entry };
      case 'changed': {
        if (quiet) return 'fail-quiet';
        if (state.checkHostIp && ip !== undefined) {
          const last = (es: KnownHostEntry[]): string => es[es.length - 1].key;
          const differ = ipStatus.status !== 'changed' || last(ipStatus.entries) !== last(hostStatus.entries);
          if (differ) return { status: 'changed', host, entries: hostStatus.entries, ip, ipStatus: ipStatus.status === 'revoked' ? 'changed' : ipStatus.status };
        }
        return { status: 'changed', host, entries: hostStatus.entries };
      }
    }
    if (state.checkHostIp && ip !== undefined && ipStatus.status === 'changed') {
      if (quiet) return 'fail-quiet';
      return { status: 'ip-changed', host, ip, entries: ipStatus.entries, hostEntry: trusted };
    }
    return { status: 'ok', host, entry: trusted, recordIp };
  };
  const v = run(lookup.port, false);
  return v === 'fail-quiet' ? { status: 'unknown', host: lookup.hostKeyAlias ?? putHostPort(lookup.hostname, lookup.port), record: [] } : v;
}

/** Known key types for the host, for ordering the host key algorithms we offer (as OpenSSH does). */
export function knownKeyTypes(entries: KnownHostEntry[], name: string): string[] {
  return [...new Set(entries.filter((e) => e.marker === undefined && entryMatches(e, name)).map((e) => e.keyType))];
}

/** Reads and parses several known_hosts files; missing files are silently empty (as in OpenSSH). */
export function loadKnownHosts(files: string[]): { value: KnownHostEntry[]; problems: Problem[] } {
  const value: KnownHostEntry[] = [];
  const problems: Problem[] = [];
  for (const f of files) {
    const read = readInputText(f, 'known-hosts');
    if (!read.ok) {
      if (read.code !== 'ENOENT' && read.code !== 'ENOTDIR') problems.push({ code: 'known-hosts.unreadable', level: 'warning', message: `cannot read ${f}: ${read.reason}`, location: { file: f, line: 1, column: 1 } });
      continue;
    }
    const text = read.data;
    const r = parseKnownHosts(text, f);
    value.push(...r.value);
    problems.push(...r.problems);
  }
  return { value, problems };
}

/** `|1|salt|hash` for a host name, as `ssh-keygen -H` and HashKnownHosts write it. */
export function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

/**
 * Appends host key lines to the auditor's known_hosts file (creating it 0600, its directory 0700), as ssh's
 * add_host_to_hostfile() does: `name1,name2 keytype base64`, or with `hash` (HashKnownHosts) one hashed line per
 * name.
 */
export function appendKnownHost(file: string, names: string | string[], blob: Buffer, hash = false): void {
  const keyType = blobKeyType(blob);
  if (!keyType) throw new Error('not an SSH public key blob');
  const list = typeof names === 'string' ? [names] : names;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  let prefix = '';
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      if (size > 0) {
        const last = Buffer.alloc(1);
        fs.readSync(fd, last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n';
      }
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // a new file
  }
  const key = `${keyType} ${blob.toString('base64')}`;
  const lines = hash ? list.map((n) => `${hashHostName(n)} ${key}\n`) : [`${list.join(',')} ${key}\n`];
  // One write with O_APPEND: concurrent fleet connections never interleave partial lines.
  fs.appendFileSync(file, prefix + lines.join(''), { mode: 0o600 });
}

export type HostKeyPolicy = 'strict' | 'accept-new';

export interface VerifyHostKeyOptions extends HostKeyLookup {
  /** Target as shown to the user. */
  target: string;
  /** known_hosts files to read (UserKnownHostsFile list, then GlobalKnownHostsFile list); accept-new writes to the first user file. */
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  policy: HostKeyPolicy;
  /** HashKnownHosts: write accepted names hashed. */
  hashKnownHosts?: boolean;
}

/**
 * Verifies an offered host key as ssh does (evaluateHostKey); returns when it is trusted, throws
 * ScanError('host-key-unknown' | 'host-key-changed') otherwise with a message that tells what to do. A changed,
 * revoked or address-mismatched key is refused under every policy (ssh's StrictHostKeyChecking=no would connect).
 * Under accept-new an unknown key is trusted and `record()` appends what ssh would append to the first user
 * known_hosts file (`host` or `host,ip`; hashed, one line per name): call it only once the key exchange has proved
 * that the server holds the private key (ssh2 asks the verifier before checking the exchange signature). vmaudit
 * does not verify host certificates, so a host covered by a `@cert-authority` line is refused when its plain key
 * is not listed, even under accept-new. Under the strict policy nothing is ever written.
 */
export function verifyHostKey(blob: Buffer, options: VerifyHostKeyOptions): { accepted: 'known' } | { accepted: 'new'; file: string; record: () => void } {
  const { value: entries } = loadKnownHosts([...options.userKnownHostsFiles, ...options.globalKnownHostsFiles]);
  const userFile = options.userKnownHostsFiles[0];
  const verdict = evaluateHostKey(entries, options, blob, userFile !== undefined);
  const fp = fingerprint(blob);
  const type = blobKeyType(blob) ?? 'unknown';
  const recorder = (names: string[]): (() => void) => () => {
    try {
      appendKnownHost(userFile!, names, blob, options.hashKnownHosts);
    } catch (e) {
      throw new ScanError('host-key-unknown', `${options.target}: cannot add the ${type} host key ${fp} to ${userFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, options.target);
    }
  };
  switch (verdict.status) {
    case 'ok':
      if (verdict.recordIp !== undefined && options.policy === 'accept-new' && userFile !== undefined) {
        return { accepted: 'new', file: userFile, record: recorder([verdict.recordIp]) };
      }
      return { accepted: 'known' };
    case 'revoked':
      throw new ScanError('host-key-changed', `${options.target}: the ${type} host key ${fp} for ${verdict.host} is marked @revoked in ${loc(verdict.entry.location)}: a stolen key may be impersonating this host; refusing to connect`, options.target);
    case 'changed': {
      const where = verdict.entries.map((e) => loc(e.location)).join(', ');
      const file = verdict.entries[0].location.file;
      const dns = verdict.ipStatus
        ? ` The key listed for its address ${verdict.ip} ${verdict.ipStatus === 'unknown' ? 'is unknown' : verdict.ipStatus === 'ok' ? 'is unchanged' : 'has a different value'} (POSSIBLE DNS SPOOFING).`
        : '';
      throw new ScanError(
        'host-key-changed',
        `${options.target}: WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! The host key for ${verdict.host} is now ${type} ${fp}, ` +
          `but ${where} lists another key.${dns} Someone could be eavesdropping on you right now (man-in-the-middle attack), ` +
          `or the host key has just been changed. Refusing to connect. If the change is legitimate, remove the old key with ` +
          `\`ssh-keygen -R '${verdict.host}' -f ${file}\` and verify the new fingerprint.`,
        options.target,
      );
    }
    case 'ip-changed':
      throw new ScanError(
        'host-key-changed',
        `${options.target}: the ${type} host key for ${verdict.host} (${fp}) differs from the key listed for its address ${verdict.ip} in ` +
          `${verdict.entries.map((e) => loc(e.location)).join(', ')} (CheckHostIP); refusing to connect. Check which one is right and remove the other with ssh-keygen -R.`,
        options.target,
      );
    case 'unknown': {
      // ssh: under accept-new it refuses because of the address; otherwise the key is simply unknown.
      if (verdict.ipChanged && options.policy === 'accept-new') {
        throw new ScanError(
          'host-key-changed',
          `${options.target}: the ${type} host key ${fp} of ${verdict.host} is not known, and ${verdict.ipChanged.entries.map((e) => loc(e.location)).join(', ')} lists ` +
            `another key for its address ${verdict.ipChanged.ip} (CheckHostIP); refusing to connect.`,
          options.target,
        );
      }
      if (verdict.certAuthority) {
        throw new ScanError(
          'host-key-unknown',
          `${options.target}: ${loc(verdict.certAuthority.location)} trusts a @cert-authority for ${verdict.host}, but vmaudit does not verify SSH host certificates, ` +
            `and the host's plain ${type} key ${fp} is not listed; refusing to connect (also with --accept-new-host-keys). Check that fingerprint out of band and add ` +
            `\`${verdict.host} ${type} <key>\` to ${userFile ?? '~/.ssh/known_hosts'}.`,
          options.target,
        );
      }
      if (options.policy === 'accept-new' && verdict.record.length > 0 && userFile !== undefined) {
        return { accepted: 'new', file: userFile, record: recorder(verdict.record) };
      }
      const why = options.policy === 'accept-new' ? ` (it cannot be recorded: ${userFile === undefined ? 'UserKnownHostsFile is none' : `the name ${options.hostname} cannot be written to known_hosts`})` : '';
      throw new ScanError(
        'host-key-unknown',
        `${options.target}: the authenticity of host ${verdict.host} can't be established: its ${type} key fingerprint is ${fp}${why}. ` +
          `Check that fingerprint out of band (on the host: \`ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub\`), then add the key to ` +
          `${userFile ?? '~/.ssh/known_hosts'} (e.g. \`ssh-keyscan -p PORT HOST >> ${userFile ?? '~/.ssh/known_hosts'}\`) or rerun with --accept-new-host-keys.`,
        options.target,
      );
    }
  }
}

function loc(l: SourceLocation): string {
  return `${l.file}:${l.line}`;
}
