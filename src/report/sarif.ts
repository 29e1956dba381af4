import type * as Sarif from 'sarif';
import type { Rule } from '../engine/generated/rule';
import type { Finding, Severity, TargetRef } from '../engine/findings';
import { describeWaiverNote } from '../engine/policy';
import { ruleSeverityIfOverridden } from './order';
import { remediationOf, ruleMap, ruleMarkdown, toolVersion, TOOL_NAME, TOOL_URI, type ReportContext } from './common';
import type { PlannedFix } from '../fix/edit';
import { planFixes, sarifFixFor } from './xml-fix';

/** GitHub code scanning reads `security-severity` (a number as a string) from rule properties. */
export const SECURITY_SEVERITY: Record<Severity, string | undefined> = { critical: '9.5', high: '8.0', medium: '5.5', low: '2.0', info: undefined };
export const SARIF_LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
export const FINGERPRINT_KEY = 'vmauditFinding/v1';

/** Notification descriptors for the ways a target can fail (ScanErrorKind). */
export const SCAN_ERROR_TEXT: Record<string, string> = {
  unreachable: 'A target could not be reached (connection refused, no route, name not resolved).',
  'auth-failed': 'SSH authentication to a target failed.',
  'host-key-unknown': "A target's SSH host key is not in known_hosts (use --accept-new-host-keys to trust it).",
  'host-key-changed': "A target's SSH host key differs from the one in known_hosts (or is revoked).",
  timeout: 'A target did not answer or finish collecting in time.',
  'connection-lost': 'The connection to a target was lost while collecting.',
  'sudo-password-required': 'sudo on a target requires a password (vmaudit runs sudo -n).',
  protocol: 'A target returned no usable evidence.',
  internal: 'vmaudit failed internally while scanning a target.',
};

/**
 * A location's file as a relative SARIF artifact URI (forward slashes, percent-encoded):
 *  - a path relative to the working directory (domain XML given on the command line) → base %SRCROOT%;
 *  - an absolute path on a scanned host or guest (`/etc/libvirt/libvirtd.conf`) → base TARGETROOT;
 *  - the output of a command run on the target (`command:<id>`) → `commands/<id>` under base EVIDENCE.
 * With `target` (a run covering several hosts/guests, see toSarif), target-side paths get a per-target prefix
 * `<kind>/<name>/` instead: `/etc/libvirt/libvirtd.conf` on hv01 → `host/hv01/etc/libvirt/libvirtd.conf` under
 * base TARGETS, `command:virsh.list` → `host/hv01/commands/virsh.list` under base EVIDENCE.
 */
export function artifactUri(file: string, target?: TargetRef): { uri: string; uriBaseId: string } {
  const norm = file.replace(/\\/g, '/');
  const encode = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  const prefix = target && target.kind !== 'domain' ? targetUriPrefix(target) : '';
  if (norm.startsWith('command:')) return { uri: `${prefix}commands/${encodeURIComponent(norm.slice('command:'.length))}`, uriBaseId: 'EVIDENCE' };
  if (norm.startsWith('/')) return { uri: prefix + encode(norm.slice(1)), uriBaseId: prefix ? 'TARGETS' : 'TARGETROOT' };
  return { uri: encode(norm.replace(/^\.\//, '')), uriBaseId: '%SRCROOT%' };
}

/**
 * A SARIF "friendly name": one Pascal-case identifier made from the rule title (`VncSpiceConsoleReachable…`).
 * One-letter words ("a", the "s" of "libvirt's") are dropped: the Multitool wants every capital followed by a
 * lower-case letter or digit.
 */
export function pascalName(title: string): string {
  return title
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 1 || /\d/.test(w))
    .map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase())
    .join('');
}

/** Descriptors of the tool notifications (GitHub code scanning wants full descriptions and help on them too). */
const KNOWN_NOTIFICATIONS: Sarif.ReportingDescriptor[] = [
  {
    id: 'not-evaluated',
    name: 'RuleNotEvaluated',
    shortDescription: { text: 'A rule could not be evaluated because a fact it needs is unknown.' },
    fullDescription: { text: 'The evidence a rule needs was missing or unreadable (or the input could not be parsed), so the rule was neither passed nor failed for this target.' },
    help: { text: 'Make the missing evidence readable (or fix the input) and scan again; the notification names the reason.' },
  },
  {
    id: 'scan-error/input',
    name: 'InputNotScanned',
    shortDescription: { text: 'An input could not be read or parsed.' },
    fullDescription: { text: 'A target (domain XML file, host or guest) could not be scanned at all: it is missing, unreadable, too large or not well-formed. Other targets were scanned.' },
    help: { text: 'Fix the file or access named in the message (see rule DOM-XML-001 for domain XML) and scan again.' },
  },
  {
    id: 'waiver/expired',
    name: 'WaiverExpired',
    shortDescription: { text: 'A policy waiver has expired: the findings it covered count again.' },
    fullDescription: { text: 'A waiver in the policy is past its expiry date, so it no longer waives anything; the findings it covered are reported and gated as usual.' },
    help: { text: 'Fix the findings, or renew the waiver with a new justification and expiry date in the policy file.' },
  },
  {
    id: 'waiver/unused',
    name: 'WaiverUnused',
    shortDescription: { text: 'A policy waiver matched no finding.' },
    fullDescription: { text: 'A waiver in the policy did not match any finding of this scan: the finding was fixed, or the waiver names the wrong rule, target or subject.' },
    help: { text: 'Remove the waiver from the policy when the finding is fixed, or correct its rule/target/subject patterns.' },
  },
];

/** The known descriptors plus one per other scan-error kind present (sorted: stable output). */
function notificationDescriptors(errorKinds: readonly string[]): Sarif.ReportingDescriptor[] {
  const out = [...KNOWN_NOTIFICATIONS];
  for (const kind of [...new Set(errorKinds)].sort()) {
    const id = `scan-error/${kind}`;
    if (out.some((d) => d.id === id)) continue;
    out.push({
      id,
      name: pascalName(`target not scanned ${kind}`),
      shortDescription: { text: SCAN_ERROR_TEXT[kind] ?? `A target could not be scanned (${kind}).` },
      fullDescription: { text: `A target could not be scanned at all (${kind}); other targets were scanned.` },
      help: { text: 'The notification message names the target and the reason; fix it and scan again.' },
    });
  }
  return out;
}

/** The artifact bases of a run: single-target (TARGETROOT) or per-target (TARGETS) layout. */
export function uriBaseIds(multi: boolean): Record<string, Sarif.ArtifactLocation> {
  return multi
    ? {
        TARGETS: { description: { text: "One directory per scanned target, <kind>/<name>/ (host/hv01/), holding that target's root (/)." } },
        EVIDENCE: { description: { text: 'Outputs of the read-only commands vmaudit ran on each target, under <kind>/<name>/commands/ (kept in its evidence snapshot).' } },
      }
    : {
        TARGETROOT: { description: { text: 'The root (/) of the scanned host or guest.' } },
        EVIDENCE: { description: { text: 'Outputs of the read-only commands vmaudit ran on the target (kept in its evidence snapshot).' } },
      };
}

/** `host/hv01/`: the per-target directory of a multi-target run (see artifactUri). */
export function targetUriPrefix(target: TargetRef): string {
  return `${target.kind}/${encodeURIComponent(target.name)}/`;
}

/**
 * Whether a scan result is reported with per-target artifact locations: it covers more than one host/guest.
 *
 * Layout decision (fleets): ONE run per scan, with per-target artifact locations, not one run per host. GitHub
 * code scanning rejects an upload with more than 20 runs and accepts only one run per tool + category, so a
 * run per host would break at fleet sizes; per-host categories (automationDetails.id per host) would also leave
 * the alerts of a host that left the inventory open forever. With one run, `automationDetails.id` stays
 * `vmaudit/<policy>/` for the whole fleet, shards are merged into the same single run (`vmaudit report merge`),
 * each result names its target (properties.target, per-target URI) and keeps its target-specific fingerprint.
 */
export function isMultiTarget(targets: readonly TargetRef[]): boolean {
  return targets.filter((t) => t.kind !== 'domain').length > 1;
}

function ruleDescriptor(rule: Rule): Sarif.ReportingDescriptor {
  const tags = [...new Set([rule.area, rule.scope, ...(rule.area === 'security' ? ['security'] : []), ...(rule.tags ?? [])])];
  const props: Sarif.PropertyBag = { tags, precision: 'high', 'problem.severity': SARIF_LEVEL[rule.severity] === 'note' ? 'recommendation' : SARIF_LEVEL[rule.severity] };
  const sev = SECURITY_SEVERITY[rule.severity];
  if (rule.area === 'security' && sev) props['security-severity'] = sev;
  if (rule.guide) props.guide = rule.guide;
  // Requirements of standards the rule implements (an organisation's own: `{ standard: 'ACME-SEC', id: '4.2', url }`).
  const standards = rule.references?.filter((r) => r.standard);
  if (standards?.length) props.standards = standards;
  return {
    id: rule.id,
    name: pascalName(rule.title),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale.trim() },
    help: { text: `${rule.rationale.trim()}\n\nRemediation: ${rule.remediation.text.trim()}`, markdown: ruleMarkdown(rule) },
    ...(rule.references?.find((r) => r.url) ? { helpUri: rule.references.find((r) => r.url)!.url } : {}),
    defaultConfiguration: { level: SARIF_LEVEL[rule.severity] },
    properties: props,
  };
}

function resultFor(f: Finding, rule: Rule | undefined, ruleIndex: number, multi: boolean, plans: ReadonlyMap<string, PlannedFix>): Sarif.Result {
  const rem = rule ? remediationOf(rule, f) : undefined;
  const result: Sarif.Result = {
    ruleId: f.ruleId,
    ruleIndex,
    level: SARIF_LEVEL[f.severity],
    message: { text: f.message },
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    properties: {
      severity: f.severity,
      ...((orig) => (orig ? { originalSeverity: orig } : {}))(ruleSeverityIfOverridden(f, rule)),
      target: `${f.target.kind}:${f.target.name}`,
      subject: f.subject,
      ...(rem ? { remediation: rem.text.trim() } : {}),
      ...(rem?.snippet ? { remediationSnippet: { target: rem.snippet.target, language: rem.snippet.language, content: rem.snippet.content } } : {}),
      ...(f.baseline ? { baselineState: f.baseline } : {}),
    },
  };
  if (f.baseline) result.baselineState = f.baseline;
  if (f.location) {
    const region: Sarif.Region = { startLine: f.location.line, startColumn: f.location.column };
    if (f.location.endLine) region.endLine = f.location.endLine;
    result.locations = [
      {
        physicalLocation: { artifactLocation: artifactUri(f.location.file, multi ? f.target : undefined), region },
        ...(f.location.path ? { logicalLocations: [{ fullyQualifiedName: f.location.path, kind: 'element' }] } : {}),
      },
    ];
  }
  const plan = plans.get(f.fingerprint);
  const fix = f.location ? sarifFixFor(f, rule, plan, artifactUri(f.location.file)) : undefined;
  if (fix) result.fixes = [fix];
  // A change merged for several findings is given once (on the first): the others name that finding.
  if (plan?.status === 'edit' && !plan.primary) result.properties!.fixedWith = plan.edit.fingerprint;
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
  const plans = planFixes(result, byId, ctx.source);
  const multi = isMultiTarget(result.targets);
  const notifications: Sarif.Notification[] = [
    ...result.errors.map(
      (e): Sarif.Notification => ({
        level: 'error',
        message: { text: `${e.target.kind} ${e.target.name} could not be scanned: ${e.message}` },
        descriptor: { id: `scan-error/${e.kind}` },
        ...(e.location ? { locations: [{ physicalLocation: { artifactLocation: artifactUri(e.location.file, multi ? e.target : undefined), region: { startLine: e.location.line, startColumn: e.location.column } } }] } : {}),
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
            notifications: notificationDescriptors(result.errors.map((e) => e.kind)),
          },
        },
        automationDetails: { id: `vmaudit/${ctx.policyName}/` },
        originalUriBaseIds: uriBaseIds(multi),
        invocations: [{ executionSuccessful: result.errors.length === 0, toolExecutionNotifications: notifications }],
        results: result.findings.map((f) => resultFor(f, byId.get(f.ruleId), index.get(f.ruleId) ?? -1, multi, plans)),
        columnKind: 'utf16CodeUnits',
        properties: {
          policy: ctx.policyName,
          failOn: ctx.failOn,
          targets: result.targets.map((t) => `${t.kind}:${t.name}`),
          ...(result.platform ? { platform: result.platform } : {}),
          ...(ctx.baseline ? { baseline: { file: ctx.baseline.file, new: ctx.baseline.new, unchanged: ctx.baseline.unchanged, fixed: ctx.baseline.fixed.length } } : {}),
          ...(multi ? { targetsFailed: [...new Set(result.errors.map((e) => `${e.target.kind}:${e.target.name}`))].sort() } : {}),
        },
      },
    ],
  };
}
