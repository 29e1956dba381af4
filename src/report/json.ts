import { UNKNOWN_PLATFORM, type PlatformInfo } from '../facts/common/platform';
import type { Finding, ScanResult, Severity, TargetRef } from '../engine/findings';
import type { Rule } from '../engine/generated/rule';
import type { PlannedFix } from '../fix/edit';
import { effectiveHostFix, hostFixPath, isHostFixKind } from '../fix/host';
import { fixOf, planFixes } from './xml-fix';
import { ruleSeverityIfOverridden } from './order';
import { countBySeverity, gateFindings, remediationOf, ruleMap, toolVersion, unscannedTargets, type ReportContext } from './common';

export interface TargetSummary {
  kind: TargetRef['kind'];
  name: string;
  /** `failed`: the target could not be scanned (see `error`); its findings, if any, are partial. */
  status: 'ok' | 'failed';
  error: { kind: string; message: string } | null;
  findings: number;
  bySeverity: Record<Severity, number>;
  notEvaluated: number;
  platform?: PlatformInfo;
}

/** One line per scanned host/guest (domain files are not summarised this way), sorted like `targets`. */
export function perTargetSummary(result: ScanResult): TargetSummary[] {
  const key = (t: TargetRef) => `${t.kind}\0${t.name}`;
  return result.targets
    .filter((t) => t.kind !== 'domain')
    .map((t) => {
      const k = key(t);
      const err = result.errors.find((e) => key(e.target) === k);
      const findings = result.findings.filter((f) => key(f.target) === k);
      return {
        kind: t.kind,
        name: t.name,
        status: err ? 'failed' : 'ok',
        error: err ? { kind: err.kind, message: err.message } : null,
        findings: findings.length,
        bySeverity: countBySeverity(findings),
        notEvaluated: result.notEvaluated.filter((n) => key(n.target) === k).length,
        ...((p) => (p ? { platform: p.platform } : {}))(result.platforms?.find((p) => key(p.target) === k)),
      };
    });
}

/**
 * A finding's fix in the JSON report: the rule's fix rendered for this finding (kind and its fields: attribute/value,
 * element content, host file/key/value, drop-in, kernel parameter...) and, for domain XML whose text was read, the
 * computed edit (file, exact region, charOffset/charLength, old -> new text; an element to add is an edit with empty
 * old text). `status`: `edit` (that edit fixes it; `edit.fixes` lists every finding it fixes when merged), `conflict`
 * (its change overlaps another finding's edit: `vmaudit fix domain` computes it again after that one), `host`
 * (`vmaudit fix host` writes it to `file`), `choice` (the operator decides: `choice`), `not-computed` (`reason`).
 */
function jsonFix(f: Finding, rule: Rule | undefined, plan: PlannedFix | undefined): object | null {
  const given = fixOf(f, rule);
  if (!given) return null;
  const fix = effectiveHostFix(given);
  const host = isHostFixKind(fix.kind);
  const choice = fix.kind === 'choice' || !!fix.choice?.trim();
  const e = plan && plan.status !== 'none' ? plan.edit : undefined;
  const status = choice ? 'choice' : plan?.status === 'edit' ? 'edit' : plan?.status === 'conflict' ? 'conflict' : host ? 'host' : 'not-computed';
  const reason = plan ? (plan.status !== 'edit' ? plan.reason : undefined) : !host && !choice ? (f.target.kind === 'domain' ? 'the source text was not available' : 'a domain of a host scan: use vmaudit fix domain on its file') : undefined;
  return {
    ...fix,
    status,
    ...(host ? { file: hostFixPath(f, fix) ?? null } : {}),
    edit: e
      ? { file: e.file, startLine: e.startLine, startColumn: e.startColumn, endLine: e.endLine, endColumn: e.endColumn, charOffset: e.start, charLength: e.end - e.start, oldText: e.oldText, newText: e.newText, fixes: e.fixes ?? [e.fingerprint] }
      : null,
    ...(reason !== undefined && status !== 'choice' ? { reason } : {}),
  };
}

export const REPORT_FORMAT = 'vmaudit-report';
export const REPORT_VERSION = 1;

/** The JSON report (schema: schemas/report.schema.json). Stable key order and sorting: same input, same bytes. */
export function toJsonReport(ctx: ReportContext): object {
  const { result } = ctx;
  const rules = ruleMap(result.rules);
  const gate = gateFindings(ctx);
  const plans = planFixes(result, rules, ctx.source);
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    tool: { name: 'vmaudit', version: toolVersion() },
    policy: { name: ctx.policyName, failOn: ctx.failOn },
    summary: {
      targets: result.targets.length,
      targetsFailed: unscannedTargets(result).size,
      rules: result.rules.length,
      findings: result.findings.length,
      bySeverity: countBySeverity(result.findings),
      waived: result.findings.filter((f) => f.waiver).length,
      notEvaluated: result.notEvaluated.length,
      gate: { failOn: ctx.failOn, failed: gate.length > 0, findings: gate.length },
    },
    platform: result.platform ?? UNKNOWN_PLATFORM,
    targets: result.targets,
    // hosts/guests only (scan host, scan guest, fleets): a per-target summary; absent for domain-file scans.
    ...(result.targets.some((t) => t.kind !== 'domain') ? { perTarget: perTargetSummary(result) } : {}),
    findings: result.findings.map((f) => {
      const rule = rules.get(f.ruleId);
      return {
        ruleId: f.ruleId,
        title: rule?.title ?? f.ruleId,
        severity: f.severity,
        // The rule's own severity when the policy changed it (text/HTML/Markdown show "high (rule: medium)").
        ...((orig) => (orig ? { originalSeverity: orig } : {}))(ruleSeverityIfOverridden(f, rule)),
        area: rule?.area ?? null,
        // The standards' requirements the rule implements (references with `standard:`), when it names some.
        ...((s) => (s?.length ? { standards: s } : {}))(rule?.references?.filter((r) => r.standard)),
        message: f.message,
        target: f.target,
        location: f.location,
        subject: f.subject,
        fingerprint: f.fingerprint,
        remediation: rule ? ((fix) => ({ text: fix.text.trim(), snippet: fix.snippet ?? null }))(remediationOf(rule, f)) : null,
        fix: jsonFix(f, rule, plans.get(f.fingerprint)),
        waiver: f.waiver ?? null,
        baseline: f.baseline ?? null,
      };
    }),
    notEvaluated: result.notEvaluated,
    errors: result.errors,
    ...(ctx.waivers?.length ? { waivers: ctx.waivers.map((n) => ({ ...n.waiver, status: n.status, findings: n.findings })) } : {}),
    ...(ctx.baseline ? { baseline: { file: ctx.baseline.file, new: ctx.baseline.new, unchanged: ctx.baseline.unchanged, fixed: ctx.baseline.fixed } } : {}),
  };
}
