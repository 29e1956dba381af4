import { parseDomainXml } from '../../../src/facts/domain/build';
import type { DomainFacts } from '../../../src/facts/domain/model';

function domain(inner: string, head = ''): DomainFacts {
  const r = parseDomainXml(`<domain type='kvm'>\n<name>vm1</name>\n<memory>1048576</memory>\n${head}<os><type arch='x86_64'>hvm</type></os>\n<devices>\n${inner}\n</devices>\n</domain>\n`, 'vm1.xml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.domain;
}

describe('network character devices (libvirt 9.0 chardev source rules)', () => {
  it('TCP: mode defaults to connect (no listener); bind on loopback is local; host="" listens on every address', () => {
    const d = domain(`
      <serial type='tcp'><source host='0.0.0.0' service='1'/><target port='0'/></serial>
      <serial type='tcp'><source mode='bind' host='127.0.0.2' service='2'/><target port='1'/></serial>
      <serial type='tcp'><source mode='bind' host='' service='3'/><target port='2'/></serial>
      <channel type='tcp'><source mode='bind' host='::' service='4' tls='yes'/><target type='virtio' name='x.y'/></channel>`);
    expect(d.netChardevs.map((c) => [c.key, c.mode, c.protocol, c.tls, c.exposedAt])).toEqual([
      ['serial[#0]', 'connect', 'raw', null, null],
      ['serial[#1]', 'bind', 'raw', null, null],
      ['serial[#2]', 'bind', 'raw', null, 'all addresses:3'],
      ['channel[x.y]', 'bind', 'raw', 'yes', '[::]:4'],
    ]);
  });

  it('TCP: a bind source without host (refused by libvirt) is not taken for a listener', () => {
    const d = domain(`<serial type='tcp'><source mode='bind' service='2445'/></serial>`);
    expect(d.netChardevs[0].exposedAt).toBeNull();
  });

  it('UDP: first source of each mode wins; the remote defaults to localhost; a loopback end keeps it local', () => {
    const d = domain(`
      <serial type='udp'><source mode='connect' service='9'/></serial>
      <serial type='udp'><source mode='bind' host='0.0.0.0' service='1'/><source mode='connect' host='127.0.0.1' service='2'/></serial>
      <serial type='udp'><source mode='bind' host='127.0.0.1' service='1'/><source mode='connect' host='192.0.2.1' service='2'/></serial>
      <serial type='udp'><source host='192.0.2.7' service='5'/><source mode='bind' service='6'/></serial>`);
    expect(d.netChardevs.map((c) => [c.host, c.service, c.bindHost, c.bindService, c.exposedAt])).toEqual([
      [null, '9', null, null, null],
      ['127.0.0.1', '2', '0.0.0.0', '1', null],
      ['192.0.2.1', '2', '127.0.0.1', '1', null],
      ['192.0.2.7', '5', null, '6', '192.0.2.7:5'],
    ]);
  });

  it('a <console> with target type serial (or none) is the first <serial> again; a virtio console is its own device', () => {
    const src = `<source mode='bind' host='0.0.0.0' service='7'/>`;
    const d = domain(`
      <serial type='tcp'>${src}<target port='0'/></serial>
      <console type='tcp'>${src}<target type='serial' port='0'/></console>
      <console type='tcp'>${src}</console>
      <console type='tcp'>${src}<target type='virtio' port='0'/></console>`);
    expect(d.netChardevs.map((c) => [c.element, c.mirrorsSerial])).toEqual([
      ['serial', false],
      ['console', true],
      ['console', true],
      ['console', false],
    ]);
    expect(domain(`<console type='tcp'>${src}<target type='serial'/></console>`).netChardevs[0].mirrorsSerial).toBe(false);
  });

  it('smartcard passthrough, redirdev and the EGD rng backend are chardevs; pty/unix hosts sides are not listed', () => {
    const d = domain(`
      <smartcard mode='host'/>
      <smartcard mode='passthrough' type='tcp'><source mode='bind' host='192.0.2.1' service='1'/></smartcard>
      <redirdev bus='usb' type='tcp'><source mode='connect' host='192.0.2.1' service='2'/></redirdev>
      <rng model='virtio'><backend model='egd' type='udp'><source mode='connect' host='192.0.2.2' service='3'/></backend></rng>
      <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>
      <serial type='pty'/>
      <channel type='unix'><source mode='bind' path='/tmp/x'/><target type='virtio' name='a'/></channel>`);
    expect(d.netChardevs.map((c) => [c.element, c.type, c.targetLabel, c.exposedAt])).toEqual([
      ['smartcard', 'tcp', 'passthrough', '192.0.2.1:1'],
      ['redirdev', 'tcp', 'usb', null],
      ['rng', 'udp', 'egd', '192.0.2.2:3'],
    ]);
  });
});

describe('locked memory and memtune', () => {
  it('scales limits like libvirt and recognises its "unlimited" value', () => {
    const d = domain('', `<memtune><hard_limit unit='G'>2</hard_limit><soft_limit>9007199254740991</soft_limit><swap_hard_limit unit='parsec'>1</swap_hard_limit></memtune>\n<memoryBacking><locked/></memoryBacking>\n`);
    expect(d.memoryLocked?.loc.line).toBe(5);
    expect(d.memtune?.hardLimit).toMatchObject({ kib: 2097152, unlimited: false, error: null });
    expect(d.memtune?.softLimit).toMatchObject({ kib: 9007199254740991, unlimited: true });
    expect(d.memtune?.swapHardLimit?.kib).toBeNull();
    expect(d.memtune?.swapHardLimit?.error).toMatch(/parsec/);
  });

  it('absent elements are null', () => {
    const d = domain('');
    expect([d.memoryLocked, d.memtune, d.redirfilter]).toEqual([null, null, null]);
  });
});

describe('USB redirection filter', () => {
  const filter = (rules: string) => domain(`<redirfilter>${rules}</redirfilter>`).redirfilter;
  it('allows everything with no rule or a first rule matching all devices; otherwise unmatched devices are refused', () => {
    expect(filter('')?.allowsAll).toBe(true);
    expect(filter(`<usbdev allow='yes'/><usbdev class='0x08' allow='no'/>`)?.allowsAll).toBe(true);
    expect(filter(`<usbdev class='-1' vendor='-1' product='-1' version='-1' allow='yes'/>`)?.allowsAll).toBe(true);
    expect(filter(`<usbdev class='0x08' allow='no'/><usbdev allow='yes'/>`)?.allowsAll).toBe(false);
    expect(filter(`<usbdev vendor='0x1234' allow='yes'/>`)?.allowsAll).toBe(false);
    expect(filter(`<usbdev allow='no'/>`)?.allowsAll).toBe(false);
  });
});

describe('disk access', () => {
  it('curl protocols and cdroms are read-only; UNIX sockets and loopback hosts are local; <auth> in <disk> counts', () => {
    const d = domain(`
      <disk type='network' device='disk'><source protocol='http' name='/a'><host name='example.org'/></source><target dev='vda'/></disk>
      <disk type='network' device='disk'><source protocol='nbd'><host transport='unix' socket='/s'/></source><target dev='vdb'/></disk>
      <disk type='network' device='disk'><source protocol='nbd'><host name='localhost' port='10809'/><host name='192.0.2.1'/></source><target dev='vdc'/></disk>
      <disk type='network' device='disk'><auth username='u'><secret type='ceph' usage='x'/></auth><source protocol='rbd' name='p/i'/><target dev='vdd'/></disk>
      <disk type='file' device='cdrom'><driver name='qemu' cache='unsafe'/><source file='/x.iso'/><target dev='sda'/></disk>`);
    expect(d.diskAccess.map((a) => [a.key, a.readonly, a.network?.local ?? null, a.network?.remoteHosts ?? null, a.network?.auth?.secretType ?? null])).toEqual([
      ['disk[vda]', true, false, ['example.org'], null],
      ['disk[vdb]', false, true, [], null],
      ['disk[vdc]', false, false, ['192.0.2.1'], null],
      ['disk[vdd]', false, false, [], 'ceph'],
      ['disk[sda]', true, null, null, null],
    ]);
    expect(d.diskAccess[4].driver?.cache).toBe('unsafe');
  });
});
