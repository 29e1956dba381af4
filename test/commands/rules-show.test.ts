import { runCli } from '../helpers/cli';
import { factPathsRead, evidenceOf } from '../../src/engine/cel-check';
import { loadRuleFile, BUILTIN_RULES_DIR } from '../../src/engine/rule-loader';
import type { Rule } from '../../src/engine/generated/rule';
import * as path from 'node:path';

// `vmaudit rules show ID` ends with where the rule lives, its cases, what it requires and the evidence it reads.

describe('rules show: source, tests, requires, evidence', () => {
  it('DOM-TPM-002: its files, default requires, the facts and XML elements it reads', async () => {
    const r = await runCli(['rules', 'show', 'DOM-TPM-002']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      [
        '## Source',
        '',
        '- Rule: rules/domain/DOM-TPM-002.yaml',
        '- Tests: rules/domain/DOM-TPM-002.test.yaml (2 valid, 1 invalid cases; run them with vmaudit rules test rules/domain)',
        '- Requires: domain (the default for domain rules)',
        '- Facts read: domain.tpms, domain.uuid (docs/facts.md)',
        '- Evidence read:',
        '  - <devices><tpm>',
        '  - <uuid>',
      ].join('\n'),
    );
  });

  it('a host rule: its requires and the host evidence items behind them', () => {
    const rule = loadRuleFile(path.join(BUILTIN_RULES_DIR, 'host', 'HOST-NUMA-001.yaml')).rule as Rule;
    expect(factPathsRead(rule)).toEqual(['domains', 'host.numa', 'host.numa.nodes', 'host.pci', 'host.pci.devices']);
    expect(evidenceOf('cross', 'host.pci.devices')).toContain('file /sys/bus/pci/devices/*/numa_node');
    expect(evidenceOf('host', 'host.selinux.runtime')).toContain('run getenforce: `getenforce` (live only)');
    expect(evidenceOf('domain', 'domain.disks')).toEqual(['<devices><disk>']);
  });
});
