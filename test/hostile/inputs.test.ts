import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, runCli, type CliRun } from '../helpers/cli';

/**
 * The hostile-input corpus, generated at test time and run through the real CLI (issue 15): every input file the
 * CLI takes refuses a FIFO and /dev/zero with `FILE: reason` (no hang, no abort); YAML alias bombs, range bombs,
 * cpuset bombs and oversized evidence end in a clean error or a not-evaluated rule, never a verdict or a crash.
 *
 * Bounds are loose on purpose (a loaded 2-core CI machine): every CLI child runs with a 512 MB V8 heap
 * (--max-old-space-size), so a run that needs gigabytes aborts (exit -1/134) and fails the test instead of
 * passing slowly; each run must finish within 45 s (the FIFO cases used to hang forever).
 */
const HEAP = { NODE_OPTIONS: '--max-old-space-size=512' };
const DOMAIN = path.join(REPO_ROOT, 'fixtures', 'domains', 'good-nic.xml');
const HOST = path.join(REPO_ROOT, 'fixtures', 'hosts', 'guide-literal');
const HOST_META = path.join(REPO_ROOT, 'fixtures', 'hosts', 'guide-literal.meta.json');
const RUN_LIMIT_MS = 45_000;

let dir: string;
let fifo: string;

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun & { ms: number }> {
  const start = Date.now();
  const r = await runCli(args, { cwd: dir, env: { ...HEAP, ...env } });
  return { ...r, ms: Date.now() - start };
}

function expectRefused(r: CliRun & { ms: number }, file: string, code: number, kind: RegExp): void {
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code, stderr: expect.stringContaining(`${file}: `) });
  expect(r.stderr).toMatch(kind);
  expect(r.stderr).not.toMatch(/\n\s+at |RangeError|ReferenceError|bad_alloc/);
  expect(r.ms).toBeLessThan(RUN_LIMIT_MS);
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-hostile-'));
  fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.each([
  ['a FIFO', () => './fifo', /not a regular file \(FIFO\)/],
  ['/dev/zero', () => '/dev/zero', /not a regular file \(device\)/],
])('%s given as an input file: a clean error naming it, no hang, no abort', (_what, file, kind) => {
  it('--policy', async () => expectRefused(await cli(['scan', 'domain', DOMAIN, '--policy', file()]), file().replace(/^\.\//, ''), 2, kind));

  it('extends: in a policy', async () => {
    fs.writeFileSync(path.join(dir, 'ext.yaml'), `extends: ${file()}\n`);
    expectRefused(await cli(['scan', 'domain', DOMAIN, '--policy', './ext.yaml']), `ext.yaml:1:1 /extends: cannot read policy ${file().replace(/^\.\//, '')}`, 2, kind);
  });

  it('policy validate', async () => expectRefused(await cli(['policy', 'validate', file()]), file().replace(/^\.\//, ''), 2, kind));

  it('--baseline', async () => expectRefused(await cli(['scan', 'domain', DOMAIN, '--baseline', file()]), file(), 2, kind));

  it('--snapshot (a failed target: exit 3)', async () => expectRefused(await cli(['scan', 'host', '--snapshot', file()]), file(), 3, kind));

  it('a --rules entry', async () => {
    const rules = fs.mkdtempSync(path.join(dir, 'rules-'));
    fs.symlinkSync(path.resolve(dir, file()), path.join(rules, 'DOM-X-001.yaml'));
    expectRefused(await cli(['scan', 'domain', DOMAIN, '--rules', rules]), path.join(rules, 'DOM-X-001.yaml'), 2, kind);
  });

  it('--targets-file', async () => expectRefused(await cli(['scan', 'host', '--targets-file', file()]), file(), 2, kind));

  it('--inventory', async () => expectRefused(await cli(['scan', 'host', '--inventory', file()]), file(), 2, kind));

  it('--ssh-config', async () => expectRefused(await cli(['scan', 'host', '--target', 'ssh://u@127.0.0.1:1', '--ssh-config', file()]), file(), 2, kind));

  it('report merge', async () => expectRefused(await cli(['report', 'merge', file()]), file(), 2, kind));

  it('VMAUDIT_FIXTURE_META (a failed target: exit 3)', async () => {
    expectRefused(await cli(['scan', 'host', '--root', HOST], { VMAUDIT_FIXTURE_META: path.resolve(dir, file()) }), path.resolve(dir, file()), 3, kind);
  });

  it('known_hosts (and IdentityFile) do not block an SSH target', async () => {
    const key = path.join(dir, 'id_rsa');
    if (!fs.existsSync(key)) fs.writeFileSync(key, generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'pkcs1', format: 'pem' } }).privateKey, { mode: 0o600 });
    const cfg = path.join(dir, `ssh-config-${path.basename(file())}`);
    fs.writeFileSync(cfg, `Host *\n  IdentityFile ${key}\n  IdentityFile ${path.resolve(dir, file())}\n  UserKnownHostsFile ${path.resolve(dir, file())}\n  GlobalKnownHostsFile ${path.resolve(dir, file())}\n  IdentityAgent none\n`);
    // Nothing listens on port 1: the host fails (exit 3) after both files were opened, instead of hanging on them.
    const r = await cli(['scan', 'host', '--target', 'ssh://u@127.0.0.1:1', '--ssh-config', cfg, '--timeout', '20'], { SSH_AUTH_SOCK: undefined });
    expect(r.code).toBe(3);
    expect(r.stderr).not.toMatch(/\n\s+at |RangeError|bad_alloc/);
    expect(r.ms).toBeLessThan(RUN_LIMIT_MS);
  });
});

describe('bombs and malformed inputs', () => {
  it('a YAML alias bomb in a policy is "FILE: YAML: ...", exit 2 (was an uncaught ReferenceError, exit 1)', async () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
    fs.writeFileSync(path.join(dir, 'bomb.yaml'), `${levels.join('\n')}\n`);
    const r = await cli(['policy', 'validate', './bomb.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bomb\.yaml:1: YAML: Excessive alias count/);
    expect(r.stderr).not.toMatch(/ReferenceError|\n\s+at /);
  });

  it('inventory range products beyond 100k hosts are a clean error, not a RangeError', async () => {
    fs.writeFileSync(path.join(dir, 'inv.ini'), '[all]\nhv[0:999][0:999].example\n');
    const r = await cli(['scan', 'host', '--inventory', 'inv.ini']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/inv\.ini:2: hv\[0:999\]\[0:999\]\.example: .*too large \(more than 100000 hosts/);
    expect(r.stderr).not.toMatch(/RangeError|\n\s+at /);
    expect(r.ms).toBeLessThan(RUN_LIMIT_MS);
  });

  it('--baseline refuses malformed SARIF exactly as report merge does', async () => {
    fs.writeFileSync(path.join(dir, 'bad.sarif'), '{"version": "2.1.0",\n "runs": [{"results": [{"message": {"text": "m"}}]}]}\n');
    const merge = await cli(['report', 'merge', 'bad.sarif']);
    const base = await cli(['scan', 'domain', DOMAIN, '--baseline', 'bad.sarif']);
    expect([merge.code, base.code]).toEqual([2, 2]);
    const lines = (s: string) => s.split('\n').filter((l) => l.includes('bad.sarif:')).map((l) => l.slice(l.indexOf('bad.sarif:')));
    expect(lines(merge.stderr)).toContain('bad.sarif:2:11: /runs/0/tool: tool.driver is missing');
    expect(lines(base.stderr)).toEqual(lines(merge.stderr));
  });

  it('a 789 KB domain with 20,000 <vcpupin cpuset="0-16383"> is scanned within a 512 MB heap', async () => {
    const pins = Array.from({ length: 20000 }, (_, i) => `<vcpupin vcpu='${i % 16384}' cpuset='0-16383'/>`).join('\n');
    fs.writeFileSync(path.join(dir, 'pins.xml'), `<domain type='kvm'><name>pins</name><memory unit='KiB'>1048576</memory><vcpu placement='static'>16384</vcpu><cputune>\n${pins}\n</cputune><os><type arch='x86_64' machine='pc'>hvm</type></os></domain>\n`);
    const r = await cli(['scan', 'domain', 'pins.xml', '--format', 'json']);
    expect(r.code).toBe(1); // findings (duplicate pins of the same vCPU), not a crash
    expect(JSON.parse(r.stdout).summary.targetsFailed).toBe(0);
    expect(r.ms).toBeLessThan(RUN_LIMIT_MS);
  });

  it('distinct large cpusets beyond the per-document limit: that document is refused, the next one is scanned', async () => {
    const pins = Array.from({ length: 20000 }, (_, i) => `<vcpupin vcpu='${i % 16384}' cpuset='${i % 8000}-16383'/>`).join('\n');
    fs.writeFileSync(path.join(dir, 'pins2.xml'), `<domain type='kvm'><name>pins2</name><memory unit='KiB'>1048576</memory><vcpu placement='static'>16384</vcpu><cputune>\n${pins}\n</cputune><os><type arch='x86_64' machine='pc'>hvm</type></os></domain>\n`);
    const r = await cli(['scan', 'domain', 'pins2.xml', DOMAIN, '--format', 'json']);
    const report = JSON.parse(r.stdout);
    expect(report.summary.targets).toBe(2);
    // One report for the refused document: its fatal DOM-XML-001 finding (no separate scan error).
    expect(report.errors).toEqual([]);
    const refused = report.findings.filter((f: { target: { name: string } }) => f.target.name === 'pins2.xml');
    expect(refused).toEqual([expect.objectContaining({ ruleId: 'DOM-XML-001', message: expect.stringMatching(/more than 1048576 CPU numbers in total \(document limit\)/) })]);
    expect(report.summary.targetsFailed).toBe(1); // the other file was scanned
    expect(r.ms).toBeLessThan(RUN_LIMIT_MS);
  });
});

describe('evidence over the limit is never judged on its first part', () => {
  const scanRoot = async (root: string) => {
    const r = await cli(['scan', 'host', '--root', root, '--format', 'json'], { VMAUDIT_FIXTURE_META: HOST_META });
    return JSON.parse(r.stdout) as { findings: { ruleId: string }[]; notEvaluated: { ruleId: string; reason: string }[] };
  };
  const withConf = (name: string, padBytes: number): string => {
    const root = path.join(dir, name);
    fs.cpSync(HOST, root, { recursive: true, verbatimSymlinks: true });
    const conf = path.join(root, 'etc', 'libvirt', 'libvirtd.conf');
    const kept = fs.readFileSync(conf, 'utf8').split('\n').filter((l) => !/^\s*auth_tcp\s*=/.test(l)).join('\n');
    const line = `#${'x'.repeat(998)}\n`;
    fs.writeFileSync(conf, `${kept}\n${line.repeat(Math.ceil(padBytes / line.length))}auth_tcp = "none"\n`);
    return root;
  };

  it('a libvirtd.conf of 5 MB ending in auth_tcp = "none" is read whole (it passed when only 4 MiB were read)', async () => {
    const r = await scanRoot(withConf('conf-5mb', 5_000_000));
    expect(r.findings.map((f) => f.ruleId)).toContain('LV-REMOTE-004');
  });

  it('a libvirtd.conf over 10 MiB (libvirtd refuses it too): its rules are not evaluated, naming the file and the limit', async () => {
    const r = await scanRoot(withConf('conf-11mb', 11_000_000));
    expect(r.findings.map((f) => f.ruleId)).not.toContain('LV-REMOTE-004');
    expect(r.findings.map((f) => f.ruleId)).not.toContain('LV-ACL-001');
    expect(r.notEvaluated).toContainEqual({ ruleId: 'LV-REMOTE-004', target: expect.anything(), reason: expect.stringMatching(/^\/etc\/libvirt\/libvirtd\.conf: is larger than the 10 MiB evidence limit \(\d+ bytes\)/) });
  });
});
