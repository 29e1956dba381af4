/**
 * Fleet target selection: reads the sources (inventory.ts parses them), merges them (first occurrence of a name
 * wins), then narrows by `--limit PATTERN` (Ansible host patterns: `a:b` / `a,b` union, `&a` intersection, `!a`
 * exclusion, `*`/`?`/`[...]` globs as Python's fnmatch (src/util/patterns.ts), `~regex`, `all`) and `--shard i/n`.
 */
import { createHash } from 'node:crypto';
import { ScanError } from '../collect/runner';
import { fnmatchPattern } from '../util/patterns';
import type { Problem } from '../util/problem';
import { readInputText } from '../util/read-input';
import { inventoryTargets, parseInventory, parseTargetsFile, targetFromArg, type FleetTarget } from './inventory';

export type { FleetTarget } from './inventory';

/**
 * Applies an Ansible host pattern (`--limit`). Unions first, then intersections (`&`), then exclusions (`!`).
 * A term is a group name, a host name, a glob over both, or `~regex`. Terms that match nothing are warnings.
 */
export function applyLimit(targets: FleetTarget[], pattern: string): { targets: FleetTarget[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const terms = pattern.split(/[:,]/).map((t) => t.trim()).filter(Boolean);
  const matchTerm = (term: string): Set<string> => {
    const out = new Set<string>();
    if (term === 'all' || term === '*') {
      for (const t of targets) out.add(t.name);
      return out;
    }
    let test: (s: string) => boolean;
    if (term.startsWith('~')) {
      let re: RegExp;
      try {
        re = new RegExp(term.slice(1));
      } catch {
        problems.push({ code: 'limit.bad-regex', level: 'error', message: `--limit: invalid regular expression ${term}` });
        return out;
      }
      test = (s) => re.test(s);
    } else if (/[*?[]/.test(term)) {
      const re = fnmatchPattern(term);
      test = (s) => re.test(s);
    } else {
      test = (s) => s === term;
    }
    for (const t of targets) if (test(t.name) || t.groups.some(test)) out.add(t.name);
    if (out.size === 0) problems.push({ code: 'limit.no-match', level: 'warning', message: `--limit: "${term}" matches no host or group` });
    return out;
  };
  let selected = new Set<string>();
  const unions = terms.filter((t) => !t.startsWith('&') && !t.startsWith('!'));
  for (const t of unions) for (const n of matchTerm(t)) selected.add(n);
  if (unions.length === 0) selected = new Set(targets.map((t) => t.name));
  for (const t of terms.filter((x) => x.startsWith('&'))) {
    const m = matchTerm(t.slice(1));
    selected = new Set([...selected].filter((n) => m.has(n)));
  }
  for (const t of terms.filter((x) => x.startsWith('!'))) for (const n of matchTerm(t.slice(1))) selected.delete(n);
  return { targets: targets.filter((t) => selected.has(t.name)), problems };
}

export interface Shard {
  /** 1-based. */
  index: number;
  total: number;
}

/** Parses `--shard i/n` (1 ≤ i ≤ n, like jest --shard). Throws ScanError('input'). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || total < 1 || index < 1 || index > total) throw new ScanError('input', `--shard must be i/n with 1 <= i <= n, got "${text}"`);
  return { index, total };
}

/** Stable shard of a target name: SHA-256 of the name, not its position, so adding hosts moves no others. */
export function shardOf(name: string, total: number): number {
  const h = createHash('sha256').update(name).digest();
  return (h.readUIntBE(0, 6) % total) + 1;
}

export function applyShard(targets: FleetTarget[], shard: Shard): FleetTarget[] {
  return targets.filter((t) => shardOf(t.name, shard.total) === shard.index);
}

export interface TargetSources {
  targets?: string[];
  targetsFiles?: string[];
  inventories?: string[];
  limit?: string;
  shard?: string | Shard;
}

/**
 * Reads every source, merges (first occurrence of a name wins, later duplicates are warnings), then applies
 * --limit and --shard. Errors in files are problems (level error); the caller decides whether to stop (exit 2).
 */
export function loadTargets(sources: TargetSources): { targets: FleetTarget[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const all: FleetTarget[] = [];
  for (const arg of sources.targets ?? []) {
    const t = targetFromArg(arg);
    if ('problem' in t) problems.push(t.problem);
    else all.push(t);
  }
  const read = (file: string, kind: 'targets' | 'inventory'): string | undefined => {
    const r = readInputText(file, kind);
    if (r.ok) return r.data;
    problems.push({ code: 'targets.unreadable', level: 'error', message: `cannot read ${file}: ${r.reason}`, location: { file, line: 1, column: 1 } });
    return undefined;
  };
  for (const file of sources.targetsFiles ?? []) {
    const text = read(file, 'targets');
    if (text === undefined) continue;
    const r = parseTargetsFile(text, file);
    for (const t of r.targets) all.push(t);
    for (const p of r.problems) problems.push(p);
  }
  for (const file of sources.inventories ?? []) {
    const text = read(file, 'inventory');
    if (text === undefined) continue;
    const inv = parseInventory(text, file);
    for (const p of inv.problems) problems.push(p);
    const r = inventoryTargets(inv.value);
    for (const t of r.targets) all.push(t);
    for (const p of r.problems) problems.push(p);
  }
  const seen = new Set<string>();
  let targets: FleetTarget[] = [];
  for (const t of all) {
    if (seen.has(t.name)) {
      problems.push({ code: 'targets.duplicate', level: 'warning', message: `target ${t.name} is listed more than once; the first is used`, location: t.location });
      continue;
    }
    seen.add(t.name);
    targets.push(t);
  }
  if (sources.limit !== undefined) {
    const r = applyLimit(targets, sources.limit);
    targets = r.targets;
    problems.push(...r.problems);
  }
  if (sources.shard !== undefined) targets = applyShard(targets, typeof sources.shard === 'string' ? parseShard(sources.shard) : sources.shard);
  return { targets, problems };
}
