import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { ScanError, type ScanErrorKind } from '../../../src/collect/runner';
import { buildPayload, clearKeyCache, shellQuote, SshRunner, sshStats, supervisedScript, type SshRunnerOptions } from '../../../src/collect/ssh/runner';
import { describeWithOracles, hasTool } from '../../helpers/oracle';
import { ENCRYPTED_KEY_PASSPHRASE, freePort, killTree, parentPid, processName, startSshd, waitForFile, type Sshd } from './sshd-harness';
import { markedPids } from '../../helpers/processes';

async function expectScanError(p: Promise<unknown>, kind: ScanErrorKind): Promise<ScanError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ScanError);
  const e = caught as ScanError;
  if (e.kind !== kind) throw new Error(`expected ScanError(${kind}), got ${e.kind}: ${e.message}`);
  return e;
}

describe('payload quoting (pure)', () => {
  it('passes only VMAUDIT_* variables, single-quoted', () => {
    const p = buildPayload('echo hi\n', { VMAUDIT_A: "x'; reboot #", PATH: '/evil', VMAUDIT_lower: 'no' });
    expect(p).toBe(`VMAUDIT_A='x'\\''; reboot #'; export VMAUDIT_A\necho hi\n`);
  });
  it('round-trips any text through sh', () => {
    const nasty = `a'b"c$(id)\`id\`\\n;|&<>* \n\t end'`;
    const out = execFileSync('sh', ['-c', `printf %s ${shellQuote(nasty)}`]).toString();
    expect(out).toBe(nasty);
  });
});

describeWithOracles(['sh', 'timeout', 'sleep'], 'supervised payload under sh (the remote side of --timeout)', () => {
  /** Runs the supervised script with `sh -s` in a session of its own (detached: setsid), stdin kept open. */
  function start(script: string, deadlineSec: number | undefined, marker: string): { child: ChildProcess; exited: Promise<number | null> } {
    const child = spawn('sh', ['-s'], { detached: true, stdio: ['pipe', 'ignore', 'ignore'], env: { ...process.env, VMAUDIT_MARK: marker } });
    child.stdin!.write(supervisedScript(script, deadlineSec));
    return { child, exited: new Promise((r) => child.once('exit', (code) => r(code))) };
  }
  async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
    const end = Date.now() + ms;
    while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    return cond();
  }
  const HANG = 'sleep 300 &\ntimeout -k 2 120 sleep 301 </dev/null\n';
  const cleanup = (marker: string): void => {
    for (const pid of markedPids(marker)) killTree(pid); // only what this test started (its marker)
  };

  it('stdin EOF (the runner ended the channel, or sshd closed it): the whole session is killed', async () => {
    const marker = `vmaudit-eof-${process.pid}-${Date.now()}`;
    const { child, exited } = start(HANG, 60, marker);
    try {
      expect(await waitFor(() => markedPids(marker).length >= 5, 5000)).toBe(true); // sh, script, watchdogs, sleeps
      child.stdin!.end();
      expect(await exited).toBe(137);
      expect(await waitFor(() => markedPids(marker).length === 0, 3000)).toBe(true);
    } finally {
      cleanup(marker);
    }
  });

  it('stdin still open (a stuck connection) past the deadline: the whole session is killed', async () => {
    const marker = `vmaudit-deadline-${process.pid}-${Date.now()}`;
    const started = Date.now();
    const { child, exited } = start(HANG, 1, marker);
    try {
      expect(await exited).toBe(137);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(await waitFor(() => markedPids(marker).length === 0, 3000)).toBe(true);
    } finally {
      child.stdin!.destroy();
      cleanup(marker);
    }
  });

  it('a script that ends: its exit status, and no watchdog or deadline sleep left', async () => {
    const marker = `vmaudit-ends-${process.pid}-${Date.now()}`;
    const { child, exited } = start('exit 5\n', 60, marker);
    try {
      expect(await exited).toBe(5);
      expect(await waitFor(() => markedPids(marker).length === 0, 3000)).toBe(true);
    } finally {
      child.stdin!.destroy();
      cleanup(marker);
    }
  });
});

describeWithOracles(['sshd', 'ssh-keygen'], 'SshRunner against a real OpenSSH sshd', () => {
  let sshd: Sshd;
  let n = 0;

  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });
  beforeEach(() => clearKeyCache());

  /** Writes a knowns_hosts file and an ssh config; returns a runner for `target`. */
  function setup(opts: { target?: string; config?: string; knownHosts?: string | null; identity?: string; runner?: SshRunnerOptions } = {}): { runner: SshRunner; knownHosts: string } {
    n++;
    const knownHosts = path.join(sshd.dir, `known_hosts.${n}`);
    const kh = opts.knownHosts === undefined ? `[127.0.0.1]:${sshd.port} ${sshd.hostKeyType} ${sshd.hostKeyBase64}\n` : opts.knownHosts;
    if (kh !== null) fs.writeFileSync(knownHosts, kh);
    const configFile = path.join(sshd.dir, `ssh_config.${n}`);
    fs.writeFileSync(
      configFile,
      `${opts.config ?? ''}\nHost *\n  IdentityFile ${opts.identity ?? sshd.clientKey}\n  IdentityAgent none\n  UserKnownHostsFile ${knownHosts}\n  GlobalKnownHostsFile none\n  StrictHostKeyChecking yes\n`,
    );
    const runner = SshRunner.fromTarget(opts.target ?? `ssh://root@127.0.0.1:${sshd.port}`, { configFile, connectTimeoutMs: 10_000, interactive: false, ...opts.runner });
    return { runner, knownHosts };
  }

  it('returns the script output byte-exact over exactly one exec channel', async () => {
    const { runner } = setup();
    const before = { ...sshStats };
    // binary bytes, a large body (many SSH packets), stderr and an exit code
    const script = `printf '\\000\\001\\377\\r\\n'\ni=0; while [ $i -lt 3000 ]; do printf '%05d abcdefghijklmnopqrstuvwxyz\\n' $i; i=$((i+1)); done\necho oops >&2\nexit 3\n`;
    const r = await runner.run(script);
    let expected = Buffer.from([0, 1, 0xff, 0x0d, 0x0a]);
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) lines.push(`${String(i).padStart(5, '0')} abcdefghijklmnopqrstuvwxyz\n`);
    expected = Buffer.concat([expected, Buffer.from(lines.join(''))]);
    expect(r.stdout.equals(expected)).toBe(true);
    expect(r.stderr).toBe('oops\n');
    expect(r.exitCode).toBe(3);
    expect(runner.execChannelCount).toBe(1);
    expect(sshStats.execChannels - before.execChannels).toBe(1);
    expect(sshStats.connections - before.connections).toBe(1);
    expect(runner.label).toBe(`root@127.0.0.1:${sshd.port}`);
  });

  it('passes VMAUDIT_* env values and script text literally (no injection)', async () => {
    const pwned = path.join(sshd.dir, 'pwned');
    const { runner } = setup();
    const value = `x'; touch ${pwned} #`;
    const script = `printf '%s\\n' "$VMAUDIT_VALUE"\nprintf '%s\\n' "x'; touch ${pwned} #"\n`;
    const r = await runner.run(script, { env: { VMAUDIT_VALUE: value, LD_PRELOAD: '/x' } });
    expect(r.stdout.toString()).toBe(`${value}\nx'; touch ${pwned} #\n`);
    expect(fs.existsSync(pwned)).toBe(false);
  });

  it('refuses target names and users with shell metacharacters before connecting', () => {
    const before = sshStats.connections;
    for (const t of [`x'; reboot #`, `ssh://root@127.0.0.1:${sshd.port};reboot`, `root'$(reboot)@127.0.0.1`, '-oProxyCommand=reboot']) {
      let caught: unknown;
      try {
        setup({ target: t });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ScanError);
      expect((caught as ScanError).kind).toBe('input');
    }
    expect(sshStats.connections).toBe(before);
  });

  it('resolves a Host alias from an ssh config file', async () => {
    const { runner } = setup({ target: 'hv-alias', config: `Host hv-alias\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User root\n` });
    expect(runner.label).toBe(`root@127.0.0.1:${sshd.port}`);
    const r = await runner.run('echo alias-ok');
    expect(r.stdout.toString()).toBe('alias-ok\n');
  });

  it('tunnels through one ProxyJump hop with one exec channel', async () => {
    const { runner } = setup({ target: 'inner', config: `Host inner\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User root\n  ProxyJump root@127.0.0.1:${sshd.port}\n` });
    const before = { ...sshStats };
    const r = await runner.run('echo jumped');
    expect(r.stdout.toString()).toBe('jumped\n');
    expect(sshStats.connections - before.connections).toBe(2);
    expect(sshStats.execChannels - before.execChannels).toBe(1);
  });

  it('refuses an unknown host key and tells its SHA256 fingerprint', async () => {
    const { runner, knownHosts } = setup({ knownHosts: '' });
    const e = await expectScanError(runner.run('echo no'), 'host-key-unknown');
    const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', sshd.hostKeyPub]).toString().split(' ')[1];
    expect(e.message).toContain(fp);
    expect(e.message).toContain('--accept-new-host-keys');
    expect(e.message).toContain(`127.0.0.1`);
    expect(fs.readFileSync(knownHosts, 'utf8')).toBe('');
  });

  it('refuses a changed host key, even with --accept-new-host-keys', async () => {
    const line = `[127.0.0.1]:${sshd.port} ${sshd.otherHostKey.type} ${sshd.otherHostKey.base64}\n`;
    const { runner } = setup({ knownHosts: line });
    const e = await expectScanError(runner.run('echo no'), 'host-key-changed');
    expect(e.message).toMatch(/HAS CHANGED/);
    const { runner: r2, knownHosts } = setup({ knownHosts: line, runner: { acceptNewHostKeys: true } });
    await expectScanError(r2.run('echo no'), 'host-key-changed');
    expect(fs.readFileSync(knownHosts, 'utf8')).toBe(line);
  });

  it('refuses a @revoked host key', async () => {
    const { runner } = setup({ knownHosts: `@revoked * ${sshd.hostKeyType} ${sshd.hostKeyBase64}\n[127.0.0.1]:${sshd.port} ${sshd.hostKeyType} ${sshd.hostKeyBase64}\n` });
    const e = await expectScanError(runner.run('echo no'), 'host-key-changed');
    expect(e.message).toContain('@revoked');
  });

  it('accepts a new host key with --accept-new-host-keys and records it on the auditor side only', async () => {
    const { runner, knownHosts } = setup({ knownHosts: null, runner: { acceptNewHostKeys: true } });
    const r = await runner.run('echo first');
    expect(r.stdout.toString()).toBe('first\n');
    // ssh-keygen -F finds the recorded key for [127.0.0.1]:port
    const found = spawnSync('ssh-keygen', ['-F', `[127.0.0.1]:${sshd.port}`, '-f', knownHosts]);
    expect(found.status).toBe(0);
    expect(found.stdout.toString()).toContain(sshd.hostKeyBase64);
    // now strict checking passes with the recorded file
    const strict = SshRunner.fromTarget(`ssh://root@127.0.0.1:${sshd.port}`, {
      configs: [],
      configFile: undefined,
      interactive: false,
    });
    strict.target.identityFiles = [sshd.clientKey];
    strict.target.identityFilesConfigured = true;
    strict.target.agentSocket = undefined;
    strict.target.userKnownHostsFiles = [knownHosts];
    strict.target.globalKnownHostsFiles = [];
    expect((await strict.run('echo again')).stdout.toString()).toBe('again\n');
  });

  it('reports bad credentials as auth-failed naming the host', async () => {
    const { runner } = setup({ identity: sshd.unauthorizedKey });
    const e = await expectScanError(runner.run('echo no'), 'auth-failed');
    expect(e.message).toContain(`127.0.0.1:${sshd.port}`);
    expect(e.message).toContain(sshd.unauthorizedKey);
  });

  it('does not prompt for an encrypted key without a terminal, and says so', async () => {
    const { runner } = setup({ identity: sshd.encryptedKey });
    const e = await expectScanError(runner.run('echo no'), 'auth-failed');
    expect(e.message).toMatch(/encrypted.*not a terminal/);
  });

  it('decrypts an encrypted key with a prompted passphrase; a wrong one never leaks', async () => {
    let asked = 0;
    const { runner } = setup({ identity: sshd.encryptedKey, runner: { interactive: true, promptPassphrase: async () => (asked++, ENCRYPTED_KEY_PASSPHRASE) } });
    expect((await runner.run('echo unlocked')).stdout.toString()).toBe('unlocked\n');
    expect(asked).toBe(1);
    clearKeyCache();
    const wrong = 'hunter2-wrong-passphrase';
    const { runner: bad } = setup({ identity: sshd.encryptedKey, runner: { interactive: true, promptPassphrase: async () => wrong } });
    const e = await expectScanError(bad.run('echo no'), 'auth-failed');
    expect(e.message).toContain('wrong passphrase');
    expect(e.message).not.toContain(wrong);
    expect(e.message).not.toContain(ENCRYPTED_KEY_PASSPHRASE);
  });

  it('authenticates with ssh-agent', async () => {
    if (!hasTool('ssh-agent') || !hasTool('ssh-add')) return;
    const sock = path.join(sshd.dir, 'agent.sock');
    const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 250 && !fs.existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
      execFileSync('ssh-add', ['-q', sshd.clientKey], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      const { runner } = setup({ identity: 'none', config: `Host *\n  IdentityAgent ${sock}\n` });
      expect(runner.target.identityFiles).toEqual([]);
      expect((await runner.run('echo via-agent')).stdout.toString()).toBe('via-agent\n');
    } finally {
      agent.kill('SIGTERM');
    }
  });

  it('times out a hanging command', async () => {
    const pidFile = path.join(sshd.dir, 'hang.pid');
    const { runner } = setup();
    try {
      const e = await expectScanError(runner.run(`echo $$ > ${pidFile}\nsleep 30\n`, { timeoutMs: 1000 }), 'timeout');
      expect(e.message).toContain('127.0.0.1');
    } finally {
      const pid = Number(await waitForFile(pidFile));
      killTree(pid);
    }
  });

  it('reports a connection killed mid-stream as connection-lost', async () => {
    const pidFile = path.join(sshd.dir, 'kill.pid');
    const { runner } = setup();
    const running = runner.run(`i=0; while [ $i -lt 200 ]; do echo partial-output-line; i=$((i+1)); done\necho $$ > ${pidFile}\nsleep 30\n`);
    const pid = Number(await waitForFile(pidFile));
    // kill the sshd session processes between the script and the listening sshd
    const chain: number[] = [];
    for (let p = parentPid(pid); p !== undefined && p > 1 && p !== sshd.pid; p = parentPid(p)) {
      if (processName(p).startsWith('sshd')) chain.push(p); // sshd, or sshd-session (OpenSSH >= 9.8)
    }
    expect(chain.length).toBeGreaterThan(0);
    for (const p of chain) process.kill(p, 'SIGKILL');
    try {
      await expectScanError(running, 'connection-lost');
    } finally {
      killTree(pid);
    }
  });

  it('reports a closed port as unreachable', async () => {
    const port = await freePort();
    const { runner } = setup({ target: `ssh://root@127.0.0.1:${port}` });
    const e = await expectScanError(runner.run('echo no'), 'unreachable');
    expect(e.message).toContain(`127.0.0.1:${port}`);
    expect(e.message).toContain('connection refused');
  });

  it('times out a server that never speaks SSH (connect timeout)', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const { runner } = setup({ target: `ssh://root@127.0.0.1:${port}`, runner: { connectTimeoutMs: 500 } });
      await expectScanError(runner.run('echo no'), 'timeout');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});

const SUDO_USER = 'vmaudit-sshtest';

describeWithOracles(['sshd', 'ssh-keygen', 'sudo', 'useradd', 'userdel'], 'SshRunner --sudo against a real sshd and sudo', () => {
  let sshd: Sshd;
  let createdUser = false;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

  beforeAll(async () => {
    sshd = await startSshd();
    if (isRoot && spawnSync('id', [SUDO_USER], { stdio: 'ignore' }).status !== 0) {
      // '*' (not '!'): a locked account would be refused by sshd with UsePAM no; home '/' avoids chdir warnings.
      execFileSync('useradd', ['-M', '-N', '-d', '/', '-s', '/bin/sh', '-p', '*', SUDO_USER], { stdio: 'ignore' });
      createdUser = true;
    }
  });
  afterAll(async () => {
    await sshd?.stop();
    if (createdUser) execFileSync('userdel', [SUDO_USER], { stdio: 'ignore' });
  });

  function runner(user: string): SshRunner {
    const r = SshRunner.fromTarget(`ssh://${user}@127.0.0.1:${sshd.port}`, { configs: [], sudo: true, interactive: false });
    r.target.identityFiles = [sshd.clientKey];
    r.target.identityFilesConfigured = true;
    r.target.agentSocket = undefined;
    const kh = path.join(sshd.dir, 'known_hosts.sudo');
    fs.writeFileSync(kh, `[127.0.0.1]:${sshd.port} ${sshd.hostKeyType} ${sshd.hostKeyBase64}\n`);
    r.target.userKnownHostsFiles = [kh];
    r.target.globalKnownHostsFiles = [];
    return r;
  }

  (isRoot ? it : it.skip)('runs the script as root through sudo -n', async () => {
    const r = await runner('root').run('id -u; printf "%s\\n" "$VMAUDIT_X"', { env: { VMAUDIT_X: 'kept' } });
    expect(r.stdout.toString()).toBe('0\nkept\n');
  });

  (isRoot ? it : it.skip)('maps "a password is required" to sudo-password-required', async () => {
    const e = await expectScanError(runner(SUDO_USER).run('id -u'), 'sudo-password-required');
    expect(e.message).toContain(`${SUDO_USER}@127.0.0.1:${sshd.port}`);
  });
});
