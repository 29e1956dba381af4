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
  /**
   * Machine architecture from `uname -m` (command `uname.machine`: x86_64, aarch64, ppc64le...); null when the command was not run or failed (listed in `unknown`; also null for a host-side guest-info scan).
   */
  arch: string | null;
  /**
   * Running kernel release from `uname -r` (command `uname.release`), used to find /boot/config-<release>; null when the command was not run or failed (not listed in `unknown`: only `pvspin` depends on it).
   */
  kernelRelease: string | null;
  /**
   * The kernel command line from /proc/cmdline; null when the file was not readable or not collected (listed in `unknown`).
   */
  cmdline: CmdlineFacts | null;
  /**
   * The QEMU guest agent: installation, unit, effective argv, config, RPC filtering; null only in a host-side scan whose guest-info reply was unusable (listed in `unknown`). Never null in-guest: `installed` says whether it is there.
   */
  qga: QgaFacts | null;
  /**
   * The guest's TPM: devices, driver, PCR banks (`pcrs`); null when /sys/class/tpm could not be listed (denied/error, listed in `unknown`). A guest without TPM has `present: false`, not null.
   */
  tpm: TpmFacts | null;
  /**
   * cpuidle driver/governor and guest halt-polling (haltpoll) parameters from /sys/devices/system/cpu/cpuidle and /sys/module/haltpoll/parameters; null when current_driver could not be read (listed in `unknown`).
   */
  cpuidle: CpuidleFacts | null;
  /**
   * Paravirtual spinlock state from the kernel log (`dmesg`), /boot/config-<release> and the command line; null when neither a log line nor CONFIG_PARAVIRT_SPINLOCKS=n decides and dmesg was unreadable or no longer holds the boot messages (listed in `unknown`).
   */
  pvspin: PvspinFacts | null;
  /**
   * CPU topology the guest sees, from /sys/devices/system/cpu/online and cpuN/topology/*; null when online or a CPU's physical_package_id/core_id could not be read (listed in `unknown`).
   */
  topology: TopologyFacts | null;
  /**
   * Guest NUMA nodes and the NUMA node of each PCI device (sysfs); null when /sys/devices/system/node/online or the /sys/bus/pci/devices listing could not be read (listed in `unknown`).
   */
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
  /**
   * /proc/cmdline as read, without the trailing newline.
   */
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
  /**
   * The text after the first `=`, with the kernel's double quotes dropped; null for a bare word (`nopvspin`).
   */
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
  /**
   * The artifact path as the user knows it: the path on the guest, or a pseudo file `command:<id>` / `guest-info:<domain>`.
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
  /**
   * The agent version `major.minor[.micro]` (e.g. `7.2.22`) from `qemu-ga -V` (command `qemu-ga.version`) or the guest-info reply; null when not available or not parsable.
   */
  version: string | null;
  /**
   * A qemu-ga process runs: command `qemu-ga.pids` (`pgrep -x qemu-ga`) printed a pid; false when it printed none; null when the command was not run or could not run. Always true from guest-info.
   */
  running: boolean | null;
  /**
   * The first pid `qemu-ga.pids` printed; its /proc/<pid>/cmdline gives the process argv. null when not running or unknown.
   */
  pid: number | null;
  /**
   * The qemu-guest-agent.service unit as systemd loads it (fragment + drop-ins on the system unit path); null when no unit file was found.
   */
  unit: {
    loc: SourceLocation;
    key: string;
    /**
     * Always `qemu-guest-agent.service`.
     */
    name: string;
    /**
     * Path of the unit file systemd uses (first found on the search path, /etc/systemd/system first).
     */
    fragment: string;
    /**
     * Paths of the `*.conf` drop-ins applied, in systemd's order.
     */
    dropins: string[];
    /**
     * The unit file is a symlink to /dev/null or empty: systemd will not start the agent.
     */
    masked: boolean;
    /**
     * The first `ExecStart=` command after drop-ins (an empty `ExecStart=` resets the list); null when the unit is masked or has none.
     */
    execStart: {
      loc: SourceLocation;
      key: string;
      /**
       * Its argv after systemd's `$VAR`/`${VAR}` expansion from Environment=/EnvironmentFile=, words joined by one space.
       */
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
  /**
   * Why the agent exits at start with this configuration (e.g. `config file error: …`, `command line error: …`, `-D given`); null when it starts (`starts` true) or unknown.
   */
  exitReason: string | null;
  /**
   * Effective block-list entries (config file first, then the command line), in order.
   */
  blockList: QgaListItemFact[];
  /**
   * Effective allow-list entries (config file first, then the command line), in order.
   */
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
  /**
   * Where to change the RPC lists (the first list entry's line, else the unit's ExecStart=, else the config file); null when qemu-ga is not installed and in a host-side guest-info scan.
   */
  fixAt: QgaFixFact | null;
  /**
   * Block/allow lists written so that qemu-ga does not read them as meant (GUEST-QGA-001), from the editable source (unit, else process argv).
   */
  listDefects: QgaListDefectFact[];
  /**
   * The qemu-ga config file (path, whether found, its problems); null when qemu-ga is not installed or in a host-side guest-info scan.
   */
  config: QgaConfigFacts | null;
  /**
   * The environment file holding RHEL/Fedora's filtering variables; null when qemu-ga is not installed, in a host-side scan, or when the unit names no found environment file and neither /etc/sysconfig/qemu-ga nor /etc/default/qemu-guest-agent was collected.
   */
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
  /**
   * The RPC name as written in the list (exact, case-sensitive; may hold a stray space or `;` when the list is mis-separated).
   */
  name: string;
  /**
   * Which list: `block` (--block-rpcs / --blacklist / -b, config block-rpcs/blacklist) or `allow` (--allow-rpcs / -a, config allow-rpcs).
   */
  list: 'block' | 'allow';
  /**
   * Where the entry comes from: `config` (the qemu-ga config file) or `argv` (the command line, including words expanded from environment variables).
   */
  source: 'config' | 'argv';
  /**
   * The option or config key as written: `--blacklist`, `-b`, `--block-rpcs`, `-a`, `--allow-rpcs`, `block-rpcs`...
   */
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
  /**
   * The host can call this RPC.
   */
  enabled: boolean;
  /**
   * Why: `default` (enabled, no list concerns it), `allow-listed`, `not-allow-listed` (an allow list is in use without it), `blocked` (on the block list), `platform-unsupported` (never implemented on this OS), `disabled` (host-side guest-info reports it disabled for another reason).
   */
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
  /**
   * What to edit: `config` (the qemu-ga config file), `unit` (the unit's ExecStart=), `sysconfig` (a variable of an EnvironmentFile such as /etc/sysconfig/qemu-ga), `process` (only the running process's argv is known).
   */
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
  /**
   * `space-separated`: RPC names after the list option as separate argv words (qemu-ga ignores them); `separator-in-value`: spaces or `;` inside the value (qemu-ga splits on `,` only); `stray-argument`: an RPC name as a bare argument with no list option.
   */
  kind: 'space-separated' | 'separator-in-value' | 'stray-argument';
  /**
   * The option as written (`--blacklist`, `-b`...), null for bare words after no list option.
   */
  option: string | null;
  /**
   * The list the admin meant: `block` or `allow` (`block` for a stray argument).
   */
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
  /**
   * The config file qemu-ga reads: the last `-c/--config` (qemu-ga 9.1+), else QGA_CONF from the unit's environment, else /etc/qemu/qemu-ga.conf.
   */
  path: string;
  /**
   * The config file exists in the collected evidence (missing is normal for the default path; with `-c` the agent exits).
   */
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
  /**
   * Stable problem code, e.g. `qga.unknown-rpc`, `tpm.digest-length`, `cpuidle.invalid-value`.
   */
  code: string;
  /**
   * error: the real program refuses the input (qemu-ga exits, value unreadable); warning: accepted but surprising.
   */
  level: 'error' | 'warning';
  /**
   * Human-readable message.
   */
  message: string;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "QgaSysconfigFacts".
 */
export interface QgaSysconfigFacts {
  /**
   * The environment file: the first EnvironmentFile= of the unit (or known file /etc/sysconfig/qemu-ga, /etc/default/qemu-guest-agent) that defines a filtering variable, else the first one found.
   */
  path: string;
  /**
   * The filtering variables it defines (BLACKLIST_RPC, FILTER_RPC_ARGS, QEMU_GA_ARGS), in that order; empty when none.
   */
  vars: QgaSysconfigVarFact[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "QgaSysconfigVarFact".
 */
export interface QgaSysconfigVarFact {
  /**
   * The filtering variable of the environment file: BLACKLIST_RPC, FILTER_RPC_ARGS (RHEL/Fedora) or QEMU_GA_ARGS.
   */
  name: 'BLACKLIST_RPC' | 'FILTER_RPC_ARGS' | 'QEMU_GA_ARGS';
  /**
   * The variable's value after env-file unquoting.
   */
  value: string;
  /**
   * Whether the unit's ExecStart uses the variable (null: no unit / no ExecStart to tell).
   */
  used: boolean | null;
  /**
   * Names the variable contributes to the effective block / allow lists.
   */
  blockItems: string[];
  /**
   * Names the variable contributes to the effective allow list.
   */
  allowItems: string[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "FileModeFact".
 */
export interface FileModeFact {
  /**
   * Absolute path of the file on the guest.
   */
  path: string;
  /**
   * Permission bits only (e.g. 0o644 = 420), null when stat data was not collected.
   */
  mode: number | null;
  /**
   * `mode` in octal with a leading 0 (e.g. `0644`); null when stat data was not collected.
   */
  modeText: string | null;
  /**
   * Owner uid from the collected stat data; null when not collected.
   */
  uid: number | null;
  /**
   * Group gid from the collected stat data; null when not collected.
   */
  gid: number | null;
  /**
   * Owner user name as resolved on the guest; null when not collected or unresolved.
   */
  owner: string | null;
  /**
   * Group name as resolved on the guest; null when not collected or unresolved.
   */
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
  /**
   * /sys/class/tpm/tpm0/tpm_version_major as a number (1 or 2); null when absent (kernel < 5.6 or no tpm0) or unreadable.
   */
  versionMajor: number | null;
  /**
   * /dev/tpm0 exists; null when its state could not be determined (denied/error or not collected as missing).
   */
  devTpm0: boolean | null;
  /**
   * /dev/tpmrm0 (the kernel resource manager) exists; null when its state could not be determined.
   */
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
  /**
   * PCR banks and their assessment; null when the guest has no TPM, or neither tpm2_pcrread/tpm2_pcrlist output nor sysfs PCR files were available (listed in `unknown` as `guest.tpm.pcrs`).
   */
  pcrs: PcrFacts | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "PcrFacts".
 */
export interface PcrFacts {
  /**
   * Where the PCRs were read: `tpm2_pcrread` (tpm2-tools 4/5), `tpm2_pcrlist` (tpm2-tools 3) or `sysfs` (/sys/class/tpm/tpm0/pcr-<alg>/<n>, Linux >= 5.12).
   */
  source: 'tpm2_pcrread' | 'tpm2_pcrlist' | 'sysfs';
  /**
   * Listing format recognised: tpm2-tools-5, tpm2-tools-4, tpm2-tools-3, flat, sysfs or unknown.
   */
  format: string;
  /**
   * The bank rules look at: sha256 when it has values, else the first bank with values.
   */
  bank: string | null;
  /**
   * Banks that have values, in listing order.
   */
  activeBanks: string[];
  /**
   * Banks printed without values (inactive).
   */
  emptyBanks: string[];
  /**
   * The sha256 bank has values.
   */
  hasSha256: boolean;
  /**
   * sha1 is the only bank with values.
   */
  sha1Only: boolean;
  /**
   * PCR 0–7 of `bank` are all zero: the firmware measured nothing.
   */
  firmwarePcrsZero: boolean;
  /**
   * Indexes of `bank` PCRs classed `separator-only` (only an EV_SEPARATOR extended: nothing else measured), sorted.
   */
  separatorOnly: number[];
  /**
   * Values the firmware/TPM should not produce (see PcrAnomalyFact); all-ones and separator-error only for `bank`.
   */
  anomalies: PcrAnomalyFact[];
  /**
   * Every PCR value read, all banks, in listing order.
   */
  entries: PcrEntryFact[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "PcrAnomalyFact".
 */
export interface PcrAnomalyFact {
  /**
   * `all-ones`: PCR 0-16 or 23 of `bank` is all F (they reset to zero); `separator-error`: the firmware extended an error separator; `digest-length`: a digest of the wrong length for its bank; `parse-error`: a sysfs PCR value that is not hex.
   */
  kind: 'all-ones' | 'separator-error' | 'digest-length' | 'parse-error';
  /**
   * The bank concerned; null for digest-length/parse-error anomalies (the problem's location says where).
   */
  bank: string | null;
  /**
   * The PCR index concerned; null for digest-length/parse-error anomalies.
   */
  index: number | null;
  /**
   * Human-readable explanation.
   */
  message: string;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "PcrEntryFact".
 */
export interface PcrEntryFact {
  /**
   * Hash algorithm bank as printed: sha1, sha256, sha384, sha512, sm3_256.
   */
  bank: string;
  /**
   * PCR index, 0-23.
   */
  index: number;
  /**
   * The index as a string (map keys of golden values).
   */
  id: string;
  /**
   * PCR value as lower-case hex without `0x`.
   */
  digest: string;
  /**
   * `zero` (reset value, nothing measured), `all-ones` (all F), `separator-only` (only an EV_SEPARATOR 00000000 was extended), `separator-error` (only an error separator FFFFFFFF), `measured` (anything else).
   */
  class: 'zero' | 'all-ones' | 'separator-only' | 'separator-error' | 'measured';
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "CpuidleFacts".
 */
export interface CpuidleFacts {
  /**
   * /sys/devices/system/cpu/cpuidle/current_driver (haltpoll, acpi_idle, intel_idle, psci_idle, none); null when empty.
   */
  currentDriver: string | null;
  /**
   * current_governor_ro, else current_governor, of /sys/devices/system/cpu/cpuidle (haltpoll, menu, teo, ladder); null when neither was read or empty.
   */
  currentGovernor: string | null;
  /**
   * At least one /sys/module/haltpoll/parameters file was read: the haltpoll governor module is loaded or built in.
   */
  haltpollLoaded: boolean;
  /**
   * Haltpoll parameters read, by name (guest_halt_poll_ns... as numbers, guest_halt_poll_allow_shrink as boolean); values the kernel would not print are left out (a `cpuidle.invalid-value` problem). Empty when the module is not loaded.
   */
  params: {
    [k: string]: boolean | number;
  };
  /**
   * Parameters whose value differs from the kernel default.
   */
  deviations: HaltpollParamFact[];
  /**
   * guest_halt_poll_ns is 0: the governor never polls; null when the parameter was not read.
   */
  pollingDisabled: boolean | null;
  /**
   * guest_halt_poll_grow_start > guest_halt_poll_ns: polling can never grow; null when either parameter was not read.
   */
  growStartAboveMax: boolean | null;
  /**
   * `cpuidle_haltpoll.force=` / `haltpoll.enable=` from the kernel command line (null: absent).
   */
  cmdlineForce: {
    loc: SourceLocation;
    key: string;
    /**
     * `cpuidle_haltpoll.force=` as a kernel boolean (a bare word is true); null when not a boolean.
     */
    value: boolean | null;
  } | null;
  /**
   * `haltpoll.enable=` on the kernel command line; null when absent.
   */
  cmdlineHaltpollEnable: {
    loc: SourceLocation;
    key: string;
    /**
     * The value as a kernel boolean (a bare word is true); null when not a boolean.
     */
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
  /**
   * The haltpoll module parameter: guest_halt_poll_ns, guest_halt_poll_shrink, guest_halt_poll_grow, guest_halt_poll_grow_start or guest_halt_poll_allow_shrink.
   */
  param: string;
  /**
   * Its value from /sys/module/haltpoll/parameters/<param> (ns for guest_halt_poll_ns/grow_start; a factor for shrink/grow; boolean for allow_shrink).
   */
  value: boolean | number;
  /**
   * The kernel default (drivers/cpuidle/governors/haltpoll.c): 200000 ns, shrink 2, grow 2, grow_start 50000 ns, allow_shrink Y.
   */
  default: boolean | number;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "PvspinFacts".
 */
export interface PvspinFacts {
  /**
   * The guest's `uname -m` (same as `guest.arch`); null when unknown.
   */
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
    /**
     * `y`, `m`, another value as written, or `n` for `# CONFIG_PARAVIRT_SPINLOCKS is not set`.
     */
    value: string;
  } | null;
  /**
   * The last PV spinlock line of the kernel log.
   */
  log: {
    loc: SourceLocation;
    key: string;
    /**
     * What the line says: `enabled` or `disabled` (x86 `kvm: PV spinlocks enabled/disabled…` / `kvm-guest: …`, arm64 `arm-pv: PV qspinlocks enabled/disabled`).
     */
    state: 'disabled' | 'enabled';
    /**
     * x86, disabled: the reason the kernel gives (e.g. `no host support`, `single CPU available`); null otherwise.
     */
    reason: string | null;
    /**
     * The whole log line, trimmed.
     */
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
  /**
   * /sys/devices/system/cpu/online as a sorted list of CPU numbers.
   */
  onlineCpus: number[];
  /**
   * Number of distinct physical_package_id values (sockets).
   */
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
  /**
   * One entry per online CPU, in CPU order.
   */
  cpus: GuestCpuFact[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "GuestCpuFact".
 */
export interface GuestCpuFact {
  /**
   * The online CPU number N (from /sys/devices/system/cpu/online).
   */
  cpu: number;
  /**
   * cpuN/topology/physical_package_id (socket).
   */
  package: number | null;
  /**
   * cpuN/topology/die_id; null when absent (kernel < 5.2) or not an integer.
   */
  die: number | null;
  /**
   * cpuN/topology/cluster_id; null when absent (kernel < 5.16) or not an integer.
   */
  cluster: number | null;
  /**
   * cpuN/topology/core_id.
   */
  core: number | null;
  /**
   * cpuN/topology/thread_siblings_list parsed as a CPU list (the CPUs sharing the core); null when unreadable or not a list.
   */
  threadSiblings: number[] | null;
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "NumaFacts".
 */
export interface NumaFacts {
  /**
   * /sys/devices/system/node/online as a sorted list; empty when the file is missing (kernel without NUMA).
   */
  nodes: number[];
  /**
   * Every PCI device listed in /sys/bus/pci/devices, in listing order.
   */
  devices: PciDeviceFact[];
  loc: SourceLocation;
  key: string;
}
/**
 * This interface was referenced by `GuestFacts`'s JSON-Schema
 * via the `definition` "PciDeviceFact".
 */
export interface PciDeviceFact {
  /**
   * The device's sysfs name `DDDD:BB:SS.F` (an entry of /sys/bus/pci/devices).
   */
  bdf: string;
  /**
   * /sys/bus/pci/devices/<bdf>/numa_node: the guest NUMA node of the device, -1 when none is exposed; null when unreadable.
   */
  numaNode: number | null;
  /**
   * <bdf>/class as read, lower case (e.g. `0x020000` Ethernet); null when unreadable.
   */
  classCode: string | null;
  /**
   * <bdf>/vendor, lower case (e.g. `0x1af4` virtio); null when unreadable.
   */
  vendor: string | null;
  /**
   * <bdf>/device, lower case; null when unreadable.
   */
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
