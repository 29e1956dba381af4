/**
 * Evidence: the raw, unparsed material collected from one target (a host or a guest). Collecting is the only I/O
 * in vmaudit; everything after the bundle is pure. A bundle is what `vmaudit collect` saves as a snapshot.
 *
 * Every item records either its content or why there is none, so that a rule whose input is missing is reported
 * as "not evaluated (reason)" instead of silently passing.
 */
export const EVIDENCE_FORMAT = 'vmaudit-evidence';

/**
 * Evidence limit per file and per command output: libvirt's own limit for its config files (virConf reads at most
 * 10 MiB; libvirtd 9.0 refuses a 10485761-byte libvirtd.conf with "Value too large for defined data type").
 * Larger evidence is kept truncated and marked so (state `too-large` / `truncated`); the rules that need it are
 * not evaluated.
 */
export const EVIDENCE_LIMIT = 10 * 1024 * 1024;
export const EVIDENCE_VERSION = 1;

export type FileState =
  | 'ok' // content (possibly truncated) is present
  | 'missing' // ENOENT
  | 'denied' // EACCES / EPERM
  | 'not-regular' // a FIFO, device, directory... where a regular file was expected (never read)
  | 'too-large' // larger than the cap; content holds the first cap bytes, `truncated` is true
  | 'error'; // anything else, see `error`

export interface FileMeta {
  /** Permission bits and type as `stat` reports them, e.g. 0o100640. */
  mode?: number;
  uid?: number;
  gid?: number;
  owner?: string;
  group?: string;
  size?: number;
  /** For symlinks (kind 'link' items, e.g. /sys/bus/pci/devices/X/driver): the link target. */
  linkTarget?: string;
}

export interface FileEvidence extends FileMeta {
  path: string;
  state: FileState;
  /** UTF-8 text; binary files are not read as content (only stat'ed). */
  content?: string;
  truncated?: boolean;
  error?: string;
}

export type CommandState =
  | 'ok' // ran; see exitCode (a non-zero exit is still 'ok' here: the parser decides what it means)
  | 'not-found' // the program is not installed
  | 'denied' // could not be run with the privileges at hand
  | 'not-applicable' // a live-only command while auditing an offline root / snapshot
  | 'timeout'
  | 'error';

export interface CommandEvidence {
  id: string;
  state: CommandState;
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  /** stdout was longer than the evidence limit (FILE_CAP) and holds only its first part: not used for verdicts. */
  truncated?: boolean;
  error?: string;
}

export interface EvidenceTarget {
  kind: 'host' | 'guest';
  /** What the user called it: `localhost`, the --root dir, an ssh alias, a snapshot's recorded name. */
  name: string;
  transport: 'local' | 'root' | 'ssh' | 'snapshot';
}

export interface EvidenceBundle {
  format: typeof EVIDENCE_FORMAT;
  version: typeof EVIDENCE_VERSION;
  target: EvidenceTarget;
  collectedAt: string;
  collector: { name: 'vmaudit'; version: string };
  /** Whether the collection ran with root privileges (many sysfs / /proc items need it). */
  privileged: boolean;
  /** Keyed by absolute path on the target (as seen from its own root, never prefixed by --root). */
  files: Record<string, FileEvidence>;
  /** Directory listings: absolute path → entry names (sorted), for items declared as `dir`. */
  dirs: Record<string, { state: FileState; entries?: string[]; error?: string } & FileMeta>;
  /** Keyed by the manifest's command id (e.g. `getenforce`, `virsh.dumpxml`). */
  commands: Record<string, CommandEvidence>;
}

/** A file item; an item the bundle does not hold counts as missing (collectors record every declared item). */
export function fileOf(b: EvidenceBundle, path: string): FileEvidence {
  return b.files[path] ?? { path, state: 'missing' };
}

/** A command item; one the bundle does not hold counts as not found. */
export function commandOf(b: EvidenceBundle, id: string): CommandEvidence {
  return b.commands[id] ?? { id, state: 'not-found' };
}
