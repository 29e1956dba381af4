import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectEvidence } from '../../src/collect/collect';
import type { EvidenceBundle } from '../../src/collect/evidence';
import { LocalRunner } from '../../src/collect/local';
import { HOST_GUEST_AGENT_ITEM, HOST_MANIFEST, manifestFor, type ManifestItem } from '../../src/collect/manifest';
import { serializeSnapshot } from '../../src/collect/snapshot';
import ScanHost from '../../src/commands/scan/host';
import { parseDomainXml } from '../../src/facts/domain/build';
import { loadRules } from '../../src/engine/rule-loader';
import { ScanAccumulator } from '../../src/engine/scan';
import { hostGuestAgents, scanHostBundle } from '../../src/engine/scan-host';
import { describeWithOracles } from '../helpers/oracle';

/**
 * `scan host --guests`: recorded agent replies in a host bundle through the CLI command, the real qemu-ga's reply
 * through the same mapping, and the manifest item's `each` snippet against real virsh (test driver).
 */
const ROOT = path.join(__dirname, '..', '..');
const HOST = path.join(ROOT, 'fixtures', 'hosts', 'openeuler-hardened');
const REPLIES = path.join(ROOT, 'test', 'fixtures', 'guest-agent');
const reply = (n: string) => fs.readFileSync(path.join(REPLIES, n), 'utf8');
const xml = (n: string) => fs.readFileSync(path.join(HOST, 'etc/libvirt/qemu', `${n}.xml`), 'utf8');
const cmd = (id: string, stdout: string, exitCode = 0, stderr = '') => ({ id, state: 'ok' as const, exitCode, stdout, stderr });

let dir: string;
let host: EvidenceBundle;

/** The fixture host as collected, plus what a live collection with --guests would have recorded. */
function withAgents(base: EvidenceBundle): EvidenceBundle {
  const web02 = xml('web01').replace('<name>web01</name>', '<name>web02</name>').replace('6b3f1c1e-2a7d-4e55-9d0a-1f3c5b7a9e01', '6b3f1c1e-2a7d-4e55-9d0a-1f3c5b7a9e02');
  const build01 = xml('build01').replace(/ *<channel type='unix'>\s*<target type='virtio' name='org.qemu.guest_agent.0'\/>\s*<\/channel>\n/, '');
  expect(build01).not.toContain('guest_agent');
  const c: EvidenceBundle['commands'] = {
    ...base.commands,
    'virsh.list.running': cmd('virsh.list.running', 'web01\ndb01\nweb02\nbuild01\n\n'),
    'virsh.dumpxml:web01': cmd('virsh.dumpxml:web01', xml('web01')),
    'virsh.dumpxml:db01': cmd('virsh.dumpxml:db01', xml('db01')),
    'virsh.dumpxml:web02': cmd('virsh.dumpxml:web02', web02),
    'virsh.dumpxml:build01': cmd('virsh.dumpxml:build01', build01),
    'virsh.guest-info': cmd('virsh.guest-info', 'web01\ndb01\nweb02'),
    'virsh.guest-info:web01': cmd('virsh.guest-info:web01', reply('qemu-ga-7.2-default.json')),
    'virsh.guest-info:db01': cmd('virsh.guest-info:db01', reply('qemu-ga-7.2-blocked.json')),
    'virsh.guest-info:web02': cmd('virsh.guest-info:web02', '', 1, 'error: Guest agent is not responding: QEMU guest agent is not connected\n'),
  };
  return { ...base, commands: c };
}

async function runHost(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  let code = 0;
  try {
    await ScanHost.run(args, ROOT);
  } catch (err) {
    const x = (err as { oclif?: { exit?: number } }).oclif?.exit;
    if (x === undefined) throw err;
    code = x;
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  return { code, out };
}

interface Report {
  targets: { kind: string; name: string }[];
  findings: { ruleId: string; target: { kind: string; name: string }; location: { file: string; line: number } | null; message: string }[];
  notEvaluated: { ruleId: string; target: { name: string }; reason: string }[];
  errors: { target: { kind: string; name: string }; kind: string; message: string }[];
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-e2e-agents-'));
  host = await collectEvidence(new LocalRunner(), { kind: 'host', root: HOST, live: false, name: 'hv01', fixtureMeta: `${HOST}.meta.json` });
  fs.writeFileSync(path.join(dir, 'hv01.json'), serializeSnapshot(withAgents(host)));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('scan host --guests with recorded agent replies (snapshot)', () => {
  let report: Report;
  let code: number;
  beforeAll(async () => {
    const r = await runHost(['--snapshot', path.join(dir, 'hv01.json'), '--guests', '--format', 'json']);
    code = r.code;
    report = JSON.parse(r.out) as Report;
  });
  const guest = (d: string) => ({ kind: 'guest', name: `hv01/${d}` });

  it('audits every running domain as a guest <host>/<domain>', () => {
    expect(code).toBe(1); // web01's agent leaves the file and exec RPCs enabled (high)
    expect(report.targets.filter((t) => t.kind === 'guest')).toEqual(['build01', 'db01', 'web01', 'web02'].map(guest));
  });

  it("maps each reply to GUEST-QGA-002: all enabled on web01, blocked on db01", () => {
    const qga = report.findings.filter((f) => f.ruleId === 'GUEST-QGA-002');
    expect(qga.map((f) => f.target)).toEqual([guest('web01')]);
    expect(qga[0].message).toMatch(/per its guest-info reply\) leaves guest-file-open, guest-file-close, .*guest-ssh-remove-authorized-keys enabled/);
    expect(report.notEvaluated.filter((n) => n.target.name === 'hv01/db01' && n.ruleId === 'GUEST-QGA-002')).toEqual([]);
  });

  it('reports a domain without an agent channel and an unresponsive agent as such', () => {
    const errs = report.errors.filter((e) => e.target.kind === 'guest').map((e) => `${e.target.name} ${e.kind}`);
    expect(errs).toEqual(['hv01/build01 no-agent-channel', 'hv01/web02 agent-unresponsive']);
    expect(report.errors.find((e) => e.target.name === 'hv01/web02')!.message).toMatch(/Guest agent is not responding/);
  });

  it("cross-checks TPM with the domain's <tpm>: none defined → GUEST-TPM-001 at the definition; defined → not evaluated, naming it", () => {
    const tpm1 = report.findings.filter((f) => f.ruleId === 'GUEST-TPM-001');
    expect(tpm1.map((f) => `${f.target.name} ${f.location?.file}`)).toEqual(['hv01/db01 command:virsh.dumpxml:db01']);
    const web01 = report.notEvaluated.find((n) => n.target.name === 'hv01/web01' && n.ruleId === 'GUEST-TPM-001')!;
    expect(web01.reason).toMatch(/the domain defines <tpm model='tpm-crb'> \(backend emulator 2\.0\) at command:virsh\.dumpxml:web01:\d+; whether the guest binds it is visible only in the guest/);
    expect(report.notEvaluated.find((n) => n.target.name === 'hv01/db01' && n.ruleId === 'GUEST-TPM-002')!.reason).toMatch(/the domain defines no <tpm>/);
  });

  it('without --guests no guest is audited; with --guests but no agent answers the host says why', async () => {
    const plain = JSON.parse((await runHost(['--snapshot', path.join(dir, 'hv01.json'), '--format', 'json'])).out) as Report;
    expect(plain.targets.filter((t) => t.kind === 'guest')).toEqual([]);
    fs.writeFileSync(path.join(dir, 'plain.json'), serializeSnapshot(host));
    const r = await runHost(['--snapshot', path.join(dir, 'plain.json'), '--guests', '--format', 'json']);
    const rep = JSON.parse(r.out) as Report;
    expect(rep.errors.filter((e) => e.kind === 'guests-unavailable').map((e) => e.message)).toEqual(['hv01: --guests: running domains unknown (virsh list: not-applicable)']);
  });

  it('--guests adds exactly the agent item to the host manifest', () => {
    expect(manifestFor('host', { guestAgents: true })).toEqual([...HOST_MANIFEST, HOST_GUEST_AGENT_ITEM]);
    expect(manifestFor('host')).toBe(HOST_MANIFEST);
  });
});

// ---------------------------------------------------------------------------------------------------------

const QGA = fs.existsSync('/usr/sbin/qemu-ga') ? '/usr/sbin/qemu-ga' : 'qemu-ga';

/** The real agent on a UNIX socket (as in test/fixtures/guests.test.ts): its raw guest-info reply. */
async function agentGuestInfo(d: string, args: string[]): Promise<string> {
  const sock = path.join(d, 'qga.sock');
  const child: ChildProcess = spawn(QGA, ['-m', 'unix-listen', '-p', sock, '-t', d, '-f', path.join(d, 'qga.pid'), ...args], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', QGA_CONF: path.join(d, 'none.conf') }, stdio: 'ignore' });
  const exited = new Promise((r) => child.on('exit', r));
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      if (child.exitCode !== null) throw new Error(`qemu-ga exited with ${child.exitCode}`);
      if (fs.existsSync(sock)) {
        try {
          return await new Promise<string>((resolve, reject) => {
            const c = net.createConnection(sock);
            let buf = '';
            c.on('data', (x) => {
              buf += x.toString();
              if (buf.includes('\n')) {
                c.end();
                resolve(buf.trim());
              }
            });
            c.on('error', reject);
            c.write('{"execute":"guest-info"}\n');
          });
        } catch {
          /* bound but not yet listening */
        }
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('qemu-ga did not answer');
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  }
}

describeWithOracles(['qemu-ga'], 'scan host --guests mapping with a real qemu-ga reply', () => {
  it('a running agent blocking only guest-exec: the host-side audit names the file RPCs it leaves enabled', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-qga-'));
    try {
      const live = await agentGuestInfo(d, ['--block-rpcs=guest-exec,guest-exec-status']);
      const bundle = withAgents(host);
      bundle.commands['virsh.guest-info:db01'] = cmd('virsh.guest-info:db01', live);
      const rules = loadRules().rules.map((l) => l.rule);
      const acc = new ScanAccumulator(rules);
      scanHostBundle(acc, bundle, { guests: true });
      const f = acc.result().findings.filter((x) => x.ruleId === 'GUEST-QGA-002' && x.target.name === 'hv01/db01');
      expect(f).toHaveLength(1);
      expect(f[0].message).toMatch(/^qemu-ga 7\.\d+\.\d+ \(per its guest-info reply\) leaves guest-file-open, guest-file-close, guest-file-read, guest-file-write, guest-file-seek, guest-file-flush, guest-set-user-password, guest-ssh-add-authorized-keys, guest-ssh-remove-authorized-keys enabled/);
      const domains = ['db01', 'web01'].map((n) => parseDomainXml(xml(n), `command:virsh.dumpxml:${n}`)).flatMap((p) => (p.ok ? [p.domain] : []));
      const mapped = hostGuestAgents(bundle, domains);
      expect('agents' in mapped && mapped.agents.find((a) => a.domain === 'db01')!.reply).toEqual({ json: live });
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });
});

describeWithOracles(['virsh'], "the agent item's `each` snippet against real virsh (test driver)", () => {
  it('lists only running domains with an agent channel; the agent command reaches virsh with the name as "$1"', async () => {
    // A test-driver node: one running domain with a channel (name with a quote and spaces), one without.
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-virsh-'));
    try {
      const dom = (name: string, channel: boolean) =>
        `<domain type='test'><name>${name}</name><memory>65536</memory><os><type>hvm</type></os><devices>${channel ? "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>" : ''}</devices></domain>`;
      const node = path.join(d, 'node.xml');
      fs.writeFileSync(node, `<node>${dom("it's a vm; x", true)}${dom('plain', false)}</node>`);
      const swap = (s: string) => s.split('qemu:///system').join(`test://${node}`);
      const it0 = HOST_GUEST_AGENT_ITEM as Extract<ManifestItem, { kind: 'command' }>;
      const item: ManifestItem = { ...it0, each: swap(it0.each!), script: swap(it0.script) };
      const b = await collectEvidence(new LocalRunner(), { kind: 'host', live: true, name: 't', items: [item] });
      expect(b.commands['virsh.guest-info']).toMatchObject({ state: 'ok', stdout: "it's a vm; x" });
      // The test driver has no agent: the real virsh error comes back for the right domain.
      expect(b.commands["virsh.guest-info:it's a vm; x"]).toMatchObject({ state: 'ok', exitCode: 1, stderr: expect.stringContaining('not supported by the connection driver') });
      expect(Object.keys(b.commands).sort()).toEqual(['virsh.guest-info', "virsh.guest-info:it's a vm; x"]);
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });
});
