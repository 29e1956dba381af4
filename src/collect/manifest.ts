/**
 * The evidence manifest: the complete, declared list of what vmaudit reads on a host or inside a guest.
 * It is data, compiled into one POSIX sh script by `script.ts`; `vmaudit collect --list` prints it so an
 * auditor can see exactly what is read before granting access. Nothing outside this list is ever read.
 *
 * Paths are absolute paths on the target (never prefixed by --root). Glob patterns use POSIX sh pattern syntax
 * (`*`, `?`, `[...]`); brace alternatives are written as separate items. Every item says `why` it is read and
 * which checks (rule ids from domain-knowledge §1) consume it.
 */
import { SYSTEM_UNIT_PATH, unitSearchPaths } from '../facts/common/systemd';
import { CPUIDLE_DIR, HALTPOLL_DEFAULTS, HALTPOLL_PARAM_DIR } from '../facts/guest/cpuidle';
import { QGA_DEFAULT_CONFIG } from '../facts/guest/qga';
import { QGA_BINARIES, QGA_ENV_FILES, QGA_UNIT, TPM_PCR_BANK_DIRS } from '../facts/guest/build';

/** Read content + stat of a regular file (symlinks are followed inside the target root; non-regular files are never read). */
export interface FileItem {
  kind: 'file';
  path: string;
  /** Read the last 10 MiB (FILE_CAP) instead of the first (logs). */
  fromEnd?: boolean;
  why: string;
  checks?: string[];
}

/** stat only (mode, owner, size, link target): secrets and binary databases are never read. */
export interface StatItem {
  kind: 'stat';
  path: string;
  why: string;
  checks?: string[];
}

/** A stat item whose path comes from a variable the script derives from other evidence (e.g. sasldb_path). */
export interface StatVarItem {
  kind: 'stat-var';
  /** Name of a script variable (see VARIABLES); its value is an absolute target path. */
  variable: ScriptVariable;
  why: string;
  checks?: string[];
}

/** Directory listing (entry names) + stat of the directory itself. */
export interface DirItem {
  kind: 'dir';
  path: string;
  why: string;
  checks?: string[];
}

/** readlink of a symlink (+ lstat); the target is not followed. */
export interface LinkItem {
  kind: 'link';
  path: string;
  why: string;
  checks?: string[];
}

/** Every path matching `pattern`, each read as `read`. */
export interface GlobItem {
  kind: 'glob';
  pattern: string;
  read: 'file' | 'stat' | 'link';
  why: string;
  checks?: string[];
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
  checks?: string[];
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
  why: string;
  checks?: string[];
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

function unitFiles(prefixes: string[], why: string, checks: string[]): ManifestItem[] {
  const out: ManifestItem[] = [];
  for (const dir of SYSTEMD_DIRS) {
    for (const p of prefixes) {
      for (const suffix of ['.service', '.socket']) {
        out.push({ kind: 'glob', pattern: `${dir}/${p}*${suffix}`, read: 'file', why, checks });
        out.push({ kind: 'glob', pattern: `${dir}/${p}*${suffix}.d/*.conf`, read: 'file', why: `${why} (drop-ins)`, checks });
      }
    }
  }
  for (const p of prefixes) {
    out.push({
      kind: 'glob',
      pattern: `/etc/systemd/system/*.wants/${p}*`,
      read: 'link',
      why: 'enabled units (systemctl enable creates these symlinks)',
      checks: ['LV-DAEMON-001', 'LV-REMOTE-004', ...checks],
    });
  }
  return out;
}

const REMOTE_CHECKS = ['LV-REMOTE-001', 'LV-REMOTE-002', 'LV-REMOTE-003', 'LV-REMOTE-004', 'LV-TLS-001', 'LV-TLS-003', 'LV-TLS-005', 'LV-UNIX-001', 'LV-UNIX-003', 'LV-UNIX-004', 'LV-CONF-001', 'LV-CONF-002', 'LV-SSF-001', 'LV-ACL-001', 'LV-AUDIT-001'];
const PROC_COMMS = ['qemu*', 'swtpm*', 'libvirtd', 'virtqemud', 'virtproxyd'];

export const HOST_MANIFEST: readonly ManifestItem[] = [
  { kind: 'command', id: 'id.u', requires: ['id'], script: 'id -u', liveOnly: false, needsRoot: false, why: 'whether the collector ran as root (many /proc and sysfs items need it)' },
  { kind: 'command', id: 'uname', requires: ['uname'], script: 'uname -r -m', liveOnly: true, needsRoot: false, why: 'kernel release and architecture (defaults such as halt_poll_ns and valid huge page sizes depend on them)', checks: ['HOST-HALTPOLL-001', 'DOM-HP-001'] },
  { kind: 'command', id: 'libvirt.version', requires: [], script: 'for d in virtqemud libvirtd; do if command -v "$d" >/dev/null 2>&1; then exec "$d" --version; fi; done; exit 127', liveOnly: true, needsRoot: false, timeoutSec: 10, why: 'libvirt version (rules whose verdict depends on it: platform ranges); the daemon prints it and exits', checks: ['DOM-HPOLL-001'] },
  { kind: 'command', id: 'qemu.version', requires: [], script: 'for q in /usr/libexec/qemu-kvm "/usr/bin/qemu-system-$(uname -m)" /usr/bin/qemu-kvm; do if [ -x "$q" ]; then exec "$q" --version; fi; done; exit 127', liveOnly: true, needsRoot: false, timeoutSec: 10, why: 'QEMU version (rules whose verdict depends on it); QEMU prints it and exits', checks: [] },

  // libvirt daemons
  { kind: 'file', path: '/etc/libvirt/libvirtd.conf', why: 'monolithic daemon config: listen_*, auth_*, TLS, unix socket perms', checks: REMOTE_CHECKS },
  { kind: 'file', path: '/etc/libvirt/virtproxyd.conf', why: 'modular remote-access daemon config', checks: REMOTE_CHECKS },
  { kind: 'file', path: '/etc/libvirt/virtqemud.conf', why: 'modular QEMU daemon config (unix sockets, auth_unix_*)', checks: ['LV-UNIX-001', 'LV-UNIX-003', 'LV-CONF-001'] },
  { kind: 'glob', pattern: '/etc/libvirt/virt*d.conf', read: 'file', why: 'other modular daemon configs (virtnetworkd, virtstoraged...)', checks: ['LV-CONF-001', 'LV-UNIX-001'] },
  { kind: 'file', path: '/etc/sysconfig/libvirtd', why: 'LIBVIRTD_ARGS (RHEL/openEuler): --listen', checks: ['LV-REMOTE-001', 'LV-REMOTE-004', 'LV-TLS-005'] },
  { kind: 'file', path: '/etc/default/libvirtd', why: 'LIBVIRTD_ARGS (Debian): --listen', checks: ['LV-REMOTE-001', 'LV-REMOTE-004', 'LV-TLS-005'] },
  { kind: 'file', path: '/etc/sysconfig/virtproxyd', why: 'VIRTPROXYD_ARGS (RHEL/openEuler)', checks: ['LV-REMOTE-001'] },
  { kind: 'file', path: '/etc/default/virtproxyd', why: 'VIRTPROXYD_ARGS (Debian)', checks: ['LV-REMOTE-001'] },
  ...unitFiles(['libvirtd', 'virtproxyd', 'virtqemud'], 'systemd units: socket activation, SocketMode=, ListenStream=, masking', ['LV-UNIX-001', 'LV-UNIX-003', 'LV-REMOTE-001']),

  // SASL
  { kind: 'file', path: '/etc/sasl2/libvirt.conf', why: 'mech_list, sasldb_path, keytab', checks: ['SASL-MECH-001', 'SASL-MECH-002', 'SASL-MECH-003', 'SASL-MECH-004', 'SASL-KRB-001', 'SASL-DB-001'] },
  { kind: 'stat-var', variable: 'SASLDB', why: 'the SASL password database stores cleartext passwords: mode/owner only, never read', checks: ['SASL-DB-001'] },
  { kind: 'command', id: 'sasldblistusers2', requires: ['sasldblistusers2'], script: 'sasldblistusers2 -f "$1"', args: [{ variable: 'SASLDB', rooted: true }], liveOnly: false, needsRoot: true, why: 'SASL user names (the tool prints attribute names, not passwords)', checks: ['SASL-DB-002', 'LV-SASL-ACL-001'] },
  { kind: 'stat', path: '/etc/libvirt/krb5.tab', why: 'libvirt GSSAPI keytab (the `keytab:` default in libvirt.conf): presence and mode', checks: ['SASL-KRB-001'] },
  { kind: 'stat', path: '/etc/krb5.keytab', why: 'system GSSAPI keytab', checks: ['SASL-KRB-001'] },

  // TLS material (stat only: keys are never read)
  { kind: 'stat', path: '/etc/pki/CA/cacert.pem', why: 'default CA certificate for libvirt TLS', checks: ['LV-TLS-005'] },
  { kind: 'stat', path: '/etc/pki/libvirt', why: 'libvirt TLS directory', checks: ['LV-TLS-005'] },
  { kind: 'glob', pattern: '/etc/pki/libvirt/*', read: 'stat', why: 'server certificate', checks: ['LV-TLS-005'] },
  { kind: 'glob', pattern: '/etc/pki/libvirt/private/*', read: 'stat', why: 'server private key permissions', checks: ['LV-TLS-005'] },
  { kind: 'glob', pattern: '/etc/pki/libvirt-*/*', read: 'stat', why: 'VNC/SPICE/migration TLS material', checks: ['QEMU-CONF-006', 'QEMU-CONF-007'] },

  // LSM / sVirt
  { kind: 'file', path: '/etc/selinux/config', why: 'persistent SELinux mode', checks: ['SVIRT-002'] },
  { kind: 'file', path: '/sys/fs/selinux/enforce', why: 'runtime SELinux mode (absent when disabled)', checks: ['SVIRT-001'] },
  { kind: 'file', path: '/sys/kernel/security/lsm', why: 'active LSMs', checks: ['SVIRT-001', 'QEMU-CONF-002'] },
  { kind: 'command', id: 'getenforce', requires: ['getenforce'], script: 'getenforce', liveOnly: true, needsRoot: false, why: 'runtime SELinux mode', checks: ['SVIRT-001'] },
  { kind: 'command', id: 'ps.eZ', requires: ['ps'], script: 'ps -eZ', liveOnly: true, needsRoot: false, why: 'security labels of QEMU and swtpm processes', checks: ['SVIRT-004', 'SVIRT-005', 'SVIRT-006', 'SVIRT-007', 'SVIRT-008'] },
  { kind: 'procs', comms: PROC_COMMS, files: ['attr/current', 'cmdline'], why: 'labels and argv of QEMU, swtpm and libvirt daemon processes (comm of every process)', checks: ['SVIRT-004', 'SVIRT-005', 'SVIRT-006', 'SVIRT-007', 'LV-DAEMON-001'] },
  { kind: 'file', path: '/proc/cmdline', why: 'kernel parameters: selinux=, iommu, hugepages, isolcpus, THP, MPAM', checks: ['SVIRT-003', 'HOST-IOMMU-001', 'HOST-IOMMU-002', 'HOST-THP-001', 'HOST-MPAM-001', 'HOST-WFI-001'] },

  // QEMU driver
  { kind: 'file', path: '/etc/libvirt/qemu.conf', why: 'security_driver, user/group, VNC/SPICE listen and TLS, seccomp, swtpm_user', checks: ['QEMU-CONF-001', 'QEMU-CONF-002', 'QEMU-CONF-003', 'QEMU-CONF-004', 'QEMU-CONF-005', 'QEMU-CONF-006', 'QEMU-CONF-007', 'QEMU-CONF-008', 'QEMU-CONF-009', 'QEMU-CONF-010', 'DOM-GFX-001'] },

  // KVM / kernel tuning
  { kind: 'glob', pattern: '/sys/module/kvm/parameters/*', read: 'file', why: 'halt_poll_ns and friends, force_wfi_trap (openEuler arm64)', checks: ['HOST-HALTPOLL-001', 'HOST-WFI-001'] },
  { kind: 'file', path: '/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts', why: 'interrupt remapping protection', checks: ['HOST-IOMMU-002'] },
  { kind: 'file', path: '/sys/devices/virtual/workqueue/cpumask', why: 'unbound kworker CPU mask', checks: ['HOST-WQ-001', 'HOST-WQ-002'] },
  { kind: 'file', path: '/sys/devices/virtual/workqueue/cpumask_requested', why: 'requested kworker mask (kernel >= 6.x)', checks: ['HOST-WQ-003'] },
  { kind: 'file', path: '/sys/devices/virtual/workqueue/cpumask_isolated', why: 'isolated CPUs removed from the kworker mask', checks: ['HOST-WQ-003'] },
  { kind: 'file', path: '/sys/devices/system/cpu/online', why: 'online host CPUs', checks: ['HOST-WQ-002', 'HOST-CPU-001'] },
  { kind: 'file', path: '/sys/devices/system/cpu/isolated', why: 'isolcpus= result', checks: ['HOST-WQ-003'] },
  { kind: 'file', path: '/sys/devices/system/node/online', why: 'online NUMA nodes', checks: ['HOST-CPU-001'] },
  { kind: 'glob', pattern: '/sys/devices/system/node/node*/cpulist', read: 'file', why: 'CPUs of each NUMA node', checks: ['HOST-NUMA-001', 'DOM-NUMA-003'] },
  { kind: 'file', path: '/sys/kernel/mm/transparent_hugepage/enabled', why: 'THP mode', checks: ['HOST-THP-001'] },
  { kind: 'file', path: '/sys/kernel/mm/transparent_hugepage/defrag', why: 'THP defrag mode', checks: ['HOST-THP-001'] },
  { kind: 'file', path: '/proc/meminfo', why: 'default huge page size and counters', checks: ['HOST-HP-004'] },
  { kind: 'dir', path: '/sys/kernel/mm/hugepages', why: 'which huge page sizes have pools', checks: ['HOST-HP-001'] },
  { kind: 'glob', pattern: '/sys/kernel/mm/hugepages/*/nr_hugepages', read: 'file', why: 'pool size per page size', checks: ['HOST-HP-001', 'HOST-HP-002'] },
  { kind: 'glob', pattern: '/sys/kernel/mm/hugepages/*/free_hugepages', read: 'file', why: 'free pages per page size', checks: ['HOST-HP-002'] },
  { kind: 'glob', pattern: '/sys/devices/system/node/node*/hugepages/*/nr_hugepages', read: 'file', why: 'per-node pools', checks: ['HOST-HP-003'] },
  { kind: 'glob', pattern: '/sys/devices/system/node/node*/hugepages/*/free_hugepages', read: 'file', why: 'per-node free pages', checks: ['HOST-HP-003'] },
  { kind: 'file', path: '/proc/mounts', why: 'resctrl and hugetlbfs mounts', checks: ['HOST-MPAM-001'] },

  // IOMMU / PCI
  { kind: 'dir', path: '/sys/class/iommu', why: 'IOMMU units present', checks: ['HOST-IOMMU-001'] },
  { kind: 'dir', path: '/sys/kernel/iommu_groups', why: 'IOMMU groups present', checks: ['HOST-IOMMU-001'] },
  { kind: 'glob', pattern: '/sys/kernel/iommu_groups/*/devices/*', read: 'link', why: 'members of each IOMMU group', checks: ['HOST-VFIO-002'] },
  { kind: 'dir', path: '/sys/bus/pci/devices', why: 'PCI devices present (hostdev BDF exists)', checks: ['HOST-VFIO-001'] },
  { kind: 'glob', pattern: '/sys/bus/pci/devices/*/driver', read: 'link', why: 'bound driver (vfio-pci?)', checks: ['HOST-VFIO-001', 'HOST-VFIO-002'] },
  { kind: 'glob', pattern: '/sys/bus/pci/devices/*/iommu_group', read: 'link', why: 'IOMMU group of each device', checks: ['HOST-VFIO-002'] },
  { kind: 'glob', pattern: '/sys/bus/pci/devices/*/numa_node', read: 'file', why: 'NUMA node of each device', checks: ['HOST-NUMA-001'] },
  { kind: 'command', id: 'dmesg', requires: ['dmesg'], script: 'dmesg', liveOnly: true, needsRoot: true, why: 'interrupt remapping messages (DMAR-IR / AMD-Vi)', checks: ['HOST-IOMMU-002'] },

  // swtpm
  { kind: 'command', id: 'swtpm.path', requires: [], script: 'command -v swtpm', liveOnly: true, needsRoot: false, why: 'whether swtpm is installed', checks: ['DOM-TPM-001'] },
  { kind: 'stat', path: '/usr/bin/swtpm', why: 'whether swtpm is installed (offline roots)', checks: ['DOM-TPM-001'] },
  { kind: 'stat', path: '/var/lib/swtpm-localca', why: 'local CA directory permissions', checks: ['HOST-SWTPM-001'] },
  { kind: 'glob', pattern: '/var/lib/swtpm-localca/*', read: 'stat', why: 'local CA key permissions', checks: ['HOST-SWTPM-001'] },
  { kind: 'glob', pattern: '/var/lib/libvirt/swtpm/*', read: 'stat', why: 'per-VM vTPM state directories', checks: ['HOST-SWTPM-002'] },
  { kind: 'glob', pattern: '/var/lib/libvirt/swtpm/*/tpm2/*', read: 'stat', why: 'vTPM state file permissions', checks: ['HOST-SWTPM-002'] },
  { kind: 'file', path: '/etc/libvirt/swtpm-localca.conf', why: 'swtpm local CA settings' },

  // accounts (owner names for --root, group membership)
  { kind: 'file', path: '/etc/group', why: 'members of unix_sock_group / SocketGroup, owner names', checks: ['LV-UNIX-002'] },
  { kind: 'file', path: '/etc/passwd', why: 'owner names of files in --root audits (uid -> name)' },

  // domains
  { kind: 'command', id: 'virsh.list', requires: ['virsh'], script: 'virsh -c qemu:///system list --all --name', liveOnly: true, needsRoot: false, timeoutSec: 30, why: 'defined domains' },
  { kind: 'command', id: 'virsh.list.running', requires: ['virsh'], script: 'virsh -c qemu:///system list --name', liveOnly: true, needsRoot: false, timeoutSec: 30, why: 'running domains', checks: ['HOST-HP-002', 'HOST-VFIO-003', 'HOST-CPU-002'] },
  { kind: 'command', id: 'virsh.dumpxml', requires: ['virsh'], each: 'virsh -c qemu:///system list --all --name', script: 'virsh -c qemu:///system dumpxml --security-info -- "$1"', liveOnly: true, needsRoot: false, timeoutSec: 30, why: 'live domain XML with graphics passwords (presence only is used) and live seclabels', checks: ['DOM-*', 'DOM-SEC-003', 'DOM-GFX-001'] },
  { kind: 'dir', path: '/etc/libvirt/qemu', why: 'persistent domain definitions present', checks: ['DOM-*'] },
  { kind: 'glob', pattern: '/etc/libvirt/qemu/*.xml', read: 'file', why: 'persistent domain XML (offline audits)', checks: ['DOM-*'] },
  { kind: 'glob', pattern: '/etc/libvirt/qemu/autostart/*', read: 'link', why: 'autostarted domains', checks: ['HOST-HP-002', 'HOST-VFIO-003', 'HOST-CPU-002'] },
];

/**
 * Guest evidence: exactly what `buildGuestFacts` (src/facts/guest/build.ts, evidence list in model.ts) reads, so that
 * nothing it looks up is silently "missing" because it was never collected (test/collect/guest-manifest.test.ts
 * proves both directions on the fixture guests). Paths named by target data (a unit's EnvironmentFile= other than the
 * known ones, a QGA_CONF / -c config path) cannot be declared in advance: `scanGuestBundle` reports the qemu-ga
 * facts as not evaluated when the builder needs such a path.
 */
const QGA_CHECKS = ['GUEST-QGA-001', 'GUEST-QGA-002', 'GUEST-QGA-003', 'GUEST-QGA-004', 'GUEST-QGA-005', 'GUEST-QGA-006'];
const TPM_CHECKS = ['GUEST-TPM-001', 'GUEST-TPM-002', 'GUEST-TPM-003', 'GUEST-TPM-004', 'GUEST-TPM-005'];
const QGA_UNIT_PATHS = unitSearchPaths(QGA_UNIT, SYSTEM_UNIT_PATH);

export const GUEST_MANIFEST: readonly ManifestItem[] = [
  { kind: 'command', id: 'id.u', requires: ['id'], script: 'id -u', liveOnly: false, needsRoot: false, why: 'whether the collector ran as root' },
  { kind: 'command', id: 'uname.machine', requires: ['uname'], script: 'uname -m', liveOnly: true, needsRoot: false, why: 'architecture (arm64 needs haltpoll.enable=Y; arm_pvspin)', checks: ['GUEST-HPOLL-003', 'GUEST-PVSPIN-001'] },
  { kind: 'command', id: 'uname.release', requires: ['uname'], script: 'uname -r', liveOnly: true, needsRoot: false, why: 'kernel release: selects /boot/config-<release>', checks: ['GUEST-PVSPIN-001'] },
  { kind: 'file', path: '/proc/cmdline', why: 'cpuidle_haltpoll.force, haltpoll.enable, arm_pvspin, nopvspin', checks: ['GUEST-HPOLL-001', 'GUEST-HPOLL-003', 'GUEST-PVSPIN-001'] },

  // qemu-guest-agent: binary, unit (every directory of systemd's search path, drop-ins, masking), environment files,
  // config file, the running process, and what the installed agent knows.
  ...QGA_BINARIES.map((p): ManifestItem => ({ kind: 'stat', path: p, why: 'qemu-ga installed?', checks: QGA_CHECKS })),
  ...QGA_UNIT_PATHS.unitFiles.map((p): ManifestItem => ({ kind: 'file', path: p, why: 'agent unit: ExecStart=, EnvironmentFile= (a link to /dev/null masks it); mode', checks: QGA_CHECKS })),
  ...QGA_UNIT_PATHS.dropinDirs.flatMap((d): ManifestItem[] => [
    { kind: 'dir', path: d, why: 'agent unit drop-in directory', checks: ['GUEST-QGA-001', 'GUEST-QGA-006'] },
    { kind: 'glob', pattern: `${d}/*.conf`, read: 'file', why: 'agent unit drop-ins (ExecStart= overrides, Environment=); mode', checks: ['GUEST-QGA-001', 'GUEST-QGA-006'] },
  ]),
  ...QGA_ENV_FILES.map((p): ManifestItem => ({ kind: 'file', path: p, why: 'EnvironmentFile= of the agent unit: BLACKLIST_RPC / FILTER_RPC_ARGS / QEMU_GA_ARGS; mode', checks: ['GUEST-QGA-001', 'GUEST-QGA-004', 'GUEST-QGA-006'] })),
  { kind: 'file', path: QGA_DEFAULT_CONFIG, why: 'agent config: block-rpcs / allow-rpcs / blacklist; mode', checks: ['GUEST-QGA-002', 'GUEST-QGA-003', 'GUEST-QGA-006'] },
  { kind: 'command', id: 'qemu-ga.pids', requires: ['pgrep'], script: 'pgrep -x qemu-ga', liveOnly: true, needsRoot: false, why: 'pids of the running agent (exit 1: not running)', checks: QGA_CHECKS },
  { kind: 'procs', comms: ['qemu-ga'], files: ['cmdline'], why: 'argv of the running agent (NUL-separated; the process list is matched by comm like pgrep -x)', checks: ['GUEST-QGA-001', 'GUEST-QGA-002', 'GUEST-QGA-005'] },
  { kind: 'command', id: 'qemu-ga.version', requires: ['qemu-ga'], script: 'qemu-ga -V', liveOnly: true, needsRoot: false, why: 'agent version: --blacklist removed in 9.1, --allow-rpcs since 8.1', checks: ['GUEST-QGA-005', 'GUEST-QGA-001'] },
  { kind: 'command', id: 'qemu-ga.rpcs', requires: ['qemu-ga'], script: "qemu-ga -b '?'", liveOnly: true, needsRoot: false, why: 'the RPC names the installed agent knows (list entries naming no RPC have no effect)', checks: ['GUEST-QGA-002'] },

  // TPM
  { kind: 'dir', path: '/sys/class/tpm', why: 'TPM devices the kernel registered', checks: TPM_CHECKS },
  { kind: 'file', path: '/sys/class/tpm/tpm0/tpm_version_major', why: 'TPM version (Linux >= 5.6)', checks: ['GUEST-TPM-001'] },
  { kind: 'link', path: '/sys/class/tpm/tpm0/device/driver', why: 'kernel driver bound to tpm0 (tpm_crb, tpm_tis)', checks: ['GUEST-TPM-001'] },
  { kind: 'stat', path: '/dev/tpm0', why: 'TPM character device present', checks: ['GUEST-TPM-001'] },
  { kind: 'stat', path: '/dev/tpmrm0', why: 'TPM resource manager device present', checks: ['GUEST-TPM-001'] },
  { kind: 'file', path: '/proc/modules', why: 'tpm_tis / tpm_crb modules loaded', checks: ['GUEST-TPM-001'] },
  ...TPM_PCR_BANK_DIRS.map((bank): ManifestItem => ({ kind: 'glob', pattern: `/sys/class/tpm/tpm0/pcr-${bank}/[0-9]*`, read: 'file', why: `${bank} PCR values from sysfs (Linux >= 5.12; used when tpm2-tools is missing)`, checks: ['GUEST-TPM-002', 'GUEST-TPM-003', 'GUEST-TPM-004'] })),
  { kind: 'command', id: 'tpm2_pcrread', requires: ['tpm2_pcrread'], script: 'tpm2_pcrread', liveOnly: true, needsRoot: false, why: 'PCR banks and values, tpm2-tools 4/5 (measured boot)', checks: ['GUEST-TPM-002', 'GUEST-TPM-003', 'GUEST-TPM-004', 'GUEST-TPM-005'] },
  { kind: 'command', id: 'tpm2_pcrlist', requires: ['tpm2_pcrlist'], script: 'tpm2_pcrlist', liveOnly: true, needsRoot: false, why: 'PCR banks and values, tpm2-tools 3.x (only installed where tpm2_pcrread is not)', checks: ['GUEST-TPM-002', 'GUEST-TPM-003', 'GUEST-TPM-004', 'GUEST-TPM-005'] },

  // idle / haltpoll / pvspin
  ...['current_driver', 'current_governor_ro', 'current_governor'].map((f): ManifestItem => ({ kind: 'file', path: `${CPUIDLE_DIR}/${f}`, why: 'active cpuidle driver / governor (haltpoll?)', checks: ['GUEST-HPOLL-001'] })),
  ...Object.keys(HALTPOLL_DEFAULTS).map((f): ManifestItem => ({ kind: 'file', path: `${HALTPOLL_PARAM_DIR}/${f}`, why: 'guest halt-polling parameter', checks: ['GUEST-HPOLL-002'] })),
  { kind: 'command', id: 'dmesg', requires: ['dmesg'], script: 'dmesg', liveOnly: true, needsRoot: true, why: 'PV spinlock messages (kvm-guest: PV spinlocks enabled / arm-pv: PV qspinlocks enabled)', checks: ['GUEST-PVSPIN-001'] },
  { kind: 'glob', pattern: '/boot/config-*', read: 'file', why: 'CONFIG_PARAVIRT_SPINLOCKS (the one for `uname -r` is used; the release is known only after collection)', checks: ['GUEST-PVSPIN-001'] },

  // topology / NUMA
  { kind: 'file', path: '/sys/devices/system/cpu/online', why: 'online vCPUs', checks: ['GUEST-TOPO-001'] },
  ...['physical_package_id', 'die_id', 'cluster_id', 'core_id', 'thread_siblings_list'].map(
    (f): ManifestItem => ({ kind: 'glob', pattern: `/sys/devices/system/cpu/cpu[0-9]*/topology/${f}`, read: 'file', why: 'guest-visible CPU topology', checks: ['GUEST-TOPO-001'] }),
  ),
  { kind: 'file', path: '/sys/devices/system/node/online', why: 'guest NUMA nodes', checks: ['GUEST-NUMA-001'] },
  { kind: 'dir', path: '/sys/bus/pci/devices', why: 'PCI devices of the guest', checks: ['GUEST-NUMA-001'] },
  ...['numa_node', 'class', 'vendor', 'device'].map((f): ManifestItem => ({ kind: 'glob', pattern: `/sys/bus/pci/devices/*/${f}`, read: 'file', why: 'NUMA node exposed for passthrough devices (class/vendor/device tell emulated from passed-through)', checks: ['GUEST-NUMA-001'] })),
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
  checks: ['GUEST-QGA-002'],
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
