import { parseDomainXml } from '../../../src/facts/domain/build';
import { busFromTarget } from '../../../src/facts/domain/derived-perf';
import type { DomainFacts } from '../../../src/facts/domain/model';

function facts(body: string): DomainFacts {
  const r = parseDomainXml(`<domain type='kvm'>\n<name>t</name>\n${body}\n</domain>\n`, 't.xml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.domain;
}

describe('derived facts for performance/availability rules', () => {
  it('derives the disk bus from the target name when bus= is absent', () => {
    const d = facts(`<devices><disk type='file'><target dev='vda'/></disk><disk type='block' device='lun'><target dev='sdb'/></disk>
      <disk type='file'><target dev='hdc' bus='sata'/></disk><disk type='file' device='floppy'><target dev='fda'/></disk></devices>`);
    expect(d.disks.map((x) => x.busEffective)).toEqual(['virtio', 'scsi', 'sata', 'fdc']);
    expect(busFromTarget('nvme0', 'disk')).toBeNull();
  });

  it('lists IOThread references with whether the id exists, and which devices use each IOThread', () => {
    const d = facts(`<iothreads>3</iothreads><iothreadids><iothread id='7'/></iothreadids>
      <cputune><iothreadpin iothread='7' cpuset='1'/><iothreadpin iothread='9' cpuset='1'/></cputune>
      <devices><disk type='file'><driver name='qemu' iothread='1'/><target dev='vda'/></disk>
      <disk type='file'><driver name='qemu' iothread='1'/><target dev='vdb' bus='virtio'/></disk>
      <controller type='scsi' index='0' model='virtio-scsi'><driver iothread='0'/></controller></devices>`);
    expect(d.iothreadIds).toEqual([1, 2, 7]);
    expect(d.iothreadRefs.map((r) => [r.element, r.owner, r.idText, r.defined, r.bus, r.model])).toEqual([
      ['disk', 'disk[vda]', '1', true, 'virtio', null],
      ['disk', 'disk[vdb]', '1', true, 'virtio', null],
      ['controller', 'controller[scsi:0]', '0', false, null, 'virtio-scsi'],
      ['iothreadpin', 'iothreadpin[7]', '7', true, null, null],
      ['iothreadpin', 'iothreadpin[9]', '9', false, null, null],
    ]);
    expect(d.iothreadUse.map((u) => [u.id, u.users, u.loc.line])).toEqual([
      [1, ['disk[vda]', 'disk[vdb]'], 3],
      [2, [], 3],
      [7, [], 3],
    ]);
  });

  it('computes each vCPU affinity: first vcpupin, else <vcpu cpuset>, numad for placement=auto', () => {
    const d = facts(`<vcpu cpuset='4-5'>3</vcpu><cputune><vcpupin vcpu='1' cpuset='9'/><vcpupin vcpu='1' cpuset='8'/><vcpupin vcpu='5' cpuset='1'/></cputune>`);
    expect(d.vcpuAffinity.map((a) => [a.vcpu, a.cpus, a.source])).toEqual([
      [0, [4, 5], 'vcpu-cpuset'],
      [1, [9], 'vcpupin'],
      [2, [4, 5], 'vcpu-cpuset'],
    ]);
    expect(d.vcpuPinnedCpus).toEqual([4, 5, 9]);
    expect(d.cputune!.vcpupins.map((p) => p.duplicateOf)).toEqual([null, 3, null]);
    const auto = facts(`<vcpu placement='auto' cpuset='1'>2</vcpu>`);
    expect(auto.vcpuAffinity.map((a) => [a.cpus, a.source])).toEqual([
      [null, 'auto'],
      [null, 'auto'],
    ]);
    expect(facts('<vcpu>1</vcpu>').vcpuAffinity.map((a) => a.source)).toEqual([null]);
    expect(facts('').vcpuAffinity).toEqual([]);
  });

  it('recognises the dedicated-core layout: every vCPU pinned to one pCPU of its own', () => {
    const oneToOne = (body: string) => facts(body).vcpusPinnedOneToOne;
    expect(oneToOne(`<vcpu>2</vcpu><cputune><vcpupin vcpu='0' cpuset='20'/><vcpupin vcpu='1' cpuset='21'/></cputune>`)).toBe(true);
    // A single vCPU pinned by <vcpu cpuset> to one pCPU is 1:1 too.
    expect(oneToOne(`<vcpu cpuset='5'>1</vcpu>`)).toBe(true);
    // vCPU 1 falls back to <vcpu cpuset> with two pCPUs.
    expect(oneToOne(`<vcpu cpuset='4-5'>2</vcpu><cputune><vcpupin vcpu='0' cpuset='20'/></cputune>`)).toBe(false);
    // vCPU 2 (offline but hot-pluggable up to the maximum) floats.
    expect(oneToOne(`<vcpu current='2'>3</vcpu><cputune><vcpupin vcpu='0' cpuset='20'/><vcpupin vcpu='1' cpuset='21'/></cputune>`)).toBe(false);
    // Two vCPUs on one pCPU.
    expect(oneToOne(`<vcpu>2</vcpu><cputune><vcpupin vcpu='0' cpuset='20'/><vcpupin vcpu='1' cpuset='20'/></cputune>`)).toBe(false);
    // An invalid cpuset, numad placement, no vCPUs at all, more vCPUs than the derived cap.
    expect(oneToOne(`<vcpu>1</vcpu><cputune><vcpupin vcpu='0' cpuset='x'/></cputune>`)).toBe(false);
    expect(oneToOne(`<vcpu placement='auto'>1</vcpu>`)).toBe(false);
    expect(oneToOne('')).toBe(false);
    expect(oneToOne('<vcpu>99999999</vcpu>')).toBe(false);
  });

  it('lists the host CPUs the vCPU, emulator and IOThread threads are pinned to', () => {
    const d = facts(`<vcpu>2</vcpu><iothreads>2</iothreads><cputune><vcpupin vcpu='0' cpuset='20'/><vcpupin vcpu='1' cpuset='21'/>
      <emulatorpin cpuset='0-1'/><iothreadpin iothread='1' cpuset='3'/><iothreadpin iothread='2' cpuset='2'/><iothreadpin iothread='2' cpuset='9'/></cputune>`);
    expect(d.hostCpuPins).toEqual([
      { threads: 'vCPUs', cpus: [20, 21] },
      { threads: 'emulator', cpus: [0, 1] },
      { threads: 'IOThreads', cpus: [2, 3] },
    ]);
    expect(facts(`<vcpu>1</vcpu><cputune><emulatorpin cpuset='x'/></cputune>`).hostCpuPins).toEqual([]);
  });

  it('tells whether guest memory is bound to host NUMA nodes', () => {
    const bound = (body: string) => facts(body).memoryNodeBound;
    expect(bound(`<numatune><memory mode='strict' nodeset='0'/></numatune>`)).toBe(true);
    expect(bound(`<numatune><memory mode='strict' placement='auto'/></numatune>`)).toBe(true);
    expect(bound(`<numatune><memnode cellid='0' mode='strict' nodeset='0'/></numatune>`)).toBe(true);
    expect(bound(`<numatune><memory mode='strict'/></numatune>`)).toBe(false);
    expect(bound('<vcpu>1</vcpu>')).toBe(false);
  });

  it('caps the derived vCPU list for hostile vCPU counts', () => {
    expect(facts('<vcpu>99999999</vcpu>').vcpuAffinity).toHaveLength(16384);
  });

  it('collects every cpuset/nodeset attribute with libvirt-style errors', () => {
    const d = facts(`<vcpu cpuset='0-3'>2</vcpu><cputune><vcpupin vcpu='0'/><emulatorpin cpuset='1,^1'/></cputune>
      <numatune><memory nodeset='0-'/><memnode cellid='0' nodeset='0'/></numatune>
      <cpu><numa><cell id='0' cpus='0-1' memory='1024'/></numa></cpu>`);
    expect(d.cpusets.map((c) => [c.attribute, c.error])).toEqual([
      ['vcpu@cpuset', null],
      ['vcpupin[0]@cpuset', 'missing cpuset for vcpupin'],
      ['emulatorpin@cpuset', "Invalid value of 'cpuset': '1,^1'"],
      ['numatune/memory@nodeset', "Failed to parse bitmap '0-'"],
      ['memnode[0]@nodeset', null],
      ['cpu/numa/cell[0]@cpus', null],
    ]);
  });

  it('marks resctrl groups libvirt refuses: overlapping vcpus, identical cachetunes (cachetunes parse first)', () => {
    const d = facts(`<cputune>
      <memorytune vcpus='0-1'><node id='0' bandwidth='10'/></memorytune>
      <memorytune vcpus='2-3'><node id='0' bandwidth='10'/></memorytune>
      <cachetune vcpus='1'><cache id='0' level='3' type='both' size='1'/></cachetune>
      <cachetune vcpus='2-3'><cache id='0' level='3' type='both' size='1'/></cachetune>
      <cachetune vcpus='3,2'><cache id='0' level='3' type='both' size='1'/></cachetune>
      </cputune>`);
    expect(d.cputune!.resctrl.map((r) => r.conflict)).toEqual([
      "Overlapping vcpus in resctrls (with the <cachetune vcpus='1'> on line 6)",
      null,
      null,
      null,
      'Identical vcpus in cachetunes found (line 7)',
    ]);
  });

  it("reads PCI address parts like strtol base 0: '081' is not a number libvirt accepts", () => {
    const d = facts(`<devices><hostdev mode='subsystem' type='pci'><source><address domain='0' bus='081' slot='0' function='0'/></source></hostdev></devices>`);
    expect(d.hostdevs[0].source?.bus).toBeNull();
    expect(d.hostdevs[0].source?.bdf).toBeNull();
  });
});

describe('host-facing derived facts (cpusets refersTo/cpus, hugepages.defaultPageKib)', () => {
  it('tags each set with what it names and keeps the parsed set', () => {
    const r = parseDomainXml(
      `<domain type='kvm'><name>v</name><memory>2097152</memory><vcpu cpuset='0-3,^2'>2</vcpu>
        <cputune><vcpupin vcpu='0' cpuset='x'/><emulatorpin cpuset='4'/></cputune>
        <numatune><memory mode='strict' nodeset='1'/></numatune>
        <memoryBacking><hugepages><page size='1' unit='GiB' nodeset='0'/><page size='2048'/></hugepages></memoryBacking>
        <cpu><numa><cell id='0' cpus='0-1' memory='2097152'/></numa></cpu></domain>`,
      'v.xml',
    );
    if (!r.ok) throw new Error('parse failed');
    expect(r.domain.cpusets.map((c) => [c.attribute, c.refersTo, c.cpus])).toEqual([
      ['vcpu@cpuset', 'host-cpus', [0, 1, 3]],
      ['vcpupin[0]@cpuset', 'host-cpus', null],
      ['emulatorpin@cpuset', 'host-cpus', [4]],
      ['numatune/memory@nodeset', 'host-nodes', [1]],
      ['hugepages/page@nodeset', 'guest-nodes', [0]],
      ['cpu/numa/cell[0]@cpus', 'guest-cpus', [0, 1]],
    ]);
    expect(r.domain.hugepages?.defaultPageKib).toBe(2048);
  });
});
