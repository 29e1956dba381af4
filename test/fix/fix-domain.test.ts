import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Sarif from 'sarif';
import { loadRules } from '../../src/engine/rule-loader';
import { ALL_RULES } from '../../src/engine/scan';
import { scanDomainFiles } from '../../src/engine/scan-domains';
import { loadCaseFile } from '../../src/engine/testing/rule-cases';
import { fixDomainText } from '../../src/fix/domain';
import { unifiedDiff } from '../../src/fix/diff';
import { toSarif } from '../../src/report/sarif';
import { describeWithOracles } from '../helpers/oracle';
import { multitoolValidate, hasMultitool, sarifValidator, schemaErrors } from '../report/validators';

const ROOT = path.resolve(__dirname, '..', '..');
const rules = loadRules([]).rules.map((r) => r.rule);
const autoFixable = rules.filter((r) => r.scope === 'domain' && ((r.remediation.fix && r.remediation.fix.kind !== 'choice') || r.remediation.snippet?.fix === 'replace-element'));

const validates = (file: string) => spawnSync('virt-xml-validate', [file, 'domain'], { encoding: 'utf8' }).status === 0;

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
function commonSuffix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[a.length - 1 - i] === b[b.length - 1 - i]) i++;
  return i;
}

it('the automatic fixes are the rules documented as such', () => {
  expect(autoFixable.map((r) => r.id).sort()).toEqual(['DOM-DISK-001', 'DOM-HOSTDEV-001', 'DOM-HOSTDEV-002', 'DOM-HOSTDEV-004', 'DOM-IOT-004', 'DOM-MPAM-003', 'DOM-PIN-002', 'DOM-PIN-005', 'DOM-RDM-001', 'DOM-RDM-003', 'DOM-SEC-001', 'DOM-SEC-002', 'DOM-SEC-004', 'DOM-SEC-005', 'DOM-TOPO-003', 'DOM-TPM-001', 'DOM-TPM-004']);
  expect(rules.find((r) => r.id === 'DOM-GFX-001')!.remediation.fix?.kind).toBe('choice');
});

describeWithOracles(['virt-xml-validate'], 'vmaudit fix domain on every invalid case of every auto-fixable rule', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-fixcases-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const rule of autoFixable) {
    const cases = loadCaseFile(path.join(ROOT, 'rules', rule.scope, `${rule.id}.test.yaml`)).invalid;
    for (const [k, c] of cases.entries()) {
      for (const eol of ['LF', 'CRLF'] as const) {
        it(`${rule.id} invalid #${k} (${c.name}, ${eol}): fixed, validated by libvirt's schema, rule passes, nothing new, other bytes kept`, () => {
          const text = eol === 'LF' ? c.domain! : c.domain!.replace(/\n/g, '\r\n');
          const file = path.join(dir, `${rule.id}-${k}-${eol}.xml`);
          fs.writeFileSync(file, text);
          const before = scanDomainFiles([file], rules);
          expect(before.findings.some((f) => f.ruleId === rule.id)).toBe(true);
          const r = fixDomainText(file, text, rules, ALL_RULES);
          expect(r.error).toBeUndefined();
          // A finding whose fix holds a named placeholder (a non-empty choice) is reported, never applied; another
          // rule's edit may still resolve it (DOM-TPM-004's TPM 1.2 is DOM-TPM-001's version='2.0').
          const mine = before.findings.filter((f) => f.ruleId === rule.id);
          const isChoice = (f: (typeof mine)[number]) => !!f.fix?.choice?.trim();
          const byOthers = mine.filter((f) => isChoice(f) && (r.fixed ?? []).some((x) => x.ruleId === rule.id && x.subject === f.subject));
          const choices = mine.filter((f) => isChoice(f) && !byOthers.includes(f));
          for (const f of choices) expect(r.remaining).toContainEqual(expect.objectContaining({ ruleId: rule.id, subject: f.subject, why: 'choice' }));
          const ours = r.applied.filter((e) => e.ruleId === rule.id);
          expect(ours.length).toBe(mine.length - choices.length - byOthers.length);
          // Only choices: nothing of this rule applied (other rules' fixes, e.g. the opt-in DOM-SEC-004, may be).
          if (r.fixedText === undefined) {
            expect(ours.length + byOthers.length).toBe(0);
            return;
          }
          const fixed = r.fixedText!;
          // Untouched bytes: everything before the first edit and after the last is identical.
          const first = Math.min(...r.applied.map((e) => e.start));
          const last = Math.max(...r.applied.map((e) => e.end));
          expect(commonPrefix(text, fixed)).toBeGreaterThanOrEqual(first);
          expect(commonSuffix(text, fixed)).toBeGreaterThanOrEqual(text.length - last);
          for (const e of r.applied) expect(text.slice(e.start, e.end)).toBe(e.oldText);
          expect(Buffer.byteLength(text.slice(0, first))).toBe(Math.min(...r.applied.map((e) => e.byteStart)));
          const out = path.join(dir, `${rule.id}-${k}-${eol}.fixed.xml`);
          fs.writeFileSync(out, fixed);
          // libvirt's RNG schema is the oracle: a case it accepts stays accepted after the fix.
          if (validates(file)) {
            const v = spawnSync('virt-xml-validate', [out, 'domain'], { encoding: 'utf8' });
            expect(`${v.stdout}${v.stderr}`).toMatch(/validates/);
            expect(v.status).toBe(0);
          }
          const after = scanDomainFiles([out], rules);
          expect(after.errors).toEqual([]);
          expect(after.findings.filter((f) => f.ruleId === rule.id).map((f) => f.subject)).toEqual(choices.map((f) => f.subject));
          const beforeKeys = new Set(before.findings.map((f) => `${f.ruleId} ${f.subject}`));
          expect(after.findings.map((f) => `${f.ruleId} ${f.subject}`).filter((x) => !beforeKeys.has(x))).toEqual([]);
          // The SARIF fix of the finding is the same edit.
          const log = toSarif({ result: before, failOn: 'high', policyName: 'default', source: () => text });
          const res = log.runs[0].results!.filter((x) => x.ruleId === rule.id);
          expect(res.filter((x) => x.fixes).length).toBe(ours.length);
          for (const x of res.filter((y) => y.fixes)) {
            const rep = x.fixes![0].artifactChanges[0].replacements[0];
            const e = ours.find((o) => o.startLine === rep.deletedRegion.startLine && o.startColumn === rep.deletedRegion.startColumn)!;
            expect(e).toBeDefined();
            expect(rep.deletedRegion).toEqual({ startLine: e.startLine, startColumn: e.startColumn, endLine: e.endLine, endColumn: e.endColumn, charOffset: e.start, charLength: e.end - e.start });
            expect(rep.insertedContent!.text).toBe(e.newText);
          }
        });
      }
    }
  }

  it('the cases libvirt schema-validates before fixing are not none (the oracle judged something)', () => {
    let n = 0;
    for (const rule of autoFixable)
      for (const c of loadCaseFile(path.join(ROOT, 'rules', rule.scope, `${rule.id}.test.yaml`)).invalid) {
        const f = path.join(dir, 'probe.xml');
        fs.writeFileSync(f, c.domain!);
        if (validates(f)) n++;
      }
    expect(n).toBeGreaterThanOrEqual(autoFixable.length);
  });
});

describe('fix edits keep the bytes around them', () => {
  const doc = [
    '<?xml version="1.0"?>',
    '<!-- keep me -->',
    '<domain type="kvm">',
    '  <name>vm1</name>',
    '  <memory unit="KiB">1048576</memory>',
    "  <os><type arch='x86_64' machine='q35'>hvm</type></os>",
    '  <devices>',
    '    <disk type="file" device="disk">',
    '      <driver   name="qemu"  type="qcow2"   cache="unsafe" />',
    "      <source file='/var/lib/libvirt/images/vm1.qcow2'/>",
    "      <target dev='vda' bus='virtio'/>",
    '    </disk>',
    "    <tpm model='tpm-tis'><backend type=\"emulator\"><!-- c --></backend></tpm>",
    '  </devices>',
    '\t<seclabel type="none" model="selinux"',
    '\t          relabel="no"/>',
    '</domain>',
  ].join('\n');
  const r = fixDomainText('vm.xml', doc, rules, ALL_RULES);
  it('values replaced inside their own quotes, attributes added in the tag quote style, elements re-indented', () => {
    expect(r.error).toBeUndefined();
    expect(r.applied.map((e) => e.ruleId).sort()).toEqual(['DOM-DISK-001', 'DOM-SEC-001', 'DOM-TPM-001']);
    expect(r.fixedText).toBe(
      doc
        .replace('cache="unsafe" />', 'cache="none" />')
        .replace('<backend type="emulator">', '<backend type="emulator" version="2.0">')
        .replace('<seclabel type="none" model="selinux"\n\t          relabel="no"/>', "<seclabel type='dynamic' model='selinux' relabel='yes'/>"),
    );
  });
  it('the unified diff applies with patch(1) to exactly the fixed text', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-patch-'));
    try {
      fs.writeFileSync(path.join(dir, 'vm.xml'), doc);
      fs.writeFileSync(path.join(dir, 'p.diff'), unifiedDiff(doc, r.fixedText!, 'a/vm.xml', 'b/vm.xml'));
      const p = spawnSync('patch', ['-p1', '-i', 'p.diff'], { cwd: dir, encoding: 'utf8' });
      if (p.error) return; // patch(1) not installed
      expect(p.status).toBe(0);
      expect(fs.readFileSync(path.join(dir, 'vm.xml'), 'utf8')).toBe(r.fixedText);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('a choice is reported, not applied', () => {
    const g = doc.replace('  </devices>', "    <graphics type='vnc' listen='0.0.0.0'/>\n  </devices>");
    const x = fixDomainText('vm.xml', g, rules, ALL_RULES);
    const gfx = x.remaining.find((m) => m.ruleId === 'DOM-GFX-001')!;
    expect(gfx.why).toBe('choice');
    expect(gfx.reason).toMatch(/needs a choice: listen on 127.0.0.1 .* or set a passwd=/);
    expect(x.fixedText).toContain("listen='0.0.0.0'");
  });
});

(hasMultitool() ? describe : describe.skip)('SARIF fixes against the SARIF schema and the Multitool', () => {
  it('a log with the three fix kinds validates', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-sariffix-'));
    try {
      const text = fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'domains', 'guide-svirt-none.xml'), 'utf8').replace('</domain>', "<devices>\n<tpm model='tpm-tis'><backend type='emulator' version='1.2'/></tpm>\n<disk type='file' device='disk'><driver name='qemu' cache='unsafe'/><source file='/x.img'/><target dev='vdz' bus='virtio'/></disk>\n</devices>\n</domain>");
      const file = path.join(dir, 'vm.xml');
      fs.writeFileSync(file, text);
      const cwd = process.cwd();
      process.chdir(dir);
      let log: Sarif.Log;
      try {
        log = toSarif({ result: scanDomainFiles(['vm.xml'], rules), failOn: 'high', policyName: 'default', source: (f) => fs.readFileSync(f, 'utf8') });
      } finally {
        process.chdir(cwd);
      }
      expect(log.runs[0].results!.filter((x) => x.fixes).map((x) => x.ruleId).sort()).toEqual(['DOM-DISK-001', 'DOM-SEC-001', 'DOM-TPM-001']);
      expect(schemaErrors(sarifValidator(), log)).toEqual([]);
      const out = path.join(dir, 'fix.sarif');
      fs.writeFileSync(out, JSON.stringify(log));
      expect(multitoolValidate([out], dir).filter((i) => i.level === 'error')).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
