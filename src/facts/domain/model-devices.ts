import type { Located } from './model';

/**
 * Domain facts about host resources and endpoints that devices open to the guest or to the network: locked memory
 * and its limit, character devices on TCP/UDP, USB redirection and its filter, and how each disk reaches its data.
 * Built by `buildDeviceSecurityFacts` (build-devices.ts); same conventions as model.ts (absent = null, every element
 * a rule points at has `loc` and `key`).
 */

/** A `<memtune>` limit (`hard_limit`, `soft_limit`, `swap_hard_limit`), scaled as libvirt does (default KiB). */
export interface MemLimitFacts extends Located {
  text: string;
  unit: string | null;
  /** KiB; null when libvirt would refuse the value (see `error`). */
  kib: number | null;
  error: string | null;
  /** At or above VIR_DOMAIN_MEMORY_PARAM_UNLIMITED (9007199254740991 KiB): libvirt treats it as no limit. */
  unlimited: boolean;
}

export interface MemtuneFacts extends Located {
  hardLimit: MemLimitFacts | null;
  softLimit: MemLimitFacts | null;
  swapHardLimit: MemLimitFacts | null;
}

/**
 * A character device whose host side is a TCP or UDP socket: `<serial>`, `<console>`, `<parallel>`, `<channel>`,
 * `<smartcard mode='passthrough'>`, `<redirdev>` and `<rng><backend model='egd'>` (libvirt's virDomainChrSourceDef).
 * Other host-side types (pty, unix, file, spicevmc...) are not listed.
 */
export interface NetChardevFacts extends Located {
  /** The device element: serial, console, parallel, channel, smartcard, redirdev, rng. */
  element: string;
  /** `tcp` or `udp` (the element's `type`, or the rng backend's). */
  type: string;
  /** `<target type=…>` (serial/console/channel), else null. */
  targetType: string | null;
  /** What the guest sees, for messages: `port 0`, `org.qemu.guest_agent.0`, `usb`, `egd`... */
  targetLabel: string;
  /** TCP: `bind` (QEMU listens) or `connect` (QEMU dials out); libvirt's default is connect. UDP: null. */
  mode: string | null;
  /** TCP: `<protocol type>` (raw when absent); UDP: null. */
  protocol: string | null;
  /** TCP: the source host/service. UDP: the remote (first `mode='connect'` source; QEMU's default host is localhost). */
  host: string | null;
  service: string | null;
  /** UDP: the local address (first `mode='bind'` source; none = all addresses, ephemeral port). TCP: null. */
  bindHost: string | null;
  bindService: string | null;
  /** TCP source `tls` attribute (yes/no) as written; null = qemu.conf `chardev_tls` decides (default off). */
  tls: string | null;
  /** A `<console>` that is the same device as the first `<serial>` (target type serial or none): not listed twice. */
  mirrorsSerial: boolean;
  /**
   * Derived: where the network can reach this device, for messages — TCP bind: the listen address and port
   * (`0.0.0.0:2445`; `all addresses:2445` for `host=''`; no host at all is refused by libvirt); UDP: the remote peer when neither end is loopback
   * (QEMU binds the local address and connects the socket to the remote, so only that peer's datagrams are read).
   * Null when the device is local only (loopback) or only dials out over TCP.
   */
  exposedAt: string | null;
}

export interface RedirdevFacts extends Located {
  bus: string | null;
  /** Host side: spicevmc (the SPICE client's USB devices) or a chardev type (tcp...). */
  type: string | null;
}

export interface UsbdevRuleFacts extends Located {
  /** Attribute values as written; absent or `-1` = any. */
  class: string | null;
  vendor: string | null;
  product: string | null;
  version: string | null;
  allow: string | null;
  /** Every field is a wildcard. */
  matchesAll: boolean;
}

export interface RedirfilterFacts extends Located {
  rules: UsbdevRuleFacts[];
  /**
   * Derived: the filter lets every device through — no `<usbdev>` rule at all, or the first rule matches every
   * device and allows it (rules are tried in order and the first match decides; an unmatched device is refused).
   */
  allowsAll: boolean;
}

export interface DiskHostFacts extends Located {
  name: string | null;
  port: string | null;
  /** tcp (default), rdma or unix. */
  transport: string;
  socket: string | null;
}

/** How one `<disk>` reaches its data (one entry per `<disk>`, same `key` as `domain.disks`). */
export interface DiskAccessFacts extends Located {
  dev: string | null;
  type: string | null;
  device: string;
  /** `<readonly/>`, a cdrom (libvirt makes cdroms read-only), or an http/https/ftp/ftps/tftp source (QEMU's curl driver cannot write). */
  readonly: boolean;
  /** `<transient/>`: changes are discarded when the guest stops. */
  transient: boolean;
  driver: (Located & { cache: string | null }) | null;
  /** Network disks (`type='network'`); null otherwise. */
  network: NetworkSourceFacts | null;
}

export interface NetworkSourceFacts extends Located {
  protocol: string | null;
  name: string | null;
  hosts: DiskHostFacts[];
  /** Derived: hosts reached over the network (`name:port`), i.e. not a UNIX socket and not a loopback name. */
  remoteHosts: string[];
  /**
   * Derived: the data stays on this host — every `<host>` is a UNIX socket or loopback (sheepdog without a host
   * defaults to localhost). False when no host is given for other protocols (rbd then uses ceph.conf's monitors).
   */
  local: boolean;
  /** `<source tls>` (nbd, vxhs) as written; null = qemu.conf `nbd_tls`/`vxhs_tls` decides (default off). */
  tls: string | null;
  /** `<ssl verify>` (https, ftps). */
  sslVerify: string | null;
  /** `<auth>` in `<source>` or, the older form, in `<disk>`. */
  auth: (Located & { username: string | null; secretType: string | null }) | null;
}

export interface DeviceSecurityFacts {
  /** `<memoryBacking><locked/>`. */
  memoryLocked: Located | null;
  memtune: MemtuneFacts | null;
  /** TCP/UDP character devices (see NetChardevFacts). */
  netChardevs: NetChardevFacts[];
  redirdevs: RedirdevFacts[];
  redirfilter: RedirfilterFacts | null;
  diskAccess: DiskAccessFacts[];
}
