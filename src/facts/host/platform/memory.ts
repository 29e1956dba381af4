import { fileOf, type EvidenceBundle } from '../../../collect/evidence';
import { parseCpulist } from '../kernel-bitmap';
import { parseMeminfo, parseSelectedValue, parseSysfsInt } from '../sysfs';
import type { CmdlineParamFact, HugepagePoolFacts, HugepagesFacts, NodeHugepagePoolFact, NumaFacts, NumaNodeFacts, SelectedValueFact, ThpFacts } from '../model-platform';
import { at, dirReason, fileReason, okText } from '../../common/evidence';
import { dirEntries, filesMatching, type ProblemSink } from './util';

/**
 * NUMA nodes, huge page pools (global and per node), /proc/meminfo and THP.
 * Sources: /sys/devices/system/node/{online,node<N>/cpulist}, /sys/kernel/mm/hugepages/hugepages-<KiB>kB/{nr,free}_hugepages,
 * /sys/devices/system/node/node<N>/hugepages/hugepages-<KiB>kB/{nr,free}_hugepages, /proc/meminfo,
 * /sys/kernel/mm/transparent_hugepage/{enabled,defrag}.
 */
export const HUGEPAGES_DIR = '/sys/kernel/mm/hugepages';
export const NODE_DIR = '/sys/devices/system/node';
const POOL_RE = /^hugepages-(\d+)kB$/;

function intFile(b: EvidenceBundle, path: string, sink: ProblemSink): number | null {
  const text = okText(fileOf(b, path));
  if (text === undefined) return null;
  const r = parseSysfsInt(text, path);
  sink.addAll(r.problems, at(path));
  return r.value ?? null;
}

export function buildNuma(b: EvidenceBundle, unknown: Record<string, string>, sink: ProblemSink, onlineCpus: number[] | null): NumaFacts | null {
  const nodes: NumaNodeFacts[] = [];
  for (const path of filesMatching(b, /^\/sys\/devices\/system\/node\/node\d+\/cpulist$/)) {
    const id = Number(/node(\d+)\/cpulist$/.exec(path)?.[1]);
    const text = okText(fileOf(b, path));
    if (text === undefined) continue;
    const r = parseCpulist(text, { location: at(path) });
    sink.addAll(r.problems, at(path));
    const hugepages: NodeHugepagePoolFact[] = [];
    const re = new RegExp(`^${NODE_DIR}/node${id}/hugepages/hugepages-(\\d+)kB/nr_hugepages$`);
    for (const nrPath of filesMatching(b, re)) {
      const sizeKib = Number(re.exec(nrPath)?.[1]);
      const dir = nrPath.replace(/\/nr_hugepages$/, '');
      hugepages.push({ node: id, sizeKib, nr: intFile(b, nrPath, sink), free: intFile(b, `${dir}/free_hugepages`, sink), loc: at(nrPath), key: `node${id}/hugepages-${sizeKib}kB` });
    }
    hugepages.sort((x, y) => x.sizeKib - y.sizeKib);
    nodes.push({ id, cpus: r.value ?? [], hugepages, loc: at(path), key: `node${id}` });
  }
  nodes.sort((x, y) => x.id - y.id);
  const onlinePath = `${NODE_DIR}/online`;
  const onlineFile = fileOf(b, onlinePath);
  const onlineText = okText(onlineFile);
  let online: number[] | undefined;
  if (onlineText !== undefined) {
    const r = parseCpulist(onlineText, { location: at(onlinePath) });
    sink.addAll(r.problems, at(onlinePath));
    online = r.value;
  }
  if (online === undefined && nodes.length === 0) {
    // No /sys/devices/system/node at all means a kernel without CONFIG_NUMA: one node 0 holding every CPU.
    if (onlineFile.state === 'missing' && onlineCpus !== null) {
      return { online: [0], nodes: [{ id: 0, cpus: onlineCpus, hugepages: [], loc: at(onlinePath), key: 'node0' }], loc: at(onlinePath), key: 'numa' };
    }
    unknown['host.numa'] = fileReason(onlineFile, b.privileged);
    return null;
  }
  return { online: online ?? nodes.map((n) => n.id), nodes, loc: at(onlineText !== undefined ? onlinePath : nodes[0].loc.file), key: 'numa' };
}

export function buildHugepages(b: EvidenceBundle, unknown: Record<string, string>, sink: ProblemSink, numa: NumaFacts | null, cmdlineDefault: number | null): HugepagesFacts | null {
  const listed = dirEntries(b, HUGEPAGES_DIR);
  const fromFiles = filesMatching(b, /^\/sys\/kernel\/mm\/hugepages\/hugepages-\d+kB\/nr_hugepages$/).map((p) => p.split('/')[5]);
  const dirState = b.dirs[HUGEPAGES_DIR]?.state;
  let names: string[];
  if (listed !== undefined) names = listed;
  else if (fromFiles.length) names = fromFiles;
  else if (dirState === 'missing') names = []; // a kernel without hugetlbfs: no pools of any size
  else {
    unknown['host.hugepages'] = dirReason(HUGEPAGES_DIR, b.dirs[HUGEPAGES_DIR], b.privileged);
    return null;
  }

  // /proc/meminfo: default size and counters of the default size only.
  const mf = fileOf(b, '/proc/meminfo');
  const mtext = okText(mf);
  let meminfo: HugepagesFacts['meminfo'] = null;
  if (mtext !== undefined) {
    const r = parseMeminfo(mtext, mf.path);
    sink.addAll(r.problems, at(mf.path));
    const h = r.value.hugepages;
    const line = r.value.fields.HugePages_Total?.location ?? r.value.fields.Hugepagesize?.location ?? at(mf.path);
    meminfo = { total: h.total ?? null, free: h.free ?? null, rsvd: h.rsvd ?? null, surp: h.surp ?? null, pageSizeKib: h.pageSizeKiB ?? null, hugetlbKib: h.hugetlbKiB ?? null, loc: line, key: 'meminfo/HugePages' };
  } else unknown['host.hugepages.meminfo'] = fileReason(mf, b.privileged);

  const defaultSizeKib = meminfo?.pageSizeKib ?? cmdlineDefault;
  const pools: HugepagePoolFacts[] = [];
  for (const name of [...new Set(names)]) {
    const m = POOL_RE.exec(name);
    if (!m) continue;
    const sizeKib = Number(m[1]);
    const dir = `${HUGEPAGES_DIR}/${name}`;
    pools.push({
      sizeKib,
      nr: intFile(b, `${dir}/nr_hugepages`, sink),
      free: intFile(b, `${dir}/free_hugepages`, sink),
      nodes: (numa?.nodes ?? []).flatMap((n) => n.hugepages.filter((p) => p.sizeKib === sizeKib)),
      isDefault: defaultSizeKib === sizeKib,
      loc: at(`${dir}/nr_hugepages`),
      key: `hugepages-${sizeKib}kB`,
    });
  }
  pools.sort((x, y) => x.sizeKib - y.sizeKib);
  return { pools, defaultSizeKib, meminfo, loc: at(HUGEPAGES_DIR), key: 'hugepages' };
}

function selected(b: EvidenceBundle, path: string, key: string, sink: ProblemSink): SelectedValueFact | null {
  const text = okText(fileOf(b, path));
  if (text === undefined) return null;
  const r = parseSelectedValue(text, path);
  sink.addAll(r.problems, at(path));
  return { selected: r.value.selected ?? null, options: r.value.options, loc: at(path), key };
}

export const THP_DIR = '/sys/kernel/mm/transparent_hugepage';

export function buildThp(b: EvidenceBundle, unknown: Record<string, string>, sink: ProblemSink, cmdline: CmdlineParamFact | null): ThpFacts | null {
  const enabled = selected(b, `${THP_DIR}/enabled`, 'thp/enabled', sink);
  const defrag = selected(b, `${THP_DIR}/defrag`, 'thp/defrag', sink);
  if (!enabled) {
    const f = fileOf(b, `${THP_DIR}/enabled`);
    // Missing: a kernel without CONFIG_TRANSPARENT_HUGEPAGE, which is the same as `never`.
    if (f.state !== 'missing') {
      unknown['host.thp'] = fileReason(f, b.privileged);
      return null;
    }
  }
  return { enabled, defrag, cmdline, loc: at(`${THP_DIR}/enabled`), key: 'thp' };
}
