import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUILTIN_RULES_DIR, listRuleFiles, loadRuleFile } from '../../src/engine/rule-loader';

/**
 * The section headings of the openEuler "Virtualization – Best Practices" guide, in document order, copied from the
 * plain-text copy the rules were written from (reference/best-practices-guide.txt; not read at build or test time).
 * Part titles ("Performance Best Practices", "Security Best Practices", "Service Application Best Practices") and
 * sub-headings inside a section ("Overview", "Operation Guide", "Lightweight Virtualization Practices", ...) are not
 * sections. "Managing SASL" sits under Libvirt Authentication but has a procedure of its own, so rules cite it.
 */
const GUIDE_SECTIONS = [
  // Performance Best Practices
  'halt-polling',
  'I/O Thread Configuration',
  'Raw Device Mapping',
  'kworker Isolation and Binding',
  'HugePage Memory',
  'Memory Bandwidth Monitoring',
  'PV-qspinlock',
  'Guest-Idle-Haltpoll',
  'NVMe Drive Passthrough',
  'Transparent Transmission of Hardware Topology',
  'vCPU Core Binding',
  'NUMA Affinity',
  'WFI-no-trap',
  'NIC Passthrough',
  'NUMA Exposure for Passthrough Devices',
  // Security Best Practices
  'Libvirt Authentication',
  'Managing SASL',
  'qemu-ga',
  'sVirt Protection',
  'Trusted VM Boot',
  // Service Application Best Practices
  'High-Density Many-Core Computing',
];

/** For rules that go beyond the guide (libvirt/QEMU hardening knowledge); not a section. */
const BEYOND = 'beyond-guide';

const schema = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'schemas', 'rule.schema.json'), 'utf8')) as {
  definitions: { guideSection: { enum: string[] } };
};
const sectionEnum = schema.definitions.guideSection.enum;

const cited = new Map<string, string[]>();
for (const file of listRuleFiles(BUILTIN_RULES_DIR)) {
  const { rule } = loadRuleFile(file);
  if (!rule) continue;
  // guide: is required of built-in rules (test/rules/references.test.ts), optional for user rules.
  for (const g of rule.guide ?? []) cited.set(g, [...(cited.get(g) ?? []), rule.id]);
}

describe('guide coverage', () => {
  it("the rule schema's guideSection enum is the guide's section headings (in order) plus beyond-guide", () => {
    expect(sectionEnum.filter((s) => s !== BEYOND)).toEqual(GUIDE_SECTIONS);
    expect(sectionEnum).toContain(BEYOND);
  });

  it('every guide section is cited by at least one shipped rule', () => {
    expect(cited.size).toBeGreaterThan(0);
    expect(sectionEnum.filter((s) => s !== BEYOND && !cited.has(s))).toEqual([]);
  });

  it('rules cite only sections the schema knows', () => {
    expect([...cited.keys()].filter((g) => !sectionEnum.includes(g))).toEqual([]);
  });
});
