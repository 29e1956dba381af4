import type { CpusetAttrFacts, CpusetFact, DomainFacts, HostCpuPinFacts, HugepageFacts, IothreadRefFacts, NumatuneFacts, PinFacts, VcpuAffinityFacts } from './model';

/**
 * Derived facts for the performance/availability rules (IOThreads, pinning, resctrl), computed from the facts
 * `buildDomainFacts` read from the XML. Fills the fields in place; pure otherwise. The libvirt behaviour mirrored
 * here was checked with `virsh -c test:///default define` (libvirt 9.0).
 */
export const MAX_DERIVED_VCPUS = 16384;

/**
 * Sorted union of CPU lists. Lists are often the same array many times (every vCPU of `<vcpu cpuset>`, cpusets of
 * equal text share one array): each distinct array is read once, so the cost is the distinct numbers, not
 * vCPUs × set size.
 */
function union(sets: readonly (readonly number[] | null | undefined)[]): number[] {
  const seen = new Set<readonly number[]>();
  const out = new Set<number>();
  for (const s of sets) {
    if (!s || seen.has(s)) continue;
    seen.add(s);
    for (const c of s) out.add(c);
  }
  return [...out].sort((a, b) => a - b);
}

/** libvirt's default bus for a disk target without `bus=` (virDomainDiskDefAssignAddress / virDiskNameParse). */
export function busFromTarget(dev: string | null, device: string): string | null {
  if (dev === null) return null;
  if (device === 'floppy') return 'fdc';
  if (dev.startsWith('vd')) return 'virtio';
  if (dev.startsWith('sd')) return 'scsi';
  if (dev.startsWith('hd')) return 'ide';
  if (dev.startsWith('xvd')) return 'xen';
  if (dev.startsWith('ubd')) return 'uml';
  return null;
}

export function derivePerfFacts(d: DomainFacts): void {
  for (const disk of d.disks) disk.busEffective = disk.bus ?? busFromTarget(disk.dev, disk.device);

  // Duplicate pins: libvirt refuses `duplicate vcpupin for vcpu 'N'` / `duplicate iothreadpin for same iothread 'N'`.
  const markDuplicates = (pins: PinFacts[]) => {
    const first = new Map<number, PinFacts>();
    for (const p of pins) {
      if (p.id === null) continue;
      const prev = first.get(p.id);
      if (prev) p.duplicateOf = prev.loc.line;
      else first.set(p.id, p);
    }
  };
  if (d.cputune) {
    markDuplicates(d.cputune.vcpupins);
    markDuplicates(d.cputune.iothreadpins);
  }

  // IOThread references and use.
  const defined = new Set(d.iothreadIds);
  const refs: IothreadRefFacts[] = [];
  for (const disk of d.disks) {
    if (disk.driver?.iothreadText == null) continue;
    const drv = disk.driver;
    refs.push({ loc: drv.loc, key: `${disk.key}/driver@iothread`, element: 'disk', owner: disk.key, id: drv.iothread, idText: drv.iothreadText as string, bus: disk.busEffective, controllerType: null, model: null, defined: drv.iothread !== null && defined.has(drv.iothread) });
  }
  for (const c of d.controllers) {
    if (c.driver?.iothreadText == null) continue;
    const drv = c.driver;
    refs.push({ loc: drv.loc, key: `${c.key}/driver@iothread`, element: 'controller', owner: c.key, id: drv.iothread, idText: drv.iothreadText as string, bus: null, controllerType: c.type, model: c.model, defined: drv.iothread !== null && defined.has(drv.iothread) });
  }
  for (const p of d.cputune?.iothreadpins ?? []) {
    refs.push({ loc: p.loc, key: `${p.key}@iothread`, element: 'iothreadpin', owner: p.key, id: p.id, idText: p.idText ?? '', bus: null, controllerType: null, model: null, defined: p.id !== null && defined.has(p.id) });
  }
  d.iothreadRefs = refs;
  if (d.iothreads) {
    const declared = new Map(d.iothreads.declaredIds.filter((x) => x.id !== null).map((x) => [x.id as number, x]));
    d.iothreadUse = d.iothreadIds.map((id) => {
      const el = declared.get(id);
      return {
        loc: el ? el.loc : (d.iothreads as NonNullable<DomainFacts['iothreads']>).loc,
        key: `iothread[${id}]`,
        id,
        users: refs.filter((r) => r.element !== 'iothreadpin' && r.id === id).map((r) => r.owner),
      };
    });
  }

  // Effective vCPU affinity: the first <vcpupin> of a vCPU, else <vcpu cpuset> (ignored with placement='auto').
  const max = d.vcpu?.max ?? 0;
  const affinity: VcpuAffinityFacts[] = [];
  if (d.vcpu && max > 0) {
    const pins = new Map<number, PinFacts>();
    for (const p of d.cputune?.vcpupins ?? []) if (p.id !== null && p.duplicateOf === null) pins.set(p.id, p);
    const auto = d.vcpu.placement === 'auto';
    const dflt = !auto && d.vcpu.cpuset ? d.vcpu.cpuset : null;
    for (let v = 0; v < Math.min(max, MAX_DERIVED_VCPUS); v++) {
      const p = pins.get(v);
      if (p) affinity.push({ loc: p.loc, key: `vcpu[${v}]`, vcpu: v, cpus: p.cpuset.cpus, source: 'vcpupin' });
      else if (dflt) affinity.push({ loc: d.vcpu.loc, key: `vcpu[${v}]`, vcpu: v, cpus: dflt.cpus, source: 'vcpu-cpuset' });
      else affinity.push({ loc: d.vcpu.loc, key: `vcpu[${v}]`, vcpu: v, cpus: null, source: auto ? 'auto' : null });
    }
  }
  d.vcpuAffinity = affinity;
  d.vcpuPinnedCpus = union(affinity.map((a) => a.cpus));
  // Dedicated-core layout: one pCPU per vCPU, all different (the whole vCPU list, so no cap was hit).
  d.vcpusPinnedOneToOne =
    affinity.length > 0 && affinity.length === max && affinity.every((a) => a.cpus?.length === 1) && new Set(affinity.map((a) => (a.cpus as number[])[0])).size === affinity.length;

  // Host CPUs each kind of thread is pinned to (explicit pins only; invalid cpusets and duplicate pins left out).
  const hostPins: HostCpuPinFacts[] = [
    { threads: 'vCPUs', cpus: d.vcpuPinnedCpus },
    { threads: 'emulator', cpus: union([d.cputune?.emulatorpin?.cpuset.cpus]) },
    { threads: 'IOThreads', cpus: union((d.cputune?.iothreadpins ?? []).filter((p) => p.duplicateOf === null).map((p) => p.cpuset.cpus)) },
  ];
  d.hostCpuPins = hostPins.filter((p) => p.cpus.length > 0);

  // Guest memory bound to host NUMA nodes.
  const mem = d.numatune?.memory;
  d.memoryNodeBound = (d.numatune?.memnodes.length ?? 0) > 0 || (mem != null && (mem.nodeset !== null || mem.placement === 'auto'));

  // Every cpuset/nodeset attribute.
  const sets: CpusetAttrFacts[] = [];
  const add = (owner: { loc: DomainFacts['loc']; key: string }, attribute: string, c: CpusetFact | null, refersTo: CpusetAttrFacts['refersTo'], missingMessage?: string) => {
    if (!c) return;
    const error = c.text === '' && missingMessage ? missingMessage : c.error;
    sets.push({ loc: owner.loc, key: `${owner.key}@${attribute.split('@')[1]}`, attribute, text: c.text, error, cpus: error === null ? c.cpus : null, refersTo });
  };
  if (d.vcpu) add(d.vcpu, 'vcpu@cpuset', d.vcpu.cpuset, 'host-cpus');
  for (const p of d.cputune?.vcpupins ?? []) add(p, `${p.key}@cpuset`, p.cpuset, 'host-cpus', 'missing cpuset for vcpupin');
  if (d.cputune?.emulatorpin) add(d.cputune.emulatorpin, 'emulatorpin@cpuset', d.cputune.emulatorpin.cpuset, 'host-cpus', 'missing cpuset for emulatorpin');
  for (const p of d.cputune?.iothreadpins ?? []) add(p, `${p.key}@cpuset`, p.cpuset, 'host-cpus', 'missing cpuset for iothreadpin');
  if (d.numatune?.memory) add(d.numatune.memory, 'numatune/memory@nodeset', d.numatune.memory.nodeset, 'host-nodes');
  for (const m of d.numatune?.memnodes ?? []) add(m, `${m.key}@nodeset`, m.nodeset, 'host-nodes');
  for (const p of d.hugepages?.pages ?? []) add(p, `hugepages/page@nodeset`, p.nodeset, 'guest-nodes');
  for (const c of d.cpu?.numaCells ?? []) add(c, `${c.key}@cpus`, c.cpus, 'guest-cpus');
  if (d.hugepages) deriveHugepages(d, d.hugepages.pages);
  if (d.numatune) deriveNumatune(d, d.numatune);
  d.cpusets = sets;

  // resctrl groups: libvirt parses all <cachetune> before all <memorytune>; a group whose vcpus overlap an
  // earlier group's without being equal is refused, and so are two cachetunes with the same vcpus.
  const groups = [...(d.cputune?.resctrl ?? [])].sort((a, b) => (a.element === b.element ? 0 : a.element === 'cachetune' ? -1 : 1));
  groups.forEach((g, i) => {
    const mine = g.vcpus?.cpus;
    if (!mine) return;
    const mineSet = new Set(mine);
    for (const o of groups.slice(0, i)) {
      const theirs = o.vcpus?.cpus;
      if (!theirs || !theirs.some((c) => mineSet.has(c))) continue;
      const equal = theirs.length === mine.length && theirs.every((c) => mineSet.has(c));
      if (!equal) g.conflict = `Overlapping vcpus in resctrls (with the <${o.element} vcpus='${o.vcpus?.text}'> on line ${o.loc.line})`;
      else if (g.element === 'cachetune' && o.element === 'cachetune') g.conflict = `Identical vcpus in cachetunes found (line ${o.loc.line})`;
      if (g.conflict) return;
    }
  });
}

/**
 * Which guest memory each `<page>` backs, and libvirt's verdict on the set (virDomainDefMemtuneValidate, libvirt 9.0,
 * checked with `virsh -c test:///default define`). Without guest NUMA cells libvirt drops a `nodeset` that is exactly
 * node 0 (the page becomes the default page); then, for each page in document order, it refuses the first of: a
 * nodeset intersecting an earlier page's, a second page without nodeset, a nodeset naming a node beyond the last
 * guest NUMA cell. Pages whose size or nodeset libvirt cannot parse (refused earlier, see DOM-HP-001/DOM-PIN-004)
 * take no part.
 */
function deriveHugepages(d: DomainFacts, pages: HugepageFacts[]): void {
  const cellIds = d.numaCells.map((c, i) => c.id ?? i);
  const nodesOf = (p: HugepageFacts): number[] | null => {
    if (p.nodeset === null) return null;
    const n = p.nodeset.cpus ?? [];
    return cellIds.length === 0 && n.length === 1 && n[0] === 0 ? null : n;
  };
  const usable = pages.filter((p) => p.sizeKib !== null && (p.nodeset === null || p.nodeset.cpus !== null));
  const nodes = new Map(usable.map((p) => [p, nodesOf(p)]));
  usable.forEach((p, i) => {
    const mine = nodes.get(p) ?? null;
    p.isDefault = mine === null;
    for (const o of usable.slice(0, i)) {
      const theirs = nodes.get(o) ?? null;
      if (mine && theirs && mine.some((n) => theirs.includes(n))) p.conflict = `nodeset attribute of hugepages of sizes ${p.sizeKib} and ${o.sizeKib} intersect`;
      else if (!mine && !theirs) p.conflict = `two master hugepages detected: ${p.sizeKib} and ${o.sizeKib}`;
      if (p.conflict) return;
    }
    const missing = mine?.find((n) => n >= cellIds.length);
    if (missing !== undefined) p.conflict = `hugepages: node ${missing} not found`;
  });
  // The guest memory each page backs: the first page whose nodeset holds a cell, else the (first) default page.
  const master = usable.find((p) => p.isDefault);
  for (const id of cellIds) {
    const owner = usable.find((p) => (nodes.get(p) ?? []).includes(id)) ?? master;
    if (owner) owner.cells.push(id);
  }
  if (d.hugepages) d.hugepages.defaultPageKib = master?.sizeKib ?? null;
}

const NUMATUNE_MODES = ['strict', 'preferred', 'interleave', 'restrictive'];

/**
 * libvirt's refusals of the `<numatune>` memory policy (virDomainNumatuneParseXML, virDomainNumatuneSet, the memnode
 * parser; libvirt 9.0, checked with `virsh -c test:///default define`: test/oracles/libvirt-memory-tuning.test.ts).
 * The effective placement of `<memory>`: its `placement`, else static with a nodeset, else static unless
 * `<vcpu placement='auto'>`; a `<memory>` without attributes sets nothing, and without a `<memory>` element
 * `<vcpu placement='auto'>` makes the placement automatic. libvirt stops at the first `<memory>` error.
 */
function deriveNumatune(d: DomainFacts, nt: NumatuneFacts): void {
  const m = nt.memory;
  const vcpuAuto = d.vcpu?.placement === 'auto';
  const out: NumatuneFacts['conflicts'] = [];
  let placement: string | null = m === null && vcpuAuto ? 'auto' : null;
  if (m && (m.mode !== null || m.placement !== null || m.nodeset !== null)) {
    if (m.mode !== null && !NUMATUNE_MODES.includes(m.mode)) out.push({ loc: m.loc, key: m.key, message: `Unsupported NUMA memory tuning mode '${m.mode}'` });
    else if (m.placement !== null && !['default', 'static', 'auto'].includes(m.placement)) out.push({ loc: m.loc, key: m.key, message: `Unsupported NUMA memory placement mode '${m.placement}'` });
    else if (m.nodeset === null || m.nodeset.cpus !== null) {
      placement = m.placement !== null && m.placement !== 'default' ? m.placement : m.nodeset !== null || !vcpuAuto ? 'static' : 'auto';
      if (placement === 'static' && m.nodeset === null) out.push({ loc: m.loc, key: m.key, message: "nodeset for NUMA memory tuning must be set if 'placement' is 'static'" });
    }
    if (out.length > 0) {
      nt.conflicts = out; // libvirt stops here
      return;
    }
  }
  // Checked as soon as there is a <memnode>, before the memnodes themselves (even before "invalid without cells").
  if (placement === 'auto' && nt.memnodes.length > 0) out.push({ loc: nt.memnodes[0].loc, key: nt.memnodes[0].key, message: 'Per-node binding is not compatible with automatic NUMA placement.' });
  // Checked after parsing, on memnodes libvirt accepted (their cellid/mode/nodeset errors are DOM-NUMA-001/002's).
  if (m?.mode === 'restrictive' && d.numaCells.length > 0) {
    for (const n of nt.memnodes) {
      if ((n.mode ?? 'strict') !== 'restrictive' && (n.mode === null || NUMATUNE_MODES.includes(n.mode)))
        out.push({ loc: n.loc, key: n.key, message: "'restrictive' mode is required in memnode element when mode is 'restrictive' in memory element" });
    }
  }
  nt.conflicts = out;
}
