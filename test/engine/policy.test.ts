import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Finding, ScanResult } from '../../src/engine/findings';
import type { Rule } from '../../src/engine/generated/rule';
import { applyWaivers, loadPolicy, parsePolicyText, shippedPolicyNames, subjectMatches, today, waiverCovers, type WaiverEntry } from '../../src/engine/policy';
import { loadRules } from '../../src/engine/rule-loader';
import { scanDomainFiles } from '../../src/engine/scan-domains';

const rules: Rule[] = loadRules().rules.map((r) => r.rule);
const byId = (id: string) => rules.find((r) => r.id === id)!;
const FIX = path.join(__dirname, '..', '..', 'fixtures', 'domains');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-policy-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
};

describe('shipped policies', () => {
  it('are the documented five and each is valid against the shipped rules', () => {
    expect(shippedPolicyNames()).toEqual(['default', 'performance', 'pre-production', 'security-baseline', 'strict']);
    for (const name of shippedPolicyNames()) {
      const { policy, errors } = loadPolicy(name);
      expect(errors).toEqual([]);
      expect(policy!.check(rules)).toEqual([]);
      expect(policy!.name).toBe(name);
    }
  });

  it('security-baseline selects exactly the security rules; performance the performance and availability ones', () => {
    const sec = loadPolicy('security-baseline').policy!;
    expect(rules.filter((r) => sec.selection.enabled(r)).map((r) => r.id)).toEqual(rules.filter((r) => r.area === 'security' && !r['opt-in']).map((r) => r.id));
    const perf = loadPolicy('performance').policy!;
    expect(rules.filter((r) => perf.selection.enabled(r)).every((r) => r.area !== 'security')).toBe(true);
    expect(perf.selection.settings(byId('DOM-PIN-001'))).toEqual({ severity: 'medium', params: { require_pinning: true } });
    expect(perf.failOn).toBe('medium');
  });

  it('pre-production is both, applied in order, with the stricter gate', () => {
    const pp = loadPolicy('pre-production').policy!;
    expect(pp.files).toEqual(['policies/security-baseline.yaml', 'policies/performance.yaml', 'policies/pre-production.yaml']);
    expect(rules.filter((r) => pp.selection.enabled(r)).map((r) => r.id)).toEqual(rules.filter((r) => !r['opt-in']).map((r) => r.id));
    expect(pp.failOn).toBe('medium');
    expect(pp.selection.settings(byId('DOM-PIN-001')).params).toEqual({ require_pinning: true });
  });

  it('opt-in rules run only when an include names them by id or id glob (strict: every rule)', () => {
    const optIn = rules.filter((r) => r['opt-in']).map((r) => r.id);
    expect(optIn).toEqual(expect.arrayContaining(['DOM-QGA-001', 'DOM-SEC-004']));
    const strict = loadPolicy('strict').policy!;
    expect(rules.every((r) => strict.selection.enabled(r))).toBe(true);
    expect(loadPolicy('default').policy!.selection.enabled(byId('DOM-SEC-004'))).toBe(false);
    const sel = (text: string) => loadPolicy(write('sel.yaml', text)).policy!.selection.enabled(byId('DOM-SEC-004'));
    expect(sel('rules:\n  include:\n    - area: security\n')).toBe(false);
    expect(sel('rules:\n  include:\n    - { tag: svirt }\n')).toBe(false);
    expect(sel('rules:\n  include:\n    - DOM-SEC-004\n')).toBe(true);
    expect(sel('rules:\n  include:\n    - { id: "DOM-SEC-*", area: security }\n')).toBe(true);
    expect(sel('rules:\n  include:\n    - { id: "DOM-SEC-*", area: performance }\n')).toBe(false);
    expect(sel('extends: strict\nrules:\n  exclude:\n    - DOM-SEC-004\n')).toBe(false);
  });

  it('a policy parameter changes what a rule finds (DOM-PIN-001 require_pinning), and its severity override shows', () => {
    const file = path.join(FIX, 'good-nic.xml');
    const plain = scanDomainFiles([file], rules, loadPolicy('default').policy!.selection);
    expect(plain.findings.filter((f) => f.ruleId === 'DOM-PIN-001')).toEqual([]);
    const perf = scanDomainFiles([file], rules, loadPolicy('performance').policy!.selection);
    expect(perf.findings.filter((f) => f.ruleId === 'DOM-PIN-001').map((f) => f.severity)).toEqual(['medium']);
    expect(perf.rules.some((r) => r.area === 'security')).toBe(false);
  });
});

describe('extends and selection layering', () => {
  it('the first include replaces "all", later includes add, excludes remove, a child include re-enables', () => {
    write('base.yaml', 'rules:\n  include:\n    - area: security\n  exclude:\n    - DOM-SEC-001\nfail-on: low\n');
    const child = write('child.yaml', 'extends: ./base.yaml\nrules:\n  include:\n    - DOM-SEC-001\n    - { tag: passthrough, min-severity: high }\n');
    const { policy, errors } = loadPolicy(child);
    expect(errors).toEqual([]);
    const on = rules.filter((r) => policy!.selection.enabled(r)).map((r) => r.id);
    expect(on).toContain('DOM-SEC-001');
    expect(on).toContain('GUEST-QGA-001');
    expect(on).toContain('DOM-HOSTDEV-001'); // passthrough, high
    expect(on).not.toContain('DOM-HOSTDEV-002'); // passthrough, but low
    expect(on).not.toContain('DOM-IOT-001');
    expect(policy!.failOn).toBe('low'); // inherited
    expect(policy!.name).toBe('child');
  });

  it('severity globs: the later layer wins', () => {
    write('sev-base.yaml', 'severity:\n  DOM-IOT-*: low\n');
    const f = write('sev.yaml', 'extends: [./sev-base.yaml]\nseverity:\n  DOM-IOT-002: critical\n');
    const p = loadPolicy(f).policy!;
    expect(p.selection.settings(byId('DOM-IOT-001')).severity).toBe('low');
    expect(p.selection.settings(byId('DOM-IOT-002')).severity).toBe('critical');
    expect(p.selection.settings(byId('DOM-SEC-001')).severity).toBeUndefined();
  });

  it('refuses an extends cycle, naming the file and line of the extends', () => {
    write('a.yaml', 'name: a\nextends: ./b.yaml\n');
    write('b.yaml', '# b\nname: b\nextends:\n  - security-baseline\n  - ./a.yaml\n');
    const { policy, errors } = loadPolicy(path.join(dir, 'a.yaml'));
    expect(policy).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 5, path: '/extends/1', message: 'extends cycle: a.yaml → b.yaml → a.yaml' });
    expect(errors[0].file).toMatch(/b\.yaml$/);
  });

  it('an unknown shipped name or missing file is an error at the extends line', () => {
    const f = write('unk.yaml', 'name: u\nextends: [security-baselin]\n');
    const { errors } = loadPolicy(f);
    expect(errors).toEqual([expect.objectContaining({ line: 2, message: expect.stringMatching(/^no shipped policy 'security-baselin' \(shipped: default, performance/) })]);
    expect(loadPolicy(path.join(dir, 'missing.yaml')).errors[0].message).toMatch(/no such file/);
  });
});

describe('validation errors carry line and column', () => {
  it('schema errors point at the offending key', () => {
    const text = ['name: p', 'fail-on: hihg', 'waivers:', '  - rule: DOM-SEC-001', '    justification: legacy appliance', '    expires: 31.12.2026', 'colour: red', ''].join('\n');
    const { errors } = parsePolicyText(text, 'p.yaml');
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'p.yaml', line: 2, path: '/fail-on' }),
        expect.objectContaining({ line: 6, path: '/waivers/0/expires', message: 'must be a date YYYY-MM-DD' }),
        expect.objectContaining({ line: 1, path: '/', message: "unknown property 'colour'" }),
      ]),
    );
  });

  it('an impossible date and a YAML syntax error', () => {
    expect(parsePolicyText('waivers:\n  - rule: DOM-SEC-001\n    justification: long enough text\n    expires: 2026-02-30\n', 'p.yaml').errors).toEqual([
      expect.objectContaining({ line: 4, message: '2026-02-30 is not a calendar date' }),
    ]);
    const bad = parsePolicyText('name: p\nrules: [\n', 'p.yaml').errors;
    expect(bad[0]).toMatchObject({ file: 'p.yaml', message: expect.stringMatching(/^YAML: /) });
    expect(bad[0].line).toBeGreaterThanOrEqual(2);
    expect(parsePolicyText('name: a\nname: b\n', 'p.yaml').errors[0]).toMatchObject({ line: 2, message: expect.stringMatching(/unique/) });
  });

  it('parameters are checked per rule: unknown rule, unknown name, wrong type', () => {
    const f = write(
      'params.yaml',
      ['params:', '  DOM-PIN-001:', '    require_pinning: "yes"', '    pinning: true', '  GUEST-QGA-002:', '    mustBlock: [guest-exec, 3]', '  DOM-NOPE-001: {}', 'severity:', '  GUEST-XX-*: low', ''].join('\n'),
    );
    const errs = loadPolicy(f).policy!.check(rules);
    expect(errs.map((e) => [e.line, e.message])).toEqual([
      [9, 'no rule GUEST-XX-*'],
      [3, `DOM-PIN-001 parameter 'require_pinning' must be a boolean, not "yes"`],
      [4, "DOM-PIN-001 has no parameter 'pinning' (it has: require_pinning)"],
      [6, 'GUEST-QGA-002 parameter \'mustBlock\' must be a list of strings, not ["guest-exec",3]'],
      [7, 'no rule DOM-NOPE-001'],
    ]);
  });
});

describe('waivers', () => {
  const finding = (over: Partial<Finding> = {}): Finding => ({
    ruleId: 'DOM-SEC-001',
    severity: 'high',
    message: 'm',
    target: { kind: 'domain', name: 'vms/legacy-1.xml' },
    location: null,
    subject: 'seclabel[1]',
    fingerprint: 'fp',
    ...over,
  });
  const w = (over: Partial<WaiverEntry>): WaiverEntry => ({ rule: 'DOM-SEC-001', justification: 'legacy appliance', expires: '2026-06-30', source: { file: 'our.yaml', line: 7, column: 3 }, ...over });

  it('match rule glob, target glob and a literal-bracket subject pattern', () => {
    expect(waiverCovers(w({ target: 'vms/legacy-*.xml' }), finding())).toBe(true);
    expect(waiverCovers(w({ target: 'vms/*.xml' }), finding({ target: { kind: 'domain', name: 'vms/sub/x.xml' } }))).toBe(false);
    expect(waiverCovers(w({ target: 'vms/**' }), finding({ target: { kind: 'domain', name: 'vms/sub/x.xml' } }))).toBe(true);
    expect(waiverCovers(w({ rule: 'DOM-*' }), finding())).toBe(true);
    expect(waiverCovers(w({ rule: 'GUEST-*' }), finding())).toBe(false);
    expect(subjectMatches('domain[db1]/disk[vdb]', 'domain[db1]/disk[vdb]')).toBe(true);
    expect(subjectMatches('domain[db1]/disk[vdb]', 'domain[db1]/disk[v]')).toBe(false);
    expect(subjectMatches('domain[db*]/*', 'domain[db2]/hostdev[0000:81:00.1]')).toBe(true);
    expect(subjectMatches('a.b', 'axb')).toBe(false);
    expect(waiverCovers(w({ target: 'hv-*', subject: 'domain[web]/*' }), finding({ target: { kind: 'host', name: 'hv-07' }, subject: 'domain[web]/seclabel[1]' }))).toBe(true);
  });

  it('a waiver applies through its expiry day; after it, the finding is unwaived and the waiver reported', () => {
    const result = { findings: [finding(), finding({ fingerprint: 'fp2', target: { kind: 'domain', name: 'vms/other.xml' } })] } as ScanResult;
    const waivers = [w({ target: 'vms/legacy-*.xml' }), w({ rule: 'DOM-IOT-001', expires: '2030-01-01' })];
    const onDay = applyWaivers(result, waivers, '2026-06-30');
    expect(result.findings[0].waiver).toEqual({ justification: 'legacy appliance', expires: '2026-06-30', source: 'our.yaml' });
    expect(result.findings[1].waiver).toBeUndefined();
    expect(onDay.map((n) => [n.status, n.findings])).toEqual([
      ['active', 1],
      ['unused', 0],
    ]);
    const after = applyWaivers(result, waivers, '2026-07-01');
    expect(result.findings[0].waiver).toBeUndefined();
    expect(after[0]).toMatchObject({ status: 'expired', findings: 1 });
  });

  it('today() is injectable and defaults to the UTC date', () => {
    expect(today({ VMAUDIT_TODAY: '2031-02-03' })).toBe('2031-02-03');
    expect(today({ VMAUDIT_TODAY: '2031-02-30' }, new Date('2024-05-06T23:59:00Z'))).toBe('2024-05-06');
    expect(today({}, new Date('2024-05-06T01:00:00+03:00'))).toBe('2024-05-05');
  });

  it('waivers declared in a file carry their line; inherited ones come first', () => {
    write('w-base.yaml', 'waivers:\n  - rule: DOM-SEC-001\n    justification: base waiver text\n    expires: 2026-01-01\n');
    const f = write('w.yaml', 'extends: ./w-base.yaml\nwaivers:\n  - rule: DOM-IOT-*\n    target: "vms/*.xml"\n    justification: child waiver text\n    expires: 2027-01-01\n');
    const p = loadPolicy(f).policy!;
    expect(p.waivers.map((x) => [x.rule, path.basename(x.source.file), x.source.line])).toEqual([
      ['DOM-SEC-001', 'w-base.yaml', 2],
      ['DOM-IOT-*', 'w.yaml', 3],
    ]);
  });
});

describe('generated policy types', () => {
  it('src/engine/generated/*.ts are current (node scripts/gen-types.js --check)', () => {
    execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'gen-types.js'), '--check'], { stdio: 'pipe' });
  });
});
