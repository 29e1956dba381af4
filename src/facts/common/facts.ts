/**
 * The fact shapes every scope shares (domain, host, guest): where a fact is and its identity (`Located`), and a
 * parse problem as rules see it (`ProblemFact`), with the one function that turns a parser's `Problem` into one.
 *
 * The scope schemas (schemas/facts/*.schema.json) still declare these shapes once each, so src/facts/generated/
 * holds structural copies (`Located` in all three, host `PLocated`, host `PlatformProblemFact`, guest `ProblemFact`;
 * host access `ProblemFact` adds `file`). test/facts/common/facts.test.ts holds every copy equal to these types
 * until the schemas share one definition.
 */
import type { SourceLocation } from '../../util/location';
import type { Problem } from '../../util/problem';

/** Where a fact is (`loc`: file, line, column, path) and its stable identity (`key`, used in fingerprints). */
export interface Located {
  loc: SourceLocation;
  key: string;
}

/** A problem a parser found, as a fact (rules read `problems` lists of these). */
export interface ProblemFact extends Located {
  code: string;
  level: 'error' | 'warning';
  message: string;
}

/**
 * `Problem` → `ProblemFact`, located at `fallback` when the parser gave no location. The key is
 * `code@file:line:column`, or `code@file:line` with `keyColumn: false` (guest facts: their fingerprints predate the
 * column, and changing a key changes every fingerprint a baseline holds).
 */
export function problemFact(p: Problem, fallback: SourceLocation, options: { keyColumn?: boolean } = {}): ProblemFact {
  const loc = p.location ?? fallback;
  const where = options.keyColumn === false ? `${loc.file}:${loc.line}` : `${loc.file}:${loc.line}:${loc.column}`;
  return { code: p.code, level: p.level, message: p.message, loc, key: `${p.code}@${where}` };
}
