import { parseDomainXml } from '../../../src/facts/domain/build';
import { isLoopback, qemuListeners } from '../../../src/facts/domain/derived-sec';
import type { DomainFacts } from '../../../src/facts/domain/model';

const QEMU = 'http://libvirt.org/schemas/domain/qemu/1.0';

function facts(body: string, rootAttrs = "type='kvm'"): DomainFacts {
  const r = parseDomainXml(`<domain ${rootAttrs}>\n<name>t</name>\n${body}\n</domain>\n`, 't.xml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.domain;
}

const args = (...values: string[]) => values.map((value, i) => ({ value, loc: { file: 'f', line: i + 1, column: 1 }, key: `a${i}` }));

describe('isLoopback', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '0:0:0:0:0:0:0:1', '::0001', '[::1]', '::ffff:127.0.0.1'])('%s is loopback', (a) => {
    expect(isLoopback(a)).toBe(true);
  });
  it.each(['0.0.0.0', '::', '192.0.2.10', '10.0.0.1', 'vm-host.example.com', '::2', '1::1', '128.0.0.1', '::ffff:10.0.0.1'])('%s is not', (a) => {
    expect(isLoopback(a)).toBe(false);
  });
});

describe('qemuListeners (argv as QEMU parses it)', () => {
  it('pairs an option with the next argument and reports network endpoints only', () => {
    const l = qemuListeners(args('-monitor', 'tcp::4444,server=on', '-serial', 'pty', '-qmp', 'unix:/run/q.sock,server', '-gdb', 'tcp:127.0.0.1:1234'));
    expect(l.map((x) => [x.option, x.endpoint, x.loc.line])).toEqual([
      ['-monitor', 'tcp::4444,server=on', 1],
      ['-gdb', 'tcp:127.0.0.1:1234', 7],
    ]);
  });

  it('does not read an option value as an option (-set device.x=-vnc is one value)', () => {
    expect(qemuListeners(args('-set', '-vnc', ':0'))).toEqual([]);
  });

  it('knows -s, --option spelling, -chardev socket with port vs path, udp, -incoming, hostfwd and -display vnc=', () => {
    const l = qemuListeners(
      args('-s', '--chardev', 'socket,id=a,port=7000,host=0.0.0.0,server=on', '-chardev', 'socket,id=b,path=/x', '-chardev', 'udp,id=c,host=1.2.3.4,port=9', '-incoming', 'defer', '-incoming', 'tcp:0:4446', '-nic', 'user,hostfwd=tcp::2222-:22,hostfwd=udp::53-:53', '-display', 'vnc=:3', '-display', 'vnc=unix:/s'),
    );
    expect(l.map((x) => x.endpoint)).toEqual(['tcp::1234', 'tcp:0.0.0.0:7000', 'udp:1.2.3.4:9@:', 'tcp:0:4446', 'hostfwd=tcp::2222-:22 hostfwd=udp::53-:53', 'vnc :3']);
  });

  it('treats an option and value written as one word as QEMU does (an invalid option: nothing opened)', () => {
    expect(qemuListeners(args('-gdb tcp::1234'))).toEqual([]);
    expect(qemuListeners(args('-gdb'))).toEqual([]);
  });
});

describe('deriveSecurityFacts', () => {
  it('lists non-loopback graphics addresses from listen= and <listen>', () => {
    const d = facts(`<devices>
      <graphics type='vnc' listen='0.0.0.0'><listen type='address' address='0.0.0.0'/></graphics>
      <graphics type='spice'><listen type='address' address='127.0.0.1'/><listen type='network' network='default'/></graphics>
      <graphics type='vnc' passwd=''/></devices>`);
    expect(d.graphics.map((g) => g.exposedAddresses)).toEqual([['0.0.0.0'], [], []]);
    expect(d.graphics.map((g) => [g.passwdSet, g.passwdEmpty, g.listenDefault])).toEqual([
      [false, false, false],
      [false, false, false],
      [false, true, true],
    ]);
  });

  it('records qemu namespace blocks by URI with the prefix as written, and ignores the qemu prefix on another URI', () => {
    const d = facts(
      `<q:commandline xmlns:q='${QEMU}'><q:arg value='-s'/><q:env name='A' value='b'/></q:commandline>
       <qemu:commandline><qemu:arg value='-monitor'/><qemu:arg value='tcp::1'/></qemu:commandline>
       <q:override xmlns:q='${QEMU}'><q:device alias='ua-x'/></q:override>`,
      "type='kvm' xmlns:qemu='urn:not-qemu'",
    );
    expect(d.qemu.blocks.map((b) => [b.element, b.prefix, b.entries, b.loc.line])).toEqual([
      ['commandline', 'q', 2, 3],
      ['override', 'q', 1, 5],
    ]);
    expect(d.qemu.listeners.map((l) => l.endpoint)).toEqual(['tcp::1234']);
    expect(d.qemu.ignoredForeign).toHaveLength(1);
  });

  it('recognises UEFI firmware', () => {
    expect(facts("<os firmware='efi'><type>hvm</type></os>").os?.uefi).toBe(true);
    expect(facts("<os><type>hvm</type><loader readonly='yes' type='pflash'>/x/code.fd</loader></os>").os?.uefi).toBe(true);
    expect(facts('<os><type>hvm</type><loader>/usr/share/AAVMF/AAVMF_CODE.fd</loader></os>').os?.uefi).toBe(true);
    expect(facts('<os><type>hvm</type></os>').os?.uefi).toBe(false);
  });
});
