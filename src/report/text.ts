import { describePlatform, PLATFORM_COMPONENTS } from '../facts/common/platform';
import { createColors } from 'picocolors';
import type { Finding, Severity } from '../engine/findings';
import { SEVERITIES } from '../engine/findings';
import { describeWaiverNote } from '../engine/policy';
import { countBySeverity, gateVerdict, remediationOf, ruleMap, unscannedCount, type ReportContext } from './common';
import { termLines, termText } from './escape';
import { ruleSeverityIfOverridden } from './order';

/**
 * Whether the text report is coloured: `--color`/`--no-color` decide when given; otherwise only when it goes to a
 * terminal (not --output) and NO_COLOR is unset or empty (https://no-color.org).
 */
export function colorEnabled(opts: { flag?: boolean; toFile: boolean; isTTY: boolean; env: NodeJS.ProcessEnv }): boolean {
  if (opts.flag !== undefined) return opts.flag;
  return !opts.toFile && opts.isTTY && !opts.env.NO_COLOR;
}

/**
 * The terminal report: findings grouped by file, then severity; colour only when asked (a TTY, no NO_COLOR). Every
 * string from a target is escaped (`termText`) before it is coloured: no raw control character from a file name,
 * domain name or message reaches the terminal, and none splits a line.
 */
export function toText(ctx: ReportContext, opts: { color: boolean; verbose?: boolean }): string {
  const c = createColors(opts.color);
  const paint: Record<Severity, (s: string) => string> = {
    critical: (s) => c.bold(c.magenta(s)),
    high: c.red,
    medium: c.yellow,
    low: c.cyan,
    info: c.dim,
  };
  const { result } = ctx;
  const rules = ruleMap(result.rules);
  const out: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const f of result.findings) {
    const key = f.location ? f.location.file : `${f.target.kind} ${f.target.name}`;
    if (!byFile.has(key)) byFile.set(key, []);
    byFile.get(key)!.push(f);
  }
  for (const [file, findings] of byFile) {
    const targets = [...new Set(findings.map((f) => f.target.name))].filter((n) => n !== file);
    out.push(c.bold(c.underline(termText(file))) + (targets.length ? c.dim(`  (${targets.map(termText).join(', ')})`) : ''));
    for (const sev of SEVERITIES) {
      for (const f of findings.filter((x) => x.severity === sev)) {
        const where = f.location ? `${f.location.line}:${f.location.column}` : '-';
        const tag = f.waiver ? c.dim(' [waived]') : f.baseline === 'unchanged' ? c.dim(' [baseline]') : '';
        const rule = rules.get(f.ruleId);
        // A policy-changed severity names the rule's own: `high (rule: info)`.
        const orig = ruleSeverityIfOverridden(f, rule);
        out.push(`  ${c.dim(where.padEnd(8))} ${paint[sev](sev.padEnd(8))} ${orig ? c.dim(`(rule: ${orig}) `) : ''}${c.bold(termText(f.ruleId))}  ${termText(f.message)}${tag}`);
        if (opts.verbose && rule) {
          const fix = remediationOf(rule, f);
          out.push(c.dim(`           fix: ${termLines(fix.text.trim())[0]}`));
          const s = fix.snippet;
          if (s) for (const l of termLines(s.content.trimEnd())) out.push(c.dim(`             ${l}`));
        }
      }
    }
    out.push('');
  }
  if (result.errors.length) {
    out.push(c.bold(c.red('Could not scan:')));
    for (const e of result.errors) {
      // Messages name their target (they are also printed alone on stderr); the heading here already does.
      const msg = e.message.startsWith(`${e.target.name}: `) ? e.message.slice(e.target.name.length + 2) : e.message;
      out.push(`  ${e.target.kind} ${termText(e.target.name)}: ${termText(msg)}`);
    }
    out.push('');
  }
  if (result.notEvaluated.length) {
    const groups = new Map<string, Set<string>>();
    for (const n of result.notEvaluated) {
      const k = termText(`${n.target.name}: ${n.reason}`);
      if (!groups.has(k)) groups.set(k, new Set());
      groups.get(k)!.add(n.ruleId);
    }
    out.push(c.bold(c.yellow(`Not evaluated (${result.notEvaluated.length}):`)));
    for (const [k, ids] of groups) out.push(`  ${k}\n    ${c.dim([...ids].join(', '))}`);
    out.push('');
  }
  const notes = (ctx.waivers ?? []).filter((n) => n.status !== 'active');
  if (notes.length) {
    out.push(c.bold(c.yellow('Waivers:')));
    for (const n of notes) out.push(`  ${n.status === 'expired' ? c.yellow('expired') : c.dim('unused ')} ${termText(describeWaiverNote(n))}`);
    out.push('');
  }
  if (ctx.baseline) {
    const b = ctx.baseline;
    out.push(`baseline ${termText(b.file)}: ${b.new} new, ${b.unchanged} unchanged, ${b.fixed.length} fixed`);
    for (const e of b.fixed) out.push(c.green(termText(`  fixed  ${e.ruleId}  ${e.target ?? ''} ${e.subject ?? ''}`.trimEnd())));
  }
  // The versions verdicts were judged for: each host's own; for domain files only when given (--platform, policy).
  for (const p of result.platforms ?? []) out.push(c.dim(termText(`platform of ${p.target.name}: ${describePlatform(p.platform)}`)));
  if (result.platform && PLATFORM_COMPONENTS.some((k) => result.platform![k] !== null)) out.push(c.dim(termText(`platform of the domain files: ${describePlatform(result.platform)}`)));
  const counts = countBySeverity(result.findings);
  const summary = SEVERITIES.filter((s) => counts[s] > 0).map((s) => paint[s](`${counts[s]} ${s}`));
  const waived = result.findings.filter((f) => f.waiver).length;
  out.push(
    `${result.targets.length} target(s), ${result.rules.length} rules: ` +
      (summary.length ? summary.join(', ') : c.green('no findings')) +
      (waived ? c.dim(`, ${waived} waived`) : '') +
      (unscannedCount(result) ? c.red(`, ${unscannedCount(result)} could not be scanned`) : ''),
  );
  // Never "passed" when a target could not be scanned (exit 3); the line names the exit code.
  const gate = gateVerdict(ctx);
  out.push((gate.kind === 'off' ? c.dim : gate.kind === 'passed' ? c.green : c.red)(gate.line));
  return out.join('\n') + '\n';
}
