import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../helpers/cli';
import { describeWithOracles } from '../helpers/oracle';

/** `vmaudit fix domain` as users run it (./bin/run.js, compiled dist/). */
const DOC = [
  '<?xml version="1.0"?>',
  '<!-- production VM: keep this comment -->',
  '<domain type="kvm">',
  '  <name>vm1</name>',
  '  <memory unit="KiB">1048576</memory>',
  "  <os><type arch='x86_64' machine='q35'>hvm</type></os>",
  '  <devices>',
  "    <disk type='file' device='disk'>",
  '      <driver name="qemu" type="qcow2" cache="unsafe"/>',
  "      <source file='/var/lib/libvirt/images/vm1.qcow2'/>",
  "      <target dev='vda' bus='virtio'/>",
  '    </disk>',
  "    <tpm model='tpm-tis'>",
  "      <backend type='emulator' version='1.2'/>",
  '    </tpm>',
  '  </devices>',
  "  <seclabel type='none' model='selinux'/>",
  '</domain>',
  '',
].join('\n');
const GFX = DOC.replace('  </devices>', "    <graphics type='vnc' port='-1' listen='0.0.0.0'/>\n  </devices>");

describeWithOracles(['virt-xml-validate', 'patch'], 'vmaudit fix domain (CLI)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-fixcli-'));
    fs.writeFileSync(path.join(dir, 'vm.xml'), DOC);
    fs.writeFileSync(path.join(dir, 'gfx.xml'), GFX);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--output-dir writes the corrected file (libvirt validates it, a scan finds none of the fixed rules); --diff (default) is that change for patch -p1', async () => {
    const w = await runCli(['fix', 'domain', 'vm.xml', '--output-dir', 'out'], { cwd: dir });
    expect(w.stderr).toMatch(/fixed DOM-DISK-001 disk\[vda\]/);
    expect(w.stderr).toMatch(/fixed DOM-TPM-001/);
    expect(w.stderr).toMatch(/fixed DOM-SEC-001/);
    const fixed = fs.readFileSync(path.join(dir, 'out', 'vm.xml'), 'utf8');
    expect(fixed).toContain('<!-- production VM: keep this comment -->');
    expect(fixed).toContain('<driver name="qemu" type="qcow2" cache="none"/>');
    expect(fixed).toContain("<backend type='emulator' version='2.0'/>");
    expect(fixed).toContain("  <seclabel type='dynamic' model='selinux' relabel='yes'/>\n");
    expect(fs.readFileSync(path.join(dir, 'vm.xml'), 'utf8')).toBe(DOC); // the input is untouched
    const v = spawnSync('virt-xml-validate', [path.join(dir, 'out', 'vm.xml'), 'domain'], { encoding: 'utf8' });
    expect(`${v.stdout}${v.stderr}`).toMatch(/validates/);
    const scan = await runCli(['scan', 'domain', 'out/vm.xml', '--format', 'json'], { cwd: dir });
    const ids = (JSON.parse(scan.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId);
    for (const id of ['DOM-DISK-001', 'DOM-TPM-001', 'DOM-SEC-001']) expect(ids).not.toContain(id);

    const d = await runCli(['fix', 'domain', 'vm.xml'], { cwd: dir });
    expect(d.stdout).toMatch(/^--- a\/vm.xml\n\+\+\+ b\/vm.xml\n@@ /);
    fs.writeFileSync(path.join(dir, 'fix.diff'), d.stdout);
    const p = spawnSync('patch', ['-p1', '-i', 'fix.diff'], { cwd: dir, encoding: 'utf8' });
    expect(p.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'vm.xml'), 'utf8')).toBe(fixed);
  });

  it('exit codes: findings left (named, with the choice) 1; nothing left 0; unknown --rule 2', async () => {
    const g = await runCli(['fix', 'domain', 'gfx.xml', '--rule', 'DOM-GFX-001', '--rule', 'DOM-SEC-001', '--output-dir', 'out'], { cwd: dir });
    expect(g.code).toBe(1);
    expect(g.stderr).toMatch(/gfx.xml:16: DOM-GFX-001 graphics\[vnc#0\] remains: needs a choice: listen on 127.0.0.1/);
    expect(g.stderr).toMatch(/fixed DOM-SEC-001/);
    const out = fs.readFileSync(path.join(dir, 'out', 'gfx.xml'), 'utf8');
    expect(out).toContain("listen='0.0.0.0'"); // not guessed
    expect(out).toContain('cache="unsafe"'); // --rule: only the rules asked for
    const ok = await runCli(['fix', 'domain', 'vm.xml', '--rule', 'DOM-TPM-001', '--output-dir', 'out2'], { cwd: dir });
    expect(ok.code).toBe(0);
    const again = await runCli(['fix', 'domain', 'out2/vm.xml', '--rule', 'DOM-TPM-001'], { cwd: dir });
    expect([again.code, again.stdout]).toEqual([0, '']);
    const bad = await runCli(['fix', 'domain', 'vm.xml', '--rule', 'DOM-NOPE-001'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--rule DOM-NOPE-001: no such domain rule/);
    const both = await runCli(['fix', 'domain', 'vm.xml', '--in-place', '--output-dir', 'x'], { cwd: dir });
    expect(both.code).toBe(2);
  });

  it('--in-place keeps the original as FILE.bak and never overwrites an older backup', async () => {
    const orig = fs.readFileSync(path.join(dir, 'vm.xml'));
    await runCli(['fix', 'domain', 'vm.xml', '--output-dir', 'out'], { cwd: dir });
    const r = await runCli(['fix', 'domain', 'vm.xml', '--in-place'], { cwd: dir });
    expect(r.code).toBe(1); // TPM-002/003 and others have no automatic fix
    expect(r.stdout).toBe('');
    expect(fs.readFileSync(path.join(dir, 'vm.xml.bak')).equals(orig)).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'vm.xml'), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'out', 'vm.xml'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'gfx.xml.bak'), 'older backup');
    const second = await runCli(['fix', 'domain', 'gfx.xml', '--in-place'], { cwd: dir });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/gfx.xml.bak exists/);
    expect(fs.readFileSync(path.join(dir, 'gfx.xml'), 'utf8')).toBe(GFX);
    expect(fs.readFileSync(path.join(dir, 'gfx.xml.bak'), 'utf8')).toBe('older backup');
  });
});
