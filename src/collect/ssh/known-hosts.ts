/**
 * OpenSSH known_hosts (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT") and host key verification.
 *
 * Line: `[@revoked|@cert-authority] hostpatterns keytype base64key [comment]`. Host patterns are a comma list
 * with `*`/`?` wildcards and `!` negation, `[host]:port` for non-default ports, or one hashed name
 * `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`. Like OpenSSH, the lookup name is `host` on port 22 and
 * `[host]:port` otherwise. `@cert-authority` lines are parsed but never trust a plain host key (vmaudit does
 * not do host certificates). Checked against `ssh-keygen -H` / `ssh-keygen -F` in the tests.
 *
 * Verification policy (StrictHostKeyChecking): a key listed for the host → ok; a revoked key → refused; another
 * key of the same type listed → "changed", always refused; nothing of that type listed → "unknown", refused unless
 * accept-new, in which case the key is appended to the auditor's own known_hosts file.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SourceLocation } from '../../util/location';
import type { Problem } from '../../util/problem';
import { ScanError } from '../runner';
import { readInputText } from '../../util/read-input';

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

function wildcard(value: string, pattern: string): boolean {
  let re = '';
  for (const c of pattern) re += c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${re}$`, 's').test(value);
}

/** Whether an entry's host field names `name` (hashed: HMAC-SHA1; plain: match_hostname with negation). */
export function entryMatches(entry: KnownHostEntry, name: string): boolean {
  if (entry.hashed) {
    const h = createHmac('sha1', entry.hashed.salt).update(name).digest();
    return h.equals(entry.hashed.hash);
  }
  const n = name.toLowerCase();
  let matched = false;
  for (const raw of entry.patterns ?? []) {
    const negated = raw.startsWith('!');
    const p = (negated ? raw.slice(1) : raw).toLowerCase();
    if (wildcard(n, p)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

export type HostKeyVerdict =
  | { status: 'ok'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry }
  | { status: 'changed'; entries: KnownHostEntry[] }
  | { status: 'unknown'; otherTypes: string[] };

/** Pure check of an offered host key blob against entries, for lookup name `name` (see knownHostsName). */
export function checkHostKey(entries: KnownHostEntry[], name: string, blob: Buffer): HostKeyVerdict {
  const keyType = blobKeyType(blob) ?? '';
  const b64 = blob.toString('base64');
  const forHost = entries.filter((e) => e.marker !== 'cert-authority' && entryMatches(e, name));
  const revoked = forHost.find((e) => e.marker === 'revoked' && e.key === b64);
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = forHost.filter((e) => e.marker === undefined);
  const same = plain.find((e) => e.key === b64);
  if (same) return { status: 'ok', entry: same };
  const sameType = plain.filter((e) => e.keyType === keyType);
  if (sameType.length > 0) return { status: 'changed', entries: sameType };
  return { status: 'unknown', otherTypes: [...new Set(plain.map((e) => e.keyType))] };
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
 * Appends `name keytype base64` to the auditor's known_hosts file (creating it 0600, its directory 0700);
 * with `hash`, the name is written hashed (HashKnownHosts yes).
 */
export function appendKnownHost(file: string, name: string, blob: Buffer, hash = false): void {
  const keyType = blobKeyType(blob);
  if (!keyType) throw new Error('not an SSH public key blob');
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
  // One write with O_APPEND: concurrent fleet connections never interleave partial lines.
  fs.appendFileSync(file, `${prefix}${hash ? hashHostName(name) : name} ${keyType} ${blob.toString('base64')}\n`, { mode: 0o600 });
}

export type HostKeyPolicy = 'strict' | 'accept-new';

export interface VerifyHostKeyOptions {
  /** Lookup name (knownHostsName(hostKeyAlias ?? host, port)). */
  name: string;
  /** Target as shown to the user. */
  target: string;
  /** known_hosts files to read, the first is where accept-new writes. */
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  policy: HostKeyPolicy;
  /** HashKnownHosts: write accepted names hashed. */
  hashKnownHosts?: boolean;
}

/**
 * Verifies an offered host key; returns when it is trusted, throws ScanError('host-key-unknown' |
 * 'host-key-changed') otherwise with a message that tells what to do. Under accept-new an unknown key is trusted
 * and `record()` appends it to the first user known_hosts file: call it only once the key exchange has proved
 * that the server holds the private key (ssh2 asks the verifier before checking the exchange signature).
 */
export function verifyHostKey(blob: Buffer, options: VerifyHostKeyOptions): { accepted: 'known' } | { accepted: 'new'; file: string; record: () => void } {
  const { value: entries } = loadKnownHosts([...options.userKnownHostsFiles, ...options.globalKnownHostsFiles]);
  const verdict = checkHostKey(entries, options.name, blob);
  const fp = fingerprint(blob);
  const type = blobKeyType(blob) ?? 'unknown';
  const userFile = options.userKnownHostsFiles[0];
  switch (verdict.status) {
    case 'ok':
      return { accepted: 'known' };
    case 'revoked':
      throw new ScanError('host-key-changed', `${options.target}: the host key ${type} ${fp} is marked @revoked in ${loc(verdict.entry.location)}; refusing to connect`, options.target);
    case 'changed': {
      const where = verdict.entries.map((e) => loc(e.location)).join(', ');
      const file = verdict.entries[0].location.file;
      throw new ScanError(
        'host-key-changed',
        `${options.target}: WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! The ${type} host key for ${options.name} is now ${fp}, ` +
          `but ${where} lists a different key. Someone could be eavesdropping on you right now (man-in-the-middle attack), ` +
          `or the host key has just been changed. Refusing to connect. If the change is legitimate, remove the old key with ` +
          `\`ssh-keygen -R '${options.name}' -f ${file}\` and verify the new fingerprint.`,
        options.target,
      );
    }
    case 'unknown': {
      if (options.policy === 'accept-new' && userFile !== undefined) {
        const record = (): void => {
          try {
            appendKnownHost(userFile, options.name, blob, options.hashKnownHosts);
          } catch (e) {
            throw new ScanError('host-key-unknown', `${options.target}: cannot add the ${type} host key ${fp} to ${userFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, options.target);
          }
        };
        return { accepted: 'new', file: userFile, record };
      }
      const other = verdict.otherTypes.length > 0 ? ` (keys of other types are known for it: ${verdict.otherTypes.join(', ')})` : '';
      throw new ScanError(
        'host-key-unknown',
        `${options.target}: the authenticity of host ${options.name} can't be established: its ${type} key fingerprint is ${fp}${other}. ` +
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
