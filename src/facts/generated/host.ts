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
  /**
   * The target's name: host name, ssh alias or snapshot name, as given to the scan.
   */
  name: string;
  /**
   * Whether evidence was collected with root privileges.
   */
  privileged: boolean;
  /**
   * How the evidence was collected: `local` (this machine), `root` (an offline root directory, no live commands), `ssh`, `snapshot` (a saved evidence bundle).
   */
  transport: 'local' | 'root' | 'ssh' | 'snapshot';
  /**
   * Which libvirt daemons are in use (systemd units enabled/masked, running processes); null when neither an /etc/systemd/system/*.wants listing nor a process list was collected (listed in `unknown`).
   */
  daemons: DaemonsFacts | null;
  /**
   * Every libvirt daemon config looked at (present or not, for daemons in use).
   */
  daemonConfigs: DaemonConfigFacts[];
  /**
   * /etc/libvirt/libvirtd.conf as libvirtd reads it; null when the daemon is not in use and the file is absent, or when the file could not be read (listed in `unknown` if the daemon is in use).
   */
  libvirtd: DaemonConfigFacts | null;
  /**
   * /etc/libvirt/virtproxyd.conf as virtproxyd reads it; null when the daemon is not in use and the file is absent, or when the file could not be read (listed in `unknown` if in use).
   */
  virtproxyd: DaemonConfigFacts | null;
  /**
   * /etc/libvirt/virtqemud.conf as virtqemud reads it; null when the daemon is not in use and the file is absent, or when the file could not be read (listed in `unknown` if in use).
   */
  virtqemud: DaemonConfigFacts | null;
  /**
   * Effective remote access (TCP/TLS listeners, their auth, SASL use) of the daemon serving remote connections; null when that daemon's config is unknown (listed in `unknown`).
   */
  remote: RemoteFacts | null;
  /**
   * The TLS certificate/key files of the remote daemon (ca_file, cert_file, key_file) with their stat; null when no daemon serves remote connections or its config is unknown.
   */
  tls: TlsFacts | null;
  /**
   * The rw, ro and admin UNIX sockets of every daemon in use, with effective mode, group and auth; null when a daemon's config is unknown (listed in `unknown`).
   */
  unixSockets: UnixSocketFacts[] | null;
  /**
   * /etc/sasl2/libvirt.conf (Cyrus SASL) with the sasldb, keytab, plugins and users; null when the file exists but could not be read (listed in `unknown`). A missing file gives Cyrus defaults, not null.
   */
  sasl: SaslFacts | null;
  /**
   * /etc/libvirt/qemu.conf as the QEMU driver reads it, with derived user and display facts; null when the file could not be read (listed in `unknown`). A missing file gives libvirt's defaults.
   */
  qemuConf: QemuConfFacts | null;
  /**
   * SELinux: runtime mode, /etc/selinux/config, kernel command-line overrides. Never null; unknown parts are null and listed in `unknown` (`host.selinux.runtime`...).
   */
  selinux: SelinuxFacts | null;
  /**
   * Active Linux security modules (/sys/kernel/security/lsm). Never null; `active` is null when unknown.
   */
  lsm: LsmFacts | null;
  /**
   * QEMU, swtpm and libvirt daemon processes with their LSM labels (`ps -eZ`, else /proc/<pid>/{comm,attr/current}); null when neither was collected (listed in `unknown`).
   */
  processes: ProcessFacts[] | null;
  /**
   * /etc/group by group name, with primary members from /etc/passwd added; null when /etc/group could not be read (listed in `unknown`).
   */
  groups: {
    [k: string]: GroupFacts;
  } | null;
  /**
   * swtpm: installed or not, its local CA directory and the per-domain TPM state files (stat only). Never null; unreadable directories are listed in `unknown`.
   */
  swtpm: SwtpmFacts | null;
  /**
   * Kernel release and machine from `uname -r -m` (command `uname`); null when it was not run or failed (offline roots; listed in `unknown`).
   */
  kernel: KernelFacts | null;
  /**
   * The kernel command line from /proc/cmdline; null when not readable or not collected (listed in `unknown`).
   */
  cmdline: HostCmdlineFacts | null;
  /**
   * kvm module parameters from /sys/module/kvm/parameters/*; null when no parameter file was read (module not loaded, or not collected; listed in `unknown`).
   */
  kvm: KvmFacts | null;
  /**
   * Unbound workqueue CPU masks from /sys/devices/virtual/workqueue; null when `cpumask` could not be read (listed in `unknown`).
   */
  workqueue: WorkqueueFacts | null;
  /**
   * Online, isolated and nohz_full CPU lists from /sys/devices/system/cpu; null when `online` is unreadable or not a cpulist (listed in `unknown`).
   */
  cpus: CpuFacts | null;
  /**
   * Host NUMA nodes, their CPUs and per-node huge page pools (/sys/devices/system/node); a kernel without NUMA gives one node 0 with every online CPU; null when unreadable (listed in `unknown`).
   */
  numa: NumaFacts | null;
  /**
   * hugetlb pools (/sys/kernel/mm/hugepages/hugepages-<KiB>kB) and /proc/meminfo counters; no pools when the directory is missing; null when it could not be listed (listed in `unknown`).
   */
  hugepages: HugepagesFacts | null;
  /**
   * Transparent huge pages (/sys/kernel/mm/transparent_hugepage/{enabled,defrag}); null when `enabled` exists but could not be read (listed in `unknown`).
   */
  thp: ThpFacts | null;
  /**
   * /proc/mounts, one entry per line; null when not readable (listed in `unknown`).
   */
  mounts: MountFact[] | null;
  /**
   * resctrl (Intel RDT / ARM MPAM) mount and resources; null when /proc/mounts is unreadable (listed in `unknown`).
   */
  resctrl: ResctrlFacts | null;
  /**
   * IOMMU units and groups, the command-line parameters deciding them, interrupt remapping and unsafe-interrupt settings; null when neither /sys/class/iommu nor /sys/kernel/iommu_groups could be listed (listed in `unknown`).
   */
  iommu: IommuFacts | null;
  /**
   * PCI devices from /sys/bus/pci/devices with driver, IOMMU group and NUMA node; null when the listing is unavailable (listed in `unknown`).
   */
  pci: PciFacts | null;
  /**
   * Block devices from /sys/class/block and the /dev paths that resolve to them; null when /sys/class/block could not be listed (listed in `unknown`).
   */
  block: BlockFacts | null;
  /**
   * Which domains are running (`virsh list --name`) or autostarted (/etc/libvirt/qemu/autostart/*.xml links). Never null; `running` is null when virsh was not run.
   */
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
  /**
   * The systemd unit name, e.g. `libvirtd.socket`, `virtproxyd-tls.socket`.
   */
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
  /**
   * The artifact path as the user knows it: the absolute path on the host, or a pseudo file `command:<id>`.
   */
  file: string;
  /**
   * 1-based line.
   */
  line: number;
  /**
   * 1-based column (UTF-16 code units, as SARIF's default columnKind).
   */
  column: number;
  /**
   * 1-based last line, set only when the fact spans several lines (an env-file value continued over lines); absent otherwise.
   */
  endLine?: number;
  /**
   * 1-based end column on `endLine`; optional, and not set by any fact builder today.
   */
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
  /**
   * The daemon: libvirtd, virtproxyd, virtqemud, virtnetworkd, virtstoraged, virtnodedevd, virtsecretd, virtinterfaced, virtnwfilterd, virtlxcd or virtchd.
   */
  daemon: string;
  /**
   * This daemon is in use (its service or socket is enabled, or it runs).
   */
  inUse: boolean;
  /**
   * Listens on TCP/TLS itself (libvirtd, virtproxyd).
   */
  ip: boolean;
  /**
   * Absolute path of the config file (e.g. /etc/libvirt/libvirtd.conf).
   */
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
    /**
     * The error as the daemon prints it when refusing the file (e.g. `Can't load config file: …`).
     */
    message: string;
  } | null;
  /**
   * Every key the reader knows, by name, with its effective value (explicit or default); defaults only when the file's settings are unknown (`known` false).
   */
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
  /**
   * The config key exactly as libvirt spells it (e.g. `listen_tls`, `unix_sock_rw_perms`).
   */
  name: string;
  /**
   * Effective value: the written one when accepted, else libvirt's default; typed per key (boolean for 0/1 switches, string, number, or list of strings); null when unset and libvirt has no default.
   */
  value: boolean | string | number | string[] | null;
  /**
   * The key is written in the file (also when its value is rejected, see `error`); false when `value` is libvirt's default.
   */
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
  /**
   * Stable problem code, e.g. `virconf.expecting-a-value`, `sasl.invalid-mech-token`, `sysfs.not-an-integer`.
   */
  code: string;
  /**
   * error: the real program refuses the input; warning: accepted but surprising (ignored key, duplicate, odd value).
   */
  level: 'error' | 'warning';
  /**
   * Human-readable message, worded after the program's own error where there is one.
   */
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
    /**
     * The file where `--listen`/`-l` is written: the unit file or drop-in (ExecStart=), the environment file defining the variable it expands (e.g. /etc/sysconfig/libvirtd LIBVIRTD_ARGS), or /etc/default/libvirtd.
     */
    source: string;
  } | null;
  /**
   * libvirtd refuses to start: `--listen` together with activation sockets.
   */
  listenConflict: boolean;
  /**
   * The effective plain-TCP listener; null when the daemon does not listen on TCP (libvirtd: only with socket activation's libvirtd-tcp.socket, or `--listen` and listen_tcp=1).
   */
  tcp: ListenWayFacts | null;
  /**
   * The effective TLS listener; null when the daemon does not listen with TLS.
   */
  tls: ListenWayFacts | null;
  /**
   * Effective auth of each transport of the remote daemon (from its config; honoured under activation too).
   */
  authTcp: SettingFact | null;
  /**
   * `auth_tls` of the remote daemon's config (effective value: none, sasl, polkit; default none); null when no remote daemon or config.
   */
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
  /**
   * `tcp` (plain TCP, port 16509 by default) or `tls` (port 16514 by default).
   */
  transport: 'tcp' | 'tls';
  /**
   * `config` (listen_tcp/listen_tls honoured), `socket` (a -tcp/-tls socket unit), null when not listening.
   */
  via: 'config' | 'socket' | null;
  /**
   * The port as a string: the ListenStream= port of the socket unit (16509/16514 when not given), or the config's `tcp_port`/`tls_port`; null when that setting holds no string.
   */
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
  /**
   * The remote daemon whose TLS files these are: libvirtd or virtproxyd.
   */
  daemon: string;
  /**
   * ca_file, cert_file, key_file: stat of the file each names (the file's `setting` tells where it is set).
   */
  files: {
    /**
     * Absolute path of the file the setting names (`''` when the setting holds no string) on the host.
     */
    path: string;
    /**
     * The path exists in the evidence (a file item or a listed directory); false when missing or not collected.
     */
    exists: boolean;
    /**
     * Permission bits (0o7777), null when not collected.
     */
    mode: number | null;
    /**
     * `mode` in octal with a leading 0 (e.g. `0640`); null when stat data was not collected.
     */
    modeText: string | null;
    /**
     * Owner user name as resolved on the host; null when missing, not collected or unresolved.
     */
    owner: string | null;
    /**
     * Group name as resolved on the host; null when missing, not collected or unresolved.
     */
    group: string | null;
    /**
     * Owner uid; null when missing or stat data not collected.
     */
    uid: number | null;
    /**
     * Group gid; null when missing or stat data not collected.
     */
    gid: number | null;
    /**
     * Derived: group/other bits.
     */
    groupReadable: boolean;
    /**
     * The other-read bit (0o004) is set; false when the mode is unknown.
     */
    otherReadable: boolean;
    /**
     * The other-write bit (0o002) is set; false when the mode is unknown.
     */
    worldWritable: boolean;
    /**
     * The group-write bit (0o020) is set; false when the mode is unknown.
     */
    groupWritable: boolean;
    /**
     * The path is a directory (from its mode bits, or because it was listed as a directory).
     */
    isDir: boolean;
    loc: SourceLocation;
    key: string;
    /**
     * The `ca_file` / `cert_file` / `key_file` setting of the remote daemon's config (its effective value: explicit or libvirt's default under /etc/pki).
     */
    setting: SettingFact;
    /**
     * Which file: `ca` (ca_file), `cert` (cert_file) or `key` (key_file).
     */
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
  /**
   * The daemon owning the socket (libvirtd, virtqemud, virtproxyd...).
   */
  daemon: string;
  /**
   * `rw` (full access, libvirt-sock), `ro` (read-only, libvirt-sock-ro) or `admin` (the admin socket).
   */
  kind: 'rw' | 'ro' | 'admin';
  /**
   * Socket path: /run/libvirt/libvirt-sock, -sock-ro, libvirt-admin-sock for libvirtd (virtproxyd-admin-sock for virtproxyd), else /run/libvirt/<daemon>-sock, -sock-ro, -admin-sock.
   */
  path: string;
  /**
   * Effective mode (0o7777) and where it comes from.
   */
  mode: number | null;
  /**
   * `mode` in octal with a leading 0 (e.g. `0770`); null when unknown.
   */
  modeText: string | null;
  /**
   * Owning group: `unix_sock_group` (config) or SocketGroup= (socket unit); null when unset (root).
   */
  group: string | null;
  /**
   * What decides mode and group: `config` (unix_sock_* of the daemon's .conf) or `socket-unit` (SocketMode=/SocketGroup= of the systemd socket unit, under socket activation; 0666/0600 when the unit file was not collected).
   */
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
  /**
   * The other-write bit (0o002) is set: every local user can connect.
   */
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
  /**
   * Always /etc/sasl2/libvirt.conf.
   */
  file: string;
  /**
   * The file exists (absent: Cyrus defaults apply).
   */
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
    /**
     * The `mech_list:` value as written.
     */
    value: string;
    /**
     * Each whitespace-separated token, in order, classified.
     */
    tokens: MechTokenFact[];
    /**
     * Upper-case names of the tokens that are valid mechanism names (duplicates removed, order kept).
     */
    mechs: string[];
    /**
     * Some listed mechanism provides a security layer, so SASL on plain TCP can work.
     */
    anySsf: boolean;
  } | null;
  /**
   * Problems of the file: malformed lines, duplicates, tokens that are not mechanism names.
   */
  problems: ProblemFact[];
  /**
   * The sasldb file: `sasldb_path:` (first occurrence wins), else Cyrus' default /etc/sasldb2.
   */
  sasldbPath: {
    loc: SourceLocation;
    key: string;
    /**
     * The path.
     */
    value: string;
    /**
     * `sasldb_path:` is written in the file; false for the default.
     */
    explicit: boolean;
  };
  /**
   * Stat of the sasldb file (`exists` false when there is none: no users). Unreadable stat is listed in `unknown` as `host.sasl.sasldb`.
   */
  sasldb: StatFacts;
  /**
   * The GSSAPI keytab: `keytab:` (first occurrence wins), else /etc/krb5.keytab.
   */
  keytabPath: {
    loc: SourceLocation;
    key: string;
    /**
     * The path.
     */
    value: string;
    /**
     * `keytab:` is written in the file; false for the default.
     */
    explicit: boolean;
  };
  /**
   * Stat of the keytab file. Unreadable stat is listed in `unknown` as `host.sasl.keytab`.
   */
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
  /**
   * The `mech_list` token as written.
   */
  token: string;
  /**
   * Upper-case mechanism name when the token is one, else null.
   */
  mech: string | null;
  /**
   * The mechanism negotiates a security layer (SSF > 0: GSSAPI, DIGEST-MD5), usable on plain TCP; false for unknown tokens.
   */
  ssf: boolean;
  /**
   * The mechanism sends the password in clear (PLAIN, LOGIN).
   */
  cleartext: boolean;
  /**
   * The mechanism authenticates nobody (ANONYMOUS).
   */
  anonymous: boolean;
  /**
   * Obsolete / historic mechanism (DIGEST-MD5 per RFC 6331, CRAM-MD5, LOGIN, NTLM).
   */
  obsolete: boolean;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "StatFacts".
 */
export interface StatFacts {
  /**
   * Absolute path of the file or directory on the host.
   */
  path: string;
  /**
   * The path exists in the evidence (a file item or a listed directory); false when missing or not collected.
   */
  exists: boolean;
  /**
   * Permission bits (0o7777), null when not collected.
   */
  mode: number | null;
  /**
   * `mode` in octal with a leading 0 (e.g. `0640`); null when stat data was not collected.
   */
  modeText: string | null;
  /**
   * Owner user name as resolved on the host; null when missing, not collected or unresolved.
   */
  owner: string | null;
  /**
   * Group name as resolved on the host; null when missing, not collected or unresolved.
   */
  group: string | null;
  /**
   * Owner uid; null when missing or stat data not collected.
   */
  uid: number | null;
  /**
   * Group gid; null when missing or stat data not collected.
   */
  gid: number | null;
  /**
   * Derived: group/other bits.
   */
  groupReadable: boolean;
  /**
   * The other-read bit (0o004) is set; false when the mode is unknown.
   */
  otherReadable: boolean;
  /**
   * The other-write bit (0o002) is set; false when the mode is unknown.
   */
  worldWritable: boolean;
  /**
   * The group-write bit (0o020) is set; false when the mode is unknown.
   */
  groupWritable: boolean;
  /**
   * The path is a directory (from its mode bits, or because it was listed as a directory).
   */
  isDir: boolean;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "SaslUserFact".
 */
export interface SaslUserFact {
  /**
   * User name, from a `sasldblistusers2 -f <sasldb>` line `user@realm: property`.
   */
  user: string;
  /**
   * Realm part of the entry.
   */
  realm: string;
  /**
   * `user@realm` as sasldblistusers2 prints it.
   */
  id: string;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "QemuConfFacts".
 */
export interface QemuConfFacts {
  /**
   * Whether QEMU and swtpm processes run as root per qemu.conf (both false when the file's settings are unknown).
   */
  runsAsRoot: {
    /**
     * `user` or `group` names root (`root`, `0`, `+0`).
     */
    qemu: boolean;
    /**
     * `swtpm_user` names root (`root`, `0`, `+0`).
     */
    swtpm: boolean;
  };
  /**
   * Security drivers named by `security_driver` (empty when unset: every available one is used).
   */
  securityDrivers: string[];
  /**
   * Where VNC and SPICE graphics with no listen address of their own end up, and how they are protected.
   */
  display: {
    /**
     * VNC defaults (vnc_listen, vnc_tls, vnc_sasl, vnc_password, vnc_auto_unix_socket).
     */
    vnc: DisplayFacts;
    /**
     * SPICE defaults (spice_listen, spice_tls, spice_sasl, spice_password, spice_auto_unix_socket).
     */
    spice: DisplayFacts;
  };
  /**
   * Always /etc/libvirt/qemu.conf.
   */
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
    /**
     * The error as libvirt prints it (`Initialization of QEMU state driver failed: …`).
     */
    message: string;
  } | null;
  /**
   * Every qemu.conf key the reader knows, by name, with its effective value (explicit or default; defaults only when `known` is false).
   */
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
  /**
   * `vnc` or `spice`.
   */
  type: 'vnc' | 'spice';
  /**
   * `vnc_listen` / `spice_listen` of qemu.conf (default 127.0.0.1): where graphics without their own listen address bind.
   */
  listen: string;
  /**
   * `listen` is a loopback address (127.x, ::1, localhost).
   */
  loopback: boolean;
  /**
   * `vnc_tls` / `spice_tls` is 1.
   */
  tls: boolean;
  /**
   * `vnc_sasl` / `spice_sasl` is 1.
   */
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
  /**
   * Where `runtime` came from: `getenforce`, /sys/fs/selinux/enforce (its absence on a live host = disabled), or /sys/kernel/security/lsm (offline: selinux not listed = disabled); null when unknown.
   */
  runtimeSource: string | null;
  /**
   * /etc/selinux/config SELINUX= (first matching line); null when absent.
   */
  config: {
    loc: SourceLocation;
    key: string;
    /**
     * The first valid `SELINUX=` line's value: enforcing, permissive or disabled (libselinux rules); null when no such line.
     */
    mode: string | null;
    /**
     * `SELINUXTYPE=` (targeted, mls, minimum...); null when absent.
     */
    type: string | null;
  } | null;
  /**
   * Kernel command line parameters that turn SELinux off or permissive (`selinux=0`, `enforcing=0`,
   * `security=` / `lsm=` without selinux).
   */
  cmdlineOverrides: {
    loc: SourceLocation;
    key: string;
    /**
     * The parameter: selinux, enforcing, security or lsm (the last occurrence of each).
     */
    name: string;
    /**
     * Its value as written (`0`, `apparmor`...); null for a bare word.
     */
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
  /**
   * SELinux is active: listed in /sys/kernel/security/lsm, or, when that file was not read, /sys/fs/selinux/enforce is readable.
   */
  selinux: boolean;
  /**
   * AppArmor is active: listed in /sys/kernel/security/lsm, or, when that file was not read, /sys/module/apparmor/parameters/enabled is `Y`.
   */
  apparmor: boolean;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "ProcessFacts".
 */
export interface ProcessFacts {
  /**
   * Process id.
   */
  pid: number;
  /**
   * Command name (/proc/<pid>/comm or the ps CMD column; the kernel truncates it to 15 characters).
   */
  comm: string;
  /**
   * `qemu` (qemu-kvm, qemu-system-*), `swtpm`, `libvirtd`, `virtqemud`, or the comm itself for other libvirt daemons (virtproxyd).
   */
  role: string;
  /**
   * The LSM label as printed (SELinux context, AppArmor `profile (mode)`); `-` when the kernel has no LSM label.
   */
  label: string;
  /**
   * Which LSM the label is from: `selinux`, `apparmor`, `none` (no label) or `unknown` (unparsable).
   */
  lsm: 'none' | 'selinux' | 'apparmor' | 'unknown';
  /**
   * SELinux type (svirt_t...), null otherwise.
   */
  type: string | null;
  /**
   * Canonical MCS level of the low end (`s0:c200,c947`), null when not SELinux.
   */
  mcs: string | null;
  /**
   * SELinux MCS categories of the low level, as sorted numbers (c200,c947 → [200, 947]); empty otherwise.
   */
  categories: number[];
  /**
   * AppArmor profile / mode, domain UUID of a `libvirt-<uuid>` profile.
   */
  profile: string | null;
  /**
   * AppArmor mode (enforce, complain, kill, unconfined...); null when not AppArmor.
   */
  mode: string | null;
  /**
   * The domain UUID of a libvirt `libvirt-<uuid>` AppArmor profile; null otherwise.
   */
  profileUuid: string | null;
  /**
   * From /proc/<pid>/cmdline: `-name guest=X` and `-uuid U` (QEMU); null when not collected.
   */
  domainName: string | null;
  /**
   * QEMU only: the `-uuid` argument from /proc/<pid>/cmdline, lower case; null when not collected or absent.
   */
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
  /**
   * Group name (first line of that name wins).
   */
  name: string;
  /**
   * Numeric gid (third field of /etc/group).
   */
  gid: number;
  /**
   * Sorted user names: the supplementary members (fourth field) plus users whose primary gid (/etc/passwd) is this group.
   */
  members: string[];
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "SwtpmFacts".
 */
export interface SwtpmFacts {
  /**
   * An swtpm binary exists (/usr/bin, /usr/sbin or /usr/local/bin) or an swtpm process runs.
   */
  installed: boolean;
  /**
   * /var/lib/swtpm-localca and its files (stat).
   */
  localca: {
    /**
     * Absolute path of the swtpm local CA directory (/var/lib/swtpm-localca) on the host.
     */
    path: string;
    /**
     * The path exists in the evidence (a file item or a listed directory); false when missing or not collected.
     */
    exists: boolean;
    /**
     * Permission bits (0o7777), null when not collected.
     */
    mode: number | null;
    /**
     * `mode` in octal with a leading 0 (e.g. `0640`); null when stat data was not collected.
     */
    modeText: string | null;
    /**
     * Owner user name as resolved on the host; null when missing, not collected or unresolved.
     */
    owner: string | null;
    /**
     * Group name as resolved on the host; null when missing, not collected or unresolved.
     */
    group: string | null;
    /**
     * Owner uid; null when missing or stat data not collected.
     */
    uid: number | null;
    /**
     * Group gid; null when missing or stat data not collected.
     */
    gid: number | null;
    /**
     * Derived: group/other bits.
     */
    groupReadable: boolean;
    /**
     * The other-read bit (0o004) is set; false when the mode is unknown.
     */
    otherReadable: boolean;
    /**
     * The other-write bit (0o002) is set; false when the mode is unknown.
     */
    worldWritable: boolean;
    /**
     * The group-write bit (0o020) is set; false when the mode is unknown.
     */
    groupWritable: boolean;
    /**
     * The path is a directory (from its mode bits, or because it was listed as a directory).
     */
    isDir: boolean;
    loc: SourceLocation;
    key: string;
    /**
     * Always false for the directory itself (set per file in `localcaFiles`).
     */
    privateKey: boolean;
  } | null;
  /**
   * Entries of /var/lib/swtpm-localca with their stat, sorted by name (unreadable listing: `unknown['host.swtpm.localcaFiles']`).
   */
  localcaFiles: {
    /**
     * Absolute path of the file (/var/lib/swtpm-localca/<name>) on the host.
     */
    path: string;
    /**
     * The path exists in the evidence (a file item or a listed directory); false when missing or not collected.
     */
    exists: boolean;
    /**
     * Permission bits (0o7777), null when not collected.
     */
    mode: number | null;
    /**
     * `mode` in octal with a leading 0 (e.g. `0640`); null when stat data was not collected.
     */
    modeText: string | null;
    /**
     * Owner user name as resolved on the host; null when missing, not collected or unresolved.
     */
    owner: string | null;
    /**
     * Group name as resolved on the host; null when missing, not collected or unresolved.
     */
    group: string | null;
    /**
     * Owner uid; null when missing or stat data not collected.
     */
    uid: number | null;
    /**
     * Group gid; null when missing or stat data not collected.
     */
    gid: number | null;
    /**
     * Derived: group/other bits.
     */
    groupReadable: boolean;
    /**
     * The other-read bit (0o004) is set; false when the mode is unknown.
     */
    otherReadable: boolean;
    /**
     * The other-write bit (0o002) is set; false when the mode is unknown.
     */
    worldWritable: boolean;
    /**
     * The group-write bit (0o020) is set; false when the mode is unknown.
     */
    groupWritable: boolean;
    /**
     * The path is a directory (from its mode bits, or because it was listed as a directory).
     */
    isDir: boolean;
    loc: SourceLocation;
    key: string;
    /**
     * The file name contains `key` (any case) and does not end in .crt/.cert: taken as a private key (e.g. signkey.pem).
     */
    privateKey: boolean;
  }[];
  /**
   * Files under /var/lib/libvirt/swtpm/<uuid>/tpm2/.
   */
  stateFiles: {
    /**
     * Absolute path of the state file (/var/lib/libvirt/swtpm/<uuid>/tpm2/<name>) on the host.
     */
    path: string;
    /**
     * The path exists in the evidence (a file item or a listed directory); false when missing or not collected.
     */
    exists: boolean;
    /**
     * Permission bits (0o7777), null when not collected.
     */
    mode: number | null;
    /**
     * `mode` in octal with a leading 0 (e.g. `0640`); null when stat data was not collected.
     */
    modeText: string | null;
    /**
     * Owner user name as resolved on the host; null when missing, not collected or unresolved.
     */
    owner: string | null;
    /**
     * Group name as resolved on the host; null when missing, not collected or unresolved.
     */
    group: string | null;
    /**
     * Owner uid; null when missing or stat data not collected.
     */
    uid: number | null;
    /**
     * Group gid; null when missing or stat data not collected.
     */
    gid: number | null;
    /**
     * Derived: group/other bits.
     */
    groupReadable: boolean;
    /**
     * The other-read bit (0o004) is set; false when the mode is unknown.
     */
    otherReadable: boolean;
    /**
     * The other-write bit (0o002) is set; false when the mode is unknown.
     */
    worldWritable: boolean;
    /**
     * The group-write bit (0o020) is set; false when the mode is unknown.
     */
    groupWritable: boolean;
    /**
     * The path is a directory (from its mode bits, or because it was listed as a directory).
     */
    isDir: boolean;
    loc: SourceLocation;
    key: string;
    /**
     * The domain UUID: the directory name under /var/lib/libvirt/swtpm.
     */
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
  /**
   * /proc/cmdline as read, without the trailing newline.
   */
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
  /**
   * /sys/module/kvm/parameters/halt_poll_ns (ns; 0 disables halt polling); null when the file was not read.
   */
  haltPollNs: SysfsValueFact | null;
  /**
   * /sys/module/kvm/parameters/halt_poll_ns_grow (multiplier applied to the polling time on a hit); null when the file was not read.
   */
  haltPollNsGrow: SysfsValueFact | null;
  /**
   * /sys/module/kvm/parameters/halt_poll_ns_grow_start (ns); null when the file was not read.
   */
  haltPollNsGrowStart: SysfsValueFact | null;
  /**
   * /sys/module/kvm/parameters/halt_poll_ns_shrink (divisor applied to the polling time on a miss); null when the file was not read.
   */
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
  /**
   * The file content, trimmed (a hex mask such as `ff,ffffffff`).
   */
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
  /**
   * Every node whose cpulist was read, sorted by id.
   */
  nodes: NumaNodeFacts[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "NumaNodeFacts".
 */
export interface NumaNodeFacts {
  /**
   * Node number N of /sys/devices/system/node/nodeN.
   */
  id: number;
  /**
   * nodeN/cpulist as sorted CPU numbers; empty when the list is empty or unparsable (a platform problem).
   */
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
  /**
   * Host NUMA node id.
   */
  node: number;
  /**
   * Page size in KiB (from the directory name `hugepages-<KiB>kB`).
   */
  sizeKib: number;
  /**
   * nodeN/hugepages/hugepages-<KiB>kB/nr_hugepages: pages of this size reserved on the node; null when unreadable or not an integer.
   */
  nr: number | null;
  /**
   * free_hugepages of that directory: pages not in use; null when unreadable.
   */
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
  /**
   * The HugePages_* lines of /proc/meminfo; null when it could not be read (`unknown['host.hugepages.meminfo']`).
   */
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
  /**
   * free_hugepages: pages of this size not in use; null when unreadable.
   */
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
  /**
   * /proc/meminfo `HugePages_Total:` (pages of the default size); null when the line is absent.
   */
  total: number | null;
  /**
   * `HugePages_Free:` (pages); null when absent.
   */
  free: number | null;
  /**
   * `HugePages_Rsvd:` (pages reserved but not yet faulted in); null when absent.
   */
  rsvd: number | null;
  /**
   * `HugePages_Surp:` (surplus pages above nr_hugepages); null when absent.
   */
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
  /**
   * /sys/kernel/mm/transparent_hugepage/enabled (always, madvise, never); null when the file is missing (kernel without THP, same as never).
   */
  enabled: SelectedValueFact | null;
  /**
   * /sys/kernel/mm/transparent_hugepage/defrag (always, defer, defer+madvise, madvise, never); null when missing or unreadable.
   */
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
  /**
   * Every option listed in the file, in order (the selected one without brackets).
   */
  options: string[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "MountFact".
 */
export interface MountFact {
  /**
   * First field: the mounted device or source (octal escapes such as `\040` decoded).
   */
  device: string;
  /**
   * Second field: the mount point (escapes decoded).
   */
  mountpoint: string;
  /**
   * Third field: the file system type (ext4, hugetlbfs, resctrl...).
   */
  fstype: string;
  /**
   * Fourth field split at commas (rw, nosuid, pagesize=1G...).
   */
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
  /**
   * The first /proc/mounts entry of type resctrl; null when none.
   */
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
  /**
   * `intel_iommu=` on the kernel command line (last occurrence); null when absent.
   */
  intelIommu: CmdlineParamFact | null;
  /**
   * `amd_iommu=` on the kernel command line (last occurrence); null when absent.
   */
  amdIommu: CmdlineParamFact | null;
  /**
   * Generic `iommu=` (x86: off, pt, soft, force...).
   */
  iommu: CmdlineParamFact | null;
  /**
   * `intremap=` on the kernel command line (off, nosid, no_x2apic_optout...); null when absent.
   */
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
  /**
   * The value as written (`Y`, `1`, `off`...).
   */
  text: string;
  /**
   * The setting allows unsafe interrupts or turns remapping/source-id checking off (allow_unsafe_interrupts true, intremap=off or nosid).
   */
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
  /**
   * The same devices as `devices`, as a list sorted by BDF.
   */
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
  /**
   * /sys/bus/pci/devices/<bdf>/class as read, trimmed (e.g. `0x020000`); null when unreadable.
   */
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
  /**
   * The peer's `DDDD:BB:SS.F`.
   */
  bdf: string;
  /**
   * The peer's bound driver (basename of its `driver` link); null when unbound or the peer is not in the device listing.
   */
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
  /**
   * libvirt upstream version (e.g. `9.0.0`) from `virtqemud --version` / `libvirtd --version`, `--platform` or the policy; null when unknown.
   */
  libvirt: string | null;
  /**
   * QEMU upstream version (e.g. `7.2.22`) from `QEMU emulator version …`, `--platform` or the policy; null when unknown.
   */
  qemu: string | null;
  /**
   * Kernel version (leading dotted number of `uname -r`, e.g. `6.1.0`), `--platform` or the policy; null when unknown.
   */
  kernel: string | null;
  /**
   * Where each known version came from, by component.
   */
  source: {
    /**
     * E.g. `daemon --version`, `--platform`, `policy <name>`.
     */
    libvirt?: string;
    /**
     * E.g. `qemu --version`, `--platform`, `policy <name>`.
     */
    qemu?: string;
    /**
     * E.g. `uname -r`, `--platform`, `policy <name>`.
     */
    kernel?: string;
  };
}
/**
 * This interface was referenced by `HostFacts`'s JSON-Schema
 * via the `definition` "PlatformProblemFact".
 */
export interface PlatformProblemFact {
  /**
   * Stable problem code, e.g. `virconf.expecting-a-value`, `sasl.invalid-mech-token`, `sysfs.not-an-integer`.
   */
  code: string;
  /**
   * error: the real program refuses the input; warning: accepted but surprising (ignored key, duplicate, odd value).
   */
  level: 'error' | 'warning';
  /**
   * Human-readable message, worded after the program's own error where there is one.
   */
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
  /**
   * Absolute path of the config file (e.g. /etc/libvirt/libvirtd.conf).
   */
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
    /**
     * The error as the daemon prints it when refusing the file (e.g. `Can't load config file: …`).
     */
    message: string;
  } | null;
  /**
   * Every key the reader knows, by name, with its effective value (explicit or default); defaults only when the file's settings are unknown (`known` false).
   */
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
  /**
   * Which libvirt daemons are in use (systemd units enabled/masked, running processes); null when neither an /etc/systemd/system/*.wants listing nor a process list was collected (listed in `unknown`).
   */
  daemons: DaemonsFacts | null;
  /**
   * Every libvirt daemon config looked at (present or not, for daemons in use).
   */
  daemonConfigs: DaemonConfigFacts[];
  /**
   * /etc/libvirt/libvirtd.conf as libvirtd reads it; null when the daemon is not in use and the file is absent, or when the file could not be read (listed in `unknown` if the daemon is in use).
   */
  libvirtd: DaemonConfigFacts | null;
  /**
   * /etc/libvirt/virtproxyd.conf as virtproxyd reads it; null when the daemon is not in use and the file is absent, or when the file could not be read (listed in `unknown` if in use).
   */
  virtproxyd: DaemonConfigFacts | null;
  /**
   * /etc/libvirt/virtqemud.conf as virtqemud reads it; null when the daemon is not in use and the file is absent, or when the file could not be read (listed in `unknown` if in use).
   */
  virtqemud: DaemonConfigFacts | null;
  /**
   * Effective remote access (TCP/TLS listeners, their auth, SASL use) of the daemon serving remote connections; null when that daemon's config is unknown (listed in `unknown`).
   */
  remote: RemoteFacts | null;
  /**
   * The TLS certificate/key files of the remote daemon (ca_file, cert_file, key_file) with their stat; null when no daemon serves remote connections or its config is unknown.
   */
  tls: TlsFacts | null;
  /**
   * The rw, ro and admin UNIX sockets of every daemon in use, with effective mode, group and auth; null when a daemon's config is unknown (listed in `unknown`).
   */
  unixSockets: UnixSocketFacts[] | null;
  /**
   * /etc/sasl2/libvirt.conf (Cyrus SASL) with the sasldb, keytab, plugins and users; null when the file exists but could not be read (listed in `unknown`). A missing file gives Cyrus defaults, not null.
   */
  sasl: SaslFacts | null;
  /**
   * /etc/libvirt/qemu.conf as the QEMU driver reads it, with derived user and display facts; null when the file could not be read (listed in `unknown`). A missing file gives libvirt's defaults.
   */
  qemuConf: QemuConfFacts | null;
  /**
   * SELinux: runtime mode, /etc/selinux/config, kernel command-line overrides. Never null; unknown parts are null and listed in `unknown` (`host.selinux.runtime`...).
   */
  selinux: SelinuxFacts | null;
  /**
   * Active Linux security modules (/sys/kernel/security/lsm). Never null; `active` is null when unknown.
   */
  lsm: LsmFacts | null;
  /**
   * QEMU, swtpm and libvirt daemon processes with their LSM labels (`ps -eZ`, else /proc/<pid>/{comm,attr/current}); null when neither was collected (listed in `unknown`).
   */
  processes: ProcessFacts[] | null;
  /**
   * /etc/group by group name, with primary members from /etc/passwd added; null when /etc/group could not be read (listed in `unknown`).
   */
  groups: {
    [k: string]: GroupFacts;
  } | null;
  /**
   * swtpm: installed or not, its local CA directory and the per-domain TPM state files (stat only). Never null; unreadable directories are listed in `unknown`.
   */
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
  /**
   * Kernel release and machine from `uname -r -m` (command `uname`); null when it was not run or failed (offline roots; listed in `unknown`).
   */
  kernel: KernelFacts | null;
  /**
   * The kernel command line from /proc/cmdline; null when not readable or not collected (listed in `unknown`).
   */
  cmdline: HostCmdlineFacts | null;
  /**
   * kvm module parameters from /sys/module/kvm/parameters/*; null when no parameter file was read (module not loaded, or not collected; listed in `unknown`).
   */
  kvm: KvmFacts | null;
  /**
   * Unbound workqueue CPU masks from /sys/devices/virtual/workqueue; null when `cpumask` could not be read (listed in `unknown`).
   */
  workqueue: WorkqueueFacts | null;
  /**
   * Online, isolated and nohz_full CPU lists from /sys/devices/system/cpu; null when `online` is unreadable or not a cpulist (listed in `unknown`).
   */
  cpus: CpuFacts | null;
  /**
   * Host NUMA nodes, their CPUs and per-node huge page pools (/sys/devices/system/node); a kernel without NUMA gives one node 0 with every online CPU; null when unreadable (listed in `unknown`).
   */
  numa: NumaFacts | null;
  /**
   * hugetlb pools (/sys/kernel/mm/hugepages/hugepages-<KiB>kB) and /proc/meminfo counters; no pools when the directory is missing; null when it could not be listed (listed in `unknown`).
   */
  hugepages: HugepagesFacts | null;
  /**
   * Transparent huge pages (/sys/kernel/mm/transparent_hugepage/{enabled,defrag}); null when `enabled` exists but could not be read (listed in `unknown`).
   */
  thp: ThpFacts | null;
  /**
   * /proc/mounts, one entry per line; null when not readable (listed in `unknown`).
   */
  mounts: MountFact[] | null;
  /**
   * resctrl (Intel RDT / ARM MPAM) mount and resources; null when /proc/mounts is unreadable (listed in `unknown`).
   */
  resctrl: ResctrlFacts | null;
  /**
   * IOMMU units and groups, the command-line parameters deciding them, interrupt remapping and unsafe-interrupt settings; null when neither /sys/class/iommu nor /sys/kernel/iommu_groups could be listed (listed in `unknown`).
   */
  iommu: IommuFacts | null;
  /**
   * PCI devices from /sys/bus/pci/devices with driver, IOMMU group and NUMA node; null when the listing is unavailable (listed in `unknown`).
   */
  pci: PciFacts | null;
  /**
   * Block devices from /sys/class/block and the /dev paths that resolve to them; null when /sys/class/block could not be listed (listed in `unknown`).
   */
  block: BlockFacts | null;
  /**
   * Which domains are running (`virsh list --name`) or autostarted (/etc/libvirt/qemu/autostart/*.xml links). Never null; `running` is null when virsh was not run.
   */
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
