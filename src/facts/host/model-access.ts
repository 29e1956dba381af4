import type { SourceLocation } from '../../util/location';

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
 */
export interface Located {
  loc: SourceLocation;
  key: string;
}

export interface ProblemFact extends Located {
  code: string;
  level: 'error' | 'warning';
  message: string;
  /** The file the problem is in. */
  file: string;
}

/** One typed setting of a virConf file: its effective value (explicit or libvirt's default). */
export interface SettingFact extends Located {
  name: string;
  value: boolean | number | string | string[] | null;
  explicit: boolean;
  /** libvirt's message when the written value is rejected (then `value` is the default). */
  error: string | null;
}

export interface ConfFileFacts extends Located {
  file: string;
  /** The file exists (a missing file means every setting has its default). */
  present: boolean;
  /** libvirt accepts the file (no syntax error, no rejected value). */
  accepted: boolean;
  /** The settings are known (false after a syntax error: libvirt reads nothing of the file; `settings` then
   *  holds the defaults only so that expressions stay total, and the fact path is listed in `unknown`). */
  known: boolean;
  /** What the daemon prints when it refuses the file (first error in libvirt's reading order). */
  rejection: (Located & { message: string }) | null;
  settings: Record<string, SettingFact>;
  /** Duplicates (first wins), unknown / mis-cased keys (ignored), keys this daemon does not read. */
  ignored: ProblemFact[];
}

export interface DaemonConfigFacts extends ConfFileFacts {
  daemon: string;
  /** This daemon is in use (its service or socket is enabled, or it runs). */
  inUse: boolean;
  /** Listens on TCP/TLS itself (libvirtd, virtproxyd). */
  ip: boolean;
}

export interface UnitFacts extends Located {
  name: string;
  /** A unit file exists in the search path. */
  exists: boolean;
  /** Linked to /dev/null (or empty). */
  masked: boolean;
  /** Symlinked from a `/etc/systemd/system/*.wants/` directory. */
  enabled: boolean;
  /** The `*.wants` symlinks that enable it. */
  wantedBy: string[];
}

export interface DaemonsFacts extends Located {
  /** Unit name → state, for every libvirt unit looked at. */
  units: Record<string, UnitFacts>;
  /** Monolithic libvirtd in use (libvirtd.service/.socket enabled and not masked, or a libvirtd process). */
  monolithic: boolean;
  /** Modular daemons in use (virtqemud service/socket enabled and not masked, or a virtqemud process). */
  modular: boolean;
  /** Names of the daemons in use. */
  inUse: string[];
  /** Running libvirt daemon processes (comm). */
  running: string[];
}

export interface ListenWayFacts extends Located {
  transport: 'tcp' | 'tls';
  /** `config` (listen_tcp/listen_tls honoured), `socket` (a -tcp/-tls socket unit), null when not listening. */
  via: 'config' | 'socket' | null;
  port: string | null;
  /** Address: `listen_addr` or the ListenStream= address part; null = all interfaces. */
  address: string | null;
  /** Bound to every interface (no address, 0.0.0.0, ::, [::]). */
  wildcard: boolean;
}

export interface RemoteFacts extends Located {
  /** The daemon that serves remote connections: libvirtd (monolithic) or virtproxyd (modular); null if none. */
  daemon: string | null;
  /** Whether that daemon is started by systemd socket activation (then listen_* / unix_sock_* are ignored). */
  socketActivated: boolean;
  /** `--listen` / `-l` on the libvirtd command line (LIBVIRTD_ARGS). */
  listenFlag: (Located & { source: string }) | null;
  /** libvirtd refuses to start: `--listen` together with activation sockets. */
  listenConflict: boolean;
  tcp: ListenWayFacts | null;
  tls: ListenWayFacts | null;
  /** Effective auth of each transport of the remote daemon (from its config; honoured under activation too). */
  authTcp: SettingFact | null;
  authTls: SettingFact | null;
  /** Transports that are in effect and authenticate with SASL: `tcp`, `tls`, `unix_rw`, `unix_ro`. */
  saslTransports: string[];
  /** SASL in effect on a transport without TLS (tcp or a UNIX socket). */
  saslWithoutTls: boolean;
  /** The remote daemon's config (also in `daemonConfigs`). */
  config: DaemonConfigFacts | null;
}

export interface StatFacts extends Located {
  path: string;
  exists: boolean;
  /** Permission bits (0o7777), null when not collected. */
  mode: number | null;
  modeText: string | null;
  owner: string | null;
  group: string | null;
  uid: number | null;
  gid: number | null;
  /** Derived: group/other bits. */
  groupReadable: boolean;
  otherReadable: boolean;
  worldWritable: boolean;
  groupWritable: boolean;
  isDir: boolean;
}

export interface TlsFacts extends Located {
  daemon: string;
  /** ca_file, cert_file, key_file: stat of the file each names (the file's `setting` tells where it is set). */
  files: (StatFacts & { setting: SettingFact; role: 'ca' | 'cert' | 'key' })[];
}

export interface UnixSocketFacts extends Located {
  daemon: string;
  kind: 'rw' | 'ro' | 'admin';
  path: string;
  /** Effective mode (0o7777) and where it comes from. */
  mode: number | null;
  modeText: string | null;
  group: string | null;
  source: 'config' | 'socket-unit';
  /** Location of the setting that decides the mode (unix_sock_*_perms or SocketMode=). */
  modeLoc: SourceLocation;
  /** auth_unix_rw / auth_unix_ro of the daemon (admin: null, the socket mode alone protects it). */
  auth: SettingFact | null;
  /** Non-root users can connect: other write bit, or group write bit with a group other than root. */
  nonRootCanConnect: boolean;
  worldAccessible: boolean;
  /** The group write bit is set for a group other than root. */
  groupCanConnect: boolean;
  /** Members of `group` (supplementary from /etc/group + primary from /etc/passwd); null when unknown. */
  groupMembers: string[] | null;
}

export interface MechTokenFact extends Located {
  token: string;
  /** Upper-case mechanism name when the token is one, else null. */
  mech: string | null;
  ssf: boolean;
  cleartext: boolean;
  anonymous: boolean;
  obsolete: boolean;
}

export interface SaslUserFact extends Located {
  user: string;
  realm: string;
  id: string;
}

export interface SaslFacts extends Located {
  file: string;
  present: boolean;
  /** Cyrus accepts the file (a malformed line makes SASL init fail). */
  ok: boolean;
  /** `mech_list` tokens; null when unset (every installed plugin is offered). */
  mechList: (Located & { value: string; tokens: MechTokenFact[]; mechs: string[]; anySsf: boolean }) | null;
  /** Problems of the file: malformed lines, duplicates, tokens that are not mechanism names. */
  problems: ProblemFact[];
  sasldbPath: Located & { value: string; explicit: boolean };
  sasldb: StatFacts;
  keytabPath: Located & { value: string; explicit: boolean };
  keytab: StatFacts;
  /** Mechanisms whose plugin is installed (from the plugin directories); null when not collected. */
  plugins: string[] | null;
  /** Users in the sasldb (`sasldblistusers2`); null when unknown (see `unknown['host.sasl.users']`). */
  users: SaslUserFact[] | null;
  /** `sasl_allowed_username_list` of the remote daemon (null when unset = every authenticated user is admin). */
  allowedUsernames: SettingFact | null;
}

export interface DisplayFacts extends Located {
  type: 'vnc' | 'spice';
  listen: string;
  loopback: boolean;
  tls: boolean;
  sasl: boolean;
  /** A global `vnc_password` / `spice_password` is set (value never copied). */
  password: boolean;
  /** vnc_auto_unix_socket / spice_auto_unix_socket: graphics without a listen use a UNIX socket. */
  autoUnixSocket: boolean;
  /** Graphics using the default listen are reachable from the network without TLS, SASL or password. */
  exposed: boolean;
}

export interface QemuConfFacts extends ConfFileFacts {
  runsAsRoot: { qemu: boolean; swtpm: boolean };
  /** Security drivers named by `security_driver` (empty when unset: every available one is used). */
  securityDrivers: string[];
  display: { vnc: DisplayFacts; spice: DisplayFacts };
}

export interface SelinuxFacts extends Located {
  /** SELinux is present on the host (config file, selinuxfs, or getenforce works). */
  installed: boolean;
  /** Runtime mode; null when unknown (see `unknown['host.selinux.runtime']`). */
  runtime: 'enforcing' | 'permissive' | 'disabled' | null;
  runtimeSource: string | null;
  /** /etc/selinux/config SELINUX= (first matching line); null when absent. */
  config: (Located & { mode: string | null; type: string | null }) | null;
  /** Kernel command line parameters that turn SELinux off or permissive (`selinux=0`, `enforcing=0`,
   *  `security=` / `lsm=` without selinux). */
  cmdlineOverrides: (Located & { name: string; value: string | null })[];
}

export interface LsmFacts extends Located {
  /** Active LSMs (/sys/kernel/security/lsm); null when unknown. */
  active: string[] | null;
  selinux: boolean;
  apparmor: boolean;
}

export interface ProcessFacts extends Located {
  pid: number;
  comm: string;
  role: string;
  label: string;
  lsm: 'none' | 'selinux' | 'apparmor' | 'unknown';
  /** SELinux type (svirt_t...), null otherwise. */
  type: string | null;
  /** Canonical MCS level of the low end (`s0:c200,c947`), null when not SELinux. */
  mcs: string | null;
  categories: number[];
  /** AppArmor profile / mode, domain UUID of a `libvirt-<uuid>` profile. */
  profile: string | null;
  mode: string | null;
  profileUuid: string | null;
  /** From /proc/<pid>/cmdline: `-name guest=X` and `-uuid U` (QEMU); null when not collected. */
  domainName: string | null;
  domainUuid: string | null;
  /** Pids of other QEMU processes with the same MCS categories (helpers such as swtpm are not counted). */
  sharesMcsWith: number[];
}

export interface SwtpmFacts extends Located {
  installed: boolean;
  /** /var/lib/swtpm-localca and its files (stat). */
  localca: (StatFacts & { privateKey: boolean }) | null;
  localcaFiles: (StatFacts & { privateKey: boolean })[];
  /** Files under /var/lib/libvirt/swtpm/<uuid>/tpm2/. */
  stateFiles: (StatFacts & { uuid: string })[];
}

export interface GroupFacts {
  name: string;
  gid: number;
  members: string[];
}

export interface AccessFacts {
  daemons: DaemonsFacts | null;
  /** Every libvirt daemon config looked at (present or not, for daemons in use). */
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
  groups: Record<string, GroupFacts> | null;
  swtpm: SwtpmFacts | null;
}
