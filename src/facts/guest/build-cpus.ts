/** Guest facts, CPU area: the guest-visible topology (`guest.topology`) and NUMA exposure of PCI devices (`guest.numa`). */
import { fileOf, type EvidenceBundle } from '../../collect/evidence';
import { parseCpuset } from '../cpuset';
import { at, fileReason, okText } from '../common/evidence';
import type { GuestCpuFact, NumaFacts, PciDeviceFact, TopologyFacts } from './model';

// ---------------------------------------------------------------------------------------------------------
// Topology

function cpulist(text: string | undefined): number[] | null {
  if (text === undefined) return null;
  const t = text.trim();
  if (t === '') return [];
  const r = parseCpuset(t);
  return r.ok ? r.cpus : null;
}

function intFile(b: EvidenceBundle, p: string): number | null {
  const t = okText(fileOf(b, p))?.trim();
  return t !== undefined && /^-?\d+$/.test(t) ? Number(t) : null;
}

export function buildTopology(b: EvidenceBundle, unknown: Record<string, string>): TopologyFacts | null {
  const of = fileOf(b, '/sys/devices/system/cpu/online');
  const online = cpulist(okText(of));
  if (online === null) {
    unknown['guest.topology'] = of.state === 'ok' ? `${of.path}: not a CPU list` : fileReason(of, b.privileged);
    return null;
  }
  const cpus: GuestCpuFact[] = [];
  for (const cpu of online) {
    const d = `/sys/devices/system/cpu/cpu${cpu}/topology`;
    const pkg = intFile(b, `${d}/physical_package_id`);
    const core = intFile(b, `${d}/core_id`);
    if (pkg === null || core === null) {
      unknown['guest.topology'] = fileReason(fileOf(b, `${d}/${pkg === null ? 'physical_package_id' : 'core_id'}`), b.privileged);
      return null;
    }
    cpus.push({
      cpu,
      package: pkg,
      die: intFile(b, `${d}/die_id`),
      cluster: intFile(b, `${d}/cluster_id`),
      core,
      threadSiblings: cpulist(okText(fileOf(b, `${d}/thread_siblings_list`))),
      loc: at(`${d}/core_id`),
      key: `cpu${cpu}`,
    });
  }
  const coreKey = (c: GuestCpuFact) => `${c.package}/${c.die ?? 0}/${c.cluster ?? 0}/${c.core}`;
  const packages = new Set(cpus.map((c) => c.package));
  const coreThreads = new Map<string, number>();
  for (const c of cpus) coreThreads.set(coreKey(c), (coreThreads.get(coreKey(c)) ?? 0) + 1);
  const coresPerPkg = new Map<number | null, number>();
  for (const k of coreThreads.keys()) {
    const p = Number(k.split('/')[0]);
    coresPerPkg.set(p, (coresPerPkg.get(p) ?? 0) + 1);
  }
  const threads = [...coreThreads.values()];
  const uniform = new Set(threads).size <= 1 && new Set(coresPerPkg.values()).size <= 1;
  return {
    onlineCpus: online,
    packages: packages.size,
    cores: coreThreads.size,
    threadsPerCore: threads.length ? Math.max(...threads) : 0,
    uniform,
    socketPerVcpu: online.length > 1 && packages.size === online.length,
    cpus,
    loc: at(of.path),
    key: 'topology',
  };
}

// ---------------------------------------------------------------------------------------------------------
// NUMA exposure of PCI devices

const EMULATED_VENDORS = new Set(['0x1af4', '0x1b36', '0x1234', '0x1013', '0x1414']);
const EMULATED_DEVICES = new Set(['0x8086:0x100e', '0x8086:0x10d3', '0x8086:0x1209', '0x8086:0x1229', '0x10ec:0x8139', '0x15ad:0x07b0']);

export function buildNuma(b: EvidenceBundle, unknown: Record<string, string>): NumaFacts | null {
  const nf = fileOf(b, '/sys/devices/system/node/online');
  const nodes = nf.state === 'missing' ? [] : cpulist(okText(nf));
  if (nodes === null) {
    unknown['guest.numa'] = fileReason(nf, b.privileged);
    return null;
  }
  const dir = b.dirs['/sys/bus/pci/devices'];
  if (dir && dir.state !== 'ok' && dir.state !== 'missing') {
    unknown['guest.numa'] = `/sys/bus/pci/devices: ${dir.state === 'denied' ? 'permission denied' : (dir.error ?? dir.state)}`;
    return null;
  }
  const devices: PciDeviceFact[] = [];
  for (const bdf of dir?.entries ?? []) {
    const d = `/sys/bus/pci/devices/${bdf}`;
    const read = (n: string) => okText(fileOf(b, `${d}/${n}`))?.trim().toLowerCase() ?? null;
    const classCode = read('class');
    const vendor = read('vendor');
    const device = read('device');
    const cls = classCode ? parseInt(classCode, 16) : NaN;
    const interesting = !Number.isNaN(cls) && ((cls >> 16 === 0x02) || cls >> 8 === 0x0108 || cls >> 8 === 0x0302 || cls >> 16 === 0x12);
    const emulated = vendor !== null && (EMULATED_VENDORS.has(vendor) || EMULATED_DEVICES.has(`${vendor}:${device}`));
    devices.push({ bdf, numaNode: intFile(b, `${d}/numa_node`), classCode, vendor, device, passthrough: interesting && !emulated && vendor !== null, loc: at(`${d}/numa_node`), key: `pci[${bdf}]` });
  }
  return { nodes, devices, loc: at(nf.path), key: 'numa' };
}
