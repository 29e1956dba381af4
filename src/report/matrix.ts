import type { Finding, NotEvaluated, ScanResult, TargetRef } from '../engine/findings';
import { cmp } from '../engine/scan';

/** The outcome of one rule on one target. */
export interface RuleTargetCell {
  ruleId: string;
  /** fail: open findings (not waived, not unchanged against the baseline); accepted: only waived/baseline findings. */
  status: 'fail' | 'accepted' | 'pass' | 'not-evaluated';
  findings: Finding[];
  notEvaluated?: NotEvaluated;
}

export interface TargetRow {
  target: TargetRef;
  cells: RuleTargetCell[];
  /** Why the target (or part of it) could not be scanned. */
  errors: string[];
}

export const targetKey = (t: TargetRef): string => `${t.kind}:${t.name}`;
export const isOpen = (f: Finding): boolean => !f.waiver && f.baseline !== 'unchanged';

/** Every rule × target that was evaluated (passed, failed or not evaluated), per target, sorted by rule id. */
export function ruleTargetMatrix(result: ScanResult): TargetRow[] {
  const rows = new Map<string, TargetRow>();
  const row = (t: TargetRef): TargetRow => {
    const k = targetKey(t);
    let r = rows.get(k);
    if (!r) rows.set(k, (r = { target: t, cells: [], errors: [] }));
    return r;
  };
  for (const t of result.targets) row(t);
  const cells = new Map<string, RuleTargetCell>();
  const cell = (t: TargetRef, ruleId: string, status: RuleTargetCell['status']): RuleTargetCell => {
    const k = `${targetKey(t)}\0${ruleId}`;
    let c = cells.get(k);
    if (!c) {
      cells.set(k, (c = { ruleId, status, findings: [] }));
      row(t).cells.push(c);
    }
    return c;
  };
  for (const p of result.passed) cell(p.target, p.ruleId, 'pass');
  for (const n of result.notEvaluated) cell(n.target, n.ruleId, 'not-evaluated').notEvaluated = n;
  for (const f of result.findings) {
    const c = cell(f.target, f.ruleId, 'accepted');
    c.findings.push(f);
    if (isOpen(f)) c.status = 'fail';
    else if (c.status !== 'fail') c.status = 'accepted';
  }
  for (const e of result.errors) row(e.target).errors.push(e.message);
  const out = [...rows.values()].sort((a, b) => cmp(targetKey(a.target), targetKey(b.target)));
  for (const r of out) r.cells.sort((a, b) => cmp(a.ruleId, b.ruleId));
  return out;
}
