/**
 * Host key verdicts against `ssh` itself (OpenSSH 9.2 on Debian 12): for a table of known_hosts / ssh_config
 * layouts, `ssh -F cfg -o BatchMode=yes -o StrictHostKeyChecking=yes|accept-new TARGET true` and vmaudit's
 * SshRunner (with and without --accept-new-host-keys) connect to the same real sshd with the same files; the
 * verdicts (ok / unknown / changed / revoked / ip-changed) must agree, and under accept-new vmaudit must append
 * exactly what ssh appends. Both run in a private mount namespace whose /etc/hosts names the test addresses
 * (`lo.test` → 127.0.0.1, `hv.test` → a non-loopback address of this machine, for CheckHostIP, which ssh
 * switches off for loopback peers). vmaudit's side runs from dist/ (test/collect/ssh/host-key-driver.js).
 *
 * Deliberate differences, asserted as such: ssh's accept-new trusts an unknown plain key of a host that a
 * `@cert-authority` line covers (vmaudit does not verify host certificates and refuses); when CheckHostIP finds
 * another key for the address of a new host, ssh appends the host line before refusing (vmaudit refuses without
 * writing).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeWithOracles } from '../../helpers/oracle';
import { startSshd, type Sshd } from './sshd-harness';

const REPO = path.resolve(__dirname, '..', '..', '..');
const DRIVER = path.join(__dirname, 'host-key-driver.js');
const RUNNER_JS = path.join(REPO, 'dist', 'collect', 'ssh', 'runner.js');

type Verdict = 'ok' | 'unknown' | 'changed' | 'revoked' | 'ip-changed';

interface Case {
  id: string;
  target: string;
  /** ssh_config lines placed before the common `Host *` block (first obtained value wins). */
  config?: string[];
  kh1?: string[];
  kh2?: string[];
  global?: string[];
  /** Hash kh1 with `ssh-keygen -H` (HashKnownHosts-style entries). */
  hash?: boolean;
  /** What ssh says under StrictHostKeyChecking=yes (the table's intent; ssh is the judge). */
  strict: Verdict;
  /** Under accept-new, when it differs from `strict`. */
  acceptNew?: Verdict;
  /** Needs a non-loopback address (CheckHostIP). */
  needsIp?: boolean;
  /** A deliberate difference under accept-new: vmaudit's verdict, and why. */
  vmAcceptNew?: { verdict: Verdict; why: string };
}

function nonLoopbackIpv4(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

function sshVerdict(r: { status: number | null; stderr: string }): string {
  if (r.status === 0) return 'ok';
  if (/REVOKED HOST KEY DETECTED/.test(r.stderr)) return 'revoked';
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED/.test(r.stderr)) return 'changed';
  // checked before the address warning, which the port-less retry may print on its way to this final error
  if (/No \S+ host key is known for/.test(r.stderr)) return 'unknown';
  if (/differs from the key for the IP address/.test(r.stderr)) return 'ip-changed';
  if (/Host key verification failed/.test(r.stderr)) return 'unknown';
  return `other (${r.status}): ${r.stderr.trim()}`;
}

function vmVerdict(r: { ok: boolean; kind?: string; message?: string; exitCode?: number }): string {
  if (r.ok) return r.exitCode === 0 ? 'ok' : `exit ${r.exitCode}`;
  if (r.kind === 'host-key-changed' && /@revoked/.test(r.message!)) return 'revoked';
  if (r.kind === 'host-key-changed' && /REMOTE HOST IDENTIFICATION HAS CHANGED/.test(r.message!)) return 'changed';
  if (r.kind === 'host-key-changed' && /for its address/.test(r.message!)) return 'ip-changed';
  if (r.kind === 'host-key-unknown') return 'unknown';
  return `other ${r.kind}: ${r.message}`;
}

const IP = nonLoopbackIpv4();

describeWithOracles(['sshd', 'ssh', 'ssh-keygen', 'unshare', 'mount'], 'host key verdicts agree with ssh (real sshd, same files)', () => {
  let sshd: Sshd;
  let work: string;
  let keys: { K: string; O: string; E: string };
  let results: { id: string; policy: string; ssh: { status: number | null; stderr: string }; vm: { ok: boolean; kind?: string; message?: string; exitCode?: number } }[];
  const files = new Map<string, { ssh: string; vm: string; initial: string }>();

  const CASES: Case[] = [
    { id: 'listed under [host]:port', target: '127.0.0.1', kh1: ['[127.0.0.1]:{P} {K}'], strict: 'ok' },
    { id: 'another key under [host]:port', target: '127.0.0.1', kh1: ['[127.0.0.1]:{P} {O}'], strict: 'changed' },
    { id: 'nothing listed', target: 'lo.test', kh1: [], strict: 'unknown', acceptNew: 'ok' },
    { id: 'bare name, same key (port-less retry)', target: '127.0.0.1', kh1: ['127.0.0.1 {K}'], strict: 'ok' },
    { id: 'bare name, another key', target: '127.0.0.1', kh1: ['127.0.0.1 {O}'], strict: 'unknown', acceptNew: 'ok' },
    { id: 'only a key of another type', target: '127.0.0.1', kh1: ['[127.0.0.1]:{P} {E}'], strict: 'changed' },
    { id: '@revoked and listed', target: '127.0.0.1', kh1: ['@revoked [127.0.0.1]:{P} {K}', '[127.0.0.1]:{P} {K}'], strict: 'revoked' },
    { id: '@revoked for *', target: 'lo.test', kh1: ['@revoked * {K}'], strict: 'revoked' },
    { id: 'HostKeyAlias listed', target: 'kvm1', kh1: ['kvm1.alias {K}'], strict: 'ok' },
    { id: 'HostKeyAlias only as [alias]:port', target: 'kvm1', kh1: ['[kvm1.alias]:{P} {K}'], strict: 'unknown', acceptNew: 'ok' },
    { id: 'HostKeyAlias with another key (issue 15)', target: 'kvm1', kh1: ['kvm1.alias {O}', '[kvm1.alias]:{P} {K}'], strict: 'changed' },
    { id: 'HostKeyAlias written in capitals', target: 'kvm2', kh1: ['kvm2.alias {O}'], strict: 'changed' },
    { id: 'HostKeyAlias entry in capitals', target: 'kvm1', kh1: ['KVM1.Alias {K}'], strict: 'ok' },
    { id: 'hashed, listed', target: '127.0.0.1', kh1: ['[127.0.0.1]:{P} {K}'], hash: true, strict: 'ok' },
    { id: 'hashed, another key', target: 'lo.test', kh1: ['[lo.test]:{P} {O}'], hash: true, strict: 'changed' },
    { id: 'hashed alias, another key', target: 'kvm1', kh1: ['kvm1.alias {O}'], hash: true, strict: 'changed' },
    { id: 'hashed from a name in capitals (ssh-keygen -H hashes it lower-cased)', target: 'kvm1', kh1: ['KVM1.alias {O}'], hash: true, strict: 'changed' },
    { id: 'negated pattern vetoes', target: '127.0.0.1', kh1: ['[127.0.0.*]:{P},![127.0.0.1]:{P} {O}'], strict: 'unknown', acceptNew: 'ok' },
    { id: 'negated pattern elsewhere', target: '127.0.0.1', kh1: ['[127.0.0.*]:{P},![127.0.0.2]:{P} {O}'], strict: 'changed' },
    { id: 'wildcards', target: '127.0.0.1', kh1: ['[127.0.0.?]:{P} {K}'], strict: 'ok' },
    { id: 'wildcard on the bare name', target: 'lo.test', kh1: ['*.test {K}'], strict: 'ok' },
    { id: 'second UserKnownHostsFile', target: '127.0.0.1', kh1: [], kh2: ['[127.0.0.1]:{P} {K}'], strict: 'ok' },
    { id: 'first file another key, second the key', target: '127.0.0.1', kh1: ['[127.0.0.1]:{P} {O}'], kh2: ['[127.0.0.1]:{P} {K}'], strict: 'ok' },
    { id: 'GlobalKnownHostsFile another key', target: '127.0.0.1', kh1: [], global: ['[127.0.0.1]:{P} {O}'], strict: 'changed' },
    { id: 'GlobalKnownHostsFile listed', target: 'lo.test', kh1: [], global: ['[lo.test]:{P} {K}'], strict: 'ok' },
    { id: 'revoked in the global file', target: '127.0.0.1', kh1: ['[127.0.0.1]:{P} {K}'], global: ['@revoked [127.0.0.1]:{P} {K}'], strict: 'revoked' },
    {
      id: '@cert-authority only',
      target: '127.0.0.1',
      kh1: ['@cert-authority [127.0.0.1]:{P} {K}'],
      strict: 'unknown',
      acceptNew: 'ok',
      vmAcceptNew: { verdict: 'unknown', why: 'vmaudit does not verify host certificates: a host under a CA is refused' },
    },
    { id: 'UserKnownHostsFile none', target: 'nofile', global: [], strict: 'unknown' },
    // CheckHostIP (hv.test is a non-loopback address of this machine)
    { id: 'CheckHostIP: host and address listed', target: 'hv.test', kh1: ['[hv.test]:{P} {K}', '[{IP}]:{P} {K}'], strict: 'ok', needsIp: true },
    { id: 'CheckHostIP: address not listed', target: 'hv.test', kh1: ['[hv.test]:{P} {K}'], strict: 'ok', needsIp: true },
    { id: 'CheckHostIP: address has another key', target: 'hv.test', kh1: ['[hv.test]:{P} {K}', '[{IP}]:{P} {O}'], strict: 'ip-changed', needsIp: true },
    { id: 'CheckHostIP: host has another key', target: 'hv.test', kh1: ['[hv.test]:{P} {O}', '[{IP}]:{P} {K}'], strict: 'changed', needsIp: true },
    { id: 'CheckHostIP: nothing listed', target: 'hv.test', kh1: [], strict: 'unknown', acceptNew: 'ok', needsIp: true },
    {
      id: 'CheckHostIP: new host, address has another key',
      target: 'hv.test',
      kh1: ['[{IP}]:{P} {O}'],
      strict: 'unknown',
      acceptNew: 'ip-changed',
      needsIp: true,
      vmAcceptNew: { verdict: 'ip-changed', why: 'same verdict; ssh appends the host line before refusing, vmaudit writes nothing' },
    },
    { id: 'CheckHostIP off: address has another key', target: 'hvoff', kh1: ['[hv.test]:{P} {K}', '[{IP}]:{P} {O}'], strict: 'ok', needsIp: true },
    { id: 'CheckHostIP with HashKnownHosts, nothing listed', target: 'hvhash', kh1: [], strict: 'unknown', acceptNew: 'ok', needsIp: true },
    { id: 'CheckHostIP: target is the address', target: '{IP}', kh1: ['[{IP}]:{P} {K}'], strict: 'ok', needsIp: true },
    { id: 'numeric form of the address', target: '{IPNUM}', kh1: ['[{IP}]:{P} {K}'], strict: 'ok', needsIp: true },
    { id: 'CheckHostIP: bare retry finds the host, address differs', target: 'hv.test', kh1: ['hv.test {K}', '{IP} {O}'], strict: 'unknown', acceptNew: 'ok', needsIp: true },
    { id: 'CheckHostIP with HostKeyAlias', target: 'hvalias', kh1: ['hv.alias {K}', '[{IP}]:{P} {O}'], strict: 'ip-changed', needsIp: true },
  ];
  const cases = CASES.filter((c) => !c.needsIp || IP !== undefined);

  beforeAll(async () => {
    sshd = await startSshd({ listenAddresses: IP ? ['127.0.0.1', IP] : ['127.0.0.1'] });
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-hko-'));
    const gen = (type: string): string => {
      const f = path.join(work, `key-${type}-${Math.random().toString(36).slice(2)}`);
      execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', f], { stdio: 'ignore' });
      return fs.readFileSync(`${f}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    };
    keys = { K: `${sshd.hostKeyType} ${sshd.hostKeyBase64}`, O: `${sshd.otherHostKey.type} ${sshd.otherHostKey.base64}`, E: gen('ecdsa') };
    const ipNum = IP ? String(IP.split('.').reduce((a, b) => a * 256 + Number(b), 0)) : '';
    const fill = (s: string): string =>
      s.replace(/\{P\}/g, String(sshd.port)).replace(/\{K\}/g, keys.K).replace(/\{O\}/g, keys.O).replace(/\{E\}/g, keys.E).replace(/\{IPNUM\}/g, ipNum).replace(/\{IP\}/g, IP ?? '');
    const user = os.userInfo().username;
    const list: object[] = [];
    cases.forEach((c, i) => {
      for (const policy of ['strict', 'accept-new']) {
        const paths = { ssh: '', vm: '', initial: '' };
        const cfgs = { ssh: '', vm: '' };
        for (const side of ['ssh', 'vm'] as const) {
          const dir = path.join(work, `c${i}-${policy}-${side}`);
          fs.mkdirSync(dir);
          const write = (name: string, lines: string[] | undefined): void => {
            if (lines !== undefined) fs.writeFileSync(path.join(dir, name), lines.map((l) => `${fill(l)}\n`).join(''));
          };
          write('kh1', c.kh1);
          write('kh2', c.kh2);
          write('global', c.global);
          if (c.hash) execFileSync('ssh-keygen', ['-H', '-f', path.join(dir, 'kh1')], { stdio: 'ignore' });
          const cfg = [
            'Host kvm1',
            '  HostName 127.0.0.1',
            '  HostKeyAlias kvm1.alias',
            'Host kvm2',
            '  HostName lo.test',
            '  HostKeyAlias KVM2.Alias',
            'Host nofile',
            '  HostName 127.0.0.1',
            '  UserKnownHostsFile none',
            'Host hv.test',
            '  CheckHostIP yes',
            'Host hvoff',
            '  HostName hv.test',
            '  CheckHostIP no',
            'Host hvhash',
            '  HostName hv.test',
            '  CheckHostIP yes',
            '  HashKnownHosts yes',
            'Host hvalias',
            '  HostName hv.test',
            '  CheckHostIP yes',
            '  HostKeyAlias hv.alias',
            ...(IP ? [`Host ${IP}`, '  CheckHostIP yes'] : []),
            'Host *',
            `  User ${user}`,
            `  Port ${sshd.port}`,
            `  IdentityFile ${sshd.clientKey}`,
            '  IdentitiesOnly yes',
            '  IdentityAgent none',
            `  UserKnownHostsFile ${dir}/kh1 ${dir}/kh2`,
            `  GlobalKnownHostsFile ${dir}/global`,
            '  StrictHostKeyChecking yes',
            '  UpdateHostKeys no',
            '  ConnectTimeout 15',
            '',
          ];
          fs.writeFileSync(path.join(dir, 'ssh_config'), cfg.join('\n'));
          paths[side] = path.join(dir, 'kh1');
          if (side === 'vm') paths.initial = fs.existsSync(paths.vm) ? fs.readFileSync(paths.vm, 'utf8') : '';
          cfgs[side] = path.join(dir, 'ssh_config');
        }
        files.set(`${c.id}/${policy}`, paths);
        list.push({ id: c.id, policy, target: fill(c.target), sshConfig: cfgs.ssh, vmConfig: cfgs.vm });
      }
    });
    fs.writeFileSync(path.join(work, 'cases.json'), JSON.stringify(list));
    const hosts = path.join(work, 'hosts');
    fs.writeFileSync(hosts, `127.0.0.1 localhost lo.test\n${IP ? `${IP} hv.test\n` : ''}`);
    // Asynchronously: sshd's log is read by this process (the harness), and a blocked event loop would stall sshd.
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(
        'unshare',
        ['-m', 'sh', '-c', 'mount --bind "$1" /etc/hosts && exec "$2" "$3" "$4" "$5"', 'sh', hosts, process.execPath, DRIVER, RUNNER_JS, path.join(work, 'cases.json')],
        { env: { ...process.env, SSH_AUTH_SOCK: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
    if (run.code !== 0) throw new Error(`driver failed (${run.code}): ${run.stderr}`);
    results = JSON.parse(run.stdout);
  }, 300_000);
  afterAll(async () => {
    await sshd?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('runs every layout through both (and ssh reaches every verdict)', () => {
    expect(results.length).toBe(cases.length * 2);
    const seen = new Set(results.map((r) => sshVerdict(r.ssh)));
    expect([...seen].sort()).toEqual(IP ? ['changed', 'ip-changed', 'ok', 'revoked', 'unknown'] : ['changed', 'ok', 'revoked', 'unknown']);
  });

  describe.each(['strict', 'accept-new'])('%s', (policy) => {
    it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
      const r = results.find((x) => x.id === c.id && x.policy === policy)!;
      const ssh = sshVerdict(r.ssh);
      const vm = vmVerdict(r.vm);
      const intent = policy === 'strict' ? c.strict : (c.acceptNew ?? c.strict);
      expect({ ssh }).toEqual({ ssh: intent });
      const f = files.get(`${c.id}/${policy}`)!;
      const read = (p: string): string => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '');
      if (policy === 'accept-new' && c.vmAcceptNew) {
        expect({ vm, why: c.vmAcceptNew.why }).toEqual({ vm: c.vmAcceptNew.verdict, why: c.vmAcceptNew.why });
        expect(read(f.vm)).toBe(f.initial); // vmaudit wrote nothing
        return;
      }
      expect({ vm, message: r.vm.message }).toEqual({ vm: ssh, message: r.vm.message });
      if (policy === 'strict') return;
      // accept-new: vmaudit appends what ssh appends (hashed lines differ by salt: compare what ssh-keygen -F finds)
      const sshText = read(f.ssh);
      const vmText = read(f.vm);
      if (/^\|1\|/m.test(sshText) && !c.hash) {
        const names = [`[hv.test]:${sshd.port}`, `[${IP}]:${sshd.port}`];
        for (const n of names) {
          const found = (p: string): string => spawnSync('ssh-keygen', ['-F', n, '-f', p], { encoding: 'utf8' }).stdout.replace(/^#.*\n/gm, '').split(' ').slice(1).join(' ');
          expect({ n, vm: found(f.vm) }).toEqual({ n, vm: found(f.ssh) });
        }
        expect(vmText.split('\n').length).toBe(sshText.split('\n').length);
      } else if (!c.hash) {
        expect(vmText).toBe(sshText);
      } else {
        expect(vmText.length).toBe(sshText.length);
      }
    });
  });

  it('under accept-new, a changed key is never recorded (the HostKeyAlias case of issue 15)', () => {
    const f = files.get('HostKeyAlias with another key (issue 15)/accept-new')!;
    expect(fs.readFileSync(f.vm, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  });
});
