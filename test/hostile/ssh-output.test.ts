import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collectEvidence } from '../../src/collect/collect';
import { ScanError, type ScriptRunner } from '../../src/collect/runner';
import { clearKeyCache, SSH_OUTPUT_LIMIT, SshRunner } from '../../src/collect/ssh/runner';
import { describeWithOracles } from '../helpers/oracle';
import { startSshd, type Sshd } from '../collect/ssh/sshd-harness';

/**
 * SSH collection against a real OpenSSH sshd on 127.0.0.1 (issue 15): one host's output is buffered up to
 * SSH_OUTPUT_LIMIT, the evidence that arrived complete is kept and the overflow is a per-host error, and the
 * remote writer is gone once the output was refused. Before: 500 MB from one host took 1.7 GB of RSS and valid
 * evidence followed by 600 MB was lost as 'internal'.
 */
describeWithOracles(['sshd', 'ssh-keygen', 'pgrep'], 'SSH output cap and remote kill (real sshd)', () => {
  let sshd: Sshd;
  let n = 0;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });
  beforeEach(() => clearKeyCache());

  function runner(): SshRunner {
    n++;
    const knownHosts = path.join(sshd.dir, `kh.out.${n}`);
    fs.writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostKeyType} ${sshd.hostKeyBase64}\n`);
    const configFile = path.join(sshd.dir, `cfg.out.${n}`);
    fs.writeFileSync(configFile, `Host *\n  IdentityFile ${sshd.clientKey}\n  IdentityAgent none\n  UserKnownHostsFile ${knownHosts}\n  GlobalKnownHostsFile none\n  StrictHostKeyChecking yes\n`);
    return SshRunner.fromTarget(`ssh://root@127.0.0.1:${sshd.port}`, { configFile, connectTimeoutMs: 10_000, interactive: false });
  }

  /** Processes on this machine whose command line holds `marker` (the sshd runs here). */
  const survivors = (marker: string): string[] => {
    try {
      return execFileSync('pgrep', ['-af', marker], { encoding: 'utf8' }).trim().split('\n').filter((l) => l && !l.includes('pgrep'));
    } catch {
      return []; // pgrep exits 1 when nothing matches
    }
  };
  const settle = async (marker: string): Promise<string[]> => {
    for (let i = 0; i < 50 && survivors(marker).length; i++) await new Promise((r) => setTimeout(r, 100));
    return survivors(marker);
  };

  it('600 MB of output: the first SSH_OUTPUT_LIMIT bytes are returned as an overflow, RSS stays bounded', async () => {
    const rssBefore = process.memoryUsage().rss;
    const r = await runner().run(`echo first-line\nexec tr '\\000' x < /dev/zero | head -c 629145600\n`, { timeoutMs: 120_000 });
    expect(r.overflow).toMatch(/more than the 64 MiB output limit for one host/);
    expect(r.stdout.length).toBe(SSH_OUTPUT_LIMIT);
    expect(r.stdout.subarray(0, 11).toString()).toBe('first-line\n');
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(400 * 1024 * 1024);
    expect(await settle("tr \\\\000 x")).toEqual([]);
  }, 180_000);

  it('valid evidence followed by 600 MB: the evidence is kept (partial), the host fails with the overflow', async () => {
    const file = path.join(sshd.dir, 'evidence.conf');
    fs.writeFileSync(file, 'auth_tcp = "sasl"\n');
    const real = runner();
    // The real collection script, with 600 MB printed after it.
    const noisy: ScriptRunner = { label: real.label, run: (script, o) => real.run(`${script}\ntr '\\000' y < /dev/zero | head -c 629145600\n`, o) };
    let caught: unknown;
    try {
      await collectEvidence(noisy, { kind: 'host', name: 'h', live: false, items: [{ kind: 'file', path: file, why: 'test', checks: [] } as never] });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ScanError);
    const e = caught as ScanError;
    expect(e.kind).toBe('protocol');
    expect(e.message).toMatch(/more than the 64 MiB output limit .*the evidence that arrived complete was scanned/);
    expect(e.partial?.files[file]).toMatchObject({ state: 'ok', content: 'auth_tcp = "sasl"\n' });
  }, 180_000);
});
