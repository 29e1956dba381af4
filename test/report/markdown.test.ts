import { gateFindings } from '../../src/report/common';
import { mdText, toMarkdown } from '../../src/report/markdown';
import { sampleContext } from './sample';

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
    expect(md).toMatch(/<details><summary>Not evaluated \(\d+\)<\/summary>/);
    expect(md).toContain('- DOM-TOPO-002 domain:fixtures/domains/guide-svirt-none.xml vcpu');
  });

  it('escapes Markdown and HTML in inline text', () => {
    expect(mdText('a|b <x> *y* `z` [l](u)\nnext')).toBe('a\\|b &lt;x&gt; \\*y\\* \\`z\\` \\[l\\](u) next');
  });
});
