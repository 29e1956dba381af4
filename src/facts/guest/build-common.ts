/** Shared helpers of the guest fact builders (build-*.ts): problem facts (keyed code@file:line) and their de-duplication. */
import type { SourceLocation } from '../../util/location';
import type { Problem } from '../../util/problem';
import { problemFact as commonProblemFact } from '../common/facts';
import type { ProblemFact } from './model';

export const locKey = (l: SourceLocation | undefined | null): string => (l ? `${l.file}:${l.line}` : 'unknown');

export const problemFact = (p: Problem, fallback: SourceLocation): ProblemFact => commonProblemFact(p, fallback, { keyColumn: false });

export function dedupeProblems(ps: ProblemFact[]): ProblemFact[] {
  const seen = new Set<string>();
  return ps.filter((p) => {
    const k = `${p.code}\0${p.message}\0${locKey(p.loc)}:${p.loc.column}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
