import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyBaseline, parseBaseline, readBaseline } from '../../src/engine/baseline';
import type { Rule } from '../../src/engine/generated/rule';
import { loadRules } from '../../src/engine/rule-loader';
import { scanDomainFiles } from '../../src/engine/scan-domains';
import { gateFindings } from '../../src/report/common';
import { toJsonReport } from '../../src/report/json';
import { toSarif } from '../../src/report/sarif';
import { mergeSarif } from '../../src/report/sarif-merge';

const rules: Rule[] = loadRules().rules.map((r) => r.rule);
const ROOT = path.join(__dirname, '..', '..');
const rel = (f: string) => path.relative(process.cwd(), path.join(ROOT, 'fixtures', 'domains', f));

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-baseline-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A domain file in a temp dir, so a test can "fix" it between scans. */
function domain(name: string, body: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, `<domain type='kvm'>\n  <name>${name}</name>\n  <memory unit='GiB'>4</memory>\n  <vcpu placement='static'>4</vcpu>\n${body}</domain>\n`);
  return f;
}

describe('baseline', () => {
  it('reads fingerprints from vmaudit SARIF and JSON reports alike', () => {
    const result = scanDomainFiles([rel('guide-svirt-none.xml'), rel('guide-iothread.xml')], rules);
    const ctx = { result, failOn: 'high' as const, policyName: 'default' };
    const fromSarif = parseBaseline(JSON.stringify(toSarif(ctx)), 'b.sarif');
    const fromJson = parseBaseline(JSON.stringify(toJsonReport(ctx)), 'b.json');
    expect(fromSarif.errors).toEqual([]);
    expect(fromJson.errors).toEqual([]);
    const key = (e: { fingerprint: string; ruleId: string; target?: string; subject?: string }) => `${e.fingerprint} ${e.ruleId} ${e.target} ${e.subject}`;
    expect(fromSarif.baseline!.entries.map(key)).toEqual(result.findings.map((f) => `${f.fingerprint} ${f.ruleId} ${f.target.kind}:${f.target.name} ${f.subject}`));
    expect(fromJson.baseline!.entries.map(key)).toEqual(fromSarif.baseline!.entries.map(key));
    expect(result.findings.length).toBeGreaterThan(2);
  });

  it('marks new and unchanged findings, lists fixed ones, and the gate counts only new ones', () => {
    const a = domain('a.xml', "  <seclabel type='none'/>\n  <cpu><topology sockets='1' cores='2' threads='1'/></cpu>\n");
    const before = scanDomainFiles([a], rules);
    expect(before.findings.map((f) => f.ruleId).sort()).toEqual(['DOM-SEC-001', 'DOM-TOPO-001']);
    const base = parseBaseline(JSON.stringify(toSarif({ result: before, failOn: 'high', policyName: 'default' })), 'main.sarif').baseline!;

    // The topology is fixed, the seclabel stays (moved two lines down: same fingerprint), and a new problem appears.
    domain('a.xml', "  <cpu><topology sockets='1' cores='4' threads='1'/></cpu>\n  <iothreads>1</iothreads>\n  <currentMemory unit='GiB'>4</currentMemory>\n  <seclabel type='none'/>\n  <devices><controller type='scsi' model='virtio-scsi'><driver iothread='3'/></controller></devices>\n");
    const after = scanDomainFiles([a], rules);
    const cmp = applyBaseline(after, base);
    const state = Object.fromEntries(after.findings.map((f) => [f.ruleId, f.baseline]));
    expect(state['DOM-SEC-001']).toBe('unchanged');
    expect(Object.entries(state).filter(([, s]) => s === 'new').length).toBe(cmp.new);
    expect(cmp).toMatchObject({ file: 'main.sarif', unchanged: 1 });
    expect(cmp.new).toBeGreaterThanOrEqual(1);
    expect(cmp.fixed.map((e) => e.ruleId)).toEqual(['DOM-TOPO-001']);
    const gate = gateFindings({ result: after, failOn: 'info', policyName: 'default' });
    expect(gate.every((f) => f.baseline === 'new')).toBe(true);
    expect(gate.length).toBe(cmp.new);
  });

  it('does not call findings of unscanned targets or deselected rules fixed', () => {
    const a = domain('b.xml', "  <seclabel type='none'/>\n");
    const b = domain('c.xml', "  <seclabel type='none'/>\n");
    const base = parseBaseline(JSON.stringify(toJsonReport({ result: scanDomainFiles([a, b], rules), failOn: 'high', policyName: 'default' })), 'main.json').baseline!;
    expect(base.entries).toHaveLength(2);
    const onlyA = scanDomainFiles([a], rules);
    expect(applyBaseline(onlyA, base).fixed).toEqual([]);
    const noSec = scanDomainFiles([a, b], rules, { name: 'x', enabled: (r) => r.area !== 'security', settings: () => ({}) });
    expect(applyBaseline(noSec, base).fixed).toEqual([]);
  });

  it('explains unusable baselines instead of throwing', () => {
    expect(parseBaseline('{', 'x.sarif').errors[0]).toBe('x.sarif:1:2: not JSON (unexpected end of input); --baseline takes a SARIF or JSON report written by vmaudit');
    expect(parseBaseline('[]', 'x.json').errors[0]).toMatch(/not a SARIF log/);
    expect(parseBaseline('{"format":"other"}', 'x.json').errors[0]).toMatch(/neither a SARIF log/);
    const tool = { driver: { name: 'vmaudit' } };
    expect(parseBaseline(JSON.stringify({ version: '2.1.0', runs: [{ tool, results: [{ ruleId: 'X', message: { text: 'm' } }] }] }), 'x.sarif').errors[0]).toMatch(/has no partialFingerprints\['vmauditFinding\/v1'\]/);
    // Malformed SARIF is refused exactly as `report merge` refuses it (same validator), with line and column.
    const bad = '{"version": "2.1.0",\n "runs": [{"results": [{"message": {"text": "m"}}]}]}';
    const merged = mergeSarif([{ file: 'x.sarif', text: bad }]).problems.map((p) => `${p.location!.file}:${p.location!.line}:${p.location!.column}: ${p.message}`);
    expect(merged.length).toBeGreaterThan(0);
    expect(parseBaseline(bad, 'x.sarif').errors).toEqual(merged);
    expect(merged).toContain('x.sarif:2:11: /runs/0/tool: tool.driver is missing');
    expect(readBaseline(path.join(dir, 'nope.sarif')).errors[0]).toMatch(/cannot read baseline: no such file/);
  });
});
