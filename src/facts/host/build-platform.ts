import { commandOf, fileOf, type EvidenceBundle } from '../../collect/evidence';
import { cmdlineHugepages, parseKernelCmdline } from '../common/cmdline';
import { parseCpulist, parseKernelMask } from './kernel-bitmap';
import type { CpuFacts, DomainStateFacts, HostCmdlineFacts, KernelFacts, KernelMaskFact, KvmFacts, MountFact, PlatformFacts, ResctrlFacts, SysfsValueFact, WorkqueueFacts } from './model-platform';
import { buildBlock, buildIommu, buildPci } from './platform/devices';
import { buildHugepages, buildNuma, buildThp } from './platform/memory';
import { at, commandReason, fileReason, okStdout, okText } from '../common/evidence';
import { mergePlatform, type PlatformInfo } from '../common/platform';
import { dirEntries, filesMatching, paramFact, ProblemSink, valueFact } from './platform/util';

/**
 * Builds the platform half of HostFacts from evidence; records unknown fact paths (with reasons) in `unknown`.
 * Pure; never throws on bad input (parse problems land in `platformProblems`). What it reads is listed in
 * `PLATFORM_EVIDENCE` below (the collector's manifest must gather exactly that).
 */
export const PLATFORM_EVIDENCE = {
  commands: {
    uname: 'uname -r -m',
    dmesg: 'dmesg',
    'virsh.list.running': 'virsh -c qemu:///system list --name',
    'libvirt.version': 'virtqemud --version, else libvirtd --version',
    'qemu.version': 'QEMU --version (/usr/libexec/qemu-kvm, qemu-system-<arch>, qemu-kvm)',
  },
  files: [
    '/proc/cmdline',
    '/proc/meminfo',
    '/proc/mounts',
    '/sys/module/kvm/parameters/*',
    '/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts',
    '/sys/devices/virtual/workqueue/cpumask',
    '/sys/devices/virtual/workqueue/cpumask_requested',
    '/sys/devices/virtual/workqueue/cpumask_isolated',
    '/sys/devices/system/cpu/online',
    '/sys/devices/system/cpu/isolated',
    '/sys/devices/system/cpu/nohz_full',
    '/sys/devices/system/node/online',
    '/sys/devices/system/node/node*/cpulist',
    '/sys/devices/system/node/node*/hugepages/hugepages-*kB/nr_hugepages',
    '/sys/devices/system/node/node*/hugepages/hugepages-*kB/free_hugepages',
    '/sys/kernel/mm/hugepages/hugepages-*kB/nr_hugepages',
    '/sys/kernel/mm/hugepages/hugepages-*kB/free_hugepages',
    '/sys/kernel/mm/transparent_hugepage/enabled',
    '/sys/kernel/mm/transparent_hugepage/defrag',
    '/sys/fs/resctrl/info/*/num_closids',
    '/sys/bus/pci/devices/*/numa_node',
    '/sys/bus/pci/devices/*/class',
    '/sys/class/block/*/partition',
    '/sys/class/block/*/dm/name',
    '/sys/class/block/*/dm/uuid',
    '/etc/modprobe.d/*.conf',
    '/run/modprobe.d/*.conf',
    '/usr/local/lib/modprobe.d/*.conf',
    '/usr/lib/modprobe.d/*.conf',
    '/lib/modprobe.d/*.conf',
  ],
  links: [
    '/sys/bus/pci/devices/*/driver',
    '/sys/bus/pci/devices/*/iommu_group',
    '/sys/kernel/iommu_groups/*/devices/*',
    '/dev/disk/by-id/*',
    '/dev/disk/by-path/*',
    '/dev/mapper/*',
    '/etc/libvirt/qemu/autostart/*',
  ],
  dirs: ['/sys/kernel/mm/hugepages', '/sys/class/iommu', '/sys/kernel/iommu_groups', '/sys/bus/pci/devices', '/sys/class/block', '/sys/fs/resctrl/info'],
} as const;

/** KVM_HALT_POLL_NS_DEFAULT per architecture (arch/x86/include/asm/kvm_host.h, arch/arm64/include/asm/kvm_host.h). */
export const DEFAULT_HALT_POLL_NS: Record<string, number> = { x86_64: 200000, aarch64: 500000 };

export function normalizeArch(machine: string): string {
  if (machine === 'arm64') return 'aarch64';
  if (/^i[3-6]86$/.test(machine)) return 'i686';
  if (machine === 'amd64') return 'x86_64';
  return machine;
}

function buildKernel(b: EvidenceBundle, unknown: Record<string, string>): KernelFacts | null {
  const c = commandOf(b, 'uname');
  const out = okStdout(c);
  const words = out?.trim().split(/\s+/).filter(Boolean) ?? [];
  if (out === undefined || words.length === 0) {
    unknown['host.kernel'] = commandReason(c, 'uname -r -m', b.privileged);
    return null;
  }
  // `uname -r -m` prints the release, then the machine (uname's fixed field order).
  const release = words.length >= 2 ? words[0] : null;
  const machine = words[words.length - 1];
  return { release, machine, arch: normalizeArch(machine), loc: at('command:uname'), key: 'kernel' };
}

/**
 * The versions the host runs, from the programs themselves (`libvirtd (libvirt) 9.0.0`, `QEMU emulator version
 * 7.2.22 (Debian ...)`) and the kernel release; null where the command could not run (offline roots, snapshots
 * taken without them) or printed something else.
 */
export function buildVersions(b: EvidenceBundle, kernel: KernelFacts | null): PlatformInfo {
  const libvirt = /\(libvirt\)\s+(\d[\w.+~-]*)/.exec(okStdout(commandOf(b, 'libvirt.version')) ?? '')?.[1] ?? null;
  const qemu = /QEMU emulator version\s+(\d[\w.+~-]*)/.exec(okStdout(commandOf(b, 'qemu.version')) ?? '')?.[1] ?? null;
  return mergePlatform({ libvirt, from: 'daemon --version' }, { qemu, from: 'qemu --version' }, { kernel: kernel?.release ?? null, from: 'uname -r' });
}

function buildCmdline(b: EvidenceBundle, unknown: Record<string, string>): HostCmdlineFacts | null {
  const f = fileOf(b, '/proc/cmdline');
  const text = okText(f);
  if (text === undefined) {
    unknown['host.cmdline'] = fileReason(f, b.privileged);
    return null;
  }
  const parsed = parseKernelCmdline(text, f.path).value;
  const all = parsed.params.map(paramFact);
  const params: HostCmdlineFacts['params'] = {};
  parsed.params.forEach((p, i) => {
    params[p.key] = all[i];
  });
  return { text: text.replace(/\n$/, ''), params, all, init: parsed.init, loc: at(f.path), key: 'cmdline' };
}

export const KVM_PARAMS_DIR = '/sys/module/kvm/parameters';

function buildKvm(b: EvidenceBundle, unknown: Record<string, string>, arch: string | null): KvmFacts | null {
  const params: Record<string, SysfsValueFact> = {};
  const denied: string[] = [];
  for (const path of filesMatching(b, /^\/sys\/module\/kvm\/parameters\/[^/]+$/)) {
    const f = fileOf(b, path);
    const text = okText(f);
    const name = path.slice(KVM_PARAMS_DIR.length + 1);
    if (text === undefined) {
      if (f.state !== 'missing') denied.push(fileReason(f, b.privileged));
      continue;
    }
    params[name] = valueFact(path, text, `kvm/${name}`);
  }
  if (Object.keys(params).length === 0) {
    unknown['host.kvm'] = denied[0] ?? `${KVM_PARAMS_DIR}: no parameter files (the kvm module is not loaded, or they were not collected)`;
    return null;
  }
  const get = (n: string): SysfsValueFact | null => params[n] ?? null;
  return {
    params,
    haltPollNs: get('halt_poll_ns'),
    haltPollNsGrow: get('halt_poll_ns_grow'),
    haltPollNsGrowStart: get('halt_poll_ns_grow_start'),
    haltPollNsShrink: get('halt_poll_ns_shrink'),
    forceWfiTrap: get('force_wfi_trap'),
    defaultHaltPollNs: arch !== null ? (DEFAULT_HALT_POLL_NS[arch] ?? null) : null,
    loc: at(KVM_PARAMS_DIR),
    key: 'kvm',
  };
}

export const WQ_DIR = '/sys/devices/virtual/workqueue';

function buildWorkqueue(b: EvidenceBundle, unknown: Record<string, string>, sink: ProblemSink): WorkqueueFacts | null {
  const mask = (name: string): KernelMaskFact | null => {
    const path = `${WQ_DIR}/${name}`;
    const text = okText(fileOf(b, path));
    if (text === undefined) return null;
    const r = parseKernelMask(text, { location: at(path) });
    sink.addAll(r.problems, at(path));
    return { text: text.replace(/\r?\n$/, '').trim(), cpus: r.value ?? null, loc: at(path), key: `workqueue/${name}` };
  };
  const cpumask = mask('cpumask');
  if (!cpumask) {
    unknown['host.workqueue'] = fileReason(fileOf(b, `${WQ_DIR}/cpumask`), b.privileged);
    return null;
  }
  return { cpumask, requested: mask('cpumask_requested'), isolated: mask('cpumask_isolated'), unboundCpus: cpumask.cpus ?? [], loc: cpumask.loc, key: 'workqueue' };
}

export const CPU_DIR = '/sys/devices/system/cpu';

function buildCpus(b: EvidenceBundle, unknown: Record<string, string>, sink: ProblemSink): CpuFacts | null {
  const list = (name: string): number[] | null | undefined => {
    const path = `${CPU_DIR}/${name}`;
    const text = okText(fileOf(b, path));
    if (text === undefined) return undefined;
    const r = parseCpulist(text, { location: at(path) });
    sink.addAll(r.problems, at(path));
    return r.value ?? null;
  };
  const online = list('online');
  if (online === undefined || online === null) {
    unknown['host.cpus'] = online === null ? `${CPU_DIR}/online: not a cpulist` : fileReason(fileOf(b, `${CPU_DIR}/online`), b.privileged);
    return null;
  }
  return { online, isolated: list('isolated') ?? null, nohzFull: list('nohz_full') ?? null, loc: at(`${CPU_DIR}/online`), key: 'cpus' };
}

/** /proc/mounts: `device mountpoint fstype options dump pass`, with `\040`-style octal escapes. */
export function parseMounts(text: string, file = '/proc/mounts'): MountFact[] {
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
  const out: MountFact[] = [];
  text.split('\n').forEach((line, i) => {
    const w = line.trim().split(/\s+/);
    if (w.length < 4) return;
    out.push({ device: unescape(w[0]), mountpoint: unescape(w[1]), fstype: w[2], options: w[3].split(','), loc: at(file, i + 1), key: `mount[${unescape(w[1])}]` });
  });
  return out;
}

function buildResctrl(b: EvidenceBundle, unknown: Record<string, string>, mounts: MountFact[] | null, cmdline: HostCmdlineFacts | null, sink: ProblemSink): ResctrlFacts | null {
  if (mounts === null) {
    unknown['host.resctrl'] = fileReason(fileOf(b, '/proc/mounts'), b.privileged);
    return null;
  }
  const mount = mounts.find((m) => m.fstype === 'resctrl') ?? null;
  const resources = dirEntries(b, '/sys/fs/resctrl/info') ?? null;
  const closids: number[] = [];
  for (const path of filesMatching(b, /^\/sys\/fs\/resctrl\/info\/[^/]+\/num_closids$/)) {
    const text = okText(fileOf(b, path));
    if (text === undefined) continue;
    const v = valueFact(path, text, '');
    if (v.int !== null && v.int > 0) closids.push(v.int);
    else sink.add({ code: 'sysfs.not-an-integer', level: 'warning', message: `num_closids is not a positive integer: '${v.text.slice(0, 40)}'` }, at(path));
  }
  return {
    mounted: mount !== null,
    mount,
    mpamCmdline: cmdline?.params.mpam ?? null,
    resources,
    numClosids: closids.length ? Math.min(...closids) : null,
    loc: mount ? mount.loc : at('/proc/mounts'),
    key: 'resctrl',
  };
}

function buildDomainState(b: EvidenceBundle): DomainStateFacts {
  const autostart = filesMatching(b, /^\/etc\/libvirt\/qemu\/autostart\/[^/]+\.xml$/)
    .filter((p) => fileOf(b, p).state === 'ok')
    .map((p) => p.slice('/etc/libvirt/qemu/autostart/'.length, -'.xml'.length));
  const out = okStdout(commandOf(b, 'virsh.list.running'));
  const running =
    out === undefined
      ? null
      : out
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
          .sort();
  return { running, autostart, active: [...new Set([...(running ?? []), ...autostart])].sort() };
}

export function buildPlatformFacts(bundle: EvidenceBundle, unknown: Record<string, string>): PlatformFacts {
  const sink = new ProblemSink();
  const kernel = buildKernel(bundle, unknown);
  const arch = kernel?.arch ?? null;
  const cmdline = buildCmdline(bundle, unknown);
  if (cmdline) {
    const text = okText(fileOf(bundle, '/proc/cmdline')) ?? '';
    const parsed = parseKernelCmdline(text, '/proc/cmdline');
    sink.addAll(parsed.problems, cmdline.loc);
    sink.addAll(cmdlineHugepages(parsed.value).problems, cmdline.loc);
  }
  const cmdlineDefaultHp = cmdline ? (cmdlineHugepages(parseKernelCmdline(cmdline.text).value).value.defaultSizeKiB ?? null) : null;
  const cpus = buildCpus(bundle, unknown, sink);
  const numa = buildNuma(bundle, unknown, sink, cpus?.online ?? null);
  const mountsFile = fileOf(bundle, '/proc/mounts');
  const mountsText = okText(mountsFile);
  const mounts = mountsText === undefined ? null : parseMounts(mountsText, mountsFile.path);
  if (mounts === null) unknown['host.mounts'] = fileReason(mountsFile, bundle.privileged);
  return {
    kernel,
    cmdline,
    kvm: buildKvm(bundle, unknown, arch),
    workqueue: buildWorkqueue(bundle, unknown, sink),
    cpus,
    numa,
    hugepages: buildHugepages(bundle, unknown, sink, numa, cmdlineDefaultHp),
    thp: buildThp(bundle, unknown, sink, cmdline?.params.transparent_hugepage ?? null),
    mounts,
    resctrl: buildResctrl(bundle, unknown, mounts, cmdline, sink),
    iommu: buildIommu(bundle, unknown, cmdline, arch),
    pci: buildPci(bundle, unknown, sink),
    block: buildBlock(bundle, unknown),
    domainState: buildDomainState(bundle),
    versions: buildVersions(bundle, kernel),
    platformProblems: sink.list,
  };
}
