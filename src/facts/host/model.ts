import type { AccessFacts } from './model-access';
import type { PlatformFacts } from './model-platform';

/**
 * The facts rules see for one host (`host` in CEL), built from an EvidenceBundle by `buildHostFacts`.
 * Same conventions as DomainFacts: null for absent, JS numbers, sorted number[] for CPU/node sets, `loc`
 * (file = absolute path on the host, line, column) + `key` on everything a rule points at, no secrets.
 * Two halves, built by separate modules: access control & isolation (libvirt daemons, remote access, SASL,
 * qemu.conf, SELinux/AppArmor, processes, swtpm) and the platform (kernel command line, KVM parameters, CPUs,
 * NUMA, hugepages, THP, workqueues, IOMMU, PCI devices, resctrl).
 */
export interface HostFacts extends AccessFacts, PlatformFacts {
  name: string;
  /** Whether evidence was collected with root privileges. */
  privileged: boolean;
  transport: 'local' | 'root' | 'ssh' | 'snapshot';
}
