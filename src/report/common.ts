import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Rule } from '../engine/generated/rule';
import type { Finding, ScanResult, Severity, TargetRef } from '../engine/findings';
import { severityRank } from '../engine/findings';
import type { BaselineComparison } from '../engine/baseline';
import type { WaiverNote } from '../engine/policy';

export const TOOL_NAME = 'vmaudit';
export const TOOL_URI = 'https://github.com/vmaudit/vmaudit';

let version: string | undefined;
export function toolVersion(): string {
  if (!version) version = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}

export type FailOn = Severity | 'none';

export interface ReportContext {
  result: ScanResult;
  /** Severity at or above which the gate fails. */
  failOn: FailOn;
  policyName: string;
  /** How each policy waiver fared (expired and unused ones are reported). */
  waivers?: WaiverNote[];
  /** Set with --baseline: counts of new/unchanged findings and the baseline findings that are gone. */
  baseline?: BaselineComparison;
  /** Reads a scanned input file (domain XML) for reporters that quote or patch it (SARIF fixes); undefined when unreadable. */
  source?: (file: string) => string | undefined;
}

/** Findings that count for the gate: at or above fail-on, not waived, and (with a baseline) new. */
export function gateFindings(ctx: ReportContext): Finding[] {
  if (ctx.failOn === 'none') return [];
  const min = severityRank(ctx.failOn);
  return ctx.result.findings.filter((f) => !f.waiver && f.baseline !== 'unchanged' && severityRank(f.severity) >= min);
}

/** Process exit codes (DESIGN.md): a failed gate (1) wins over targets that could not be scanned (3). */
export const EXIT = { OK: 0, GATE_FAILED: 1, USAGE: 2, TARGETS_FAILED: 3 } as const;

/**
 * Targets that could not be audited: scan errors, and targets with a `fatal` finding (a domain file that is not
 * well-formed: reported once, by DOM-XML-001, yet not audited). Keys are `kind\0name`.
 */
export function unscannedTargets(result: ScanResult): Set<string> {
  const key = (t: TargetRef) => `${t.kind}\0${t.name}`;
  return new Set([...result.errors.map((e) => key(e.target)), ...result.findings.filter((f) => f.fatal).map((f) => key(f.target))]);
}

/** The "N could not be scanned" of summaries: scan errors, plus targets not audited because of a `fatal` finding. */
export function unscannedCount(result: ScanResult): number {
  const withError = new Set(result.errors.map((e) => `${e.target.kind}\0${e.target.name}`));
  return result.errors.length + new Set(result.findings.filter((f) => f.fatal && !withError.has(`${f.target.kind}\0${f.target.name}`)).map((f) => `${f.target.kind}\0${f.target.name}`)).size;
}

export function exitCodeFor(ctx: ReportContext): number {
  if (gateFindings(ctx).length > 0) return EXIT.GATE_FAILED;
  if (unscannedTargets(ctx.result).size > 0) return EXIT.TARGETS_FAILED;
  return EXIT.OK;
}

/**
 * The summary line (`N target(s), M rules: 1 critical, 2 high, 1 waived, 1 could not be scanned`), shared by the
 * text report and the summary printed on stderr. `paint` colours the parts (the text report on a terminal).
 */
export function summaryLine(ctx: ReportContext, paint: { severity?: (s: Severity, t: string) => string; good?: (t: string) => string; dim?: (t: string) => string; bad?: (t: string) => string } = {}): string {
  const id = (t: string) => t;
  const { result } = ctx;
  const counts = countBySeverity(result.findings);
  const parts = (Object.keys(counts) as Severity[]).filter((s) => counts[s] > 0).map((s) => (paint.severity ?? ((_: Severity, t: string) => t))(s, `${counts[s]} ${s}`));
  const waived = result.findings.filter((f) => f.waiver).length;
  const unscanned = unscannedCount(result);
  return (
    `${result.targets.length} target(s), ${result.rules.length} rules: ` +
    (parts.length ? parts.join(', ') : (paint.good ?? id)('no findings')) +
    (waived ? (paint.dim ?? id)(`, ${waived} waived`) : '') +
    (unscanned ? (paint.bad ?? id)(`, ${unscanned} could not be scanned`) : '')
  );
}

/**
 * The gate's verdict as one line, with the exit code it leads to: `failed` (exit 1), `incomplete` (no finding at or
 * above fail-on, but targets that could not be scanned: exit 3, never "passed"), `off` (--fail-on none), `passed`.
 */
export function gateVerdict(ctx: ReportContext): { kind: 'failed' | 'incomplete' | 'off' | 'passed'; line: string } {
  const gate = gateFindings(ctx);
  const failedTargets = unscannedTargets(ctx.result).size;
  const total = ctx.result.targets.length;
  const unscanned = failedTargets === 0 ? '' : failedTargets >= total ? `no target could be scanned` : `${failedTargets} of ${total} targets could not be scanned`;
  if (gate.length) return { kind: 'failed', line: `gate: FAILED — ${gate.length} finding(s) at or above ${ctx.failOn} (exit 1)` };
  if (ctx.failOn === 'none') return { kind: 'off', line: `gate: off (--fail-on none)${unscanned ? `; ${unscanned} (exit 3)` : ''}` };
  if (unscanned) return { kind: 'incomplete', line: `gate: not passed — ${unscanned}${failedTargets < total ? `; nothing at or above ${ctx.failOn} in the others` : ''} (exit 3)` };
  return { kind: 'passed', line: `gate: passed (nothing at or above ${ctx.failOn})` };
}

export function ruleMap(rules: readonly Rule[]): Map<string, Rule> {
  return new Map(rules.map((r) => [r.id, r]));
}

/** Severity counts, highest first, for summaries. */
export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const c: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) if (!f.waiver) c[f.severity]++;
  return c;
}

/**
 * The remediation shown for a finding: the rule's, with its text and snippet content rendered for this finding when
 * the rule writes them with `{{ }}` placeholders (the flagged file's path...). Without a finding, the rule's as written.
 */
export function remediationOf(rule: Rule, f?: Finding): Rule['remediation'] {
  const r = f?.remediation;
  if (!r) return rule.remediation;
  const s = rule.remediation.snippet;
  return { text: r.text, ...(s ? { snippet: { ...s, content: r.snippet ?? s.content } } : {}) };
}

/** One reference as text: `ACME-SEC 4.2: title` for a standard's requirement, else its title. */
export function referenceText(r: NonNullable<Rule['references']>[number]): string {
  const std = r.standard ? `${r.standard}${r.id ? ` ${r.id}` : ''}` : '';
  return std && r.title ? `${std}: ${r.title}` : std || r.title || r.url || '';
}

/** Markdown help for a rule: used by `rules show`, docs/rules/*.md and SARIF help.markdown. */
export function ruleMarkdown(rule: Rule): string {
  const lines = [`# ${rule.id}: ${rule.title}`, ''];
  lines.push(`**Severity:** ${rule.severity} · **Area:** ${rule.area} · **Scope:** ${rule.scope} · **Guide:** ${rule.guide?.join(', ') ?? 'none (see References)'}`, '');
  lines.push('## Why', '', rule.rationale.trim(), '');
  if (rule['guide-erratum']) lines.push('## Where the guide is wrong', '', rule['guide-erratum'].trim(), '');
  if (rule.platform) {
    const ranges = Object.entries(rule.platform).map(([c, r]) => `${c} ${r}`).join(', ');
    lines.push('## Versions', '', `The verdict holds for ${ranges}. Where the target's version is known and outside this, the rule does not apply; where it is unknown (domain files without \`--platform\` or a policy \`platform:\`, offline roots), findings say so.`, '');
  }
  lines.push('## What is checked', '', '```cel', ...(rule['for-each'] ? [`for-each: ${rule['for-each']}`] : []), ...(rule.where ? [`where:    ${rule.where}`] : []), `assert:   ${rule.assert}`, '```', '');
  if (rule.params && Object.keys(rule.params).length) {
    lines.push('## Parameters', '', '| name | default | description |', '| --- | --- | --- |');
    for (const [k, p] of Object.entries(rule.params)) lines.push(`| \`${k}\` | \`${JSON.stringify(p.default)}\` | ${p.description} |`);
    lines.push('');
  }
  lines.push('## Remediation', '', rule.remediation.text.trim(), '');
  const s = rule.remediation.snippet;
  if (s) lines.push(`In \`${s.target}\`:`, '', '```' + (s.language === 'conf' || s.language === 'systemd' ? 'ini' : s.language), s.content.trimEnd(), '```', '');
  if (/\{\{[\s\S]+?\}\}/.test(`${rule.remediation.text}${s?.content ?? ''}`)) lines.push('Each finding fills in the `{{ … }}` parts (CEL, as in the message) with its own values.', '');
  if (rule.references?.length) {
    lines.push('## References', '');
    for (const r of rule.references) lines.push(r.url ? `- [${referenceText(r)}](${r.url})` : `- ${referenceText(r)}`);
    lines.push('');
  }
  return lines.join('\n');
}
