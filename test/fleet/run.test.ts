import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { ScanError } from '../../src/collect/runner';
import { sshStats } from '../../src/collect/ssh/runner';
import { DEFAULT_CONCURRENCY, runFleet, runScriptOnFleet } from '../../src/fleet/run';
import { inventoryTargets, parseIniInventory } from '../../src/fleet/inventory';
import { describeWithOracles } from '../helpers/oracle';
import { freePort, startSshd, type Sshd } from '../collect/ssh/sshd-harness';

function sink(isTTY: boolean): { stream: PassThrough & { isTTY?: boolean; columns?: number }; text: () => string } {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  stream.isTTY = isTTY;
  stream.columns = 100;
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('runFleet', () => {
  async function maxInFlight(count: number, concurrency?: number): Promise<number> {
    let inFlight = 0;
    let max = 0;
    const targets = Array.from({ length: count }, (_, i) => `t${i}`);
    await runFleet(
      targets,
      async () => {
        inFlight++;
        max = Math.max(max, inFlight);
        for (let i = 0; i < 3; i++) await tick();
        inFlight--;
      },
      { concurrency, progress: 'none' },
    );
    return max;
  }

  it('never runs more than --concurrency jobs at once, and uses all of them', async () => {
    expect(await maxInFlight(40, 4)).toBe(4);
    expect(await maxInFlight(40)).toBe(DEFAULT_CONCURRENCY);
    expect(await maxInFlight(3, 10)).toBe(3);
    expect(await maxInFlight(5, 1)).toBe(1);
  });

  it('isolates failures per target and keeps target order', async () => {
    const targets = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name }));
    const out = await runFleet(
      targets,
      async (t) => {
        if (t.name === 'b') throw new ScanError('unreachable', 'b: connection refused', 'b');
        if (t.name === 'd') throw new TypeError('boom');
        await tick();
        return t.name.toUpperCase();
      },
      { concurrency: 2, progress: 'none' },
    );
    expect(out.results.map((r) => [r.target.name, r.value])).toEqual([
      ['a', 'A'],
      ['c', 'C'],
      ['e', 'E'],
    ]);
    expect(out.failures.map((f) => [f.target.name, f.error.kind, f.error.target, f.error.message])).toEqual([
      ['b', 'unreachable', 'b', 'b: connection refused'],
      ['d', 'internal', 'd', 'd: boom'],
    ]);
  });

  it('without a TTY prints one line per failed target and a summary, no escape codes', async () => {
    const { stream, text } = sink(false);
    await runFleet(
      ['ok1', 'bad1', 'ok2', 'bad2'],
      async (t) => {
        if (t.startsWith('bad')) throw new ScanError('auth-failed', `${t}: authentication failed`, t);
      },
      { stream },
    );
    const lines = text().trimEnd().split('\n');
    expect(lines.slice(0, 2).sort()).toEqual(['failed: bad1: authentication failed [auth-failed]', 'failed: bad2: authentication failed [auth-failed]']);
    expect(lines[2]).toMatch(/^4 hosts: 2 ok, 2 failed \(auth-failed 2\) in \d+\.\d s$/);
    expect(text()).not.toMatch(/\x1b/);
  });

  it('on a TTY draws a progress bar with done/failed counts', async () => {
    const { stream, text } = sink(true);
    await runFleet(
      ['x', 'y', 'z'],
      async (t) => {
        if (t === 'y') throw new ScanError('timeout', 'y: timed out', 'y');
      },
      { stream },
    );
    expect(text()).toMatch(/scanning \[.*\] 0\/3 hosts \| 0 failed \| ETA/);
    expect(text()).toContain('failed: y: timed out [timeout]');
    expect(text()).toContain('3 hosts: 2 ok, 1 failed (timeout 1)');
  });

  it('refuses a bad concurrency', async () => {
    await expect(runFleet(['a'], async () => 1, { concurrency: 0, progress: 'none' })).rejects.toMatchObject({ kind: 'input' });
  });

  it('fails targets not yet started once aborted', async () => {
    const ac = new AbortController();
    const out = await runFleet(
      ['a', 'b', 'c'],
      async (t) => {
        if (t === 'a') ac.abort();
        return t;
      },
      { concurrency: 1, progress: 'none', signal: ac.signal },
    );
    expect(out.results.map((r) => r.value)).toEqual(['a']);
    expect(out.failures.map((f) => f.error.message)).toEqual(['b: cancelled before it started', 'c: cancelled before it started']);
  });
});

describeWithOracles(['sshd', 'ssh-keygen'], 'runScriptOnFleet over a real sshd', () => {
  let sshd: Sshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('scans every reachable inventory host with one exec channel each and reports the unreachable one', async () => {
    const closed = await freePort();
    const inv = parseIniInventory(
      `[kvm]\ngood[1:3] ansible_host=127.0.0.1 ansible_port=${sshd.port}\ndown ansible_host=127.0.0.1 ansible_port=${closed}\n\n[kvm:vars]\nansible_user=root\n`,
      'inventory.ini',
    );
    const { targets } = inventoryTargets(inv.value);
    const knownHosts = path.join(sshd.dir, 'fleet_known_hosts');
    fs.writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostKeyType} ${sshd.hostKeyBase64}\n`);
    const configFile = path.join(sshd.dir, 'fleet_ssh_config');
    fs.writeFileSync(configFile, `Host *\n  IdentityFile ${sshd.clientKey}\n  IdentityAgent none\n  UserKnownHostsFile ${knownHosts}\n  GlobalKnownHostsFile none\n`);
    const { stream, text } = sink(false);
    const before = sshStats.execChannels;
    const out = await runScriptOnFleet(targets, 'printf "%s" "$VMAUDIT_GREETING"\n', {
      configFile,
      interactive: false,
      concurrency: 2,
      stream,
      run: { env: { VMAUDIT_GREETING: 'hello' }, timeoutMs: 20_000 },
    });
    expect(out.results.map((r) => [r.target.name, r.value.stdout.toString(), r.value.exitCode])).toEqual([
      ['good1', 'hello', 0],
      ['good2', 'hello', 0],
      ['good3', 'hello', 0],
    ]);
    expect(out.failures.map((f) => [f.target.name, f.error.kind])).toEqual([['down', 'unreachable']]);
    expect(out.failures[0].error.message).toMatch(/^down: cannot connect to root@127\.0\.0\.1:\d+: connection refused$/);
    expect(sshStats.execChannels - before).toBe(3);
    expect(text()).toContain('failed: down: cannot connect');
    expect(text()).toContain('4 hosts: 3 ok, 1 failed (unreachable 1)');
  });
});
