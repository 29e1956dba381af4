/** Domain facts, CPU area: <vcpu>, <cpu> (topology, NUMA cells), IOThreads, <cputune> (pins, resctrl), <numatune>. */
import { parseCount, scaledToKiB } from '../units';
import { child, childrenNamed, type XmlElement } from '../xml';
import { attr, cpuset, located, type DomainBuildContext } from './build-common';
import {
  type CacheFacts,
  type CpusetFact,
  type DomainFacts,
  type PinFacts,
  type ResctrlFacts,
  type TopologyFacts,
} from './model';

export interface CpuElements {
  cpuEl?: XmlElement;
  vcpuEl?: XmlElement;
  cputuneEl?: XmlElement;
  numatuneEl?: XmlElement;
  iothreadsEl?: XmlElement;
  iothreadidsEl?: XmlElement;
}

export function buildCpuFacts(ctx: DomainBuildContext, { cpuEl, vcpuEl, cputuneEl, numatuneEl, iothreadsEl, iothreadidsEl }: CpuElements) {
  const { count } = ctx;
  // <vcpu>
  const vcpu: DomainFacts['vcpu'] = vcpuEl
    ? {
        ...located(vcpuEl, 'vcpu'),
        max: count(vcpuEl, vcpuEl.text, '<vcpu>'),
        maxText: vcpuEl.text,
        current: count(vcpuEl, attr(vcpuEl, 'current'), "<vcpu current='…'>"),
        placement: attr(vcpuEl, 'placement'),
        cpuset: cpuset(attr(vcpuEl, 'cpuset')),
      }
    : null;

  // <cpu>
  const topoEl = child(cpuEl, 'topology');
  const dims = ['sockets', 'dies', 'clusters', 'cores', 'threads'] as const;
  const topology: TopologyFacts | null = topoEl
    ? (() => {
        const v: Record<string, number> = {};
        for (const d of dims) v[d] = attr(topoEl, d) === null ? 1 : count(topoEl, attr(topoEl, d), `topology ${d}`) ?? 1;
        return {
          ...located(topoEl, 'cpu/topology'),
          sockets: v.sockets,
          dies: v.dies,
          clusters: v.clusters,
          cores: v.cores,
          threads: v.threads,
          product: v.sockets * v.dies * v.clusters * v.cores * v.threads,
          declared: dims.filter((d) => attr(topoEl, d) !== null),
        };
      })()
    : null;
  const cpu: DomainFacts['cpu'] = cpuEl
    ? {
        ...located(cpuEl, 'cpu'),
        mode: attr(cpuEl, 'mode'),
        match: attr(cpuEl, 'match'),
        check: attr(cpuEl, 'check'),
        topology,
        numaCells: childrenNamed(child(cpuEl, 'numa'), 'cell').map((c, i) => ({
          ...located(c, `cpu/numa/cell[${attr(c, 'id') ?? i}]`),
          id: count(c, attr(c, 'id'), 'cell id'),
          cpus: cpuset(attr(c, 'cpus')),
          memoryKib: attr(c, 'memory') === null ? null : (() => {
            const r = scaledToKiB(attr(c, 'memory') as string, attr(c, 'unit') ?? undefined);
            return r.ok ? r.kib : null;
          })(),
        })),
      }
    : null;

  // IOThreads: <iothreadids> ids, auto-filled with the lowest unused ids up to <iothreads> (libvirt raises
  // <iothreads> to the number of ids when it is lower).
  const declaredIds = childrenNamed(iothreadidsEl, 'iothread').map((e) => ({ ...located(e, `iothreadids/iothread[${attr(e, 'id')}]`), id: count(e, attr(e, 'id'), 'iothread id') }));
  const iothreadCount = iothreadsEl ? count(iothreadsEl, iothreadsEl.text, '<iothreads>') : null;
  const idSet = new Set(declaredIds.map((d) => d.id).filter((n): n is number => n !== null && n > 0));
  const target = Math.min(Math.max(iothreadCount ?? 0, idSet.size), 16384);
  for (let next = 1; idSet.size < target; next++) if (!idSet.has(next)) idSet.add(next);
  const iothreadIds = [...idSet].sort((a, b) => a - b);

  // <cputune>
  const pin = (el: XmlElement, idAttr: string | null, key: string): PinFacts => ({
    ...located(el, key),
    id: idAttr === null ? null : count(el, attr(el, idAttr), `${el.local}@${idAttr}`),
    idText: idAttr === null ? null : attr(el, idAttr),
    cpuset: cpuset(attr(el, 'cpuset') ?? '') as CpusetFact,
    duplicateOf: null,
  });
  const resctrl: ResctrlFacts[] = cputuneEl
    ? cputuneEl.children
        .filter((e) => e.ns === '' && (e.local === 'cachetune' || e.local === 'memorytune'))
        .map((e) => ({
          ...located(e, `${e.local}[${attr(e, 'vcpus') ?? e.loc.path}]`),
          element: e.local as 'cachetune' | 'memorytune',
          vcpus: cpuset(attr(e, 'vcpus')),
          caches: childrenNamed(e, 'cache').map(
            (c): CacheFacts => ({
              ...located(c, `${e.local}[${attr(e, 'vcpus')}]/cache[${attr(c, 'id')},${attr(c, 'level')},${attr(c, 'type')}]`),
              id: attr(c, 'id'),
              level: attr(c, 'level'),
              type: attr(c, 'type'),
              size: parseCount(attr(c, 'size') ?? undefined) ?? null,
              sizeText: attr(c, 'size'),
              unit: attr(c, 'unit'),
            }),
          ),
          nodes: childrenNamed(e, 'node').map((n) => {
            const attrs: Record<string, number | string> = {};
            for (const [k, v] of Object.entries(n.attrs)) attrs[k] = /^-?\d+$/.test(v.trim()) && v.trim().length < 16 ? Number(v) : v;
            return { ...located(n, `${e.local}[${attr(e, 'vcpus')}]/node[${attr(n, 'id')}]`), id: attr(n, 'id'), attrs };
          }),
          conflict: null,
        }))
    : [];
  const cputune: DomainFacts['cputune'] = cputuneEl
    ? {
        ...located(cputuneEl, 'cputune'),
        vcpupins: childrenNamed(cputuneEl, 'vcpupin').map((e, i) => pin(e, 'vcpu', `vcpupin[${attr(e, 'vcpu') ?? `#${i}`}]`)),
        emulatorpin: (() => {
          const e = child(cputuneEl, 'emulatorpin');
          return e ? pin(e, null, 'emulatorpin') : null;
        })(),
        iothreadpins: childrenNamed(cputuneEl, 'iothreadpin').map((e, i) => pin(e, 'iothread', `iothreadpin[${attr(e, 'iothread') ?? `#${i}`}]`)),
        resctrl,
      }
    : null;

  // <numatune>
  const numatune: DomainFacts['numatune'] = numatuneEl
    ? {
        ...located(numatuneEl, 'numatune'),
        memory: (() => {
          const m = child(numatuneEl, 'memory');
          return m ? { ...located(m, 'numatune/memory'), mode: attr(m, 'mode'), placement: attr(m, 'placement'), nodeset: cpuset(attr(m, 'nodeset')) } : null;
        })(),
        memnodes: childrenNamed(numatuneEl, 'memnode').map((m, i) => ({
          ...located(m, `memnode[${attr(m, 'cellid') ?? `#${i}`}]`),
          cellid: count(m, attr(m, 'cellid'), 'memnode cellid'),
          mode: attr(m, 'mode'),
          nodeset: cpuset(attr(m, 'nodeset')),
        })),
        conflicts: [],
      }
    : null;
  return { vcpu, topology, cpu, declaredIds, iothreadCount, iothreadIds, cputune, numatune };
}
