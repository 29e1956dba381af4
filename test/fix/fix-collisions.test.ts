import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Sarif from 'sarif';
import type { Finding } from '../../src/engine/findings';
import { applyEdits, planEdits } from '../../src/fix/edit';
import { runCli } from '../helpers/cli';
import { describeWithOracles } from '../helpers/oracle';
import { reportValidator, sarifValidator, schemaErrors } from '../report/validators';

/**
 * Issue 10 item 3: several findings whose fixes are computed independently on the same text. Two extra rules (loaded
 * with --rules, as an organisation's own would be) flag the same <driver> as DOM-DISK-001: TEST-COL-002 with the
 * same change (cache='none': merged into one edit), TEST-COL-001 with another value for the same attribute
 * (cache='writeback': a conflict, sequenced after DOM-DISK-001's edit). `fix domain`, the JSON report and SARIF must
 * agree on one consistent result, which virt-xml-validate accepts and a rescan shows clean.
 */
const RULE = (id: string, value: string) => `id: ${id}
title: test rule whose fix touches DOM-DISK-001's attribute
area: availability
scope: domain
severity: low
for-each: domain.diskAccess
where: it.driver != null && !it.readonly && !it.transient
assert: it.driver.cache != 'unsafe'
location: it.driver
message: "cache unsafe"
rationale: test
remediation:
  text: test
  fix:
    kind: set-attribute
    attribute: cache
    value: ${value}
`;
const XML = `<domain type='kvm'>
  <name>vm1</name>
  <memory>1048576</memory>
  <os><type arch='x86_64'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache="unsafe"/>
      <source file='/var/lib/libvirt/images/vm1.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' cache='unsafe' io='threads'/>
      <source file='/var/lib/libvirt/images/vm1-data.raw'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
  </devices>
</domain>
`;
const WANT = XML.replace(`cache="unsafe"`, `cache="none"`).replace(`cache='unsafe'`, `cache='none'`);

interface JsonFinding {
  ruleId: string;
  subject: string;
  fingerprint: string;
  fix: { status: string; edit: { charOffset: number; charLength: number; newText: string; fixes: string[]; oldText: string } | null; reason?: string } | null;
}

describeWithOracles(['virt-xml-validate'], 'colliding fixes of several findings on one element', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-collide-'));
    fs.mkdirSync(path.join(dir, 'rules'));
    fs.writeFileSync(path.join(dir, 'rules', 'TEST-COL-001.yaml'), RULE('TEST-COL-001', 'writeback'));
    fs.writeFileSync(path.join(dir, 'rules', 'TEST-COL-002.yaml'), RULE('TEST-COL-002', 'none'));
    fs.writeFileSync(path.join(dir, 'vm.xml'), XML);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('fix domain: merges the identical edits, sequences the conflicting one; the result validates and rescans clean', async () => {
    const r = await runCli(['fix', 'domain', '--rules', 'rules', '--output-dir', 'out', 'vm.xml'], { cwd: dir });
    expect(r.code).toBe(0);
    for (const id of ['DOM-DISK-001', 'TEST-COL-001', 'TEST-COL-002']) for (const d of ['vda', 'vdb']) expect(r.stderr).toContain(`fixed ${id} disk[${d}]`);
    const out = fs.readFileSync(path.join(dir, 'out', 'vm.xml'), 'utf8');
    expect(out).toBe(WANT);
    expect(spawnSync('virt-xml-validate', [path.join(dir, 'out', 'vm.xml'), 'domain'], { encoding: 'utf8' }).status).toBe(0);
    const rescan = await runCli(['scan', 'domain', '--rules', 'rules', '-f', 'json', 'out/vm.xml'], { cwd: dir });
    expect((JSON.parse(rescan.stdout) as { findings: JsonFinding[] }).findings.filter((f) => /DOM-DISK-001|TEST-COL/.test(f.ruleId))).toEqual([]);
  });

  it('JSON report: each finding carries its fix; one edit for the identical fixes, the other a conflict; applying the edits gives fix domain\'s result', async () => {
    const r = await runCli(['scan', 'domain', '--rules', 'rules', '-f', 'json', 'vm.xml'], { cwd: dir });
    const report = JSON.parse(r.stdout) as { findings: JsonFinding[] };
    expect(schemaErrors(reportValidator(), report)).toEqual([]);
    const of = (id: string, d: string) => report.findings.find((f) => f.ruleId === id && f.subject === `disk[${d}]`)!;
    for (const d of ['vda', 'vdb']) {
      const [disk, same, other] = [of('DOM-DISK-001', d), of('TEST-COL-002', d), of('TEST-COL-001', d)];
      expect(disk.fix).toMatchObject({ kind: 'set-attribute', attribute: 'cache', value: 'none', status: 'edit', edit: { oldText: 'unsafe', newText: 'none' } });
      expect(disk.fix!.edit!.fixes.sort()).toEqual([disk.fingerprint, same.fingerprint].sort());
      expect(same.fix!.edit).toEqual(disk.fix!.edit);
      expect(disk.fix).not.toHaveProperty('reason');
      expect(other.fix).toMatchObject({ status: 'conflict', edit: { newText: 'writeback' }, reason: expect.stringMatching(/overlaps the fix for DOM-DISK-001/) });
    }
    // The distinct edits of status `edit`, applied to the file's text: what fix domain wrote.
    const edits = new Map(report.findings.filter((f) => f.fix?.status === 'edit').map((f) => [f.fix!.edit!.charOffset, f.fix!.edit!]));
    let text = XML;
    for (const e of [...edits.values()].sort((a, b) => b.charOffset - a.charOffset)) {
      expect(text.slice(e.charOffset, e.charOffset + e.charLength)).toBe(e.oldText);
      text = text.slice(0, e.charOffset) + e.newText + text.slice(e.charOffset + e.charLength);
    }
    expect(text).toBe(WANT);
  });

  it('SARIF: the merged edit once (the other finding names it), no fix for the conflicting one; valid SARIF', async () => {
    const r = await runCli(['scan', 'domain', '--rules', 'rules', '-f', 'sarif', 'vm.xml'], { cwd: dir });
    const log = JSON.parse(r.stdout) as Sarif.Log;
    expect(schemaErrors(sarifValidator(), log)).toEqual([]);
    const results = log.runs[0].results!.filter((x) => /DOM-DISK-001|TEST-COL/.test(x.ruleId!));
    const by = (id: string) => results.filter((x) => x.ruleId === id);
    expect(by('DOM-DISK-001').map((x) => x.fixes?.[0].artifactChanges[0].replacements[0].insertedContent?.text)).toEqual(['none', 'none']);
    expect(by('TEST-COL-002').map((x) => [x.fixes, x.properties?.fixedWith])).toEqual(by('DOM-DISK-001').map((x) => [undefined, Object.values(x.partialFingerprints!)[0]]));
    expect(by('TEST-COL-001').map((x) => x.fixes)).toEqual([undefined, undefined]);
  });

  it('planEdits: children added to the same self-closing element are merged into one edit that validates', () => {
    const xml = "<domain type='kvm'>\n  <name>vm2</name>\n  <memory>1048576</memory>\n  <os><type arch='x86_64'>hvm</type></os>\n  <devices/>\n</domain>\n";
    const f = (n: number, content: string): Finding => ({
      ruleId: 'R', severity: 'low', message: 'm', target: { kind: 'domain', name: 'vm2.xml' }, location: { file: 'vm2.xml', line: 5, column: 3 },
      subject: `s${n}`, fingerprint: `f${n}`, fix: { kind: 'insert-child', content },
    });
    const { edits, byFinding } = planEdits(xml, [f(1, "<memballoon model='none'/>"), f(2, "<watchdog model='i6300esb' action='reset'/>"), f(3, "<memballoon model='none'/>")]);
    expect(edits).toHaveLength(1);
    expect(edits[0].fixes).toEqual(['f1', 'f2', 'f3']);
    expect([...byFinding.values()].map((p) => p.status)).toEqual(['edit', 'edit', 'edit']);
    const fixed = applyEdits(xml, edits).text;
    expect(fixed).toBe(xml.replace('  <devices/>', "  <devices>\n    <memballoon model='none'/>\n    <watchdog model='i6300esb' action='reset'/>\n    <memballoon model='none'/>\n  </devices>"));
    // (Two memballoons are what three independent findings asked for; libvirt's schema takes one: the identical
    // child is a different finding's, and a rescan by fix domain would refuse a result with a new finding.)
    const one = applyEdits(xml, planEdits(xml, [f(1, "<memballoon model='none'/>"), f(2, "<watchdog model='i6300esb' action='reset'/>")]).edits).text;
    fs.writeFileSync(path.join(dir, 'vm2.xml'), one);
    expect(spawnSync('virt-xml-validate', [path.join(dir, 'vm2.xml'), 'domain'], { encoding: 'utf8' }).status).toBe(0);
  });
});
