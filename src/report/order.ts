import type { Rule } from '../engine/generated/rule';
import { severityRank, type Finding, type Severity } from '../engine/findings';
import { remediationOf } from './common';
import { isOpen } from './matrix';

/** Where a finding is, for ordering and display: its file (else its target's name), line and column. */
export function findingFile(f: Finding): string {
  return f.location?.file ?? f.target.name;
}

/**
 * Triage order: most severe first; within a severity, open findings before waived or baseline ones, then by file,
 * line, column, rule and subject. Stable and total, so reports are deterministic.
 */
export function triageOrder(findings: readonly Finding[]): Finding[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...findings].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      Number(isOpen(b)) - Number(isOpen(a)) ||
      cmp(findingFile(a), findingFile(b)) ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
      (a.location?.column ?? 0) - (b.location?.column ?? 0) ||
      cmp(a.ruleId, b.ruleId) ||
      cmp(a.subject, b.subject),
  );
}

/** The rule's own severity when a policy changed it for this finding (shown as `high (rule: medium)`); else undefined. */
export function ruleSeverityIfOverridden(f: Finding, rule: Rule | undefined): Severity | undefined {
  return rule && rule.severity !== f.severity ? rule.severity : undefined;
}

export interface FixGroup {
  rule: Rule;
  fix: Rule['remediation'];
  /** The findings this rendered fix applies to, in the order given. */
  findings: Finding[];
}

/**
 * The distinct fixes of each rule: findings whose rendered remediation (text and snippet) is the same share one
 * entry. Groups follow the first finding of each rule in `findings` (pass them in triage order).
 */
export function fixGroups(findings: readonly Finding[], rules: ReadonlyMap<string, Rule>): FixGroup[] {
  const groups = new Map<string, FixGroup>();
  for (const f of findings) {
    const rule = rules.get(f.ruleId);
    if (!rule) continue;
    const fix = remediationOf(rule, f);
    const key = `${f.ruleId}\0${fix.text.trim()}\0${fix.snippet?.target ?? ''}\0${fix.snippet?.content.trimEnd() ?? ''}`;
    const g = groups.get(key);
    if (g) g.findings.push(f);
    else groups.set(key, { rule, fix, findings: [f] });
  }
  // Keep a rule's fixes together, rules in the order of their first finding.
  const ruleOrder = new Map<string, number>();
  for (const g of groups.values()) if (!ruleOrder.has(g.rule.id)) ruleOrder.set(g.rule.id, ruleOrder.size);
  return [...groups.values()].map((g, i) => ({ g, i })).sort((a, b) => ruleOrder.get(a.g.rule.id)! - ruleOrder.get(b.g.rule.id)! || a.i - b.i).map((x) => x.g);
}
