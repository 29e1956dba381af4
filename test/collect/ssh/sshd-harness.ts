/**
 * A throwaway OpenSSH sshd on 127.0.0.1 for tests: its own host key, client keys, authorized_keys and config in a
 * temp dir, run as `sshd -D -e -f CONFIG` (foreground). Every process started here is stopped by stop().
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const ENCRYPTED_KEY_PASSPHRASE = 'correct horse battery staple';

export interface Sshd {
  dir: string;
  port: number;
  /** Extra listening ports (StartOptions.extraPorts), e.g. for `Match LocalPort` blocks. */
  extraPorts: number[];
  pid: number;
  /** Host key as in known_hosts: `ssh-ed25519 AAAA…`. */
  hostKeyType: string;
  hostKeyBase64: string;
  hostKeyPub: string;
  /** A client key listed in authorized_keys, an encrypted one (also listed) and one that is not listed. */
  clientKey: string;
  encryptedKey: string;
  unauthorizedKey: string;
  /** Another ed25519 public key (`type base64`) that is NOT the host's. */
  otherHostKey: { type: string; base64: string };
  logs: () => string;
  stop: () => Promise<void>;
}

export function sbin(tool: string): string {
  for (const d of ['/usr/sbin', '/sbin', '/usr/bin', '/bin']) if (fs.existsSync(path.join(d, tool))) return path.join(d, tool);
  return tool;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function keygen(file: string, passphrase = ''): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'vmaudit-test', '-f', file], { stdio: 'ignore' });
}

function readPub(file: string): { type: string; base64: string } {
  const [type, base64] = fs.readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/);
  return { type, base64 };
}

export interface StartOptions {
  /** How many more ports sshd listens on (besides `port`). */
  extraPorts?: number;
  /** Addresses sshd listens on (default 127.0.0.1 only). */
  listenAddresses?: string[];
  /** More sshd_config lines, appended at the end (Match blocks go here). */
  extraConfig?: (ctx: { dir: string; port: number; extraPorts: number[] }) => string[];
}

export async function startSshd(options: StartOptions = {}): Promise<Sshd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-sshd-'));
  fs.chmodSync(dir, 0o755); // sshd reads authorized_keys as the (possibly unprivileged) target user
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = path.join(dir, 'host_ed25519');
  const clientKey = path.join(dir, 'client_ed25519');
  const encryptedKey = path.join(dir, 'client_encrypted');
  const unauthorizedKey = path.join(dir, 'client_unauthorized');
  const other = path.join(dir, 'other_host_ed25519');
  keygen(hostKey);
  keygen(clientKey);
  keygen(encryptedKey, ENCRYPTED_KEY_PASSPHRASE);
  keygen(unauthorizedKey);
  keygen(other);
  const authorized = path.join(dir, 'authorized_keys');
  fs.writeFileSync(authorized, fs.readFileSync(`${clientKey}.pub`, 'utf8') + fs.readFileSync(`${encryptedKey}.pub`, 'utf8'), { mode: 0o644 });
  const port = await freePort();
  const extraPorts: number[] = [];
  while (extraPorts.length < (options.extraPorts ?? 0)) {
    const p = await freePort();
    if (p !== port && !extraPorts.includes(p)) extraPorts.push(p);
  }
  const config = path.join(dir, 'sshd_config');
  fs.writeFileSync(
    config,
    [
      `Port ${port}`,
      ...(options.listenAddresses ?? ['127.0.0.1']).map((a) => `ListenAddress ${a}`),
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorized}`,
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'AllowTcpForwarding yes',
      'MaxStartups 100',
      'MaxSessions 10',
      'LogLevel VERBOSE',
      ...extraPorts.map((p) => `Port ${p}`),
      ...(options.extraConfig?.({ dir, port, extraPorts }) ?? []),
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(sbin('sshd'), ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not start:\n${log}`)), 10_000);
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      const addresses = options.listenAddresses ?? ['127.0.0.1'];
      if ([port, ...extraPorts].every((p) => addresses.every((a) => log.includes(`Server listening on ${a} port ${p}.`)))) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited with ${code}:\n${log}`));
    });
  });
  const pub = readPub(hostKey);
  return {
    dir,
    port,
    extraPorts,
    pid: child.pid!,
    hostKeyType: pub.type,
    hostKeyBase64: pub.base64,
    hostKeyPub: `${hostKey}.pub`,
    clientKey,
    encryptedKey,
    unauthorizedKey,
    otherHostKey: readPub(other),
    logs: () => log,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Parent pid of a process (from /proc), or undefined. */
export function parentPid(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

export function processName(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Kills a process and its descendants (by pid, children first). */
export function killTree(pid: number): void {
  let children: number[] = [];
  try {
    children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // gone
  }
  for (const c of children) killTree(c);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone
  }
}

/** Waits until a file exists and is non-empty; returns its content. */
export async function waitForFile(file: string, timeoutMs = 10_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const s = fs.readFileSync(file, 'utf8');
      if (s.trim()) return s.trim();
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${file}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
