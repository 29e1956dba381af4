import type { PlatformInfo } from '../common/platform';
import type { SourceLocation } from '../../util/location';

/**
 * Platform facts of a host (`host.*` in CEL, built by `buildPlatformFacts`): kernel and command line, KVM module
 * parameters, CPUs, NUMA, huge pages, THP, workqueues, IOMMU and interrupt remapping, PCI devices, block devices,
 * resctrl. Conventions as in model.ts: null for absent, sorted number[] for CPU/node sets, `loc` (file = absolute
 * path on the host, line, column) + `key` on everything a rule points at. A whole area whose evidence is missing
 * is null and its path is recorded in `unknown` with the reason.
 */
export interface PLocated {
  loc: SourceLocation;
  key: string;
}

/** One sysfs/procfs value file (a module parameter, `numa_node`...). */
export interface SysfsValueFact extends PLocated {
  /** The text without its trailing newline. */
  text: string;
  /** The value as an integer, when it is one. */
  int: number | null;
  /** The value as a kernel bool (`Y`/`N`/`1`/`0`), when it is one. */
  bool: boolean | null;
}

/** A `%*pb` CPU mask file (workqueue cpumask...). */
export interface KernelMaskFact extends PLocated {
  text: string;
  /** CPUs set in the mask; null when the text is not a mask (see platformProblems). */
  cpus: number[] | null;
}

/** One kernel command-line parameter (the effective = last occurrence, unless stated). */
export interface CmdlineParamFact extends PLocated {
  /** Name as written. */
  name: string;
  /** Value without quotes; null for a bare flag. */
  value: string | null;
  /** kstrtobool() of the value (bare flag = true); null when not a bool. */
  bool: boolean | null;
  /** The value split at commas (`intel_iommu=on,sm_on` → [on, sm_on]). */
  options: string[];
}

export interface HostCmdlineFacts extends PLocated {
  text: string;
  /** Effective parameters keyed by name with `-` → `_` (`kvm_arm.vgic_v4_enable`); the last occurrence wins. */
  params: Record<string, CmdlineParamFact>;
  /** Every occurrence in order (duplicates kept). */
  all: CmdlineParamFact[];
  /** Words after ` -- ` (for init). */
  init: string[];
}

export interface KernelFacts extends PLocated {
  /** `uname -r`. */
  release: string | null;
  /** `uname -m` as printed (x86_64, aarch64, ...). */
  machine: string | null;
  /** Normalised architecture: x86_64, aarch64, ppc64le, s390x, ... (arm64 → aarch64). */
  arch: string | null;
}

export interface KvmFacts extends PLocated {
  /** Every parameter file found under /sys/module/kvm/parameters, by file name. */
  params: Record<string, SysfsValueFact>;
  haltPollNs: SysfsValueFact | null;
  haltPollNsGrow: SysfsValueFact | null;
  haltPollNsGrowStart: SysfsValueFact | null;
  haltPollNsShrink: SysfsValueFact | null;
  /** openEuler arm64 only. */
  forceWfiTrap: SysfsValueFact | null;
  /** The kernel's default halt_poll_ns for this architecture (x86: 200000, arm64: 500000), null when unknown. */
  defaultHaltPollNs: number | null;
}

export interface WorkqueueFacts extends PLocated {
  /** /sys/devices/virtual/workqueue/cpumask: where *unbound* workqueues' kworkers may run. */
  cpumask: KernelMaskFact | null;
  /** cpumask_requested (Linux >= 6.x): what the admin wrote, before isolated CPUs are removed. */
  requested: KernelMaskFact | null;
  /** cpumask_isolated (Linux >= 6.x): CPUs removed from unbound work (isolcpus=domain, cpuset isolated partitions). */
  isolated: KernelMaskFact | null;
  /** Shortcut: CPUs of `cpumask` (empty when unknown). */
  unboundCpus: number[];
}

export interface CpuFacts extends PLocated {
  /** /sys/devices/system/cpu/online. */
  online: number[];
  /** /sys/devices/system/cpu/isolated (isolcpus=), null when not collected. */
  isolated: number[] | null;
  /** /sys/devices/system/cpu/nohz_full, null when absent. */
  nohzFull: number[] | null;
}

export interface NodeHugepagePoolFact extends PLocated {
  node: number;
  sizeKib: number;
  nr: number | null;
  free: number | null;
}

export interface NumaNodeFacts extends PLocated {
  id: number;
  cpus: number[];
  /** Per-node huge page pools (`nodeN/hugepages/hugepages-<KiB>kB/{nr,free}_hugepages`). */
  hugepages: NodeHugepagePoolFact[];
}

export interface NumaFacts extends PLocated {
  /** /sys/devices/system/node/online; null when not collected (then: the ids of `nodes`). */
  online: number[];
  nodes: NumaNodeFacts[];
}

export interface HugepagePoolFacts extends PLocated {
  /** Page size in KiB (from the directory name `hugepages-<KiB>kB`). */
  sizeKib: number;
  /** nr_hugepages (persistent pool size); null when unreadable. */
  nr: number | null;
  free: number | null;
  /** The per-node split of this pool. */
  nodes: NodeHugepagePoolFact[];
  /** Whether this is the default huge page size. */
  isDefault: boolean;
}

export interface MeminfoHugepageFacts extends PLocated {
  total: number | null;
  free: number | null;
  rsvd: number | null;
  surp: number | null;
  /** `Hugepagesize:` (kB): the default huge page size. */
  pageSizeKib: number | null;
  /** `Hugetlb:` (kB): memory in huge pages of all sizes. */
  hugetlbKib: number | null;
}

export interface HugepagesFacts extends PLocated {
  /** One entry per `hugepages-<KiB>kB` directory, sorted by size. No directory = no hugetlb pools. */
  pools: HugepagePoolFacts[];
  /** Default huge page size in KiB: /proc/meminfo `Hugepagesize`, else cmdline `default_hugepagesz=`. */
  defaultSizeKib: number | null;
  meminfo: MeminfoHugepageFacts | null;
}

export interface SelectedValueFact extends PLocated {
  /** The `[bracketed]` option, null when none is selected. */
  selected: string | null;
  options: string[];
}

export interface ThpFacts extends PLocated {
  enabled: SelectedValueFact | null;
  defrag: SelectedValueFact | null;
  /** `transparent_hugepage=` on the command line (boot default). */
  cmdline: CmdlineParamFact | null;
}

export interface MountFact extends PLocated {
  device: string;
  mountpoint: string;
  fstype: string;
  options: string[];
}

export interface ResctrlFacts extends PLocated {
  /** A resctrl file system is mounted (libvirt needs /sys/fs/resctrl). */
  mounted: boolean;
  mount: MountFact | null;
  /** `mpam=` on the command line (Kunpeng/openEuler: `mpam=acpi` enables MPAM behind resctrl). */
  mpamCmdline: CmdlineParamFact | null;
  /** Resources under /sys/fs/resctrl/info (L3, MB, L3_MON...); null when not collected. */
  resources: string[] | null;
  /** Smallest num_closids over the resources: the number of groups incl. the default one; null when unknown. */
  numClosids: number | null;
}

export interface IommuFacts extends PLocated {
  /** Entries of /sys/class/iommu (dmar0, ivhu0, smmu3.0x...); null when not collected. */
  units: string[] | null;
  /** Entries of /sys/kernel/iommu_groups; null when not collected. */
  groups: string[] | null;
  /** The kernel has IOMMU groups, i.e. VFIO passthrough is possible. */
  enabled: boolean;
  /** Why `enabled` is what it is, naming the cmdline parameter that decided it when one did. */
  reason: string;
  intelIommu: CmdlineParamFact | null;
  amdIommu: CmdlineParamFact | null;
  /** Generic `iommu=` (x86: off, pt, soft, force...). */
  iommu: CmdlineParamFact | null;
  intremap: CmdlineParamFact | null;
  /** From dmesg: 'enabled' (a remapping-enabled line was seen), 'disabled' (cmdline intremap=off), else 'unknown'. */
  interruptRemapping: 'enabled' | 'disabled' | 'unknown';
  /** The dmesg line that showed interrupt remapping, if any. */
  interruptRemappingEvidence: string | null;
  /**
   * Settings that let VFIO assign devices without MSI isolation (interrupt remapping): the runtime
   * allow_unsafe_interrupts value, modprobe.d options and cmdline parameters. `unsafe` marks the dangerous ones.
   */
  interruptSettings: InterruptSettingFact[];
}

export interface InterruptSettingFact extends PLocated {
  /** What the setting is, e.g. `/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts`, `intremap=off`. */
  what: string;
  text: string;
  unsafe: boolean;
  /** What the setting does. */
  effect: string;
}

export interface PciPeerFact {
  bdf: string;
  driver: string | null;
  /** PCI class code as text (0x060400), null when unknown. */
  class: string | null;
  /** The peer does not stop VFIO from using the group: no driver, a vfio driver, pci-stub, pcieport, or a bridge. */
  vfioCompatible: boolean;
}

export interface PciDeviceFacts extends PLocated {
  /** `DDDD:BB:SS.F`, lower-case hex as sysfs names it. */
  bdf: string;
  /** Bound driver (basename of the `driver` link target), null when unbound. */
  driver: string | null;
  /** Bound to vfio-pci or a vendor vfio variant driver. */
  vfioBound: boolean;
  class: string | null;
  /** `numa_node`; -1 = the firmware does not say; null when unreadable. */
  numaNode: number | null;
  /** IOMMU group number (from the `iommu_group` link), null when the device has none. */
  iommuGroup: string | null;
  /** Other devices of the same IOMMU group. */
  groupPeers: PciPeerFact[];
}

export interface PciFacts extends PLocated {
  /** By BDF (`0000:81:00.1`). */
  devices: Record<string, PciDeviceFacts>;
  list: PciDeviceFacts[];
}

export interface BlockDeviceFact {
  /** Kernel name (sdc, sdc1, dm-3, nvme0n1p2). */
  name: string;
  /** From `partition` and `dm/uuid` (LVM-…, mpath-…, partN-…); `dm` = another device-mapper target. */
  kind: 'disk' | 'partition' | 'lvm' | 'multipath' | 'dm';
  /** Partition number (from `/sys/class/block/<dev>/partition`). */
  partition: number | null;
  /** Device-mapper name (LVM `vg-lv`, multipath `mpatha`), from `dm/name`. */
  dmName: string | null;
}

export interface BlockFacts extends PLocated {
  /** Block devices by kernel name. */
  devices: Record<string, BlockDeviceFact>;
  /** Device paths the evidence can resolve (`/dev/sdc1`, `/dev/disk/by-id/...`, `/dev/mapper/...`), to the device. */
  byPath: Record<string, BlockDeviceFact>;
}

export interface DomainStateFacts {
  /** Running domains (`virsh list --name`); null when not collected (offline root, snapshot without virsh). */
  running: string[] | null;
  /** Domains with an /etc/libvirt/qemu/autostart/<name>.xml link. */
  autostart: string[];
  /** running ∪ autostart: the domains that hold host resources now or after a reboot. */
  active: string[];
}

export interface PlatformProblemFact extends PLocated {
  code: string;
  level: 'error' | 'warning';
  message: string;
}

/** Platform facts of a host (kernel command line, KVM, CPUs, NUMA, memory, workqueues, IOMMU, PCI, resctrl). */
export interface PlatformFacts {
  kernel: KernelFacts | null;
  cmdline: HostCmdlineFacts | null;
  kvm: KvmFacts | null;
  workqueue: WorkqueueFacts | null;
  cpus: CpuFacts | null;
  numa: NumaFacts | null;
  hugepages: HugepagesFacts | null;
  thp: ThpFacts | null;
  mounts: MountFact[] | null;
  resctrl: ResctrlFacts | null;
  iommu: IommuFacts | null;
  pci: PciFacts | null;
  block: BlockFacts | null;
  domainState: DomainStateFacts;
  /** libvirt, QEMU and kernel versions (upstream numbers) and where each came from; null when unknown. */
  versions: PlatformInfo;
  /** Parse problems of platform evidence (bad masks, unparsable sysfs values...). */
  platformProblems: PlatformProblemFact[];
}
