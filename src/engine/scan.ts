import { mergePlatform, PLATFORM_COMPONENTS, type PlatformComponent, type PlatformInfo } from '../facts/common/platform';
import type { Rule } from './generated/rule';
import { CompiledRule, evaluateRule, type EvalContext, type RuleSettings } from './evaluate';
import type { Finding, NotEvaluated, ScanResult, TargetError, TargetRef } from './findings';

/** How a policy shapes a scan: which rules run, with which severity and parameters. */
export interface RuleSelection {
  name: string;
  enabled(rule: Rule): boolean;
  settings(rule: Rule): RuleSettings;
  /**
   * Versions given for the scan: `flag` (--platform) overrides what a host's evidence says, `policy` (the policy's
   * `platform:`, named `policyName`) fills what evidence does not know. Domain files have only these two.
   */
  platform?: { flag?: Partial<Record<PlatformComponent, string>>; policy?: Partial<Record<PlatformComponent, string>>; policyName?: string };
}

/** The platform a target is judged for: --platform, then the target's own evidence, then the policy. */
export function effectivePlatform(selection: RuleSelection, evidence?: PlatformInfo): PlatformInfo {
  const given = selection.platform;
  const evidenceLayers = evidence ? PLATFORM_COMPONENTS.filter((c) => evidence[c] !== null).map((c) => ({ [c]: evidence[c], from: evidence.source[c] ?? 'evidence' })) : [];
  return mergePlatform(
    given?.flag ? { ...given.flag, from: '--platform' } : undefined,
    ...evidenceLayers,
    given?.policy ? { ...given.policy, from: `policy ${given.policyName ?? ''}`.trim() } : undefined,
  );
}

export const ALL_RULES: RuleSelection = { name: 'default', enabled: () => true, settings: () => ({}) };

/** Which rule scopes run against which context. */
export type ScopeName = Rule['scope'];

/** The raw, unsorted contents of an accumulator: what a worker thread sends back (structured-cloneable). */
export interface AccumulatorState {
  findings: Finding[];
  notEvaluated: NotEvaluated[];
  errors: TargetError[];
  passed: { ruleId: string; target: TargetRef }[];
  targets: TargetRef[];
  platforms: { target: TargetRef; platform: PlatformInfo }[];
}

/** Accumulates the results of evaluating rules over many targets, in any order; `result()` sorts them. */
export class ScanAccumulator {
  private readonly findings: Finding[] = [];
  private readonly notEvaluated: NotEvaluated[] = [];
  private readonly errors: TargetError[] = [];
  private readonly passed: { ruleId: string; target: TargetRef }[] = [];
  private readonly targets = new Map<string, TargetRef>();
  /** Platform per host/guest target (domain files share the one given for the scan: `assumedPlatform`). */
  private readonly platforms = new Map<string, { target: TargetRef; platform: PlatformInfo }>();
  private readonly assumed: PlatformInfo;
  /** Selected rules; their CEL is compiled on first use, so a domain scan never compiles guest or host rules. */
  private readonly selected: Rule[];
  private readonly compiled: (CompiledRule | undefined)[];
  /** Strings of absorbed states (absorb), one copy each. */
  private readonly interned = new Map<string, string>();
  private readonly interner = (s: string): string => {
    const known = this.interned.get(s);
    if (known !== undefined) return known;
    this.interned.set(s, s);
    return s;
  };

  constructor(
    rules: readonly Rule[],
    private readonly selection: RuleSelection = ALL_RULES,
  ) {
    this.selected = rules.filter((r) => selection.enabled(r));
    this.compiled = new Array<CompiledRule | undefined>(this.selected.length);
    this.assumed = effectivePlatform(selection);
  }

  /** The versions given for domain files (--platform, the policy); all null when none were. */
  get assumedPlatform(): PlatformInfo {
    return this.assumed;
  }

  get rules(): Rule[] {
    return [...this.selected];
  }

  addTarget(t: TargetRef): void {
    this.targets.set(`${t.kind}\0${t.name}`, t);
  }

  addError(e: TargetError): void {
    this.addTarget(e.target);
    this.errors.push(e);
  }

  /**
   * Evaluates every selected rule of the given scopes against one context; returns the findings it added.
   * `quietUnknown`: rules that cannot be evaluated are not listed as not evaluated (an input that yields no domain is
   * reported once, by DOM-XML-001 or a target error, not once more per rule).
   */
  evaluate(scopes: readonly ScopeName[], evalCtx: EvalContext, options: { quietUnknown?: boolean } = {}): Finding[] {
    const added: Finding[] = [];
    const platform = evalCtx.platform ? effectivePlatform(this.selection, evalCtx.platform) : this.assumed;
    const ctx: EvalContext = { ...evalCtx, platform };
    this.addTarget(ctx.target);
    if (ctx.target.kind !== 'domain') this.platforms.set(`${ctx.target.kind}\0${ctx.target.name}`, { target: ctx.target, platform });
    const seen = new Map<string, number>();
    for (let i = 0; i < this.selected.length; i++) {
      if (!scopes.includes(this.selected[i].scope)) continue;
      const cr = (this.compiled[i] ??= new CompiledRule(this.selected[i]));
      const settings = this.selection.settings(cr.rule);
      const out = evaluateRule(cr, ctx, settings);
      if (out.status === 'fail') {
        for (const f of out.findings) {
          // Two findings for the same subject keep distinct, still stable, fingerprints.
          const n = seen.get(f.fingerprint) ?? 0;
          seen.set(f.fingerprint, n + 1);
          const kept = n === 0 ? f : { ...f, fingerprint: `${f.fingerprint}-${n}` };
          this.findings.push(kept);
          added.push(kept);
        }
      } else if (out.status === 'not-evaluated') {
        if (!options.quietUnknown) this.notEvaluated.push(out.notEvaluated);
      } else this.passed.push({ ruleId: cr.rule.id, target: ctx.target });
    }
    return added;
  }

  /** Hands over everything accumulated so far and starts empty again (rules stay compiled). */
  takeState(): AccumulatorState {
    const state: AccumulatorState = {
      findings: this.findings.splice(0),
      notEvaluated: this.notEvaluated.splice(0),
      errors: this.errors.splice(0),
      passed: this.passed.splice(0),
      targets: [...this.targets.values()],
      platforms: [...this.platforms.values()],
    };
    this.targets.clear();
    this.platforms.clear();
    return state;
  }

  /**
   * Adds another accumulator's state; result() sorts everything, so the order of absorbing does not matter.
   * A worker's state arrives as a structured clone, with a copy of every string: the 10,000-file bench's findings
   * carry 45 M characters of strings of which 5 M are distinct (rule ids, file paths, remediation texts and fixes
   * repeated across findings). They are interned here, so the clones are garbage once absorbed instead of held until
   * the report is written (peak RSS); every value stays equal, so the reports are unchanged.
   */
  absorb(state: AccumulatorState): void {
    const intern = this.interner;
    for (const t of state.targets) this.addTarget(t);
    for (const f of state.findings) this.findings.push(internStrings(f, intern));
    for (const n of state.notEvaluated) this.notEvaluated.push(internStrings(n, intern));
    for (const e of state.errors) this.errors.push(e);
    for (const p of state.passed) this.passed.push({ ruleId: intern(p.ruleId), target: this.targets.get(`${p.target.kind}\0${p.target.name}`) ?? p.target });
    for (const p of state.platforms ?? []) this.platforms.set(`${p.target.kind}\0${p.target.name}`, p);
  }

  result(): ScanResult {
    const tkey = (t: TargetRef) => `${t.kind}\0${t.name}`;
    const byTarget = (a: { target: TargetRef }, b: { target: TargetRef }) => cmp(tkey(a.target), tkey(b.target));
    return {
      rules: this.rules,
      targets: [...this.targets.values()].sort((a, b) => cmp(tkey(a), tkey(b))),
      findings: [...this.findings].sort(
        (a, b) =>
          cmp(a.location?.file ?? '', b.location?.file ?? '') ||
          (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
          (a.location?.column ?? 0) - (b.location?.column ?? 0) ||
          cmp(a.ruleId, b.ruleId) ||
          byTarget(a, b) ||
          cmp(a.fingerprint, b.fingerprint),
      ),
      notEvaluated: [...this.notEvaluated].sort((a, b) => byTarget(a, b) || cmp(a.ruleId, b.ruleId)),
      errors: [...this.errors].sort((a, b) => byTarget(a, b) || cmp(a.message, b.message)),
      passed: [...this.passed].sort((a, b) => byTarget(a, b) || cmp(a.ruleId, b.ruleId)),
      platform: this.assumed,
      platforms: [...this.platforms.values()].sort(byTarget),
    };
  }
}

/**
 * Replaces, in place, every string value of a plain structured-clone value (objects and arrays, as a worker's
 * findings are) by `intern(value)`; keys and their order are untouched. Returns the value.
 */
function internStrings<T>(value: T, intern: (s: string) => string): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'string') value[i] = intern(v);
      else if (v !== null && typeof v === 'object') internStrings(v, intern);
    }
    return value;
  }
  const o = value as Record<string, unknown>;
  for (const k in o) {
    const v = o[k];
    if (typeof v === 'string') o[k] = intern(v);
    else if (v !== null && typeof v === 'object') internStrings(v, intern);
  }
  return value;
}

/** Locale-independent string order, so that the same input gives byte-identical output everywhere. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
