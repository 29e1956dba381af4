import { UNKNOWN_PLATFORM, type PlatformInfo } from '../facts/common/platform';
import type { ScanResult, Severity, TargetRef } from '../engine/findings';
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

export const REPORT_FORMAT = 'vmaudit-report';
export const REPORT_VERSION = 1;

/** The JSON report (schema: schemas/report.schema.json). Stable key order and sorting: same input, same bytes. */
export function toJsonReport(ctx: ReportContext): object {
  const { result } = ctx;
  const rules = ruleMap(result.rules);
  const gate = gateFindings(ctx);
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
