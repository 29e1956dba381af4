import { parseDomainXml } from '../../../src/facts/domain/build';
import type { DomainFacts } from '../../../src/facts/domain/model';

function facts(body: string, attrs = "type='kvm'"): DomainFacts {
  const r = parseDomainXml(`<domain ${attrs}>\n<name>t</name>\n${body}\n</domain>\n`, 't.xml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.domain;
}

describe('buildDomainFacts', () => {
  it('auto-fills IOThread ids with the lowest unused ids up to <iothreads> (libvirt behaviour)', () => {
    expect(facts('<iothreads>4</iothreads><iothreadids><iothread id="2"/><iothread id="7"/></iothreadids>').iothreadIds).toEqual([1, 2, 3, 7]);
    // libvirt raises <iothreads> to the number of ids
    expect(facts('<iothreads>1</iothreads><iothreadids><iothread id="5"/><iothread id="6"/></iothreadids>').iothreadIds).toEqual([5, 6]);
    expect(facts('<iothreads>3</iothreads>').iothreadIds).toEqual([1, 2, 3]);
    expect(facts('').iothreadIds).toEqual([]);
  });

  it('multiplies the topology including dies and clusters, missing attributes counting as 1', () => {
    const t = facts("<vcpu>32</vcpu><cpu><topology sockets='1' clusters='4' cores='4' threads='2'/></cpu>").topology!;
    expect(t.product).toBe(32);
    expect(t.dies).toBe(1);
    expect(t.declared).toEqual(['sockets', 'clusters', 'cores', 'threads']);
  });

  it('parses PCI host addresses like libvirt (strtol base 0) and canonicalises the BDF', () => {
    const d = facts(`<devices><hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x81' slot='0x00' function='0x1'/></source></hostdev>
      <hostdev mode='subsystem' type='pci'><source><address bus='010' slot='16' function='0x00'/></source></hostdev></devices>`);
    expect(d.hostdevs.map((h) => h.source?.bdf)).toEqual(['0000:81:00.1', '0000:08:10.0']);
    expect(d.hostdevs[1].source?.text.function).toBe('0x00');
    expect(d.hostdevs[0].key).toBe('hostdev[0000:81:00.1]');
  });

  it('parses cpusets of pins and keeps the error text libvirt would print', () => {
    const d = facts("<vcpu>2</vcpu><cputune><vcpupin vcpu='0' cpuset='1-3,^2'/><vcpupin vcpu='1' cpuset='3-1'/></cputune>");
    expect(d.cputune!.vcpupins[0].cpuset).toEqual({ text: '1-3,^2', cpus: [1, 3], error: null });
    expect(d.cputune!.vcpupins[1].cpuset.error).toBe("Failed to parse bitmap '3-1'");
  });

  it('never copies graphics passwords', () => {
    const d = facts("<devices><graphics type='vnc' listen='0.0.0.0' passwd='s3cr3t!'/></devices>");
    expect(JSON.stringify(d)).not.toContain('s3cr3t');
    expect(d.graphics[0]).toMatchObject({ passwdSet: true, passwdLength: 7, listenAddresses: ['0.0.0.0'], listenDefault: false });
  });

  it('uses the first of duplicate singleton elements and reports the others', () => {
    const d = facts('<vcpu>2</vcpu>\n<vcpu>8</vcpu>');
    expect(d.vcpu!.max).toBe(2);
    expect(d.problems).toMatchObject([{ code: 'domain.duplicate-element', loc: { line: 4 } }]);
  });

  it('scales memory units and page sizes', () => {
    const d = facts("<memory unit='GB'>4</memory><memoryBacking><hugepages><page size='2' unit='MB'/><page size='1' unit='GiB' nodeset='0'/></hugepages></memoryBacking>");
    expect(d.memory!.kib).toBe(3906250);
    expect(d.hugepages!.pages.map((p) => p.sizeKib)).toEqual([1954, 1048576]);
    expect(d.hugepages!.pages[1].nodeset?.cpus).toEqual([0]);
  });

  it('matches the qemu namespace by URI, whatever the prefix', () => {
    const d = facts("<foo:commandline xmlns:foo='http://libvirt.org/schemas/domain/qemu/1.0'><foo:arg value='-set'/></foo:commandline><qemu:commandline xmlns:qemu='urn:other'><qemu:arg value='-gdb'/></qemu:commandline>");
    expect(d.qemu.args.map((a) => a.value)).toEqual(['-set']);
    expect(d.qemu.ignoredForeign).toHaveLength(1);
  });

  it('refuses a root element that is not <domain>', () => {
    expect(parseDomainXml('<network><name>x</name></network>', 'n.xml')).toMatchObject({ ok: false, problems: [{ code: 'xml.not-a-domain' }] });
  });
});
