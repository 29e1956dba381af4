import type { CommandEvidence, EvidenceBundle, FileEvidence } from '../../../collect/evidence';
import type { UnitSources } from '../../common/systemd';
import type { SourceLocation } from '../../../util/location';
import type { Problem } from '../../../util/problem';
import type { ProblemFact, StatFacts } from '../model-access';

/** Shared helpers of the access-fact builders. */

export const at = (file: string, line = 1, column = 1): SourceLocation => ({ file, line, column });

export const cmdFile = (id: string): string => `command:${id}`;

export function okText(f: FileEvidence): string | undefined {
  return (f.state === 'ok' || f.state === 'too-large') && f.content !== undefined ? f.content : undefined;
}

/** Why a file gives no facts; mentions root when an unprivileged scan was refused. */
export function fileReason(b: EvidenceBundle, f: FileEvidence): string {
  const why: Record<string, string> = {
    missing: 'does not exist',
    denied: b.privileged ? 'permission denied' : 'permission denied (the check needs root; the scan ran unprivileged)',
    'not-regular': 'is not a regular file',
    'too-large': 'is too large',
    error: f.error ?? 'could not be read',
  };
  return `${f.path}: ${why[f.state] ?? f.state}`;
}

export function commandReason(b: EvidenceBundle, c: CommandEvidence, what: string): string {
  switch (c.state) {
    case 'not-found':
      return `${what}: program not installed (or not collected)`;
    case 'denied':
      return `${what}: not permitted${b.privileged ? '' : ' (the check needs root; the scan ran unprivileged)'}`;
    case 'not-applicable':
      return `${what}: not available for an offline root or snapshot`;
    case 'timeout':
      return `${what}: timed out`;
    case 'error':
      return `${what}: ${c.error ?? 'failed'}`;
    default: {
      const first = (c.stderr ?? '').split('\n').find((l) => l.trim() !== '');
      return `${what}: exited with status ${c.exitCode ?? '?'}${first ? ` (${first.trim().slice(0, 120)})` : ''}`;
    }
  }
}

/** A file or directory is unreadable for a reason other than not existing. */
export const unreadable = (f: { state: string }): boolean => f.state === 'denied' || f.state === 'error';

export function problemFact(p: Problem, fallbackFile: string): ProblemFact {
  const loc = p.location ?? at(fallbackFile);
  return { code: p.code, level: p.level, message: p.message, file: loc.file, loc, key: `${p.code}@${loc.file}:${loc.line}:${loc.column}` };
}

const oct = (m: number): string => '0' + m.toString(8).padStart(3, '0');

/** Stat facts of a path from the file items or, for directories, the dir listings. */
export function statOf(b: EvidenceBundle, path: string, key = path): StatFacts {
  const f = b.files[path];
  const d = b.dirs[path];
  const src: (FileEvidence | (typeof b.dirs)[string]) | undefined = f && f.state !== 'missing' ? f : d && d.state !== 'missing' ? d : (f ?? d);
  const exists = src !== undefined && src.state !== 'missing';
  const raw = exists ? src.mode : undefined;
  const mode = raw === undefined ? null : raw & 0o7777;
  const isDir = (raw !== undefined && (raw & 0o170000) === 0o040000) || (src === d && d !== undefined && exists);
  return {
    path,
    exists,
    mode,
    modeText: mode === null ? null : oct(mode),
    owner: exists ? (src.owner ?? null) : null,
    group: exists ? (src.group ?? null) : null,
    uid: exists ? (src.uid ?? null) : null,
    gid: exists ? (src.gid ?? null) : null,
    groupReadable: mode !== null && (mode & 0o040) !== 0,
    otherReadable: mode !== null && (mode & 0o004) !== 0,
    worldWritable: mode !== null && (mode & 0o002) !== 0,
    groupWritable: mode !== null && (mode & 0o020) !== 0,
    isDir,
    loc: at(path),
    key,
  };
}

/** Unit files, drop-ins and environment files of the bundle, as the systemd loader wants them. */
export function unitSources(b: EvidenceBundle): UnitSources {
  const files: Record<string, string> = {};
  const links: Record<string, string> = {};
  for (const [p, f] of Object.entries(b.files)) {
    if (f.linkTarget !== undefined) links[p] = f.linkTarget;
    const t = okText(f);
    if (t !== undefined) files[p] = t;
  }
  return { files, links };
}

export const isLoopback = (addr: string): boolean => {
  const a = addr.trim().replace(/^\[|\]$/g, '').toLowerCase();
  return a === 'localhost' || a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a) || /^::ffff:127\.\d+\.\d+\.\d+$/.test(a);
};

export const isWildcard = (addr: string | null): boolean => {
  if (addr === null) return true;
  const a = addr.trim().replace(/^\[|\]$/g, '');
  return a === '' || a === '0.0.0.0' || a === '::' || a === '*';
};
