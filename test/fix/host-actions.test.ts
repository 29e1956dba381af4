import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Finding, FindingFix, ScanResult } from '../../src/engine/findings';
import { planHostFixes, renderSh, type HostPlan } from '../../src/fix/host';
import { describeWithOracles } from '../helpers/oracle';

/**
 * Host actions that the fixture hosts do not exercise, run for real under dash: kernel parameters in
 * GRUB_CMDLINE_LINUX (set, replace, remove; quoting), and several findings whose fixes touch the same thing (issue 10
 * item 3): identical actions merged, drop-in lines of one unit and rule merged into one file, two values for one key
 * sequenced (the first applied, the other commented out as a conflict).
 */
const target = { kind: 'host' as const, name: 'h' };
let n = 0;
const finding = (ruleId: string, file: string, line: number, fix: FindingFix): Finding => ({
  ruleId,
  severity: 'high',
  message: 'm',
  target,
  location: { file, line, column: 1 },
  subject: `s${n}`,
  fingerprint: `f${n++}`,
  fix,
});
const plan = (findings: Finding[]): HostPlan => {
  const result = { rules: [], targets: [target], findings, notEvaluated: [], errors: [], passed: [] } as unknown as ScanResult;
  return planHostFixes(result, new Map())[0];
};

describeWithOracles(['dash'], 'host actions under dash', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-hostact-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const runSh = (p: HostPlan) => {
    const script = path.join(tmp, 'fix.sh');
    fs.writeFileSync(script, renderSh(p, tmp, 'test'));
    const r = spawnSync('dash', [script], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    return { out: r.stdout, err: r.stderr };
  };
  const grub = (text: string) => {
    fs.mkdirSync(path.join(tmp, 'etc/default'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'etc/default/grub'), text);
  };
  const grubNow = () => fs.readFileSync(path.join(tmp, 'etc/default/grub'), 'utf8');

  it('kernel-cmdline: replaces every occurrence of the parameter by one token, removes, keeps other lines and tokens; idempotent', () => {
    grub("# comment GRUB_CMDLINE_LINUX=\"x\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=off\"\nGRUB_CMDLINE_LINUX='intel_iommu=off  selinux=0 console=ttyS0,115200 intel_iommu'\n");
    const p = plan([
      finding('HOST-IOMMU-001', '/proc/cmdline', 1, { kind: 'kernel-cmdline', parameter: 'intel_iommu', value: 'on' }),
      finding('SVIRT-003', '/proc/cmdline', 1, { kind: 'kernel-cmdline', parameter: 'selinux', remove: true }),
    ]);
    expect(p.actions.map((a) => a.choice)).toEqual([undefined, undefined]);
    const first = runSh(p).out;
    // GRUB_CMDLINE_LINUX_DEFAULT (and a comment) are other lines: only GRUB_CMDLINE_LINUX is vmaudit's to edit.
    expect(grubNow()).toBe('# comment GRUB_CMDLINE_LINUX="x"\nGRUB_CMDLINE_LINUX_DEFAULT="quiet intel_iommu=off"\nGRUB_CMDLINE_LINUX="intel_iommu=on console=ttyS0,115200"\n');
    expect(first).toMatch(/^then run: update-grub .*grubby --update-kernel=ALL --args=intel_iommu=on.*reboot/m);
    expect(first).toMatch(/grubby --update-kernel=ALL --remove-args=selinux/);
    expect(runSh(p).out).toBe('');
    // The file is what a shell that sources it sees.
    expect(execFileSync('dash', ['-c', '. "$1"; printf %s "$GRUB_CMDLINE_LINUX"', 'sh', path.join(tmp, 'etc/default/grub')], { encoding: 'utf8' })).toBe('intel_iommu=on console=ttyS0,115200');
  });

  it('kernel-cmdline: no GRUB_CMDLINE_LINUX line: one is appended; no /etc/default/grub: said on stderr, nothing written', () => {
    grub('GRUB_TIMEOUT=5\n');
    const p = plan([finding('HOST-THP-001', '/sys/kernel/mm/transparent_hugepage/enabled', 1, { kind: 'kernel-cmdline', parameter: 'transparent_hugepage', value: 'never' })]);
    runSh(p);
    expect(grubNow()).toBe('GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX="transparent_hugepage=never"\n');
    fs.rmSync(path.join(tmp, 'etc/default/grub'));
    const r = runSh(p);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/etc\/default\/grub: no such file: edit the boot loader's kernel command line by hand \(transparent_hugepage\)/);
    expect(fs.existsSync(path.join(tmp, 'etc/default/grub'))).toBe(false);
  });

  it('systemd-dropin whose unit renders empty (no socket activation): the conf-set of its key in its path', () => {
    fs.mkdirSync(path.join(tmp, 'etc/libvirt'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'etc/libvirt/libvirtd.conf'), '#unix_sock_ro_perms = "0777"\nunix_sock_ro_perms = "0777"\n');
    const p = plan([
      finding('LV-UNIX-004', '/etc/libvirt/libvirtd.conf', 2, { kind: 'systemd-dropin', unit: '', section: 'Socket', settings: 'SocketMode=0660', key: 'unix_sock_ro_perms', value: '"0770"', path: '/etc/libvirt/libvirtd.conf', note: 'systemctl restart libvirtd' }),
    ]);
    expect(p.actions.map((a) => [a.kind, a.path, a.key, a.value])).toEqual([['conf-set', '/etc/libvirt/libvirtd.conf', 'unix_sock_ro_perms', '"0770"']]);
    expect(runSh(p).out).toBe(`changed: ${tmp}/etc/libvirt/libvirtd.conf: unix_sock_ro_perms = "0770"\nthen run: systemctl restart libvirtd\n`);
    expect(fs.readFileSync(path.join(tmp, 'etc/libvirt/libvirtd.conf'), 'utf8')).toBe('#unix_sock_ro_perms = "0777"\nunix_sock_ro_perms = "0770"\n');
    expect(runSh(p).out).toBe('');
  });

  it('kernel-cmdline: a rendered parameter or value that is not one word is not written', () => {
    const p = plan([
      finding('X-1', '/proc/cmdline', 1, { kind: 'kernel-cmdline', parameter: 'a b', remove: true }),
      finding('X-2', '/proc/cmdline', 1, { kind: 'kernel-cmdline', parameter: 'a', value: 'x"; rm -rf /' }),
    ]);
    expect(p.actions).toEqual([]);
    expect(p.remaining.map((r) => r.why)).toEqual(['the rendered kernel parameter is not one name[=value] word', 'the rendered kernel parameter is not one name[=value] word']);
  });

  it('collisions: identical fixes merged, drop-in lines of one unit merged, a second value for one key is a conflict left commented out', () => {
    fs.mkdirSync(path.join(tmp, 'etc/libvirt'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'etc/libvirt/qemu.conf'), '# qemu.conf\nvnc_tls = 1\n');
    const p = plan([
      finding('R-1', '/etc/libvirt/qemu.conf', 2, { kind: 'conf-set', key: 'vnc_tls_x509_verify', value: '1' }),
      finding('R-1', '/etc/libvirt/qemu.conf', 2, { kind: 'conf-set', key: 'vnc_tls_x509_verify', value: '1' }),
      finding('R-2', '/etc/libvirt/qemu.conf', 2, { kind: 'conf-set', key: 'vnc_tls_x509_verify', value: '0' }),
      finding('R-3', '/usr/lib/systemd/system/x.socket', 3, { kind: 'systemd-dropin', unit: 'x.socket', section: 'Socket', settings: 'SocketMode=0660' }),
      finding('R-3', '/usr/lib/systemd/system/x.socket', 4, { kind: 'systemd-dropin', unit: 'x.socket', section: 'Socket', settings: 'ListenStream=\nListenStream=127.0.0.1:16509' }),
      finding('R-3', '/usr/lib/systemd/system/x.socket', 5, { kind: 'systemd-dropin', unit: 'x.socket', section: 'Socket', settings: 'SocketMode=0600' }),
    ]);
    expect(p.actions.map((a) => [a.kind, a.fixes.length, a.choice ? 'conflict' : 'applied'])).toEqual([
      ['conf-set', 2, 'applied'],
      ['conf-set', 1, 'conflict'],
      ['systemd-dropin', 2, 'applied'],
      ['systemd-dropin', 1, 'conflict'],
    ]);
    expect(p.actions[1].choice).toMatch(/conflicts with the fix for R-1 .*\(1, applied above\) as 0/);
    runSh(p);
    expect(fs.readFileSync(path.join(tmp, 'etc/libvirt/qemu.conf'), 'utf8')).toBe('# qemu.conf\nvnc_tls = 1\nvnc_tls_x509_verify = 1\n');
    expect(fs.readFileSync(path.join(tmp, 'etc/systemd/system/x.socket.d/vmaudit-R-3.conf'), 'utf8')).toBe('# written by vmaudit fix host (R-3)\n[Socket]\nSocketMode=0660\nListenStream=\nListenStream=127.0.0.1:16509\n');
    expect(runSh(p).out).toBe('');
  });
});
