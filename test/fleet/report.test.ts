/**
 * Multi-host reports and `vmaudit report merge`, on real scan results: fixture host roots collected with the real
 * collector (LocalRunner + sh) and evaluated with the built-in rules, as if each root were a fleet host.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Sarif from 'sarif';
import { collectEvidence } from '../../src/collect/collect';
import type { EvidenceBundle } from '../../src/collect/evidence';
import { LocalRunner } from '../../src/collect/local';
import { loadRules } from '../../src/engine/rule-loader';
import { ScanAccumulator } from '../../src/engine/scan';
import { scanHostBundle } from '../../src/engine/scan-host';
import type { ScanResult } from '../../src/engine/findings';
import { perTargetSummary, toJsonReport } from '../../src/report/json';
import { artifactUri, toSarif } from '../../src/report/sarif';
import { mergeSarif, parseJsonWithPositions } from '../../src/report/sarif-merge';

const REPO = path.resolve(__dirname, '..', '..');
const HOSTS = path.join(REPO, 'fixtures', 'hosts');
const rules = loadRules().rules.map((r) => r.rule);
const bundles = new Map<string, EvidenceBundle>();

async function bundle(fixture: string): Promise<EvidenceBundle> {
  let b = bundles.get(fixture);
  if (!b) {
    const root = path.join(HOSTS, fixture);
    b = await collectEvidence(new LocalRunner({ label: fixture }), { kind: 'host', root, live: false, name: fixture, fixtureMeta: `${root}.meta.json` });
    bundles.set(fixture, b);
  }
  return b;
}

/** A fleet scan: host name → fixture root; `failed` hosts become scan errors. */
async function fleet(hosts: Record<string, string>, failed: Record<string, string> = {}): Promise<ScanResult> {
  const acc = new ScanAccumulator(rules);
  for (const [name, fixture] of Object.entries(hosts)) {
    const b = structuredClone(await bundle(fixture));
    b.target.name = name;
    b.target.transport = 'ssh';
    scanHostBundle(acc, b);
  }
  for (const [name, kind] of Object.entries(failed)) acc.addError({ target: { kind: 'host', name }, kind, message: `${name}: it failed (${kind})` });
  return acc.result();
}

const sarif = (r: ScanResult) => toSarif({ result: r, failOn: 'high', policyName: 'default' });
const text = (log: Sarif.Log) => JSON.stringify(log, null, 2) + '\n';

describe('multi-host SARIF and JSON', () => {
  it('one host: the single-target layout (TARGETROOT) is unchanged', async () => {
    const log = sarif(await fleet({ hv01: 'guide-literal' }));
    expect(log.runs).toHaveLength(1);
    const bases = new Set(log.runs[0].results!.flatMap((r) => r.locations ?? []).map((l) => l.physicalLocation!.artifactLocation!.uriBaseId));
    // Files of the host under TARGETROOT; findings inside command outputs (e.g. sasldblistusers2) under EVIDENCE.
    expect(bases.has('TARGETROOT')).toBe(true);
    expect([...bases].filter((b) => b !== 'TARGETROOT' && b !== 'EVIDENCE')).toEqual([]);
    expect(Object.keys(log.runs[0].originalUriBaseIds!)).toEqual(['TARGETROOT', 'EVIDENCE']);
  });

  it('several hosts: one run, per-host artifact locations, fingerprints differ per host, failures as notifications', async () => {
    const result = await fleet({ hv01: 'guide-literal', hv02: 'guide-literal', hv03: 'debian-default' }, { hv04: 'unreachable' });
    const log = sarif(result);
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0];
    expect(run.automationDetails!.id).toBe('vmaudit/default/');
    const byHost = new Map<string, Sarif.Result[]>();
    for (const r of run.results!) byHost.set(String(r.properties!.target), [...(byHost.get(String(r.properties!.target)) ?? []), r]);
    expect([...byHost.keys()].sort()).toEqual([...new Set(result.findings.map((f) => `host:${f.target.name}`))].sort());
    expect(byHost.has('host:hv01') && byHost.has('host:hv02')).toBe(true);
    for (const [t, rs] of byHost) {
      for (const r of rs) {
        const loc = r.locations?.[0]?.physicalLocation?.artifactLocation;
        if (!loc) continue;
        expect(loc.uri!.startsWith(`host/${t.slice(5)}/`)).toBe(true);
        expect(['TARGETS', 'EVIDENCE']).toContain(loc.uriBaseId);
      }
    }
    // same findings on hv01 and hv02, distinct fingerprints
    const fps = (t: string) => byHost.get(t)!.map((r) => r.partialFingerprints!['vmauditFinding/v1']);
    expect(fps('host:hv01')).toHaveLength(fps('host:hv02').length);
    expect(fps('host:hv01').filter((f) => fps('host:hv02').includes(f))).toEqual([]);
    expect(run.invocations![0].executionSuccessful).toBe(false);
    const err = run.invocations![0].toolExecutionNotifications!.filter((n) => n.level === 'error');
    expect(err.map((n) => n.descriptor!.id)).toEqual(['scan-error/unreachable']);
    expect(run.tool.driver.notifications!.map((d) => d.id)).toContain('scan-error/unreachable');
    expect(run.properties!.targetsFailed).toEqual(['host:hv04']);

    const json = toJsonReport({ result, failOn: 'high', policyName: 'default' }) as { perTarget: ReturnType<typeof perTargetSummary> };
    expect(json.perTarget.map((t) => [t.name, t.status, t.error?.kind ?? null])).toEqual([
      ['hv01', 'ok', null],
      ['hv02', 'ok', null],
      ['hv03', 'ok', null],
      ['hv04', 'failed', 'unreachable'],
    ]);
    expect(json.perTarget[0].findings).toBe(byHost.get('host:hv01')!.length);
    expect(json.perTarget[2].findings).toBe(byHost.get('host:hv03')?.length ?? 0);
    expect(json.perTarget[0].findings + json.perTarget[1].findings + json.perTarget[2].findings).toBe(result.findings.length);
  });

  it('percent-encodes hostile target and command names in URIs', () => {
    const t = { kind: 'host' as const, name: `x'; reboot #` };
    expect(artifactUri('/etc/libvirt/qemu/a b#.xml', t)).toEqual({ uri: `host/x'%3B%20reboot%20%23/etc/libvirt/qemu/a%20b%23.xml`, uriBaseId: 'TARGETS' });
    expect(artifactUri(`command:virsh.dumpxml:x'; reboot #`)).toEqual({ uri: `commands/virsh.dumpxml%3Ax'%3B%20reboot%20%23`, uriBaseId: 'EVIDENCE' });
    expect(artifactUri('vm.xml', t)).toEqual({ uri: 'vm.xml', uriBaseId: '%SRCROOT%' });
  });
});

describe('report merge', () => {
  it('merging per-shard SARIF gives the same run as scanning the whole fleet at once', async () => {
    const all = await fleet({ hv01: 'guide-literal', hv02: 'debian-default', hv03: 'modular-daemons' }, { hv04: 'timeout' });
    const s1 = sarif(await fleet({ hv01: 'guide-literal' }));
    const s2 = sarif(await fleet({ hv02: 'debian-default', hv03: 'modular-daemons' }, { hv04: 'timeout' }));
    const merged = mergeSarif([
      { file: 's2.sarif', text: text(s2) },
      { file: 's1.sarif', text: text(s1) },
      { file: 's1-again.sarif', text: text(s1) }, // a host in two shards: kept once
    ]);
    expect(merged.problems).toEqual([]);
    expect(merged.warnings).toEqual([]);
    const whole = sarif(all).runs[0];
    const m = merged.log!.runs;
    expect(m).toHaveLength(1);
    expect(m[0].tool.driver.rules!.map((r) => r.id)).toEqual(whole.tool.driver.rules!.map((r) => r.id));
    const key = (r: Sarif.Result) => JSON.stringify([r.ruleId, r.ruleIndex, r.partialFingerprints, r.locations, r.properties!.target, r.message.text]);
    expect(m[0].results!.map(key).sort()).toEqual(whole.results!.map(key).sort());
    for (const r of m[0].results!) expect(m[0].tool.driver.rules![r.ruleIndex!].id).toBe(r.ruleId);
    expect(m[0].properties!.targets).toEqual(['host:hv01', 'host:hv02', 'host:hv03', 'host:hv04']);
    expect(m[0].properties!.targetsFailed).toEqual(['host:hv04']);
    expect(m[0].invocations![0].executionSuccessful).toBe(false);
    expect(Object.keys(m[0].originalUriBaseIds!).sort()).toEqual(['EVIDENCE', 'TARGETS']);
    // deterministic: input order does not matter
    const again = mergeSarif([{ file: 'a', text: text(s1) }, { file: 'b', text: text(s2) }]);
    expect(JSON.stringify(again.log)).toBe(JSON.stringify(merged.log));
  });

  it('keeps runs of other tools or categories apart', async () => {
    const s1 = sarif(await fleet({ hv01: 'guide-literal' }));
    const other = structuredClone(s1);
    other.runs[0].automationDetails = { id: 'vmaudit/performance/' };
    const foreign: Sarif.Log = { version: '2.1.0', runs: [{ tool: { driver: { name: 'othertool', rules: [{ id: 'X1' }] } }, results: [{ ruleId: 'X1', ruleIndex: 0, message: { text: 'x' } }] }] };
    const m = mergeSarif([
      { file: 'a', text: text(s1) },
      { file: 'b', text: text(other) },
      { file: 'c', text: text(foreign) },
    ]);
    expect(m.log!.runs.map((r) => `${r.tool.driver.name} ${r.automationDetails?.id ?? ''}`)).toEqual(['othertool ', 'vmaudit vmaudit/default/', 'vmaudit vmaudit/performance/']);
  });

  it('says which file, line and column is bad, and merges nothing', () => {
    const good: Sarif.Log = { version: '2.1.0', runs: [{ tool: { driver: { name: 'vmaudit' } }, results: [] }] };
    const m = mergeSarif([
      { file: 'good.sarif', text: text(good) },
      { file: 'syntax.sarif', text: '{\n  "version": "2.1.0",\n  "runs": [\n    { "tool": }\n  ]\n}\n' },
      { file: 'shape.sarif', text: '{\n  "version": "2.1.0",\n  "runs": [\n    {\n      "tool": { "driver": { "name": "vmaudit" } },\n      "results": [\n        { "message": { "text": "no rule id" } }\n      ]\n    }\n  ]\n}\n' },
      { file: 'version.sarif', text: '{"version": "2.0.0", "runs": []}' },
      { file: 'notjson.sarif', text: '' },
    ]);
    expect(m.log).toBeUndefined();
    const where = m.problems.map((p) => `${p.location!.file}:${p.location!.line}:${p.location!.column} ${p.message}`);
    expect(where).toEqual([
      "syntax.sarif:4:15 not valid JSON: unexpected '}'",
      'shape.sarif:7:9 /runs/0/results/0: a result needs a string "ruleId" (vmaudit merges by rule id)',
      'version.sarif:1:13 /version: SARIF version must be "2.1.0", got "2.0.0"',
      'notjson.sarif:1:1 not valid JSON: unexpected end of input',
    ]);
  });

  it('parses JSON exactly like JSON.parse (positions aside)', () => {
    for (const t of ['{"a":[1,-2.5e3,true,false,null,"\\u00e9\\n\\"x"],"b":{}}', '[]', '"s"', '0', '{"__proto__": {"x": 1}}']) {
      expect(parseJsonWithPositions(t, 'f').value!.value).toEqual(JSON.parse(t));
    }
    for (const t of ['{"a":1,}', '[1 2]', '01', '{"a" 1}', '"\t"', 'nul', '[1]x']) {
      expect(() => JSON.parse(t)).toThrow();
      expect(parseJsonWithPositions(t, 'f').problems).toHaveLength(1);
    }
  });
});

describe('vmaudit report merge (CLI)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-merge-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[]) => spawnSync(process.execPath, [path.join(REPO, 'bin', 'run.js'), 'report', 'merge', ...args], { cwd: dir, encoding: 'utf8' });

  it('writes the merged file with --output; exit 2 naming the bad file:line', async () => {
    if (!fs.existsSync(path.join(REPO, 'dist', 'commands', 'report', 'merge.js'))) throw new Error('dist/ is stale: run `npm run build` first (npm test does)');
    fs.writeFileSync(path.join(dir, 'a.sarif'), text(sarif(await fleet({ hv01: 'guide-literal' }))));
    fs.writeFileSync(path.join(dir, 'b.sarif'), text(sarif(await fleet({ hv02: 'debian-default' }))));
    fs.writeFileSync(path.join(dir, 'bad.sarif'), '{\n  "version": "2.1.0",\n  "runs": 3\n}\n');
    const ok = run(['a.sarif', 'b.sarif', '--output', 'fleet.sarif']);
    expect(ok.status).toBe(0);
    expect(ok.stderr).toContain('merged 2 files into 1 run');
    const merged = JSON.parse(fs.readFileSync(path.join(dir, 'fleet.sarif'), 'utf8')) as Sarif.Log;
    expect(merged.runs[0].properties!.targets).toEqual(['host:hv01', 'host:hv02']);
    const bad = run(['a.sarif', 'bad.sarif', 'missing.sarif', '--output', 'out.sarif']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('missing.sarif: no such file');
    expect(bad.stderr).toContain('bad.sarif:3:11: /runs: "runs" must be an array');
    expect(fs.existsSync(path.join(dir, 'out.sarif'))).toBe(false);
  });
});
