import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Sarif from 'sarif';
import { loadRules } from '../../src/engine/rule-loader';
import { scanDomainFiles } from '../../src/engine/scan-domains';
import { scanGuestBundles } from '../../src/engine/scan-guest';
import type { ScanResult } from '../../src/engine/findings';
import { FIXTURE_GUESTS_DIR, loadFixtureGuest } from '../../src/engine/testing/fixture-guest';
import { toJsonReport } from '../../src/report/json';
import { FINGERPRINT_KEY, SECURITY_SEVERITY, toSarif } from '../../src/report/sarif';
import type { FailOn } from '../../src/report/common';
import { hasMultitool, multitoolValidate, reportValidator, sarifValidator, schemaErrors } from './validators';

/**
 * Every SARIF log (and JSON report) the scans below produce is validated against the official SARIF 2.1.0 schema
 * (resp. schemas/report.schema.json) and, as an oracle, by Microsoft's SARIF Multitool with GitHub's ingestion
 * rules. Inputs: every fixture domain one by one and all together, hostile/broken inputs, an empty scan, the
 * fixture guests. Paths are given relative to the repository, as a user in a checkout would.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const rules = loadRules().rules.map((r) => r.rule);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-sarif-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const rel = (p: string) => path.relative(process.cwd(), p);
const fixtureDomains = fs.readdirSync(path.join(ROOT, 'fixtures', 'domains')).filter((f) => f.endsWith('.xml')).sort().map((f) => rel(path.join(ROOT, 'fixtures', 'domains', f)));

function bad(name: string, content: string): string {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, content);
  return f;
}
const badInputs = [
  bad('not-well-formed.xml', "<domain type='kvm'>\n  <name>x</name>\n  <devices><numa node='0'></devices>\n</domain>\n"),
  bad('empty.xml', ''),
  bad('json.xml', '{"domain": 1}\n'),
  bad('lol.xml', '<!DOCTYPE domain [<!ENTITY a "a">]>\n<domain><name>&a;</name></domain>\n'),
  bad('numbers.xml', "<domain type='kvm'>\n  <name>n</name>\n  <memory>99999999999999999999999</memory>\n  <vcpu>2</vcpu>\n  <vcpu>-1</vcpu>\n</domain>\n"),
  path.join(tmp, 'missing.xml'),
];

const produced: { name: string; result: ScanResult; failOn: FailOn }[] = [];
const scanned = (name: string, result: ScanResult, failOn: FailOn = 'high') => produced.push({ name, result, failOn });
for (const f of fixtureDomains) scanned(path.basename(f), scanDomainFiles([f], rules));
scanned('all-fixture-domains', scanDomainFiles(fixtureDomains, rules), 'none');
for (const f of badInputs) scanned(`bad-${path.basename(f)}`, scanDomainFiles([f], rules));
scanned('bad-all', scanDomainFiles(badInputs, rules), 'critical');
scanned('empty-scan', scanDomainFiles([], rules));
const guests = fs.readdirSync(FIXTURE_GUESTS_DIR).filter((d) => fs.statSync(path.join(FIXTURE_GUESTS_DIR, d)).isDirectory()).sort();
scanned('fixture-guests', scanGuestBundles(guests.map(loadFixtureGuest), rules), 'low');

const logs = produced.map((p) => ({ ...p, sarif: toSarif({ result: p.result, failOn: p.failOn, policyName: 'default' }) }));

describe('SARIF output', () => {
  it('covers the fixture domains, bad inputs, an empty scan and the fixture guests', () => {
    expect(fixtureDomains.length).toBeGreaterThanOrEqual(20);
    expect(logs.reduce((n, l) => n + (l.sarif.runs[0].results?.length ?? 0), 0)).toBeGreaterThan(40);
    expect(logs.find((l) => l.name === 'empty-scan')!.sarif.runs[0].results).toEqual([]);
  });

  it.each(logs.map((l) => [l.name, l] as const))('%s validates against the official SARIF 2.1.0 schema', (_n, l) => {
    expect(schemaErrors(sarifValidator(), JSON.parse(JSON.stringify(l.sarif)))).toEqual([]);
  });

  it('the schema validator is not a rubber stamp', () => {
    const broken = JSON.parse(JSON.stringify(logs[0].sarif)) as Record<string, unknown>;
    broken.version = '2.0.0';
    (broken.runs as Record<string, unknown>[])[0].results = [{ ruleId: 'X', message: {}, level: 'fatal' }];
    expect(schemaErrors(sarifValidator(), broken).length).toBeGreaterThan(0);
  });

  it.each(logs.map((l) => [l.name, l] as const))('%s: JSON report validates against schemas/report.schema.json', (_n, l) => {
    expect(schemaErrors(reportValidator(), JSON.parse(JSON.stringify(toJsonReport({ result: l.result, failOn: l.failOn, policyName: 'default' }))))).toEqual([]);
  });

  it('report.schema.json rejects unknown keys and bad severities', () => {
    const j = JSON.parse(JSON.stringify(toJsonReport({ result: logs[0].result, failOn: 'high', policyName: 'default' }))) as Record<string, unknown>;
    expect(schemaErrors(reportValidator(), { ...j, extra: 1 }).length).toBeGreaterThan(0);
    expect(schemaErrors(reportValidator(), { ...j, findings: [{ ...(j.findings as object[])[0], severity: 'fatal' }] }).length).toBeGreaterThan(0);
  });

  const all = logs.find((l) => l.name === 'all-fixture-domains')!.sarif;
  const run = all.runs[0];
  const results = run.results ?? [];

  it('artifact URIs are relative (to %SRCROOT%), with forward slashes; regions start at line/column >= 1', () => {
    expect(results.length).toBeGreaterThan(20);
    for (const r of results) {
      const pl = r.locations![0].physicalLocation!;
      expect(pl.artifactLocation!.uriBaseId).toBe('%SRCROOT%');
      expect(pl.artifactLocation!.uri).toMatch(/^fixtures\/domains\/[a-z0-9-]+\.xml$/);
      expect(pl.region!.startLine).toBeGreaterThanOrEqual(1);
      expect(pl.region!.startColumn).toBeGreaterThanOrEqual(1);
    }
  });

  it('every rule has help text and markdown, security rules a security-severity and the security tag', () => {
    const descriptors = run.tool.driver.rules ?? [];
    expect(descriptors.map((d) => d.id)).toEqual(rules.filter((r) => r.scope === 'domain').map((r) => r.id).sort());
    for (const d of descriptors) {
      const rule = rules.find((r) => r.id === d.id)!;
      expect(d.help?.text?.length).toBeGreaterThan(20);
      expect(d.help?.markdown).toContain(`# ${rule.id}: ${rule.title}`);
      expect(d.fullDescription?.text).toBeTruthy();
      const sev = d.properties?.['security-severity'];
      if (rule.area === 'security' && rule.severity !== 'info') {
        expect(sev).toBe(SECURITY_SEVERITY[rule.severity]);
        expect(d.properties?.tags).toContain('security');
      } else expect(sev).toBeUndefined();
    }
    const sevs = descriptors.filter((d) => d.properties?.['security-severity']).map((d) => Number(d.properties!['security-severity']));
    expect(sevs.every((s) => s > 0 && s <= 10)).toBe(true);
  });

  it('results carry the remediation, the rule index and a fingerprint', () => {
    for (const r of results) {
      const rule = rules.find((x) => x.id === r.ruleId)!;
      // A remediation with {{ }} placeholders is rendered for each finding; a static one is the rule's own text.
      if (rule.remediation.text.includes('{{')) expect(r.properties?.remediation).toEqual(expect.not.stringContaining('{{'));
      else expect(r.properties?.remediation).toBe(rule.remediation.text.trim());
      expect(run.tool.driver.rules![r.ruleIndex!].id).toBe(r.ruleId);
      expect(r.partialFingerprints?.[FINGERPRINT_KEY]).toMatch(/^[0-9a-f]{32}(-\d+)?$/);
    }
  });

  it('fingerprints are stable: same input → same fingerprints; moving lines keeps them; ./ and absolute spellings agree', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'fixtures', 'domains', 'guide-svirt-none.xml'), 'utf8');
    const dir = fs.mkdtempSync(path.join(ROOT, '.tmp-fp-'));
    try {
      const a = path.join(dir, 'vm.xml');
      fs.writeFileSync(a, doc);
      const fps = (file: string) =>
        toSarif({ result: scanDomainFiles([file], rules), failOn: 'high', policyName: 'default' }).runs[0].results!.map((r: Sarif.Result) => `${r.ruleId} ${r.partialFingerprints![FINGERPRINT_KEY]}`).sort();
      const first = fps(rel(a));
      expect(first.length).toBeGreaterThan(1);
      expect(fps(rel(a))).toEqual(first);
      expect(fps(`./${rel(a)}`)).toEqual(first);
      expect(fps(a)).toEqual(first);
      // Moving lines: a comment block at the top and blank lines between elements shift every finding's line.
      fs.writeFileSync(a, doc.replace(/^(<domain[^>]*>)/m, '<!--\n  moved\n-->\n$1\n\n').replace(/\n  </g, '\n\n  <'));
      const moved = toSarif({ result: scanDomainFiles([rel(a)], rules), failOn: 'high', policyName: 'default' }).runs[0].results!;
      expect(moved.map((r) => r.locations![0].physicalLocation!.region!.startLine)).not.toEqual(first.map(() => 0));
      expect(fps(rel(a))).toEqual(first);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is byte-identical for the same input', () => {
    const again = toSarif({ result: scanDomainFiles(fixtureDomains, rules), failOn: 'none', policyName: 'default' });
    expect(JSON.stringify(again)).toBe(JSON.stringify(all));
  });

  it('scan errors become error notifications with a location; the invocation is marked unsuccessful', () => {
    const log = logs.find((l) => l.name === 'bad-all')!.sarif;
    const inv = log.runs[0].invocations![0];
    expect(inv.executionSuccessful).toBe(false);
    const errs = inv.toolExecutionNotifications!.filter((n) => n.level === 'error');
    // Only missing.xml (unreadable); the 4 documents that yield no domain are each one DOM-XML-001 result instead,
    // and numbers.xml is parsed (its values are findings).
    expect(errs.map((n) => n.message.text)).toEqual([expect.stringContaining('missing.xml:1:1')]);
    const xml001 = (log.runs[0].results ?? []).filter((r) => r.ruleId === 'DOM-XML-001').map((r) => path.basename(r.locations![0].physicalLocation!.artifactLocation!.uri!));
    expect(new Set(xml001)).toEqual(new Set(['not-well-formed.xml', 'empty.xml', 'json.xml', 'lol.xml', 'numbers.xml']));
    expect(xml001.filter((f) => f !== 'numbers.xml')).toHaveLength(4);
    for (const n of errs) expect(n.locations?.[0].physicalLocation?.region?.startLine).toBeGreaterThanOrEqual(1);
    const descriptorIds = new Set(log.runs[0].tool.driver.notifications!.map((d) => d.id));
    for (const n of inv.toolExecutionNotifications!) expect(descriptorIds.has(n.descriptor!.id!)).toBe(true);
  });
});

const multitool = hasMultitool() ? describe : process.env.CI === 'true' ? describe : describe.skip;
multitool('SARIF Multitool with GitHub ingestion rules (oracle)', () => {
  it('is installed (npm dev-dependency @microsoft/sarif-multitool-linux)', () => {
    expect(hasMultitool()).toBe(true);
  });

  it('reports no error and no warning for any log', () => {
    const files = logs.map((l) => {
      const f = path.join(tmp, `${l.name}.sarif`);
      fs.writeFileSync(f, JSON.stringify(l.sarif, null, 2));
      return f;
    });
    const issues = multitoolValidate(files, tmp);
    expect(issues.filter((i) => i.level === 'error' || i.level === 'warning').map((i) => `${i.level} ${i.ruleId}: ${i.text}`)).toEqual([]);
    // Notes we accept, by design: message text instead of message ids (SARIF2002), no versionControlProvenance (a scan
    // does not know the repository, SARIF2003), the $schema URI not fetched (no network in tests, SARIF2006), rule
    // ids like DOM-SEC-001 that are stable forever (SARIF2009), no snippets/context regions (SARIF2010/2011).
    const accepted = ['SARIF2002', 'SARIF2003', 'SARIF2006', 'SARIF2009', 'SARIF2010', 'SARIF2011'];
    expect([...new Set(issues.filter((i) => !accepted.includes(i.ruleId)).map((i) => `${i.ruleId}: ${i.text}`))]).toEqual([]);
  });

  it('does flag a log that breaks GitHub rules (the oracle is live)', () => {
    const broken = JSON.parse(JSON.stringify(logs[0].sarif)) as Sarif.Log;
    delete broken.runs[0].tool.driver.rules![0].help;
    delete broken.runs[0].tool.driver.rules![0].fullDescription;
    const f = path.join(tmp, 'broken.sarif');
    fs.writeFileSync(f, JSON.stringify(broken));
    expect(multitoolValidate([f], tmp).filter((i) => i.level === 'error').map((i) => i.ruleId)).toContain('GH2012');
  });
});

describe('severity overrides in JSON and SARIF (issue 12)', () => {
  it("a finding whose severity a policy changed keeps the rule's own as originalSeverity; others have none", () => {
    const files = [path.join(ROOT, 'fixtures', 'domains', 'guide-iothread.xml'), path.join(ROOT, 'fixtures', 'domains', 'guide-svirt-none.xml')].map(rel);
    const result = scanDomainFiles(files, rules, { name: 'raised', enabled: () => true, settings: (r) => (r.id === 'DOM-IOT-003' ? { severity: 'high' } : {}) });
    const ctx = { result, failOn: 'high' as const, policyName: 'raised' };
    const json = JSON.parse(JSON.stringify(toJsonReport(ctx))) as { findings: { ruleId: string; severity: string; originalSeverity?: string }[] };
    expect(schemaErrors(reportValidator(), json)).toEqual([]);
    const iot = json.findings.filter((f) => f.ruleId === 'DOM-IOT-003');
    expect(iot.length).toBeGreaterThan(0);
    for (const f of iot) expect([f.severity, f.originalSeverity]).toEqual(['high', rules.find((r) => r.id === 'DOM-IOT-003')!.severity]);
    expect(json.findings.filter((f) => 'originalSeverity' in f)).toHaveLength(iot.length);
    // The schema refuses a value that is not a severity.
    expect(schemaErrors(reportValidator(), { ...json, findings: [{ ...iot[0], originalSeverity: 'urgent' }] }).length).toBeGreaterThan(0);

    const sarif = toSarif(ctx);
    expect(schemaErrors(sarifValidator(), JSON.parse(JSON.stringify(sarif)))).toEqual([]);
    const res = sarif.runs[0].results ?? [];
    const sarifIot = res.filter((r) => r.ruleId === 'DOM-IOT-003');
    expect(sarifIot.map((r) => [r.level, r.properties?.severity, r.properties?.originalSeverity])).toEqual(sarifIot.map(() => ['error', 'high', 'info']));
    expect(res.filter((r) => r.properties && 'originalSeverity' in r.properties)).toHaveLength(sarifIot.length);
  });
});
