import { gateFindings } from '../../src/report/common';
import { mdText, toMarkdown } from '../../src/report/markdown';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { severityRank, SEVERITIES } from '../../src/engine/findings';
import type { RuleSelection } from '../../src/engine/scan';
import { scanDomainFiles } from '../../src/engine/scan-domains';
import { remediationOf, type ReportContext } from '../../src/report/common';
import { fixture, rules, sampleContext } from './sample';

/** All domain fixtures, with a policy that raises DOM-IOT-003 (info) to high. */
function triageContext(): ReportContext {
  const files = fs.readdirSync(path.join(__dirname, '..', '..', 'fixtures', 'domains')).filter((f) => f.endsWith('.xml')).map(fixture);
  const selection: RuleSelection = { name: 'raised', enabled: () => true, settings: (r) => (r.id === 'DOM-IOT-003' ? { severity: 'high' } : {}) };
  return { result: scanDomainFiles(files, rules, selection), failOn: 'high', policyName: 'raised' };
}

describe('Markdown report', () => {
  const ctx = sampleContext();
  const md = toMarkdown(ctx);

  it('leads with the gate and a severity table', () => {
    const gate = gateFindings(ctx).length;
    expect(md.split('\n')[0]).toBe(`## vmaudit: ❌ gate failed: ${gate} finding(s) at or above high`);
    expect(md).toContain('| 🔴 high | 2 |');
    expect(md).toContain('| waived | 4 |');
    expect(md).toContain('| unchanged since the baseline | 1 |');
    expect(md).toContain('**Baseline** `main.sarif`: 7 new, 1 unchanged, 1 fixed.');
  });

  it('lists new findings with escaped messages, then how to fix each rule, in fences longer than the content', () => {
    const open = ctx.result.findings.filter((f) => !f.waiver && f.baseline !== 'unchanged');
    expect(md).toContain(`### New findings (${open.length})`);
    const rows = md.split('\n').filter((l) => /^\| [🟣🔴🟠🔵⚪] /u.test(l) && l.includes('DOM-'));
    expect(rows).toHaveLength(open.length);
    for (const r of rows) expect(r).not.toMatch(/<(seclabel|memorytune|cachetune|vcpu)/);
    expect(rows.join('\n')).toContain('&lt;memorytune&gt;');
    expect(md).toContain('#### DOM-MPAM-001');
    expect(md).toContain('```xml\n');
  });

  it('keeps waived and baseline findings, expired waivers, errors and not-evaluated rules visible', () => {
    expect(md).toContain('<details><summary>Waived or unchanged since the baseline (');
    expect(md).toContain('waived until 2030-12-31: Spare IOThreads are kept for hot-plugged disks &lt;by design&gt; &amp; reviewed');
    expect(md).toContain('- **expired**: waiver for DOM-MPAM-\\* at our-policy.yaml:20 expired on 2020-01-01');
    expect(md).toContain('### Could not scan');
    // A file that is not well-formed is one "Could not scan" line, without a "Not evaluated" list of every rule.
    expect(md).not.toContain('Not evaluated');
    const withUnknown = toMarkdown({ ...ctx, result: { ...ctx.result, notEvaluated: [{ ruleId: 'DOM-IOT-001', target: { kind: 'host', name: 'kvm1' }, reason: 'host.cpus could not be read (permission denied)' }] } });
    expect(withUnknown).toMatch(/<details><summary>Not evaluated \(1\)<\/summary>/);
    expect(withUnknown).toContain('permission denied');
    expect(md).toContain('- DOM-TOPO-002 domain:fixtures/domains/guide-svirt-none.xml vcpu');
  });

  it('escapes Markdown and HTML in inline text', () => {
    expect(mdText('a|b <x> *y* `z` [l](u)\nnext')).toBe('a\\|b &lt;x&gt; \\*y\\* \\`z\\` \\[l\\](u) next');
  });

  describe('for triage', () => {
    const t = triageContext();
    const tmd = toMarkdown(t);
    const rows = tmd.split('\n').filter((l) => /^\| [🟣🔴🟠🔵⚪] /u.test(l) && l.includes(' | DOM-'));

    it('lists findings most severe first', () => {
      expect(rows).toHaveLength(t.result.findings.length);
      const ranks = rows.map((r) => severityRank(SEVERITIES.find((s) => r.split(' ')[2] === s)!));
      expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
      expect(new Set(ranks).size).toBeGreaterThan(2);
    });

    it('shows each distinct rendered fix once, with the findings it applies to', () => {
      const rmap = new Map(t.result.rules.map((r) => [r.id, r]));
      const distinct = new Map<string, number>();
      for (const f of t.result.findings) {
        const fix = remediationOf(rmap.get(f.ruleId)!, f);
        const k = JSON.stringify([f.ruleId, fix.text.trim(), fix.snippet?.content.trimEnd()]);
        distinct.set(k, (distinct.get(k) ?? 0) + 1);
      }
      expect(tmd.match(/^#### /gm)).toHaveLength(distinct.size);
      expect(tmd.match(/^#### DOM-SEC-004/gm)).toHaveLength(1);
      const n = t.result.findings.filter((f) => f.ruleId === 'DOM-SEC-004').length;
      expect(n).toBeGreaterThan(1);
      expect(tmd).toContain(`Applies to ${n} finding(s): fixtures/domains/guide-hugepages-1g.xml:1, `);
      expect([...tmd.matchAll(/^Applies to (\d+) finding/gm)].reduce((a, m) => a + Number(m[1]), 0)).toBe(t.result.findings.length);
    });

    it('shows a policy severity override with the rule\'s own severity', () => {
      const iot = rows.filter((r) => r.includes('| DOM-IOT-003 |'));
      expect(iot.length).toBeGreaterThan(0);
      for (const r of iot) expect(r).toMatch(/^\| 🔴 high \(rule: info\) ⛔ \|/u);
      expect(rows.filter((r) => r.includes('(rule:')).length).toBe(iot.length);
    });
  });
});

