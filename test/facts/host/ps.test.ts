import { spawnSync } from 'node:child_process';
import { describeWithOracles } from '../../helpers/oracle';
import { parseAttrCurrent, parsePsEZ, processesFromProc, processRole } from '../../../src/facts/host/ps';

const SAMPLE = [
  'LABEL                             PID TTY          TIME CMD',
  'system_u:system_r:init_t:s0         1 ?        00:00:05 systemd',
  'system_u:system_r:svirt_t:s0:c200,c947 11359 ? 00:03:59 qemu-kvm',
  'system_u:system_r:svirt_t:s0:c200,c947 11360 ? 00:00:01 swtpm',
  'libvirt-0f6d2a8e-3f6b-4c1e-9e5c-2b7a0c6d1e4f (enforce) 2211 ? 1-02:03:04 qemu-system-x86',
  'unconfined                        812 pts/0    00:00:00 bash',
  '-                                   2 ?        00:00:00 kthreadd',
  'garbage',
  '',
].join('\n');

describe('parsePsEZ (pure)', () => {
  it('splits rows around PID/TTY/TIME, labels may contain spaces', () => {
    const r = parsePsEZ(SAMPLE);
    expect(r.value.map((p) => [p.pid, p.label, p.comm, p.role, p.lsm.kind])).toEqual([
      [1, 'system_u:system_r:init_t:s0', 'systemd', 'other', 'selinux'],
      [11359, 'system_u:system_r:svirt_t:s0:c200,c947', 'qemu-kvm', 'qemu', 'selinux'],
      [11360, 'system_u:system_r:svirt_t:s0:c200,c947', 'swtpm', 'swtpm', 'selinux'],
      [2211, 'libvirt-0f6d2a8e-3f6b-4c1e-9e5c-2b7a0c6d1e4f (enforce)', 'qemu-system-x86', 'qemu', 'apparmor'],
      [812, 'unconfined', 'bash', 'other', 'apparmor'],
      [2, '-', 'kthreadd', 'other', 'none'],
    ]);
    expect(r.value[3].time).toBe('1-02:03:04');
    expect(r.problems).toEqual([expect.objectContaining({ code: 'ps.bad-row', location: { file: 'ps -eZ', line: 8, column: 1 } })]);
  });
  it('knows QEMU by comm, including truncated names', () => {
    expect(['qemu-kvm', 'qemu-system-x86', 'qemu-system-aar', 'qemu-system-ppc'].map(processRole)).toEqual(['qemu', 'qemu', 'qemu', 'qemu']);
    expect(['qemu-img', 'qemu-ga', 'swtpm_setup', 'kvm'].map(processRole)).toEqual(['other', 'other', 'other', 'other']);
  });
  it('reads /proc/<pid>/attr/current + comm pairs', () => {
    expect(parseAttrCurrent('system_u:system_r:svirt_t:s0:c1,c2\0')).toBe('system_u:system_r:svirt_t:s0:c1,c2');
    expect(parseAttrCurrent('libvirt-x (enforce)\n')).toBe('libvirt-x (enforce)');
    const ps = processesFromProc([
      { pid: 20, comm: 'qemu-system-x86\n', attrCurrent: 'system_u:system_r:svirt_t:s0:c5,c9\0' },
      { pid: 3, comm: 'bash\n' },
      { pid: 99 },
    ]);
    expect(ps.map((p) => [p.pid, p.label, p.role])).toEqual([
      [3, '-', 'other'],
      [20, 'system_u:system_r:svirt_t:s0:c5,c9', 'qemu'],
    ]);
    expect(ps[1].location.file).toBe('/proc/20/attr/current');
  });
});

describeWithOracles(['ps'], 'parsePsEZ on real procps-ng `ps -eZ` output', () => {
  it('parses every row and finds this process', () => {
    const out = spawnSync('ps', ['-eZ'], { encoding: 'utf8' });
    expect(out.status).toBe(0);
    const r = parsePsEZ(out.stdout);
    expect(r.problems).toEqual([]);
    const rows = out.stdout.split('\n').filter((l) => l.trim() !== '').length - 1;
    expect(r.value).toHaveLength(rows);
    const me = r.value.find((p) => p.pid === process.pid);
    expect(me).toBeDefined();
    expect(me!.comm.length).toBeGreaterThan(0);
    expect(['none', 'selinux', 'apparmor']).toContain(me!.lsm.kind);
  });
});
