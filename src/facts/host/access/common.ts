import type { EvidenceBundle, FileEvidence } from '../../../collect/evidence';
import { at, okText } from '../../common/evidence';
import { problemFact as commonProblemFact } from '../../common/facts';
import type { UnitSources } from '../../common/systemd';
import type { Problem } from '../../../util/problem';
import type { ProblemFact, StatFacts } from '../model-access';

/** Shared helpers of the access-fact builders. */

/** Present but not usable as a whole: refused, failed, or larger than the evidence limit (only a truncated copy). */
export const unreadable = (f: { state: string }): boolean => f.state === 'denied' || f.state === 'error' || f.state === 'too-large';

/** common/facts.ts problemFact plus the file it is in (host access problems carry `file`). */
export function problemFact(p: Problem, fallbackFile: string): ProblemFact {
  const f = commonProblemFact(p, at(fallbackFile));
  return { code: f.code, level: f.level, message: f.message, file: f.loc.file, loc: f.loc, key: f.key };
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
