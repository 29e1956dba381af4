import { withCpusetBudget } from '../cpuset';
import { derivePerfFacts } from './derived-perf';
import { deriveSecurityFacts } from './derived-sec';
import { child, parseXml, type XmlElement } from '../xml';
import type { Problem } from '../../util/problem';
import type { SourceLocation } from '../../util/location';
import type { DomainFacts, FeatureStateFacts } from './model';

import { attr, domainBuildContext, located } from './build-common';
import { buildCpuFacts } from './build-cpu';
import { buildDeviceSecurityFacts, buildDevices } from './build-devices';
import { buildHugepages } from './build-memory';
import { buildQemuNamespace } from './build-qemu';
import { buildSeclabels } from './build-seclabels';

export type DomainParseResult = { ok: true; domain: DomainFacts } | { ok: false; problems: Problem[] };

/** Parses one libvirt domain XML document into DomainFacts. Never throws for bad input. */
export function parseDomainXml(text: string, file: string): DomainParseResult {
  const parsed = parseXml(text, file);
  if (!parsed.ok) return parsed;
  const root = parsed.root;
  if (root.local !== 'domain' || root.ns !== '') {
    return {
      ok: false,
      problems: [{ code: 'xml.not-a-domain', level: 'error', message: `root element is <${root.name}>, not a libvirt <domain>`, location: root.loc }],
    };
  }
  return buildDomain(root, file);
}

/**
 * buildDomainFacts within the document limits: cpusets are expanded within a per-document budget
 * (MAX_EXPANDED_CPUS_PER_DOCUMENT); a document over it is refused with a document-limit problem, so that no rule
 * judges its incomplete facts.
 */
export function buildDomain(root: XmlElement, file: string): DomainParseResult {
  const built = withCpusetBudget(() => buildDomainFacts(root, file));
  if (built.exceeded) return { ok: false, problems: [{ code: 'domain.limit', level: 'error', message: built.exceeded, location: root.loc }] };
  return { ok: true, domain: built.value };
}

/**
 * One domain document's facts, one module per area (the host builders' layout): build-cpu.ts, build-memory.ts,
 * build-devices.ts, build-seclabels.ts, build-qemu.ts; derived-perf.ts / derived-sec.ts then join them. Areas are
 * built in the order one function built them before the split, so problems keep their order.
 */
export function buildDomainFacts(root: XmlElement, file: string): DomainFacts {
  const ctx = domainBuildContext();
  const { problems, single, scaled } = ctx;

  const osEl = single(root, 'os');
  const typeEl = child(osEl, 'type');
  const loaderEl = child(osEl, 'loader');
  const devices = single(root, 'devices');
  const cpuEl = single(root, 'cpu');
  const vcpuEl = single(root, 'vcpu');
  const cputuneEl = single(root, 'cputune');
  const numatuneEl = single(root, 'numatune');
  const memoryBacking = single(root, 'memoryBacking');
  const featuresEl = single(root, 'features');
  const iothreadsEl = single(root, 'iothreads');
  const iothreadidsEl = single(root, 'iothreadids');
  const nameEl = single(root, 'name');
  const uuidEl = single(root, 'uuid');

  const { vcpu, topology, cpu, declaredIds, iothreadCount, iothreadIds, cputune, numatune } = buildCpuFacts(ctx, { cpuEl, vcpuEl, cputuneEl, numatuneEl, iothreadsEl, iothreadidsEl });
  const hugepages = buildHugepages(typeEl, memoryBacking);

  // <features>
  const kvmEl = child(featuresEl, 'kvm');
  const state = (el: XmlElement | undefined, key: string): FeatureStateFacts | null => (el ? { ...located(el, key), state: attr(el, 'state') } : null);
  const features: DomainFacts['features'] = {
    loc: featuresEl ? featuresEl.loc : null,
    kvm: kvmEl ? { hintDedicated: state(child(kvmEl, 'hint-dedicated'), 'features/kvm/hint-dedicated'), pollControl: state(child(kvmEl, 'poll-control'), 'features/kvm/poll-control') } : null,
    pvspinlock: state(child(featuresEl, 'pvspinlock'), 'features/pvspinlock'),
  };

  const { devs, disks, controllers, hostdevs, graphics, tpms, channels } = buildDevices(ctx, devices);
  const seclabels = buildSeclabels(root);
  const qemu = buildQemuNamespace(root);

  const os: DomainFacts['os'] = osEl
    ? {
        ...located(osEl, 'os'),
        arch: attr(typeEl, 'arch'),
        machine: attr(typeEl, 'machine'),
        firmware: attr(osEl, 'firmware'),
        loader: loaderEl ? loaderEl.text || null : null,
        loaderType: attr(loaderEl, 'type'),
        uefi: false,
        armVirt: false,
        pseries: false,
      }
    : null;

  const domain: DomainFacts = {
    ...located(root, 'domain'),
    file,
    name: nameEl ? nameEl.text : null,
    uuid: uuidEl ? uuidEl.text : null,
    type: attr(root, 'type'),
    live: attr(root, 'id') !== null,
    os,
    memory: scaled(single(root, 'memory')),
    currentMemory: scaled(single(root, 'currentMemory')),
    vcpu,
    cpu,
    topology,
    numaCells: cpu ? cpu.numaCells : [],
    iothreads: iothreadsEl || iothreadidsEl ? { ...located((iothreadsEl ?? iothreadidsEl) as XmlElement, 'iothreads'), count: iothreadCount, ids: iothreadIds, declaredIds } : null,
    iothreadIds,
    cputune,
    numatune,
    hugepages,
    features,
    disks,
    controllers,
    hostdevs,
    graphics,
    tpms,
    channels,
    seclabels,
    qemu,
    ...buildDeviceSecurityFacts(root, devs),
    iothreadRefs: [],
    iothreadUse: [],
    vcpuAffinity: [],
    vcpuPinnedCpus: [],
    vcpusPinnedOneToOne: false,
    hostCpuPins: [],
    memoryNodeBound: false,
    cpusets: [],
    problems,
  };
  derivePerfFacts(domain);
  deriveSecurityFacts(domain);
  return domain;
}

export type { SourceLocation };
