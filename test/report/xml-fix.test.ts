import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Sarif from 'sarif';
import { scanDomainFiles } from '../../src/engine/scan-domains';
import { toSarif } from '../../src/report/sarif';
import { describeWithOracles } from '../helpers/oracle';
import { fixture, rules } from './sample';

/** Applies SARIF replacements (1-based, endColumn exclusive) to a text, last first. */
function applyFix(text: string, fix: Sarif.Fix): string {
  const lines = text.split('\n');
  const offset = (l: number, c: number) => lines.slice(0, l - 1).reduce((n, x) => n + x.length + 1, 0) + c - 1;
  const reps = fix.artifactChanges.flatMap((a) => a.replacements).sort((a, b) => offset(b.deletedRegion.startLine!, b.deletedRegion.startColumn!) - offset(a.deletedRegion.startLine!, a.deletedRegion.startColumn!));
  let out = text;
  for (const r of reps) {
    const d = r.deletedRegion;
    out = out.slice(0, offset(d.startLine!, d.startColumn!)) + (r.insertedContent?.text ?? '') + out.slice(offset(d.endLine!, d.endColumn!));
  }
  return out;
}

describeWithOracles(['virt-xml-validate'], 'SARIF fixes for domain XML', () => {
  it('the DOM-SEC-001 fix, applied, gives a domain libvirt validates and the rule no longer flags', () => {
    const file = fixture('guide-svirt-none.xml');
    const result = scanDomainFiles([file], rules);
    const log = toSarif({ result, failOn: 'high', policyName: 'default', source: (f) => fs.readFileSync(f, 'utf8') });
    const withFix = log.runs[0].results!.filter((r) => r.fixes);
    expect(withFix.map((r) => r.ruleId)).toEqual(['DOM-SEC-001']);
    const fix = withFix[0].fixes![0];
    expect(fix.artifactChanges[0].artifactLocation.uri).toBe(file.split(path.sep).join('/'));
    const fixed = applyFix(fs.readFileSync(file, 'utf8'), fix);
    expect(fixed).toContain("  <seclabel type='dynamic' model='selinux' relabel='yes'/>\n");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-fix-'));
    try {
      const out = path.join(dir, 'fixed.xml');
      fs.writeFileSync(out, fixed);
      const v = spawnSync('virt-xml-validate', [out, 'domain'], { encoding: 'utf8' });
      expect(`${v.stdout}${v.stderr}`).toMatch(/validates/);
      expect(v.status).toBe(0);
      expect(scanDomainFiles([out], rules).findings.filter((f) => f.ruleId === 'DOM-SEC-001')).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('no fix without the source text; with it, exactly the automatic fixes (choices carry none)', () => {
    const result = scanDomainFiles([fixture('guide-svirt-none.xml'), fixture('guide-mpam-memorytune.xml')], rules);
    expect(toSarif({ result, failOn: 'high', policyName: 'default' }).runs[0].results!.some((r) => r.fixes)).toBe(false);
    const withSource = toSarif({ result, failOn: 'high', policyName: 'default', source: (f) => fs.readFileSync(f, 'utf8') });
    // DOM-SEC-001 replaces <seclabel type='none'>; DOM-MPAM-003 rewrites the openEuler <memorytune><node>; DOM-SEC-004
    // (opt-in, loaded here) adds a dynamic label to the memorytune domain, which has none. DOM-PIN-001, DOM-TOPO-001... are choices.
    expect(withSource.runs[0].results!.filter((r) => r.fixes).map((r) => r.ruleId).sort()).toEqual(['DOM-MPAM-003', 'DOM-SEC-001', 'DOM-SEC-004']);
  });
});
