import { SEVERITIES, type Finding } from '../engine/findings';
import { describeWaiverNote } from '../engine/policy';
import { countBySeverity, gateFindings, ruleMap, toolVersion, unscannedCount, type ReportContext } from './common';
import { mdInline, visibleControls } from './escape';
import { isOpen } from './matrix';
import { fixGroups, ruleSeverityIfOverridden, triageOrder } from './order';

/**
 * Inline Markdown text written as prose (remediation text, waiver justifications): controls from targets shown
 * visibly, HTML escaped (GitHub renders HTML inside Markdown, so `<seclabel>` in a message would vanish), table pipes
 * and the characters that start emphasis, code or links escaped. Newlines become spaces.
 */
export function mdText(s: string): string {
  return mdInline(s, { prose: true });
}

/** Inline Markdown for target data (file names, target names, messages, errors): as mdText, a newline shown as `\n`. */
export function mdData(s: string): string {
  return mdInline(s);
}

/** A fenced code block whose fence is longer than any backtick run inside. */
function fence(raw: string, lang = ''): string {
  const content = visibleControls(raw, '\n\t');
  const longest = Math.max(2, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${content.trimEnd()}\n${f}`;
}

const ICON: Record<string, string> = { critical: '🟣', high: '🔴', medium: '🟠', low: '🔵', info: '⚪' };

function where(f: Finding): string {
  return f.location ? `${f.location.file}:${f.location.line}` : `${f.target.kind} ${f.target.name}`;
}

/** A Markdown summary for CI job pages (GitHub $GITHUB_STEP_SUMMARY, GitLab/Gitea MR notes). */
export function toMarkdown(ctx: ReportContext): string {
  const { result } = ctx;
  const rules = ruleMap(result.rules);
  const gate = gateFindings(ctx);
  const out: string[] = [];
  const gateText = ctx.failOn === 'none' ? 'gate off' : gate.length ? `❌ gate failed: ${gate.length} finding(s) at or above ${ctx.failOn}` : `✅ gate passed (nothing at or above ${ctx.failOn})`;
  out.push(`## vmaudit: ${gateText}`, '');
  out.push(
    `Policy \`${ctx.policyName}\` · ${result.targets.length} target(s) · ${result.rules.length} rules · vmaudit ${toolVersion()}` +
      (unscannedCount(result) ? ` · **${unscannedCount(result)} could not be scanned**` : ''),
    '',
  );
  const counts = countBySeverity(result.findings.filter(isOpen));
  out.push(`| Severity | ${ctx.baseline ? 'New findings' : 'Findings'} |`, '| --- | ---: |');
  for (const s of SEVERITIES) out.push(`| ${ICON[s]} ${s} | ${counts[s]} |`);
  const waived = result.findings.filter((f) => f.waiver).length;
  if (waived) out.push(`| waived | ${waived} |`);
  const unchanged = result.findings.filter((f) => !f.waiver && f.baseline === 'unchanged').length;
  if (unchanged) out.push(`| unchanged since the baseline | ${unchanged} |`);
  out.push('');
  if (ctx.baseline) {
    const b = ctx.baseline;
    out.push(`**Baseline** ${b.file.includes('`') ? mdData(b.file) : `\`${visibleControls(b.file)}\``}: ${b.new} new, ${b.unchanged} unchanged, ${b.fixed.length} fixed.`, '');
  }
  // Triage order: critical first, then file and line.
  const open = triageOrder(result.findings.filter(isOpen));
  const closed = triageOrder(result.findings.filter((f) => !isOpen(f)));
  if (open.length) {
    out.push(`### ${ctx.baseline ? 'New findings' : 'Findings'} (${open.length})`, '');
    out.push('| Severity | Rule | Where | Message |', '| --- | --- | --- | --- |');
    for (const f of open) {
      const orig = ruleSeverityIfOverridden(f, rules.get(f.ruleId));
      out.push(`| ${ICON[f.severity]} ${f.severity}${orig ? ` (rule: ${orig})` : ''}${gate.includes(f) ? ' ⛔' : ''} | ${mdData(f.ruleId)} | ${mdData(where(f))} | ${mdData(f.message)} |`);
    }
    out.push('');
    // One entry per rule, or per distinct rendered remediation (text + snippet), with the findings it applies to.
    out.push('<details><summary>How to fix</summary>', '');
    for (const { rule, fix, findings } of fixGroups(open, rules)) {
      out.push(`#### ${mdText(rule.id)}: ${mdText(rule.title)}`, '', mdText(fix.text.trim()), '');
      if (fix.snippet) out.push(`In ${mdData(fix.snippet.target)}:`, '', fence(fix.snippet.content, fix.snippet.language === 'shell' ? 'sh' : fix.snippet.language === 'xml' ? 'xml' : 'ini'), '');
      out.push(`Applies to ${findings.length} finding(s): ${findings.map((f) => mdData(where(f))).join(', ')}`, '');
    }
    out.push('</details>', '');
  } else out.push(ctx.baseline ? 'No new findings.' : 'No findings.', '');
  if (closed.length) {
    out.push(`<details><summary>Waived or unchanged since the baseline (${closed.length})</summary>`, '');
    out.push('| Severity | Rule | Where | Status |', '| --- | --- | --- | --- |');
    for (const f of closed) out.push(`| ${f.severity}${ruleSeverityIfOverridden(f, rules.get(f.ruleId)) ? ` (rule: ${rules.get(f.ruleId)!.severity})` : ''} | ${mdData(f.ruleId)} | ${mdData(where(f))} | ${f.waiver ? `waived until ${mdText(f.waiver.expires ?? '?')}: ${mdText(f.waiver.justification)}` : 'unchanged'} |`);
    out.push('', '</details>', '');
  }
  if (ctx.baseline?.fixed.length) {
    out.push(`<details><summary>Fixed since the baseline (${ctx.baseline.fixed.length})</summary>`, '');
    for (const e of ctx.baseline.fixed) out.push(`- ${mdData(e.ruleId)} ${mdData(e.target ?? '')} ${mdData(e.subject ?? '')}`.trimEnd());
    out.push('', '</details>', '');
  }
  const notes = (ctx.waivers ?? []).filter((n) => n.status !== 'active');
  if (notes.length) {
    out.push('### Waivers needing attention', '');
    for (const n of notes) out.push(`- **${n.status}**: ${mdText(describeWaiverNote(n))}`);
    out.push('');
  }
  if (result.errors.length) {
    out.push('### Could not scan', '');
    for (const e of result.errors) out.push(`- ${mdData(`${e.target.kind} ${e.target.name}: ${e.message}`)}`);
    out.push('');
  }
  if (result.notEvaluated.length) {
    out.push(`<details><summary>Not evaluated (${result.notEvaluated.length})</summary>`, '');
    for (const n of result.notEvaluated) out.push(`- ${mdData(n.ruleId)} on ${mdData(n.target.name)}: ${mdData(n.reason)}`);
    out.push('', '</details>', '');
  }
  return out.join('\n');
}
