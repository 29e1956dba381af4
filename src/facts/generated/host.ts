/* Generated from schemas/facts/host.schema.json by scripts/gen-types.js — do not edit. */

/**
 * The facts rules see for one host (`host` in CEL), built from an EvidenceBundle by `buildHostFacts`.
 * Same conventions as DomainFacts: null for absent, JS numbers, sorted number[] for CPU/node sets, `loc`
 * (file = absolute path on the host, line, column) + `key` on everything a rule points at, no secrets.
 * Two halves, built by separate modules: access control & isolation (libvirt daemons, remote access, SASL,
 * qemu.conf, SELinux/AppArmor, processes, swtpm) and the platform (kernel command line, KVM parameters, CPUs,
 * NUMA, hugepages, THP, workqueues, IOMMU, PCI devices, resctrl).
 */
export interface HostFacts {
  name: string;
  /**
   * Whether evidence was collected with root privileges.
   */
  privileged: boolean;
  transport: 'local' | 'root' | 'ssh' | 'snapshot';
  daemons: DaemonsFacts | null;
  /**
   * Every libvirt daemon config looked at (present or not, for daemons in use).
   */
  daemonConfigs: DaemonConfigFacts[];
  libvirtd: DaemonConfigFacts | null;
  virtproxyd: DaemonConfigFacts | null;
  virtqemud: DaemonConfigFacts | null;
  remote: RemoteFacts | null;
  tls: TlsFacts | null;
  unixSockets: UnixSocketFacts[] | null;
  sasl: SaslFacts | null;
  qemuConf: QemuConfFacts | null;
  selinux: SelinuxFacts | null;
  lsm: LsmFacts | null;
  processes: ProcessFacts[] | null;
  groups: {
    [k: string]: GroupFacts;
  } | null;
  swtpm: SwtpmFacts | null;
  kernel: KernelFacts | null;
  cmdline: HostCmdlineFacts | null;
  kvm: KvmFacts | null;
  workqueue: WorkqueueFacts | null;
  cpus: CpuFacts | null;
  numa: NumaFacts | null;
  hugepages: HugepagesFacts | null;
  thp: ThpFacts | null;
  mounts: MountFact[] | null;
  resctrl: ResctrlFacts | null;
  iommu: IommuFacts | null;
  pci: PciFacts | null;
  block: BlockFacts | null;
  domainState: DomainStateFacts;
  /**
   * libvirt, QEMU and kernel versions (upstream numbers) and where each came from; null when unknown.
   */
  versions: PlatformInfo;
  /**
   * Parse problems of platform evidence (bad masks, unparsable sysfs values...).
   */
  platformProblems: PlatformProblemFact[];
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "DaemonsFacts".
 */
export interface DaemonsFacts {
  /**
   * Unit name → state, for every libvirt unit looked at.
   */
  units: {
    [k: string]: UnitFacts;
  };
  /**
   * Monolithic libvirtd in use (libvirtd.service/.socket enabled and not masked, or a libvirtd process).
   */
  monolithic: boolean;
  /**
   * Modular daemons in use (virtqemud service/socket enabled and not masked, or a virtqemud process).
   */
  modular: boolean;
  /**
   * Names of the daemons in use.
   */
  inUse: string[];
  /**
   * Running libvirt daemon processes (comm).
   */
  running: string[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "UnitFacts".
 */
export interface UnitFacts {
  name: string;
  /**
   * A unit file exists in the search path.
   */
  exists: boolean;
  /**
   * Linked to /dev/null (or empty).
   */
  masked: boolean;
  /**
   * Symlinked from a `/etc/systemd/system/*.wants/` directory.
   */
  enabled: boolean;
  /**
   * The `*.wants` symlinks that enable it.
   */
  wantedBy: string[];
  loc: SourceLocation;
  key: string;
}
/**
 * Where a fact came from. Every fact a rule can point at carries one, so a finding lands on the exact line.
 * `file` is the artifact path as the user knows it: a path relative to the working directory for files given on
 * the command line, or the absolute path on the scanned host for host evidence (e.g. `/etc/libvirt/libvirtd.conf`).
 *
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "SourceLocation".
 */
export interface SourceLocation {
  file: string;
  /**
   * 1-based line.
   */
  line: number;
  /**
   * 1-based column (UTF-16 code units, as SARIF's default columnKind).
   */
  column: number;
  endLine?: number;
  endColumn?: number;
  /**
   * A stable, human-readable path to the element, e.g. `/domain/devices/disk[2]/driver`.
   */
  path?: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "DaemonConfigFacts".
 */
export interface DaemonConfigFacts {
  daemon: string;
  /**
   * This daemon is in use (its service or socket is enabled, or it runs).
   */
  inUse: boolean;
  /**
   * Listens on TCP/TLS itself (libvirtd, virtproxyd).
   */
  ip: boolean;
  file: string;
  /**
   * The file exists (a missing file means every setting has its default).
   */
  present: boolean;
  /**
   * libvirt accepts the file (no syntax error, no rejected value).
   */
  accepted: boolean;
  /**
   * The settings are known (false after a syntax error: libvirt reads nothing of the file; `settings` then
   * holds the defaults only so that expressions stay total, and the fact path is listed in `unknown`).
   */
  known: boolean;
  /**
   * What the daemon prints when it refuses the file (first error in libvirt's reading order).
   */
  rejection: {
    loc: SourceLocation;
    key: string;
    message: string;
  } | null;
  settings: {
    [k: string]: SettingFact;
  };
  /**
   * Duplicates (first wins), unknown / mis-cased keys (ignored), keys this daemon does not read.
   */
  ignored: ProblemFact[];
  loc: SourceLocation;
  key: string;
}
/**
 * One typed setting of a virConf file: its effective value (explicit or libvirt's default).
 *
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "SettingFact".
 */
export interface SettingFact {
  name: string;
  value: boolean | string | number | string[] | null;
  explicit: boolean;
  /**
   * libvirt's message when the written value is rejected (then `value` is the default).
   */
  error: string | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "ProblemFact".
 */
export interface ProblemFact {
  code: string;
  level: 'error' | 'warning';
  message: string;
  /**
   * The file the problem is in.
   */
  file: string;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "RemoteFacts".
 */
export interface RemoteFacts {
  /**
   * The daemon that serves remote connections: libvirtd (monolithic) or virtproxyd (modular); null if none.
   */
  daemon: string | null;
  /**
   * Whether that daemon is started by systemd socket activation (then listen_* / unix_sock_* are ignored).
   */
  socketActivated: boolean;
  /**
   * `--listen` / `-l` on the libvirtd command line (LIBVIRTD_ARGS).
   */
  listenFlag: {
    loc: SourceLocation;
    key: string;
    source: string;
  } | null;
  /**
   * libvirtd refuses to start: `--listen` together with activation sockets.
   */
  listenConflict: boolean;
  tcp: ListenWayFacts | null;
  tls: ListenWayFacts | null;
  /**
   * Effective auth of each transport of the remote daemon (from its config; honoured under activation too).
   */
  authTcp: SettingFact | null;
  authTls: SettingFact | null;
  /**
   * Transports that are in effect and authenticate with SASL: `tcp`, `tls`, `unix_rw`, `unix_ro`.
   */
  saslTransports: string[];
  /**
   * SASL in effect on a transport without TLS (tcp or a UNIX socket).
   */
  saslWithoutTls: boolean;
  /**
   * The remote daemon's config (also in `daemonConfigs`).
   */
  config: DaemonConfigFacts | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "ListenWayFacts".
 */
export interface ListenWayFacts {
  transport: 'tcp' | 'tls';
  /**
   * `config` (listen_tcp/listen_tls honoured), `socket` (a -tcp/-tls socket unit), null when not listening.
   */
  via: 'config' | 'socket' | null;
  port: string | null;
  /**
   * Address: `listen_addr` or the ListenStream= address part; null = all interfaces.
   */
  address: string | null;
  /**
   * Bound to every interface (no address, 0.0.0.0, ::, [::]).
   */
  wildcard: boolean;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "TlsFacts".
 */
export interface TlsFacts {
  daemon: string;
  /**
   * ca_file, cert_file, key_file: stat of the file each names (the file's `setting` tells where it is set).
   */
  files: {
    path: string;
    exists: boolean;
    /**
     * Permission bits (0o7777), null when not collected.
     */
    mode: number | null;
    modeText: string | null;
    owner: string | null;
    group: string | null;
    uid: number | null;
    gid: number | null;
    /**
     * Derived: group/other bits.
     */
    groupReadable: boolean;
    otherReadable: boolean;
    worldWritable: boolean;
    groupWritable: boolean;
    isDir: boolean;
    loc: SourceLocation;
    key: string;
    setting: SettingFact;
    role: 'ca' | 'cert' | 'key';
  }[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "UnixSocketFacts".
 */
export interface UnixSocketFacts {
  daemon: string;
  kind: 'rw' | 'ro' | 'admin';
  path: string;
  /**
   * Effective mode (0o7777) and where it comes from.
   */
  mode: number | null;
  modeText: string | null;
  group: string | null;
  source: 'config' | 'socket-unit';
  /**
   * Location of the setting that decides the mode (unix_sock_*_perms or SocketMode=).
   */
  modeLoc: SourceLocation;
  /**
   * auth_unix_rw / auth_unix_ro of the daemon (admin: null, the socket mode alone protects it).
   */
  auth: SettingFact | null;
  /**
   * Non-root users can connect: other write bit, or group write bit with a group other than root.
   */
  nonRootCanConnect: boolean;
  worldAccessible: boolean;
  /**
   * The group write bit is set for a group other than root.
   */
  groupCanConnect: boolean;
  /**
   * Members of `group` (supplementary from /etc/group + primary from /etc/passwd); null when unknown.
   */
  groupMembers: string[] | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "SaslFacts".
 */
export interface SaslFacts {
  file: string;
  present: boolean;
  /**
   * Cyrus accepts the file (a malformed line makes SASL init fail).
   */
  ok: boolean;
  /**
   * `mech_list` tokens; null when unset (every installed plugin is offered).
   */
  mechList: {
    loc: SourceLocation;
    key: string;
    value: string;
    tokens: MechTokenFact[];
    mechs: string[];
    anySsf: boolean;
  } | null;
  /**
   * Problems of the file: malformed lines, duplicates, tokens that are not mechanism names.
   */
  problems: ProblemFact[];
  sasldbPath: {
    loc: SourceLocation;
    key: string;
    value: string;
    explicit: boolean;
  };
  sasldb: StatFacts;
  keytabPath: {
    loc: SourceLocation;
    key: string;
    value: string;
    explicit: boolean;
  };
  keytab: StatFacts;
  /**
   * Mechanisms whose plugin is installed (from the plugin directories); null when not collected.
   */
  plugins: string[] | null;
  /**
   * Users in the sasldb (`sasldblistusers2`); null when unknown (see `unknown['host.sasl.users']`).
   */
  users: SaslUserFact[] | null;
  /**
   * `sasl_allowed_username_list` of the remote daemon (null when unset = every authenticated user is admin).
   */
  allowedUsernames: SettingFact | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "MechTokenFact".
 */
export interface MechTokenFact {
  token: string;
  /**
   * Upper-case mechanism name when the token is one, else null.
   */
  mech: string | null;
  ssf: boolean;
  cleartext: boolean;
  anonymous: boolean;
  obsolete: boolean;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "StatFacts".
 */
export interface StatFacts {
  path: string;
  exists: boolean;
  /**
   * Permission bits (0o7777), null when not collected.
   */
  mode: number | null;
  modeText: string | null;
  owner: string | null;
  group: string | null;
  uid: number | null;
  gid: number | null;
  /**
   * Derived: group/other bits.
   */
  groupReadable: boolean;
  otherReadable: boolean;
  worldWritable: boolean;
  groupWritable: boolean;
  isDir: boolean;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "SaslUserFact".
 */
export interface SaslUserFact {
  user: string;
  realm: string;
  id: string;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "QemuConfFacts".
 */
export interface QemuConfFacts {
  runsAsRoot: {
    qemu: boolean;
    swtpm: boolean;
  };
  /**
   * Security drivers named by `security_driver` (empty when unset: every available one is used).
   */
  securityDrivers: string[];
  display: {
    vnc: DisplayFacts;
    spice: DisplayFacts;
  };
  file: string;
  /**
   * The file exists (a missing file means every setting has its default).
   */
  present: boolean;
  /**
   * libvirt accepts the file (no syntax error, no rejected value).
   */
  accepted: boolean;
  /**
   * The settings are known (false after a syntax error: libvirt reads nothing of the file; `settings` then
   * holds the defaults only so that expressions stay total, and the fact path is listed in `unknown`).
   */
  known: boolean;
  /**
   * What the daemon prints when it refuses the file (first error in libvirt's reading order).
   */
  rejection: {
    loc: SourceLocation;
    key: string;
    message: string;
  } | null;
  settings: {
    [k: string]: SettingFact;
  };
  /**
   * Duplicates (first wins), unknown / mis-cased keys (ignored), keys this daemon does not read.
   */
  ignored: ProblemFact[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "DisplayFacts".
 */
export interface DisplayFacts {
  type: 'vnc' | 'spice';
  listen: string;
  loopback: boolean;
  tls: boolean;
  sasl: boolean;
  /**
   * A global `vnc_password` / `spice_password` is set (value never copied).
   */
  password: boolean;
  /**
   * vnc_auto_unix_socket / spice_auto_unix_socket: graphics without a listen use a UNIX socket.
   */
  autoUnixSocket: boolean;
  /**
   * Graphics using the default listen are reachable from the network without TLS, SASL or password.
   */
  exposed: boolean;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "SelinuxFacts".
 */
export interface SelinuxFacts {
  /**
   * SELinux is present on the host (config file, selinuxfs, or getenforce works).
   */
  installed: boolean;
  /**
   * Runtime mode; null when unknown (see `unknown['host.selinux.runtime']`).
   */
  runtime: 'enforcing' | 'permissive' | 'disabled' | null;
  runtimeSource: string | null;
  /**
   * /etc/selinux/config SELINUX= (first matching line); null when absent.
   */
  config: {
    loc: SourceLocation;
    key: string;
    mode: string | null;
    type: string | null;
  } | null;
  /**
   * Kernel command line parameters that turn SELinux off or permissive (`selinux=0`, `enforcing=0`,
   * `security=` / `lsm=` without selinux).
   */
  cmdlineOverrides: {
    loc: SourceLocation;
    key: string;
    name: string;
    value: string | null;
  }[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "LsmFacts".
 */
export interface LsmFacts {
  /**
   * Active LSMs (/sys/kernel/security/lsm); null when unknown.
   */
  active: string[] | null;
  selinux: boolean;
  apparmor: boolean;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "ProcessFacts".
 */
export interface ProcessFacts {
  pid: number;
  comm: string;
  role: string;
  label: string;
  lsm: 'none' | 'selinux' | 'apparmor' | 'unknown';
  /**
   * SELinux type (svirt_t...), null otherwise.
   */
  type: string | null;
  /**
   * Canonical MCS level of the low end (`s0:c200,c947`), null when not SELinux.
   */
  mcs: string | null;
  categories: number[];
  /**
   * AppArmor profile / mode, domain UUID of a `libvirt-<uuid>` profile.
   */
  profile: string | null;
  mode: string | null;
  profileUuid: string | null;
  /**
   * From /proc/<pid>/cmdline: `-name guest=X` and `-uuid U` (QEMU); null when not collected.
   */
  domainName: string | null;
  domainUuid: string | null;
  /**
   * Pids of other QEMU processes with the same MCS categories (helpers such as swtpm are not counted).
   */
  sharesMcsWith: number[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "GroupFacts".
 */
export interface GroupFacts {
  name: string;
  gid: number;
  members: string[];
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "SwtpmFacts".
 */
export interface SwtpmFacts {
  installed: boolean;
  /**
   * /var/lib/swtpm-localca and its files (stat).
   */
  localca: {
    path: string;
    exists: boolean;
    /**
     * Permission bits (0o7777), null when not collected.
     */
    mode: number | null;
    modeText: string | null;
    owner: string | null;
    group: string | null;
    uid: number | null;
    gid: number | null;
    /**
     * Derived: group/other bits.
     */
    groupReadable: boolean;
    otherReadable: boolean;
    worldWritable: boolean;
    groupWritable: boolean;
    isDir: boolean;
    loc: SourceLocation;
    key: string;
    privateKey: boolean;
  } | null;
  localcaFiles: {
    path: string;
    exists: boolean;
    /**
     * Permission bits (0o7777), null when not collected.
     */
    mode: number | null;
    modeText: string | null;
    owner: string | null;
    group: string | null;
    uid: number | null;
    gid: number | null;
    /**
     * Derived: group/other bits.
     */
    groupReadable: boolean;
    otherReadable: boolean;
    worldWritable: boolean;
    groupWritable: boolean;
    isDir: boolean;
    loc: SourceLocation;
    key: string;
    privateKey: boolean;
  }[];
  /**
   * Files under /var/lib/libvirt/swtpm/<uuid>/tpm2/.
   */
  stateFiles: {
    path: string;
    exists: boolean;
    /**
     * Permission bits (0o7777), null when not collected.
     */
    mode: number | null;
    modeText: string | null;
    owner: string | null;
    group: string | null;
    uid: number | null;
    gid: number | null;
    /**
     * Derived: group/other bits.
     */
    groupReadable: boolean;
    otherReadable: boolean;
    worldWritable: boolean;
    groupWritable: boolean;
    isDir: boolean;
    loc: SourceLocation;
    key: string;
    uuid: string;
  }[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "KernelFacts".
 */
export interface KernelFacts {
  /**
   * `uname -r`.
   */
  release: string | null;
  /**
   * `uname -m` as printed (x86_64, aarch64, ...).
   */
  machine: string | null;
  /**
   * Normalised architecture: x86_64, aarch64, ppc64le, s390x, ... (arm64 → aarch64).
   */
  arch: string | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "HostCmdlineFacts".
 */
export interface HostCmdlineFacts {
  text: string;
  /**
   * Effective parameters keyed by name with `-` → `_` (`kvm_arm.vgic_v4_enable`); the last occurrence wins.
   */
  params: {
    [k: string]: CmdlineParamFact;
  };
  /**
   * Every occurrence in order (duplicates kept).
   */
  all: CmdlineParamFact[];
  /**
   * Words after ` -- ` (for init).
   */
  init: string[];
  loc: SourceLocation;
  key: string;
}
/**
 * One kernel command-line parameter (the effective = last occurrence, unless stated).
 *
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "CmdlineParamFact".
 */
export interface CmdlineParamFact {
  /**
   * Name as written.
   */
  name: string;
  /**
   * Value without quotes; null for a bare flag.
   */
  value: string | null;
  /**
   * kstrtobool() of the value (bare flag = true); null when not a bool.
   */
  bool: boolean | null;
  /**
   * The value split at commas (`intel_iommu=on,sm_on` → [on, sm_on]).
   */
  options: string[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "KvmFacts".
 */
export interface KvmFacts {
  /**
   * Every parameter file found under /sys/module/kvm/parameters, by file name.
   */
  params: {
    [k: string]: SysfsValueFact;
  };
  haltPollNs: SysfsValueFact | null;
  haltPollNsGrow: SysfsValueFact | null;
  haltPollNsGrowStart: SysfsValueFact | null;
  haltPollNsShrink: SysfsValueFact | null;
  /**
   * openEuler arm64 only.
   */
  forceWfiTrap: SysfsValueFact | null;
  /**
   * The kernel's default halt_poll_ns for this architecture (x86: 200000, arm64: 500000), null when unknown.
   */
  defaultHaltPollNs: number | null;
  loc: SourceLocation;
  key: string;
}
/**
 * One sysfs/procfs value file (a module parameter, `numa_node`...).
 *
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "SysfsValueFact".
 */
export interface SysfsValueFact {
  /**
   * The text without its trailing newline.
   */
  text: string;
  /**
   * The value as an integer, when it is one.
   */
  int: number | null;
  /**
   * The value as a kernel bool (`Y`/`N`/`1`/`0`), when it is one.
   */
  bool: boolean | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "WorkqueueFacts".
 */
export interface WorkqueueFacts {
  /**
   * /sys/devices/virtual/workqueue/cpumask: where *unbound* workqueues' kworkers may run.
   */
  cpumask: KernelMaskFact | null;
  /**
   * cpumask_requested (Linux >= 6.x): what the admin wrote, before isolated CPUs are removed.
   */
  requested: KernelMaskFact | null;
  /**
   * cpumask_isolated (Linux >= 6.x): CPUs removed from unbound work (isolcpus=domain, cpuset isolated partitions).
   */
  isolated: KernelMaskFact | null;
  /**
   * Shortcut: CPUs of `cpumask` (empty when unknown).
   */
  unboundCpus: number[];
  loc: SourceLocation;
  key: string;
}
/**
 * A `%*pb` CPU mask file (workqueue cpumask...).
 *
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "KernelMaskFact".
 */
export interface KernelMaskFact {
  text: string;
  /**
   * CPUs set in the mask; null when the text is not a mask (see platformProblems).
   */
  cpus: number[] | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "CpuFacts".
 */
export interface CpuFacts {
  /**
   * /sys/devices/system/cpu/online.
   */
  online: number[];
  /**
   * /sys/devices/system/cpu/isolated (isolcpus=), null when not collected.
   */
  isolated: number[] | null;
  /**
   * /sys/devices/system/cpu/nohz_full, null when absent.
   */
  nohzFull: number[] | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "NumaFacts".
 */
export interface NumaFacts {
  /**
   * /sys/devices/system/node/online; null when not collected (then: the ids of `nodes`).
   */
  online: number[];
  nodes: NumaNodeFacts[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "NumaNodeFacts".
 */
export interface NumaNodeFacts {
  id: number;
  cpus: number[];
  /**
   * Per-node huge page pools (`nodeN/hugepages/hugepages-<KiB>kB/{nr,free}_hugepages`).
   */
  hugepages: NodeHugepagePoolFact[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "NodeHugepagePoolFact".
 */
export interface NodeHugepagePoolFact {
  node: number;
  sizeKib: number;
  nr: number | null;
  free: number | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "HugepagesFacts".
 */
export interface HugepagesFacts {
  /**
   * One entry per `hugepages-<KiB>kB` directory, sorted by size. No directory = no hugetlb pools.
   */
  pools: HugepagePoolFacts[];
  /**
   * Default huge page size in KiB: /proc/meminfo `Hugepagesize`, else cmdline `default_hugepagesz=`.
   */
  defaultSizeKib: number | null;
  meminfo: MeminfoHugepageFacts | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "HugepagePoolFacts".
 */
export interface HugepagePoolFacts {
  /**
   * Page size in KiB (from the directory name `hugepages-<KiB>kB`).
   */
  sizeKib: number;
  /**
   * nr_hugepages (persistent pool size); null when unreadable.
   */
  nr: number | null;
  free: number | null;
  /**
   * The per-node split of this pool.
   */
  nodes: NodeHugepagePoolFact[];
  /**
   * Whether this is the default huge page size.
   */
  isDefault: boolean;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "MeminfoHugepageFacts".
 */
export interface MeminfoHugepageFacts {
  total: number | null;
  free: number | null;
  rsvd: number | null;
  surp: number | null;
  /**
   * `Hugepagesize:` (kB): the default huge page size.
   */
  pageSizeKib: number | null;
  /**
   * `Hugetlb:` (kB): memory in huge pages of all sizes.
   */
  hugetlbKib: number | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "ThpFacts".
 */
export interface ThpFacts {
  enabled: SelectedValueFact | null;
  defrag: SelectedValueFact | null;
  /**
   * `transparent_hugepage=` on the command line (boot default).
   */
  cmdline: CmdlineParamFact | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "SelectedValueFact".
 */
export interface SelectedValueFact {
  /**
   * The `[bracketed]` option, null when none is selected.
   */
  selected: string | null;
  options: string[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "MountFact".
 */
export interface MountFact {
  device: string;
  mountpoint: string;
  fstype: string;
  options: string[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "ResctrlFacts".
 */
export interface ResctrlFacts {
  /**
   * A resctrl file system is mounted (libvirt needs /sys/fs/resctrl).
   */
  mounted: boolean;
  mount: MountFact | null;
  /**
   * `mpam=` on the command line (Kunpeng/openEuler: `mpam=acpi` enables MPAM behind resctrl).
   */
  mpamCmdline: CmdlineParamFact | null;
  /**
   * Resources under /sys/fs/resctrl/info (L3, MB, L3_MON...); null when not collected.
   */
  resources: string[] | null;
  /**
   * Smallest num_closids over the resources: the number of groups incl. the default one; null when unknown.
   */
  numClosids: number | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "IommuFacts".
 */
export interface IommuFacts {
  /**
   * Entries of /sys/class/iommu (dmar0, ivhu0, smmu3.0x...); null when not collected.
   */
  units: string[] | null;
  /**
   * Entries of /sys/kernel/iommu_groups; null when not collected.
   */
  groups: string[] | null;
  /**
   * The kernel has IOMMU groups, i.e. VFIO passthrough is possible.
   */
  enabled: boolean;
  /**
   * Why `enabled` is what it is, naming the cmdline parameter that decided it when one did.
   */
  reason: string;
  intelIommu: CmdlineParamFact | null;
  amdIommu: CmdlineParamFact | null;
  /**
   * Generic `iommu=` (x86: off, pt, soft, force...).
   */
  iommu: CmdlineParamFact | null;
  intremap: CmdlineParamFact | null;
  /**
   * From dmesg: 'enabled' (a remapping-enabled line was seen), 'disabled' (cmdline intremap=off), else 'unknown'.
   */
  interruptRemapping: 'disabled' | 'unknown' | 'enabled';
  /**
   * The dmesg line that showed interrupt remapping, if any.
   */
  interruptRemappingEvidence: string | null;
  /**
   * Settings that let VFIO assign devices without MSI isolation (interrupt remapping): the runtime
   * allow_unsafe_interrupts value, modprobe.d options and cmdline parameters. `unsafe` marks the dangerous ones.
   */
  interruptSettings: InterruptSettingFact[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "InterruptSettingFact".
 */
export interface InterruptSettingFact {
  /**
   * What the setting is, e.g. `/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts`, `intremap=off`.
   */
  what: string;
  text: string;
  unsafe: boolean;
  /**
   * What the setting does.
   */
  effect: string;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "PciFacts".
 */
export interface PciFacts {
  /**
   * By BDF (`0000:81:00.1`).
   */
  devices: {
    [k: string]: PciDeviceFacts;
  };
  list: PciDeviceFacts[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "PciDeviceFacts".
 */
export interface PciDeviceFacts {
  /**
   * `DDDD:BB:SS.F`, lower-case hex as sysfs names it.
   */
  bdf: string;
  /**
   * Bound driver (basename of the `driver` link target), null when unbound.
   */
  driver: string | null;
  /**
   * Bound to vfio-pci or a vendor vfio variant driver.
   */
  vfioBound: boolean;
  class: string | null;
  /**
   * `numa_node`; -1 = the firmware does not say; null when unreadable.
   */
  numaNode: number | null;
  /**
   * IOMMU group number (from the `iommu_group` link), null when the device has none.
   */
  iommuGroup: string | null;
  /**
   * Other devices of the same IOMMU group.
   */
  groupPeers: PciPeerFact[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "PciPeerFact".
 */
export interface PciPeerFact {
  bdf: string;
  driver: string | null;
  /**
   * PCI class code as text (0x060400), null when unknown.
   */
  class: string | null;
  /**
   * The peer does not stop VFIO from using the group: no driver, a vfio driver, pci-stub, pcieport, or a bridge.
   */
  vfioCompatible: boolean;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "BlockFacts".
 */
export interface BlockFacts {
  /**
   * Block devices by kernel name.
   */
  devices: {
    [k: string]: BlockDeviceFact;
  };
  /**
   * Device paths the evidence can resolve (`/dev/sdc1`, `/dev/disk/by-id/...`, `/dev/mapper/...`), to the device.
   */
  byPath: {
    [k: string]: BlockDeviceFact;
  };
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "BlockDeviceFact".
 */
export interface BlockDeviceFact {
  /**
   * Kernel name (sdc, sdc1, dm-3, nvme0n1p2).
   */
  name: string;
  /**
   * From `partition` and `dm/uuid` (LVM-…, mpath-…, partN-…); `dm` = another device-mapper target.
   */
  kind: 'disk' | 'partition' | 'lvm' | 'multipath' | 'dm';
  /**
   * Partition number (from `/sys/class/block/<dev>/partition`).
   */
  partition: number | null;
  /**
   * Device-mapper name (LVM `vg-lv`, multipath `mpatha`), from `dm/name`.
   */
  dmName: string | null;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "DomainStateFacts".
 */
export interface DomainStateFacts {
  /**
   * Running domains (`virsh list --name`); null when not collected (offline root, snapshot without virsh).
   */
  running: string[] | null;
  /**
   * Domains with an /etc/libvirt/qemu/autostart/<name>.xml link.
   */
  autostart: string[];
  /**
   * running ∪ autostart: the domains that hold host resources now or after a reboot.
   */
  active: string[];
}
/**
 * The versions a target runs (or, for domain files, the versions the operator says they will run on): upstream
 * version numbers, null when unknown, and where each one came from (`libvirtd --version`, `--platform`, a policy).
 * Rules see it as the CEL variable `platform`; a rule's `platform:` ranges say for which versions its verdict holds.
 *
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "PlatformInfo".
 */
export interface PlatformInfo {
  libvirt: string | null;
  qemu: string | null;
  kernel: string | null;
  source: {
    libvirt?: string;
    qemu?: string;
    kernel?: string;
  };
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "PlatformProblemFact".
 */
export interface PlatformProblemFact {
  code: string;
  level: 'error' | 'warning';
  message: string;
  loc: SourceLocation;
  key: string;
}
/**
 * Where a fact is (`loc`: file, line, column, path) and its stable identity (`key`, used in fingerprints, e.g. `disk[vdb]`): every element a rule can point at has both.
 *
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "Located".
 */
export interface Located {
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "ConfFileFacts".
 */
export interface ConfFileFacts {
  file: string;
  /**
   * The file exists (a missing file means every setting has its default).
   */
  present: boolean;
  /**
   * libvirt accepts the file (no syntax error, no rejected value).
   */
  accepted: boolean;
  /**
   * The settings are known (false after a syntax error: libvirt reads nothing of the file; `settings` then
   * holds the defaults only so that expressions stay total, and the fact path is listed in `unknown`).
   */
  known: boolean;
  /**
   * What the daemon prints when it refuses the file (first error in libvirt's reading order).
   */
  rejection: {
    loc: SourceLocation;
    key: string;
    message: string;
  } | null;
  settings: {
    [k: string]: SettingFact;
  };
  /**
   * Duplicates (first wins), unknown / mis-cased keys (ignored), keys this daemon does not read.
   */
  ignored: ProblemFact[];
  loc: SourceLocation;
  key: string;
}
/**
 * Access control & isolation facts of a host (`host.*` in CEL), built by `buildAccessFacts` (build-access.ts).
 * Conventions as for DomainFacts: plain JSON, `null` for absent, never missing keys; `loc` (file = absolute path on
 * the host, or `command:<id>` for command output; line; column) and `key` on everything a rule points at; no secrets.
 * A fact whose evidence could not be read is `null` and its path is listed in `unknown` with the reason.
 *
 * ## Evidence read (the host manifest must collect exactly these)
 * Files (content + stat): `/etc/libvirt/{libvirtd,virtproxyd,virtqemud,virtnetworkd,virtstoraged,virtnodedevd,
 * virtsecretd,virtinterfaced,virtnwfilterd,virtlxcd,virtchd}.conf`, `/etc/libvirt/qemu.conf`,
 * `/etc/sysconfig/libvirtd`, `/etc/default/libvirtd` (and any other file named by libvirtd.service's
 * `EnvironmentFile=`), `/etc/sasl2/libvirt.conf`, `/etc/selinux/config`, `/sys/fs/selinux/enforce`,
 * `/sys/kernel/security/lsm`, `/sys/module/apparmor/parameters/enabled`, `/proc/cmdline`, `/etc/group`,
 * `/etc/passwd`, and for QEMU / swtpm / libvirtd / virtqemud / virtproxyd processes `/proc/<pid>/comm`,
 * `/proc/<pid>/attr/current`, `/proc/<pid>/cmdline` (only used when `ps -eZ` is unavailable, cmdline always).
 * systemd units (content, or `linkTarget` for symlinks: `/dev/null` masks): `<d><suffix>` for every daemon d above and
 * suffix in `.service`, `.socket`, `-ro.socket`, `-admin.socket`, `-tcp.socket`, `-tls.socket`, in every directory
 * of SYSTEM_UNIT_PATH (src/facts/common/systemd.ts), with their drop-ins `<unit>.d/*.conf`, `socket.d/*.conf`,
 * `service.d/*.conf`.
 * Stat only (never content): the TLS files named by `ca_file`/`cert_file`/`key_file` (defaults
 * `/etc/pki/CA/cacert.pem`, `/etc/pki/libvirt/servercert.pem`, `/etc/pki/libvirt/private/serverkey.pem`), the
 * sasldb (`sasldb_path`, default `/etc/sasldb2`), the GSSAPI keytab (`keytab`, default `/etc/krb5.keytab`),
 * `/usr/bin/swtpm`, `/usr/sbin/swtpm`, `/usr/local/bin/swtpm`, `/var/lib/swtpm-localca` (as a file item or dir with
 * mode) and `/var/lib/swtpm-localca/*`, `/var/lib/libvirt/swtpm/<uuid>/tpm2/*`.
 * Dir listings: `/etc/systemd/system/*.wants` and `*.requires` (enabled units; symlinks in them may also be file
 * items), SASL plugin dirs `/usr/lib/sasl2`, `/usr/lib64/sasl2`, `/usr/lib/<triplet>/sasl2` (x86_64, aarch64,
 * riscv64, powerpc64le, s390x), `/var/lib/swtpm-localca`, `/var/lib/libvirt/swtpm`, `/var/lib/libvirt/swtpm/<uuid>/tpm2`.
 * Commands: `getenforce` → `getenforce`; `ps.eZ` → `ps -eZ`; `sasldblistusers2` → `sasldblistusers2 -f <sasldb_path
 * of /etc/sasl2/libvirt.conf, default /etc/sasldb2>` (needs root).
 *
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "AccessFacts".
 */
export interface AccessFacts {
  daemons: DaemonsFacts | null;
  /**
   * Every libvirt daemon config looked at (present or not, for daemons in use).
   */
  daemonConfigs: DaemonConfigFacts[];
  libvirtd: DaemonConfigFacts | null;
  virtproxyd: DaemonConfigFacts | null;
  virtqemud: DaemonConfigFacts | null;
  remote: RemoteFacts | null;
  tls: TlsFacts | null;
  unixSockets: UnixSocketFacts[] | null;
  sasl: SaslFacts | null;
  qemuConf: QemuConfFacts | null;
  selinux: SelinuxFacts | null;
  lsm: LsmFacts | null;
  processes: ProcessFacts[] | null;
  groups: {
    [k: string]: GroupFacts;
  } | null;
  swtpm: SwtpmFacts | null;
}
/**
 * Platform facts of a host (`host.*` in CEL, built by `buildPlatformFacts`): kernel and command line, KVM module
 * parameters, CPUs, NUMA, huge pages, THP, workqueues, IOMMU and interrupt remapping, PCI devices, block devices,
 * resctrl. Conventions as in model.ts: null for absent, sorted number[] for CPU/node sets, `loc` (file = absolute
 * path on the host, line, column) + `key` on everything a rule points at. A whole area whose evidence is missing
 * is null and its path is recorded in `unknown` with the reason.
 *
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "PLocated".
 */
export interface PLocated {
  loc: SourceLocation;
  key: string;
}
/**
 * Platform facts of a host (kernel command line, KVM, CPUs, NUMA, memory, workqueues, IOMMU, PCI, resctrl).
 *
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "PlatformFacts".
 */
export interface PlatformFacts {
  kernel: KernelFacts | null;
  cmdline: HostCmdlineFacts | null;
  kvm: KvmFacts | null;
  workqueue: WorkqueueFacts | null;
  cpus: CpuFacts | null;
  numa: NumaFacts | null;
  hugepages: HugepagesFacts | null;
  thp: ThpFacts | null;
  mounts: MountFact[] | null;
  resctrl: ResctrlFacts | null;
  iommu: IommuFacts | null;
  pci: PciFacts | null;
  block: BlockFacts | null;
  domainState: DomainStateFacts;
  /**
   * libvirt, QEMU and kernel versions (upstream numbers) and where each came from; null when unknown.
   */
  versions: PlatformInfo;
  /**
   * Parse problems of platform evidence (bad masks, unparsable sysfs values...).
   */
  platformProblems: PlatformProblemFact[];
}
