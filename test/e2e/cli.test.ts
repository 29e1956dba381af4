import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadRules } from '../../src/engine/rule-loader';
import { CLI_BIN as BIN, REPO_ROOT as ROOT, runCli, type CliRun } from '../helpers/cli';
import { reportValidator, sarifValidator, schemaErrors } from '../report/validators';

/**
 * The CLI as users run it: ./bin/run.js (compiled dist/, built by test/e2e/global-setup.ts when stale) spawned as
 * a child process with pipes for stdout/stderr, from the repository root so that paths are relative.
 * Exit codes per DESIGN.md: 0 ok, 1 gate failed, 2 usage/config error, 3 some target could not be scanned.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-e2e-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const runs: { args: string[]; r: CliRun }[] = [];

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const r = await runCli(args, { env: { NO_COLOR: '', FORCE_COLOR: '', ...env } });
  runs.push({ args, r });
  return r;
}

const fx = (name: string) => `fixtures/domains/${name}`;
function domainFile(name: string, body: string): string {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, `<domain type='kvm'>\n  <name>${name.replace(/\.xml$/, '')}</name>\n  <memory>1048576</memory>\n  <os><type>hvm</type></os>\n${body}</domain>\n`);
  return f;
}
// Severities: CLEAN has only an info finding (no seclabel); LOW_ONLY a low one; CRIT a critical one.
const CLEAN = domainFile('clean.xml', '');
const LOW_ONLY = domainFile('low.xml', "  <seclabel type='dynamic' model='selinux' relabel='yes'/>\n  <devices><tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm></devices>\n");
const CRIT = domainFile(
  'crit.xml',
  "  <seclabel type='dynamic' model='selinux' relabel='yes'/>\n  <qemu:commandline xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n    <qemu:arg value='-gdb'/>\n    <qemu:arg value='tcp::1234'/>\n  </qemu:commandline>\n",
);
const BROKEN = path.join(tmp, 'broken.xml');
fs.writeFileSync(BROKEN, "<domain type='kvm'>\n  <name>b</name>\n  <devices>\n</domain>\n");
const builtin = loadRules().rules.map((r) => r.rule);

describe('vmaudit CLI (spawned ./bin/run.js)', () => {
  it('scan domain, text: findings grouped by file, then severity; summary and gate; no colour on a pipe', async () => {
    const r = await cli(['scan', 'domain', fx('guide-svirt-none.xml'), CRIT]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/\x1b\[/);
    const lines = r.stdout.split('\n');
    const crit = lines.indexOf(CRIT);
    const svirt = lines.indexOf('fixtures/domains/guide-svirt-none.xml');
    expect(crit).toBeGreaterThanOrEqual(0);
    expect(svirt).toBeGreaterThan(crit);
    // crit.xml: the critical finding (line 7) is listed before the low one (line 6): grouped by severity first.
    const rows = lines.slice(crit + 1, lines.indexOf('', crit)).map((l) => /^\s+(\d+):\d+\s+(\w+)\s+(\S+)/.exec(l)?.slice(1));
    expect(rows).toEqual([
      ['7', 'critical', 'DOM-QCMD-002'],
      ['6', 'low', 'DOM-QCMD-001'],
    ]);
    expect(r.stdout).toMatch(/DOM-SEC-001 .*disables sVirt/);
    expect(r.stdout).toMatch(/gate: FAILED — \d+ finding\(s\) at or above high/);
  });

  it('scan domain, json: valid against schemas/report.schema.json', async () => {
    const r = await cli(['scan', 'domain', fx('guide-svirt-none.xml'), BROKEN, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(schemaErrors(reportValidator(), report)).toEqual([]);
    expect(report.summary.targetsFailed).toBe(1);
    expect(report.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(expect.arrayContaining(['DOM-SEC-001', 'DOM-XML-001']));
    // The file that is not well-formed is reported once: its DOM-XML-001 finding, no scan error, no rule "not evaluated".
    const onBroken = <T extends { target: { name: string } }>(xs: T[]) => xs.filter((x) => x.target.name === BROKEN);
    expect(onBroken(report.findings as { target: { name: string }; ruleId: string; location: { line: number } }[]).map((f) => [f.ruleId, f.location.line])).toEqual([['DOM-XML-001', 4]]);
    expect(onBroken(report.errors)).toEqual([]);
    expect(onBroken(report.notEvaluated)).toEqual([]);
  });

  it('scan domain, sarif: valid SARIF 2.1.0 with relative URIs; a file that is not well-formed is one result, not repeated on stderr', async () => {
    const r = await cli(['scan', 'domain', fx('guide-svirt-none.xml'), BROKEN, '-f', 'sarif']);
    const log = JSON.parse(r.stdout);
    expect(schemaErrors(sarifValidator(), log)).toEqual([]);
    const sec = log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'DOM-SEC-001');
    expect(sec.locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'fixtures/domains/guide-svirt-none.xml', uriBaseId: '%SRCROOT%' });
    expect(sec.locations[0].physicalLocation.region).toMatchObject({ startLine: 9, startColumn: 3 });
    const broken = log.runs[0].results.filter((x: { locations?: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => x.locations?.[0].physicalLocation.artifactLocation.uri.endsWith('broken.xml'));
    expect(broken.map((x: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }) => [x.ruleId, x.locations[0].physicalLocation.region.startLine])).toEqual([['DOM-XML-001', 4]]);
    expect(log.runs[0].invocations[0].toolExecutionNotifications ?? []).toEqual([]);
    expect(r.stderr).not.toContain(`vmaudit: ${BROKEN}`);
  });

  it('--output writes the report to the file and nothing to stdout; same bytes as stdout', async () => {
    const out = path.join(tmp, 'out.sarif');
    const [a, b] = await Promise.all([cli(['scan', 'domain', fx('guide-nic.xml'), '-f', 'sarif', '--output', out]), cli(['scan', 'domain', fx('guide-nic.xml'), '-f', 'sarif'])]);
    expect(a.stdout).toBe('');
    expect(a.code).toBe(b.code);
    expect(fs.readFileSync(out, 'utf8')).toBe(b.stdout);
  });

  it('--output into a missing directory: a one-line error, exit 2', async () => {
    const r = await cli(['scan', 'domain', CLEAN, '-o', path.join(tmp, 'no', 'such', 'dir', 'r.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^vmaudit: cannot write the report to .*: no such directory$/);
  });

  it('--fail-on: levels, none, and exit codes 0/1', async () => {
    const cases: [string[], number][] = [
      [[CLEAN], 0],
      [[CLEAN, '--fail-on', 'info'], 0],
      [[CLEAN, '--policy', 'strict', '--fail-on', 'info'], 1],
      [[LOW_ONLY, '--fail-on', 'medium'], 0],
      [[LOW_ONLY, '--fail-on', 'low'], 1],
      [[CRIT, '--fail-on', 'critical'], 1],
      [[CRIT, '--fail-on', 'none'], 0],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(['scan', 'domain', ...args, '-f', 'json'])));
    results.forEach((r, i) => {
      expect([cases[i][0].map((a) => path.basename(a)).join(' '), r.code]).toEqual([cases[i][0].map((a) => path.basename(a)).join(' '), cases[i][1]]);
      expect(JSON.parse(r.stdout).summary.gate.failed).toBe(cases[i][1] === 1);
    });
  });

  it('exit 3 when a target could not be scanned and the gate passes; 1 (gate) wins over 3', async () => {
    const missing = path.join(tmp, 'missing.xml');
    const [a, b, c] = await Promise.all([cli(['scan', 'domain', CLEAN, missing, '--fail-on', 'critical']), cli(['scan', 'domain', CLEAN, BROKEN, '--fail-on', 'none']), cli(['scan', 'domain', CRIT, missing, '--fail-on', 'critical'])]);
    expect(a.code).toBe(3);
    expect(a.stdout).toContain('Could not scan:');
    expect(a.stdout).toContain(`${missing}:1:1: no such file`);
    expect(a.stderr).toContain(`vmaudit: ${missing}:1:1: no such file`);
    expect(b.code).toBe(3);
    expect(c.code).toBe(1);
  });

  it('exit 2 for usage errors: unknown flag, bad --fail-on, missing argument', async () => {
    const rs = await Promise.all([
      cli(['scan', 'domain', CLEAN, '--bogus']),
      cli(['scan', 'domain', CLEAN, '--fail-on', 'severe']),
      cli(['scan', 'domain']),
    ]);
    for (const r of rs) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/Error|vmaudit:/);
    }
  });

  it('--help names every topic by what it is for', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}scan +Audit a KVM host, a guest, or libvirt domain XML files$/m);
    expect(r.stdout).toMatch(/^ {2}rules +List the rules and show their documentation$/m);
    expect(r.stdout).toMatch(/^ {2}collect +Collect evidence/m);
  });

  it('rules list shows every rule with its guide section', async () => {
    const r = await cli(['rules', 'list']);
    expect(r.code).toBe(0);
    for (const rule of builtin) expect(r.stdout).toMatch(new RegExp(`^${rule.id}\\s+${rule.severity}\\s+${rule.scope}\\s+${(rule.guide ?? []).join(', ').replace(/[()/.]/g, '\\$&')}\\s+`, 'm'));
    expect(r.stdout).toContain(`${builtin.length} rules`);
    expect(r.stdout).toMatch(/^DOM-SEC-004 .* \(opt-in\)( \[[a-z: -]+\])?$/m);
    const json = JSON.parse((await cli(['rules', 'list', '--json'])).stdout) as { id: string; guide: string[]; optIn: boolean }[];
    expect(json.map((x) => x.id).sort()).toEqual(builtin.map((x) => x.id).sort());
    expect(json.filter((x) => x.optIn).map((x) => x.id)).toEqual(builtin.filter((x) => x['opt-in']).map((x) => x.id).sort());
  });

  it('rules show ID prints the documentation; an unknown id is a usage error with suggestions', async () => {
    const [ok, lower, bad] = await Promise.all([cli(['rules', 'show', 'DOM-QCMD-002']), cli(['rules', 'show', 'dom-sec-001']), cli(['rules', 'show', 'DOM-NOPE-999'])]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('# DOM-QCMD-002: ');
    expect(ok.stdout).toContain('## Remediation');
    expect(lower.stdout).toContain('# DOM-SEC-001: ');
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^vmaudit: no rule DOM-NOPE-999 \(did you mean DOM-/);
  });

  it('--rules DIR: a valid user rule runs; an invalid one is a clear error (file, line, path, message) and exit 2', async () => {
    const good = path.join(tmp, 'user-rules-good');
    const badDir = path.join(tmp, 'user-rules-bad');
    fs.mkdirSync(good);
    fs.mkdirSync(badDir);
    const rule = (id: string, extra: string) =>
      `id: ${id}\ntitle: Domain names follow the site convention\narea: availability\nscope: domain\nseverity: medium\nguide: [beyond-guide]\n${extra}message: "domain name {{ domain.name }} does not start with prod-"\nrationale: Site convention.\nremediation:\n  text: Rename the domain.\n`;
    fs.writeFileSync(path.join(good, 'SITE-NAME-001.yaml'), rule('SITE-NAME-001', "location: domain\nassert: domain.name.startsWith('prod-')\n"));
    fs.writeFileSync(path.join(badDir, 'SITE-NAME-002.yaml'), rule('SITE-NAME-002', 'assert: domain.name.startsWith(\n'));
    fs.writeFileSync(path.join(badDir, 'SITE-NAME-003.yaml'), rule('SITE-NAME-003', 'assert: "true"\n').replace('severity: medium', 'severity: severe'));
    const [a, b, c] = await Promise.all([
      cli(['scan', 'domain', CLEAN, '--rules', good, '-f', 'json']),
      cli(['scan', 'domain', CLEAN, '--rules', badDir]),
      cli(['rules', 'list', '--rules', good]),
    ]);
    expect(a.code).toBe(0);
    const f = JSON.parse(a.stdout).findings.filter((x: { ruleId: string }) => x.ruleId === 'SITE-NAME-001');
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe('domain name clean does not start with prod-');
    expect(f[0].location.line).toBe(1);
    expect(b.code).toBe(2);
    expect(b.stdout).toBe('');
    expect(b.stderr).toContain(`${path.join(badDir, 'SITE-NAME-002.yaml')}:7 /assert: CEL:`);
    expect(b.stderr).toContain(`${path.join(badDir, 'SITE-NAME-003.yaml')}:5 /severity: must be equal to one of the allowed values`);
    expect(c.stdout).toMatch(/^SITE-NAME-001\s+medium\s+domain\s+beyond-guide/m);
  });

  it('the same input gives byte-identical output, in every format', async () => {
    const files = [fx('guide-svirt-none.xml'), fx('guide-iothread.xml'), BROKEN, CRIT];
    for (const format of ['text', 'sarif']) {
      const [a, b] = await Promise.all([cli(['scan', 'domain', ...files, '-f', format]), cli(['scan', 'domain', ...[...files].reverse(), '-f', format])]);
      expect(a.stdout.length).toBeGreaterThan(100);
      expect(b.stdout).toBe(a.stdout);
      expect(b.code).toBe(a.code);
    }
  });

  it('worker threads (from 200 files on) give the same report as one thread: same rules, same relative paths', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const gen = require('../../bench/generate.js') as { generate: (o: { dir: string; count: number; seed: number }) => { files: string[] } };
    const generated = gen.generate({ dir: path.join(tmp, 'many'), count: 240, seed: 7 }).files;
    // Fixtures given as relative paths, one of them also as an absolute path: both are shown relative to the cwd.
    const files = [fx('guide-svirt-none.xml'), ...generated.slice(0, 120), path.join(ROOT, fx('guide-iothread.xml')), ...generated.slice(120), BROKEN];
    const [one, two] = await Promise.all([
      cli(['scan', 'domain', ...files, '-f', 'json'], { VMAUDIT_WORKERS: '1' }),
      cli(['scan', 'domain', ...files, '-f', 'json'], { VMAUDIT_WORKERS: '2' }),
    ]);
    expect(one.code).toBe(1);
    expect(two.stdout).toBe(one.stdout);
    expect(two.code).toBe(one.code);
    const report = JSON.parse(two.stdout) as { summary: { rules: number }; findings: { location?: { file: string } }[] };
    expect(report.summary.rules).toBe(builtin.filter((r) => r.scope === 'domain' && !r['opt-in']).length);
    const shown = new Set(report.findings.map((f) => f.location?.file));
    expect(shown).toContain(fx('guide-iothread.xml'));
    expect(shown).not.toContain(path.join(ROOT, fx('guide-iothread.xml')));
  });

  it('--color forces colour; NO_COLOR does not stop an explicit --color', async () => {
    const [a, b] = await Promise.all([cli(['scan', 'domain', CRIT, '--color']), cli(['scan', 'domain', CRIT, '--color'], { NO_COLOR: '1' })]);
    expect(a.stdout).toMatch(/\x1b\[/);
    expect(b.stdout).toMatch(/\x1b\[/);
  });

  const hasScript = spawnSync('sh', ['-c', 'command -v script'], { stdio: 'ignore' }).status === 0;
  (hasScript ? it : process.env.CI === 'true' ? it : it.skip)('on a terminal: colour unless NO_COLOR; scan errors only in the report, not repeated on stderr', () => {
    const missing = path.join(tmp, 'missing-tty.xml');
    // util-linux `script` runs the CLI on a pseudo-terminal (stdout and stderr both go to it).
    const onTty = (env: NodeJS.ProcessEnv) =>
      spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} scan domain ${JSON.stringify(CRIT)} ${JSON.stringify(BROKEN)} ${JSON.stringify(missing)}`, '/dev/null'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '', ...env },
      }).stdout;
    const coloured = onTty({});
    const plain = onTty({ NO_COLOR: '1' });
    expect(coloured).toMatch(/\x1b\[/);
    expect(plain).not.toMatch(/\x1b\[/);
    expect(plain).toContain('Could not scan:');
    expect(plain).not.toContain('vmaudit: '); // the stderr copy of the scan error
    expect(plain.split(`${missing}:1:1`).length - 1).toBe(1); // under "Could not scan"
    // The file that is not well-formed: one DOM-XML-001 row (under its file heading), not also a scan error or a
    // "Not evaluated" list.
    expect(plain.split('DOM-XML-001').length - 1).toBe(1);
    expect(plain).not.toContain(`${BROKEN}:4:`);
    expect(plain).not.toContain('Not evaluated');
    expect(plain).toMatch(/2 could not be scanned/);
  });

  afterAll(() => {
    // Whatever happened above: never a stack trace for the user.
    for (const { args, r } of runs) expect([args.join(' '), r.stderr]).not.toEqual([args.join(' '), expect.stringMatching(/\n\s+at .+:\d+:\d+\)?\n/)]);
  });
});
