/* Generated from schemas/facts/guest.schema.json by scripts/gen-types.js — do not edit. */

/**
 * The facts guest rules see (`guest` in CEL), built from one guest's EvidenceBundle by `buildGuestFacts`
 * (or, host-side, from a `guest-info` reply by `guestFactsFromAgentInfo`).
 *
 * Conventions (as for DomainFacts): plain JSON; absent things are `null`, never missing keys; everything a rule
 * points at has `loc` (file, line, column) and `key` (stable identity for fingerprints). Facts whose evidence was
 * missing / denied / not collected are `null` AND listed in the builder's `unknown` map (fact path → reason), so a
 * rule requiring them is reported "not evaluated". Secrets never enter facts.
 *
 * Locations in command output use the pseudo file `command:<id>` (e.g. `command:tpm2_pcrread`), line = output line.
 *
 * ## Evidence each fact needs (the guest manifest must collect exactly these)
 *
 * Files (absolute paths on the guest; `[pid]`, `<bdf>`, `N` expanded by the collector):
 * - `guest.cmdline`: `/proc/cmdline`.
 * - `guest.qga`:
 *   - `/usr/bin/qemu-ga`, `/usr/sbin/qemu-ga` (Debian) (stat only: installed?);
 *   - every `qemu-guest-agent.service` unit file and drop-in of the systemd search path, i.e. for each directory D
 *     of SYSTEM_UNIT_PATH (`src/facts/common/systemd.ts`; in practice `/etc/systemd/system`, `/run/systemd/system`,
 *     `/usr/local/lib/systemd/system`, `/usr/lib/systemd/system`, `/lib/systemd/system`): the file
 *     `D/qemu-guest-agent.service` (with `linkTarget` when it is a symlink: `/dev/null` masks) and the dir listings
 *     `D/qemu-guest-agent.service.d` and `D/service.d` plus every `*.conf` in them;
 *   - every file named by the unit's `EnvironmentFile=` (known ones: `/etc/sysconfig/qemu-ga`,
 *     `/etc/default/qemu-guest-agent`);
 *   - the config file: `/etc/qemu/qemu-ga.conf` (or the `QGA_CONF` / `-c` path when the unit sets another one);
 *   - `/proc/[pid]/cmdline` for each pid listed by the command `qemu-ga.pids`.
 *   Stat data (mode, uid, gid, owner, group) of the unit files, drop-ins, environment files and config file
 *   (GUEST-QGA-006).
 * - `guest.tpm`: dir listing `/sys/class/tpm`; `/sys/class/tpm/tpm0/tpm_version_major`;
 *   `/sys/class/tpm/tpm0/device/driver` (symlink: `linkTarget`); `/dev/tpm0`, `/dev/tpmrm0` (stat only, state
 *   `not-regular` = present); `/proc/modules`; `/sys/class/tpm/tpm0/pcr-{sha1,sha256,sha384,sha512}/{0..23}`.
 * - `guest.cpuidle`: `/sys/devices/system/cpu/cpuidle/{current_driver,current_governor_ro,current_governor}`,
 *   `/sys/module/haltpoll/parameters/{guest_halt_poll_ns,guest_halt_poll_shrink,guest_halt_poll_grow,
 *   guest_halt_poll_grow_start,guest_halt_poll_allow_shrink}`.
 * - `guest.pvspin`: `/boot/config-<release>` (release from command `uname.release`).
 * - `guest.topology`: `/sys/devices/system/cpu/online`, `/sys/devices/system/cpu/cpuN/topology/
 *   {physical_package_id,die_id,cluster_id,core_id,thread_siblings_list}` for each online N.
 * - `guest.numa`: `/sys/devices/system/node/online`; dir listing `/sys/bus/pci/devices`; for each entry <bdf>:
 *   `/sys/bus/pci/devices/<bdf>/{numa_node,class,vendor,device}`.
 *
 * Commands (id → what runs; stdout/stderr/exit code recorded):
 * - `uname.machine` → `uname -m`; `uname.release` → `uname -r`;
 * - `qemu-ga.version` → `qemu-ga -V`; `qemu-ga.rpcs` → `qemu-ga -b '?'` (the RPC names the installed agent knows);
 * - `qemu-ga.pids` → `pgrep -x qemu-ga` (pids one per line; exit 1 and empty output when not running);
 * - `tpm2_pcrread` → `tpm2_pcrread` (tpm2-tools 4/5); `tpm2_pcrlist` → `tpm2_pcrlist` (3.x; only when
 *   tpm2_pcrread is not found);
 * - `dmesg` → `dmesg` (kernel ring buffer; for PV spinlock lines).
 */
export interface GuestFacts {
  /**
   * The target's name (host name, ssh alias, snapshot name, or libvirt domain name host-side).
   */
  name: string;
  /**
   * in-guest: evidence collected inside the VM; agent: only the host-side guest-info reply.
   */
  via: 'in-guest' | 'agent';
  arch: string | null;
  kernelRelease: string | null;
  cmdline: CmdlineFacts | null;
  qga: QgaFacts | null;
  tpm: TpmFacts | null;
  cpuidle: CpuidleFacts | null;
  pvspin: PvspinFacts | null;
  topology: TopologyFacts | null;
  numa: NumaFacts | null;
  /**
   * Parse problems of every input.
   */
  problems: ProblemFact[];
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "CmdlineFacts".
 */
export interface CmdlineFacts {
  text: string;
  /**
   * Effective parameters by normalised name (the last occurrence wins).
   */
  params: {
    [k: string]: CmdlineParamFact;
  };
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "CmdlineParamFact".
 */
export interface CmdlineParamFact {
  /**
   * `-` normalised to `_`.
   */
  name: string;
  value: string | null;
  /**
   * The value read as a kernel boolean (kstrtobool: Y/y/1/on, N/n/0/off; a bare word is true), null otherwise.
   */
  bool: boolean | null;
  loc: SourceLocation;
  key: string;
}
/**
 * Where a fact came from. Every fact a rule can point at carries one, so a finding lands on the exact line.
 * `file` is the artifact path as the user knows it: a path relative to the working directory for files given on
 * the command line, or the absolute path on the scanned host for host evidence (e.g. `/etc/libvirt/libvirtd.conf`).
 *
 * This interface was referenced by `GuestFacts`'s JSON-Schema
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
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "QgaFacts".
 */
export interface QgaFacts {
  /**
   * qemu-ga is installed (binary, unit, version output or a running process). When false every list is empty.
   */
  installed: boolean;
  /**
   * Where the effective state comes from: the running process's argv, the unit's ExecStart, the default invocation (no unit, not running), or a host-side guest-info reply.
   */
  source: 'default' | 'unit' | 'process' | 'guest-info';
  version: string | null;
  running: boolean | null;
  pid: number | null;
  unit: {
    loc: SourceLocation;
    key: string;
    name: string;
    fragment: string;
    dropins: string[];
    masked: boolean;
    execStart: {
      loc: SourceLocation;
      key: string;
      text: string;
    } | null;
  } | null;
  /**
   * argv of the effective source (null for guest-info).
   */
  argv: string[] | null;
  /**
   * Whether the agent starts with this configuration (null: unknown, guest-info: it answered, so true).
   */
  starts: boolean | null;
  exitReason: string | null;
  blockList: QgaListItemFact[];
  allowList: QgaListItemFact[];
  /**
   * RPCs that are enabled (callable from the host).
   */
  enabled: string[];
  /**
   * RPCs disabled by the administrator's lists.
   */
  blocked: string[];
  /**
   * RPCs the platform never implements (not an admin choice).
   */
  platformUnsupported: string[];
  /**
   * Every RPC by name.
   */
  rpcs: {
    [k: string]: QgaRpcFact;
  };
  fixAt: QgaFixFact | null;
  listDefects: QgaListDefectFact[];
  config: QgaConfigFacts | null;
  sysconfig: QgaSysconfigFacts | null;
  /**
   * Problems of the unit and of the argv / config analysis of the editable source (unit, else process).
   */
  problems: ProblemFact[];
  /**
   * Unit, drop-ins, environment files and config file with their modes (GUEST-QGA-006).
   */
  files: FileModeFact[];
  /**
   * The running process's argv differs from what the unit would start now (edited but not restarted).
   */
  stale: boolean | null;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "QgaListItemFact".
 */
export interface QgaListItemFact {
  name: string;
  list: 'block' | 'allow';
  source: 'config' | 'argv';
  option: string;
  /**
   * Whether the agent knows an RPC of this name (else the entry has no effect).
   */
  known: boolean;
  loc: SourceLocation | null;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "QgaRpcFact".
 */
export interface QgaRpcFact {
  enabled: boolean;
  reason: 'disabled' | 'default' | 'allow-listed' | 'not-allow-listed' | 'blocked' | 'platform-unsupported';
  loc: SourceLocation | null;
}
/**
 * Where the administrator changes the RPC filtering (for QGA-002 findings and their corrected snippet).
 *
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "QgaFixFact".
 */
export interface QgaFixFact {
  kind: 'config' | 'unit' | 'sysconfig' | 'process';
  /**
   * Which list to edit: the allow list when one is in use, else the block list.
   */
  mode: 'block' | 'allow';
  /**
   * The text that starts the corrected fragment: `--block-rpcs=`, `block-rpcs=`, `--allow-rpcs=`, `BLACKLIST_RPC=`.
   */
  prefix: string;
  /**
   * Closes the fragment (`"` for `FILTER_RPC_ARGS="--allow-rpcs=…"`), usually empty.
   */
  suffix: string;
  /**
   * The list's current names (in order, de-duplicated).
   */
  names: string[];
  loc: SourceLocation;
  key: string;
}
/**
 * A block/allow list written so that qemu-ga does not read it as intended (GUEST-QGA-001).
 *
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "QgaListDefectFact".
 */
export interface QgaListDefectFact {
  kind: 'space-separated' | 'separator-in-value' | 'stray-argument';
  /**
   * The option as written (`--blacklist`, `-b`...), null for bare words after no list option.
   */
  option: string | null;
  list: 'block' | 'allow';
  /**
   * The text as the admin wrote it (words joined by one space).
   */
  text: string;
  /**
   * What qemu-ga actually takes from it (names that are in effect).
   */
  effective: string[];
  /**
   * Names that are silently not on the list.
   */
  ignored: string[];
  /**
   * The corrected fragment, e.g. `--block-rpcs=guest-file-open,guest-file-close`.
   */
  corrected: string;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "QgaConfigFacts".
 */
export interface QgaConfigFacts {
  path: string;
  found: boolean;
  /**
   * Problems of the config file (syntax, missing [general], `;` separated lists, deprecated keys...).
   */
  problems: ProblemFact[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "ProblemFact".
 */
export interface ProblemFact {
  code: string;
  level: 'error' | 'warning';
  message: string;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "QgaSysconfigFacts".
 */
export interface QgaSysconfigFacts {
  path: string;
  vars: QgaSysconfigVarFact[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "QgaSysconfigVarFact".
 */
export interface QgaSysconfigVarFact {
  name: 'BLACKLIST_RPC' | 'FILTER_RPC_ARGS' | 'QEMU_GA_ARGS';
  value: string;
  /**
   * Whether the unit's ExecStart uses the variable (null: no unit / no ExecStart to tell).
   */
  used: boolean | null;
  /**
   * Names the variable contributes to the effective block / allow lists.
   */
  blockItems: string[];
  allowItems: string[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "FileModeFact".
 */
export interface FileModeFact {
  path: string;
  /**
   * Permission bits only (e.g. 0o644 = 420), null when stat data was not collected.
   */
  mode: number | null;
  modeText: string | null;
  uid: number | null;
  gid: number | null;
  owner: string | null;
  group: string | null;
  /**
   * Some user other than root can modify the file: owner not root, or group-writable with a non-root group, or world-writable.
   */
  writableByNonRoot: boolean;
  /**
   * Why (`world-writable`, `owned by uid 1000`, `group-writable by group qemu`), null when not.
   */
  why: string | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "TpmFacts".
 */
export interface TpmFacts {
  /**
   * A TPM character device / sysfs class entry exists.
   */
  present: boolean;
  /**
   * tpm0, … from /sys/class/tpm.
   */
  devices: string[];
  versionMajor: number | null;
  devTpm0: boolean | null;
  devTpmrm0: boolean | null;
  /**
   * The kernel driver bound to tpm0 (`tpm_tis`, `tpm_crb`, …) from the device/driver link or /proc/modules.
   */
  driver: string | null;
  /**
   * TPM modules loaded according to /proc/modules.
   */
  modules: string[];
  /**
   * tpm2_pcrread (or tpm2_pcrlist) is installed; null when unknown (offline root).
   */
  toolsInstalled: boolean | null;
  pcrs: PcrFacts | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "PcrFacts".
 */
export interface PcrFacts {
  source: 'tpm2_pcrread' | 'tpm2_pcrlist' | 'sysfs';
  format: string;
  /**
   * The bank rules look at: sha256 when it has values, else the first bank with values.
   */
  bank: string | null;
  activeBanks: string[];
  /**
   * Banks printed without values (inactive).
   */
  emptyBanks: string[];
  hasSha256: boolean;
  sha1Only: boolean;
  /**
   * PCR 0–7 of `bank` are all zero: the firmware measured nothing.
   */
  firmwarePcrsZero: boolean;
  separatorOnly: number[];
  anomalies: PcrAnomalyFact[];
  entries: PcrEntryFact[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "PcrAnomalyFact".
 */
export interface PcrAnomalyFact {
  kind: 'all-ones' | 'separator-error' | 'digest-length' | 'parse-error';
  bank: string | null;
  index: number | null;
  message: string;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "PcrEntryFact".
 */
export interface PcrEntryFact {
  bank: string;
  index: number;
  /**
   * The index as a string (map keys of golden values).
   */
  id: string;
  digest: string;
  class: 'zero' | 'all-ones' | 'separator-only' | 'separator-error' | 'measured';
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "CpuidleFacts".
 */
export interface CpuidleFacts {
  currentDriver: string | null;
  currentGovernor: string | null;
  haltpollLoaded: boolean;
  params: {
    [k: string]: boolean | number;
  };
  deviations: HaltpollParamFact[];
  pollingDisabled: boolean | null;
  growStartAboveMax: boolean | null;
  /**
   * `cpuidle_haltpoll.force=` / `haltpoll.enable=` from the kernel command line (null: absent).
   */
  cmdlineForce: {
    loc: SourceLocation;
    key: string;
    value: boolean | null;
  } | null;
  cmdlineHaltpollEnable: {
    loc: SourceLocation;
    key: string;
    value: boolean | null;
  } | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "HaltpollParamFact".
 */
export interface HaltpollParamFact {
  param: string;
  value: boolean | number;
  default: boolean | number;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "PvspinFacts".
 */
export interface PvspinFacts {
  arch: string | null;
  /**
   * `arm_pvspin` given on the kernel command line.
   */
  armPvspin: boolean;
  /**
   * `nopvspin` given on the kernel command line.
   */
  nopvspin: boolean;
  /**
   * CONFIG_PARAVIRT_SPINLOCKS: `y`, `n` (not set), null (config not available / symbol absent).
   */
  kconfig: {
    loc: SourceLocation;
    key: string;
    value: string;
  } | null;
  /**
   * The last PV spinlock line of the kernel log.
   */
  log: {
    loc: SourceLocation;
    key: string;
    state: 'disabled' | 'enabled';
    reason: string | null;
    text: string;
  } | null;
  /**
   * enabled | disabled-intentionally (single CPU, nopvspin, realtime hints) | no-host-support | not-built |
   * requested-not-active (arm_pvspin given, no "PV qspinlocks enabled") | no-log-line (x86, nothing logged).
   */
  verdict:
    'enabled' | 'disabled-intentionally' | 'no-host-support' | 'not-built' | 'requested-not-active' | 'no-log-line';
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "TopologyFacts".
 */
export interface TopologyFacts {
  onlineCpus: number[];
  packages: number;
  /**
   * Distinct (package, core) pairs.
   */
  cores: number;
  /**
   * Threads per core (max seen).
   */
  threadsPerCore: number;
  /**
   * Every package has the same number of cores and every core the same number of threads.
   */
  uniform: boolean;
  /**
   * More than one vCPU and each one is its own package: the domain XML gives no <topology>.
   */
  socketPerVcpu: boolean;
  cpus: GuestCpuFact[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "GuestCpuFact".
 */
export interface GuestCpuFact {
  cpu: number;
  package: number | null;
  die: number | null;
  cluster: number | null;
  core: number | null;
  threadSiblings: number[] | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "NumaFacts".
 */
export interface NumaFacts {
  nodes: number[];
  devices: PciDeviceFact[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "PciDeviceFact".
 */
export interface PciDeviceFact {
  bdf: string;
  numaNode: number | null;
  classCode: string | null;
  vendor: string | null;
  device: string | null;
  /**
   * Not a QEMU-emulated / virtio device: a passthrough (VFIO) candidate.
   */
  passthrough: boolean;
  loc: SourceLocation;
  key: string;
}
/**
 * Where a fact is (`loc`: file, line, column, path) and its stable identity (`key`, used in fingerprints, e.g. `disk[vdb]`): every element a rule can point at has both.
 *
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "Located".
 */
export interface Located {
  loc: SourceLocation;
  key: string;
}
