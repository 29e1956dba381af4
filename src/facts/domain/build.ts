import { parseCpuset, withCpusetBudget } from '../cpuset';
import { formatCategories, parseSelinuxContext } from '../host/selinux';
import { buildDeviceSecurityFacts } from './build-devices';
import { derivePerfFacts } from './derived-perf';
import { deriveSecurityFacts } from './derived-sec';
import { parseCount, scaledToKiB } from '../units';
import { child, childrenNamed, parseXml, type XmlElement } from '../xml';
import type { Problem } from '../../util/problem';
import type { SourceLocation } from '../../util/location';
import {
  QEMU_NS,
  type CacheFacts,
  type CpusetFact,
  type DomainFacts,
  type FeatureStateFacts,
  type HostdevFacts,
  type PciAddress,
  type PinFacts,
  type ResctrlFacts,
  type TopologyFacts,
} from './model';

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

const attr = (el: XmlElement | undefined, name: string): string | null => (el && name in el.attrs ? el.attrs[name] : null);

function cpuset(text: string | null): CpusetFact | null {
  if (text === null) return null;
  const r = parseCpuset(text);
  return r.ok ? { text, cpus: r.cpus, error: null } : { text, cpus: null, error: r.message };
}

/** libvirt parses PCI address parts with strtol base 0: `0x1f` hex, `010` octal, `16` decimal. */
function base0(text: string | null): number | null {
  if (text === null) return null;
  const t = text.trim();
  let n: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) n = parseInt(t.slice(2), 16);
  else if (/^0[0-7]+$/.test(t)) n = parseInt(t, 8);
  else if (/^0\d+$/.test(t)) return null; // strtol base 0 stops at the 8/9 of '081': libvirt refuses it
  else if (/^\d+$/.test(t)) n = parseInt(t, 10);
  else return null;
  return n <= 0xffffffff ? n : null;
}

function pciAddress(el: XmlElement): PciAddress {
  const domain = base0(attr(el, 'domain') ?? '0');
  const bus = base0(attr(el, 'bus'));
  const slot = base0(attr(el, 'slot'));
  const fn = base0(attr(el, 'function') ?? '0');
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  const bdf = domain !== null && bus !== null && slot !== null && fn !== null ? `${hex(domain, 4)}:${hex(bus, 2)}:${hex(slot, 2)}.${fn.toString(16)}` : null;
  return { domain, bus, slot, function: fn, bdf, text: { ...el.attrs } };
}

/**
 * The listeners of a <graphics> element as libvirt 9.0 parses them (virDomainGraphicsListensParseXML): the
 * <listen> children; without any, one listener from the legacy `listen=` attribute (empty = none given) or, for
 * VNC, `socket=`; a VNC `socket=` attribute replaces a first address/network <listen> by a UNIX socket.
 */
function graphicsListens(g: XmlElement): { type: string; address: string | null }[] {
  const fromElements = childrenNamed(g, 'listen').map((l) => ({ type: attr(l, 'type') ?? 'address', address: attr(l, 'address') || null }));
  const socket = attr(g, 'type') === 'vnc' ? attr(g, 'socket') : null;
  const legacy = socket !== null ? { type: 'socket', address: null } : { type: 'address', address: attr(g, 'listen') || null };
  if (fromElements.length === 0) return [legacy];
  if (socket !== null && (fromElements[0].type === 'address' || fromElements[0].type === 'network')) fromElements[0] = legacy;
  return fromElements;
}

export function buildDomainFacts(root: XmlElement, file: string): DomainFacts {
  const problems: DomainFacts['problems'] = [];
  const located = (el: XmlElement, key: string) => ({ loc: el.loc, key });

  /** libvirt reads singletons as `./name[1]`: the first wins; later ones are reported. */
  const single = (parent: XmlElement | undefined, local: string, ns = ''): XmlElement | undefined => {
    if (!parent) return undefined;
    const all = childrenNamed(parent, local, ns);
    for (const dup of all.slice(1)) {
      problems.push({
        code: 'domain.duplicate-element',
        level: 'warning',
        message: `duplicate <${dup.name}> element: libvirt uses the first one (line ${all[0].loc.line}) and ignores this one`,
        location: dup.loc,
        loc: dup.loc,
        key: `duplicate:${dup.loc.path}`,
      });
    }
    return all[0];
  };
  const count = (el: XmlElement, text: string | null, what: string): number | null => {
    if (text === null) return null;
    const n = parseCount(text);
    if (n === undefined) {
      problems.push({ code: 'domain.invalid-number', level: 'error', message: `Invalid value '${text}' for ${what}`, location: el.loc, loc: el.loc, key: `number:${el.loc.path}:${what}` });
      return null;
    }
    return n;
  };
  const scaled = (el: XmlElement | undefined) => {
    if (!el) return null;
    const r = scaledToKiB(el.text, attr(el, 'unit') ?? undefined);
    if (!r.ok) problems.push({ code: 'domain.invalid-number', level: 'error', message: `Invalid value for <${el.name}>: ${r.message}`, location: el.loc, loc: el.loc, key: `number:${el.loc.path}` });
    return { ...located(el, el.local), kib: r.ok ? r.kib : null, error: r.ok ? null : r.message };
  };

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

  // <features>
  const kvmEl = child(featuresEl, 'kvm');
  const state = (el: XmlElement | undefined, key: string): FeatureStateFacts | null => (el ? { ...located(el, key), state: attr(el, 'state') } : null);
  const features: DomainFacts['features'] = {
    loc: featuresEl ? featuresEl.loc : null,
    kvm: kvmEl ? { hintDedicated: state(child(kvmEl, 'hint-dedicated'), 'features/kvm/hint-dedicated'), pollControl: state(child(kvmEl, 'poll-control'), 'features/kvm/poll-control') } : null,
    pvspinlock: state(child(featuresEl, 'pvspinlock'), 'features/pvspinlock'),
  };

  // <devices>
  const devs = devices ? devices.children.filter((c) => c.ns === '') : [];
  const of = (local: string) => devs.filter((d) => d.local === local);
  const disks: DomainFacts['disks'] = of('disk').map((d, i) => {
    const t = child(d, 'target');
    const s = child(d, 'source');
    const drv = child(d, 'driver');
    const dev = attr(t, 'dev');
    return {
      ...located(d, `disk[${dev ?? `#${i}`}]`),
      type: attr(d, 'type'),
      device: attr(d, 'device') ?? 'disk',
      bus: attr(t, 'bus'),
      busEffective: null,
      dev,
      rawio: attr(d, 'rawio'),
      sgio: attr(d, 'sgio'),
      shareable: child(d, 'shareable') !== undefined,
      source: { file: attr(s, 'file'), dev: attr(s, 'dev'), protocol: attr(s, 'protocol'), name: attr(s, 'name') },
      driver: drv
        ? { ...located(drv, `disk[${dev ?? `#${i}`}]/driver`), name: attr(drv, 'name'), type: attr(drv, 'type'), cache: attr(drv, 'cache'), io: attr(drv, 'io'), iothread: count(drv, attr(drv, 'iothread'), 'disk driver iothread'), iothreadText: attr(drv, 'iothread') }
        : null,
    };
  });
  const controllers: DomainFacts['controllers'] = of('controller').map((c) => {
    const drv = child(c, 'driver');
    const key = `controller[${attr(c, 'type')}:${attr(c, 'index') ?? '0'}]`;
    return {
      ...located(c, key),
      type: attr(c, 'type'),
      model: attr(c, 'model'),
      index: attr(c, 'index'),
      driver: drv ? { ...located(drv, `${key}/driver`), iothread: count(drv, attr(drv, 'iothread'), 'controller driver iothread'), iothreadText: attr(drv, 'iothread') } : null,
    };
  });
  const hostdevs: HostdevFacts[] = of('hostdev').map((h, i) => {
    const srcAddr = child(child(h, 'source'), 'address');
    const source = srcAddr ? { ...located(srcAddr, ''), ...pciAddress(srcAddr) } : null;
    const key = `hostdev[${source?.bdf ?? `#${i}`}]`;
    if (source) source.key = `${key}/source`;
    const numaEl = child(h, 'numa');
    return {
      ...located(h, key),
      mode: attr(h, 'mode'),
      type: attr(h, 'type'),
      managed: attr(h, 'managed'),
      driverName: attr(child(h, 'driver'), 'name'),
      source,
      alias: attr(child(h, 'alias'), 'name'),
      numa: numaEl ? { ...located(numaEl, `${key}/numa`), node: attr(numaEl, 'node') } : null,
    };
  });
  const graphics: DomainFacts['graphics'] = of('graphics').map((g, i) => {
    const listens = graphicsListens(g);
    const addresses = new Set<string>();
    for (const l of listens) if (l.type === 'address' && l.address !== null) addresses.add(l.address);
    const passwd = attr(g, 'passwd');
    return {
      ...located(g, `graphics[${attr(g, 'type') ?? '?'}#${i}]`),
      type: attr(g, 'type'),
      port: attr(g, 'port'),
      autoport: attr(g, 'autoport'),
      listenAddresses: [...addresses],
      listenTypes: listens.map((l) => l.type),
      listenDefault: listens.every((l) => l.type === 'address' && l.address === null),
      exposedAddresses: [],
      passwdSet: passwd !== null && passwd !== '',
      passwdEmpty: passwd === '',
      passwdLength: passwd === null ? 0 : passwd.length,
      passwdValidTo: attr(g, 'passwdValidTo'),
      tlsPort: attr(g, 'tlsPort'),
      defaultMode: attr(g, 'defaultMode'),
    };
  });
  const tpms: DomainFacts['tpms'] = of('tpm').map((t, i) => {
    const b = child(t, 'backend');
    return {
      ...located(t, `tpm[#${i}]`),
      model: attr(t, 'model'),
      backendType: attr(b, 'type'),
      backendVersion: attr(b, 'version'),
      encrypted: child(b, 'encryption') !== undefined,
      effectiveModel: null,
      effectiveVersion: null,
      duplicateOf: null,
    };
  });
  const channels: DomainFacts['channels'] = of('channel').map((c, i) => {
    const t = child(c, 'target');
    return { ...located(c, `channel[${attr(t, 'name') ?? `#${i}`}]`), type: attr(c, 'type'), targetType: attr(t, 'type'), targetName: attr(t, 'name') };
  });
  const mcsOf = (label: string | undefined): string | null => {
    const l = label === undefined ? undefined : parseSelinuxContext(label)?.level?.low;
    return l ? `s${l.sensitivity}${l.categories.length ? `:${formatCategories(l.categories)}` : ''}` : null;
  };
  const seclabels: DomainFacts['seclabels'] = childrenNamed(root, 'seclabel').map((s, i) => ({
    ...located(s, `seclabel[${attr(s, 'model') ?? `#${i}`}]`),
    type: attr(s, 'type'),
    model: attr(s, 'model'),
    relabel: attr(s, 'relabel'),
    label: child(s, 'label')?.text ?? null,
    mcs: mcsOf(child(s, 'label')?.text),
    imagelabel: child(s, 'imagelabel')?.text ?? null,
    baselabel: child(s, 'baselabel')?.text ?? null,
  }));

  // qemu namespace (matched by URI, any prefix)
  const qemu: DomainFacts['qemu'] = { blocks: [], args: [], listeners: [], env: [], overrideDevices: [], ignoredForeign: [] };
  for (const el of root.children) {
    if (el.ns === QEMU_NS && (el.local === 'commandline' || el.local === 'override')) {
      const colon = el.name.indexOf(':');
      qemu.blocks.push({
        ...located(el, `qemu:${el.local}[${qemu.blocks.filter((b) => b.element === el.local).length}]`),
        element: el.local,
        prefix: colon === -1 ? '' : el.name.slice(0, colon),
        entries: el.children.filter((c) => c.ns === QEMU_NS).length,
      });
    }
    if (el.ns === QEMU_NS && el.local === 'commandline') {
      for (const a of childrenNamed(el, 'arg', QEMU_NS)) qemu.args.push({ ...located(a, `qemu:arg[${qemu.args.length}]`), value: attr(a, 'value') ?? '' });
      for (const e of childrenNamed(el, 'env', QEMU_NS)) qemu.env.push({ ...located(e, `qemu:env[${attr(e, 'name')}]`), name: attr(e, 'name'), value: attr(e, 'value') });
    } else if (el.ns === QEMU_NS && el.local === 'override') {
      for (const d of childrenNamed(el, 'device', QEMU_NS)) {
        const props = childrenNamed(child(d, 'frontend', QEMU_NS), 'property', QEMU_NS);
        qemu.overrideDevices.push({
          ...located(d, `qemu:override/device[${attr(d, 'alias')}]`),
          alias: attr(d, 'alias'),
          properties: props.map((p) => ({ ...located(p, `qemu:override/device[${attr(d, 'alias')}]/property[${attr(p, 'name')}]`), name: attr(p, 'name'), type: attr(p, 'type'), value: attr(p, 'value') })),
        });
      }
    } else if (el.ns !== '' && el.ns !== QEMU_NS && (el.local === 'commandline' || el.local === 'override')) {
      qemu.ignoredForeign.push(located(el, `foreign:${el.name}`));
    }
  }

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
