import type { EvidenceBundle } from '../../../collect/evidence';
import type { SourceLocation } from '../../../util/location';
import type { Problem } from '../../../util/problem';
import { parseKernelBool, type CmdlineParam } from '../../common/cmdline';
import { at } from '../../common/evidence';
import { problemFact } from '../../common/facts';
import type { CmdlineParamFact, PlatformProblemFact, SysfsValueFact } from '../model-platform';

/** Shared plumbing of the platform fact builders: evidence listings, sysfs values, problems. */

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
    const f = problemFact(p, fallback);
    if (this.seen.has(f.key)) return;
    this.seen.add(f.key);
    this.list.push(f);
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
