import type { SourceLocation } from '../../util/location';
import type { Problem } from '../../util/problem';
import type { DeviceSecurityFacts } from './model-devices';

/**
 * The facts rules see for one libvirt domain (`domain` in CEL). Built from domain XML by `buildDomainFacts`.
 * Conventions: absent attributes/elements are `null` (never missing keys), so rules can test `x != null`;
 * numbers are JS numbers; CPU/node sets are sorted `number[]`; every element a rule can point at has `loc`
 * (file, line, column, path) and `key` (a stable identity used for fingerprints, e.g. `disk[vdb]`).
 * Secrets are never copied: for graphics passwords only `passwdSet`/`passwdLength` are recorded.
 */
export interface Located {
  loc: SourceLocation;
  key: string;
}

/** A libvirt cpuset/nodeset attribute: the text, the parsed set, or why libvirt would reject it. */
export interface CpusetFact {
  text: string;
  cpus: number[] | null;
  error: string | null;
}

export interface TopologyFacts extends Located {
  sockets: number;
  dies: number;
  clusters: number;
  cores: number;
  threads: number;
  /** sockets × dies × clusters × cores × threads, missing attributes counting as 1. */
  product: number;
  /** Attributes actually written (e.g. to know that `clusters` was used). */
  declared: string[];
}

export interface NumaCellFacts extends Located {
  id: number | null;
  cpus: CpusetFact | null;
  memoryKib: number | null;
}

export interface CpuFacts extends Located {
  mode: string | null;
  match: string | null;
  check: string | null;
  topology: TopologyFacts | null;
  numaCells: NumaCellFacts[];
}

export interface VcpuFacts extends Located {
  /** The element's text: the maximum number of vCPUs. */
  max: number | null;
  maxText: string;
  current: number | null;
  placement: string | null;
  cpuset: CpusetFact | null;
}

export interface PinFacts extends Located {
  /** vcpupin@vcpu / iothreadpin@iothread, null for emulatorpin or when not a number. */
  id: number | null;
  idText: string | null;
  cpuset: CpusetFact;
  /** Line of an earlier pin for the same vCPU/IOThread (libvirt rejects the duplicate), else null. */
  duplicateOf: number | null;
}

export interface CacheFacts extends Located {
  id: string | null;
  level: string | null;
  type: string | null;
  size: number | null;
  sizeText: string | null;
  unit: string | null;
}

export interface ResctrlNodeFacts extends Located {
  id: string | null;
  /** Raw attribute values (bandwidth, min_bandwidth, hardlimit, priority ...) as numbers when numeric. */
  attrs: Record<string, number | string>;
}

export interface ResctrlFacts extends Located {
  element: 'cachetune' | 'memorytune';
  vcpus: CpusetFact | null;
  caches: CacheFacts[];
  nodes: ResctrlNodeFacts[];
  /**
   * Why libvirt's parser rejects this group next to an earlier one (cachetunes are parsed before memorytunes):
   * `Overlapping vcpus in resctrls` (sets overlap but differ) or `Identical vcpus in cachetunes found`; else null.
   */
  conflict: string | null;
}

export interface CputuneFacts extends Located {
  vcpupins: PinFacts[];
  emulatorpin: PinFacts | null;
  iothreadpins: PinFacts[];
  resctrl: ResctrlFacts[];
}

export interface MemnodeFacts extends Located {
  cellid: number | null;
  mode: string | null;
  nodeset: CpusetFact | null;
}

export interface NumatuneFacts extends Located {
  memory: (Located & { mode: string | null; placement: string | null; nodeset: CpusetFact | null }) | null;
  memnodes: MemnodeFacts[];
  /**
   * Derived: what libvirt's numatune parsing (virDomainNumatuneParseXML / virDomainNumatuneSet, libvirt 9.0) refuses
   * in the memory policy, each at the element concerned: an unknown `<memory mode>` or `placement`, static placement
   * without nodeset, `<memnode>` bindings with automatic placement, a `<memnode>` not restrictive under a restrictive
   * `<memory>`. Messages are libvirt's own. (`<memnode>` cellid/mode/nodeset errors are the memnode facts'.)
   */
  conflicts: (Located & { message: string })[];
}

export interface HugepageFacts extends Located {
  sizeText: string | null;
  unit: string | null;
  /** Page size in KiB after libvirt's unit scaling (null: no size given, or an invalid one; libvirt refuses both). */
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
  /** Derived: ids of the existing guest NUMA cells whose memory this page backs (empty without guest NUMA cells). */
  cells: number[];
  /**
   * Derived: the error libvirt's generic validation (virDomainDefMemtuneValidate, run at define) reports for this
   * page, e.g. `hugepages: node 2 not found`, `two master hugepages detected: 2048 and 1048576`,
   * `nodeset attribute of hugepages of sizes 1048576 and 2048 intersect`; null when none (or when a size or nodeset
   * that libvirt cannot parse makes it unknown).
   */
  conflict: string | null;
}

export interface DiskFacts extends Located {
  type: string | null;
  device: string;
  bus: string | null;
  /** `bus`, or when absent the bus libvirt derives from the target name (vd→virtio, sd→scsi, hd→ide, xvd→xen). */
  busEffective: string | null;
  dev: string | null;
  rawio: string | null;
  sgio: string | null;
  shareable: boolean;
  source: { file: string | null; dev: string | null; protocol: string | null; name: string | null };
  driver: (Located & { name: string | null; type: string | null; cache: string | null; io: string | null; iothread: number | null; iothreadText: string | null }) | null;
}

export interface ControllerFacts extends Located {
  type: string | null;
  model: string | null;
  index: string | null;
  driver: (Located & { iothread: number | null; iothreadText: string | null }) | null;
}

export interface PciAddress {
  domain: number | null;
  bus: number | null;
  slot: number | null;
  function: number | null;
  /** Canonical `DDDD:BB:SS.F`, or null when a part is missing or not a number. */
  bdf: string | null;
  /** Attribute texts as written, e.g. `function='0x00'`. */
  text: Record<string, string>;
}

export interface HostdevFacts extends Located {
  mode: string | null;
  type: string | null;
  managed: string | null;
  driverName: string | null;
  source: (Located & PciAddress) | null;
  alias: string | null;
  /** openEuler's `<hostdev><numa node='N'/>` extension. */
  numa: (Located & { node: string | null }) | null;
}

export interface GraphicsFacts extends Located {
  type: string | null;
  port: string | null;
  autoport: string | null;
  /** Listen addresses from `listen=` and `<listen type='address' address=…>`. */
  listenAddresses: string[];
  listenTypes: string[];
  /** True when no listen attribute/element at all: qemu.conf's vnc_listen/spice_listen applies. */
  listenDefault: boolean;
  /** Derived: `listenAddresses` that are not loopback (0.0.0.0, ::, routable IPs, host names other than localhost). */
  exposedAddresses: string[];
  passwdSet: boolean;
  /** `passwd=''` written: an empty password (libvirt passes it on to QEMU). */
  passwdEmpty: boolean;
  passwdLength: number;
  passwdValidTo: string | null;
  tlsPort: string | null;
  defaultMode: string | null;
}

export interface TpmFacts extends Located {
  model: string | null;
  backendType: string | null;
  backendVersion: string | null;
  encrypted: boolean;
  /**
   * Derived, as libvirt's QEMU driver fills them in (qemuDomainTPMDefPostParse, libvirt 6.x-9.x): the model
   * (`tpm-spapr` on ppc64, else `tpm-tis`, which QEMU creates as tpm-tis-device on Arm) and, for the emulator
   * backend, the TPM version (2.0 for tpm-spapr, tpm-crb and the Arm virt machine, else 1.2); null when the
   * architecture that decides it is unknown, or (version) for other backends.
   */
  effectiveModel: string | null;
  effectiveVersion: string | null;
  /** Derived: an earlier <tpm> of the same kind (proxy or not) in this domain: its line, else null. */
  duplicateOf: number | null;
}

export interface ChannelFacts extends Located {
  type: string | null;
  targetType: string | null;
  targetName: string | null;
}

export interface SeclabelFacts extends Located {
  type: string | null;
  model: string | null;
  relabel: string | null;
  label: string | null;
  /** Canonical MCS level of an SELinux `<label>` (low end, categories sorted: `s0:c200,c947`), else null. */
  mcs: string | null;
  imagelabel: string | null;
  baselabel: string | null;
}

export interface QemuArgFacts extends Located {
  value: string;
}

/** A `<qemu:commandline>` or `<qemu:override>` element (qemu namespace matched by URI, any prefix). */
export interface QemuBlockFacts extends Located {
  element: 'commandline' | 'override';
  /** The prefix as written (`qemu`, or another one bound to the qemu URI). */
  prefix: string;
  /** Number of `<arg>` / `<env>` children (commandline) or `<device>` children (override). */
  entries: number;
}

/** Derived: a `<qemu:arg>` option whose value makes QEMU open a network endpoint (`-monitor tcp:…`, `-gdb`, `-vnc`…). */
export interface QemuListenerFacts extends Located {
  /** The option as written (`-qmp`). */
  option: string;
  value: string;
  /** What is opened, e.g. `tcp:0.0.0.0:4444,server=on,wait=off`, `vnc :0`, `hostfwd=tcp::2222-:22`. */
  endpoint: string;
}

export interface QemuOverrideDeviceFacts extends Located {
  alias: string | null;
  properties: (Located & { name: string | null; type: string | null; value: string | null })[];
}

export interface FeatureStateFacts extends Located {
  state: string | null;
}

/** Device/resource facts for the security rules are declared in model-devices.ts. */
export interface DomainFacts extends Located, DeviceSecurityFacts {
  file: string;
  name: string | null;
  uuid: string | null;
  /** `<domain type=…>`: kvm, qemu, ... */
  type: string | null;
  /** A live definition (`virsh dumpxml` of a running domain carries `id=`). */
  live: boolean;
  os: (Located & {
    arch: string | null;
    machine: string | null;
    firmware: string | null;
    loader: string | null;
    loaderType: string | null;
    /** Derived: boots UEFI (edk2/OVMF/AAVMF): `firmware='efi'`, a pflash `<loader>`, or a loader path naming edk2. */
    uefi: boolean;
    /** Derived: the Arm `virt` machine (qemuDomainIsARMVirt: arm/aarch64 with machine virt or virt-*; libvirt picks virt when none is given). */
    armVirt: boolean;
    /** Derived: an IBM pSeries guest (ppc64/ppc64le, machine pseries*): it boots SLOF, no UEFI exists for it. */
    pseries: boolean;
  }) | null;
  memory: (Located & { kib: number | null; error: string | null }) | null;
  currentMemory: (Located & { kib: number | null; error: string | null }) | null;
  vcpu: VcpuFacts | null;
  cpu: CpuFacts | null;
  /** Shortcut for `cpu.topology` (null when there is no <cpu> or no <topology>). */
  topology: TopologyFacts | null;
  /** Shortcut for `cpu.numaCells`: the guest NUMA cells, always a list (empty when there is no <cpu> or <numa>). */
  numaCells: NumaCellFacts[];
  iothreads: (Located & { count: number | null; ids: number[]; declaredIds: (Located & { id: number | null })[] }) | null;
  /** Effective IOThread ids: `<iothreadids>` auto-filled with the lowest unused ids up to `<iothreads>`. */
  iothreadIds: number[];
  cputune: CputuneFacts | null;
  numatune: NumatuneFacts | null;
  hugepages: (Located & { pages: HugepageFacts[]; /** Size (KiB) of the first `<page>` without nodeset: the domain-wide page size; null = the host's default huge page size. */ defaultPageKib: number | null }) | null;
  features: {
    loc: SourceLocation | null;
    kvm: { hintDedicated: FeatureStateFacts | null; pollControl: FeatureStateFacts | null } | null;
    pvspinlock: FeatureStateFacts | null;
  };
  disks: DiskFacts[];
  controllers: ControllerFacts[];
  hostdevs: HostdevFacts[];
  graphics: GraphicsFacts[];
  tpms: TpmFacts[];
  channels: ChannelFacts[];
  seclabels: SeclabelFacts[];
  qemu: {
    /** The `<qemu:commandline>` / `<qemu:override>` elements, in document order. */
    blocks: QemuBlockFacts[];
    args: QemuArgFacts[];
    /** Derived: network endpoints the extra arguments open. */
    listeners: QemuListenerFacts[];
    env: (Located & { name: string | null; value: string | null })[];
    overrideDevices: QemuOverrideDeviceFacts[];
    /** Elements in a namespace that looks like qemu's but has a different URI (libvirt ignores them). */
    ignoredForeign: Located[];
  };
  // ---- derived facts for the performance/availability rules ----
  /** Every reference to an IOThread id: disk/controller `<driver iothread>` and `<iothreadpin iothread>`. */
  iothreadRefs: IothreadRefFacts[];
  /** Each effective IOThread id with the disks/controllers that use it. */
  iothreadUse: IothreadUseFacts[];
  /** The effective affinity of each vCPU 0..max-1 (capped at 16384). */
  vcpuAffinity: VcpuAffinityFacts[];
  /** Union of the pCPUs vCPUs are pinned to (vcpupin or `<vcpu cpuset>`), sorted. */
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
  /** Guest memory is bound to host NUMA nodes: `<numatune><memory>` with a nodeset or placement='auto', or a `<memnode>`. */
  memoryNodeBound: boolean;
  /** Every cpuset/nodeset-grammar attribute in the domain, with libvirt's parse error if any. */
  cpusets: CpusetAttrFacts[];
  /** Structural problems libvirt tolerates or rejects (duplicate singletons, bad numbers...). */
  problems: (Problem & { key: string; loc: SourceLocation })[];
}

export interface IothreadRefFacts extends Located {
  element: 'disk' | 'controller' | 'iothreadpin';
  /** Key of the disk, controller or pin holding the reference (e.g. `disk[vdb]`). */
  owner: string;
  id: number | null;
  idText: string;
  /** Disk: its effective target bus; otherwise null. */
  bus: string | null;
  /** Controller: its type and model attribute; otherwise null. */
  controllerType: string | null;
  model: string | null;
  /** The id is one of the domain's effective IOThread ids. */
  defined: boolean;
}

export interface IothreadUseFacts extends Located {
  id: number;
  /** Keys of the disks/controllers whose `<driver iothread>` names this id. */
  users: string[];
}

export interface VcpuAffinityFacts extends Located {
  vcpu: number;
  /** pCPUs the vCPU may run on; null when unpinned or the cpuset is invalid. */
  cpus: number[] | null;
  /** Where the affinity comes from: its `<vcpupin>`, `<vcpu cpuset>`, numad (`placement='auto'`), or none. */
  source: 'vcpupin' | 'vcpu-cpuset' | 'auto' | null;
}

export interface HostCpuPinFacts {
  threads: 'vCPUs' | 'emulator' | 'IOThreads';
  /** Sorted, non-empty. */
  cpus: number[];
}

export interface CpusetAttrFacts extends Located {
  /** E.g. `vcpupin[0]@cpuset`, `numatune/memory@nodeset`. */
  attribute: string;
  text: string;
  /** libvirt's error for the value (`Failed to parse bitmap '…'`, `Invalid value of 'cpuset': …`), else null. */
  error: string | null;
  /** The parsed set (null when invalid). */
  cpus: number[] | null;
  /** What the numbers name: host CPUs (pins), host NUMA nodes (numatune), guest NUMA cells or guest vCPUs. */
  refersTo: 'host-cpus' | 'host-nodes' | 'guest-nodes' | 'guest-cpus';
}

export const QEMU_NS = 'http://libvirt.org/schemas/domain/qemu/1.0';
