import { createHash } from 'node:crypto';
import type { SourceLocation } from '../util/location';
import type { Rule, Severity } from './generated/rule';
import { FIX_TEMPLATE_FIELDS } from './rule-expressions';
import { CelBudgetExceeded, charge, compileExpr, compileTemplate, display, firstLine, newMeter, withEvaluationBudget, withMeter, type CompiledExpr } from './cel';
import { platformApplies, UNKNOWN_PLATFORM, type PlatformInfo } from '../facts/common/platform';
import type { Finding, FindingFix, NotEvaluated, TargetRef } from './findings';

/**
 * A rule with its CEL compiled once. `for-each` is compiled up front; `where` and `assert` when a first subject needs
 * them; `location`, `subject` and `message`, needed only when a subject fails, on first use (rules reaching the engine were already
 * CEL-checked by the rule loader, at build time for the built-in ones).
 */
export class CompiledRule {
  readonly forEach?: CompiledExpr;
  readonly defaults: Record<string, unknown>;
  /** `where` and `assert`, compiled when a first subject reaches them (a for-each over absent devices never does). */
  private compiledWhere?: CompiledExpr | null;
  private compiledAssert?: CompiledExpr;
  private lazy?: {
    location?: CompiledExpr;
    subject?: CompiledExpr;
    message: (ctx: Record<string, unknown>) => string;
    remediation?: { text: (ctx: Record<string, unknown>) => string; snippet?: (ctx: Record<string, unknown>) => string };
    fix?: (ctx: Record<string, unknown>) => FindingFix;
  };

  constructor(readonly rule: Rule) {
    if (rule['for-each']) this.forEach = compileExpr(rule['for-each']);
    this.defaults = Object.fromEntries(Object.entries(rule.params ?? {}).map(([k, p]) => [k, p.default]));
  }

  get where(): CompiledExpr | undefined {
    if (this.compiledWhere === undefined) this.compiledWhere = this.rule.where ? compileExpr(this.rule.where) : null;
    return this.compiledWhere ?? undefined;
  }

  get assert(): CompiledExpr {
    return (this.compiledAssert ??= compileExpr(this.rule.assert));
  }

  private get onFailure() {
    return (this.lazy ??= {
      location: this.rule.location ? compileExpr(this.rule.location) : undefined,
      subject: this.rule.subject ? compileExpr(this.rule.subject) : undefined,
      message: compileTemplate(this.rule.message),
      remediation: remediationTemplates(this.rule),
      fix: fixTemplate(this.rule),
    });
  }

  /** The rule's fix, rendered per finding (undefined when the rule has none). */
  get fix() {
    return this.onFailure.fix;
  }

  get location(): CompiledExpr | undefined {
    return this.onFailure.location;
  }

  get subject(): CompiledExpr | undefined {
    return this.onFailure.subject;
  }

  get message(): (ctx: Record<string, unknown>) => string {
    return this.onFailure.message;
  }

  /** The remediation templates, when the rule's remediation text or snippet content has placeholders. */
  get remediation() {
    return this.onFailure.remediation;
  }
}

const hasPlaceholder = (s: string | undefined) => s !== undefined && /\{\{[\s\S]+?\}\}/.test(s);

function remediationTemplates(rule: Rule) {
  const { text, snippet } = rule.remediation;
  if (!hasPlaceholder(text) && !hasPlaceholder(snippet?.content)) return undefined;
  return { text: compileTemplate(text), snippet: snippet ? compileTemplate(snippet.content) : undefined };
}

/**
 * The rule's fix as a per-finding renderer: `remediation.fix` with its value/content/choice templates, or a snippet
 * declared `fix: replace-element` (its content is the new element). Undefined when the rule has no fix.
 */
function fixTemplate(rule: Rule): ((ctx: Record<string, unknown>) => FindingFix) | undefined {
  const f = rule.remediation.fix;
  if (f) {
    const value = f.value === undefined ? undefined : compileTemplate(f.value);
    const content = f.content === undefined ? undefined : compileTemplate(f.content);
    const choice = f.choice === undefined ? undefined : compileTemplate(f.choice);
    const tpl = (s: string | undefined) => (s === undefined ? undefined : compileTemplate(s));
    // the other template fields (host fixes: path, mode, unit, settings, note...)
    const host = Object.fromEntries(FIX_TEMPLATE_FIELDS.filter((k) => k !== 'value' && k !== 'content' && k !== 'choice').map((k) => [k, tpl(f[k])]));
    return (ctx) => {
      const c = choice?.(ctx);
      return {
        kind: f.kind,
        ...(f.element !== undefined ? { element: f.element } : {}),
        ...(f.attribute !== undefined ? { attribute: f.attribute } : {}),
        ...(value ? { value: value(ctx) } : {}),
        ...(content ? { content: content(ctx) } : {}),
        // A host fix's choice renders empty when this finding needs none.
        ...(c !== undefined && (c !== '' || f.kind === 'choice') ? { choice: c } : {}),
        ...(f.key !== undefined ? { key: f.key } : {}),
        ...Object.fromEntries(Object.entries(host).flatMap(([k, t]) => (t ? [[k, t(ctx)]] : []))),
        ...(f.persist !== undefined ? { persist: f.persist } : {}),
        ...(f.section !== undefined ? { section: f.section } : {}),
        ...(f.remove !== undefined ? { remove: f.remove } : {}),
      };
    };
  }
  const s = rule.remediation.snippet;
  if (s?.fix === 'replace-element' && s.language === 'xml') {
    const content = compileTemplate(s.content);
    return (ctx) => ({ kind: 'replace-element', content: content(ctx) });
  }
  return undefined;
}

/**
 * Everything one evaluation sees. `vars` are the CEL variables (`domain`; `host` + `domains`; `guest`).
 * `unknown` maps fact paths whose evidence could not be read to the reason (e.g. `host.sasl` →
 * "/etc/sasl2/libvirt.conf: permission denied"); a rule requiring such a path is not evaluated.
 */
export interface EvalContext {
  target: TargetRef;
  vars: Record<string, unknown>;
  unknown: Record<string, string>;
  /** Prefix for subjects (a host scan evaluating domain rules uses `domain[name]/`). */
  subjectPrefix?: string;
  /** The versions the target runs (host evidence, --platform, the policy); unknown components are null. */
  platform?: PlatformInfo;
}

export interface RuleSettings {
  severity?: Severity;
  params?: Record<string, unknown>;
}

export type RuleOutcome =
  | { status: 'fail'; findings: Finding[] }
  | { status: 'pass' }
  | { status: 'not-evaluated'; notEvaluated: NotEvaluated };

/** Without `requires`, a rule needs at least its scope's main facts. `requires: []` runs it regardless. */
const DEFAULT_REQUIRES: Record<Rule['scope'], string[]> = { domain: ['domain'], host: ['host'], guest: ['guest'], cross: ['host', 'domains'] };

/** A `requires` path split once per process (`host.sasl.users` → its parts, and `host.sasl.users`, `host.sasl`, `host`). */
const REQUIRE_PATHS = new Map<string, { parts: string[]; prefixes: string[] }>();
function requirePath(req: string): { parts: string[]; prefixes: string[] } {
  let r = REQUIRE_PATHS.get(req);
  if (!r) {
    const parts = req.split('.');
    r = { parts, prefixes: parts.map((_, i) => parts.slice(0, parts.length - i).join('.')) };
    REQUIRE_PATHS.set(req, r);
  }
  return r;
}

export function unknownReason(requires: readonly string[] | undefined, ctx: EvalContext): string | undefined {
  for (const req of requires ?? []) {
    const { parts, prefixes } = requirePath(req);
    for (const prefix of prefixes) {
      const reason = ctx.unknown[prefix];
      if (reason !== undefined) return reason;
    }
    let v: unknown = ctx.vars;
    for (const p of parts) {
      v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
      if (v === undefined) return `fact ${req} is not available for this target`;
    }
  }
  return undefined;
}

export function fingerprint(ruleId: string, target: TargetRef, subject: string): string {
  return createHash('sha256').update(`${ruleId}\0${target.kind}\0${target.name}\0${subject}`).digest('hex').slice(0, 32);
}

function locOf(v: unknown): SourceLocation | null {
  if (v && typeof v === 'object') {
    const loc = (v as { loc?: unknown }).loc;
    if (loc && typeof loc === 'object' && typeof (loc as SourceLocation).line === 'number') return loc as SourceLocation;
  }
  return null;
}

export function evaluateRule(cr: CompiledRule, ctx: EvalContext, settings: RuleSettings = {}): RuleOutcome {
  const { rule } = cr;
  const notEvaluated = (reason: string): RuleOutcome => ({ status: 'not-evaluated', notEvaluated: { ruleId: rule.id, target: ctx.target, reason } });
  const platform = ctx.platform ?? UNKNOWN_PLATFORM;
  // A verdict that holds only for some versions: not applicable where the known version is outside them.
  const scope = platformApplies(rule.platform, platform);
  if (!scope.applies) return { status: 'pass' };
  const reason = unknownReason(rule.requires ?? DEFAULT_REQUIRES[rule.scope], ctx);
  if (reason !== undefined) return notEvaluated(reason);
  const versionNote = scope.unknown.length ? ` [holds for ${scope.unknown.join(', ')}; this target's version is unknown: give it with --platform or the policy's platform]` : '';

  const params = settings.params ? { ...cr.defaults, ...settings.params } : cr.defaults;
  // `platform` as rules see it: the target's PlatformInfo itself (no copy per rule and target on the hot path).
  const base: Record<string, unknown> = { ...ctx.vars, params, platform };
  const main = ctx.vars.domain ?? ctx.vars.host ?? ctx.vars.guest;
  const findings: Finding[] = [];
  let step = 'for-each';
  try {
    // One evaluation budget for the rule on this target, all its expressions and subjects together.
    const fixMeter = newMeter();
    return withEvaluationBudget((): RuleOutcome => {
      let subjects: unknown[];
      if (cr.forEach) {
        const r = cr.forEach(base);
        if (!Array.isArray(r)) return notEvaluated(`rule error: for-each did not yield a list`);
        if (r.some(Array.isArray)) {
          charge(r.reduce((n: number, x: unknown) => n + (Array.isArray(x) ? x.length : 1), 0));
          subjects = r.flat(1);
        } else subjects = r;
      } else subjects = [main];
      for (const it of subjects) {
        const vars = { ...base, it };
        step = 'where';
        if (cr.where && cr.where(vars) !== true) continue;
        step = 'assert';
        const ok = cr.assert(vars);
        if (ok === true) continue;
        if (ok !== false) return notEvaluated(`rule error: assert yielded ${display(ok)}, not a bool`);
        step = 'location';
        const location = locOf(cr.location ? cr.location(vars) : it) ?? locOf(it) ?? locOf(main);
        step = 'subject';
        const subjectRaw = cr.subject ? cr.subject(vars) : (it as { key?: unknown } | null)?.key;
        const subject = `${ctx.subjectPrefix ?? ''}${subjectRaw === undefined || subjectRaw === null ? (location?.path ?? 'target') : display(subjectRaw)}`;
        step = 'message';
        const message = cr.message(vars) + versionNote;
        // The fix has a budget of its own per rule and target: over it, the finding stands with a note instead.
        let remediation: { text: string; snippet?: string } | undefined;
        let fixData: ReturnType<NonNullable<typeof cr.fix>> | undefined;
        try {
          withMeter(fixMeter, () => {
            step = 'remediation';
            const fix = cr.remediation;
            remediation = fix ? { text: fix.text(vars), ...(fix.snippet ? { snippet: fix.snippet(vars) } : {}) } : undefined;
            step = 'fix';
            fixData = cr.fix?.(vars);
          });
        } catch (e) {
          if (!(e instanceof CelBudgetExceeded)) throw e;
          remediation = { text: `The fix for this finding was not computed: ${e.message} for this rule's fixes on this target. \`vmaudit rules show ${rule.id}\` gives the general remediation.` };
          fixData = undefined;
        }
        findings.push({
          ruleId: rule.id,
          severity: settings.severity ?? rule.severity,
          message,
          target: ctx.target,
          location,
          subject,
          fingerprint: fingerprint(rule.id, ctx.target, subject),
          ...(remediation ? { remediation } : {}),
          ...(fixData ? { fix: fixData } : {}),
        });
      }
      return findings.length ? { status: 'fail', findings } : { status: 'pass' };
    });
  } catch (err) {
    if (err instanceof CelBudgetExceeded) return notEvaluated(`rule error: ${err.message} in ${step}`);
    return notEvaluated(`rule error in ${step}: ${firstLine((err as Error).message)}`);
  }
}
