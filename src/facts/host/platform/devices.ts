import { commandOf, fileOf, type EvidenceBundle } from '../../../collect/evidence';
import { normalizeParamName, parseKernelBool } from '../../common/cmdline';
import type { BlockDeviceFact, BlockFacts, CmdlineParamFact, HostCmdlineFacts, InterruptSettingFact, IommuFacts, PciDeviceFacts, PciFacts, PciPeerFact } from '../model-platform';
import { at, dirReason, okStdout, okText } from '../../common/evidence';
import { dirEntries, filesMatching, linkBase, valueFact, type ProblemSink } from './util';

/**
 * PCI devices and IOMMU groups, the IOMMU and interrupt-remapping state, and block devices (for RDM).
 * Sources: /sys/bus/pci/devices (listing) and per device `driver`, `iommu_group` (links), `numa_node`, `class`;
 * /sys/kernel/iommu_groups (listing) and `<g>/devices/*` (links); /sys/class/iommu (listing); the `dmesg` command;
 * /sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts; modprobe.d files; /sys/class/block (listing),
 * `<dev>/partition`, `<dev>/dm/name`; /dev/disk/by-* and /dev/mapper links.
 */
export const PCI_DIR = '/sys/bus/pci/devices';
export const IOMMU_GROUPS_DIR = '/sys/kernel/iommu_groups';
export const IOMMU_CLASS_DIR = '/sys/class/iommu';
export const BLOCK_DIR = '/sys/class/block';
export const UNSAFE_INTR_PATH = '/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts';
export const MODPROBE_DIRS = ['/etc/modprobe.d', '/run/modprobe.d', '/usr/local/lib/modprobe.d', '/usr/lib/modprobe.d', '/lib/modprobe.d'];

const BDF = '[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]';

/** vfio-pci itself or a vendor variant driver (mlx5_vfio_pci, hisi_acc_vfio_pci, ...). */
export const isVfioDriver = (d: string | null): boolean => d !== null && /(^|[_-])vfio([_-]|$)/.test(d);

/**
 * Whether a device in an IOMMU group leaves the group usable by VFIO: without a driver, bound to a vfio driver,
 * to pci-stub or pcieport (drivers that do not do DMA on the device's behalf), or a PCI bridge (class 0x0604).
 */
export function vfioCompatible(driver: string | null, cls: string | null): boolean {
  if (driver === null || isVfioDriver(driver) || driver === 'pci-stub' || driver === 'pcieport') return true;
  return cls !== null && /^0x0604/i.test(cls);
}

export function buildPci(b: EvidenceBundle, unknown: Record<string, string>, sink: ProblemSink): PciFacts | null {
  const listed = dirEntries(b, PCI_DIR);
  const fileRe = new RegExp(`^${PCI_DIR}/(${BDF})/`);
  const fromFiles = Object.keys(b.files)
    .map((p) => fileRe.exec(p)?.[1])
    .filter((x): x is string => x !== undefined);
  if (listed === undefined && fromFiles.length === 0) {
    unknown['host.pci'] = dirReason(PCI_DIR, b.dirs[PCI_DIR], b.privileged);
    return null;
  }
  const bdfs = [...new Set([...(listed ?? []), ...fromFiles])].filter((x) => new RegExp(`^${BDF}$`).test(x)).sort();
  const groupMembers = new Map<string, Set<string>>();
  const addMember = (g: string, bdf: string) => {
    if (!groupMembers.has(g)) groupMembers.set(g, new Set());
    groupMembers.get(g)?.add(bdf);
  };
  for (const p of filesMatching(b, new RegExp(`^${IOMMU_GROUPS_DIR}/[^/]+/devices/${BDF}$`))) {
    const parts = p.split('/');
    addMember(parts[4], parts[6]);
  }
  const devices: Record<string, PciDeviceFacts> = {};
  for (const bdf of bdfs) {
    const base = `${PCI_DIR}/${bdf}`;
    const drv = fileOf(b, `${base}/driver`);
    const driver = drv.state === 'ok' ? linkBase(drv.linkTarget) : null;
    const grp = fileOf(b, `${base}/iommu_group`);
    const iommuGroup = grp.state === 'ok' ? linkBase(grp.linkTarget) : null;
    if (iommuGroup !== null) addMember(iommuGroup, bdf);
    const clsText = okText(fileOf(b, `${base}/class`));
    const numaText = okText(fileOf(b, `${base}/numa_node`));
    let numaNode: number | null = null;
    if (numaText !== undefined) {
      const v = valueFact(`${base}/numa_node`, numaText, '');
      numaNode = v.int;
      if (v.int === null) sink.add({ code: 'sysfs.not-an-integer', level: 'warning', message: `numa_node is not an integer: '${v.text.slice(0, 40)}'` }, at(`${base}/numa_node`));
    }
    devices[bdf] = {
      bdf,
      driver,
      vfioBound: isVfioDriver(driver),
      class: clsText === undefined ? null : clsText.trim(),
      numaNode,
      iommuGroup,
      groupPeers: [],
      loc: at(driver !== null ? `${base}/driver` : base),
      key: `pci[${bdf}]`,
    };
  }
  for (const d of Object.values(devices)) {
    if (d.iommuGroup === null) continue;
    const peers: PciPeerFact[] = [];
    for (const peer of [...(groupMembers.get(d.iommuGroup) ?? [])].sort()) {
      if (peer === d.bdf) continue;
      const pd = devices[peer];
      const driver = pd ? pd.driver : null;
      const cls = pd ? pd.class : null;
      peers.push({ bdf: peer, driver, class: cls, vfioCompatible: vfioCompatible(driver, cls) });
    }
    d.groupPeers = peers;
  }
  return { devices, list: Object.values(devices), loc: at(PCI_DIR), key: 'pci' };
}

/** `options <module> key=value ...` lines of modprobe.d files (module names compare with `-` = `_`). */
export function modprobeOptions(text: string, module: string): { key: string; value: string | undefined; line: number; column: number }[] {
  const out: { key: string; value: string | undefined; line: number; column: number }[] = [];
  const want = normalizeParamName(module);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].replace(/\r$/, '');
    const first = i;
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + ' ' + lines[++i].replace(/\r$/, '');
    const hash = line.indexOf('#');
    const body = hash === -1 ? line : line.slice(0, hash);
    const words = body.trim().split(/\s+/);
    if (words[0] !== 'options' || words.length < 3 || normalizeParamName(words[1]) !== want) continue;
    for (const w of words.slice(2)) {
      const eq = w.indexOf('=');
      const col = line.indexOf(w) + 1;
      out.push({ key: normalizeParamName(eq === -1 ? w : w.slice(0, eq)), value: eq === -1 ? undefined : w.slice(eq + 1), line: first + 1, column: col });
    }
  }
  return out;
}

const IR_ENABLED = [/DMAR-IR: Enabled IRQ remapping in \S+ mode/, /AMD-Vi: Interrupt remapping enabled/, /Enabled IRQ remapping in \S+ mode/];

export function buildIommu(b: EvidenceBundle, unknown: Record<string, string>, cmdline: HostCmdlineFacts | null, arch: string | null): IommuFacts | null {
  const units = dirEntries(b, IOMMU_CLASS_DIR) ?? null;
  const groups = dirEntries(b, IOMMU_GROUPS_DIR) ?? null;
  const p = (name: string): CmdlineParamFact | null => cmdline?.params[name] ?? null;
  const intelIommu = p('intel_iommu');
  const amdIommu = p('amd_iommu');
  const iommu = p('iommu');
  const intremap = p('intremap');

  // Interrupt isolation settings.
  const settings: InterruptSettingFact[] = [];
  const sys = fileOf(b, UNSAFE_INTR_PATH);
  const sysText = okText(sys);
  if (sysText !== undefined) {
    const v = valueFact(UNSAFE_INTR_PATH, sysText, 'vfio_iommu_type1/allow_unsafe_interrupts');
    settings.push({ what: UNSAFE_INTR_PATH, text: v.text, unsafe: v.bool === true, effect: 'VFIO assigns devices even when the platform cannot isolate their MSIs (no interrupt remapping)', loc: v.loc, key: v.key });
  }
  const cmdUnsafe = p('vfio_iommu_type1.allow_unsafe_interrupts');
  if (cmdUnsafe) settings.push({ what: `${cmdUnsafe.name}=${cmdUnsafe.value ?? ''}`, text: cmdUnsafe.value ?? '', unsafe: cmdUnsafe.bool === true, effect: 'sets allow_unsafe_interrupts at boot', loc: cmdUnsafe.loc, key: cmdUnsafe.key });
  for (const dir of MODPROBE_DIRS) {
    for (const path of filesMatching(b, new RegExp(`^${dir.replace(/\./g, '\\.')}/[^/]+\\.conf$`))) {
      const text = okText(fileOf(b, path));
      if (text === undefined) continue;
      for (const o of modprobeOptions(text, 'vfio_iommu_type1')) {
        if (o.key !== 'allow_unsafe_interrupts') continue;
        settings.push({ what: `options vfio_iommu_type1 allow_unsafe_interrupts=${o.value ?? ''}`, text: o.value ?? '', unsafe: parseKernelBool(o.value) === true, effect: 'sets allow_unsafe_interrupts whenever the module loads', loc: at(path, o.line, o.column), key: `${path}:allow_unsafe_interrupts` });
      }
    }
  }
  if (intremap) {
    const opts = intremap.options;
    const off = opts.includes('off');
    const nosid = opts.includes('nosid');
    settings.push({
      what: `intremap=${intremap.value ?? ''}`,
      text: intremap.value ?? '',
      unsafe: off || nosid,
      effect: off ? 'turns interrupt remapping off: MSIs from assigned devices are not isolated' : nosid ? 'disables source-id checking of remapped interrupts: a device can raise interrupts as another' : 'interrupt remapping option',
      loc: intremap.loc,
      key: intremap.key,
    });
  }

  let interruptRemapping: IommuFacts['interruptRemapping'] = intremap?.options.includes('off') ? 'disabled' : 'unknown';
  let interruptRemappingEvidence: string | null = null;
  const dmesg = okStdout(commandOf(b, 'dmesg'));
  if (dmesg !== undefined && interruptRemapping === 'unknown') {
    const line = dmesg.split('\n').find((l) => IR_ENABLED.some((re) => re.test(l)));
    if (line) {
      interruptRemapping = 'enabled';
      interruptRemappingEvidence = line.trim();
    }
  }

  if (units === null && groups === null) {
    unknown['host.iommu'] = dirReason(IOMMU_GROUPS_DIR, b.dirs[IOMMU_GROUPS_DIR], b.privileged);
    return null;
  }
  const enabled = (groups ?? []).length > 0 || (groups === null && (units ?? []).length > 0);
  let reason: string;
  let loc = at(groups !== null ? IOMMU_GROUPS_DIR : IOMMU_CLASS_DIR);
  const offBy = [intelIommu, amdIommu, iommu].find((x) => x !== null && x.options.includes('off'));
  if (enabled) {
    reason = groups !== null ? `${groups.length} IOMMU group(s) in ${IOMMU_GROUPS_DIR}${units && units.length ? ` (IOMMU units: ${units.join(', ')})` : ''}` : `IOMMU units: ${(units ?? []).join(', ')}`;
  } else if (offBy) {
    reason = `${offBy.name}=${offBy.value ?? ''} on the kernel command line (the last occurrence wins) turns the IOMMU off, so ${IOMMU_GROUPS_DIR} is empty`;
    loc = offBy.loc;
  } else if (arch === 'x86_64' && !(intelIommu?.options.includes('on') ?? false)) {
    reason = `${IOMMU_GROUPS_DIR} is empty and intel_iommu=on is not on the kernel command line (Intel VT-d stays off unless the kernel is built with CONFIG_INTEL_IOMMU_DEFAULT_ON; on AMD, AMD-Vi may be disabled in the firmware)`;
    if (cmdline) loc = cmdline.loc;
  } else {
    reason = `${IOMMU_GROUPS_DIR} is empty: the IOMMU (VT-d / AMD-Vi / SMMU) is disabled in the firmware or absent`;
  }
  return { units, groups, enabled, reason, intelIommu, amdIommu, iommu, intremap, interruptRemapping, interruptRemappingEvidence, interruptSettings: settings, loc, key: 'iommu' };
}

export function buildBlock(b: EvidenceBundle, unknown: Record<string, string>): BlockFacts | null {
  const listed = dirEntries(b, BLOCK_DIR);
  if (listed === undefined) {
    unknown['host.block'] = dirReason(BLOCK_DIR, b.dirs[BLOCK_DIR], b.privileged);
    return null;
  }
  const devices: Record<string, BlockDeviceFact> = {};
  const byPath: Record<string, BlockDeviceFact> = {};
  for (const name of listed) {
    const part = okText(fileOf(b, `${BLOCK_DIR}/${name}/partition`));
    const dm = okText(fileOf(b, `${BLOCK_DIR}/${name}/dm/name`));
    const uuid = okText(fileOf(b, `${BLOCK_DIR}/${name}/dm/uuid`))?.trim() ?? null;
    const partition = part !== undefined && /^\s*\d+\s*$/.test(part) ? Number(part) : null;
    const dmName = dm !== undefined ? dm.trim() : null;
    // dm/uuid prefixes: LVM-… (logical volume), mpath-… (multipath map of a whole LUN), partN-… (kpartx partition).
    let kind: BlockDeviceFact['kind'] = 'disk';
    if (partition !== null || (uuid !== null && /^part\d+-/.test(uuid))) kind = 'partition';
    else if (uuid !== null && uuid.startsWith('LVM-')) kind = 'lvm';
    else if (uuid !== null && uuid.startsWith('mpath-')) kind = 'multipath';
    else if (dmName !== null || uuid !== null || name.startsWith('dm-')) kind = 'dm';
    const dev: BlockDeviceFact = { name, kind, partition, dmName };
    devices[name] = dev;
    byPath[`/dev/${name}`] = dev;
    if (dmName) {
      byPath[`/dev/mapper/${dmName}`] = dev;
      // LVM names its dm devices `<vg>-<lv>` with `-` inside names doubled; /dev/<vg>/<lv> links to it.
      const m = /^((?:[^-]|--)+)-((?:[^-]|--)+)$/.exec(dmName);
      if (m) byPath[`/dev/${m[1].replace(/--/g, '-')}/${m[2].replace(/--/g, '-')}`] = dev;
    }
  }
  // Collected /dev links (by-id, by-path, mapper, LVM): a relative target names the kernel device.
  for (const [path, f] of Object.entries(b.files)) {
    if (!path.startsWith('/dev/') || f.state !== 'ok' || f.linkTarget === undefined) continue;
    const name = linkBase(f.linkTarget);
    if (name !== null && devices[name]) byPath[path] = devices[name];
  }
  return { devices, byPath, loc: at(BLOCK_DIR), key: 'block' };
}
