import { isIPv6 } from 'node:net';
import type { DomainFacts, QemuArgFacts, QemuListenerFacts } from './model';

/**
 * Derived facts for the security rules: which graphics listeners are reachable from the network, and which
 * `<qemu:arg>` sequences make QEMU open a network endpoint (monitor/QMP/gdb/serial over TCP, VNC, SPICE,
 * migration, user-mode host forwarding...). Fills the fields in place; pure otherwise.
 */

/** True for an address only the host itself can reach: 127.0.0.0/8, ::1 (also IPv4-mapped), `localhost`. */
export function isLoopback(address: string): boolean {
  const a = address.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (a === 'localhost' || a === 'localhost.localdomain' || a === 'ip6-localhost') return true;
  const v4 = a.replace(/^::ffff:/, '');
  if (/^127(\.\d{1,3}){0,3}$/.test(v4)) return true;
  // Every IPv6 address has a ':'; the test spares node:net's IPv6 regex, whose first use costs ~5 ms (start-up).
  if (a.includes(':') && isIPv6(a)) {
    // ::1 in any spelling (0:0:0:0:0:0:0:1, ::0001)
    const [head, tail] = a.includes('::') ? a.split('::') : [a, ''];
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t].map((x) => parseInt(x, 16));
    return groups.length === 8 && groups.slice(0, 7).every((x) => x === 0) && groups[7] === 1;
  }
  return false;
}

/** Options whose value is a QEMU character device spec (legacy `-serial tcp:...` syntax). */
const CHARDEV_OPTIONS = new Set(['monitor', 'qmp', 'qmp-pretty', 'serial', 'parallel', 'debugcon', 'gdb']);

/**
 * The network endpoint a legacy chardev spec opens, or null: `tcp:[host]:port[,server=on…]`, `telnet:`,
 * `websocket:`, `udp:[remote]:port[@[src]:port]`. Unix sockets, files, pty, stdio, vc, none are local.
 */
function legacyChardevEndpoint(spec: string): string | null {
  const m = /^(tcp|telnet|tn3270|websocket|udp):(.*)$/i.exec(spec.trim());
  return m ? `${m[1].toLowerCase()}:${m[2]}` : null;
}

/** `key=value,key2=value2` (QemuOpts; `,,` escapes a comma, which does not matter for the keys we read). */
function optsOf(spec: string): { head: string; opts: Map<string, string> } {
  const parts = spec.split(',');
  const opts = new Map<string, string>();
  let head = '';
  parts.forEach((p, i) => {
    const eq = p.indexOf('=');
    if (eq === -1) {
      if (i === 0) head = p;
      else opts.set(p, 'on');
    } else opts.set(p.slice(0, eq), p.slice(eq + 1));
  });
  return { head, opts };
}

function qemuOptsEndpoint(option: string, value: string): string | null {
  if (CHARDEV_OPTIONS.has(option)) return legacyChardevEndpoint(value);
  switch (option) {
    case 's':
      return 'tcp::1234';
    case 'chardev': {
      const { head, opts } = optsOf(value);
      const backend = head || opts.get('backend') || '';
      if (backend === 'socket' && (opts.has('port') || opts.get('addr.type') === 'inet')) return `tcp:${opts.get('host') ?? ''}:${opts.get('port') ?? opts.get('addr.port') ?? ''}`;
      if (backend === 'udp') return `udp:${opts.get('host') ?? ''}:${opts.get('port') ?? ''}@${opts.get('localaddr') ?? ''}:${opts.get('localport') ?? ''}`;
      return null;
    }
    case 'vnc': {
      const v = value.trim();
      if (v === 'none' || v.startsWith('unix:')) return null;
      return `vnc ${v}`;
    }
    case 'display': {
      const m = /(?:^|,)vnc=([^,]+)/.exec(value);
      return m && !m[1].startsWith('unix:') && m[1] !== 'none' ? `vnc ${m[1]}` : null;
    }
    case 'spice': {
      const { head, opts } = optsOf(value);
      if (!opts.has('port') && !opts.has('tls-port') && !/^(tls-)?port=/.test(head)) return null;
      return `spice ${value}`;
    }
    case 'incoming': {
      const v = value.trim();
      return /^(tcp|rdma|udp):/i.test(v) ? v : null;
    }
    case 'netdev':
    case 'net':
    case 'nic': {
      const { head, opts } = optsOf(value);
      const fwd = [...value.matchAll(/(?:^|,)hostfwd=([^,]+)/g)].map((m) => m[1]);
      if ((head === 'user' || opts.get('type') === 'user') && fwd.length) return `hostfwd=${fwd.join(' hostfwd=')}`;
      if ((head === 'socket' || head === 'stream' || head === 'dgram') && (opts.has('listen') || opts.get('server') === 'on' || opts.has('udp'))) {
        return `${head} ${value}`;
      }
      return null;
    }
    default:
      return null;
  }
}

/**
 * Walks the `<qemu:arg>` list as QEMU's own option parser sees argv: an option (`-x` or `--x`) takes the next
 * argument as its value. An argument holding a blank (`-gdb tcp::1234` in one `<qemu:arg>`) is one argv word,
 * which QEMU refuses as an invalid option, so it opens nothing.
 */
export function qemuListeners(args: readonly QemuArgFacts[]): QemuListenerFacts[] {
  const out: QemuListenerFacts[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i].value;
    if (!word.startsWith('-') || word === '-' || word === '--') continue;
    const option = word.replace(/^--?/, '');
    if (option === 's') {
      out.push({ loc: args[i].loc, key: `qemu:listener[${i}]`, option: word, value: '', endpoint: 'tcp::1234' });
      continue;
    }
    if (!/^[a-z][a-z0-9-]*$/.test(option)) continue;
    const value = args[i + 1]?.value;
    if (value === undefined) continue;
    const endpoint = qemuOptsEndpoint(option, value);
    if (endpoint !== null) out.push({ loc: args[i].loc, key: `qemu:listener[${i}]`, option: word, value, endpoint });
    i++;
  }
  return out;
}

const isPpc64 = (arch: string | null | undefined): boolean => arch === 'ppc64' || arch === 'ppc64le';

/** Fills the TPM's model and version as libvirt's QEMU driver does after parsing (qemuDomainTPMDefPostParse, libvirt 9.0). */
function deriveTpm(d: DomainFacts): void {
  const arch = d.os?.arch ?? null;
  const seen = new Map<boolean, number>();
  for (const t of d.tpms) {
    t.effectiveModel = t.model ?? (arch === null ? null : isPpc64(arch) ? 'tpm-spapr' : 'tpm-tis');
    if (t.backendType === 'emulator') {
      t.effectiveVersion =
        t.backendVersion ?? (t.effectiveModel === 'tpm-spapr' || t.effectiveModel === 'tpm-crb' || d.os?.armVirt ? '2.0' : arch === null ? null : '1.2');
    }
    const proxy = t.effectiveModel === 'spapr-tpm-proxy';
    t.duplicateOf = seen.get(proxy) ?? null;
    if (!seen.has(proxy)) seen.set(proxy, t.loc.line);
  }
}

export function deriveSecurityFacts(d: DomainFacts): void {
  if (d.os) {
    d.os.uefi = d.os.firmware === 'efi' || d.os.loaderType === 'pflash' || /ovmf|aavmf|edk2|qemu_efi/i.test(d.os.loader ?? '');
    const m = d.os.machine;
    d.os.armVirt = ['aarch64', 'armv7l', 'armv6l'].includes(d.os.arch ?? '') && (m === null || m === 'virt' || m.startsWith('virt-'));
    d.os.pseries = isPpc64(d.os.arch) && (m === null || m.startsWith('pseries'));
  }
  deriveTpm(d);
  for (const g of d.graphics) g.exposedAddresses = g.listenAddresses.filter((a) => a.trim() !== '' && !isLoopback(a));
  d.qemu.listeners = qemuListeners(d.qemu.args);
}
