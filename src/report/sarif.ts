import type * as Sarif from 'sarif';
import type { Rule } from '../engine/generated/rule';
import type { Finding, Severity } from '../engine/findings';
import { describeWaiverNote } from '../engine/policy';
import { ruleMap, ruleMarkdown, toolVersion, TOOL_NAME, TOOL_URI, type ReportContext } from './common';
import { sarifFixFor } from './xml-fix';

/** GitHub code scanning reads `security-severity` (a number as a string) from rule properties. */
export const SECURITY_SEVERITY: Record<Severity, string | undefined> = { critical: '9.5', high: '8.0', medium: '5.5', low: '2.0', info: undefined };
export const SARIF_LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
export const FINGERPRINT_KEY = 'vmauditFinding/v1';

/**
 * A location's file as a relative SARIF artifact URI (forward slashes, percent-encoded):
 *  - a path relative to the working directory (domain XML given on the command line) → base %SRCROOT%;
 *  - an absolute path on a scanned host or guest (`/etc/libvirt/libvirtd.conf`) → base TARGETROOT;
 *  - the output of a command run on the target (`command:<id>`) → `commands/<id>` under base EVIDENCE.
 */
export function artifactUri(file: string): { uri: string; uriBaseId: string } {
  const norm = file.replace(/\\/g, '/');
  const encode = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  if (norm.startsWith('command:')) return { uri: `commands/${encodeURIComponent(norm.slice('command:'.length))}`, uriBaseId: 'EVIDENCE' };
  if (norm.startsWith('/')) return { uri: encode(norm.slice(1)), uriBaseId: 'TARGETROOT' };
  return { uri: encode(norm.replace(/^\.\//, '')), uriBaseId: '%SRCROOT%' };
}

function ruleDescriptor(rule: Rule): Sarif.ReportingDescriptor {
  const tags = [...new Set([rule.area, rule.scope, ...(rule.area === 'security' ? ['security'] : []), ...(rule.tags ?? [])])];
  const props: Sarif.PropertyBag = { tags, precision: 'high', 'problem.severity': SARIF_LEVEL[rule.severity] === 'note' ? 'recommendation' : SARIF_LEVEL[rule.severity] };
  const sev = SECURITY_SEVERITY[rule.severity];
  if (rule.area === 'security' && sev) props['security-severity'] = sev;
  props.guide = rule.guide;
  return {
    id: rule.id,
    name: rule.id.replace(/-/g, ''),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale.trim() },
    help: { text: `${rule.rationale.trim()}\n\nRemediation: ${rule.remediation.text.trim()}`, markdown: ruleMarkdown(rule) },
    defaultConfiguration: { level: SARIF_LEVEL[rule.severity] },
    properties: props,
  };
}

function resultFor(f: Finding, rule: Rule | undefined, ruleIndex: number, source?: ReportContext['source']): Sarif.Result {
  const result: Sarif.Result = {
    ruleId: f.ruleId,
    ruleIndex,
    level: SARIF_LEVEL[f.severity],
    message: { text: f.message },
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    properties: {
      severity: f.severity,
      target: `${f.target.kind}:${f.target.name}`,
      subject: f.subject,
      ...(rule ? { remediation: rule.remediation.text.trim() } : {}),
      ...(rule?.remediation.snippet ? { remediationSnippet: { target: rule.remediation.snippet.target, language: rule.remediation.snippet.language, content: rule.remediation.snippet.content } } : {}),
      ...(f.baseline ? { baselineState: f.baseline } : {}),
    },
  };
  if (f.baseline) result.baselineState = f.baseline;
  if (f.location) {
    const region: Sarif.Region = { startLine: f.location.line, startColumn: f.location.column };
    if (f.location.endLine) region.endLine = f.location.endLine;
    result.locations = [
      {
        physicalLocation: { artifactLocation: artifactUri(f.location.file), region },
        ...(f.location.path ? { logicalLocations: [{ fullyQualifiedName: f.location.path, kind: 'element' }] } : {}),
      },
    ];
  }
  const fix = f.location ? sarifFixFor(f, rule, source, artifactUri(f.location.file)) : undefined;
  if (fix) result.fixes = [fix];
  if (f.waiver) {
    result.suppressions = [{ kind: 'external', status: 'accepted', justification: f.waiver.justification, ...(f.waiver.source ? { location: { physicalLocation: { artifactLocation: artifactUri(f.waiver.source) } } } : {}) }];
  }
  return result;
}

export function toSarif(ctx: ReportContext): Sarif.Log {
  const { result } = ctx;
  const rules = [...result.rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const byId = ruleMap(rules);
  const notifications: Sarif.Notification[] = [
    ...result.errors.map(
      (e): Sarif.Notification => ({
        level: 'error',
        message: { text: `${e.target.kind} ${e.target.name} could not be scanned: ${e.message}` },
        descriptor: { id: `scan-error/${e.kind}` },
        ...(e.location ? { locations: [{ physicalLocation: { artifactLocation: artifactUri(e.location.file), region: { startLine: e.location.line, startColumn: e.location.column } } }] } : {}),
      }),
    ),
    ...result.notEvaluated.map(
      (n): Sarif.Notification => ({
        level: 'warning',
        message: { text: `${n.ruleId} not evaluated for ${n.target.kind} ${n.target.name}: ${n.reason}` },
        descriptor: { id: 'not-evaluated' },
        associatedRule: { id: n.ruleId, ...(index.has(n.ruleId) ? { index: index.get(n.ruleId) } : {}) },
      }),
    ),
    ...(ctx.waivers ?? [])
      .filter((w) => w.status !== 'active')
      .map(
        (w): Sarif.Notification => ({
          level: w.status === 'expired' ? 'warning' : 'note',
          message: { text: describeWaiverNote(w) },
          descriptor: { id: `waiver/${w.status}` },
          locations: [{ physicalLocation: { artifactLocation: artifactUri(w.waiver.source.file), region: { startLine: w.waiver.source.line } } }],
        }),
      ),
  ];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: toolVersion(),
            semanticVersion: toolVersion(),
            informationUri: TOOL_URI,
            rules: rules.map(ruleDescriptor),
            notifications: [
              { id: 'not-evaluated', shortDescription: { text: 'A rule could not be evaluated because a fact it needs is unknown.' } },
              { id: 'scan-error/input', shortDescription: { text: 'An input could not be read or parsed.' } },
              { id: 'waiver/expired', shortDescription: { text: 'A policy waiver has expired: the findings it covered count again.' } },
              { id: 'waiver/unused', shortDescription: { text: 'A policy waiver matched no finding.' } },
            ],
          },
        },
        automationDetails: { id: `vmaudit/${ctx.policyName}/` },
        originalUriBaseIds: {
          TARGETROOT: { description: { text: 'The root (/) of the scanned host or guest.' } },
          EVIDENCE: { description: { text: 'Outputs of the read-only commands vmaudit ran on the target (kept in its evidence snapshot).' } },
        },
        invocations: [{ executionSuccessful: result.errors.length === 0, toolExecutionNotifications: notifications }],
        results: result.findings.map((f) => resultFor(f, byId.get(f.ruleId), index.get(f.ruleId) ?? -1, ctx.source)),
        columnKind: 'utf16CodeUnits',
        properties: {
          policy: ctx.policyName,
          failOn: ctx.failOn,
          targets: result.targets.map((t) => `${t.kind}:${t.name}`),
          ...(ctx.baseline ? { baseline: { file: ctx.baseline.file, new: ctx.baseline.new, unchanged: ctx.baseline.unchanged, fixed: ctx.baseline.fixed.length } } : {}),
        },
      },
    ],
  };
}
