import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUILTIN_RULES_DIR, listRuleFiles, loadRuleFile } from '../../src/engine/rule-loader';
import { ruleMarkdown } from '../../src/report/common';
import type { Rule } from '../../src/engine/generated/rule';
import { REPO_ROOT, runCli } from '../helpers/cli';

// An organisation's own rule cites its own standard (references: standard + id); `guide:` is for the shipped rules.

const ACME = `id: ACME-MEM-001
title: Domains declare their memory explicitly
area: availability
scope: domain
severity: low
assert: domain.memory == null
message: "domain {{ domain.name }} declares <memory>"
rationale: Test rule that fires on every domain with a memory element.
remediation:
  text: Nothing to do; this rule exists to show its references.
references:
  - standard: ACME-SEC
    id: "4.2"
    title: Memory sizing is reviewed
    url: https://standards.example.com/acme-sec#4.2
  - title: libvirt domain XML format
    url: https://libvirt.org/formatdomain.html
`;

describe('rule references and guide sections', () => {
  it.each(listRuleFiles(BUILTIN_RULES_DIR).map((f) => [path.basename(f), f]))('built-in %s cites the guide (guide: is optional for user rules only)', (_n, f) => {
    const r = loadRuleFile(f).rule as Rule;
    expect(r.guide?.length).toBeGreaterThan(0);
  });

  it("a user's rule without guide: loads with its standard's requirement, shown by rules show", () => {
    const r = loadRuleFile('/x/ACME-MEM-001.yaml', ACME);
    expect(r.errors).toEqual([]);
    const md = ruleMarkdown(r.rule as Rule);
    expect(md).toContain('- [ACME-SEC 4.2: Memory sizing is reviewed](https://standards.example.com/acme-sec#4.2)');
    expect(md).toContain('**Guide:** none (see References)');
  });

  it('a standard without the requirement id (or an id without its standard) is refused with its line', () => {
    const noId = loadRuleFile('/x/ACME-MEM-001.yaml', ACME.replace('    id: "4.2"\n', ''));
    expect(noId.errors.map((e) => [e.line, e.path])).toContainEqual([12, '/references/0']);
    const bare = loadRuleFile('/x/ACME-MEM-001.yaml', ACME.replace('  - standard: ACME-SEC\n    id: "4.2"\n    title: Memory sizing is reviewed\n    url: https://standards.example.com/acme-sec#4.2\n', '  - url: https://x.example.com/\n'));
    expect(bare.rule).toBeUndefined();
    expect(bare.errors.map((e) => e.path)).toContain('/references/0');
  });

  it('SARIF rule properties.standards + helpUri and JSON findings[].standards carry it (CLI)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-refs-'));
    try {
      fs.writeFileSync(path.join(dir, 'ACME-MEM-001.yaml'), ACME);
      const xml = path.join(REPO_ROOT, 'fixtures', 'domains', 'good-hugepages.xml');
      const sarif = await runCli(['scan', 'domain', xml, '--rules', dir, '-f', 'sarif', '--fail-on', 'none']);
      expect(sarif.code).toBe(0);
      const run = JSON.parse(sarif.stdout).runs[0];
      const desc = run.tool.driver.rules.find((r: { id: string }) => r.id === 'ACME-MEM-001');
      expect(desc.helpUri).toBe('https://standards.example.com/acme-sec#4.2');
      expect(desc.properties.standards).toEqual([{ standard: 'ACME-SEC', id: '4.2', title: 'Memory sizing is reviewed', url: 'https://standards.example.com/acme-sec#4.2' }]);
      expect(desc.properties.guide).toBeUndefined();
      const json = await runCli(['scan', 'domain', xml, '--rules', dir, '-f', 'json', '--fail-on', 'none']);
      const f = JSON.parse(json.stdout).findings.filter((x: { ruleId: string }) => x.ruleId === 'ACME-MEM-001');
      expect(f).toHaveLength(1);
      expect(f[0].standards).toEqual([{ standard: 'ACME-SEC', id: '4.2', title: 'Memory sizing is reviewed', url: 'https://standards.example.com/acme-sec#4.2' }]);
      // Built-in rules' findings have none.
      expect(JSON.parse(json.stdout).findings.filter((x: { ruleId: string; standards?: unknown }) => x.ruleId !== 'ACME-MEM-001' && x.standards)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
