import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeWithOracles } from '../../helpers/oracle';
import { getoptLong } from '../../../src/facts/common/getopt';
import { parseKeyFile } from '../../../src/facts/common/keyfile';
import {
  analyzeQgaFilter,
  parseGuestInfo,
  parseProcCmdline,
  qgaSysconfigVars,
  QGA_72_RPCS,
  type QgaArg,
} from '../../../src/facts/guest/qga';
import { resolveServiceExecStart } from '../../../src/facts/common/systemd';
import { parseEnvFile } from '../../../src/facts/common/envfile';

const V72 = '7.2.22';
const CONF = '/etc/qemu/qemu-ga.conf';
const codes = (ps: { code: string }[]): string[] => ps.map((p) => p.code);

describe('analyzeQgaFilter (pure)', () => {
  it("reproduces the guide's bug: only the first RPC of a space-separated --blacklist is blocked", () => {
    const argv = parseProcCmdline(
      '/usr/bin/qemu-ga\0--method=virtio-serial\0--path=/dev/virtio-ports/org.qemu.guest_agent.0\0--blacklist=guest-file-open\0guest-file-close\0guest-file-read\0-F/etc/qemu-ga/fsfreeze-hook\0',
      '/proc/727/cmdline',
    );
    const r = analyzeQgaFilter({ argv, version: V72 });
    expect(r.starts).toBe(true);
    expect(r.blockList.map((i) => i.name)).toEqual(['guest-file-open']);
    expect(r.blocked).toEqual(['guest-file-open']);
    expect(r.enabled).toContain('guest-file-close');
    expect(r.enabled).toContain('guest-file-read');
    expect(r.strayArguments.map((a) => a.value)).toEqual(['guest-file-close', 'guest-file-read']);
    const stray = r.problems.filter((p) => p.code === 'qga.list-space-separated');
    expect(stray.map((p) => p.location)).toEqual([
      { file: '/proc/727/cmdline', line: 1, column: 117 },
      { file: '/proc/727/cmdline', line: 1, column: 134 },
    ]);
    expect(codes(r.problems)).toContain('qga.option-deprecated');
    expect(r.platformUnsupported).toEqual(['guest-get-devices']);
  });

  it('points list items at the sysconfig line when the word came from ${BLACKLIST_RPC}', () => {
    const files = {
      '/usr/lib/systemd/system/qemu-guest-agent.service':
        '[Service]\nEnvironmentFile=/etc/sysconfig/qemu-ga\nExecStart=/usr/bin/qemu-ga --method=virtio-serial --blacklist=${BLACKLIST_RPC} -F${FSFREEZE_HOOK_PATHNAME}\n',
      '/etc/sysconfig/qemu-ga': '# RHEL 7\nBLACKLIST_RPC=guest-file-open,guest-exec,guest-bogus\nFSFREEZE_HOOK_PATHNAME=/etc/qemu-ga/fsfreeze-hook\n',
    };
    const svc = resolveServiceExecStart('qemu-guest-agent.service', { files });
    const argv = svc.value.commands[0].argv;
    const r = analyzeQgaFilter({ argv, version: '4.2.0', files });
    expect(r.blocked).toEqual(['guest-file-open', 'guest-exec']);
    expect(r.blockList[0].location).toEqual({ file: '/etc/sysconfig/qemu-ga', line: 2, column: 1 });
    expect(r.problems.find((p) => p.code === 'qga.unknown-rpc')).toMatchObject({ location: { file: '/etc/sysconfig/qemu-ga', line: 2 } });
    // --blacklist is not deprecated in 4.2
    expect(codes(r.problems)).not.toContain('qga.option-deprecated');
    const sc = qgaSysconfigVars(parseEnvFile(files['/etc/sysconfig/qemu-ga'], '/etc/sysconfig/qemu-ga').value, argv);
    expect(sc).toEqual([{ name: 'BLACKLIST_RPC', value: 'guest-file-open,guest-exec,guest-bogus', location: { file: '/etc/sysconfig/qemu-ga', line: 2, column: 1 }, usedByExecStart: true }]);
  });

  it('allow-list semantics (8.1+): everything else blocked, block list applied after, lists accumulate', () => {
    const files = { [CONF]: '[general]\nallow-rpcs=guest-ping,guest-info,guest-exec\n' };
    const r = analyzeQgaFilter({ argv: ['qemu-ga', '-b', 'guest-exec'], files, version: '9.2.0' });
    expect(r.starts).toBe(true);
    expect(r.enabled).toEqual(['guest-ping', 'guest-info']);
    expect(r.rpcs.find((x) => x.name === 'guest-exec')).toMatchObject({ enabled: false, reason: 'blocked' });
    expect(r.rpcs.find((x) => x.name === 'guest-file-open')).toMatchObject({ enabled: false, reason: 'not-allow-listed' });
    expect(r.rpcs.find((x) => x.name === 'guest-ping')).toMatchObject({ reason: 'allow-listed', location: { file: CONF, line: 2, column: 1 } });
    expect(r.platformUnsupported).toEqual([]);
  });

  it('version-specific options: --allow-rpcs before 8.1, --blacklist from 9.1, both lists in 8.1–9.0, -c', () => {
    expect(analyzeQgaFilter({ argv: ['qemu-ga', '--allow-rpcs=guest-ping'], version: V72 })).toMatchObject({ starts: false });
    const removed = analyzeQgaFilter({ argv: ['qemu-ga', '--blacklist=guest-exec'], version: '9.1.0' });
    expect(removed.starts).toBe(false);
    expect(codes(removed.problems)).toEqual(['qga.invalid-option', 'qga.option-removed']);
    const both = analyzeQgaFilter({ argv: ['qemu-ga', '-a', 'guest-ping', '-b', 'guest-exec'], version: '8.2.0' });
    expect(both.starts).toBe(false);
    expect(codes(both.problems)).toContain('qga.block-and-allow');
    expect(analyzeQgaFilter({ argv: ['qemu-ga', '-a', 'guest-ping', '-b', 'guest-exec'], version: '9.1.0' }).starts).toBe(true);
    const c = analyzeQgaFilter({ argv: ['qemu-ga', '-c', '/etc/qga.conf'], version: '9.1.0', files: { '/etc/qga.conf': '[general]\nblock-rpcs=guest-exec\n', [CONF]: '[general]\nblock-rpcs=guest-ping\n' } });
    expect(c).toMatchObject({ configPath: '/etc/qga.conf', configRequired: true, blocked: ['guest-exec'] });
    expect(analyzeQgaFilter({ argv: ['qemu-ga', '-c', '/missing'], version: '9.1.0' }).starts).toBe(false);
    expect(analyzeQgaFilter({ argv: ['qemu-ga', '-c', '/x'], version: V72 }).starts).toBe(false);
    const ignored = analyzeQgaFilter({ argv: ['qemu-ga'], version: '9.1.0', files: { [CONF]: '[general]\nblacklist=guest-exec\n' } });
    expect(ignored.blocked).toEqual([]);
    expect(codes(ignored.problems)).toEqual(['qga.config-key-removed']);
  });

  it('config file list problems: semicolons, spaces, shadowed block-rpcs, wrong group, QGA_CONF', () => {
    const semi = analyzeQgaFilter({ argv: ['qemu-ga'], version: V72, files: { [CONF]: '[general]\nblock-rpcs=guest-exec;guest-file-open\n' } });
    expect(semi.blocked).toEqual([]);
    expect(codes(semi.problems)).toEqual(['qga.list-semicolon-separated']);
    expect(semi.problems[0].location).toEqual({ file: CONF, line: 2, column: 1 });
    const shadow = analyzeQgaFilter({ argv: ['qemu-ga'], version: V72, files: { [CONF]: '[general]\nblacklist=guest-exec\nblock-rpcs=guest-ping\n' } });
    expect(shadow.blocked).toEqual(['guest-exec']);
    expect(codes(shadow.problems)).toEqual(['qga.config-key-deprecated', 'qga.config-blacklist-shadows']);
    const grp = analyzeQgaFilter({ argv: ['qemu-ga'], version: V72, files: { [CONF]: '[General]\nblock-rpcs=guest-exec\n' } });
    expect(grp.blocked).toEqual([]);
    expect(codes(grp.problems)).toEqual(['qga.config-no-general']);
    const env = analyzeQgaFilter({ argv: ['qemu-ga'], version: V72, env: { QGA_CONF: '/tmp/q.conf' }, files: { '/tmp/q.conf': '[general]\nblock-rpcs=guest-exec\n' } });
    expect(env).toMatchObject({ configPath: '/tmp/q.conf', blocked: ['guest-exec'] });
  });

  it('fatal config errors stop the agent (no group, bad line, bad escape, bad boolean)', () => {
    for (const t of ['block-rpcs=guest-exec\n', '[general]\n; comment\n', '[general]\nblock-rpcs=a\\,b\n', '[general]\nverbose=yes\n', '[a[b]\n']) {
      const r = analyzeQgaFilter({ argv: ['qemu-ga'], version: V72, files: { [CONF]: t } });
      expect(r.starts).toBe(false);
      expect(r.problems.some((p) => p.level === 'error')).toBe(true);
    }
  });

  it('getoptLong: abbreviations, ambiguity, clusters, optional args, "--", permutation', () => {
    const r = analyzeQgaFilter({ argv: ['qemu-ga', 'x', '--bl=guest-exec', '-vbguest-ping', '-F', '-b', 'guest-info', '--', '-b', 'guest-shutdown'], version: V72 });
    expect(r.blocked).toEqual(['guest-ping', 'guest-info', 'guest-exec']);
    expect(r.strayArguments.map((a) => a.value)).toEqual(['x', '-b', 'guest-shutdown']);
    const amb = analyzeQgaFilter({ argv: ['qemu-ga', '--d'], version: V72 });
    expect(amb.starts).toBe(false);
    expect(amb.problems[0].message).toMatch(/ambiguous/);
    expect(analyzeQgaFilter({ argv: ['qemu-ga', '--verbose=1'], version: V72 }).starts).toBe(false);
    expect(analyzeQgaFilter({ argv: ['qemu-ga', '-b', '?'], version: V72 }).starts).toBe(false);
    const g = getoptLong([{ value: 'p' }, { value: 'pos' }, { value: '-v' }], [{ id: 'verbose', short: 'v', longs: ['verbose'], arg: 0 }], true);
    expect(g.options).toEqual([]);
    expect(g.positional.map((a: QgaArg) => a.value)).toEqual(['pos', '-v']);
  });

  it('parseKeyFile keeps trailing whitespace and strips leading whitespace of values', () => {
    const kf = parseKeyFile('  [general]  \n\tblock-rpcs\t= guest-exec \r\n', 'f');
    expect(kf.loadError).toBeUndefined();
    expect(kf.entries).toEqual([{ group: 'general', key: 'block-rpcs', raw: 'guest-exec ', location: { file: 'f', line: 2, column: 2 } }]);
  });
});

describe('parseGuestInfo', () => {
  const raw = '{"return": {"version": "7.2.22", "supported_commands": [{"enabled": true, "name": "guest-exec", "success-response": true}, {"enabled": false, "name": "guest-get-devices", "success-response": true}, {"enabled": false, "name": "guest-file-open", "success-response": true}, {"enabled": true, "name": "guest-shutdown", "success-response": false}]}}\n';
  it('reads the raw agent reply and separates platform-unsupported from filtered commands', () => {
    const r = parseGuestInfo(raw);
    expect(r.problems).toEqual([]);
    expect(r.value).toEqual({
      version: '7.2.22',
      commands: [
        { name: 'guest-exec', enabled: true, successResponse: true },
        { name: 'guest-get-devices', enabled: false, successResponse: true },
        { name: 'guest-file-open', enabled: false, successResponse: true },
        { name: 'guest-shutdown', enabled: true, successResponse: false },
      ],
      enabled: ['guest-exec', 'guest-shutdown'],
      disabled: ['guest-get-devices', 'guest-file-open'],
      platformUnsupported: ['guest-get-devices'],
      filtered: ['guest-file-open'],
    });
  });
  it('reads the compact virsh form, --pretty form and the bare object', () => {
    const compact = JSON.stringify(JSON.parse(raw));
    expect(parseGuestInfo(compact).value?.enabled).toEqual(['guest-exec', 'guest-shutdown']);
    expect(parseGuestInfo(JSON.stringify(JSON.parse(raw), null, 2)).value?.disabled).toHaveLength(2);
    expect(parseGuestInfo(JSON.stringify(JSON.parse(raw).return)).value?.version).toBe('7.2.22');
  });
  it('turns errors and garbage into problems', () => {
    expect(codes(parseGuestInfo('{"error": {"class": "CommandNotFound", "desc": "Command guest-info has been disabled"}}').problems)).toEqual(['qga.guest-info-error']);
    expect(codes(parseGuestInfo('not json').problems)).toEqual(['qga.guest-info-json']);
    expect(codes(parseGuestInfo('[]').problems)).toEqual(['qga.guest-info-shape']);
    expect(codes(parseGuestInfo('{"return": {}}').problems)).toEqual(['qga.guest-info-shape']);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Oracle: the real qemu-ga 7.2 on a UNIX socket.

interface AgentRun {
  exitCode?: number | null;
  info?: ReturnType<typeof parseGuestInfo>['value'];
  stderr: string;
}

const QGA = fs.existsSync('/usr/sbin/qemu-ga') ? '/usr/sbin/qemu-ga' : 'qemu-ga';

describeWithOracles(['qemu-ga'], 'qemu-ga 7.2 oracle', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let version = V72;

  beforeAll(() => {
    const out = spawnSync(QGA, ['-V'], { encoding: 'utf8' }).stdout;
    version = /(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? V72;
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-qga-'));
  });
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Start the agent with `args` (after our transport flags) and the given config; ask guest-info. */
  async function runAgent(args: string[], conf?: string): Promise<AgentRun> {
    const confPath = path.join(dir, 'qemu-ga.conf');
    fs.rmSync(confPath, { force: true });
    if (conf !== undefined) fs.writeFileSync(confPath, conf);
    const sock = path.join(dir, 'qga.sock');
    fs.rmSync(sock, { force: true });
    const p = spawn(QGA, ['-m', 'unix-listen', '-p', sock, '-t', dir, '-f', path.join(dir, 'qga.pid'), ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', QGA_CONF: confPath },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = p;
    let stderr = '';
    p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((res) => p.on('exit', (code) => res(code)));
    for (let i = 0; i < 200; i++) {
      if (p.exitCode !== null) break;
      if (fs.existsSync(sock)) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    if (!fs.existsSync(sock)) return { exitCode: await exited, stderr };
    const ask = (): Promise<string> => new Promise<string>((resolve, reject) => {
      const c = net.createConnection(sock);
      let buf = '';
      c.on('data', (d) => {
        buf += d.toString();
        if (buf.includes('\n')) {
          c.end();
          resolve(buf);
        }
      });
      c.on('error', reject);
      c.write('{"execute":"guest-info"}\n');
    });
    let line = '';
    for (let attempt = 0; ; attempt++) {
      try {
        line = await ask();
        break;
      } catch (e) {
        // the socket file appears at bind(), slightly before listen()
        if (attempt > 40) throw e;
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    p.kill('SIGTERM');
    await exited;
    const parsed = parseGuestInfo(line);
    expect(parsed.problems).toEqual([]);
    return { info: parsed.value, stderr };
  }

  async function check(userArgs: string[], conf?: string): Promise<ReturnType<typeof analyzeQgaFilter>> {
    const confPath = path.join(dir, 'qemu-ga.conf');
    const ours = analyzeQgaFilter({
      argv: ['/usr/sbin/qemu-ga', ...userArgs],
      version,
      env: { QGA_CONF: confPath },
      files: conf === undefined ? {} : { [confPath]: conf },
    });
    const real = await runAgent(userArgs, conf);
    if (!ours.starts) {
      expect(real.exitCode).not.toBe(0);
      expect(real.info).toBeUndefined();
      return ours;
    }
    expect(real.info).toBeDefined();
    expect(real.info!.version).toBe(version);
    expect(ours.enabled.slice().sort()).toEqual(real.info!.enabled.slice().sort());
    expect(ours.platformUnsupported).toEqual(real.info!.platformUnsupported);
    expect(ours.blocked.slice().sort()).toEqual(real.info!.filtered.slice().sort());
    return ours;
  }

  it('knows exactly the RPCs the agent lists (data file is current)', () => {
    const out = spawnSync(QGA, ['--blacklist=?'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    expect(out).toEqual([...QGA_72_RPCS]);
  });

  it("the guide's space-separated --blacklist blocks only the first RPC", async () => {
    const ours = await check(['--blacklist=guest-file-open', 'guest-file-close', 'guest-file-read']);
    expect(ours.blocked).toEqual(['guest-file-open']);
  });

  it('the same list via systemd ExecStart with a \\ continuation, as the guide writes it', async () => {
    const files = {
      '/usr/lib/systemd/system/qemu-guest-agent.service': '[Service]\nExecStart=-/usr/bin/qemu-ga \\\n    --blacklist=guest-file-open guest-file-close\n',
    };
    const argv = resolveServiceExecStart('qemu-guest-agent.service', { files }).value.commands[0].argv.map((w) => w.value);
    await check(argv.slice(1));
  });

  it('comma lists, -b clusters, abbreviations and config lists accumulate', async () => {
    const ours = await check(['-vbguest-exec,guest-file-open', '--bl=guest-set-time'], '[general]\nblock-rpcs=guest-ping,guest-get-time\n');
    expect(ours.blocked).toHaveLength(5);
  });

  it('a ;-separated or space-separated config list blocks nothing', async () => {
    expect((await check([], '[general]\nblock-rpcs=guest-exec;guest-file-open\n')).blocked).toEqual([]);
    expect((await check(['--block-rpcs=guest-shutdown'], '[general]\nblock-rpcs = guest-exec , guest-ping\n')).blocked).toEqual(['guest-shutdown']);
  });

  it("legacy 'blacklist' key shadows 'block-rpcs'; [General] is ignored; no config = defaults", async () => {
    expect((await check([], '[general]\nblacklist=guest-exec\nblock-rpcs=guest-file-read\n')).blocked).toEqual(['guest-exec']);
    expect((await check([], '[General]\nblock-rpcs=guest-exec\n')).blocked).toEqual([]);
    expect((await check([])).enabled).toHaveLength(QGA_72_RPCS.length - 1);
  });

  it('agrees on start failures: key outside a group, "; comment", bad escape, --allow-rpcs on 7.2, missing argument', async () => {
    await check([], 'block-rpcs=guest-exec\n');
    await check([], '[general]\n; not a GLib comment\nblock-rpcs=guest-exec\n');
    await check([], '[general]\nblock-rpcs=guest-exec\\,guest-ping\n');
    await check(['--allow-rpcs=guest-ping']);
    await check(['-b']);
  });

  it('-D dumps the block list we compute from config + argv', () => {
    const confPath = path.join(dir, 'd.conf');
    const cases: [string, string[]][] = [
      ['[general]\nblock-rpcs=guest-exec,guest-file-open\n', ['-b', 'guest-ping', '--blacklist=guest-info']],
      ['[general]\nblacklist=guest-exec\nblock-rpcs=guest-file-read\n', []],
      ['[general]\nblock-rpcs=guest-exec\nblock-rpcs=guest-file-open\n', ['x', '-bguest-shutdown']],
    ];
    for (const [conf, args] of cases) {
      fs.writeFileSync(confPath, conf);
      const out = spawnSync(QGA, ['-D', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', QGA_CONF: confPath } });
      expect(out.status).toBe(0);
      const dumped = /^block-rpcs=(.*)$/m.exec(out.stdout)![1].split(',').filter(Boolean).sort();
      const ours = analyzeQgaFilter({ argv: ['qemu-ga', ...args], version, env: { QGA_CONF: confPath }, files: { [confPath]: conf } });
      expect(ours.blockList.map((i) => i.name).sort()).toEqual(dumped);
    }
  });
});
