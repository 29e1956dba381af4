/** Platform facts of a host (kernel command line, KVM, CPUs, NUMA, memory, workqueues, IOMMU, PCI, resctrl). */
export interface PlatformFacts {}
