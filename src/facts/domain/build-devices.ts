import { isLoopback } from './derived-sec';
import type { Located } from '../common/facts';
import type { DomainBuildContext } from './build-common';
import type { DomainFacts, HostdevFacts, PciAddress } from './model';
import type {
  DeviceSecurityFacts,
  DiskAccessFacts,
  DiskHostFacts,
  MemLimitFacts,
  NetChardevFacts,
  NetworkSourceFacts,
  RedirfilterFacts,
  UsbdevRuleFacts,
} from './model-devices';
import { scaledToKiB } from '../units';
import { child, childrenNamed, type XmlElement } from '../xml';

/** VIR_DOMAIN_MEMORY_PARAM_UNLIMITED (KiB): libvirt's "no limit" for memtune values. */
export const MEMORY_PARAM_UNLIMITED_KIB = 9007199254740991;

const attr = (el: XmlElement | undefined, name: string): string | null => (el && name in el.attrs ? el.attrs[name] : null);
const located = (el: XmlElement, key: string): Located => ({ loc: el.loc, key });

function memLimit(el: XmlElement | undefined, key: string): MemLimitFacts | null {
  if (!el) return null;
  const unit = attr(el, 'unit');
  const r = scaledToKiB(el.text, unit ?? undefined);
  const kib = r.ok ? r.kib : null;
  return { ...located(el, key), text: el.text, unit, kib, error: r.ok ? null : r.message, unlimited: kib !== null && kib >= MEMORY_PARAM_UNLIMITED_KIB };
}

/** `host:service`, bracketing IPv6 literals; an empty or absent host on a listener means every address. */
function endpoint(host: string | null, service: string | null): string {
  const h = host === null || host.trim() === '' ? 'all addresses' : host.includes(':') ? `[${host}]` : host;
  return `${h}:${service ?? '?'}`;
}

/** The elements whose host side is a libvirt chardev source, with where their `<source>`/`<protocol>` live. */
function chardevHolders(devs: XmlElement[]): { el: XmlElement; holder: XmlElement; type: string | null }[] {
  const out: { el: XmlElement; holder: XmlElement; type: string | null }[] = [];
  for (const d of devs) {
    if (['serial', 'console', 'parallel', 'channel', 'redirdev'].includes(d.local)) out.push({ el: d, holder: d, type: attr(d, 'type') });
    else if (d.local === 'smartcard' && attr(d, 'mode') === 'passthrough') out.push({ el: d, holder: d, type: attr(d, 'type') });
    else if (d.local === 'rng') {
      const b = child(d, 'backend');
      if (b && attr(b, 'model') === 'egd') out.push({ el: d, holder: b, type: attr(b, 'type') });
    }
  }
  return out;
}

function netChardevs(devs: XmlElement[]): NetChardevFacts[] {
  const hasSerial = devs.some((d) => d.local === 'serial');
  const out: NetChardevFacts[] = [];
  const seen = new Map<string, number>();
  for (const { el, holder, type } of chardevHolders(devs)) {
    const n = seen.get(el.local) ?? 0;
    seen.set(el.local, n + 1);
    if (type !== 'tcp' && type !== 'udp') continue;
    const target = child(el, 'target');
    const targetType = attr(target, 'type');
    const targetLabel =
      el.local === 'channel'
        ? attr(target, 'name') ?? targetType ?? 'channel'
        : el.local === 'rng'
          ? 'egd'
          : el.local === 'redirdev'
            ? attr(el, 'bus') ?? 'usb'
            : el.local === 'smartcard'
              ? 'passthrough'
              : `port ${attr(target, 'port') ?? n}`;
    const sources = childrenNamed(holder, 'source');
    const key = `${el.local}[${el.local === 'channel' && attr(target, 'name') ? attr(target, 'name') : `#${n}`}]`;
    const mirrorsSerial = el.local === 'console' && hasSerial && (targetType === null || targetType === 'serial');
    let fact: NetChardevFacts;
    if (type === 'tcp') {
      // libvirt refuses more than one <source> for a TCP chardev; the mode defaults to connect.
      const s = sources[0];
      const mode = attr(s, 'mode') ?? 'connect';
      const host = attr(s, 'host');
      const service = attr(s, 'service');
      // libvirt refuses a bind source without host ("Missing source host attribute"); host='' is accepted and QEMU
      // then listens on every address.
      const listenerExposed = mode === 'bind' && host !== null && (host.trim() === '' || !isLoopback(host));
      fact = {
        ...located(s ?? el, key),
        element: el.local,
        type,
        targetType,
        targetLabel,
        mode,
        protocol: attr(child(holder, 'protocol'), 'type') ?? 'raw',
        host,
        service,
        bindHost: null,
        bindService: null,
        tls: attr(s, 'tls'),
        mirrorsSerial,
        exposedAt: listenerExposed ? endpoint(host, service) : null,
      };
    } else {
      // UDP: the first source of each mode wins (absent mode = connect). QEMU binds the local address (none = all
      // addresses, ephemeral port), connects to the remote (default localhost) and so only reads the peer's datagrams.
      const connect = sources.find((s) => (attr(s, 'mode') ?? 'connect') === 'connect');
      const bind = sources.find((s) => attr(s, 'mode') === 'bind');
      const host = attr(connect, 'host');
      const bindHost = attr(bind, 'host');
      const remoteIsLoopback = host === null || host.trim() === '' || isLoopback(host);
      const localIsLoopback = bindHost !== null && bindHost.trim() !== '' && isLoopback(bindHost);
      fact = {
        ...located(connect ?? bind ?? el, key),
        element: el.local,
        type,
        targetType,
        targetLabel,
        mode: null,
        protocol: null,
        host,
        service: attr(connect, 'service'),
        bindHost,
        bindService: attr(bind, 'service'),
        tls: null,
        mirrorsSerial,
        exposedAt: !remoteIsLoopback && !localIsLoopback ? endpoint(host, attr(connect, 'service')) : null,
      };
    }
    out.push(fact);
  }
  return out;
}

function redirfilter(devs: XmlElement[]): RedirfilterFacts | null {
  const f = devs.find((d) => d.local === 'redirfilter');
  if (!f) return null;
  const wild = (v: string | null) => v === null || v.trim() === '-1';
  const rules: UsbdevRuleFacts[] = childrenNamed(f, 'usbdev').map((u, i) => {
    const r = { class: attr(u, 'class'), vendor: attr(u, 'vendor'), product: attr(u, 'product'), version: attr(u, 'version') };
    return { ...located(u, `redirfilter/usbdev[#${i}]`), ...r, allow: attr(u, 'allow'), matchesAll: wild(r.class) && wild(r.vendor) && wild(r.product) && wild(r.version) };
  });
  return { ...located(f, 'redirfilter'), rules, allowsAll: rules.length === 0 || (rules[0].matchesAll && rules[0].allow === 'yes') };
}

function networkSource(d: XmlElement, key: string): NetworkSourceFacts | null {
  if (attr(d, 'type') !== 'network') return null;
  const s = child(d, 'source');
  if (!s) return null;
  const protocol = attr(s, 'protocol');
  const hosts: DiskHostFacts[] = childrenNamed(s, 'host').map((h, i) => ({
    ...located(h, `${key}/source/host[#${i}]`),
    name: attr(h, 'name'),
    port: attr(h, 'port'),
    transport: attr(h, 'transport') ?? 'tcp',
    socket: attr(h, 'socket'),
  }));
  const remote = hosts.filter((h) => h.transport !== 'unix' && !(h.name !== null && isLoopback(h.name)));
  const authEl = child(s, 'auth') ?? child(d, 'auth');
  return {
    ...located(s, `${key}/source`),
    protocol,
    name: attr(s, 'name'),
    hosts,
    remoteHosts: remote.map((h) => (h.port ? `${h.name ?? '?'}:${h.port}` : h.name ?? '?')),
    local: hosts.length > 0 ? remote.length === 0 : protocol === 'sheepdog',
    tls: attr(s, 'tls'),
    sslVerify: attr(child(s, 'ssl'), 'verify'),
    auth: authEl ? { ...located(authEl, `${key}/auth`), username: attr(authEl, 'username'), secretType: attr(child(authEl, 'secret'), 'type') } : null,
  };
}

/** QEMU's curl block driver cannot write: libvirt opens these sources read-only (auto-read-only). */
const CURL_PROTOCOLS = new Set(['http', 'https', 'ftp', 'ftps', 'tftp']);

function diskAccess(devs: XmlElement[]): DiskAccessFacts[] {
  return devs
    .filter((d) => d.local === 'disk')
    .map((d, i) => {
      const dev = attr(child(d, 'target'), 'dev');
      const key = `disk[${dev ?? `#${i}`}]`;
      const device = attr(d, 'device') ?? 'disk';
      const drv = child(d, 'driver');
      return {
        ...located(d, key),
        dev,
        type: attr(d, 'type'),
        device,
        readonly: child(d, 'readonly') !== undefined || device === 'cdrom' || CURL_PROTOCOLS.has(attr(child(d, 'source'), 'protocol') ?? ''),
        transient: child(d, 'transient') !== undefined,
        driver: drv ? { ...located(drv, `${key}/driver`), cache: attr(drv, 'cache') } : null,
        network: networkSource(d, key),
      };
    });
}

/**
 * Builds the DeviceSecurityFacts of a domain from its root element and the children of its first `<devices>`
 * (elements in no namespace). Pure; never throws on bad input.
 */
export function buildDeviceSecurityFacts(root: XmlElement, devs: XmlElement[]): DeviceSecurityFacts {
  const locked = child(child(root, 'memoryBacking'), 'locked');
  const mt = child(root, 'memtune');
  return {
    memoryLocked: locked ? located(locked, 'memoryBacking/locked') : null,
    memtune: mt
      ? {
          ...located(mt, 'memtune'),
          hardLimit: memLimit(child(mt, 'hard_limit'), 'memtune/hard_limit'),
          softLimit: memLimit(child(mt, 'soft_limit'), 'memtune/soft_limit'),
          swapHardLimit: memLimit(child(mt, 'swap_hard_limit'), 'memtune/swap_hard_limit'),
        }
      : null,
    netChardevs: netChardevs(devs),
    redirdevs: devs.filter((d) => d.local === 'redirdev').map((r, i) => ({ ...located(r, `redirdev[#${i}]`), bus: attr(r, 'bus'), type: attr(r, 'type') })),
    redirfilter: redirfilter(devs),
    diskAccess: diskAccess(devs),
  };
}

/** libvirt parses PCI address parts with strtol base 0: `0x1f` hex, `010` octal, `16` decimal. */
function base0(text: string | null): number | null {
  if (text === null) return null;
  const t = text.trim();
  let n: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) n = parseInt(t.slice(2), 16);
  else if (/^0[0-7]+$/.test(t)) n = parseInt(t, 8);
  else if (/^0\d+$/.test(t)) return null; // strtol base 0 stops at the 8/9 of '081': libvirt refuses it
  else if (/^\d+$/.test(t)) n = parseInt(t, 10);
  else return null;
  return n <= 0xffffffff ? n : null;
}

export function pciAddress(el: XmlElement): PciAddress {
  const domain = base0(attr(el, 'domain') ?? '0');
  const bus = base0(attr(el, 'bus'));
  const slot = base0(attr(el, 'slot'));
  const fn = base0(attr(el, 'function') ?? '0');
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  const bdf = domain !== null && bus !== null && slot !== null && fn !== null ? `${hex(domain, 4)}:${hex(bus, 2)}:${hex(slot, 2)}.${fn.toString(16)}` : null;
  return { domain, bus, slot, function: fn, bdf, text: { ...el.attrs } };
}

/**
 * The listeners of a <graphics> element as libvirt 9.0 parses them (virDomainGraphicsListensParseXML): the
 * <listen> children; without any, one listener from the legacy `listen=` attribute (empty = none given) or, for
 * VNC, `socket=`; a VNC `socket=` attribute replaces a first address/network <listen> by a UNIX socket.
 */
function graphicsListens(g: XmlElement): { type: string; address: string | null }[] {
  const fromElements = childrenNamed(g, 'listen').map((l) => ({ type: attr(l, 'type') ?? 'address', address: attr(l, 'address') || null }));
  const socket = attr(g, 'type') === 'vnc' ? attr(g, 'socket') : null;
  const legacy = socket !== null ? { type: 'socket', address: null } : { type: 'address', address: attr(g, 'listen') || null };
  if (fromElements.length === 0) return [legacy];
  if (socket !== null && (fromElements[0].type === 'address' || fromElements[0].type === 'network')) fromElements[0] = legacy;
  return fromElements;
}

/** Domain facts, devices area: disks, controllers, hostdevs, graphics, TPMs, channels (libvirt's <devices> children). */
export function buildDevices(ctx: DomainBuildContext, devices: XmlElement | undefined) {
  const { count } = ctx;
  // <devices>
  const devs = devices ? devices.children.filter((c) => c.ns === '') : [];
  const of = (local: string) => devs.filter((d) => d.local === local);
  const disks: DomainFacts['disks'] = of('disk').map((d, i) => {
    const t = child(d, 'target');
    const s = child(d, 'source');
    const drv = child(d, 'driver');
    const dev = attr(t, 'dev');
    return {
      ...located(d, `disk[${dev ?? `#${i}`}]`),
      type: attr(d, 'type'),
      device: attr(d, 'device') ?? 'disk',
      bus: attr(t, 'bus'),
      busEffective: null,
      dev,
      rawio: attr(d, 'rawio'),
      sgio: attr(d, 'sgio'),
      shareable: child(d, 'shareable') !== undefined,
      source: { file: attr(s, 'file'), dev: attr(s, 'dev'), protocol: attr(s, 'protocol'), name: attr(s, 'name') },
      driver: drv
        ? { ...located(drv, `disk[${dev ?? `#${i}`}]/driver`), name: attr(drv, 'name'), type: attr(drv, 'type'), cache: attr(drv, 'cache'), io: attr(drv, 'io'), iothread: count(drv, attr(drv, 'iothread'), 'disk driver iothread'), iothreadText: attr(drv, 'iothread') }
        : null,
    };
  });
  const controllers: DomainFacts['controllers'] = of('controller').map((c) => {
    const drv = child(c, 'driver');
    const key = `controller[${attr(c, 'type')}:${attr(c, 'index') ?? '0'}]`;
    return {
      ...located(c, key),
      type: attr(c, 'type'),
      model: attr(c, 'model'),
      index: attr(c, 'index'),
      driver: drv ? { ...located(drv, `${key}/driver`), iothread: count(drv, attr(drv, 'iothread'), 'controller driver iothread'), iothreadText: attr(drv, 'iothread') } : null,
    };
  });
  const hostdevs: HostdevFacts[] = of('hostdev').map((h, i) => {
    const srcAddr = child(child(h, 'source'), 'address');
    const source = srcAddr ? { ...located(srcAddr, ''), ...pciAddress(srcAddr) } : null;
    const key = `hostdev[${source?.bdf ?? `#${i}`}]`;
    if (source) source.key = `${key}/source`;
    const numaEl = child(h, 'numa');
    return {
      ...located(h, key),
      mode: attr(h, 'mode'),
      type: attr(h, 'type'),
      managed: attr(h, 'managed'),
      driverName: attr(child(h, 'driver'), 'name'),
      source,
      alias: attr(child(h, 'alias'), 'name'),
      numa: numaEl ? { ...located(numaEl, `${key}/numa`), node: attr(numaEl, 'node') } : null,
    };
  });
  const graphics: DomainFacts['graphics'] = of('graphics').map((g, i) => {
    const listens = graphicsListens(g);
    const addresses = new Set<string>();
    for (const l of listens) if (l.type === 'address' && l.address !== null) addresses.add(l.address);
    const passwd = attr(g, 'passwd');
    return {
      ...located(g, `graphics[${attr(g, 'type') ?? '?'}#${i}]`),
      type: attr(g, 'type'),
      port: attr(g, 'port'),
      autoport: attr(g, 'autoport'),
      listenAddresses: [...addresses],
      listenTypes: listens.map((l) => l.type),
      listenDefault: listens.every((l) => l.type === 'address' && l.address === null),
      exposedAddresses: [],
      passwdSet: passwd !== null && passwd !== '',
      passwdEmpty: passwd === '',
      passwdLength: passwd === null ? 0 : passwd.length,
      passwdValidTo: attr(g, 'passwdValidTo'),
      tlsPort: attr(g, 'tlsPort'),
      defaultMode: attr(g, 'defaultMode'),
    };
  });
  const tpms: DomainFacts['tpms'] = of('tpm').map((t, i) => {
    const b = child(t, 'backend');
    return {
      ...located(t, `tpm[#${i}]`),
      model: attr(t, 'model'),
      backendType: attr(b, 'type'),
      backendVersion: attr(b, 'version'),
      encrypted: child(b, 'encryption') !== undefined,
      effectiveModel: null,
      effectiveVersion: null,
      duplicateOf: null,
    };
  });
  const channels: DomainFacts['channels'] = of('channel').map((c, i) => {
    const t = child(c, 'target');
    return { ...located(c, `channel[${attr(t, 'name') ?? `#${i}`}]`), type: attr(c, 'type'), targetType: attr(t, 'type'), targetName: attr(t, 'name') };
  });
  return { devs, disks, controllers, hostdevs, graphics, tpms, channels };
}
