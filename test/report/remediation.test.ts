import type * as Sarif from 'sarif';
import { loadRules } from '../../src/engine/rule-loader';
import { ScanAccumulator } from '../../src/engine/scan';
import { scanHostBundle } from '../../src/engine/scan-host';
import { bundleFromCase } from '../../src/engine/testing/evidence-case';
import type { ReportContext } from '../../src/report/common';
import { toHtml } from '../../src/report/html';
import { toJsonReport } from '../../src/report/json';
import { toMarkdown } from '../../src/report/markdown';
import { toSarif } from '../../src/report/sarif';
import { toText } from '../../src/report/text';

/**
 * A rule whose remediation has placeholders (SASL-DB-001: the sasldb libvirt uses) shows, in every report format,
 * the fix for the file that was flagged, never the template and never another rule's example path.
 */
const rules = loadRules().rules.map((r) => r.rule);
const rule = rules.find((r) => r.id === 'SASL-DB-001')!;

function scan(sasldb: string): ReportContext {
  const acc = new ScanAccumulator([rule]);
  // SASL on the UNIX socket; the sasldb libvirt uses is group-readable.
  scanHostBundle(
    acc,
    bundleFromCase('host', {
      files: {
        '/etc/sasl2/libvirt.conf': `sasldb_path: ${sasldb}\n`,
        '/etc/libvirt/libvirtd.conf': 'auth_unix_rw = "sasl"\n',
        [sasldb]: { state: 'ok', mode: 0o100640, owner: 'root', group: 'libvirt' },
      },
    }),
  );
  return { result: acc.result(), failOn: 'high', policyName: 'default' };
}

describe('remediation rendered for the finding', () => {
  const ctx = scan('/var/lib/sasl/libvirt db');
  const quoted = "chmod 0600 '/var/lib/sasl/libvirt db'";

  it('the engine fills it in', () => {
    expect(ctx.result.findings.map((f) => [f.ruleId, f.remediation])).toEqual([
      ['SASL-DB-001', { text: 'Make /var/lib/sasl/libvirt db readable by root only.', snippet: `chown root:root '/var/lib/sasl/libvirt db'\n${quoted}\n` }],
    ]);
  });

  it.each([
    ['json', () => JSON.stringify(toJsonReport(ctx))],
    ['sarif results', () => JSON.stringify((toSarif(ctx) as Sarif.Log).runs[0].results)],
    ['text --verbose', () => toText(ctx, { color: false, verbose: true })],
    ['html', () => toHtml(ctx)],
    ['markdown', () => toMarkdown(ctx)],
  ])('%s shows the flagged file in the fix', (_name, render) => {
    const out = render();
    expect(out).toContain('/var/lib/sasl/libvirt db readable by root only');
    expect(out).toContain(quoted.replace(/'/g, out.includes('&#39;') ? '&#39;' : "'"));
    expect(out).not.toContain('/etc/libvirt/passwd.db');
    expect(out).not.toContain('{{');
  });

  it('json: the finding carries the rendered remediation in its remediation object', () => {
    const j = toJsonReport(ctx) as { findings: { remediation: { text: string; snippet: { target: string; content: string } } }[] };
    expect(j.findings[0].remediation.text).toBe('Make /var/lib/sasl/libvirt db readable by root only.');
    expect(j.findings[0].remediation.snippet).toMatchObject({ target: 'the host (root shell)', content: `chown root:root '/var/lib/sasl/libvirt db'\n${quoted}\n` });
  });

  it('markdown lists one fix per distinct remediation of a rule', () => {
    const a = scan('/etc/libvirt/a.db');
    const b = scan('/etc/libvirt/b.db');
    const both: ReportContext = { ...a, result: { ...a.result, findings: [...a.result.findings, ...b.result.findings] } };
    const md = toMarkdown(both);
    expect(md.match(/#### SASL-DB-001/g)).toHaveLength(2);
    expect(md).toContain('chmod 0600 /etc/libvirt/a.db');
    expect(md).toContain('chmod 0600 /etc/libvirt/b.db');
  });
});
