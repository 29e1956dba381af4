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
    /**
     * `<iothreads>` text as a number (IOThreads requested); null when the element is absent or its text is not a plain unsigned integer (a `domain.invalid-number` problem).
     */
    count: number | null;
    /**
     * The effective IOThread ids, sorted: the positive `<iothreadids><iothread id>` values, then the lowest unused ids added until there are `count` of them (as libvirt auto-fills; capped at 16384). Same list as the top-level `iothreadIds`.
     */
    ids: number[];
    /**
     * Every `<iothreadids><iothread>` element, in document order (duplicates and invalid ids included).
     */
    declaredIds: {
      loc: SourceLocation;
      key: string;
      /**
       * `<iothread id>` as a number; null when absent or not a plain unsigned integer (a `domain.invalid-number` problem).
       */
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
    /**
     * Every `<memoryBacking><hugepages><page>` element, in document order; empty for a bare `<hugepages/>` (libvirt then uses the host's default huge page size).
     */
    pages: HugepageFacts[];
    /**
     * Derived: `sizeKib` of the page backing all guest memory not covered by a `nodeset` page (the first page with `isDefault`); null when there is none, e.g. a bare `<hugepages/>` or only per-node pages.
     */
    defaultPageKib: number | null;
  } | null;
  /**
   * `<features>`: the KVM hints and the PV spinlock setting rules read.
   */
  features: {
    loc: SourceLocation | null;
    /**
     * `<features><kvm>`; null when absent.
     */
    kvm: {
      /**
       * `<features><kvm><hint-dedicated state=…>` (tells the guest its vCPUs have dedicated host CPUs); null when the child is absent.
       */
      hintDedicated: FeatureStateFacts | null;
      /**
       * `<features><kvm><poll-control state=…>` (guest halt-polling control); null when the child is absent.
       */
      pollControl: FeatureStateFacts | null;
    } | null;
    /**
     * `<features><pvspinlock state=…>` (paravirtual spinlocks); null when absent (QEMU's default applies).
     */
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
    /**
     * Every `<qemu:commandline><qemu:arg>`, in document order across all commandline blocks: one argv word each, appended to QEMU's command line.
     */
    args: QemuArgFacts[];
    /**
     * Derived: network endpoints the extra arguments open.
     */
    listeners: QemuListenerFacts[];
    /**
     * Every `<qemu:commandline><qemu:env>`, in document order: environment variables set for the QEMU process.
     */
    env: {
      loc: SourceLocation;
      key: string;
      /**
       * `<qemu:env name>`; null when absent.
       */
      name: string | null;
      /**
       * `<qemu:env value>` as written; null when absent.
       */
      value: string | null;
    }[];
    /**
     * Every `<qemu:override><qemu:device>`, in document order: frontend properties of a libvirt-generated device that QEMU gets overridden.
     */
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
    /**
     * Stable problem code, e.g. `domain.duplicate-element`, `domain.invalid-number`.
     */
    code: string;
    /**
     * Human-readable message, worded after libvirt's own error where there is one.
     */
    message: string;
    /**
     * error: the real program refuses the input; warning: accepted but surprising (ignored key, duplicate).
     */
    level: 'error' | 'warning';
    /**
     * The element the problem is about (same as `loc`).
     */
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
  /**
   * `<memtune>` (cgroup memory limits); null when absent.
   */
  memtune: MemtuneFacts | null;
  /**
   * TCP/UDP character devices (see NetChardevFacts).
   */
  netChardevs: NetChardevFacts[];
  /**
   * Every `<devices><redirdev>` (USB redirection from the client or a chardev), in document order.
   */
  redirdevs: RedirdevFacts[];
  /**
   * The first `<devices><redirfilter>`; null when absent (every redirected USB device is then allowed).
   */
  redirfilter: RedirfilterFacts | null;
  /**
   * How each `<disk>` reaches its data (read-only, transient, cache mode, network source and auth), one entry per `<disk>` in document order, with the same `key` as `disks`.
   */
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
  /**
   * The artifact path as the user knows it (the file given, or the path on the scanned host).
   */
  file: string;
  /**
   * 1-based line.
   */
  line: number;
  /**
   * 1-based column (UTF-16 code units, as SARIF's default columnKind).
   */
  column: number;
  /**
   * 1-based last line, set only when the fact spans several lines (e.g. an env-file value continued over lines); absent otherwise.
   */
  endLine?: number;
  /**
   * 1-based end column on `endLine`; optional, and not set by any fact builder today.
   */
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
  /**
   * The `<vcpu>` text as written (before number parsing; `max` is null when libvirt would refuse it).
   */
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
  /**
   * Every `<cputune><vcpupin>`, in document order (duplicates included, see `duplicateOf`).
   */
  vcpupins: PinFacts[];
  /**
   * `<cputune><emulatorpin>`: host CPUs of QEMU's emulator threads; null when absent.
   */
  emulatorpin: PinFacts | null;
  /**
   * Every `<cputune><iothreadpin>`, in document order (duplicates included, see `duplicateOf`).
   */
  iothreadpins: PinFacts[];
  /**
   * Every `<cputune><cachetune>` and `<memorytune>`, in document order.
   */
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
  /**
   * `vcpupin@vcpu` / `iothreadpin@iothread` as written; null for emulatorpin or when the attribute is absent.
   */
  idText: string | null;
  /**
   * The pin's `cpuset` attribute: host CPUs (cpuset syntax `0-3,^2`). An absent attribute reads as text `''` with a parse error (libvirt refuses a pin without cpuset).
   */
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
  /**
   * Which `<cputune>` child: `cachetune` (cache allocation) or `memorytune` (memory bandwidth allocation).
   */
  element: 'cachetune' | 'memorytune';
  /**
   * The group's `vcpus` attribute: guest vCPUs (cpuset syntax) this allocation applies to; null when absent.
   */
  vcpus: CpusetFact | null;
  /**
   * `<cache>` children (cachetune), in document order.
   */
  caches: CacheFacts[];
  /**
   * `<node>` children (memorytune), in document order.
   */
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
  /**
   * `<cache id>` as written: the host cache id (from /sys/devices/system/cpu/cpu* /cache/index* /id); null when absent.
   */
  id: string | null;
  /**
   * `<cache level>` as written (cache level, e.g. `3` for L3); null when absent.
   */
  level: string | null;
  /**
   * `<cache type>` as written: both, code or data; null when absent.
   */
  type: string | null;
  /**
   * `<cache size>` as a number in the unit of `unit` (not scaled); null when absent or not a plain unsigned integer.
   */
  size: number | null;
  /**
   * `<cache size>` as written; null when absent.
   */
  sizeText: string | null;
  /**
   * `<cache unit>` as written (KiB, MiB...); null when absent (libvirt then reads `size` in bytes).
   */
  unit: string | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "ResctrlNodeFacts".
 */
export interface ResctrlNodeFacts {
  /**
   * `<node id>` as written: the host memory-bandwidth (MBA) node, i.e. L3 cache id; null when absent.
   */
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
  /**
   * `<numatune><memory>`: the policy for all guest memory; null when absent.
   */
  memory: {
    loc: SourceLocation;
    key: string;
    /**
     * `<memory mode>` as written (strict, preferred, interleave, restrictive); null when absent (libvirt's default: strict).
     */
    mode: string | null;
    /**
     * `<memory placement>` as written (static, auto; `auto` asks numad); null when absent.
     */
    placement: string | null;
    /**
     * `<memory nodeset>`: host NUMA nodes the guest memory is bound to; null when absent.
     */
    nodeset: CpusetFact | null;
  } | null;
  /**
   * Every `<numatune><memnode>` (per guest NUMA cell policy), in document order.
   */
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
    /**
     * libvirt's error text, e.g. `nodeset for NUMA memory tuning must be set if 'placement' is 'static'`.
     */
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
  /**
   * `<memnode cellid>` as a number: the guest NUMA cell this policy applies to; null when absent or not a plain unsigned integer.
   */
  cellid: number | null;
  /**
   * `<memnode mode>` as written (strict, preferred, interleave, restrictive); null when absent (libvirt's default: strict).
   */
  mode: string | null;
  /**
   * `<memnode nodeset>`: host NUMA nodes backing that guest cell; null when absent.
   */
  nodeset: CpusetFact | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "HugepageFacts".
 */
export interface HugepageFacts {
  /**
   * `<page size>` as written; null when absent.
   */
  sizeText: string | null;
  /**
   * `<page unit>` as written; null when absent (KiB).
   */
  unit: string | null;
  /**
   * Page size in KiB after libvirt's unit scaling (null: no size given, or an invalid one; libvirt refuses both).
   */
  sizeKib: number | null;
  /**
   * Why libvirt refuses `size`/`unit` (unknown unit, not a number, too large); null when it parses or no size is given.
   */
  sizeError: string | null;
  /**
   * `<page nodeset>`: the guest NUMA cells this page size backs; null when absent (the page backs the rest of guest memory).
   */
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
  /**
   * The element's `state` attribute as written (on, off); null when absent.
   */
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
    /**
     * PCI domain of the host device (`<source><address domain>`, strtol base 0); 0 when absent; null when not a number.
     */
    domain: number | null;
    /**
     * PCI bus of the host device (`<source><address bus>`, strtol base 0); null when absent or not a number.
     */
    bus: number | null;
    /**
     * PCI slot of the host device (`<source><address slot>`, strtol base 0); null when absent or not a number.
     */
    slot: number | null;
    /**
     * PCI function of the host device (`<source><address function>`, strtol base 0); 0 when absent; null when not a number.
     */
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
  /**
   * A non-empty `passwd` attribute is written (the password itself is never copied).
   */
  passwdSet: boolean;
  /**
   * `passwd=''` written: an empty password (libvirt passes it on to QEMU).
   */
  passwdEmpty: boolean;
  /**
   * Length in characters of `passwd`; 0 when absent or empty (VNC uses only the first 8).
   */
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
  /**
   * Derived, emulator backend only: `backendVersion`, else libvirt 9.0's default — `2.0` for tpm-spapr, tpm-crb or an ARM virt machine, else `1.2`; null for other backends or when the architecture is unknown.
   */
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
  /**
   * The element's local name: `commandline` or `override`.
   */
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
  /**
   * `<qemu:arg value>` as written (one argv word); `''` when absent.
   */
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
  /**
   * The next `<qemu:arg>` (the option's value) as written; `''` for `-s` (gdb on tcp::1234), which takes none.
   */
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
  /**
   * `<qemu:device alias>`: the libvirt device alias whose properties are overridden; null when absent.
   */
  alias: string | null;
  /**
   * `<qemu:frontend><qemu:property>` children, in document order.
   */
  properties: {
    loc: SourceLocation;
    key: string;
    /**
     * `<qemu:property name>` (a QEMU device property); null when absent.
     */
    name: string | null;
    /**
     * `<qemu:property type>` (string, signed, unsigned, bool, remove); null when absent.
     */
    type: string | null;
    /**
     * `<qemu:property value>` as written; null when absent (e.g. type remove).
     */
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
  /**
   * What holds the reference: a disk's `<driver iothread>`, a controller's `<driver iothread>`, or `<cputune><iothreadpin iothread>`.
   */
  element: 'disk' | 'controller' | 'iothreadpin';
  /**
   * Key of the disk, controller or pin holding the reference (e.g. `disk[vdb]`).
   */
  owner: string;
  /**
   * The referenced IOThread id as a number; null when not a plain unsigned integer.
   */
  id: number | null;
  /**
   * The `iothread` attribute as written.
   */
  idText: string;
  /**
   * Disk: its effective target bus; otherwise null.
   */
  bus: string | null;
  /**
   * Controller: its type and model attribute; otherwise null.
   */
  controllerType: string | null;
  /**
   * Controller: its `model` attribute (e.g. virtio-scsi); otherwise null.
   */
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
  /**
   * An effective IOThread id (one entry per id of `iothreadIds`).
   */
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
  /**
   * The vCPU number, 0 to `<vcpu>`-1 (at most the first 16384).
   */
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
  /**
   * Which QEMU threads: vCPUs (effective vCPU affinity), emulator (`<emulatorpin>`) or IOThreads (`<iothreadpin>`s).
   */
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
  /**
   * The attribute as written.
   */
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
  /**
   * `<memtune><hard_limit>` (cgroup memory.max; QEMU is killed above it); null when absent.
   */
  hardLimit: MemLimitFacts | null;
  /**
   * `<memtune><soft_limit>` (reclaim target under host memory pressure); null when absent.
   */
  softLimit: MemLimitFacts | null;
  /**
   * `<memtune><swap_hard_limit>` (memory plus swap); null when absent.
   */
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
  /**
   * The element text as written.
   */
  text: string;
  /**
   * `unit` attribute as written; null when absent (KiB).
   */
  unit: string | null;
  /**
   * KiB; null when libvirt would refuse the value (see `error`).
   */
  kib: number | null;
  /**
   * Why libvirt refuses the value/unit; null when it parses.
   */
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
  /**
   * TCP: the `<source service>` (port) as written. UDP: the remote port (of the first `mode='connect'` source). null when absent.
   */
  service: string | null;
  /**
   * UDP: the local address (first `mode='bind'` source; none = all addresses, ephemeral port). TCP: null.
   */
  bindHost: string | null;
  /**
   * UDP: the local port (`service` of the first `mode='bind'` source); null when absent (ephemeral). TCP: null.
   */
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
  /**
   * `<redirdev bus>` as written (usb); null when absent.
   */
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
  /**
   * `<usbdev>` rules in document order (the first matching rule decides).
   */
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
  /**
   * `<usbdev vendor>` as written (e.g. `0x1234`); absent or `-1` = any.
   */
  vendor: string | null;
  /**
   * `<usbdev product>` as written; absent or `-1` = any.
   */
  product: string | null;
  /**
   * `<usbdev version>` (USB bcdDevice, e.g. `2.0`) as written; absent or `-1` = any.
   */
  version: string | null;
  /**
   * `<usbdev allow>` as written (yes, no); null when absent.
   */
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
  /**
   * `<target dev>` (vda, sdb...); null when absent.
   */
  dev: string | null;
  /**
   * `<disk type>` as written (file, block, network...); null when absent.
   */
  type: string | null;
  /**
   * `<disk device>`: disk, cdrom, floppy or lun (`disk` when absent).
   */
  device: string;
  /**
   * `<readonly/>`, a cdrom (libvirt makes cdroms read-only), or an http/https/ftp/ftps/tftp source (QEMU's curl driver cannot write).
   */
  readonly: boolean;
  /**
   * `<transient/>`: changes are discarded when the guest stops.
   */
  transient: boolean;
  /**
   * The disk's `<driver>`; null when absent.
   */
  driver: {
    loc: SourceLocation;
    key: string;
    /**
     * `<driver cache>` as written (none, writethrough, writeback, directsync, unsafe, default); null when absent.
     */
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
  /**
   * `<source protocol>` (nbd, iscsi, rbd, gluster, http, https, ssh...); null when absent.
   */
  protocol: string | null;
  /**
   * `<source name>` (volume, image or iSCSI target/LUN); null when absent.
   */
  name: string | null;
  /**
   * Every `<source><host>`, in document order.
   */
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
    /**
     * `<auth username>`; null when absent.
     */
    username: string | null;
    /**
     * `<auth><secret type>` (ceph, iscsi...); null when absent (the secret itself is never read).
     */
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
  /**
   * `<host name>`: host name or address; null when absent.
   */
  name: string | null;
  /**
   * `<host port>` as written; null when absent (the protocol's default port).
   */
  port: string | null;
  /**
   * tcp (default), rdma or unix.
   */
  transport: string;
  /**
   * `<host socket>`: UNIX socket path (transport unix); null when absent.
   */
  socket: string | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `DomainFacts`'s JSON-Schema
 * via the `definition` "PciAddress".
 */
export interface PciAddress {
  /**
   * `domain` attribute as libvirt parses it (strtol base 0: `0x..` hex, leading-0 octal, decimal); 0 when absent; null when not a number libvirt accepts.
   */
  domain: number | null;
  /**
   * `bus` attribute, parsed as `domain`; null when absent or not a number.
   */
  bus: number | null;
  /**
   * `slot` attribute, parsed as `domain`; null when absent or not a number.
   */
  slot: number | null;
  /**
   * `function` attribute, parsed as `domain`; 0 when absent; null when not a number.
   */
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
  /**
   * `<memtune>`; null when absent (same as the domain's `memtune`).
   */
  memtune: MemtuneFacts | null;
  /**
   * TCP/UDP character devices (see NetChardevFacts).
   */
  netChardevs: NetChardevFacts[];
  /**
   * Every `<redirdev>` (same as the domain's `redirdevs`).
   */
  redirdevs: RedirdevFacts[];
  /**
   * The first `<redirfilter>`; null when absent (same as the domain's `redirfilter`).
   */
  redirfilter: RedirfilterFacts | null;
  /**
   * One entry per `<disk>` (same as the domain's `diskAccess`).
   */
  diskAccess: DiskAccessFacts[];
}
