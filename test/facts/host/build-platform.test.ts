import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { bundleFromCase, type EvidenceCase } from '../../../src/engine/testing/evidence-case';
import { buildPlatformFacts, parseMounts } from '../../../src/facts/host/build-platform';
import { modprobeOptions, vfioCompatible } from '../../../src/facts/host/platform/devices';
import { describeWithOracles } from '../../helpers/oracle';

const build = (ev: EvidenceCase) => {
  const unknown: Record<string, string> = {};
  const facts = buildPlatformFacts(bundleFromCase('host', ev), unknown);
  return { facts, unknown };
};

describe('buildPlatformFacts', () => {
  it('records every area as unknown (with the path) when nothing was collected', () => {
    const { facts, unknown } = build({ privileged: false });
    expect(facts.kernel).toBeNull();
    expect(facts.kvm).toBeNull();
    expect(facts.pci).toBeNull();
    expect(unknown['host.cmdline']).toBe('/proc/cmdline: does not exist');
    expect(unknown['host.kernel']).toMatch(/^uname -r -m: program not installed/);
    expect(unknown['host.iommu']).toMatch(/^\/sys\/kernel\/iommu_groups: not collected/);
    expect(facts.domainState).toEqual({ running: null, autostart: [], active: [] });
  });

  it('says a denied file needs root when the scan was unprivileged', () => {
    const { unknown } = build({ privileged: false, files: { '/sys/devices/virtual/workqueue/cpumask': { state: 'denied' } } });
    expect(unknown['host.workqueue']).toContain('the check needs root');
  });

  it('reads uname, KVM parameters with the arch default, and the effective cmdline (last wins, -/_ equal)', () => {
    const { facts } = build({
      commands: { uname: { stdout: '5.10.0-216.oe2203sp4.aarch64 aarch64\n' } },
      files: {
        '/proc/cmdline': 'BOOT_IMAGE=/vmlinuz intel_iommu=on kvm-arm.vgic_v4_enable=1 intel_iommu=off "mpam=acpi" -- single\n',
        '/sys/module/kvm/parameters/halt_poll_ns': '500000\n',
        '/sys/module/kvm/parameters/force_wfi_trap': 'N\n',
        '/sys/module/kvm/parameters/halt_poll_ns_shrink': '0\n',
      },
    });
    expect(facts.kernel).toMatchObject({ release: '5.10.0-216.oe2203sp4.aarch64', machine: 'aarch64', arch: 'aarch64' });
    expect(facts.kvm?.haltPollNs).toMatchObject({ text: '500000', int: 500000 });
    expect(facts.kvm?.forceWfiTrap).toMatchObject({ bool: false, loc: { file: '/sys/module/kvm/parameters/force_wfi_trap', line: 1 } });
    expect(facts.kvm?.defaultHaltPollNs).toBe(500000);
    expect(facts.kvm?.haltPollNsGrow).toBeNull();
    expect(facts.cmdline?.params.intel_iommu).toMatchObject({ value: 'off', loc: { column: 61 } });
    expect(facts.cmdline?.params['kvm_arm.vgic_v4_enable']).toMatchObject({ name: 'kvm-arm.vgic_v4_enable', bool: true });
    expect(facts.cmdline?.params.mpam?.value).toBe('acpi');
    expect(facts.cmdline?.init).toEqual(['single']);
    expect(facts.cmdline?.all.filter((p) => p.key === 'cmdline[intel_iommu]')).toHaveLength(2);
  });

  it('parses workqueue masks (MSB word first) and records bad masks as problems', () => {
    const { facts } = build({
      files: {
        '/sys/devices/virtual/workqueue/cpumask': '00000000,000f0000,0000000f\n',
        '/sys/devices/virtual/workqueue/cpumask_requested': 'zz\n',
      },
    });
    expect(facts.workqueue?.unboundCpus).toEqual([0, 1, 2, 3, 48, 49, 50, 51]);
    expect(facts.workqueue?.requested?.cpus).toBeNull();
    expect(facts.workqueue?.isolated).toBeNull();
    expect(facts.platformProblems.map((p) => [p.code, p.loc.file])).toEqual([['bitmap.bad-mask', '/sys/devices/virtual/workqueue/cpumask_requested']]);
  });

  it('builds global and per-node huge page pools; the default size comes from meminfo', () => {
    const { facts } = build({
      dirs: { '/sys/kernel/mm/hugepages': ['hugepages-1048576kB', 'hugepages-2048kB'] },
      files: {
        '/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages': '1024\n',
        '/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages': '1000\n',
        '/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages': '4\n',
        '/sys/devices/system/cpu/online': '0-3\n',
        '/sys/devices/system/node/online': '0-1\n',
        '/sys/devices/system/node/node0/cpulist': '0-1\n',
        '/sys/devices/system/node/node1/cpulist': '2-3\n',
        '/sys/devices/system/node/node0/hugepages/hugepages-1048576kB/nr_hugepages': '3\n',
        '/sys/devices/system/node/node0/hugepages/hugepages-1048576kB/free_hugepages': '3\n',
        '/sys/devices/system/node/node1/hugepages/hugepages-1048576kB/nr_hugepages': '1\n',
        '/proc/meminfo': 'MemTotal:  8000000 kB\nHugePages_Total:    1024\nHugePages_Free:     1000\nHugepagesize:       2048 kB\nHugetlb:   6291456 kB\n',
      },
    });
    const hp = facts.hugepages;
    expect(hp?.defaultSizeKib).toBe(2048);
    expect(hp?.pools.map((p) => [p.sizeKib, p.nr, p.free, p.isDefault])).toEqual([
      [2048, 1024, 1000, true],
      [1048576, 4, null, false],
    ]);
    expect(hp?.pools[1].nodes.map((n) => [n.node, n.nr, n.free])).toEqual([
      [0, 3, 3],
      [1, 1, null],
    ]);
    expect(hp?.meminfo).toMatchObject({ total: 1024, pageSizeKib: 2048, hugetlbKib: 6291456, loc: { line: 2 } });
    expect(facts.numa?.nodes.map((n) => [n.id, n.cpus])).toEqual([
      [0, [0, 1]],
      [1, [2, 3]],
    ]);
  });

  it('models a kernel without hugetlbfs, THP or NUMA instead of calling them unknown', () => {
    const { facts, unknown } = build({
      dirs: { '/sys/kernel/mm/hugepages': { state: 'missing' } },
      files: { '/sys/devices/system/cpu/online': '0-7\n', '/proc/cmdline': 'ro default_hugepagesz=1G\n' },
    });
    expect(facts.hugepages?.pools).toEqual([]);
    expect(facts.hugepages?.defaultSizeKib).toBe(1048576);
    expect(facts.thp).toMatchObject({ enabled: null });
    expect(facts.numa?.nodes).toEqual([expect.objectContaining({ id: 0, cpus: [0, 1, 2, 3, 4, 5, 6, 7] })]);
    expect(unknown['host.hugepages']).toBeUndefined();
    expect(unknown['host.thp']).toBeUndefined();
  });

  it('takes the bracketed THP value', () => {
    const { facts } = build({ files: { '/sys/kernel/mm/transparent_hugepage/enabled': 'always [madvise] never\n', '/sys/kernel/mm/transparent_hugepage/defrag': 'always defer defer+madvise [madvise] never\n' } });
    expect(facts.thp?.enabled?.selected).toBe('madvise');
    expect(facts.thp?.defrag?.options).toEqual(['always', 'defer', 'defer+madvise', 'madvise', 'never']);
  });

  it('finds resctrl in /proc/mounts (octal escapes) and the smallest num_closids', () => {
    const { facts } = build({
      files: {
        '/proc/mounts': 'sysfs /sys sysfs rw 0 0\n/dev/sdb1 /mnt/my\\040disk ext4 rw,relatime 0 0\nresctrl /sys/fs/resctrl resctrl rw,relatime 0 0\n',
        '/sys/fs/resctrl/info/L3/num_closids': '16\n',
        '/sys/fs/resctrl/info/MB/num_closids': '8\n',
      },
      dirs: { '/sys/fs/resctrl/info': ['L3', 'MB', 'L3_MON'] },
    });
    expect(facts.mounts?.[1]).toMatchObject({ mountpoint: '/mnt/my disk', fstype: 'ext4', loc: { line: 2 } });
    expect(facts.resctrl).toMatchObject({ mounted: true, numClosids: 8, resources: ['L3', 'L3_MON', 'MB'], loc: { line: 3 } });
  });

  it('derives IOMMU state, with the cmdline parameter that turned it off', () => {
    const off = build({
      commands: { uname: { stdout: '6.1.0 x86_64\n' } },
      dirs: { '/sys/kernel/iommu_groups': [], '/sys/class/iommu': [] },
      files: { '/proc/cmdline': 'intel_iommu=on iommu=pt intel_iommu=off\n' },
    }).facts.iommu;
    expect(off).toMatchObject({ enabled: false, loc: { file: '/proc/cmdline', column: 25 } });
    expect(off?.reason).toContain('intel_iommu=off on the kernel command line');
    const on = build({
      dirs: { '/sys/kernel/iommu_groups': ['0', '1'], '/sys/class/iommu': ['dmar0'] },
      commands: { dmesg: { stdout: '[    0.1] DMAR: IOMMU enabled\n[    0.2] DMAR-IR: Enabled IRQ remapping in x2apic mode\n' } },
    }).facts.iommu;
    expect(on).toMatchObject({ enabled: true, interruptRemapping: 'enabled', interruptRemappingEvidence: '[    0.2] DMAR-IR: Enabled IRQ remapping in x2apic mode' });
    expect(on?.reason).toBe('2 IOMMU group(s) in /sys/kernel/iommu_groups (IOMMU units: dmar0)');
  });

  it('builds PCI devices with driver, NUMA node, IOMMU group and group peers', () => {
    const { facts } = build({
      dirs: { '/sys/bus/pci/devices': ['0000:00:1c.0', '0000:03:00.0', '0000:03:00.1', '0000:04:00.0'] },
      files: {
        '/sys/bus/pci/devices/0000:00:1c.0/driver': { state: 'ok', linkTarget: '../../../bus/pci/drivers/pcieport' },
        '/sys/bus/pci/devices/0000:00:1c.0/class': '0x060400\n',
        '/sys/bus/pci/devices/0000:00:1c.0/iommu_group': { state: 'ok', linkTarget: '../../../kernel/iommu_groups/7' },
        '/sys/bus/pci/devices/0000:03:00.0/driver': { state: 'ok', linkTarget: '../../../../bus/pci/drivers/vfio-pci' },
        '/sys/bus/pci/devices/0000:03:00.0/numa_node': '1\n',
        '/sys/bus/pci/devices/0000:03:00.0/iommu_group': { state: 'ok', linkTarget: '../../../../kernel/iommu_groups/7' },
        '/sys/kernel/iommu_groups/7/devices/0000:03:00.1': { state: 'ok', linkTarget: '../../../../devices/pci0000:00/0000:00:1c.0/0000:03:00.1' },
        '/sys/bus/pci/devices/0000:03:00.1/driver': { state: 'ok', linkTarget: '../../../../bus/pci/drivers/mlx5_core' },
        '/sys/bus/pci/devices/0000:04:00.0/numa_node': '-1\n',
      },
    });
    const d = facts.pci?.devices['0000:03:00.0'];
    expect(d).toMatchObject({ driver: 'vfio-pci', vfioBound: true, numaNode: 1, iommuGroup: '7' });
    expect(d?.groupPeers).toEqual([
      { bdf: '0000:00:1c.0', driver: 'pcieport', class: '0x060400', vfioCompatible: true },
      { bdf: '0000:03:00.1', driver: 'mlx5_core', class: null, vfioCompatible: false },
    ]);
    expect(facts.pci?.devices['0000:04:00.0']).toMatchObject({ driver: null, numaNode: -1, iommuGroup: null, groupPeers: [] });
  });

  it('classifies block devices and resolves /dev links and LVM paths', () => {
    const { facts } = build({
      dirs: { '/sys/class/block': ['sda', 'sda1', 'dm-0', 'dm-1', 'dm-2'] },
      files: {
        '/sys/class/block/sda1/partition': '1\n',
        '/sys/class/block/dm-0/dm/name': 'vg--data-lv0\n',
        '/sys/class/block/dm-0/dm/uuid': 'LVM-xyz\n',
        '/sys/class/block/dm-1/dm/name': 'mpatha\n',
        '/sys/class/block/dm-1/dm/uuid': 'mpath-3600\n',
        '/sys/class/block/dm-2/dm/name': 'mpatha1\n',
        '/sys/class/block/dm-2/dm/uuid': 'part1-mpath-3600\n',
        '/dev/disk/by-id/wwn-0x5000-part1': { state: 'ok', linkTarget: '../../sda1' },
      },
    });
    const by = facts.block?.byPath ?? {};
    expect(by['/dev/sda']?.kind).toBe('disk');
    expect(by['/dev/disk/by-id/wwn-0x5000-part1']).toMatchObject({ name: 'sda1', kind: 'partition', partition: 1 });
    expect(by['/dev/vg-data/lv0']).toMatchObject({ name: 'dm-0', kind: 'lvm' });
    expect(by['/dev/mapper/mpatha']?.kind).toBe('multipath');
    expect(by['/dev/mapper/mpatha1']?.kind).toBe('partition');
  });

  it('collects interrupt-isolation settings from sysfs, the command line and modprobe.d', () => {
    const { facts } = build({
      dirs: { '/sys/kernel/iommu_groups': ['1'] },
      files: {
        '/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts': 'N\n',
        '/proc/cmdline': 'vfio_iommu_type1.allow_unsafe_interrupts=1 intremap=nosid\n',
        '/etc/modprobe.d/a.conf': 'options vfio_iommu_type1 \\\n  allow_unsafe_interrupts=0 # comment\n',
      },
    });
    expect(facts.iommu?.interruptSettings.map((s) => [s.what, s.unsafe, s.loc.line])).toEqual([
      ['/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts', false, 1],
      ['vfio_iommu_type1.allow_unsafe_interrupts=1', true, 1],
      ['options vfio_iommu_type1 allow_unsafe_interrupts=0', false, 1],
      ['intremap=nosid', true, 1],
    ]);
  });

  it('lists running and autostart domains', () => {
    const { facts } = build({
      commands: { 'virsh.list.running': { stdout: 'b\na\n\n' } },
      files: { '/etc/libvirt/qemu/autostart/c.xml': { state: 'ok', linkTarget: '/etc/libvirt/qemu/c.xml' }, '/etc/libvirt/qemu/autostart/a.xml': { state: 'ok', linkTarget: '/etc/libvirt/qemu/a.xml' } },
    });
    expect(facts.domainState).toEqual({ running: ['a', 'b'], autostart: ['a', 'c'], active: ['a', 'b', 'c'] });
  });

  it('never throws on hostile values', () => {
    expect(() =>
      build({
        commands: { uname: { stdout: '' }, dmesg: { stdout: '\u0000'.repeat(10) } },
        dirs: { '/sys/kernel/mm/hugepages': ['hugepages-xkB', '..'], '/sys/bus/pci/devices': ['not-a-bdf'], '/sys/class/block': [] },
        files: {
          '/proc/cmdline': '"unterminated',
          '/sys/devices/system/cpu/online': '0-999999999\n',
          '/sys/devices/virtual/workqueue/cpumask': 'ffffffff,'.repeat(10000),
          '/sys/module/kvm/parameters/halt_poll_ns': '99999999999999999999999\n',
          '/proc/meminfo': 'garbage\n',
          '/proc/mounts': '\n\n',
        },
      }),
    ).not.toThrow();
  });
});

describe('helpers', () => {
  it('modprobeOptions matches module names with - and _ and keeps line numbers', () => {
    expect(modprobeOptions('# x\noptions vfio-iommu-type1 allow_unsafe_interrupts=1 foo\noptions kvm halt_poll_ns=0\n', 'vfio_iommu_type1')).toEqual([
      { key: 'allow_unsafe_interrupts', value: '1', line: 2, column: 26 },
      { key: 'foo', value: undefined, line: 2, column: 52 },
    ]);
  });
  it('vfioCompatible: no driver, vfio variants, pci-stub, pcieport, bridges', () => {
    expect([null, 'vfio-pci', 'mlx5_vfio_pci', 'pci-stub', 'pcieport', 'e1000e'].map((d) => vfioCompatible(d, null))).toEqual([true, true, true, true, true, false]);
    expect(vfioCompatible('shpchp', '0x060400')).toBe(true);
  });
  it('parseMounts skips short lines', () => {
    expect(parseMounts('a b\n')).toEqual([]);
  });
});

// This machine's own kernel files, checked against util-linux lscpu and coreutils uname.
describeWithOracles(['lscpu', 'uname'], 'platform facts of this machine vs lscpu / uname', () => {
  const read = (p: string): string | undefined => {
    try {
      return fs.readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  };
  const files: Record<string, string> = {};
  for (const p of ['/sys/devices/system/cpu/online', '/sys/devices/system/node/online', '/proc/cmdline', '/proc/meminfo', '/sys/devices/virtual/workqueue/cpumask']) {
    const t = read(p);
    if (t !== undefined) files[p] = t;
  }
  const nodeDir = '/sys/devices/system/node';
  for (const e of fs.existsSync(nodeDir) ? fs.readdirSync(nodeDir) : []) {
    const t = /^node\d+$/.test(e) ? read(`${nodeDir}/${e}/cpulist`) : undefined;
    if (t !== undefined) files[`${nodeDir}/${e}/cpulist`] = t;
  }
  const uname = execFileSync('uname', ['-r', '-m'], { encoding: 'utf8' });
  const { facts } = build({ files, commands: { uname: { stdout: uname } } });

  it('online CPUs and each CPU node equal lscpu -p=CPU,NODE', () => {
    const rows = execFileSync('lscpu', ['--online', '-p=CPU,NODE'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => l.split(',').map((x) => (x === '' ? 0 : Number(x))));
    expect(facts.cpus?.online).toEqual(rows.map((r) => r[0]).sort((a, b) => a - b));
    for (const [cpu, node] of rows) expect(facts.numa?.nodes.find((n) => n.cpus.includes(cpu))?.id).toBe(node);
  });

  it('kernel release and machine equal uname -r / uname -m', () => {
    expect(facts.kernel?.release).toBe(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
    expect(facts.kernel?.machine).toBe(execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim());
  });

  it('the unbound workqueue mask names online CPUs only', () => {
    if (!files['/sys/devices/virtual/workqueue/cpumask']) return;
    expect(facts.workqueue?.cpumask?.cpus?.every((c) => facts.cpus?.online.includes(c))).toBe(true);
  });
});
