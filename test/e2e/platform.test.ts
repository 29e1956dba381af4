import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../helpers/cli';
import { describeWithOracles } from '../helpers/oracle';
import { reportValidator, schemaErrors } from '../report/validators';

/**
 * Versions as facts: a rule whose verdict holds only for some versions (DOM-HPOLL-001: libvirt < 9.0) does not
 * apply where the version is known to be outside, says so where it is unknown, and reports name the versions used.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-platform-'));
const HINT = path.join(tmp, 'hint.xml');
fs.writeFileSync(
  HINT,
  `<domain type='kvm'>
  <name>hint</name>
  <memory>1048576</memory>
  <vcpu>2</vcpu>
  <features><kvm><hint-dedicated state='on'/></kvm></features>
  <os><type arch='x86_64'>hvm</type></os>
  <cpu mode='host-model'/>
</domain>
`,
);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Report {
  platform: { libvirt: string | null; qemu: string | null; kernel: string | null; source: Record<string, string> };
  findings: { ruleId: string; message: string }[];
}
const json = async (...args: string[]) => {
  const r = await runCli(['scan', 'domain', HINT, '-f', 'json', ...args]);
  return { code: r.code, report: r.code === 2 ? undefined : (JSON.parse(r.stdout) as Report), stderr: r.stderr };
};
const hpoll = (r: Report) => r.findings.filter((f) => f.ruleId === 'DOM-HPOLL-001').map((f) => f.message);

describe('platform versions (--platform, policy platform:, rule platform ranges)', () => {
  it('unknown version: the finding says which versions it holds for; the report says none was given', async () => {
    const { report } = await json();
    expect(report!.platform).toEqual({ libvirt: null, qemu: null, kernel: null, source: {} });
    expect(hpoll(report!)).toEqual([expect.stringContaining("[holds for libvirt <9.0; this target's version is unknown: give it with --platform or the policy's platform]")]);
    expect(schemaErrors(reportValidator(), report)).toEqual([]);
  });

  it('a known version outside the range: the rule does not apply; inside: the finding names it', async () => {
    const [new9, old6] = await Promise.all([json('--platform', 'libvirt=9.0'), json('--platform', 'libvirt=6.0.0,qemu=4.2')]);
    expect(hpoll(new9.report!)).toEqual([]);
    expect(new9.report!.platform).toEqual({ libvirt: '9.0', qemu: null, kernel: null, source: { libvirt: '--platform' } });
    expect(hpoll(old6.report!)).toEqual([expect.stringContaining('libvirt 6.0.0 may refuse to start the domain')]);
    expect(hpoll(old6.report!)[0]).not.toContain('holds for');
  });

  it("a policy's platform applies, and --platform overrides it", async () => {
    const policy = path.join(tmp, 'p.yaml');
    fs.writeFileSync(policy, 'name: on-nine\nplatform:\n  libvirt: "9.0.0"\n');
    const [fromPolicy, overridden] = await Promise.all([json('--policy', policy), json('--policy', policy, '--platform', 'libvirt=8.0')]);
    expect(fromPolicy.report!.platform.source).toEqual({ libvirt: 'policy on-nine' });
    expect(hpoll(fromPolicy.report!)).toEqual([]);
    expect(overridden.report!.platform.libvirt).toBe('8.0');
    expect(hpoll(overridden.report!)).toHaveLength(1);
  });

  it('a malformed --platform or policy platform is a usage error (exit 2), naming what is wrong', async () => {
    const bad = await json('--platform', 'libvirt=nine');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--platform 'libvirt=nine': 'nine' is not a version");
    const policy = path.join(tmp, 'bad.yaml');
    fs.writeFileSync(policy, 'platform:\n  libvirt: latest\n');
    const badPolicy = await json('--policy', policy);
    expect(badPolicy.code).toBe(2);
    expect(badPolicy.stderr).toMatch(/bad\.yaml:2:\d+ .*platform\/libvirt/);
  });
});

describeWithOracles(['libvirtd'], 'platform of a live host (this machine)', () => {
  it('scan host reads the libvirt version from the daemon itself, as `libvirtd --version` prints it', async () => {
    const expected = /\(libvirt\)\s+(\S+)/.exec(execFileSync('libvirtd', ['--version'], { encoding: 'utf8' }))![1];
    const r = await runCli(['scan', 'host', '-f', 'json', '--fail-on', 'none']);
    const report = JSON.parse(r.stdout) as { perTarget: { platform: { libvirt: string | null; kernel: string | null; source: Record<string, string> } }[] };
    expect(report.perTarget[0].platform.libvirt).toBe(expected);
    expect(report.perTarget[0].platform.source.libvirt).toBe('daemon --version');
    expect(report.perTarget[0].platform.kernel).toBe(/^\d+(\.\d+)*/.exec(os.release())![0]);
  });
});
