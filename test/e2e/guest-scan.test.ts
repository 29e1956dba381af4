import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadRules } from '../../src/engine/rule-loader';
import { ScanAccumulator } from '../../src/engine/scan';
import { scanGuestBundle } from '../../src/engine/scan-guest';
import { loadFixtureGuest } from '../../src/engine/testing/fixture-guest';
import { FIXTURE_GUEST_NAMES, fixtureRoot, withFixtureOverlay } from '../collect/guest-fixture';
import type { EvidenceBundle } from '../../src/collect/evidence';

/**
 * `vmaudit scan guest` and `vmaudit collect --guest` through the real CLI (bin/run.js on a fresh build): fixture
 * roots in every format, collect → snapshot → scan equals the direct scan, the fixture guests' findings through the
 * collector, and a live scan of this machine (a real VM: structure only, never its findings).
 */
const ROOT = path.join(__dirname, '..', '..');
let dir: string;

function vmaudit(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [path.join(ROOT, 'bin', 'run.js'), ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => err.push(d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, out: Buffer.concat(out).toString('utf8'), err: Buffer.concat(err).toString('utf8') }));
  });
}

interface JsonReport {
  format: string;
  targets: { kind: string; name: string }[];
  findings: { ruleId: string; message: string; severity: string; location: { file: string; line: number; column: number } | null; fingerprint: string }[];
  notEvaluated: { ruleId: string; reason: string }[];
  errors: unknown[];
  summary: { findings: number; notEvaluated: number; gate: { failed: boolean } };
}
const json = (s: string) => JSON.parse(s) as JsonReport;
const key = (r: JsonReport) => ({
  findings: r.findings.map((f) => `${f.ruleId} ${f.location?.file}:${f.location?.line}:${f.location?.column} ${f.message}`),
  notEvaluated: r.notEvaluated.map((n) => `${n.ruleId}: ${n.reason}`),
});

const GUEST_RULES = loadRules()
  .rules.map((l) => l.rule)
  .filter((r) => r.scope === 'guest');
function inProcess(b: EvidenceBundle) {
  const acc = new ScanAccumulator(GUEST_RULES);
  scanGuestBundle(acc, b);
  const r = acc.result();
  return { findings: r.findings.map((f) => `${f.ruleId} ${f.location?.file}:${f.location?.line}:${f.location?.column} ${f.message}`), notEvaluated: r.notEvaluated.map((n) => `${n.ruleId}: ${n.reason}`) };
}

beforeAll(() => {
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.json')], { stdio: 'pipe' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-e2e-guest-'));
}, 120000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('scan guest --root (fixture guide-literal)', () => {
  const root = fixtureRoot('guide-literal');

  it('text: findings grouped by file with line:column, the not-evaluated reasons, gate failed (exit 1)', async () => {
    const r = await vmaudit(['scan', 'guest', '--root', root]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^\/usr\/lib\/systemd\/system\/qemu-guest-agent\.service {2}\(/m);
    expect(r.out).toMatch(/^ {2}10:3 +high +GUEST-QGA-001 /m);
    expect(r.out).toMatch(/Not evaluated/);
    expect(r.out).toMatch(/dmesg: not available for an offline root or snapshot/);
    expect(r.err).toMatch(/collecting guest evidence from .*offline root/);
  });

  it('json and sarif carry the same findings', async () => {
    const [j, s] = await Promise.all([vmaudit(['scan', 'guest', '--root', root, '--format', 'json']), vmaudit(['scan', 'guest', '--root', root, '--format', 'sarif', '--fail-on', 'none'])]);
    expect(j.code).toBe(1);
    expect(s.code).toBe(0);
    const report = json(j.out);
    expect(report.targets).toEqual([{ kind: 'guest', name: root }]);
    expect(report.findings.map((f) => f.ruleId)).toEqual(['GUEST-NUMA-001', 'GUEST-QGA-001', 'GUEST-QGA-002', 'GUEST-QGA-005']);
    const sarif = JSON.parse(s.out) as { version: string; runs: { results: { ruleId: string; partialFingerprints: Record<string, string>; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    const results = sarif.runs[0].results;
    expect(results.map((x) => x.ruleId)).toEqual(report.findings.map((f) => f.ruleId));
    expect(results.map((x) => x.locations[0].physicalLocation.region.startLine)).toEqual(report.findings.map((f) => f.location!.line));
    expect(decodeURIComponent(results[1].locations[0].physicalLocation.artifactLocation.uri)).toBe('usr/lib/systemd/system/qemu-guest-agent.service');
  });
});

describe.each(FIXTURE_GUEST_NAMES)('fixture guest %s', (name) => {
  it('collect --guest then scan guest --snapshot gives exactly the direct scan', async () => {
    const snap = path.join(dir, `${name}.snapshot.json`);
    const c = await vmaudit(['collect', '--guest', '--root', fixtureRoot(name), '--output', snap]);
    expect(c.code).toBe(0);
    const [direct, viaSnap] = await Promise.all([vmaudit(['scan', 'guest', '--root', fixtureRoot(name), '--format', 'json']), vmaudit(['scan', 'guest', '--snapshot', snap, '--format', 'json'])]);
    expect(viaSnap.code).toBe(direct.code);
    const a = json(direct.out);
    const b = json(viaSnap.out);
    expect(b.targets).toEqual(a.targets);
    expect(key(b)).toEqual(key(a));
    expect(b.findings.map((f) => f.fingerprint)).toEqual(a.findings.map((f) => f.fingerprint));
  });

  it("collect --guest --root with the fixture's recorded commands gives the fixture loader's findings", async () => {
    const snap = path.join(dir, `${name}.collected.json`);
    expect((await vmaudit(['collect', '--guest', '--root', fixtureRoot(name), '--output', snap])).code).toBe(0);
    const overlaid = path.join(dir, `${name}.overlaid.json`);
    fs.writeFileSync(overlaid, JSON.stringify(withFixtureOverlay(JSON.parse(fs.readFileSync(snap, 'utf8')) as EvidenceBundle, name)));
    const r = await vmaudit(['scan', 'guest', '--snapshot', overlaid, '--format', 'json']);
    expect(key(json(r.out))).toEqual(inProcess(loadFixtureGuest(name)));
  });
});

describe('scan guest on this machine (live, no flags)', () => {
  it('runs and gives a sensible report', async () => {
    const r = await vmaudit(['scan', 'guest', '--format', 'json', '--fail-on', 'none']);
    expect(r.err).toMatch(/collecting guest evidence from localhost/);
    expect(r.code).toBe(0);
    const report = json(r.out);
    expect(report.format).toBe('vmaudit-report');
    expect(report.targets).toEqual([{ kind: 'guest', name: 'localhost' }]);
    expect(report.errors).toEqual([]);
    // Every guest rule is accounted for: a finding, a pass or a reason why it could not be evaluated.
    for (const f of report.findings) {
      expect(f.ruleId).toMatch(/^GUEST-/);
      expect(f.location?.file).toMatch(/^(\/|command:)/);
    }
    for (const n of report.notEvaluated) expect(n.reason).not.toBe('');
    expect(report.summary.findings).toBe(report.findings.length);
    expect(new Set(report.notEvaluated.map((n) => n.ruleId)).size).toBeLessThan(GUEST_RULES.length);
    // On the running system nothing is "not available for an offline root".
    expect(report.notEvaluated.filter((n) => /offline root/.test(n.reason))).toEqual([]);
    const text = await vmaudit(['scan', 'guest', '--fail-on', 'none']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/1 target\(s\), \d+ rules/);
  });
});
