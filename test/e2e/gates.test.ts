import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Exit codes and gates through the real CLI (bin/run.js on a fresh build), as DESIGN.md documents them:
 * 0 nothing at or above the gate; 1 gate failed; 2 usage/configuration error; 3 some targets could not be
 * scanned (gate failure wins over 3).
 */
const ROOT = path.join(__dirname, '..', '..');
const FIX = path.join(ROOT, 'fixtures', 'domains');
let dir: string;

function vmaudit(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [path.join(ROOT, 'bin', 'run.js'), ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1', ...env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => err.push(d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, out: Buffer.concat(out).toString('utf8'), err: Buffer.concat(err).toString('utf8') }));
  });
}
/** Exit codes of several independent runs, started together. */
const codes = (...runs: string[][]) => Promise.all(runs.map((a) => vmaudit(a).then((r) => r.code)));
const copy = (name: string, as = name) => {
  fs.copyFileSync(path.join(FIX, name), path.join(dir, as));
  return as;
};
const write = (name: string, text: string) => {
  fs.writeFileSync(path.join(dir, name), text);
  return name;
};

beforeAll(() => {
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.json')], { stdio: 'pipe' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-e2e-'));
  copy('good-nic.xml', 'clean.xml');
  copy('guide-svirt-none.xml', 'svirt.xml'); // DOM-SEC-001 (high) and DOM-TOPO-001 (high)
  copy('guide-mpam-memorytune.xml', 'mpam.xml'); // availability high + medium, no security finding
}, 60000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('exit codes', () => {
  it('0 when nothing reaches the gate, 1 when something does', async () => {
    expect((await vmaudit(['scan', 'domain', 'clean.xml'])).code).toBe(0);
    const r = await vmaudit(['scan', 'domain', 'svirt.xml']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('gate: FAILED — 2 finding(s) at or above high');
  });

  it('--fail-on moves the gate; none turns it off', async () => {
    expect(await codes(['scan', 'domain', 'svirt.xml', '--fail-on', 'critical'], ['scan', 'domain', 'svirt.xml', '--fail-on', 'none'], ['scan', 'domain', 'clean.xml', '--fail-on', 'info'], ['scan', 'domain', 'svirt.xml', '--fail-on', 'high'])).toEqual([0, 0, 0, 1]);
  });

  it('3 when a target cannot be scanned (the others still reported); 1 wins over 3', async () => {
    const r = await vmaudit(['scan', 'domain', 'clean.xml', 'missing.xml', '--format', 'json']);
    expect(r.code).toBe(3);
    expect(r.err).toContain('missing.xml');
    expect(JSON.parse(r.out).summary).toMatchObject({ targets: 2, targetsFailed: 1 });
    expect((await vmaudit(['scan', 'domain', 'svirt.xml', 'missing.xml'])).code).toBe(1);
  });

  it('2 for usage and configuration errors, with one line naming the file and line', async () => {
    expect((await vmaudit(['scan', 'domain', 'clean.xml', '--format', 'yaml'])).code).toBe(2);
    const noPolicy = await vmaudit(['scan', 'domain', 'clean.xml', '--policy', './nope.yaml']);
    expect(noPolicy.code).toBe(2);
    expect(noPolicy.err).toBe('vmaudit: invalid policy: nope.yaml: cannot read policy nope.yaml: no such file\n');
    write('bad.yaml', 'name: bad\nfail-on: severe\n');
    const bad = await vmaudit(['scan', 'domain', 'clean.xml', '--policy', 'bad.yaml']);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('vmaudit: invalid policy: bad.yaml:2:1 /fail-on: must be one of "critical", "high", "medium", "low", "info", "none"\n');
    expect(bad.out).toBe('');
    const badBaseline = await vmaudit(['scan', 'domain', 'clean.xml', '--baseline', 'clean.xml']);
    expect(badBaseline.code).toBe(2);
    expect(badBaseline.err).toMatch(/^vmaudit: invalid baseline: clean\.xml:1:1: not JSON/);
  });

  it('a report larger than the pipe buffer arrives whole before exit 1', async () => {
    const r = await vmaudit(['scan', 'domain', 'svirt.xml', 'mpam.xml', '--format', 'sarif']);
    expect(r.code).toBe(1);
    expect(r.out.length).toBeGreaterThan(65536);
    expect(JSON.parse(r.out).runs[0].results.length).toBeGreaterThan(2);
  });
});

describe('policies', () => {
  it('shipped policies select and gate differently', async () => {
    expect(await codes(['scan', 'domain', 'mpam.xml', '--policy', 'security-baseline'], ['scan', 'domain', 'mpam.xml', '--policy', 'performance'], ['scan', 'domain', 'clean.xml'], ['scan', 'domain', 'clean.xml', '--policy', 'pre-production', '--fail-on', 'high'])).toEqual([0, 1, 0, 0]);
    // pre-production gates on medium and requires pinning (DOM-PIN-001 becomes a medium finding); --fail-on high above overrides its gate.
    const pp = await vmaudit(['scan', 'domain', 'clean.xml', '--policy', 'pre-production', '--format', 'json']);
    expect(pp.code).toBe(1);
    const j = JSON.parse(pp.out);
    expect(j.policy).toEqual({ name: 'pre-production', failOn: 'medium' });
    expect(j.findings.map((f: { ruleId: string; severity: string }) => `${f.ruleId}:${f.severity}`)).toEqual(['DOM-PIN-001:medium']);
  });

  it('waivers pass the gate until they expire; waived findings stay in the report; the expired waiver is reported', async () => {
    write(
      'ours.yaml',
      [
        'extends: security-baseline',
        'rules:',
        '  include: [DOM-TOPO-*]',
        'waivers:',
        '  - rule: DOM-SEC-001',
        '    target: "*.xml"',
        '    justification: Legacy appliance until it is replaced (OPS-1)',
        '    expires: 2026-06-30',
        '  - rule: DOM-TOPO-001',
        '    subject: "*"',
        '    justification: Topology is fixed in the next image (OPS-2)',
        '    expires: 2026-06-30',
        '',
      ].join('\n'),
    );
    const ok = await vmaudit(['scan', 'domain', 'svirt.xml', '--policy', 'ours.yaml', '--format', 'sarif'], { VMAUDIT_TODAY: '2026-06-30' });
    expect(ok.code).toBe(0);
    const results = JSON.parse(ok.out).runs[0].results as { ruleId: string; suppressions?: { kind: string; justification: string }[] }[];
    expect(results.map((r) => [r.ruleId, r.suppressions?.[0]?.justification])).toEqual([
      ['DOM-TOPO-001', 'Topology is fixed in the next image (OPS-2)'],
      ['DOM-SEC-001', 'Legacy appliance until it is replaced (OPS-1)'],
    ]);
    const late = await vmaudit(['scan', 'domain', 'svirt.xml', '--policy', 'ours.yaml'], { VMAUDIT_TODAY: '2026-07-01' });
    expect(late.code).toBe(1);
    expect(late.err).toContain('vmaudit: warning: waiver for DOM-SEC-001 on *.xml at ours.yaml:5 expired on 2026-06-30; 1 finding(s) it covered are no longer waived');
    expect(late.out).toContain('Waivers:');
  });

  it('policy validate: errors with line numbers (exit 2); init writes a policy that validates', async () => {
    write('p.yaml', 'name: p\nparams:\n  DOM-PIN-001:\n    require_pinning: 1\n');
    const bad = await vmaudit(['policy', 'validate', 'p.yaml']);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe("p.yaml:4:5 /params/DOM-PIN-001/require_pinning: DOM-PIN-001 parameter 'require_pinning' must be a boolean, not 1\n");
    const init = await vmaudit(['policy', 'init', '--extends', 'pre-production']);
    expect(init.code).toBe(0);
    write('init.yaml', init.out);
    const ok = await vmaudit(['policy', 'validate', 'init.yaml', 'pre-production']);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^init\.yaml: ok — policy our-policy \(policies\/security-baseline\.yaml → policies\/performance\.yaml → policies\/pre-production\.yaml → init\.yaml\), \d+ of \d+ rules, fail-on high, 0 waiver\(s\)\n/);
  });
});

describe('baseline', () => {
  it('only new findings fail the gate; fixed ones are listed', async () => {
    const first = await vmaudit(['scan', 'domain', 'svirt.xml', '--format', 'sarif', '--output', 'main.sarif']);
    expect(first.code).toBe(1);
    expect(first.out).toBe('');
    const same = await vmaudit(['scan', 'domain', 'svirt.xml', '--baseline', 'main.sarif', '--format', 'json']);
    expect(same.code).toBe(0);
    expect(JSON.parse(same.out).baseline).toMatchObject({ new: 0, unchanged: 2, fixed: [] });
    // Fix the seclabel and add a new high problem: a controller using an IOThread the domain does not define.
    const text = fs
      .readFileSync(path.join(dir, 'svirt.xml'), 'utf8')
      .replace(/<seclabel[^>]*\/>/, "<seclabel type='dynamic' model='selinux' relabel='yes'/>")
      .replace('</domain>', "  <devices><controller type='scsi' model='virtio-scsi'><driver iothread='7'/></controller></devices>\n</domain>");
    expect(text).toContain("<seclabel type='dynamic'");
    write('svirt.xml', text);
    const next = await vmaudit(['scan', 'domain', 'svirt.xml', '--baseline', 'main.sarif', '--format', 'json']);
    expect(next.code).toBe(1);
    const j = JSON.parse(next.out);
    expect(j.baseline.fixed.map((e: { ruleId: string }) => e.ruleId)).toEqual(['DOM-SEC-001']);
    expect(j.findings.filter((f: { baseline: string }) => f.baseline === 'new').map((f: { ruleId: string }) => f.ruleId)).toEqual(['DOM-IOT-001']);
    expect(j.summary.gate).toEqual({ failOn: 'high', failed: true, findings: 1 });
  });
});

describe('reports and rule docs', () => {
  it('html, junit and markdown reports are written with --output', async () => {
    const formats: [string, string][] = [
      ['html', '<!DOCTYPE html>'],
      ['junit', '<?xml version="1.0" encoding="UTF-8"?>'],
      ['markdown', '## vmaudit: ❌ gate failed'],
    ];
    expect(await codes(...formats.map(([f]) => ['scan', 'domain', 'mpam.xml', '--format', f, '--output', `r.${f}`]))).toEqual([1, 1, 1]);
    for (const [format, head] of formats) expect(fs.readFileSync(path.join(dir, `r.${format}`), 'utf8').startsWith(head)).toBe(true);
  });

  it('rules show prints what docs/rules/<ID>.md holds (then its Source section: files, requires, evidence)', async () => {
    const r = await vmaudit(['rules', 'show', 'dom-sec-001']);
    expect(r.code).toBe(0);
    const [doc, source] = r.out.split('\n## Source\n');
    expect(fs.readFileSync(path.join(ROOT, 'docs', 'rules', 'DOM-SEC-001.md'), 'utf8')).toContain(doc.trimEnd());
    expect(source).toMatch(/^- Rule: \S*rules\/domain\/DOM-SEC-001\.yaml$/m);
    expect((await vmaudit(['rules', 'show', 'DOM-NOPE-001'])).code).toBe(2);
  });
});
