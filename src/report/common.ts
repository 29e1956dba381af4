import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Rule } from '../engine/generated/rule';
import type { Finding, ScanResult, Severity } from '../engine/findings';
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

export function exitCodeFor(ctx: ReportContext): number {
  if (gateFindings(ctx).length > 0) return EXIT.GATE_FAILED;
  if (ctx.result.errors.length > 0) return EXIT.TARGETS_FAILED;
  return EXIT.OK;
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

/** Markdown help for a rule: used by `rules show`, docs/rules/*.md and SARIF help.markdown. */
export function ruleMarkdown(rule: Rule): string {
  const lines = [`# ${rule.id}: ${rule.title}`, ''];
  lines.push(`**Severity:** ${rule.severity} · **Area:** ${rule.area} · **Scope:** ${rule.scope} · **Guide:** ${rule.guide.join(', ')}`, '');
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
    for (const r of rule.references) lines.push(r.url ? `- [${r.title}](${r.url})` : `- ${r.title}`);
    lines.push('');
  }
  return lines.join('\n');
}
