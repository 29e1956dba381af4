/* Generated from schemas/facts/domain.schema.json by scripts/gen-types.js — do not edit. */

/**
 * The facts rules see for one libvirt domain (`domain` in CEL). Built from domain XML by `buildDomainFacts`.
 * Conventions: absent attributes/elements are `null` (never missing keys), so rules can test `x != null`;
 * numbers are JS numbers; CPU/node sets are sorted `number[]`; every element a rule can point at has `loc`
 * (file, line, column, path) and `key` (a stable identity used for fingerprints, e.g. `disk[vdb]`).
 * Secrets are never copied: for graphics passwords only `passwdSet`/`passwdLength` are recorded.
 */
export interface DomainFacts {
  /**
   * The file the domain was read from (as given on the command line, or its path on the host).
   */
  file: string;
  /**
   * The `<name>` text; null when absent.
   */
  name: string | null;
  /**
   * The `<uuid>` text; null when absent.
   */
  uuid: string | null;
  /**
   * `<domain type=…>`: kvm, qemu, ...
   */
  type: string | null;
  /**
   * A live definition (`virsh dumpxml` of a running domain carries `id=`).
   */
  live: boolean;
  /**
   * The `<os>` element; null when absent.
   */
  os: {
    loc: SourceLocation;
    key: string;
    /**
     * `<os><type arch>` (x86_64, aarch64, ppc64le...); null when absent.
     */
    arch: string | null;
    /**
     * `<os><type machine>` (q35, pc-i440fx-*, virt, pseries...); null when absent.
     */
    machine: string | null;
    /**
     * `<os firmware>` (efi, bios); null when absent.
     */
    firmware: string | null;
    /**
     * The `<os><loader>` text (the firmware path); null when absent or empty.
     */
    loader: string | null;
    /**
     * `<loader type>` (rom, pflash); null when absent.
     */
    loaderType: string | null;
    /**
     * Derived: boots UEFI (edk2/OVMF/AAVMF): `firmware='efi'`, a pflash `<loader>`, or a loader path naming edk2.
     */
    uefi: boolean;
    /**
     * Derived: the Arm `virt` machine (qemuDomainIsARMVirt: arm/aarch64 with machine virt or virt-*; libvirt picks virt when none is given).
     */
    armVirt: boolean;
    /**
     * Derived: an IBM pSeries guest (ppc64/ppc64le, machine pseries*): it boots SLOF, no UEFI exists for it.
     */
    pseries: boolean;
  } | null;
  /**
   * The `<memory>` element (maximum guest memory); null when absent.
   */
  memory: {
    loc: SourceLocation;
    key: string;
    /**
     * The size in KiB after libvirt's unit scaling (`unit`, default KiB); null when libvirt would refuse it (see `error`).
     */
    kib: number | null;
    /**
     * Why libvirt refuses the value; null when it accepts it.
     */
    error: string | null;
  } | null;
  /**
   * The `<currentMemory>` element (memory at boot, balloon); null when absent.
   */
  currentMemory: {
    loc: SourceLocation;
    key: string;
    /**
     * The size in KiB after libvirt's unit scaling; null when libvirt would refuse it (see `error`).
     */
    kib: number | null;
    /**
     * Why libvirt refuses the value; null when it accepts it.
     */
    error: string | null;
  } | null;
  /**
   * The `<vcpu>` element; null when absent.
   */
  vcpu: VcpuFacts | null;
  /**
   * The `<cpu>` element; null when absent.
   */
  cpu: CpuFacts | null;
  /**
   * Shortcut for `cpu.topology` (null when there is no <cpu> or no <topology>).
   */
  topology: TopologyFacts | null;
  /**
   * Shortcut for `cpu.numaCells`: the guest NUMA cells, always a list (empty when there is no <cpu> or <numa>).
   */
  numaCells: NumaCellFacts[];
  /**
   * `<iothreads>` and `<iothreadids>`; null when neither is present.
   */
  iothreads: {
    loc: SourceLocation;
    key: string;
    count: number | null;
    ids: number[];
    declaredIds: {
      loc: SourceLocation;
      key: string;
      id: number | null;
    }[];
  } | null;
  /**
   * Effective IOThread ids: `<iothreadids>` auto-filled with the lowest unused ids up to `<iothreads>`.
   */
  iothreadIds: number[];
  /**
   * The `<cputune>` element; null when absent.
   */
  cputune: CputuneFacts | null;
  /**
   * The `<numatune>` element; null when absent.
   */
  numatune: NumatuneFacts | null;
  /**
   * `<memoryBacking><hugepages>`; null when absent.
   */
  hugepages: {
    loc: SourceLocation;
    key: string;
    pages: HugepageFacts[];
    defaultPageKib: number | null;
  } | null;
  /**
   * `<features>`: the KVM hints and the PV spinlock setting rules read.
   */
  features: {
    loc: SourceLocation | null;
    kvm: {
      hintDedicated: FeatureStateFacts | null;
      pollControl: FeatureStateFacts | null;
    } | null;
    pvspinlock: FeatureStateFacts | null;
  };
  /**
   * Every `<devices><disk>`, in document order.
   */
  disks: DiskFacts[];
  /**
   * Every `<devices><controller>`, in document order.
   */
  controllers: ControllerFacts[];
  /**
   * Every `<devices><hostdev>`, in document order.
   */
  hostdevs: HostdevFacts[];
  /**
   * Every `<devices><graphics>`, in document order.
   */
  graphics: GraphicsFacts[];
  /**
   * Every `<devices><tpm>`, in document order.
   */
  tpms: TpmFacts[];
  /**
   * Every `<devices><channel>`, in document order.
   */
  channels: ChannelFacts[];
  /**
   * Every top-level `<seclabel>` of the domain, in document order.
   */
  seclabels: SeclabelFacts[];
  /**
   * The QEMU namespace extensions (`<qemu:commandline>`, `<qemu:override>`).
   */
  qemu: {
    /**
     * The `<qemu:commandline>` / `<qemu:override>` elements, in document order.
     */
    blocks: QemuBlockFacts[];
    args: QemuArgFacts[];
    /**
     * Derived: network endpoints the extra arguments open.
     */
    listeners: QemuListenerFacts[];
    env: {
      loc: SourceLocation;
      key: string;
      name: string | null;
      value: string | null;
    }[];
    overrideDevices: QemuOverrideDeviceFacts[];
    /**
     * Elements in a namespace that looks like qemu's but has a different URI (libvirt ignores them).
     */
    ignoredForeign: Located[];
  };
  /**
   * Every reference to an IOThread id: disk/controller `<driver iothread>` and `<iothreadpin iothread>`.
   */
  iothreadRefs: IothreadRefFacts[];
  /**
   * Each effective IOThread id with the disks/controllers that use it.
   */
  iothreadUse: IothreadUseFacts[];
  /**
   * The effective affinity of each vCPU 0..max-1 (capped at 16384).
   */
  vcpuAffinity: VcpuAffinityFacts[];
  /**
   * Union of the pCPUs vCPUs are pinned to (vcpupin or `<vcpu cpuset>`), sorted.
   */
  vcpuPinnedCpus: number[];
  /**
   * Every vCPU 0..max-1 is pinned (`<vcpupin>` or `<vcpu cpuset>`) to exactly one pCPU and no two vCPUs to the same
   * one: the dedicated-core layout. False for a domain without vCPUs or with more than the derived cap.
   */
  vcpusPinnedOneToOne: boolean;
  /**
   * Host CPUs each kind of the domain's threads is explicitly pinned to: vCPUs (`vcpuPinnedCpus`), the emulator
   * (`<emulatorpin>`), IOThreads (union of the `<iothreadpin>`s). Kinds without a valid pin are left out.
   */
  hostCpuPins: HostCpuPinFacts[];
  /**
   * Guest memory is bound to host NUMA nodes: `<numatune><memory>` with a nodeset or placement='auto', or a `<memnode>`.
   */
  memoryNodeBound: boolean;
  /**
   * Every cpuset/nodeset-grammar attribute in the domain, with libvirt's parse error if any.
   */
  cpusets: CpusetAttrFacts[];
  /**
   * Structural problems libvirt tolerates or rejects (duplicate singletons, bad numbers...).
   */
  problems: {
    code: string;
    message: string;
    /**
     * error: the real program refuses the input; warning: accepted but surprising (ignored key, duplicate).
     */
    level: 'error' | 'warning';
    location?: SourceLocation;
    key: string;
    loc: SourceLocation;
  }[];
  loc: SourceLocation;
  key: string;
  /**
   * `<memoryBacking><locked/>`.
   */
  memoryLocked: Located | null;
  memtune: MemtuneFacts | null;
  /**
   * TCP/UDP character devices (see NetChardevFacts).
   */
  netChardevs: NetChardevFacts[];
  redirdevs: RedirdevFacts[];
  redirfilter: RedirfilterFacts | null;
  diskAccess: DiskAccessFacts[];
}
/**
 * Where a fact came from. Every fact a rule can point at carries one, so a finding lands on the exact line.
 * `file` is the artifact path as the user knows it: a path relative to the working directory for files given on
 * the command line, or the absolute path on the scanned host for host evidence (e.g. `/etc/libvirt/libvirtd.conf`).
 *
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "SourceLocation".
 */
export interface SourceLocation {
  file: string;
  /**
   * 1-based line.
   */
  line: number;
  /**
   * 1-based column (UTF-16 code units, as SARIF's default columnKind).
   */
  column: number;
  endLine?: number;
  endColumn?: number;
  /**
   * A stable, human-readable path to the element, e.g. `/domain/devices/disk[2]/driver`.
   */
  path?: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "VcpuFacts".
 */
export interface VcpuFacts {
  /**
   * The element's text: the maximum number of vCPUs.
   */
  max: number | null;
  maxText: string;
  /**
   * `<vcpu current>` as a number (vCPUs online at boot); null when absent or not a number.
   */
  current: number | null;
  /**
   * `<vcpu placement>` (static, auto); null when absent.
   */
  placement: string | null;
  /**
   * `<vcpu cpuset>`: host CPUs every vCPU may run on when it has no `<vcpupin>`; null when absent.
   */
  cpuset: CpusetFact | null;
  loc: SourceLocation;
  key: string;
}
/**
 * A libvirt cpuset/nodeset attribute: the text, the parsed set, or why libvirt would reject it.
 *
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "CpusetFact".
 */
export interface CpusetFact {
  /**
   * The attribute as written.
   */
  text: string;
  /**
   * The parsed set, sorted; null when libvirt would refuse the text (see `error`).
   */
  cpus: number[] | null;
  /**
   * libvirt's error for the text (`Failed to parse bitmap '…'`); null when it parses.
   */
  error: string | null;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "CpuFacts".
 */
export interface CpuFacts {
  /**
   * `<cpu mode>` (host-passthrough, host-model, custom, maximum); null when absent.
   */
  mode: string | null;
  /**
   * `<cpu match>` (exact, minimum, strict); null when absent.
   */
  match: string | null;
  /**
   * `<cpu check>` (none, partial, full); null when absent.
   */
  check: string | null;
  /**
   * `<cpu><topology>`; null when absent.
   */
  topology: TopologyFacts | null;
  /**
   * Every `<cpu><numa><cell>` (guest NUMA nodes), in document order.
   */
  numaCells: NumaCellFacts[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "TopologyFacts".
 */
export interface TopologyFacts {
  /**
   * `<topology sockets>` as a number (1 when absent).
   */
  sockets: number;
  /**
   * `<topology dies>` as a number (1 when absent).
   */
  dies: number;
  /**
   * `<topology clusters>` as a number (1 when absent).
   */
  clusters: number;
  /**
   * `<topology cores>` as a number (1 when absent).
   */
  cores: number;
  /**
   * `<topology threads>` as a number (1 when absent).
   */
  threads: number;
  /**
   * sockets × dies × clusters × cores × threads, missing attributes counting as 1.
   */
  product: number;
  /**
   * Attributes actually written (e.g. to know that `clusters` was used).
   */
  declared: string[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "NumaCellFacts".
 */
export interface NumaCellFacts {
  /**
   * `<cell id>` as a number; null when absent or not a number.
   */
  id: number | null;
  /**
   * `<cell cpus>`: the guest vCPUs of this node; null when absent.
   */
  cpus: CpusetFact | null;
  /**
   * `<cell memory>` in KiB after unit scaling; null when absent or refused.
   */
  memoryKib: number | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "CputuneFacts".
 */
export interface CputuneFacts {
  vcpupins: PinFacts[];
  emulatorpin: PinFacts | null;
  iothreadpins: PinFacts[];
  resctrl: ResctrlFacts[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "PinFacts".
 */
export interface PinFacts {
  /**
   * vcpupin@vcpu / iothreadpin@iothread, null for emulatorpin or when not a number.
   */
  id: number | null;
  idText: string | null;
  cpuset: CpusetFact;
  /**
   * Line of an earlier pin for the same vCPU/IOThread (libvirt rejects the duplicate), else null.
   */
  duplicateOf: number | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "ResctrlFacts".
 */
export interface ResctrlFacts {
  element: 'cachetune' | 'memorytune';
  vcpus: CpusetFact | null;
  caches: CacheFacts[];
  nodes: ResctrlNodeFacts[];
  /**
   * Why libvirt's parser rejects this group next to an earlier one (cachetunes are parsed before memorytunes):
   * `Overlapping vcpus in resctrls` (sets overlap but differ) or `Identical vcpus in cachetunes found`; else null.
   */
  conflict: string | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "CacheFacts".
 */
export interface CacheFacts {
  id: string | null;
  level: string | null;
  type: string | null;
  size: number | null;
  sizeText: string | null;
  unit: string | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "ResctrlNodeFacts".
 */
export interface ResctrlNodeFacts {
  id: string | null;
  /**
   * Raw attribute values (bandwidth, min_bandwidth, hardlimit, priority ...) as numbers when numeric.
   */
  attrs: {
    [k: string]: string | number;
  };
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "NumatuneFacts".
 */
export interface NumatuneFacts {
  memory: {
    loc: SourceLocation;
    key: string;
    mode: string | null;
    placement: string | null;
    nodeset: CpusetFact | null;
  } | null;
  memnodes: MemnodeFacts[];
  /**
   * Derived: what libvirt's numatune parsing (virDomainNumatuneParseXML / virDomainNumatuneSet, libvirt 9.0) refuses
   * in the memory policy, each at the element concerned: an unknown `<memory mode>` or `placement`, static placement
   * without nodeset, `<memnode>` bindings with automatic placement, a `<memnode>` not restrictive under a restrictive
   * `<memory>`. Messages are libvirt's own. (`<memnode>` cellid/mode/nodeset errors are the memnode facts'.)
   */
  conflicts: {
    loc: SourceLocation;
    key: string;
    message: string;
  }[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "MemnodeFacts".
 */
export interface MemnodeFacts {
  cellid: number | null;
  mode: string | null;
  nodeset: CpusetFact | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "HugepageFacts".
 */
export interface HugepageFacts {
  sizeText: string | null;
  unit: string | null;
  /**
   * Page size in KiB after libvirt's unit scaling (null: no size given, or an invalid one; libvirt refuses both).
   */
  sizeKib: number | null;
  sizeError: string | null;
  nodeset: CpusetFact | null;
  /**
   * The size is a base (system) page size of the guest architecture (4 KiB; also 16 and 64 KiB on aarch64, 64 KiB
   * on ppc64): libvirt's QEMU driver then backs the memory with ordinary pages (memory-backend-ram), as if no huge
   * pages were asked for.
   */
  systemSize: boolean;
  /**
   * Derived: libvirt uses this page for all guest memory not covered by a `nodeset` page (its "master" hugepage):
   * a page without `nodeset`, or with `nodeset='0'` on a domain without guest NUMA cells (libvirt drops that nodeset).
   */
  isDefault: boolean;
  /**
   * Derived: ids of the existing guest NUMA cells whose memory this page backs (empty without guest NUMA cells).
   */
  cells: number[];
  /**
   * Derived: the error libvirt's generic validation (virDomainDefMemtuneValidate, run at define) reports for this
   * page, e.g. `hugepages: node 2 not found`, `two master hugepages detected: 2048 and 1048576`,
   * `nodeset attribute of hugepages of sizes 1048576 and 2048 intersect`; null when none (or when a size or nodeset
   * that libvirt cannot parse makes it unknown).
   */
  conflict: string | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "FeatureStateFacts".
 */
export interface FeatureStateFacts {
  state: string | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "DiskFacts".
 */
export interface DiskFacts {
  /**
   * `<disk type>` as written (file, block, network, volume, dir, nvme...); null when absent.
   */
  type: string | null;
  /**
   * `<disk device>`: disk, cdrom, floppy or lun (`disk` when absent, libvirt's default).
   */
  device: string;
  /**
   * `<target bus>` as written (virtio, scsi, sata, ide, usb...); null when absent (see `busEffective`).
   */
  bus: string | null;
  /**
   * `bus`, or when absent the bus libvirt derives from the target name (vd→virtio, sd→scsi, hd→ide, xvd→xen).
   */
  busEffective: string | null;
  /**
   * `<target dev>`: the name the guest sees (vda, sdb...); null when absent.
   */
  dev: string | null;
  /**
   * `<disk rawio>` (yes/no, for device='lun'); null when absent.
   */
  rawio: string | null;
  /**
   * `<disk sgio>` (filtered/unfiltered, for device='lun'); null when absent.
   */
  sgio: string | null;
  /**
   * A `<shareable/>` child: the disk may be used by several domains at once.
   */
  shareable: boolean;
  /**
   * The `<source>` element's attributes (all null when the disk has no `<source>`).
   */
  source: {
    /**
     * `<source file>` (type='file'); null when absent.
     */
    file: string | null;
    /**
     * `<source dev>` (type='block'); null when absent.
     */
    dev: string | null;
    /**
     * `<source protocol>` (type='network': nbd, rbd, iscsi, http...); null when absent.
     */
    protocol: string | null;
    /**
     * `<source name>` (network disks: the image or volume name); null when absent.
     */
    name: string | null;
  };
  /**
   * The disk's `<driver>` element; null when it has none.
   */
  driver: {
    loc: SourceLocation;
    key: string;
    /**
     * `<driver name>` (qemu); null when absent.
     */
    name: string | null;
    /**
     * `<driver type>`: the image format (raw, qcow2...); null when absent.
     */
    type: string | null;
    /**
     * `<driver cache>` (none, writethrough, writeback, directsync, unsafe, default); null when absent.
     */
    cache: string | null;
    /**
     * `<driver io>` (native, threads, io_uring); null when absent.
     */
    io: string | null;
    /**
     * `<driver iothread>` as a number; null when absent or not a number (see `iothreadText`).
     */
    iothread: number | null;
    /**
     * `<driver iothread>` as written; null when absent.
     */
    iothreadText: string | null;
  } | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "ControllerFacts".
 */
export interface ControllerFacts {
  /**
   * `<controller type>` (scsi, virtio-serial, pci, usb, sata...); null when absent.
   */
  type: string | null;
  /**
   * `<controller model>` (virtio-scsi, pcie-root-port...); null when absent.
   */
  model: string | null;
  /**
   * `<controller index>` as written; null when absent (libvirt assigns 0, 1...).
   */
  index: string | null;
  /**
   * The controller's `<driver>` element; null when it has none.
   */
  driver: {
    loc: SourceLocation;
    key: string;
    /**
     * `<driver iothread>` as a number; null when absent or not a number (see `iothreadText`).
     */
    iothread: number | null;
    /**
     * `<driver iothread>` as written; null when absent.
     */
    iothreadText: string | null;
  } | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "HostdevFacts".
 */
export interface HostdevFacts {
  /**
   * `<hostdev mode>` (subsystem, capabilities); null when absent.
   */
  mode: string | null;
  /**
   * `<hostdev type>` (pci, usb, scsi, mdev...); null when absent.
   */
  type: string | null;
  /**
   * `<hostdev managed>` as written (yes/no): libvirt detaches the device from its host driver itself; null when absent.
   */
  managed: string | null;
  /**
   * `<driver name>` of the hostdev (vfio, kvm...); null when absent.
   */
  driverName: string | null;
  /**
   * `<source><address>` of a PCI hostdev; null when it has none.
   */
  source: {
    loc: SourceLocation;
    key: string;
    domain: number | null;
    bus: number | null;
    slot: number | null;
    function: number | null;
    /**
     * Canonical `DDDD:BB:SS.F`, or null when a part is missing or not a number.
     */
    bdf: string | null;
    /**
     * Attribute texts as written, e.g. `function='0x00'`.
     */
    text: {
      [k: string]: string;
    };
  } | null;
  /**
   * `<alias name>` (e.g. hostdev0, ua-nic1); null when absent.
   */
  alias: string | null;
  /**
   * openEuler's `<hostdev><numa node='N'/>` extension.
   */
  numa: {
    loc: SourceLocation;
    key: string;
    /**
     * `<numa node>` as written.
     */
    node: string | null;
  } | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "GraphicsFacts".
 */
export interface GraphicsFacts {
  /**
   * `<graphics type>` (vnc, spice, rdp, sdl, egl-headless, dbus); null when absent.
   */
  type: string | null;
  /**
   * `<graphics port>` as written (-1: chosen by libvirt); null when absent.
   */
  port: string | null;
  /**
   * `<graphics autoport>` as written (yes/no); null when absent.
   */
  autoport: string | null;
  /**
   * Listen addresses from `listen=` and `<listen type='address' address=…>`.
   */
  listenAddresses: string[];
  /**
   * The type of each listener, in libvirt's order (address, network, socket, none).
   */
  listenTypes: string[];
  /**
   * True when no listen attribute/element at all: qemu.conf's vnc_listen/spice_listen applies.
   */
  listenDefault: boolean;
  /**
   * Derived: `listenAddresses` that are not loopback (0.0.0.0, ::, routable IPs, host names other than localhost).
   */
  exposedAddresses: string[];
  passwdSet: boolean;
  /**
   * `passwd=''` written: an empty password (libvirt passes it on to QEMU).
   */
  passwdEmpty: boolean;
  passwdLength: number;
  /**
   * `<graphics passwdValidTo>` as written; null when absent.
   */
  passwdValidTo: string | null;
  /**
   * `<graphics tlsPort>` (spice) as written; null when absent.
   */
  tlsPort: string | null;
  /**
   * `<graphics defaultMode>` (spice: secure, insecure, any); null when absent.
   */
  defaultMode: string | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "TpmFacts".
 */
export interface TpmFacts {
  /**
   * `<tpm model>` as written (tpm-tis, tpm-crb, tpm-spapr, spapr-tpm-proxy); null when absent (see `effectiveModel`).
   */
  model: string | null;
  /**
   * `<backend type>` (emulator, passthrough, external); null when absent.
   */
  backendType: string | null;
  /**
   * `<backend version>` (1.2, 2.0) as written; null when absent (see `effectiveVersion`).
   */
  backendVersion: string | null;
  /**
   * The emulator backend has an `<encryption secret=…>` child: its state is encrypted at rest.
   */
  encrypted: boolean;
  /**
   * Derived, as libvirt's QEMU driver fills them in (qemuDomainTPMDefPostParse, libvirt 6.x-9.x): the model
   * (`tpm-spapr` on ppc64, else `tpm-tis`, which QEMU creates as tpm-tis-device on Arm) and, for the emulator
   * backend, the TPM version (2.0 for tpm-spapr, tpm-crb and the Arm virt machine, else 1.2); null when the
   * architecture that decides it is unknown, or (version) for other backends.
   */
  effectiveModel: string | null;
  effectiveVersion: string | null;
  /**
   * Derived: an earlier <tpm> of the same kind (proxy or not) in this domain: its line, else null.
   */
  duplicateOf: number | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "ChannelFacts".
 */
export interface ChannelFacts {
  /**
   * `<channel type>`: the host side (unix, pty, spicevmc, tcp...); null when absent.
   */
  type: string | null;
  /**
   * `<target type>` (virtio, guestfwd, xen); null when absent.
   */
  targetType: string | null;
  /**
   * `<target name>` (e.g. org.qemu.guest_agent.0); null when absent.
   */
  targetName: string | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "SeclabelFacts".
 */
export interface SeclabelFacts {
  /**
   * `<seclabel type>` (dynamic, static, none); null when absent.
   */
  type: string | null;
  /**
   * `<seclabel model>` (selinux, apparmor, dac, none); null when absent (the host's first security driver).
   */
  model: string | null;
  /**
   * `<seclabel relabel>` as written (yes/no); null when absent.
   */
  relabel: string | null;
  /**
   * The `<label>` text (a static label); null when absent.
   */
  label: string | null;
  /**
   * Canonical MCS level of an SELinux `<label>` (low end, categories sorted: `s0:c200,c947`), else null.
   */
  mcs: string | null;
  /**
   * The `<imagelabel>` text; null when absent.
   */
  imagelabel: string | null;
  /**
   * The `<baselabel>` text (the label dynamic labels are based on); null when absent.
   */
  baselabel: string | null;
  loc: SourceLocation;
  key: string;
}
/**
 * A `<qemu:commandline>` or `<qemu:override>` element (qemu namespace matched by URI, any prefix).
 *
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "QemuBlockFacts".
 */
export interface QemuBlockFacts {
  element: 'commandline' | 'override';
  /**
   * The prefix as written (`qemu`, or another one bound to the qemu URI).
   */
  prefix: string;
  /**
   * Number of `<arg>` / `<env>` children (commandline) or `<device>` children (override).
   */
  entries: number;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "QemuArgFacts".
 */
export interface QemuArgFacts {
  value: string;
  loc: SourceLocation;
  key: string;
}
/**
 * Derived: a `<qemu:arg>` option whose value makes QEMU open a network endpoint (`-monitor tcp:…`, `-gdb`, `-vnc`…).
 *
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "QemuListenerFacts".
 */
export interface QemuListenerFacts {
  /**
   * The option as written (`-qmp`).
   */
  option: string;
  value: string;
  /**
   * What is opened, e.g. `tcp:0.0.0.0:4444,server=on,wait=off`, `vnc :0`, `hostfwd=tcp::2222-:22`.
   */
  endpoint: string;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "QemuOverrideDeviceFacts".
 */
export interface QemuOverrideDeviceFacts {
  alias: string | null;
  properties: {
    loc: SourceLocation;
    key: string;
    name: string | null;
    type: string | null;
    value: string | null;
  }[];
  loc: SourceLocation;
  key: string;
}
/**
 * Where a fact is (`loc`: file, line, column, path) and its stable identity (`key`, used in fingerprints, e.g. `disk[vdb]`): every element a rule can point at has both.
 *
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "Located".
 */
export interface Located {
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "IothreadRefFacts".
 */
export interface IothreadRefFacts {
  element: 'disk' | 'controller' | 'iothreadpin';
  /**
   * Key of the disk, controller or pin holding the reference (e.g. `disk[vdb]`).
   */
  owner: string;
  id: number | null;
  idText: string;
  /**
   * Disk: its effective target bus; otherwise null.
   */
  bus: string | null;
  /**
   * Controller: its type and model attribute; otherwise null.
   */
  controllerType: string | null;
  model: string | null;
  /**
   * The id is one of the domain's effective IOThread ids.
   */
  defined: boolean;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "IothreadUseFacts".
 */
export interface IothreadUseFacts {
  id: number;
  /**
   * Keys of the disks/controllers whose `<driver iothread>` names this id.
   */
  users: string[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "VcpuAffinityFacts".
 */
export interface VcpuAffinityFacts {
  vcpu: number;
  /**
   * pCPUs the vCPU may run on; null when unpinned or the cpuset is invalid.
   */
  cpus: number[] | null;
  /**
   * Where the affinity comes from: its `<vcpupin>`, `<vcpu cpuset>`, numad (`placement='auto'`), or none.
   */
  source: 'vcpupin' | 'vcpu-cpuset' | 'auto' | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "HostCpuPinFacts".
 */
export interface HostCpuPinFacts {
  threads: 'vCPUs' | 'emulator' | 'IOThreads';
  /**
   * Sorted, non-empty.
   */
  cpus: number[];
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "CpusetAttrFacts".
 */
export interface CpusetAttrFacts {
  /**
   * E.g. `vcpupin[0]@cpuset`, `numatune/memory@nodeset`.
   */
  attribute: string;
  text: string;
  /**
   * libvirt's error for the value (`Failed to parse bitmap '…'`, `Invalid value of 'cpuset': …`), else null.
   */
  error: string | null;
  /**
   * The parsed set (null when invalid).
   */
  cpus: number[] | null;
  /**
   * What the numbers name: host CPUs (pins), host NUMA nodes (numatune), guest NUMA cells or guest vCPUs.
   */
  refersTo: 'host-cpus' | 'host-nodes' | 'guest-nodes' | 'guest-cpus';
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "MemtuneFacts".
 */
export interface MemtuneFacts {
  hardLimit: MemLimitFacts | null;
  softLimit: MemLimitFacts | null;
  swapHardLimit: MemLimitFacts | null;
  loc: SourceLocation;
  key: string;
}
/**
 * A `<memtune>` limit (`hard_limit`, `soft_limit`, `swap_hard_limit`), scaled as libvirt does (default KiB).
 *
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "MemLimitFacts".
 */
export interface MemLimitFacts {
  text: string;
  unit: string | null;
  /**
   * KiB; null when libvirt would refuse the value (see `error`).
   */
  kib: number | null;
  error: string | null;
  /**
   * At or above VIR_DOMAIN_MEMORY_PARAM_UNLIMITED (9007199254740991 KiB): libvirt treats it as no limit.
   */
  unlimited: boolean;
  loc: SourceLocation;
  key: string;
}
/**
 * A character device whose host side is a TCP or UDP socket: `<serial>`, `<console>`, `<parallel>`, `<channel>`,
 * `<smartcard mode='passthrough'>`, `<redirdev>` and `<rng><backend model='egd'>` (libvirt's virDomainChrSourceDef).
 * Other host-side types (pty, unix, file, spicevmc...) are not listed.
 *
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "NetChardevFacts".
 */
export interface NetChardevFacts {
  /**
   * The device element: serial, console, parallel, channel, smartcard, redirdev, rng.
   */
  element: string;
  /**
   * `tcp` or `udp` (the element's `type`, or the rng backend's).
   */
  type: string;
  /**
   * `<target type=…>` (serial/console/channel), else null.
   */
  targetType: string | null;
  /**
   * What the guest sees, for messages: `port 0`, `org.qemu.guest_agent.0`, `usb`, `egd`...
   */
  targetLabel: string;
  /**
   * TCP: `bind` (QEMU listens) or `connect` (QEMU dials out); libvirt's default is connect. UDP: null.
   */
  mode: string | null;
  /**
   * TCP: `<protocol type>` (raw when absent); UDP: null.
   */
  protocol: string | null;
  /**
   * TCP: the source host/service. UDP: the remote (first `mode='connect'` source; QEMU's default host is localhost).
   */
  host: string | null;
  service: string | null;
  /**
   * UDP: the local address (first `mode='bind'` source; none = all addresses, ephemeral port). TCP: null.
   */
  bindHost: string | null;
  bindService: string | null;
  /**
   * TCP source `tls` attribute (yes/no) as written; null = qemu.conf `chardev_tls` decides (default off).
   */
  tls: string | null;
  /**
   * A `<console>` that is the same device as the first `<serial>` (target type serial or none): not listed twice.
   */
  mirrorsSerial: boolean;
  /**
   * Derived: where the network can reach this device, for messages — TCP bind: the listen address and port
   * (`0.0.0.0:2445`; `all addresses:2445` for `host=''`; no host at all is refused by libvirt); UDP: the remote peer when neither end is loopback
   * (QEMU binds the local address and connects the socket to the remote, so only that peer's datagrams are read).
   * Null when the device is local only (loopback) or only dials out over TCP.
   */
  exposedAt: string | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "RedirdevFacts".
 */
export interface RedirdevFacts {
  bus: string | null;
  /**
   * Host side: spicevmc (the SPICE client's USB devices) or a chardev type (tcp...).
   */
  type: string | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "RedirfilterFacts".
 */
export interface RedirfilterFacts {
  rules: UsbdevRuleFacts[];
  /**
   * Derived: the filter lets every device through — no `<usbdev>` rule at all, or the first rule matches every
   * device and allows it (rules are tried in order and the first match decides; an unmatched device is refused).
   */
  allowsAll: boolean;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "UsbdevRuleFacts".
 */
export interface UsbdevRuleFacts {
  /**
   * Attribute values as written; absent or `-1` = any.
   */
  class: string | null;
  vendor: string | null;
  product: string | null;
  version: string | null;
  allow: string | null;
  /**
   * Every field is a wildcard.
   */
  matchesAll: boolean;
  loc: SourceLocation;
  key: string;
}
/**
 * How one `<disk>` reaches its data (one entry per `<disk>`, same `key` as `domain.disks`).
 *
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "DiskAccessFacts".
 */
export interface DiskAccessFacts {
  dev: string | null;
  type: string | null;
  device: string;
  /**
   * `<readonly/>`, a cdrom (libvirt makes cdroms read-only), or an http/https/ftp/ftps/tftp source (QEMU's curl driver cannot write).
   */
  readonly: boolean;
  /**
   * `<transient/>`: changes are discarded when the guest stops.
   */
  transient: boolean;
  driver: {
    loc: SourceLocation;
    key: string;
    cache: string | null;
  } | null;
  /**
   * Network disks (`type='network'`); null otherwise.
   */
  network: NetworkSourceFacts | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "NetworkSourceFacts".
 */
export interface NetworkSourceFacts {
  protocol: string | null;
  name: string | null;
  hosts: DiskHostFacts[];
  /**
   * Derived: hosts reached over the network (`name:port`), i.e. not a UNIX socket and not a loopback name.
   */
  remoteHosts: string[];
  /**
   * Derived: the data stays on this host — every `<host>` is a UNIX socket or loopback (sheepdog without a host
   * defaults to localhost). False when no host is given for other protocols (rbd then uses ceph.conf's monitors).
   */
  local: boolean;
  /**
   * `<source tls>` (nbd, vxhs) as written; null = qemu.conf `nbd_tls`/`vxhs_tls` decides (default off).
   */
  tls: string | null;
  /**
   * `<ssl verify>` (https, ftps).
   */
  sslVerify: string | null;
  /**
   * `<auth>` in `<source>` or, the older form, in `<disk>`.
   */
  auth: {
    loc: SourceLocation;
    key: string;
    username: string | null;
    secretType: string | null;
  } | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "DiskHostFacts".
 */
export interface DiskHostFacts {
  name: string | null;
  port: string | null;
  /**
   * tcp (default), rdma or unix.
   */
  transport: string;
  socket: string | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "PciAddress".
 */
export interface PciAddress {
  domain: number | null;
  bus: number | null;
  slot: number | null;
  function: number | null;
  /**
   * Canonical `DDDD:BB:SS.F`, or null when a part is missing or not a number.
   */
  bdf: string | null;
  /**
   * Attribute texts as written, e.g. `function='0x00'`.
   */
  text: {
    [k: string]: string;
  };
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "DeviceSecurityFacts".
 */
export interface DeviceSecurityFacts {
  /**
   * `<memoryBacking><locked/>`.
   */
  memoryLocked: Located | null;
  memtune: MemtuneFacts | null;
  /**
   * TCP/UDP character devices (see NetChardevFacts).
   */
  netChardevs: NetChardevFacts[];
  redirdevs: RedirdevFacts[];
  redirfilter: RedirfilterFacts | null;
  diskAccess: DiskAccessFacts[];
}
