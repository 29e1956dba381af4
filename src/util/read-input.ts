import * as fs from 'node:fs';

/**
 * The one reader for every file the CLI takes as input (policies, rules, baselines, snapshots, known_hosts,
 * ssh_config, target lists, inventories, SARIF to merge, fixture meta, domain XML). It never blocks and never
 * reads without bound:
 *
 * - the file is opened with O_NONBLOCK (opening a FIFO with no writer does not wait) and checked with fstat on the
 *   open descriptor (no stat/open race): only regular files are read; a FIFO, socket or device (/dev/zero) is refused;
 * - at most the kind's limit + 1 bytes are read (a file that grows after fstat, or a size-less special file, is
 *   refused when it passes the limit); the limits are listed in docs/limits.md;
 * - failures are one short reason (`no such file`, `permission denied`, ...) that callers print as `FILE: reason`.
 */

const MiB = 1024 * 1024;

/** Per-kind size limits, in bytes (docs/limits.md lists them; a test checks the table against this object). */
export const INPUT_LIMITS = {
  /** A policy file (`--policy`, `extends:`, `policy validate`): YAML, parsed at ~70 bytes of heap per byte (docs/limits.md). */
  policy: 4 * MiB,
  /** One rule file of a `--rules` directory. */
  rule: 1 * MiB,
  /** `--baseline`: a SARIF log or JSON report of an earlier scan (a 10,000-domain scan's reports are ~70 MB). */
  baseline: 256 * MiB,
  /** One SARIF input of `report merge`. */
  sarif: 256 * MiB,
  /** `--snapshot`: evidence collected by `vmaudit collect`. */
  snapshot: 256 * MiB,
  /** known_hosts files (user, global and UserKnownHostsFile/GlobalKnownHostsFile). */
  'known-hosts': 64 * MiB,
  /** ssh_config files (and their Include files). */
  'ssh-config': 4 * MiB,
  /** `--targets-file`. */
  targets: 16 * MiB,
  /** `--inventory` (Ansible INI or YAML). */
  inventory: 16 * MiB,
  /** VMAUDIT_FIXTURE_META (owners/modes overlay of a fixture root). */
  'fixture-meta': 16 * MiB,
} as const;

export type InputKind = keyof typeof INPUT_LIMITS;

export type ReadResult<T> = { ok: true; data: T } | { ok: false; reason: string; /** errno code of open/read, when that was the failure */ code?: string };

/** `N MiB` (or bytes) for messages. */
export function formatLimit(bytes: number): string {
  return bytes % MiB === 0 ? `${bytes / MiB} MiB` : bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}

/** The short reason for an errno from open/read, as printed after `FILE: `. */
export function describeReadError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'ENOTDIR':
      return 'no such file (a path component is not a directory)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENXIO':
      return 'not a regular file (socket or device); not read';
    case 'EAGAIN':
      return 'not a regular file; not read';
    default:
      return e?.code ? `cannot read (${e.code})` : `cannot read (${e?.message ?? String(err)})`;
  }
}

/**
 * Reads a regular file of at most `limit` bytes. Never throws, never blocks on a FIFO or device, never reads more
 * than `limit + 1` bytes. `what` names the kind in the too-large reason (e.g. "policy").
 */
export function readRegularFile(file: string, limit: number, what = 'this input'): ReadResult<Buffer> {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | (fs.constants.O_NOCTTY ?? 0));
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) return { ok: false, reason: 'is a directory' };
    if (!st.isFile()) return { ok: false, reason: `not a regular file (${st.isFIFO() ? 'FIFO' : st.isSocket() ? 'socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'device' : 'special file'}); not read` };
    const tooLarge: ReadResult<Buffer> = { ok: false, reason: `larger than the ${formatLimit(limit)} limit for ${what}; not read` };
    if (st.size > limit) return tooLarge;
    const chunks: Buffer[] = [];
    let len = 0;
    const chunk = Buffer.allocUnsafe(Math.min(limit + 1, Math.max(st.size + 1, 65536)));
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, Math.min(chunk.length, limit + 1 - len), null);
      if (n <= 0) break;
      chunks.push(Buffer.from(chunk.subarray(0, n)));
      len += n;
      if (len > limit) return tooLarge; // grew after fstat
    }
    return { ok: true, data: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, len) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    return { ok: false, reason: describeReadError(err), ...(code ? { code } : {}) };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

const KIND_NAMES: Record<InputKind, string> = {
  policy: 'a policy',
  rule: 'a rule file',
  baseline: 'a baseline',
  sarif: 'a SARIF input',
  snapshot: 'a snapshot',
  'known-hosts': 'a known_hosts file',
  'ssh-config': 'an ssh_config file',
  targets: 'a targets file',
  inventory: 'an inventory',
  'fixture-meta': 'a fixture meta file',
};

/** Reads an input file of a kind as UTF-8 text, within that kind's limit (INPUT_LIMITS). */
export function readInputText(file: string, kind: InputKind): ReadResult<string> {
  const r = readRegularFile(file, INPUT_LIMITS[kind], KIND_NAMES[kind]);
  return r.ok ? { ok: true, data: r.data.toString('utf8') } : r;
}

/** Like readInputText, but throws an Error whose message is `FILE: reason` (for callers that report via throw). */
export function readInputTextOrThrow(file: string, kind: InputKind, wrap: (message: string) => Error = (m) => new Error(m)): string {
  const r = readInputText(file, kind);
  if (!r.ok) throw wrap(`${file}: ${r.reason}`);
  return r.data;
}
