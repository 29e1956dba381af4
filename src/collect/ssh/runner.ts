/**
 * SshRunner: runs one POSIX sh script on a remote host over exactly one SSH exec channel (ssh2, pure JS).
 *
 * - Target resolution goes through ssh_config (./config.ts): HostName, User, Port, IdentityFile, ProxyJump (one
 *   hop, tunnelled with forwardOut), StrictHostKeyChecking, UserKnownHostsFile, ConnectTimeout, ServerAlive*.
 * - Host keys are verified against known_hosts (./known-hosts.ts); unknown keys are refused unless accept-new,
 *   changed or revoked keys always are.
 * - Authentication: ssh-agent keys first (IdentityAgent / $SSH_AUTH_SOCK), then identity files. Encrypted keys
 *   are decrypted with a passphrase asked on the terminal only when stdin is a TTY (once per key per process);
 *   otherwise they are skipped and the auth error says so. Passwords are never used.
 * - The command is the fixed string `sh -s` (or `sudo -n sh -s`); the script, preceded by `export VMAUDIT_…='…'`
 *   lines for ScriptRunOptions.env and wrapped by supervisedScript(), is written to its stdin, which stays open
 *   until the script ends: ending it (timeout, output over the limit) or losing the connection makes the remote
 *   side kill every process of the session. Nothing from the target name, the user or the script ever becomes
 *   part of a command line, so nothing can be injected.
 * - Every failure is a ScanError whose message names the target; secrets never appear in messages.
 */
import * as fs from 'node:fs';
import type { Duplex } from 'node:stream';
import { Client, OpenSSHAgent, utils } from 'ssh2';
import type { AnyAuthMethod, ClientChannel, ConnectConfig, ParsedKey } from 'ssh2';
import { ScanError, type ScanErrorKind, type ScriptResult, type ScriptRunOptions, type ScriptRunner } from '../runner';
import { resolveSshTarget, type ResolveOptions, type ResolvedSshTarget } from './config';
import { blobKeyType, knownHostsName, knownKeyTypes, loadKnownHosts, verifyHostKey } from './known-hosts';
import type { Socket } from 'node:net';
import { readRegularFile } from '../../util/read-input';

/** Process-wide counters (for tests and the bench): how many connections and exec channels were opened. */
export const sshStats = { connections: 0, execChannels: 0 };

export interface SshRunnerOptions {
  /** Run the script as root with `sudo -n sh -s` (never prompts; a password requirement is an error). */
  sudo?: boolean;
  /** `--accept-new-host-keys`: trust unknown host keys and record them in the auditor's known_hosts. */
  acceptNewHostKeys?: boolean;
  /** Connect (TCP + handshake + auth) timeout; default ConnectTimeout from ssh_config, else 15 s. */
  connectTimeoutMs?: number;
  /** Whether a passphrase may be asked; default: stdin and stderr are TTYs. */
  interactive?: boolean;
  /** Asks for a key's passphrase (default: a hidden prompt on the terminal). Only called when interactive. */
  promptPassphrase?: (keyFile: string) => Promise<string>;
  /** Debug lines (no secrets). */
  log?: (line: string) => void;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
const MAX_STDERR = 1 << 20;
/**
 * What one host's collection may send on stdout (docs/limits.md). A host's evidence is a few hundred KB (165 KB for
 * a Debian 12 KVM host); this holds six items at their full 10 MiB evidence limit. Past it the output is not read:
 * the complete frames are kept, the host is reported as failed and the remote command is stopped. Before, 500 MB
 * from one host took 1.7 GB of RSS and valid evidence followed by 600 MB was lost as an internal error.
 */
export const SSH_OUTPUT_LIMIT = 64 * 1024 * 1024;
const ENV_NAME = /^VMAUDIT_[A-Z0-9_]+$/;
/** A private key file is a few KB; a FIFO or device named as IdentityFile is never read (no hang). */
const IDENTITY_FILE_LIMIT = 1 << 20;

/** POSIX sh single-quoting: `'` becomes `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The exact stdin payload: env exports (VMAUDIT_* only), then the script. */
export function buildPayload(script: string, env?: Record<string, string>): string {
  let prefix = '';
  for (const [k, v] of Object.entries(env ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (ENV_NAME.test(k)) prefix += `${k}=${shellQuote(v)}; export ${k}\n`;
  }
  return prefix + script;
}

/**
 * The sh code (no newline inside) that kills every process of this SSH session except the caller and its ancestors:
 * /proc/<pid>/stat, session field, read with builtins only; repeated until a pass finds none (a dying pipeline may
 * fork once more). `timeout` puts each command in its own process group, so a signal to the process group (or the
 * SSH `signal` request, which OpenSSH may ignore) misses them: the session does not (timeout never calls setsid).
 * Without /proc it falls back to the caller's process group. TERM is ignored from the start: the script's shell stops
 * its watchdogs with TERM when the script ends, which a sweep that killed the script causes.
 */
const KILL_SESSION = [
  '_vk() { trap \'\' TERM;',
  '{ read -r _vl </proc/self/stat; } 2>/dev/null || { kill -KILL 0; return; };',
  '_vx=" ${_vl%% *} "; _vl=${_vl##*) }; set -- $_vl; _vsid=$4; _vp=$2;',
  'while [ "${_vp:-0}" -gt 1 ]; do _vx="$_vx$_vp "; { read -r _vl <"/proc/$_vp/stat"; } 2>/dev/null || break; _vl=${_vl##*) }; set -- $_vl; _vp=$2; done;',
  '_vn=0; while [ "$_vn" -lt 20 ]; do _vn=$((_vn + 1)); _vk1=0;',
  'for _vd in /proc/[0-9]*; do _vq=${_vd#/proc/}; case $_vx in *" $_vq "*) continue ;; esac;',
  '{ read -r _vl <"$_vd/stat"; } 2>/dev/null || continue; _vl=${_vl##*) }; set -- $_vl;',
  '[ "$4" = "$_vsid" ] && [ "$1" != Z ] && kill -KILL "$_vq" 2>/dev/null && _vk1=1; done;',
  '[ "$_vk1" = 0 ] && break; done; }',
].join(' ');

/**
 * The script under supervision, so that nothing it started outlives the scan on the target (issue 15). Against a
 * real sshd the SSH `signal` request is not enough: OpenSSH ignores it in some setups, `timeout` moves each command
 * into its own process group, and under `sudo` the commands run as root out of the login user's reach. So the payload
 * supervises itself, as the same user as the script (root under sudo):
 *  - the script runs as a background subshell (stdin /dev/null, which it never read anyway);
 *  - a watchdog reads the SSH channel's stdin, which the runner keeps open and ends on timeout or overflow (and which
 *    sshd closes when the connection is gone): at EOF it kills every process of the session (KILL_SESSION);
 *  - with a deadline, a second watchdog kills the session after `deadlineSec` (the connection may be stuck rather
 *    than closed, and sshd then keeps the session);
 *  - when the script ends, both watchdogs are stopped and its exit status is the command's.
 * The whole wrapper is one `{ ...; }` list, so the shell has read all of stdin before the watchdog reads from it.
 * The script text goes inside unchanged: its output (the evidence stream) is the same.
 */
export function supervisedScript(script: string, deadlineSec?: number): string {
  const deadline =
    deadlineSec === undefined
      ? '_vD='
      : `( trap 'kill -KILL $! 2>/dev/null; exit 0' TERM; sleep ${Math.max(1, Math.ceil(deadlineSec))} & wait $! && _vk ) </dev/null >/dev/null 2>&1 7<&- & _vD=$!`;
  return [
    KILL_SESSION,
    '{',
    'exec 7<&0',
    '(',
    script.endsWith('\n') ? script.slice(0, -1) : script,
    ') 7<&- &',
    '_vP=$!',
    '( while read -r _vz; do :; done <&7; _vk ) >/dev/null 2>&1 &',
    '_vW=$!',
    deadline,
    'exec 7<&-',
    'wait "$_vP"; _vr=$?',
    'kill -TERM "$_vW" 2>/dev/null; [ -n "$_vD" ] && kill -TERM "$_vD" 2>/dev/null',
    'exit "$_vr"',
    '}',
    '',
  ].join('\n');
}

/** Seconds the remote deadline allows beyond the scan's --timeout (the local timer fires first and reports it). */
const REMOTE_DEADLINE_GRACE_SEC = 2;

// -------------------------------------------------------------------------------------------------------------
// Identity keys (decrypted once per process, prompts serialized)

type KeyLoad = { key: ParsedKey } | { skipped: string };
const keyCache = new Map<string, Promise<KeyLoad>>();
let promptChain: Promise<unknown> = Promise.resolve();

/** Forgets decrypted keys (tests). */
export function clearKeyCache(): void {
  keyCache.clear();
}

function loadKey(file: string, interactive: boolean, prompt: (f: string) => Promise<string>): Promise<KeyLoad> {
  const cacheKey = `${file}\0${interactive ? 'i' : 'n'}`;
  let p = keyCache.get(cacheKey);
  if (!p) {
    p = (async (): Promise<KeyLoad> => {
      const read = readRegularFile(file, IDENTITY_FILE_LIMIT, 'an identity file');
      if (!read.ok) return { skipped: `${file}: ${read.code ?? read.reason}` };
      const data = read.data;
      const plain = utils.parseKey(data);
      if (!(plain instanceof Error)) return { key: Array.isArray(plain) ? plain[0] : plain };
      if (!/encrypted|passphrase/i.test(plain.message)) return { skipped: `${file}: not a usable private key` };
      if (!interactive) {
        return { skipped: `${file} is encrypted and no passphrase can be asked because stdin is not a terminal (add it to ssh-agent with \`ssh-add ${file}\`)` };
      }
      for (let attempt = 0; attempt < 3; attempt++) {
        const next = promptChain.then(() => prompt(file));
        promptChain = next.catch(() => undefined);
        let passphrase: string;
        try {
          passphrase = await next;
        } catch {
          return { skipped: `${file}: no passphrase given` };
        }
        const k = utils.parseKey(data, passphrase);
        passphrase = '';
        if (!(k instanceof Error)) return { key: Array.isArray(k) ? k[0] : k };
      }
      return { skipped: `${file}: wrong passphrase` };
    })();
    keyCache.set(cacheKey, p);
  }
  return p;
}

/** Hidden passphrase prompt on the controlling terminal (stdin raw mode, echo off). */
export function promptOnTerminal(keyFile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    if (!stdin.isTTY) return reject(new Error('not a terminal'));
    process.stderr.write(`Enter passphrase for key '${keyFile}': `);
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    const done = (err?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** An agent that offers only the given public keys (IdentitiesOnly=yes). */
class FilteredAgent extends OpenSSHAgent {
  constructor(
    socket: string,
    private readonly allowed: Set<string>,
  ) {
    super(socket);
  }
  override getIdentities(cb: Parameters<OpenSSHAgent['getIdentities']>[0]): void {
    super.getIdentities((err, keys) =>
      cb(err, keys?.filter((k) => 'getPublicSSH' in k && this.allowed.has((k as ParsedKey).getPublicSSH().toString('base64')))),
    );
  }
}

interface PreparedAuth {
  methods: AnyAuthMethod[];
  tried: string[];
  notes: string[];
}

async function prepareAuth(t: ResolvedSshTarget, options: SshRunnerOptions): Promise<PreparedAuth> {
  const interactive = options.interactive ?? (Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY));
  const prompt = options.promptPassphrase ?? promptOnTerminal;
  const methods: AnyAuthMethod[] = [];
  const tried: string[] = [];
  const notes: string[] = [];
  const keys: { file: string; key: ParsedKey }[] = [];
  for (const file of t.identityFiles) {
    if (!t.identityFilesConfigured && !fs.existsSync(file)) continue;
    const r = await loadKey(file, interactive, prompt);
    if ('key' in r) keys.push({ file, key: r.key });
    else notes.push(r.skipped);
  }
  if (t.agentSocket) {
    if (t.identitiesOnly) {
      const allowed = new Set<string>(keys.map((k) => k.key.getPublicSSH().toString('base64')));
      for (const file of t.identityFiles) {
        const read = readRegularFile(`${file}.pub`, IDENTITY_FILE_LIMIT); // none next to it: nothing to add
        const pub = read.ok ? read.data.toString('utf8').trim().split(/\s+/)[1] : undefined;
        if (pub) allowed.add(pub);
      }
      methods.push({ type: 'agent', username: t.user, agent: new FilteredAgent(t.agentSocket, allowed) });
    } else {
      methods.push({ type: 'agent', username: t.user, agent: t.agentSocket });
    }
    tried.push(`ssh-agent (${t.agentSocket})`);
  }
  for (const k of keys) {
    methods.push({ type: 'publickey', username: t.user, key: k.key });
    tried.push(k.file);
  }
  return { methods, tried, notes };
}

// -------------------------------------------------------------------------------------------------------------

function hostKeyAlgorithms(types: string[]): string[] | undefined {
  if (types.length === 0) return undefined;
  const all = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  const preferred: string[] = [];
  for (const t of types) {
    if (t === 'ssh-rsa') preferred.push('rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa');
    else if (all.includes(t)) preferred.push(t);
  }
  return [...new Set([...preferred, ...all])];
}

export function targetLabel(t: ResolvedSshTarget): string {
  return `${t.user}@${t.hostname.includes(':') ? `[${t.hostname}]` : t.hostname}:${t.port}`;
}

interface Connected {
  client: Client;
  /** Set once the connection has closed (for connection-lost detection). */
  closed: () => boolean;
  onClose: (fn: (err?: Error) => void) => void;
}

function socketErrorKind(code: string | undefined): { kind: ScanErrorKind; what: string } {
  switch (code) {
    case 'ECONNREFUSED':
      return { kind: 'unreachable', what: 'connection refused' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return { kind: 'unreachable', what: 'cannot resolve the host name' };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'EADDRNOTAVAIL':
      return { kind: 'unreachable', what: 'no route to host' };
    case 'ETIMEDOUT':
      return { kind: 'unreachable', what: 'connection timed out' };
    default:
      return { kind: 'connection-lost', what: `connection closed (${code ?? 'unknown reason'})` };
  }
}

export class SshRunner implements ScriptRunner {
  readonly label: string;
  private channels = 0;
  private readonly open = new Set<Client>();

  constructor(
    readonly target: ResolvedSshTarget,
    private readonly options: SshRunnerOptions = {},
  ) {
    this.label = targetLabel(target);
  }

  /** Resolves `target` through ssh_config (see resolveSshTarget) and makes a runner. Throws ScanError('input'). */
  static fromTarget(target: string, options: SshRunnerOptions & ResolveOptions = {}): SshRunner {
    const { target: resolved } = resolveSshTarget(target, options);
    return new SshRunner(resolved, options);
  }

  /** How many exec channels this runner opened (one per run()). */
  get execChannelCount(): number {
    return this.channels;
  }

  private err(kind: ScanErrorKind, message: string): ScanError {
    return new ScanError(kind, `${this.target.name}: ${message}`, this.target.name);
  }

  private log(line: string): void {
    this.options.log?.(`${this.label}: ${line}`);
  }

  /** Opens an authenticated connection to `t`, over `sock` when given (ProxyJump). */
  private async connectTo(t: ResolvedSshTarget, sock: Duplex | undefined, via: string): Promise<Connected> {
    const auth = await prepareAuth(t, this.options);
    const where = `${targetLabel(t)}${via}`;
    if (auth.methods.length === 0) {
      const why = auth.notes.length > 0 ? `: ${auth.notes.join('; ')}` : '';
      throw this.err('auth-failed', `no usable credentials for ${where}: no ssh-agent (SSH_AUTH_SOCK/IdentityAgent) and no usable identity file${why}`);
    }
    const timeoutMs = this.options.connectTimeoutMs ?? t.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    // sshconnect.c get_hostfile_hostname_ipaddr(): HostKeyAlias as written (no port), else [host]:port.
    const lookupName = t.hostKeyAlias ?? knownHostsName(t.hostname, t.port);
    const knownFiles = [...t.userKnownHostsFiles, ...t.globalKnownHostsFiles];
    const known = loadKnownHosts(knownFiles).value;
    const policy = this.options.acceptNewHostKeys || t.strictHostKeyChecking === 'accept-new' || t.strictHostKeyChecking === 'no' ? 'accept-new' : 'strict';

    const client = new Client();
    sshStats.connections++;
    this.open.add(client);
    let hostKeyError: ScanError | undefined;
    let recordHostKey: (() => void) | undefined;
    let ready = false;
    let closed = false;
    let closeError: Error | undefined;
    const closeListeners: ((err?: Error) => void)[] = [];

    const algorithms = hostKeyAlgorithms(knownKeyTypes(known, lookupName));
    const config: ConnectConfig = {
      host: sock ? undefined : t.hostname,
      port: sock ? undefined : t.port,
      sock: sock as ConnectConfig['sock'],
      username: t.user,
      readyTimeout: timeoutMs,
      keepaliveInterval: t.serverAliveIntervalMs ?? 15_000,
      keepaliveCountMax: t.serverAliveCountMax ?? 3,
      authHandler: auth.methods,
      algorithms: algorithms ? { serverHostKey: algorithms as never } : undefined,
      hostVerifier: (key: Buffer): boolean => {
        try {
          // The peer's numeric address for CheckHostIP: none through a tunnel (ssh has none through ProxyCommand/ProxyJump).
          // ssh2 keeps the socket it connected in `_sock` (the socket is connected when the host key arrives).
          const peer = sock ? undefined : (client as unknown as { _sock?: Socket })._sock?.remoteAddress;
          const r = verifyHostKey(key, {
            hostname: t.hostname,
            port: t.port,
            hostKeyAlias: t.hostKeyAlias,
            ip: peer,
            checkHostIp: t.checkHostIp,
            target: where,
            userKnownHostsFiles: t.userKnownHostsFiles,
            globalKnownHostsFiles: t.globalKnownHostsFiles,
            policy,
            hashKnownHosts: t.hashKnownHosts,
          });
          if (r.accepted === 'new') {
            recordHostKey = r.record;
            this.log(`${blobKeyType(key)} host key accepted (accept-new); recording it in ${r.file}`);
          }
          return true;
        } catch (e) {
          hostKeyError = e instanceof ScanError ? new ScanError(e.kind, `${this.target.name}: ${e.message}`, this.target.name) : this.err('internal', String(e));
          return false;
        }
      },
    };

    return new Promise<Connected>((resolve, reject) => {
      let settled = false;
      const fail = (e: ScanError): void => {
        if (settled) return;
        settled = true;
        client.end();
        client.destroy();
        this.open.delete(client);
        reject(e);
      };
      const authNotes = (): string => (auth.notes.length > 0 ? `; ${auth.notes.join('; ')}` : '');
      client.on('handshake', () => {
        if (recordHostKey) {
          try {
            recordHostKey();
          } catch (e) {
            this.log((e as Error).message);
          }
        }
      });
      client.on('ready', () => {
        ready = true;
        if (settled) return;
        settled = true;
        resolve({ client, closed: () => closed, onClose: (fn) => (closed ? fn(closeError) : closeListeners.push(fn)) });
      });
      client.on('error', (e: Error & { level?: string; code?: string }) => {
        if (e.level === 'agent') {
          auth.notes.push(`ssh-agent: ${e.message}`);
          return;
        }
        if (e.level === 'client-authentication' && e.message !== 'All configured authentication methods failed') {
          auth.notes.push(e.message);
          return;
        }
        if (ready) {
          closeError = e;
          return;
        }
        if (hostKeyError) return fail(hostKeyError);
        if (e.level === 'client-authentication') {
          return fail(this.err('auth-failed', `authentication failed for ${where} (tried ${auth.tried.join(', ')})${authNotes()}`));
        }
        if (e.level === 'client-timeout') {
          return fail(this.err('timeout', `no SSH session with ${where} within ${Math.round(timeoutMs / 1000)} s (connect timeout)`));
        }
        if (e.level === 'client-socket' || e.level === 'client-dns') {
          const { kind, what } = socketErrorKind(e.code);
          return fail(this.err(kind, `cannot connect to ${where}: ${what}`));
        }
        if (e.level === 'protocol' || e.level === 'handshake') {
          return fail(this.err('protocol', `SSH handshake with ${where} failed: ${e.message}`));
        }
        return fail(this.err('connection-lost', `connection to ${where} failed: ${e.message}`));
      });
      client.on('close', () => {
        closed = true;
        this.open.delete(client);
        for (const fn of closeListeners.splice(0)) fn(closeError);
        if (!ready) {
          if (hostKeyError) return fail(hostKeyError);
          fail(this.err('connection-lost', `${where} closed the connection during the SSH handshake`));
        }
      });
      try {
        client.connect(config);
      } catch (e) {
        fail(this.err('input', `cannot connect to ${where}: ${(e as Error).message}`));
      }
    });
  }

  private async connect(): Promise<Connected> {
    const t = this.target;
    if (!t.proxyJump) return this.connectTo(t, undefined, '');
    const jump = await this.connectTo(t.proxyJump, undefined, ' (jump host)');
    const jumpLabel = targetLabel(t.proxyJump);
    const stream = await new Promise<ClientChannel>((resolve, reject) => {
      jump.client.forwardOut('127.0.0.1', 0, t.hostname, t.port, (err, ch) => {
        if (err) {
          jump.client.end();
          reject(this.err('unreachable', `jump host ${jumpLabel} cannot reach ${t.hostname}:${t.port}: ${err.message}`));
        } else resolve(ch);
      });
    });
    try {
      const c = await this.connectTo(t, stream, ` via ${jumpLabel}`);
      c.onClose(() => jump.client.end());
      jump.onClose((e) => {
        if (!c.closed()) c.client.destroy();
        void e;
      });
      return c;
    } catch (e) {
      jump.client.end();
      throw e;
    }
  }

  async run(script: string, options: ScriptRunOptions = {}): Promise<ScriptResult> {
    const conn = await this.connect();
    const command = this.options.sudo ? 'sudo -n sh -s' : 'sh -s';
    try {
      const deadline = options.timeoutMs === undefined ? undefined : options.timeoutMs / 1000 + REMOTE_DEADLINE_GRACE_SEC;
      return await this.exec(conn, command, buildPayload(supervisedScript(script, deadline), options.env), options.timeoutMs);
    } finally {
      conn.client.end();
    }
  }

  private exec(conn: Connected, command: string, payload: string, timeoutMs: number | undefined): Promise<ScriptResult> {
    return new Promise<ScriptResult>((resolve, reject) => {
      const stdout: Buffer[] = [];
      let stdoutBytes = 0;
      let stderr = '';
      let exit: { code: number | null; signal: string | null } | undefined;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (e: ScanError | undefined, r?: ScriptResult): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        if (e) {
          conn.client.destroy();
          reject(e);
        } else resolve(r!);
      };
      conn.onClose((err) => {
        if (!exit) finish(this.err('connection-lost', `connection to ${this.label} lost while the script was running${err ? ` (${err.message})` : ''}`));
      });
      this.channels++;
      sshStats.execChannels++;
      conn.client.exec(command, (err, ch) => {
        if (err) return finish(this.err(conn.closed() ? 'connection-lost' : 'protocol', `${this.label} refused to run a command: ${err.message}`));
        if (timeoutMs !== undefined) {
          timer = setTimeout(() => {
            try {
              ch.end(); // EOF on the remote stdin: the payload's watchdog kills the session (supervisedScript)
              ch.signal('KILL');
            } catch {
              // best effort: not every server honours signal requests
            }
            finish(this.err('timeout', `the script did not finish within ${timeoutMs / 1000} s on ${this.label}`));
          }, timeoutMs);
        }
        ch.on('data', (d: Buffer) => {
          if (settled) return;
          if (stdoutBytes + d.length <= SSH_OUTPUT_LIMIT) {
            stdout.push(d);
            stdoutBytes += d.length;
            return;
          }
          // Over the limit: keep what fits, stop the remote command, hand back what arrived.
          stdout.push(d.subarray(0, SSH_OUTPUT_LIMIT - stdoutBytes));
          try {
            ch.end();
            ch.signal('KILL');
            ch.close();
          } catch {
            // best effort: the connection is closed right after
          }
          const limit = `${SSH_OUTPUT_LIMIT / 1048576} MiB`;
          finish(undefined, { stdout: Buffer.concat(stdout), stderr, exitCode: null, signal: null, overflow: `the collection sent more than the ${limit} output limit for one host; the rest was not read` });
        });
        ch.stderr.on('data', (d: Buffer) => {
          if (stderr.length < MAX_STDERR) stderr += d.toString('utf8');
        });
        ch.on('exit', (code: number | null, signal?: string) => {
          exit = { code: typeof code === 'number' ? code : null, signal: signal ?? null };
        });
        ch.on('close', () => {
          if (!exit) {
            // Channel closed without an exit status: either the connection died or the server gave up.
            setImmediate(() => finish(this.err('connection-lost', `connection to ${this.label} lost while the script was running`)));
            return;
          }
          const out = Buffer.concat(stdout);
          if (this.options.sudo && exit.code === 1 && out.length === 0 && /^sudo: (a password is required|a terminal is required)/m.test(stderr)) {
            return finish(this.err('sudo-password-required', `sudo on ${this.label} requires a password for ${this.target.user}; vmaudit runs \`sudo -n sh -s\` and never types passwords: allow it without a password (NOPASSWD) or scan as root`));
          }
          if (this.options.sudo && exit.code === 1 && out.length === 0 && /^sudo: .*(must have a tty|requiretty)/m.test(stderr)) {
            return finish(this.err('auth-failed', `sudo on ${this.label} requires a terminal (Defaults requiretty); disable requiretty for ${this.target.user}`));
          }
          if (this.options.sudo && exit.code === 127 && out.length === 0 && /sudo.*not found/.test(stderr)) {
            return finish(this.err('auth-failed', `sudo is not installed on ${this.label}; scan as root or install sudo`));
          }
          finish(undefined, { stdout: out, stderr, exitCode: exit.code, signal: exit.signal });
        });
        ch.on('error', (e: Error) => finish(this.err('connection-lost', `channel to ${this.label} failed: ${e.message}`)));
        // stdin stays open while the script runs: its end tells the remote watchdog to kill the session.
        ch.write(payload);
      });
    });
  }

  async close(): Promise<void> {
    for (const c of this.open) c.end();
    this.open.clear();
  }
}
