/**
 * The evidence manifest: the complete, declared list of what vmaudit reads on a host or inside a guest.
 * It is data, compiled into one POSIX sh script by `script.ts`; `vmaudit collect --list` prints it so an
 * auditor can see exactly what is read before granting access. Nothing outside this list is ever read.
 *
 * Paths are absolute paths on the target (never prefixed by --root). Glob patterns use POSIX sh pattern syntax
 * (`*`, `?`, `[...]`); brace alternatives are written as separate items. Every item says `why` it is read and
 * either which facts it feeds (`facts`: CEL paths such as `host.daemonConfigs`, `domains`, `platform.libvirt`,
 * `guest.tpm.pcrs`) or, when no rule reads it, why it is collected anyway (`unread`).
 *
 * Which rules an item serves is derived, never listed by hand: `checksOf` (manifest-index.ts) matches the item's
 * facts against what each rule reads (its `requires`, the fact paths its parsed CEL reads, its platform range). The
 * host and guest coverage proofs (test/collect/host-manifest.test.ts, guest-manifest.test.ts) check both directions:
 * every fact a rule reads is fed by some item, every item is read by some rule or says why not, and removing an
 * item's evidence from the fixture hosts changes no fact the item does not declare.
 */
import { SYSTEM_UNIT_PATH, unitSearchPaths } from '../facts/common/systemd';
import { CPUIDLE_DIR, HALTPOLL_DEFAULTS, HALTPOLL_PARAM_DIR } from '../facts/guest/cpuidle';
import { QGA_DEFAULT_CONFIG } from '../facts/guest/qga';
import { shPathPattern } from '../util/patterns';
import { QGA_BINARIES, QGA_ENV_FILES, QGA_UNIT } from '../facts/guest/build-qga';
import { TPM_PCR_BANK_DIRS } from '../facts/guest/build-tpm';

/** Read content + stat of a regular file (symlinks are followed inside the target root; non-regular files are never read). */
export interface FileItem {
  kind: 'file';
  path: string;
  /** Read the last 10 MiB (FILE_CAP) instead of the first (logs). */
  fromEnd?: boolean;
  why: string;
  /** The fact paths this evidence feeds (`host.sasl`, `domains`, `platform.libvirt`...); the rules follow (checksOf). */
  facts?: string[];
  /** Why the item is collected although no built-in rule reads what it feeds. */
  unread?: string;
}

/** stat only (mode, owner, size, link target): secrets and binary databases are never read. */
export interface StatItem {
  kind: 'stat';
  path: string;
  why: string;
  facts?: string[];
  unread?: string;
}

/** A stat item whose path comes from a variable the script derives from other evidence (e.g. sasldb_path). */
export interface StatVarItem {
  kind: 'stat-var';
  /** Name of a script variable (see VARIABLES); its value is an absolute target path. */
  variable: ScriptVariable;
  why: string;
  facts?: string[];
  unread?: string;
}

/** Directory listing (entry names) + stat of the directory itself. */
export interface DirItem {
  kind: 'dir';
  path: string;
  why: string;
  facts?: string[];
  unread?: string;
}

/** readlink of a symlink (+ lstat); the target is not followed. */
export interface LinkItem {
  kind: 'link';
  path: string;
  why: string;
  facts?: string[];
  unread?: string;
}

/** Every path matching `pattern`, each read as `read`. */
export interface GlobItem {
  kind: 'glob';
  pattern: string;
  read: 'file' | 'stat' | 'link';
  why: string;
  facts?: string[];
  unread?: string;
}

/**
 * Processes: `/proc/<pid>/comm` of every process, and the listed per-process files only for processes whose comm
 * matches one of `comms` (sh `case` patterns) — command lines of unrelated processes may carry secrets.
 */
export interface ProcsItem {
  kind: 'procs';
  comms: string[];
  files: string[];
  why: string;
  facts?: string[];
  unread?: string;
}

/**
 * An argument of a command: a constant, or a script variable. `rooted`: the variable is a path on the target, resolved
 * inside the target root (links re-rooted, `..` stopped at the root); the command then runs only when it resolves to
 * a regular file proven inside the root, otherwise it is recorded as an error saying why (`outside root: ...`,
 * `missing`, `not a regular file`) and never run.
 */
export type CommandArg = string | { variable: ScriptVariable; rooted?: boolean };

export interface CommandItem {
  kind: 'command';
  /** Stable id, the key in `EvidenceBundle.commands` (per-subject results: `<id>:<subject>`). */
  id: string;
  /** Programs that must be on PATH; when one is missing the result is `not-found` and nothing runs. */
  requires: string[];
  /** A fixed sh snippet we author, run as `sh -c SNIPPET sh ARGS...` (data only ever arrives as "$1"...). */
  script: string;
  args?: CommandArg[];
  /**
   * Run the snippet once per line printed by `each` (a snippet, e.g. `virsh list --name`); the line is passed
   * as "$1" and the result is stored as `<id>:<line>`.
   */
  each?: string;
  /** Only meaningful on the running system (not for --root / snapshots): reported `not-applicable` there. */
  liveOnly: boolean;
  /** Skipped as `denied` when the collector is not root. */
  needsRoot: boolean;
  timeoutSec?: number;
  /**
   * With `each`: every subject in ONE virsh process instead of one process per subject (the collection's footprint
   * does not grow with the number of domains): `virsh -c URI 'echo M 0; BEFORE subject0 AFTER; echo M 1; ...'`,
   * each subject's output being what virsh printed after its marker. `script` is the same command for one subject.
   */
  virshBatch?: { uri: string; before: string[]; after?: string[] };
  why: string;
  facts?: string[];
  unread?: string;
}

export type ManifestItem = FileItem | StatItem | StatVarItem | DirItem | LinkItem | GlobItem | ProcsItem | CommandItem;

/**
 * Variables the script derives from evidence before collecting. Each is computed by pure sh (no external program)
 * from a file it reads with the same safety checks as file items.
 */
export type ScriptVariable = 'SASLDB';
export const VARIABLES: Record<ScriptVariable, { why: string; default: string }> = {
  SASLDB: {
    why: '`sasldb_path:` from /etc/sasl2/libvirt.conf (first occurrence wins, as Cyrus SASL does)',
    default: '/etc/sasldb2',
  },
};

const SYSTEMD_DIRS = ['/usr/lib/systemd/system', '/lib/systemd/system', '/etc/systemd/system'];

/** What a libvirt daemon's config feeds: its settings, and through them remote access, TLS, SASL and unix sockets. */
const DAEMON_CONFIG_FACTS = ['host.daemonConfigs', 'host.libvirtd', 'host.virtproxyd', 'host.virtqemud', 'host.remote', 'host.tls', 'host.sasl.allowedUsernames', 'host.unixSockets'];

function unitFiles(prefixes: string[], why: string, facts: string[]): ManifestItem[] {
  const out: ManifestItem[] = [];
  for (const dir of SYSTEMD_DIRS) {
    for (const p of prefixes) {
      for (const suffix of ['.service', '.socket']) {
        out.push({ kind: 'glob', pattern: `${dir}/${p}*${suffix}`, read: 'file', why, facts });
        out.push({ kind: 'glob', pattern: `${dir}/${p}*${suffix}.d/*.conf`, read: 'file', why: `${why} (drop-ins)`, facts });
      }
    }
  }
  for (const p of prefixes) {
    out.push({
      kind: 'glob',
      pattern: `/etc/systemd/system/*.wants/${p}*`,
      read: 'link',
      why: 'enabled units (systemctl enable creates these symlinks)',
      // which daemons are enabled decides whose config is in effect
      facts: ['host.daemons', ...facts, ...DAEMON_CONFIG_FACTS, 'host.sasl'],
    });
  }
  return out;
}

const PROC_COMMS = ['qemu*', 'swtpm*', 'libvirtd', 'virtqemud', 'virtproxyd'];

export const HOST_MANIFEST: readonly ManifestItem[] = [
  { kind: 'command', id: 'id.u', requires: ['id'], script: 'id -u', liveOnly: false, needsRoot: false, why: 'whether the collector ran as root (many /proc and sysfs items need it)', unread: 'collector metadata (bundle.privileged): not a fact, it words the reasons of rules not evaluated for lack of root' },
  { kind: 'command', id: 'uname', requires: ['uname'], script: 'uname -r -m', liveOnly: true, needsRoot: false, why: 'kernel release and architecture (defaults such as halt_poll_ns and valid huge page sizes depend on them)', facts: ['host.kernel', 'platform.kernel'] },
  { kind: 'command', id: 'libvirt.version', requires: [], script: 'for d in virtqemud libvirtd; do if command -v "$d" >/dev/null 2>&1; then exec "$d" --version; fi; done; exit 127', liveOnly: true, needsRoot: false, timeoutSec: 10, why: 'libvirt version (rules whose verdict depends on it: platform ranges); the daemon prints it and exits', facts: ['platform.libvirt'] },
  { kind: 'command', id: 'qemu.version', requires: [], script: 'for q in /usr/libexec/qemu-kvm "/usr/bin/qemu-system-$(uname -m)" /usr/bin/qemu-kvm; do if [ -x "$q" ]; then exec "$q" --version; fi; done; exit 127', liveOnly: true, needsRoot: false, timeoutSec: 10, why: 'QEMU version (rules whose verdict depends on it); QEMU prints it and exits', facts: ['platform.qemu'], unread: 'no built-in rule states a QEMU version range yet; a user rule may (platform: {qemu: ...})' },

  // libvirt daemons
  { kind: 'file', path: '/etc/libvirt/libvirtd.conf', why: 'monolithic daemon config: listen_*, auth_*, TLS, unix socket perms', facts: DAEMON_CONFIG_FACTS },
  { kind: 'file', path: '/etc/libvirt/virtproxyd.conf', why: 'modular remote-access daemon config', facts: DAEMON_CONFIG_FACTS },
  { kind: 'file', path: '/etc/libvirt/virtqemud.conf', why: 'modular QEMU daemon config (unix sockets, auth_unix_*)', facts: DAEMON_CONFIG_FACTS },
  { kind: 'glob', pattern: '/etc/libvirt/virt*d.conf', read: 'file', why: 'other modular daemon configs (virtnetworkd, virtstoraged...)', facts: DAEMON_CONFIG_FACTS },
  { kind: 'file', path: '/etc/sysconfig/libvirtd', why: 'LIBVIRTD_ARGS (RHEL/openEuler): --listen', facts: ['host.remote'] },
  { kind: 'file', path: '/etc/default/libvirtd', why: 'LIBVIRTD_ARGS (Debian): --listen', facts: ['host.remote'] },
  { kind: 'file', path: '/etc/sysconfig/virtproxyd', why: 'VIRTPROXYD_ARGS (RHEL/openEuler)', unread: 'virtproxyd has no --listen; the fact builder reads no VIRTPROXYD_ARGS (kept so an auditor sees the file)' },
  { kind: 'file', path: '/etc/default/virtproxyd', why: 'VIRTPROXYD_ARGS (Debian)', unread: 'virtproxyd has no --listen; the fact builder reads no VIRTPROXYD_ARGS (kept so an auditor sees the file)' },
  ...unitFiles(['libvirtd', 'virtproxyd', 'virtqemud'], 'systemd units: socket activation, SocketMode=, ListenStream=, masking', ['host.daemons', 'host.unixSockets', 'host.remote', 'host.tls']),

  // SASL
  { kind: 'file', path: '/etc/sasl2/libvirt.conf', why: 'mech_list, sasldb_path, keytab', facts: ['host.sasl'] },
  { kind: 'stat-var', variable: 'SASLDB', why: 'the SASL password database stores cleartext passwords: mode/owner only, never read', facts: ['host.sasl.sasldb'] },
  { kind: 'command', id: 'sasldblistusers2', requires: ['sasldblistusers2'], script: 'sasldblistusers2 -f "$1"', args: [{ variable: 'SASLDB', rooted: true }], liveOnly: false, needsRoot: true, why: 'SASL user names (the tool prints attribute names, not passwords)', facts: ['host.sasl.users'] },
  { kind: 'stat', path: '/etc/libvirt/krb5.tab', why: 'libvirt GSSAPI keytab (the `keytab:` default in libvirt.conf): presence and mode', facts: ['host.sasl.keytab'] },
  { kind: 'stat', path: '/etc/krb5.keytab', why: 'system GSSAPI keytab', facts: ['host.sasl.keytab'] },

  // TLS material (stat only: keys are never read)
  { kind: 'stat', path: '/etc/pki/CA/cacert.pem', why: 'default CA certificate for libvirt TLS', facts: ['host.tls'] },
  { kind: 'stat', path: '/etc/pki/libvirt', why: 'libvirt TLS directory', unread: 'the directory itself: the fact builder stats only the files in it (kept so an auditor sees its mode)' },
  { kind: 'glob', pattern: '/etc/pki/libvirt/*', read: 'stat', why: 'server certificate', facts: ['host.tls'] },
  { kind: 'glob', pattern: '/etc/pki/libvirt/private/*', read: 'stat', why: 'server private key permissions', facts: ['host.tls'] },
  { kind: 'glob', pattern: '/etc/pki/libvirt-*/*', read: 'stat', why: 'VNC/SPICE/migration TLS material', unread: 'no fact is built from it yet (QEMU-CONF-006/007 judge the qemu.conf settings naming it)' },

  // LSM / sVirt
  { kind: 'file', path: '/etc/selinux/config', why: 'persistent SELinux mode', facts: ['host.selinux.config', 'host.selinux.installed'] },
  { kind: 'file', path: '/sys/fs/selinux/enforce', why: 'runtime SELinux mode (absent when disabled)', facts: ['host.selinux.runtime'] },
  { kind: 'file', path: '/sys/kernel/security/lsm', why: 'active LSMs', facts: ['host.lsm', 'host.selinux.runtime'] },
  { kind: 'command', id: 'getenforce', requires: ['getenforce'], script: 'getenforce', liveOnly: true, needsRoot: false, why: 'runtime SELinux mode', facts: ['host.selinux.runtime'] },
  { kind: 'command', id: 'ps.eZ', requires: ['ps'], script: 'ps -eZ', liveOnly: true, needsRoot: false, why: 'security labels of QEMU and swtpm processes', facts: ['host.processes'] },
  { kind: 'procs', comms: PROC_COMMS, files: ['attr/current', 'cmdline'], why: 'labels and argv of QEMU, swtpm and libvirt daemon processes (comm of every process)', facts: ['host.processes', 'host.daemons', 'host.swtpm.installed'] },
  { kind: 'file', path: '/proc/cmdline', why: 'kernel parameters: selinux=, iommu, hugepages, isolcpus, THP, MPAM', facts: ['host.cmdline', 'host.selinux.cmdlineOverrides', 'host.iommu', 'host.thp', 'host.resctrl', 'host.hugepages'] },

  // QEMU driver
  { kind: 'file', path: '/etc/libvirt/qemu.conf', why: 'security_driver, user/group, VNC/SPICE listen and TLS, seccomp, swtpm_user', facts: ['host.qemuConf'] },

  // KVM / kernel tuning
  { kind: 'glob', pattern: '/sys/module/kvm/parameters/*', read: 'file', why: 'halt_poll_ns and friends, force_wfi_trap (openEuler arm64)', facts: ['host.kvm'] },
  { kind: 'file', path: '/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts', why: 'interrupt remapping protection', facts: ['host.iommu'] },
  { kind: 'file', path: '/sys/devices/virtual/workqueue/cpumask', why: 'unbound kworker CPU mask', facts: ['host.workqueue'] },
  { kind: 'file', path: '/sys/devices/virtual/workqueue/cpumask_requested', why: 'requested kworker mask (kernel >= 6.x)', facts: ['host.workqueue'] },
  { kind: 'file', path: '/sys/devices/virtual/workqueue/cpumask_isolated', why: 'isolated CPUs removed from the kworker mask', facts: ['host.workqueue'] },
  { kind: 'file', path: '/sys/devices/system/cpu/online', why: 'online host CPUs', facts: ['host.cpus'] },
  { kind: 'file', path: '/sys/devices/system/cpu/isolated', why: 'isolcpus= result', facts: ['host.cpus'] },
  { kind: 'file', path: '/sys/devices/system/node/online', why: 'online NUMA nodes', facts: ['host.numa'] },
  { kind: 'glob', pattern: '/sys/devices/system/node/node*/cpulist', read: 'file', why: 'CPUs of each NUMA node', facts: ['host.numa', 'host.hugepages'] },
  { kind: 'file', path: '/sys/kernel/mm/transparent_hugepage/enabled', why: 'THP mode', facts: ['host.thp'] },
  { kind: 'file', path: '/sys/kernel/mm/transparent_hugepage/defrag', why: 'THP defrag mode', facts: ['host.thp'] },
  { kind: 'file', path: '/proc/meminfo', why: 'default huge page size and counters', facts: ['host.hugepages'] },
  { kind: 'dir', path: '/sys/kernel/mm/hugepages', why: 'which huge page sizes have pools', facts: ['host.hugepages'] },
  { kind: 'glob', pattern: '/sys/kernel/mm/hugepages/*/nr_hugepages', read: 'file', why: 'pool size per page size', facts: ['host.hugepages'] },
  { kind: 'glob', pattern: '/sys/kernel/mm/hugepages/*/free_hugepages', read: 'file', why: 'free pages per page size', facts: ['host.hugepages'] },
  { kind: 'glob', pattern: '/sys/devices/system/node/node*/hugepages/*/nr_hugepages', read: 'file', why: 'per-node pools', facts: ['host.hugepages', 'host.numa'] },
  { kind: 'glob', pattern: '/sys/devices/system/node/node*/hugepages/*/free_hugepages', read: 'file', why: 'per-node free pages', facts: ['host.hugepages', 'host.numa'] },
  { kind: 'file', path: '/proc/mounts', why: 'resctrl and hugetlbfs mounts', facts: ['host.mounts', 'host.resctrl'] },

  // IOMMU / PCI
  { kind: 'dir', path: '/sys/class/iommu', why: 'IOMMU units present', facts: ['host.iommu'] },
  { kind: 'dir', path: '/sys/kernel/iommu_groups', why: 'IOMMU groups present', facts: ['host.iommu'] },
  { kind: 'glob', pattern: '/sys/kernel/iommu_groups/*/devices/*', read: 'link', why: 'members of each IOMMU group', facts: ['host.iommu', 'host.pci'] },
  { kind: 'dir', path: '/sys/bus/pci/devices', why: 'PCI devices present (hostdev BDF exists)', facts: ['host.pci'] },
  { kind: 'glob', pattern: '/sys/bus/pci/devices/*/driver', read: 'link', why: 'bound driver (vfio-pci?)', facts: ['host.pci'] },
  { kind: 'glob', pattern: '/sys/bus/pci/devices/*/iommu_group', read: 'link', why: 'IOMMU group of each device', facts: ['host.pci'] },
  { kind: 'glob', pattern: '/sys/bus/pci/devices/*/numa_node', read: 'file', why: 'NUMA node of each device', facts: ['host.pci'] },
  // Block devices: what a <disk type='block' device='lun'> source is (whole disk, partition, LVM, multipath, dm)
  { kind: 'dir', path: '/sys/class/block', why: 'block devices present (RDM: the kind of a LUN source)', facts: ['host.block'] },
  ...['partition', 'dm/name', 'dm/uuid'].map((f): ManifestItem => ({ kind: 'glob', pattern: `/sys/class/block/*/${f}`, read: 'file', why: 'partition number / device-mapper name and uuid (LVM-, mpath-, partN-) of each block device', facts: ['host.block'] })),
  ...['/dev/disk/by-id/*', '/dev/disk/by-path/*', '/dev/mapper/*'].map((pattern): ManifestItem => ({ kind: 'glob', pattern, read: 'link', why: 'the kernel device behind a persistent block device name', facts: ['host.block'] })),
  { kind: 'command', id: 'dmesg', requires: ['dmesg'], script: 'dmesg', liveOnly: true, needsRoot: true, why: 'interrupt remapping messages (DMAR-IR / AMD-Vi)', facts: ['host.iommu'] },

  // swtpm
  { kind: 'command', id: 'swtpm.path', requires: [], script: 'command -v swtpm', liveOnly: true, needsRoot: false, why: 'whether swtpm is installed', unread: 'the fact builder tells an installed swtpm from /usr/bin, /usr/sbin, /usr/local/bin/swtpm and swtpm processes, not from this command' },
  { kind: 'stat', path: '/usr/bin/swtpm', why: 'whether swtpm is installed (offline roots)', facts: ['host.swtpm.installed'], unread: 'host.swtpm.installed is read by no built-in rule yet' },
  { kind: 'stat', path: '/var/lib/swtpm-localca', why: 'local CA directory permissions', facts: ['host.swtpm.localca'] },
  { kind: 'glob', pattern: '/var/lib/swtpm-localca/*', read: 'stat', why: 'local CA key permissions', facts: ['host.swtpm.localcaFiles'] },
  { kind: 'glob', pattern: '/var/lib/libvirt/swtpm/*', read: 'stat', why: 'per-VM vTPM state directories', facts: ['host.swtpm.stateFiles'] },
  { kind: 'glob', pattern: '/var/lib/libvirt/swtpm/*/tpm2/*', read: 'stat', why: 'vTPM state file permissions', facts: ['host.swtpm.stateFiles'] },
  { kind: 'file', path: '/etc/libvirt/swtpm-localca.conf', why: 'swtpm local CA settings', unread: 'no fact is built from it yet (kept so an auditor sees the CA settings)' },

  // accounts (owner names for --root, group membership)
  { kind: 'file', path: '/etc/group', why: 'members of unix_sock_group / SocketGroup, owner names', facts: ['host.groups', 'host.unixSockets'] },
  { kind: 'file', path: '/etc/passwd', why: 'owner names of files in --root audits (uid -> name)', facts: ['host.groups', 'host.qemuConf'] },

  // domains
  { kind: 'command', id: 'virsh.list', requires: ['virsh'], script: 'virsh -c qemu:///system list --all --name', liveOnly: true, needsRoot: false, timeoutSec: 30, why: 'defined domains', unread: 'virsh.dumpxml lists the domains itself; this list is kept for the auditor' },
  { kind: 'command', id: 'virsh.list.running', requires: ['virsh'], script: 'virsh -c qemu:///system list --name', liveOnly: true, needsRoot: false, timeoutSec: 30, why: 'running domains', facts: ['host.domainState'] },
  { kind: 'command', id: 'virsh.dumpxml', requires: ['virsh'], each: 'virsh -c qemu:///system list --all --name', script: 'virsh -c qemu:///system dumpxml --security-info -- "$1"', virshBatch: { uri: 'qemu:///system', before: ['dumpxml', '--security-info', '--'] }, liveOnly: true, needsRoot: false, timeoutSec: 30, why: 'live domain XML with graphics passwords (presence only is used) and live seclabels', facts: ['domains', 'domain', 'input'] },
  { kind: 'dir', path: '/etc/libvirt/qemu', why: 'persistent domain definitions present', unread: 'the definitions are read by the *.xml glob below; the listing shows what else the directory holds' },
  { kind: 'glob', pattern: '/etc/libvirt/qemu/*.xml', read: 'file', why: 'persistent domain XML (offline audits)', facts: ['domains', 'domain', 'input'] },
  { kind: 'glob', pattern: '/etc/libvirt/qemu/autostart/*', read: 'link', why: 'autostarted domains', facts: ['host.domainState'] },
];

/**
 * Guest evidence: exactly what `buildGuestFacts` (src/facts/guest/build.ts, evidence list in model.ts) reads, so that
 * nothing it looks up is silently "missing" because it was never collected (test/collect/guest-manifest.test.ts
 * proves both directions on the fixture guests). Paths named by target data (a unit's EnvironmentFile= other than the
 * known ones, a QGA_CONF / -c config path) cannot be declared in advance: `scanGuestBundle` reports the qemu-ga
 * facts as not evaluated when the builder needs such a path.
 */
const QGA_UNIT_PATHS = unitSearchPaths(QGA_UNIT, SYSTEM_UNIT_PATH);

export const GUEST_MANIFEST: readonly ManifestItem[] = [
  { kind: 'command', id: 'id.u', requires: ['id'], script: 'id -u', liveOnly: false, needsRoot: false, why: 'whether the collector ran as root', unread: 'collector metadata (bundle.privileged): not a fact, it words the reasons of rules not evaluated for lack of root' },
  { kind: 'command', id: 'uname.machine', requires: ['uname'], script: 'uname -m', liveOnly: true, needsRoot: false, why: 'architecture (arm64 needs haltpoll.enable=Y; arm_pvspin)', facts: ['guest.arch', 'guest.pvspin'] },
  { kind: 'command', id: 'uname.release', requires: ['uname'], script: 'uname -r', liveOnly: true, needsRoot: false, why: 'kernel release: selects /boot/config-<release>', facts: ['guest.pvspin'] },
  { kind: 'file', path: '/proc/cmdline', why: 'cpuidle_haltpoll.force, haltpoll.enable, arm_pvspin, nopvspin', facts: ['guest.cmdline', 'guest.cpuidle', 'guest.pvspin'] },

  // qemu-guest-agent: binary, unit (every directory of systemd's search path, drop-ins, masking), environment files,
  // config file, the running process, and what the installed agent knows.
  ...QGA_BINARIES.map((p): ManifestItem => ({ kind: 'stat', path: p, why: 'qemu-ga installed?', facts: ['guest.qga'] })),
  ...QGA_UNIT_PATHS.unitFiles.map((p): ManifestItem => ({ kind: 'file', path: p, why: 'agent unit: ExecStart=, EnvironmentFile= (a link to /dev/null masks it); mode', facts: ['guest.qga'] })),
  ...QGA_UNIT_PATHS.dropinDirs.flatMap((d): ManifestItem[] => [
    { kind: 'dir', path: d, why: 'agent unit drop-in directory', facts: ['guest.qga'] },
    { kind: 'glob', pattern: `${d}/*.conf`, read: 'file', why: 'agent unit drop-ins (ExecStart= overrides, Environment=); mode', facts: ['guest.qga'] },
  ]),
  ...QGA_ENV_FILES.map((p): ManifestItem => ({ kind: 'file', path: p, why: 'EnvironmentFile= of the agent unit: BLACKLIST_RPC / FILTER_RPC_ARGS / QEMU_GA_ARGS; mode', facts: ['guest.qga'] })),
  { kind: 'file', path: QGA_DEFAULT_CONFIG, why: 'agent config: block-rpcs / allow-rpcs / blacklist; mode', facts: ['guest.qga'] },
  { kind: 'command', id: 'qemu-ga.pids', requires: ['pgrep'], script: 'pgrep -x qemu-ga', liveOnly: true, needsRoot: false, why: 'pids of the running agent (exit 1: not running)', facts: ['guest.qga'] },
  { kind: 'procs', comms: ['qemu-ga'], files: ['cmdline'], why: 'argv of the running agent (NUL-separated; the process list is matched by comm like pgrep -x)', facts: ['guest.qga'] },
  { kind: 'command', id: 'qemu-ga.version', requires: ['qemu-ga'], script: 'qemu-ga -V', liveOnly: true, needsRoot: false, why: 'agent version: --blacklist removed in 9.1, --allow-rpcs since 8.1', facts: ['guest.qga'] },
  { kind: 'command', id: 'qemu-ga.rpcs', requires: ['qemu-ga'], script: "qemu-ga -b '?'", liveOnly: true, needsRoot: false, why: 'the RPC names the installed agent knows (list entries naming no RPC have no effect)', facts: ['guest.qga'] },

  // TPM
  { kind: 'dir', path: '/sys/class/tpm', why: 'TPM devices the kernel registered', facts: ['guest.tpm'] },
  { kind: 'file', path: '/sys/class/tpm/tpm0/tpm_version_major', why: 'TPM version (Linux >= 5.6)', facts: ['guest.tpm'] },
  { kind: 'link', path: '/sys/class/tpm/tpm0/device/driver', why: 'kernel driver bound to tpm0 (tpm_crb, tpm_tis)', facts: ['guest.tpm'] },
  { kind: 'stat', path: '/dev/tpm0', why: 'TPM character device present', facts: ['guest.tpm'] },
  { kind: 'stat', path: '/dev/tpmrm0', why: 'TPM resource manager device present', facts: ['guest.tpm'] },
  { kind: 'file', path: '/proc/modules', why: 'tpm_tis / tpm_crb modules loaded', facts: ['guest.tpm'] },
  ...TPM_PCR_BANK_DIRS.map((bank): ManifestItem => ({ kind: 'glob', pattern: `/sys/class/tpm/tpm0/pcr-${bank}/[0-9]*`, read: 'file', why: `${bank} PCR values from sysfs (Linux >= 5.12; used when tpm2-tools is missing)`, facts: ['guest.tpm.pcrs'] })),
  { kind: 'command', id: 'tpm2_pcrread', requires: ['tpm2_pcrread'], script: 'tpm2_pcrread', liveOnly: true, needsRoot: false, why: 'PCR banks and values, tpm2-tools 4/5 (measured boot)', facts: ['guest.tpm.pcrs'] },
  { kind: 'command', id: 'tpm2_pcrlist', requires: ['tpm2_pcrlist'], script: 'tpm2_pcrlist', liveOnly: true, needsRoot: false, why: 'PCR banks and values, tpm2-tools 3.x (only installed where tpm2_pcrread is not)', facts: ['guest.tpm.pcrs'] },

  // idle / haltpoll / pvspin
  ...['current_driver', 'current_governor_ro', 'current_governor'].map((f): ManifestItem => ({ kind: 'file', path: `${CPUIDLE_DIR}/${f}`, why: 'active cpuidle driver / governor (haltpoll?)', facts: ['guest.cpuidle'] })),
  ...Object.keys(HALTPOLL_DEFAULTS).map((f): ManifestItem => ({ kind: 'file', path: `${HALTPOLL_PARAM_DIR}/${f}`, why: 'guest halt-polling parameter', facts: ['guest.cpuidle'] })),
  { kind: 'command', id: 'dmesg', requires: ['dmesg'], script: 'dmesg', liveOnly: true, needsRoot: true, why: 'PV spinlock messages (kvm-guest: PV spinlocks enabled / arm-pv: PV qspinlocks enabled)', facts: ['guest.pvspin'] },
  { kind: 'glob', pattern: '/boot/config-*', read: 'file', why: 'CONFIG_PARAVIRT_SPINLOCKS (the one for `uname -r` is used; the release is known only after collection)', facts: ['guest.pvspin'] },

  // topology / NUMA
  { kind: 'file', path: '/sys/devices/system/cpu/online', why: 'online vCPUs', facts: ['guest.topology'] },
  ...['physical_package_id', 'die_id', 'cluster_id', 'core_id', 'thread_siblings_list'].map(
    (f): ManifestItem => ({ kind: 'glob', pattern: `/sys/devices/system/cpu/cpu[0-9]*/topology/${f}`, read: 'file', why: 'guest-visible CPU topology', facts: ['guest.topology'] }),
  ),
  { kind: 'file', path: '/sys/devices/system/node/online', why: 'guest NUMA nodes', facts: ['guest.numa'] },
  { kind: 'dir', path: '/sys/bus/pci/devices', why: 'PCI devices of the guest', facts: ['guest.numa'] },
  ...['numa_node', 'class', 'vendor', 'device'].map((f): ManifestItem => ({ kind: 'glob', pattern: `/sys/bus/pci/devices/*/${f}`, read: 'file', why: 'NUMA node exposed for passthrough devices (class/vendor/device tell emulated from passed-through)', facts: ['guest.numa'] })),
];

/**
 * Optional host item (`scan host --guests`): ask the agent of every running domain that has a qemu-ga channel which
 * RPCs it has enabled. The domain name reaches the shell only as "$1". Results: `virsh.guest-info:<domain>`.
 */
export const HOST_GUEST_AGENT_ITEM: ManifestItem = {
  kind: 'command',
  id: 'virsh.guest-info',
  requires: ['virsh'],
  each: `virsh -c qemu:///system list --name | while IFS= read -r d; do [ -n "$d" ] || continue; if virsh -c qemu:///system dumpxml -- "$d" 2>/dev/null | grep -q 'org\\.qemu\\.guest_agent\\.0'; then printf '%s\\n' "$d"; fi; done`,
  script: `virsh -c qemu:///system qemu-agent-command --timeout 10 -- "$1" '{"execute":"guest-info"}'`,
  liveOnly: true,
  needsRoot: false,
  timeoutSec: 30,
  why: "RPCs each running domain's qemu-ga has enabled (its own guest-info reply), for domains with an org.qemu.guest_agent.0 channel",
  facts: ['guest.qga'],
};

export interface ManifestOptions {
  /** Host: add HOST_GUEST_AGENT_ITEM (`scan host --guests`). */
  guestAgents?: boolean;
}

export function manifestFor(kind: 'host' | 'guest', options: ManifestOptions = {}): readonly ManifestItem[] {
  if (kind === 'guest') return GUEST_MANIFEST;
  return options.guestAgents ? [...HOST_MANIFEST, HOST_GUEST_AGENT_ITEM] : HOST_MANIFEST;
}

/** A one-line description of what an item reads, for `collect --list` and error messages. */
export function describeItem(item: ManifestItem): string {
  switch (item.kind) {
    case 'file':
      return `file ${item.path}${item.fromEnd ? ' (last 10 MiB, the evidence limit)' : ''}`;
    case 'stat':
      return `stat ${item.path}`;
    case 'stat-var':
      return `stat $${item.variable} (${VARIABLES[item.variable].why}; default ${VARIABLES[item.variable].default})`;
    case 'dir':
      return `list ${item.path}/`;
    case 'link':
      return `readlink ${item.path}`;
    case 'glob':
      return `${item.read === 'file' ? 'file' : item.read === 'stat' ? 'stat' : 'readlink'} ${item.pattern}`;
    case 'procs':
      return `/proc/[0-9]*/comm; ${item.files.map((f) => `/proc/<pid>/${f}`).join(', ')} where comm is ${item.comms.join('|')}`;
    case 'command': {
      const args = (item.args ?? []).map((a) => (typeof a === 'string' ? a : `$${a.variable}`));
      const flags = [item.liveOnly ? 'live only' : '', item.needsRoot ? 'needs root' : '', item.each ? `for each line of \`${item.each}\`` : ''].filter(Boolean);
      return `run ${item.id}: \`${item.script}\`${args.length ? ` with ${args.join(' ')}` : ''}${flags.length ? ` (${flags.join(', ')})` : ''}`;
    }
  }
}

/** The key under which an item's (lost) result is recorded when the stream is cut before it completed. */
export function itemKey(item: ManifestItem): { section: 'files' | 'dirs' | 'commands'; key: string } {
  switch (item.kind) {
    case 'file':
    case 'stat':
    case 'link':
      return { section: 'files', key: item.path };
    case 'stat-var':
      return { section: 'files', key: `$${item.variable}` };
    case 'dir':
      return { section: 'dirs', key: item.path };
    case 'glob':
      return { section: 'files', key: item.pattern };
    case 'procs':
      return { section: 'files', key: '/proc/[0-9]*/comm' };
    case 'command':
      return { section: 'commands', key: item.id };
  }
}

/** `true` when `item` collects the evidence key `key` of `section` (a path, a directory, a command result id). */
export function itemCovers(item: ManifestItem, section: 'files' | 'dirs' | 'commands', key: string): boolean {
  switch (item.kind) {
    case 'file':
    case 'stat':
    case 'link':
      return section === 'files' && item.path === key;
    case 'dir':
      return section === 'dirs' && item.path === key;
    case 'glob':
      return section === 'files' && shPathPattern(item.pattern).test(key);
    case 'procs': {
      const m = /^\/proc\/\d+\/(.+)$/.exec(key);
      return section === 'files' && m !== null && (m[1] === 'comm' || item.files.includes(m[1]));
    }
    case 'stat-var':
      return false;
    case 'command':
      return section === 'commands' && (key === item.id || (item.each !== undefined && key.startsWith(`${item.id}:`)));
  }
}
