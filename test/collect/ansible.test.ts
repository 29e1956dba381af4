/**
 * The Ansible integration (ansible/collect.yml) with Debian's ansible-core against real sshd targets on 127.0.0.1:
 * the playbook runs `vmaudit collect --script` on each inventory host with the raw module and saves the outputs per
 * host; `vmaudit scan host --snapshot` of them finds exactly what a direct `scan host --target` of the same hosts does.
 * Every target audits a fixture root (vmaudit_root / --remote-root), so both scans read the same, stable evidence.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeWithOracles } from '../helpers/oracle';
import { CLI_BIN, REPO_ROOT, runCli } from '../helpers/cli';
import { startSshd, type Sshd } from './ssh/sshd-harness';

const FIXTURE = path.join(REPO_ROOT, 'fixtures', 'hosts', 'debian-default');
const ENV = { VMAUDIT_FIXTURE_META: `${FIXTURE}.meta.json` };
const HOSTS = ['hv01', 'hv02'];

interface Finding {
  ruleId: string;
  target: { name: string };
  subject?: string;
  message: string;
  location?: { file: string; line: number; column: number };
}
interface Report {
  summary: { targets: number; targetsFailed: number; findings: number };
  findings: Finding[];
}

const keys = (r: Report, host: string): string[] =>
  r.findings
    .filter((f) => f.target.name === host)
    .map((f) => `${f.ruleId} ${f.location ? `${f.location.file}:${f.location.line}:${f.location.column}` : '-'} ${f.subject} | ${f.message}`)
    .sort();

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, maxBuffer: 64 << 20, timeout: 240_000 }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: `${stdout}${stderr}` }));
  });
}

describeWithOracles(['ansible-playbook', 'sshd', 'ssh-keygen'], 'ansible/collect.yml with ansible-core and real sshd targets', () => {
  let sshd: Sshd;
  let work: string;
  let sshConfig: string;
  let out: string;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'commands'))) throw new Error('dist/ is missing: run `npm run build` first');
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-ansible-'));
    fs.chmodSync(work, 0o755);
    sshd = await startSshd();
    const knownHosts = path.join(work, 'known_hosts');
    fs.writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostKeyType} ${sshd.hostKeyBase64}\n`);
    const sshOpts = `-o UserKnownHostsFile=${knownHosts} -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o IdentityAgent=none -o IdentitiesOnly=yes`;
    const inventory = path.join(work, 'inventory.ini');
    fs.writeFileSync(
      inventory,
      [
        '[hypervisors]',
        ...HOSTS.map((h) => `${h} ansible_host=127.0.0.1`),
        '[hypervisors:vars]',
        `ansible_port=${sshd.port}`,
        'ansible_user=root',
        `ansible_ssh_private_key_file=${sshd.clientKey}`,
        `ansible_ssh_common_args='${sshOpts}'`,
        '',
      ].join('\n'),
    );
    sshConfig = path.join(work, 'ssh_config');
    fs.writeFileSync(
      sshConfig,
      [`Host ${HOSTS.join(' ')}`, '  HostName 127.0.0.1', `  Port ${sshd.port}`, '  User root', `  IdentityFile ${sshd.clientKey}`, '  IdentityAgent none', `  UserKnownHostsFile ${knownHosts}`, '  GlobalKnownHostsFile none', '  StrictHostKeyChecking yes', ''].join('\n'),
    );
    out = path.join(work, 'out');
    const home = path.join(work, 'home');
    fs.mkdirSync(home);
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, ANSIBLE_CONFIG: path.join(work, 'none.cfg'), ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_PYTHON_INTERPRETER: 'auto_silent', SSH_AUTH_SOCK: '' };
    const vars = JSON.stringify({ vmaudit_cmd: `${process.execPath} ${CLI_BIN}`, vmaudit_out: out, vmaudit_root: FIXTURE });
    const play = await run('ansible-playbook', ['-i', inventory, path.join(REPO_ROOT, 'ansible', 'collect.yml'), '-e', vars], env);
    if (play.code !== 0) throw new Error(`ansible-playbook exited ${play.code}:\n${play.out.slice(-4000)}`);
  }, 300_000);

  afterAll(async () => {
    await sshd?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('saves one raw output per inventory host', () => {
    expect(fs.readdirSync(out).sort()).toEqual(HOSTS);
    for (const h of HOSTS) expect(fs.readFileSync(path.join(out, h), 'utf8')).toMatch(/^VMA[0-9a-f]+: DONE\r?$/m);
  });

  it('scan host --snapshot of the outputs finds what scan host --target finds on the same hosts', async () => {
    const viaAnsible = await runCli(['scan', 'host', ...HOSTS.map((h) => `--snapshot=${path.join(out, h)}`), '--format', 'json', '--fail-on', 'none'], { env: ENV });
    expect(viaAnsible.code).toBe(0);
    const direct = await runCli(['scan', 'host', ...HOSTS.flatMap((h) => ['--target', h]), '--ssh-config', sshConfig, '--remote-root', FIXTURE, '--format', 'json', '--fail-on', 'none'], { env: { ...ENV, SSH_AUTH_SOCK: '' } });
    expect(direct.code).toBe(0);
    const a = JSON.parse(viaAnsible.stdout) as Report;
    const d = JSON.parse(direct.stdout) as Report;
    expect(a.summary).toMatchObject({ targets: 2, targetsFailed: 0 });
    expect(d.summary).toMatchObject({ targets: 2, targetsFailed: 0 });
    for (const h of HOSTS) {
      expect(keys(d, h).length).toBeGreaterThan(3);
      expect(keys(a, h)).toEqual(keys(d, h));
    }
    // --snapshot DIR: every file the playbook fetched, one host each, as the files named one by one
    const viaDir = await runCli(['scan', 'host', '--snapshot', out, '--format', 'json', '--fail-on', 'none'], { env: ENV });
    expect(viaDir.code).toBe(0);
    const v = JSON.parse(viaDir.stdout) as Report;
    for (const h of HOSTS) expect(keys(v, h)).toEqual(keys(a, h));
  }, 120_000);

  it('a cut output is a per-target error naming the file and line (exit 3), never a verdict', async () => {
    const text = fs.readFileSync(path.join(out, 'hv01'), 'utf8');
    const cut = path.join(work, 'cut', 'hv01');
    fs.mkdirSync(path.dirname(cut));
    fs.writeFileSync(cut, text.slice(0, Math.floor(text.length / 2)));
    const r = await runCli(['scan', 'host', '--snapshot', cut, '--snapshot', path.join(out, 'hv02'), '--format', 'json', '--fail-on', 'none'], { env: ENV });
    expect(r.code).toBe(3);
    const rep = JSON.parse(r.stdout) as Report & { errors: { message: string }[] };
    expect(rep.summary).toMatchObject({ targets: 2, targetsFailed: 1 });
    expect(rep.errors.map((e) => e.message).join('\n')).toMatch(new RegExp(`${cut}:\\d+: collector output ends before its DONE line`));
    expect(rep.findings.every((f) => f.target.name === 'hv02')).toBe(true);
  }, 120_000);
});
