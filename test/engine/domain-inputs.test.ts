import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Finding, ScanResult } from '../../src/engine/findings';
import { loadRules } from '../../src/engine/rule-loader';
import { scanDomainFiles } from '../../src/engine/scan-domains';
import { parseDomainDocuments } from '../../src/facts/domain/documents';
import { parseXmlDocuments } from '../../src/facts/xml';

/**
 * Domain inputs as they come (issue 9 item 5): libvirt's live status files (<domstatus>) and virt-install
 * --print-xml output (several <domain> documents in one file). Differential: each is scanned with every built-in
 * rule and must give exactly what its inner/each definition gives as a file of its own, lines moved to where the
 * definition sits in the original file.
 */
const rules = loadRules().rules.map((r) => r.rule);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-inputs-'));
const cwd = process.cwd();
beforeAll(() => process.chdir(dir));
afterAll(() => {
  process.chdir(cwd);
  fs.rmSync(dir, { recursive: true, force: true });
});

const scan = (name: string, text: string | Buffer): ScanResult => {
  fs.writeFileSync(path.join(dir, name), text);
  return scanDomainFiles([name], rules);
};
/** Findings as comparable lines: target, rule, file:line, message. */
const summary = (fs: readonly Finding[], lineShift = 0, target?: string, file?: string) =>
  fs.map((f) => `${target ?? f.target.name} ${f.ruleId} ${file ?? f.location?.file}:${(f.location?.line ?? 0) + lineShift} ${f.message}`).sort();

// A running definition as libvirt keeps it (live: id=, aliases), with things domain rules flag: VNC on all
// addresses without a password, no seclabel.
const LIVE_DOMAIN = `<domain type='kvm' id='7'>
    <name>web01</name>
    <uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa0</uuid>
    <memory unit='KiB'>2097152</memory>
    <vcpu placement='static'>2</vcpu>
    <os>
      <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
    </os>
    <devices>
      <emulator>/usr/bin/qemu-system-x86_64</emulator>
      <disk type='file' device='disk'>
        <driver name='qemu' type='qcow2' cache='unsafe'/>
        <source file='/var/lib/libvirt/images/web01.qcow2' index='1'/>
        <target dev='vda' bus='virtio'/>
        <alias name='virtio-disk0'/>
      </disk>
      <graphics type='vnc' port='5900' autoport='yes' listen='0.0.0.0'>
        <listen type='address' address='0.0.0.0'/>
      </graphics>
    </devices>
  </domain>`;

// Modelled on libvirt 9.0's tests/qemustatusxml2xmldata/*.xml (what /run/libvirt/qemu/NAME.xml holds).
const STATUS_HEAD = `<domstatus state='running' reason='booted' pid='195139'>
  <taint flag='high-privileges'/>
  <monitor path='/var/lib/libvirt/qemu/domain-7-web01/monitor.sock' type='unix'/>
  <namespaces>
    <mount/>
  </namespaces>
  <vcpus>
    <vcpu id='0' pid='195156'/>
    <vcpu id='1' pid='195157'/>
  </vcpus>
  <qemuCaps>
    <flag name='kvm'/>
    <flag name='vnc'/>
  </qemuCaps>
  <devices>
    <device alias='virtio-disk0'/>
  </devices>
  <libDir path='/var/lib/libvirt/qemu/domain-7-web01'/>
  <channelTargetDir path='/var/lib/libvirt/qemu/channel/target/domain-7-web01'/>
  <allowReboot value='yes'/>
  `;
const STATUS = `${STATUS_HEAD}${LIVE_DOMAIN}\n</domstatus>\n`;
const HEAD_LINES = STATUS_HEAD.split('\n').length - 1;

describe('<domstatus> (libvirt live state)', () => {
  it('is audited as the live domain it holds, with lines into the status file', () => {
    const alone = scan('web01.xml', `${LIVE_DOMAIN}\n`);
    const status = scan('status.xml', STATUS);
    expect(alone.findings.length).toBeGreaterThan(0);
    expect(status.errors).toEqual([]);
    expect(summary(status.findings)).toEqual(summary(alone.findings, HEAD_LINES, 'status.xml', 'status.xml'));
    expect(summary(status.findings).some((l) => l.includes(`status.xml:${HEAD_LINES + 17} `))).toBe(true); // <graphics>
  });

  it('yields a live domain (id=) named as inside', () => {
    const [r] = parseDomainDocuments(STATUS, 's.xml');
    expect(r.ok && { live: r.domain.live, name: r.domain.name }).toEqual({ live: true, name: 'web01' });
  });

  it('without a <domain> is one fatal DOM-XML-001 finding for that target, not a crash', () => {
    const r = scan('empty-status.xml', `${STATUS_HEAD}\n</domstatus>\n`);
    expect(r.errors).toEqual([]);
    expect(r.findings).toMatchObject([{ ruleId: 'DOM-XML-001', fatal: true, target: { name: 'empty-status.xml' }, message: expect.stringContaining('holds no <domain>') }]);
  });
});

// What virt-install --print-xml prints for an install from an ISO: the install phase (boots the CD, destroys on
// reboot), then the final definition; no XML declaration, one document after the other.
const INSTALL = `<domain type="kvm">
  <name>vm1</name>
  <memory>2097152</memory>
  <vcpu>2</vcpu>
  <os>
    <type arch="x86_64" machine="q35">hvm</type>
    <boot dev="cdrom"/>
  </os>
  <on_reboot>destroy</on_reboot>
  <devices>
    <graphics type="vnc" port="-1" listen="0.0.0.0"/>
  </devices>
</domain>`;
const FINAL = `<domain type="kvm">
  <name>vm1</name>
  <memory>2097152</memory>
  <vcpu>2</vcpu>
  <os>
    <type arch="x86_64" machine="q35">hvm</type>
    <boot dev="hd"/>
  </os>
  <devices>
    <disk type="file" device="disk">
      <driver name="qemu" type="qcow2" cache="unsafe"/>
      <source file="/var/lib/libvirt/images/vm1.qcow2"/>
      <target dev="vda" bus="virtio"/>
    </disk>
    <graphics type="vnc" port="-1" listen="0.0.0.0"/>
  </devices>
</domain>`;
const INSTALL_LINES = INSTALL.split('\n').length;

describe('several <domain> documents in one file (virt-install --print-xml)', () => {
  it('is audited as one target per document, FILE#n, with locations naming the file and its lines', () => {
    const one = scan('install.xml', `${INSTALL}\n`);
    const two = scan('final.xml', `${FINAL}\n`);
    const both = scan('print-xml.xml', `${INSTALL}\n${FINAL}\n`);
    expect(both.errors).toEqual([]);
    expect(both.targets.map((t) => t.name)).toEqual(['print-xml.xml#1', 'print-xml.xml#2']);
    expect(summary(both.findings)).toEqual(
      [...summary(one.findings, 0, 'print-xml.xml#1', 'print-xml.xml'), ...summary(two.findings, INSTALL_LINES, 'print-xml.xml#2', 'print-xml.xml')].sort(),
    );
    // The documents differ (the final one has the cache='unsafe' disk), so findings are not merely duplicated.
    expect(summary(one.findings, 0, 'x', 'x')).not.toEqual(summary(two.findings, 0, 'x', 'x'));
  });

  it('keeps columns when the second document starts on the line the first ends, and accepts declarations and comments between', () => {
    const text = `<?xml version="1.0"?>\n${INSTALL}<!-- final -->${FINAL.replace('<name>', '<name >')}\n<?xml version="1.0"?>\n${FINAL}\n`;
    const docs = parseDomainDocuments(text, 'f.xml');
    expect(docs.map((d) => d.ok)).toEqual([true, true, true]);
    const names = docs.map((d) => (d.ok ? d.domain.name : null));
    expect(names).toEqual(['vm1', 'vm1', 'vm1']);
    const lastLine = INSTALL_LINES + 1; // the line where INSTALL ends and FINAL begins (after the declaration line)
    const roots = parseXmlDocuments(text, 'f.xml').map((d) => (d.ok ? d.root.loc : null));
    expect(roots).toEqual([
      { file: 'f.xml', line: 2, column: 1, path: '/domain[1]' },
      { file: 'f.xml', line: lastLine, column: '</domain><!-- final -->'.length + 1, path: '/domain[1]' },
      { file: 'f.xml', line: lastLine + FINAL.split('\n').length + 1, column: 1, path: '/domain[1]' },
    ]);
    const os2 = docs[1].ok ? docs[1].domain.os?.loc : undefined;
    expect(os2).toMatchObject({ file: 'f.xml', line: lastLine + 4, column: 3 });
  });

  it('audits the first document when the second is truncated, and reports the second with its line', () => {
    const r = scan('cut.xml', `${INSTALL}\n${FINAL.slice(0, FINAL.indexOf('</devices>'))}`);
    expect(r.targets.map((t) => t.name)).toEqual(['cut.xml#1', 'cut.xml#2']);
    expect(r.findings.filter((f) => f.target.name === 'cut.xml#1').length).toBeGreaterThan(0);
    expect(r.errors).toEqual([]);
    expect(r.findings.filter((f) => f.target.name === 'cut.xml#2')).toMatchObject([
      { ruleId: 'DOM-XML-001', fatal: true, location: { file: 'cut.xml', line: INSTALL_LINES + 16 }, message: expect.stringContaining('Premature end of data in tag devices line') },
    ]);
  });

  it('refuses text between documents as libxml2 does (one target, one report)', () => {
    const r = scan('junk.xml', `${INSTALL}\njunk\n${FINAL}\n`);
    expect(r.targets.map((t) => t.name)).toEqual(['junk.xml']);
    expect(r.errors).toEqual([]);
    expect(r.findings.map((f) => [f.ruleId, f.fatal])).toEqual([['DOM-XML-001', true]]);
  });
});

describe('bytes that are not UTF-8', () => {
  it('are one fatal DOM-XML-001 finding at the line and column of the bad byte', () => {
    const r = scan('latin1.xml', Buffer.concat([Buffer.from("<domain type='kvm'>\n  <name>caf"), Buffer.from([0xe9]), Buffer.from('</name>\n</domain>\n')]));
    expect(r.errors).toEqual([]);
    expect(r.findings).toMatchObject([{ ruleId: 'DOM-XML-001', fatal: true, target: { name: 'latin1.xml' }, location: { file: 'latin1.xml', line: 2, column: 12 }, message: expect.stringContaining('Input is not proper UTF-8') }]);
  });
});
