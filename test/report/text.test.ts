import { loadRules } from '../../src/engine/rule-loader';
import { scanDomainFiles, scanDomainInput } from '../../src/engine/scan-domains';
import { ScanAccumulator } from '../../src/engine/scan';
import { colorEnabled, toText } from '../../src/report/text';
import { fixture, rules as allRules } from './sample';

const rules = loadRules().rules.map((r) => r.rule).filter((r) => r.scope === 'domain');

function scan(docs: Record<string, string | undefined>) {
  const acc = new ScanAccumulator(rules);
  for (const [file, text] of Object.entries(docs)) scanDomainInput(acc, text === undefined ? { file, readError: 'no such file' } : { file, text });
  return acc.result();
}

const CRIT = `<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>c</name>
  <memory>1048576</memory>
  <os><type>hvm</type></os>
  <qemu:commandline>
    <qemu:arg value='-qmp'/>
    <qemu:arg value='tcp:0.0.0.0:4444,server=on,wait=off'/>
  </qemu:commandline>
</domain>
`;

describe('text report', () => {
  it('groups findings by file, then by severity (highest first), with line:column', () => {
    const text = toText({ result: scan({ 'b.xml': CRIT, 'a.xml': CRIT.replace("<name>c</name>", "<name>a</name>\n  <seclabel type='none'/>") }), failOn: 'high', policyName: 'default' }, { color: false });
    const lines = text.split('\n');
    expect(lines.indexOf('a.xml')).toBeLessThan(lines.indexOf('b.xml'));
    const block = lines.slice(lines.indexOf('b.xml') + 1, lines.indexOf('', lines.indexOf('b.xml')));
    expect(block.map((l) => l.trim().split(/\s+/).slice(0, 3))).toEqual([
      ['6:5', 'critical', 'DOM-QCMD-002'],
      ['5:3', 'low', 'DOM-QCMD-001'],
      ['1:1', 'info', 'DOM-SEC-004'],
    ]);
    expect(text).toMatch(/gate: FAILED — 3 finding\(s\) at or above high/);
    expect(text).not.toMatch(/\x1b\[/);
  });

  it('lists targets that could not be scanned once, under "Could not scan"', () => {
    const text = toText({ result: scan({ 'gone.xml': undefined }), failOn: 'critical', policyName: 'default' }, { color: false });
    expect(text.split('gone.xml:1:1: no such file').length - 1).toBe(1);
    expect(text).toContain('Could not scan:');
    expect(text).toContain('1 could not be scanned');
  });

  it('colours only when asked', () => {
    const result = scan({ 'b.xml': CRIT });
    expect(toText({ result, failOn: 'high', policyName: 'default' }, { color: true })).toMatch(/\x1b\[/);
  });

  it('colour: an explicit flag wins; otherwise a terminal, not --output, and NO_COLOR unset or empty', () => {
    expect(colorEnabled({ toFile: false, isTTY: true, env: {} })).toBe(true);
    expect(colorEnabled({ toFile: false, isTTY: true, env: { NO_COLOR: '' } })).toBe(true);
    expect(colorEnabled({ toFile: false, isTTY: true, env: { NO_COLOR: '1' } })).toBe(false);
    expect(colorEnabled({ toFile: false, isTTY: false, env: {} })).toBe(false);
    expect(colorEnabled({ toFile: true, isTTY: true, env: {} })).toBe(false);
    expect(colorEnabled({ flag: true, toFile: true, isTTY: false, env: { NO_COLOR: '1' } })).toBe(true);
    expect(colorEnabled({ flag: false, toFile: false, isTTY: true, env: {} })).toBe(false);
  });
});

describe('text report: severity overrides', () => {
  it('a finding whose severity a policy changed names the rule\'s own severity', () => {
    const result = scanDomainFiles([fixture('guide-iothread.xml'), fixture('guide-svirt-none.xml')], allRules, { name: 'raised', enabled: () => true, settings: (r) => (r.id === 'DOM-IOT-003' ? { severity: 'high' } : {}) });
    const lines = toText({ result, failOn: 'high', policyName: 'raised' }, { color: false }).split('\n');
    const iot = lines.filter((l) => l.includes('DOM-IOT-003'));
    expect(iot.length).toBeGreaterThan(0);
    for (const l of iot) expect(l).toMatch(/ high {5}\(rule: info\) DOM-IOT-003 /);
    expect(lines.filter((l) => l.includes('(rule:'))).toHaveLength(iot.length);
  });
});
