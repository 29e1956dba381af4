import { isLoopback } from './derived-sec';
import type { Located } from '../common/facts';
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
