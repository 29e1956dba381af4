import { spawnSync } from 'node:child_process';
import { XMLParser } from 'fast-xml-parser';
import { toJunit, xmlEscape } from '../../src/report/junit';
import { describeWithOracles } from '../helpers/oracle';
import { sampleContext } from './sample';

type Node = Record<string, unknown>;
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe('JUnit report', () => {
  const ctx = sampleContext();
  const xml = toJunit(ctx);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as { testsuites: Node };
  const suites = asArray(doc.testsuites.testsuite as Node | Node[]);

  it('has one testsuite per target and one testcase per rule × target evaluated', () => {
    expect(suites.map((s) => s.name)).toEqual(ctx.result.targets.map((t) => `${t.kind}:${t.name}`));
    const pairs = new Set([...ctx.result.passed, ...ctx.result.notEvaluated, ...ctx.result.findings].map((x) => `${x.target.kind}:${x.target.name} ${x.ruleId}`));
    const cases = suites.flatMap((s) => asArray(s.testcase as Node | Node[]).filter((c) => c.name !== 'scan').map((c) => `${s.name} ${String(c.name).split(':')[0]}`));
    expect(cases.sort()).toEqual([...pairs].sort());
  });

  it('counts add up, and open findings are failures typed by their worst severity', () => {
    let tests = 0;
    let failures = 0;
    for (const s of suites) {
      const cs = asArray(s.testcase as Node | Node[]);
      expect(Number(s.tests)).toBe(cs.length);
      expect(Number(s.failures)).toBe(cs.filter((c) => c.failure).length);
      expect(Number(s.skipped)).toBe(cs.filter((c) => c.skipped !== undefined).length);
      expect(Number(s.errors)).toBe(cs.filter((c) => c.error).length);
      tests += cs.length;
      failures += cs.filter((c) => c.failure).length;
    }
    expect(Number(doc.testsuites.tests)).toBe(tests);
    expect(Number(doc.testsuites.failures)).toBe(failures);
    const svirt = suites.find((s) => String(s.name).endsWith('guide-svirt-none.xml'))!;
    const sec = asArray(svirt.testcase as Node | Node[]).find((c) => String(c.name).startsWith('DOM-SEC-001'))!;
    // Unchanged since the baseline: reported, but skipped, not failed.
    expect(sec.failure).toBeUndefined();
    expect(sec.skipped).toBeDefined();
    const mpam = suites.find((s) => String(s.name).endsWith('guide-mpam-memorytune.xml'))!;
    const failed = asArray(mpam.testcase as Node | Node[]).filter((c) => c.failure);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.map((c) => (c.failure as Node).type)).toEqual(expect.arrayContaining(['high']));
    expect(failed.every((c) => typeof c.file === 'string' && String(c.file).endsWith('guide-mpam-memorytune.xml'))).toBe(true);
  });

  it('waived findings are skipped with the justification; unparsable files are errors; unknown facts are skipped', () => {
    const iot = suites.find((s) => String(s.name).endsWith('guide-iothread.xml'))!;
    const waived = asArray(iot.testcase as Node | Node[]).find((c) => String(c.name).startsWith('DOM-IOT-003'))!;
    expect((waived.skipped as Node).message).toBe('waived: Spare IOThreads are kept for hot-plugged disks <by design> & reviewed');
    const broken = suites.find((s) => String(s.name).endsWith('guide-numa-exposure.xml'))!;
    const cs = asArray(broken.testcase as Node | Node[]);
    expect((cs.find((c) => c.name === 'scan')!.error as Node).message).toMatch(/not well-formed XML/);
    // Reported once: the scan error, not also one skipped testcase per rule.
    expect(cs.map((c) => c.name)).toEqual(['scan']);
  });

  it('escapes text; characters XML 1.0 forbids (and CR, LF, C1 controls) are shown as visible escapes', () => {
    expect(xmlEscape(`a<b>&"c'\u0001\uFFFE`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;\\x01\uFFFD');
    expect(xmlEscape('x\r\ny\u009b\u0000')).toBe('x\\r\\ny\\x9b\\x00');
    expect(toJunit(sampleContext())).toBe(xml);
  });

  it('only findings at or above the gate are failures; those below it leave the testcase passed, listed in <system-out>', () => {
    const severities = new Set(ctx.result.findings.filter((f) => !f.waiver && f.baseline !== 'unchanged').map((f) => f.severity));
    // The sample must hold open findings on both sides of its gate (high) for this test to mean anything.
    expect([...severities].some((s) => s === 'high' || s === 'critical')).toBe(true);
    expect([...severities].some((s) => s === 'low' || s === 'info' || s === 'medium')).toBe(true);
    let below = 0;
    for (const s of suites) {
      for (const c of asArray(s.testcase as Node | Node[])) {
        const rule = String(c.name).split(':')[0];
        const open = ctx.result.findings.filter((f) => `${f.target.kind}:${f.target.name}` === s.name && f.ruleId === rule && !f.waiver && f.baseline !== 'unchanged');
        const gating = open.filter((f) => f.severity === 'high' || f.severity === 'critical');
        expect(c.failure !== undefined).toBe(gating.length > 0);
        if (open.length && !gating.length) {
          below++;
          expect(c.skipped).toBeUndefined();
          expect(String(c['system-out'])).toContain('[below the gate: high]');
        }
      }
    }
    expect(below).toBeGreaterThan(0);
    // The same report with the gate at info: every open finding fails; with the gate off, none does.
    const all = toJunit({ ...sampleContext(), failOn: 'info' });
    const off = toJunit({ ...sampleContext(), failOn: 'none' });
    expect((all.match(/<failure /g) ?? []).length).toBeGreaterThan((xml.match(/<failure /g) ?? []).length);
    expect(off).not.toContain('<failure ');
    expect(off).toContain('[gate off]');
  });
});

describeWithOracles(['xmllint'], 'JUnit report read by xmllint', () => {
  it('is well-formed XML whose testcase count xmllint agrees with', () => {
    const ctx = sampleContext();
    ctx.result.findings[0] = { ...ctx.result.findings[0], message: 'bad \u0000 control ]]> and --> text' };
    const xml = toJunit(ctx);
    const count = spawnSync('xmllint', ['--xpath', 'count(//testsuite/testcase)', '-'], { input: xml, encoding: 'utf8' });
    expect(count.stderr).toBe('');
    expect(count.status).toBe(0);
    expect(Number(count.stdout)).toBe((xml.match(/<testcase /g) ?? []).length);
    const fails = spawnSync('xmllint', ['--xpath', 'string(/testsuites/@failures)', '-'], { input: xml, encoding: 'utf8' });
    expect(Number(fails.stdout)).toBe((xml.match(/<failure /g) ?? []).length);
  });
});
