import * as path from 'node:path';
import { applyBaseline } from '../../src/engine/baseline';
import type { ScanResult } from '../../src/engine/findings';
import type { Rule } from '../../src/engine/generated/rule';
import { applyWaivers, type WaiverEntry } from '../../src/engine/policy';
import { loadRules } from '../../src/engine/rule-loader';
import { scanDomainFiles } from '../../src/engine/scan-domains';
import type { ReportContext } from '../../src/report/common';

export const rules: Rule[] = loadRules().rules.map((r) => r.rule);
/**
 * The rule families the sample's expectations are written for: pinned so that new rules elsewhere do not change the
 * sample (reporter tests check how states render, not which rules exist).
 */
const SAMPLE_FAMILIES = ['DOM-SEC-001', 'DOM-TOPO-', 'DOM-IOT-', 'DOM-MPAM-'];
const sampleRules = rules.filter((r) => SAMPLE_FAMILIES.some((p) => r.id.startsWith(p)));
const ROOT = path.join(__dirname, '..', '..');
export const fixture = (f: string) => path.relative(process.cwd(), path.join(ROOT, 'fixtures', 'domains', f));

/**
 * A report context with every state a reporter shows: open findings of several severities, a waived one, an
 * expired waiver, a baseline with an unchanged and a fixed finding, a file that could not be scanned and rules
 * not evaluated. Built from real fixtures through the real scanner.
 */
export function sampleContext(): ReportContext & { result: ScanResult } {
  const files = [fixture('guide-svirt-none.xml'), fixture('guide-iothread.xml'), fixture('guide-mpam-memorytune.xml'), fixture('guide-numa-exposure.xml')];
  const result = scanDomainFiles(files, sampleRules);
  const svirt = result.findings.find((f) => f.ruleId === 'DOM-SEC-001')!;
  // A baseline in which the seclabel finding already existed, plus one finding that has since been fixed.
  const baseline = applyBaseline(result, {
    file: 'main.sarif',
    format: 'sarif',
    entries: [
      { fingerprint: svirt.fingerprint, ruleId: 'DOM-SEC-001', target: `domain:${svirt.target.name}`, subject: svirt.subject },
      { fingerprint: 'f'.repeat(32), ruleId: 'DOM-TOPO-002', target: `domain:${svirt.target.name}`, subject: 'vcpu' },
    ],
  });
  const src = { file: 'our-policy.yaml', line: 12, column: 5 };
  const waivers: WaiverEntry[] = [
    { rule: 'DOM-IOT-003', target: '**/guide-iothread.xml', justification: 'Spare IOThreads are kept for hot-plugged disks <by design> & reviewed', expires: '2030-12-31', source: src },
    { rule: 'DOM-MPAM-*', justification: 'MPAM hosts are being replaced', expires: '2020-01-01', source: { ...src, line: 20 } },
  ];
  const notes = applyWaivers(result, waivers, '2026-01-15');
  return { result, failOn: 'high', policyName: 'pre-production', waivers: notes, baseline };
}
