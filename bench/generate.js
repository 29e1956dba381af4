'use strict';
/**
 * Deterministic generator of realistic libvirt domain XMLs for `npm run bench`.
 *
 * Each document is built from its own PRNG stream (seed, index), so file N is the same whatever the count and
 * whichever process writes it. Documents look like `virsh dumpxml` output of KVM guests (inactive and, for ~1 in
 * 8, live: `id=`, aliases, labels), with the elements the domain rules read: disks, interfaces, controllers,
 * cputune (vcpupin/emulatorpin/iothreadpin, sometimes cachetune/memorytune), numatune, hostdev, tpm, seclabel,
 * graphics, channels, memoryBacking, qemu:commandline. A share of them carries the mistakes the rules look for
 * (overlapping pins, VNC on 0.0.0.0 without password, seclabel none, ...), and 1 in 500 is not well-formed.
 * Sizes are 6–10 KB: pcie-root-port controllers (as virt-manager adds them) pad each document to its target size.
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

/** Documents are regenerated whenever this file changes. */
const GENERATOR_VERSION = crypto.createHash('sha256').update(fs.readFileSync(__filename)).digest('hex').slice(0, 16);
const MIN_BYTES = 6 * 1024;
const MAX_BYTES = 10 * 1024;

/** mulberry32: tiny, fast, good enough for test data; seeded per document. */
function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (arr) => arr[Math.floor(next() * arr.length)];
  const chance = (p) => next() < p;
  const hex = (n) => {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[int(0, 15)];
    return s;
  };
  return { next, int, pick, chance, hex };
}

function docSeed(seed, index) {
  return crypto.createHash('sha256').update(`${seed}:${index}`).digest().readUInt32LE(0);
}

const cpulist = (cpus) => {
  const s = [...new Set(cpus)].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    out.push(j > i ? `${s[i]}-${s[j]}` : `${s[i]}`);
    i = j + 1;
  }
  return out.join(',');
};

const OS_IDS = ['http://debian.org/debian/12', 'http://redhat.com/rhel/9.4', 'http://openeuler.org/openeuler/22.03', 'http://ubuntu.com/ubuntu/24.04', 'http://microsoft.com/win/2k22'];
const MACHINES = ['pc-q35-7.2', 'pc-q35-8.2', 'pc-i440fx-7.2', 'virt-7.2', 'pc-q35-rhel9.4.0'];

/** One domain document as a string. `r` is this document's PRNG; `i` its index (for names). */
function domainXml(r, i) {
  const live = r.chance(0.125);
  const arm = r.chance(0.15);
  const name = `${r.pick(['web', 'db', 'cache', 'build', 'nfv', 'vdi', 'batch', 'edge'])}-${String(i).padStart(5, '0')}`;
  const uuid = `${r.hex(8)}-${r.hex(4)}-4${r.hex(3)}-${r.pick(['8', '9', 'a', 'b'])}${r.hex(3)}-${r.hex(12)}`;
  const vcpus = r.pick([2, 2, 4, 4, 4, 8, 8, 16, 32]);
  const memGiB = r.pick([2, 4, 8, 16, 32, 64]);
  const hostCpus = 64;
  const numaHost = r.pick([1, 2, 2, 4]);
  const iothreads = r.pick([0, 0, 1, 2, 4]);
  const hugepages = r.chance(0.35);
  const pinned = r.chance(0.6);
  const guestNuma = vcpus >= 8 && r.chance(0.5);
  const L = [];
  const ind = (n) => '  '.repeat(n);
  const push = (n, s) => L.push(ind(n) + s);

  push(0, `<domain type='kvm'${live ? ` id='${r.int(1, 400)}'` : ''}${r.chance(0.1) ? " xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'" : ''}>`);
  push(1, `<name>${name}</name>`);
  push(1, `<uuid>${uuid}</uuid>`);
  push(1, `<title>${name} (${r.pick(['production', 'staging', 'test'])})</title>`);
  push(1, '<metadata>');
  push(2, "<libosinfo:libosinfo xmlns:libosinfo='http://libosinfo.org/xmlns/libvirt/domain/1.0'>");
  push(3, `<libosinfo:os id='${r.pick(OS_IDS)}'/>`);
  push(2, '</libosinfo:libosinfo>');
  push(1, '</metadata>');
  push(1, `<memory unit='KiB'>${memGiB * 1048576}</memory>`);
  push(1, `<currentMemory unit='KiB'>${memGiB * 1048576 - (r.chance(0.2) ? 524288 : 0)}</currentMemory>`);
  if (hugepages || r.chance(0.2)) {
    push(1, '<memoryBacking>');
    if (hugepages) {
      push(2, '<hugepages>');
      const size = r.pick([['2048', 'KiB'], ['1', 'GiB'], ['1048576', 'KiB'], ['2', 'M']]);
      push(3, `<page size='${size[0]}' unit='${size[1]}'${guestNuma && r.chance(0.5) ? " nodeset='0'" : ''}/>`);
      push(2, '</hugepages>');
    }
    if (r.chance(0.3)) push(2, '<nosharepages/>');
    if (r.chance(0.3)) push(2, '<locked/>');
    if (r.chance(0.2)) push(2, "<source type='memfd'/>");
    if (r.chance(0.2)) push(2, "<access mode='shared'/>");
    push(1, '</memoryBacking>');
  }
  const cpuBase = r.int(0, 3) * 16;
  push(1, `<vcpu placement='static'${r.chance(0.3) ? ` cpuset='${cpuBase}-${cpuBase + 15}'` : ''}${r.chance(0.1) ? ` current='${Math.max(1, vcpus / 2)}'` : ''}>${vcpus}</vcpu>`);
  if (iothreads) {
    push(1, `<iothreads>${iothreads}</iothreads>`);
    if (r.chance(0.4)) {
      push(1, '<iothreadids>');
      for (let t = 1; t <= iothreads; t++) push(2, `<iothread id='${t}'/>`);
      push(1, '</iothreadids>');
    }
  }
  if (pinned || iothreads) {
    push(1, '<cputune>');
    if (r.chance(0.4)) push(2, `<shares>${r.pick([1024, 2048, 4096])}</shares>`);
    const overlap = r.chance(0.1);
    if (pinned) for (let v = 0; v < vcpus; v++) push(2, `<vcpupin vcpu='${v}' cpuset='${cpuBase + 4 + (overlap && v === 1 ? 0 : v)}'/>`);
    push(2, `<emulatorpin cpuset='${r.chance(0.15) ? cpuBase + 4 : cpuBase}-${cpuBase + 1}'/>`);
    for (let t = 1; t <= iothreads; t++) push(2, `<iothreadpin iothread='${t}' cpuset='${cpuBase + 2 + (t % 2)}'/>`);
    if (r.chance(0.1)) {
      push(2, `<cachetune vcpus='0-${vcpus - 1}'>`);
      push(3, `<cache id='0' level='3' type='${r.pick(['both', 'code', 'data', 'priority'])}' size='${r.pick([3, 6])}' unit='MiB'/>`);
      push(2, '</cachetune>');
      if (r.chance(0.5)) {
        push(2, `<memorytune${r.chance(0.8) ? ` vcpus='0-${vcpus - 1}'` : ''}>`);
        push(3, `<node id='0' bandwidth='${r.pick([20, 50, 60])}'/>`);
        push(2, '</memorytune>');
      }
    }
    push(1, '</cputune>');
  }
  if (guestNuma || r.chance(0.3)) {
    push(1, '<numatune>');
    push(2, `<memory mode='${r.pick(['strict', 'strict', 'preferred', 'interleave', 'restrictive'])}' nodeset='${r.chance(0.5) ? '0' : cpulist([0, numaHost - 1])}'/>`);
    if (r.chance(0.4)) push(2, `<memnode cellid='0' mode='strict' nodeset='${r.int(0, numaHost - 1)}'/>`);
    push(1, '</numatune>');
  }
  push(1, '<resource>');
  push(2, '<partition>/machine</partition>');
  push(1, '</resource>');
  push(1, '<os>');
  push(2, `<type arch='${arm ? 'aarch64' : 'x86_64'}' machine='${arm ? 'virt-7.2' : r.pick(MACHINES)}'>hvm</type>`);
  if (arm || r.chance(0.4)) {
    push(2, `<loader readonly='yes' type='pflash'>/usr/share/${arm ? 'AAVMF/AAVMF_CODE.fd' : 'OVMF/OVMF_CODE_4M.secboot.fd'}</loader>`);
    push(2, `<nvram>/var/lib/libvirt/qemu/nvram/${name}_VARS.fd</nvram>`);
  }
  push(2, `<boot dev='${r.pick(['hd', 'hd', 'network', 'cdrom'])}'/>`);
  if (r.chance(0.3)) push(2, "<bootmenu enable='no'/>");
  push(1, '</os>');
  push(1, '<features>');
  push(2, '<acpi/>');
  if (!arm) push(2, '<apic/>');
  if (!arm && r.chance(0.5)) push(2, "<vmport state='off'/>");
  if (r.chance(0.4)) {
    push(2, '<kvm>');
    push(3, `<hint-dedicated state='${r.pick(['on', 'off'])}'/>`);
    if (r.chance(0.5)) push(3, `<poll-control state='${r.pick(['on', 'off'])}'/>`);
    push(2, '</kvm>');
  }
  if (r.chance(0.3)) push(2, `<pvspinlock state='${r.pick(['on', 'off'])}'/>`);
  if (arm) push(2, "<gic version='3'/>");
  push(1, '</features>');
  const cpuMode = arm ? 'host-passthrough' : r.pick(['host-passthrough', 'host-model', 'custom']);
  push(1, `<cpu mode='${cpuMode}' check='${r.pick(['none', 'partial'])}'${cpuMode === 'custom' ? " match='exact'" : ''}>`);
  if (cpuMode === 'custom') push(2, `<model fallback='forbid'>${r.pick(['Skylake-Server-IBRS', 'Cascadelake-Server', 'EPYC-Milan'])}</model>`);
  if (r.chance(0.6)) {
    const threads = r.pick([1, 2]);
    const sockets = guestNuma ? 2 : 1;
    const cores = vcpus / threads / sockets;
    const wrong = r.chance(0.08);
    push(2, `<topology sockets='${sockets}'${r.chance(0.2) ? " dies='1'" : ''}${r.chance(0.03) ? " clusters='1'" : ''} cores='${wrong ? cores + 1 : cores}' threads='${threads}'/>`);
  }
  if (cpuMode === 'custom' && r.chance(0.5)) push(2, "<feature policy='require' name='pcid'/>");
  if (guestNuma) {
    push(2, '<numa>');
    const half = vcpus / 2;
    push(3, `<cell id='0' cpus='0-${half - 1}' memory='${(memGiB * 1048576) / 2}' unit='KiB'/>`);
    push(3, `<cell id='1' cpus='${half}-${vcpus - 1}' memory='${(memGiB * 1048576) / 2}' unit='KiB'/>`);
    push(2, '</numa>');
  }
  push(1, '</cpu>');
  push(1, `<clock offset='${arm ? 'utc' : r.pick(['utc', 'utc', 'localtime'])}'>`);
  push(2, "<timer name='rtc' tickpolicy='catchup'/>");
  push(2, "<timer name='pit' tickpolicy='delay'/>");
  push(2, "<timer name='hpet' present='no'/>");
  push(1, '</clock>');
  push(1, '<on_poweroff>destroy</on_poweroff>');
  push(1, '<on_reboot>restart</on_reboot>');
  push(1, '<on_crash>destroy</on_crash>');
  push(1, '<pm>');
  push(2, "<suspend-to-mem enabled='no'/>");
  push(2, "<suspend-to-disk enabled='no'/>");
  push(1, '</pm>');
  push(1, '<devices>');
  push(2, `<emulator>${r.pick(['/usr/bin/qemu-system-x86_64', '/usr/libexec/qemu-kvm', '/usr/bin/kvm'])}</emulator>`);

  const alias = (n, a) => {
    if (live) push(n, `<alias name='${a}'/>`);
  };
  const pciAddr = (n, bus = r.int(1, 8)) => push(n, `<address type='pci' domain='0x0000' bus='0x${bus.toString(16).padStart(2, '0')}' slot='0x00' function='0x0'/>`);
  const disks = r.int(1, 4);
  const letters = 'abcdefgh';
  for (let d = 0; d < disks; d++) {
    const kind = r.pick(['file', 'file', 'file', 'block', 'network']);
    const bus = r.pick(['virtio', 'virtio', 'virtio', 'scsi', 'sata']);
    const dev = `${bus === 'virtio' ? 'vd' : 'sd'}${letters[d]}`;
    const lun = kind === 'block' && bus === 'scsi' && r.chance(0.3);
    push(2, `<disk type='${kind}' device='${lun ? "lun' sgio='unfiltered' rawio='yes" : 'disk'}'>`);
    const io = r.pick(['native', 'threads', 'io_uring']);
    const cache = io === 'native' ? 'none' : r.pick(['none', 'writeback', 'directsync']);
    push(3, `<driver name='qemu' type='${kind === 'block' ? 'raw' : r.pick(['qcow2', 'raw'])}' cache='${cache}' io='${io}'${iothreads && bus === 'virtio' && r.chance(0.7) ? ` iothread='${r.int(1, iothreads + (r.chance(0.05) ? 1 : 0))}'` : ''} discard='unmap'/>`);
    if (kind === 'file') push(3, `<source file='/var/lib/libvirt/images/${name}-${d}.${r.pick(['qcow2', 'img'])}'${live ? " index='" + (d + 1) + "'" : ''}/>`);
    else if (kind === 'block') push(3, `<source dev='/dev/disk/by-id/wwn-0x5000c500${r.hex(8)}'/>`);
    else {
      push(3, `<source protocol='rbd' name='pool-${r.int(1, 3)}/${name}-disk${d}'>`);
      push(4, `<host name='ceph-mon${r.int(1, 3)}.example.net' port='6789'/>`);
      push(3, '</source>');
      push(3, "<auth username='libvirt'>");
      push(4, `<secret type='ceph' uuid='${uuid}'/>`);
      push(3, '</auth>');
    }
    push(3, `<target dev='${dev}' bus='${bus}'/>`);
    if (d === 0) push(3, "<boot order='1'/>");
    if (r.chance(0.2)) push(3, '<shareable/>');
    alias(3, `${bus}-disk${d}`);
    if (bus === 'virtio') pciAddr(3);
    else push(3, `<address type='drive' controller='0' bus='0' target='0' unit='${d}'/>`);
    push(2, '</disk>');
  }
  if (r.chance(0.4)) {
    push(2, "<disk type='file' device='cdrom'>");
    push(3, "<driver name='qemu' type='raw'/>");
    push(3, `<target dev='sd${letters[disks]}' bus='sata'/>`);
    push(3, '<readonly/>');
    push(3, `<address type='drive' controller='0' bus='0' target='0' unit='${disks}'/>`);
    push(2, '</disk>');
  }
  push(2, `<controller type='usb' index='0' model='${r.pick(['qemu-xhci', 'ich9-ehci1', 'none'])}'>`);
  alias(3, 'usb');
  pciAddr(3);
  push(2, '</controller>');
  push(2, `<controller type='pci' index='0' model='${arm || r.chance(0.7) ? 'pcie-root' : 'pci-root'}'/>`);
  push(2, "<controller type='sata' index='0'/>");
  if (r.chance(0.5)) {
    push(2, "<controller type='scsi' index='0' model='virtio-scsi'>");
    if (iothreads) push(3, `<driver iothread='${r.int(1, iothreads)}' queues='${vcpus}'/>`);
    pciAddr(3);
    push(2, '</controller>');
  }
  push(2, "<controller type='virtio-serial' index='0'>");
  pciAddr(3);
  push(2, '</controller>');

  const nics = r.int(1, 3);
  for (let n = 0; n < nics; n++) {
    const kind = r.pick(['network', 'bridge', 'direct']);
    push(2, `<interface type='${kind}'>`);
    push(3, `<mac address='52:54:00:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}'/>`);
    if (kind === 'network') push(3, `<source network='${r.pick(['default', 'prod', 'storage'])}'${live ? ` portid='${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}' bridge='virbr${n}'` : ''}/>`);
    else if (kind === 'bridge') push(3, `<source bridge='br${r.int(0, 3)}'/>`);
    else push(3, `<source dev='ens${r.int(1, 4)}f${r.int(0, 1)}' mode='${r.pick(['bridge', 'vepa', 'passthrough'])}'/>`);
    if (live) push(3, `<target dev='vnet${r.int(0, 300)}'/>`);
    push(3, "<model type='virtio'/>");
    if (r.chance(0.5)) push(3, `<driver name='vhost' queues='${Math.min(vcpus, 8)}'/>`);
    if (r.chance(0.3)) push(3, `<mtu size='${r.pick([1500, 9000])}'/>`);
    alias(3, `net${n}`);
    pciAddr(3);
    push(2, '</interface>');
  }
  const hostdevs = r.pick([0, 0, 0, 1, 2]);
  for (let h = 0; h < hostdevs; h++) {
    push(2, `<hostdev mode='subsystem' type='pci' managed='${r.pick(['yes', 'yes', 'no'])}'>`);
    if (r.chance(0.8)) push(3, `<driver name='${r.pick(['vfio', 'vfio', 'kvm'])}'/>`);
    push(3, '<source>');
    const busText = r.chance(0.05) ? '081' : `0x${r.int(0x3b, 0x86).toString(16)}`;
    push(4, `<address domain='0x0000' bus='${busText}' slot='0x${r.int(0, 31).toString(16).padStart(2, '0')}' function='0x${r.int(0, 7)}'/>`);
    push(3, '</source>');
    alias(3, `hostdev${h}`);
    pciAddr(3);
    push(2, '</hostdev>');
  }
  push(2, "<serial type='pty'>");
  push(3, "<target type='isa-serial' port='0'>");
  push(4, "<model name='isa-serial'/>");
  push(3, '</target>');
  alias(3, 'serial0');
  push(2, '</serial>');
  push(2, "<console type='pty'>");
  push(3, "<target type='serial' port='0'/>");
  push(2, '</console>');
  if (r.chance(0.8)) {
    push(2, "<channel type='unix'>");
    push(3, live ? `<source mode='bind' path='/run/libvirt/qemu/channel/${i}-${name}/org.qemu.guest_agent.0'/>` : "<source mode='bind'/>");
    push(3, `<target type='virtio' name='org.qemu.guest_agent.0'${live ? " state='connected'" : ''}/>`);
    alias(3, 'channel0');
    push(3, "<address type='virtio-serial' controller='0' bus='0' port='1'/>");
    push(2, '</channel>');
  }
  const gtype = r.pick(['vnc', 'vnc', 'spice', 'headless']);
  if (gtype === 'spice') {
    push(2, "<channel type='spicevmc'>");
    push(3, "<target type='virtio' name='com.redhat.spice.0'/>");
    push(3, "<address type='virtio-serial' controller='0' bus='0' port='2'/>");
    push(2, '</channel>');
  }
  push(2, "<input type='tablet' bus='usb'>");
  push(3, "<address type='usb' bus='0' port='1'/>");
  push(2, '</input>');
  push(2, "<input type='mouse' bus='ps2'/>");
  push(2, "<input type='keyboard' bus='ps2'/>");
  if (gtype !== 'headless') {
    const listen = r.pick(['127.0.0.1', '0.0.0.0', '::', '10.0.0.5', null]);
    const passwd = r.chance(0.3) ? ` passwd='${r.hex(12)}'` : '';
    push(2, `<graphics type='${gtype}' port='${live ? 5900 + r.int(0, 99) : -1}' autoport='yes'${listen ? ` listen='${listen}'` : ''}${passwd}>`);
    if (listen) push(3, `<listen type='address' address='${listen}'/>`);
    else if (r.chance(0.3)) push(3, "<listen type='none'/>");
    if (gtype === 'spice') push(3, "<image compression='off'/>");
    push(2, '</graphics>');
  }
  push(2, '<video>');
  push(3, `<model type='${r.pick(['virtio', 'qxl', 'vga', 'cirrus'])}' heads='1' primary='yes'/>`);
  alias(3, 'video0');
  pciAddr(3, 0);
  push(2, '</video>');
  if (r.chance(0.5)) {
    push(2, `<tpm model='${arm ? 'tpm-tis' : r.pick(['tpm-crb', 'tpm-tis'])}'>`);
    const emulator = r.chance(0.9);
    push(3, `<backend type='${emulator ? 'emulator' : 'passthrough'}'${emulator ? ` version='${r.pick(['2.0', '2.0', '1.2'])}'` : ''}>`);
    if (emulator && r.chance(0.3)) push(4, `<encryption secret='${uuid}'/>`);
    if (!emulator) push(4, "<device path='/dev/tpm0'/>");
    push(3, '</backend>');
    alias(3, 'tpm0');
    push(2, '</tpm>');
  }
  push(2, `<memballoon model='${r.pick(['virtio', 'virtio', 'none'])}'>`);
  if (r.chance(0.5)) push(3, "<stats period='10'/>");
  pciAddr(3);
  push(2, '</memballoon>');
  if (r.chance(0.6)) {
    push(2, "<rng model='virtio'>");
    push(3, "<backend model='random'>/dev/urandom</backend>");
    pciAddr(3);
    push(2, '</rng>');
  }
  // Padding to the target size: pcie-root-port controllers, as virt-manager writes them.
  const target = r.int(MIN_BYTES + 200, MAX_BYTES - 600);
  const tail = [];
  const pushTail = (n, s) => tail.push(ind(n) + s);
  pushTail(1, '</devices>');
  const seclabel = r.pick(['selinux-dynamic', 'selinux-dynamic', 'dac', 'none', 'apparmor']);
  if (seclabel === 'none') pushTail(1, "<seclabel type='none' model='none'/>");
  else if (seclabel === 'dac') {
    pushTail(1, "<seclabel type='static' model='dac' relabel='yes'>");
    pushTail(2, '<label>+107:+107</label>');
    pushTail(1, '</seclabel>');
  } else if (seclabel === 'apparmor') {
    pushTail(1, `<seclabel type='dynamic' model='apparmor' relabel='yes'${live ? '' : '/'}>`);
    if (live) {
      pushTail(2, `<label>libvirt-${uuid}</label>`);
      pushTail(2, `<imagelabel>libvirt-${uuid}</imagelabel>`);
      pushTail(1, '</seclabel>');
    }
  } else if (live) {
    const c = `c${r.int(0, 1023)},c${r.int(0, 1023)}`;
    pushTail(1, "<seclabel type='dynamic' model='selinux' relabel='yes'>");
    pushTail(2, `<label>system_u:system_r:svirt_t:s0:${c}</label>`);
    pushTail(2, `<imagelabel>system_u:object_r:svirt_image_t:s0:${c}</imagelabel>`);
    pushTail(1, '</seclabel>');
    pushTail(1, "<seclabel type='dynamic' model='dac' relabel='yes'>");
    pushTail(2, '<label>+107:+107</label>');
    pushTail(2, '<imagelabel>+107:+107</imagelabel>');
    pushTail(1, '</seclabel>');
  } else pushTail(1, "<seclabel type='dynamic' model='selinux' relabel='yes'/>");
  if (L[0].includes('xmlns:qemu')) {
    pushTail(1, '<qemu:commandline>');
    pushTail(2, `<qemu:arg value='${r.pick(['-set', '-device'])}'/>`);
    pushTail(2, `<qemu:arg value='${r.pick(['device.hostdev0.x-msix-relocation=bar2', 'vfio-pci,host=81:00.1,x-msix-relocation=bar2'])}'/>`);
    pushTail(2, `<qemu:env name='QEMU_AUDIO_DRV' value='none'/>`);
    pushTail(1, '</qemu:commandline>');
  }
  pushTail(0, '</domain>');
  const size = (arr) => arr.reduce((n, s) => n + s.length + 1, 0);
  let used = size(L) + size(tail);
  let port = 1;
  while (used < target) {
    const block = [
      `${ind(2)}<controller type='pci' index='${port}' model='pcie-root-port'>`,
      `${ind(3)}<model name='pcie-root-port'/>`,
      `${ind(3)}<target chassis='${port}' port='0x${(0x10 + port - 1).toString(16)}'/>`,
      ...(live ? [`${ind(3)}<alias name='pci.${port}'/>`] : []),
      `${ind(3)}<address type='pci' domain='0x0000' bus='0x00' slot='0x0${2 + (port >> 3)}' function='0x${(port - 1) & 7}'${port % 8 === 1 ? " multifunction='on'" : ''}/>`,
      `${ind(2)}</controller>`,
    ];
    L.push(...block);
    used += size(block);
    port++;
  }
  let xml = L.concat(tail).join('\n') + '\n';
  // 1 in 500: a hand-edit gone wrong (an element left open), as in the guide's NUMA example.
  if (i % 500 === 499) xml = xml.replace('</cpu>\n', '\n');
  return xml;
}

/** Writes `count` documents to `dir` (reusing them when the manifest says they are the same). Returns the paths. */
function generate({ dir, count, seed }) {
  const manifestPath = path.join(dir, 'manifest.json');
  const want = { generator: GENERATOR_VERSION, seed, count };
  const names = Array.from({ length: count }, (_, i) => `vm-${String(i).padStart(5, '0')}.xml`);
  try {
    const have = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
    if (have.generator === want.generator && have.seed === seed && have.count === count && names.every((n) => fs.existsSync(path.join(dir, n)))) {
      return { files: names.map((n) => path.join(dir, n)), stats: have.stats, reused: true };
    }
  } catch {
    /* regenerate */
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  let min = Infinity;
  let max = 0;
  let total = 0;
  const hash = crypto.createHash('sha256');
  names.forEach((n, i) => {
    const xml = domainXml(prng(docSeed(seed, i)), i);
    const bytes = Buffer.byteLength(xml);
    min = Math.min(min, bytes);
    max = Math.max(max, bytes);
    total += bytes;
    hash.update(xml);
    fs.writeFileSync(path.join(dir, n), xml);
  });
  const stats = { minBytes: min, maxBytes: max, meanBytes: Math.round(total / count), totalBytes: total, sha256: hash.digest('hex') };
  fs.writeFileSync(manifestPath, JSON.stringify({ ...want, stats }, null, 2) + '\n');
  return { files: names.map((n) => path.join(dir, n)), stats, reused: false };
}

module.exports = { generate, domainXml, prng, docSeed, MIN_BYTES, MAX_BYTES };

if (require.main === module) {
  const dir = process.argv[2] ?? path.join(__dirname, '..', '.bench', 'domains');
  const count = Number(process.argv[3] ?? 10000);
  const seed = Number(process.argv[4] ?? 1);
  const r = generate({ dir, count, seed });
  process.stdout.write(`${r.reused ? 'reused' : 'wrote'} ${count} domains in ${dir}: ${JSON.stringify(r.stats)}\n`);
}
