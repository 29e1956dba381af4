/** Domain facts, memory area: <memoryBacking><hugepages> (page sizes, nodesets, the system page size of the arch). */
import { scaledToKiB } from '../units';
import { child, childrenNamed, type XmlElement } from '../xml';
import { attr, cpuset, located } from './build-common';
import { type DomainFacts } from './model';

export function buildHugepages(typeEl: XmlElement | undefined, memoryBacking: XmlElement | undefined): DomainFacts['hugepages'] {
  // <memoryBacking><hugepages>
  // A "huge" page of the system page size is ordinary memory for libvirt (qemuBuildMemoryBackendProps:
  // pagesize == virGetSystemPageSizeKB() -> memory-backend-ram). The base page size of the guest architecture's
  // kernels: 4 KiB, or 16/64 KiB on arm64 and 64 KiB on ppc64 kernels built so.
  const arch = attr(typeEl, 'arch');
  const systemSizes = arch === 'aarch64' ? [4, 16, 64] : arch === 'ppc64' || arch === 'ppc64le' ? [4, 64] : [4];
  const hpEl = child(memoryBacking, 'hugepages');
  const hugepages: DomainFacts['hugepages'] = hpEl
    ? {
        ...located(hpEl, 'hugepages'),
        defaultPageKib: null,
        pages: childrenNamed(hpEl, 'page').map((p, i) => {
          const sizeText = attr(p, 'size');
          const r = sizeText === null ? null : scaledToKiB(sizeText, attr(p, 'unit') ?? undefined);
          return {
            ...located(p, `hugepages/page[${sizeText ?? '-'}${attr(p, 'unit') ?? ''}${attr(p, 'nodeset') ? `@${attr(p, 'nodeset')}` : ''}#${i}]`),
            sizeText,
            unit: attr(p, 'unit'),
            sizeKib: r && r.ok ? r.kib : null,
            sizeError: r && !r.ok ? r.message : null,
            nodeset: cpuset(attr(p, 'nodeset')),
            systemSize: r !== null && r.ok && systemSizes.includes(r.kib),
            isDefault: false,
            cells: [],
            conflict: null,
          };
        }),
      }
    : null;
  return hugepages;
}
