import type { CommandEvidence, EvidenceBundle, FileEvidence } from '../../../collect/evidence';
import type { SourceLocation } from '../../../util/location';
import type { Problem } from '../../../util/problem';
import { parseKernelBool, type CmdlineParam } from '../../common/cmdline';
import type { CmdlineParamFact, PlatformProblemFact, SysfsValueFact } from '../model-platform';

/** Shared plumbing of the platform fact builders: evidence access, reasons for unknown facts, problems. */
export const at = (file: string, line = 1, column = 1): SourceLocation => ({ file, line, column });

/** Content of a readable file (a truncated one too), else undefined. */
export function okText(f: FileEvidence): string | undefined {
  return f.state === 'ok' || f.state === 'too-large' ? (f.content ?? '') : undefined;
}

/** Why a file item has no content; mentions root when the scan was unprivileged and the file was denied. */
export function fileReason(f: FileEvidence, privileged: boolean): string {
  const why: Record<string, string> = {
    missing: 'does not exist (or was not collected)',
    denied: privileged ? 'permission denied' : 'permission denied (the check needs root: rerun the scan as root)',
    'not-regular': 'is not a regular file',
    'too-large': 'is too large',
    error: f.error ?? 'could not be read',
  };
  return `${f.path}: ${why[f.state] ?? f.state}`;
}

export function dirReason(path: string, d: EvidenceBundle['dirs'][string] | undefined, privileged: boolean): string {
  if (!d) return `${path}: not collected`;
  if (d.state === 'denied') return `${path}: permission denied${privileged ? '' : ' (the check needs root: rerun the scan as root)'}`;
  if (d.state === 'missing') return `${path}: does not exist`;
  return `${path}: ${d.error ?? d.state}`;
}

export function commandReason(c: CommandEvidence, what: string, privileged: boolean): string {
  switch (c.state) {
    case 'not-found':
      return `${what}: program not installed (or not collected)`;
    case 'denied':
      return `${what}: not permitted${privileged ? '' : ' (needs root: rerun the scan as root)'}`;
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

/** stdout of a command that ran and exited 0. */
export function okStdout(c: CommandEvidence): string | undefined {
  return c.state === 'ok' && (c.exitCode ?? 0) === 0 ? (c.stdout ?? '') : undefined;
}

/** Bundle file paths matching a regular expression, sorted. */
export function filesMatching(b: EvidenceBundle, re: RegExp): string[] {
  return Object.keys(b.files)
    .filter((p) => re.test(p))
    .sort();
}

/** The entries of a listed directory, or undefined when it was not listed successfully. */
export function dirEntries(b: EvidenceBundle, path: string): string[] | undefined {
  const d = b.dirs[path];
  return d && d.state === 'ok' ? (d.entries ?? []) : undefined;
}

/** Basename of a symlink target (`../../../bus/pci/drivers/vfio-pci` → `vfio-pci`). */
export function linkBase(target: string | undefined): string | null {
  if (target === undefined) return null;
  const parts = target.replace(/\/+$/, '').split('/');
  const last = parts[parts.length - 1];
  return last === '' ? null : last;
}

export class ProblemSink {
  readonly list: PlatformProblemFact[] = [];
  private readonly seen = new Set<string>();

  add(p: Problem, fallback: SourceLocation): void {
    const loc = p.location ?? fallback;
    const key = `${p.code}@${loc.file}:${loc.line}:${loc.column}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ code: p.code, level: p.level, message: p.message, loc, key });
  }

  addAll(ps: readonly Problem[], fallback: SourceLocation): void {
    for (const p of ps) this.add(p, fallback);
  }
}

/** A value file: its text, integer and bool readings. */
export function valueFact(path: string, text: string, key: string): SysfsValueFact {
  const s = text.replace(/\r?\n$/, '').trim();
  const int = /^[+-]?\d+$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : null;
  const bool = s === 'Y' || s === 'y' || s === '1' ? true : s === 'N' || s === 'n' || s === '0' ? false : null;
  return { text: s, int, bool, loc: at(path), key };
}

export function paramFact(p: CmdlineParam): CmdlineParamFact {
  return {
    name: p.name,
    value: p.value ?? null,
    bool: parseKernelBool(p.value) ?? null,
    options: p.value === undefined || p.value === '' ? [] : p.value.split(','),
    loc: p.location,
    key: `cmdline[${p.key}]`,
  };
}
