import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { LineCounter, Node, parseDocument } from 'yaml';
import type { SourceLocation } from '../util/location';
import { readInputText } from '../util/read-input';
import { yamlToJs } from '../util/yaml-limits';
import type { Policy, Selector, Waiver } from './generated/policy';
import type { Rule, Severity } from './generated/rule';
import { SEVERITIES, severityRank, type Finding, type ScanResult } from './findings';
import type { RuleSettings } from './evaluate';
import { PACKAGE_ROOT } from './rule-loader';
import type { RuleSelection } from './scan';

export type { Policy, Selector, Waiver };
export type FailOn = Severity | 'none';

export const POLICY_DIR = path.join(PACKAGE_ROOT, 'policies');
export const POLICY_SCHEMA_PATH = path.join(PACKAGE_ROOT, 'schemas', 'policy.schema.json');
/** The policy used when no --policy is given. */
export const DEFAULT_POLICY = 'default';

export interface PolicyLoadError {
  file: string;
  line?: number;
  column?: number;
  /** JSON path inside the document, e.g. `/waivers/0/expires`. */
  path?: string;
  message: string;
  /** Set on the last line of a capped list: how many errors it stands for (`and N more errors`). */
  more?: number;
}

/**
 * Errors listed per policy load or check: the first 50, then one `and N more errors` line. A policy with 200,000
 * invalid waivers took 283 s and ended in a RangeError (quadratic error merging in Ajv and in our simplification,
 * and a spread of 400,000 arguments); the errors are now counted past the cap but only the first ones are built.
 */
export const MAX_POLICY_ERRORS = 50;

/** Collects errors up to MAX_POLICY_ERRORS; past it, only counts them (the error objects are never made). */
class ErrorList {
  readonly items: PolicyLoadError[] = [];
  more = 0;
  constructor(private readonly file: () => string) {}
  get length(): number {
    return this.items.length + this.more;
  }
  add(make: () => PolicyLoadError): void {
    if (this.items.length < MAX_POLICY_ERRORS) this.items.push(make());
    else this.more++;
  }
  addAll(list: readonly PolicyLoadError[]): void {
    for (const e of list) {
      if (e.more !== undefined) this.more += e.more;
      else this.add(() => e);
    }
  }
  done(): PolicyLoadError[] {
    return this.more ? [...this.items, { file: this.file(), message: `and ${this.more} more errors (only the first ${MAX_POLICY_ERRORS} are listed)`, more: this.more }] : this.items;
  }
}

/** `file:line:column path: message`, the one-line form the CLI prints. */
export function formatPolicyError(e: PolicyLoadError): string {
  const at = e.line ? `:${e.line}${e.column ? `:${e.column}` : ''}` : '';
  return `${e.file}${at}${e.path ? ` ${e.path}` : ''}: ${e.message}`;
}

/** A waiver with where it was declared. */
export interface WaiverEntry extends Waiver {
  /** The policy file and line of the waiver (the file as the user named it, or `policies/<name>.yaml` for shipped ones). */
  source: SourceLocation;
}

/** One parsed policy file; `extends` already resolved to files. */
interface Layer {
  file: string;
  display: string;
  policy: Policy;
  locate: (jsonPath: string) => { line: number; column: number } | undefined;
}

export interface ResolvedPolicy {
  name: string;
  /** Files applied, extended ones first. */
  files: string[];
  failOn: FailOn;
  selection: RuleSelection;
  waivers: WaiverEntry[];
  /** Checks the policy against the loaded rules: unknown rule ids, parameter names and parameter types. */
  check(rules: readonly Rule[]): PolicyLoadError[];
}

/** The policy's arrays whose items are validated one by one (Ajv merges errors of $ref'd items by concat: quadratic). */
const ITEM_ARRAYS: readonly (readonly string[])[] = [['waivers'], ['rules', 'include'], ['rules', 'exclude']];

interface PolicyValidators {
  /** Stops at the first error: linear, for the common valid case. */
  quick: ValidateFunction;
  /** Every error, for the document with the ITEM_ARRAYS emptied. */
  all: ValidateFunction;
  /** Every error of one item of each ITEM_ARRAYS entry. */
  items: ValidateFunction[];
}
let validators: PolicyValidators | undefined;
function policyValidators(): PolicyValidators {
  if (!validators) {
    // Loaded on demand: a scan with a shipped policy reads the build-time bundle and needs neither ajv nor yaml.
    const Ajv = (require('ajv') as typeof import('ajv')).default;
    const schema = JSON.parse(fs.readFileSync(POLICY_SCHEMA_PATH, 'utf8')) as Record<string, unknown> & { definitions?: unknown };
    const itemSchema = (keys: readonly string[]): Record<string, unknown> => {
      let node = schema as Record<string, unknown>;
      for (const k of keys) node = (node.properties as Record<string, Record<string, unknown>>)[k];
      return { ...(node.items as Record<string, unknown>), definitions: schema.definitions };
    };
    // verbose: errors carry the offending value (describeAjvError quotes it for 'pattern').
    const all = new Ajv({ allErrors: true, strict: false, verbose: true });
    validators = {
      quick: new Ajv({ allErrors: false, strict: false }).compile(schema),
      all: all.compile(schema),
      items: ITEM_ARRAYS.map((keys) => all.compile(itemSchema(keys))),
    };
  }
  return validators;
}

/**
 * Schema errors of a policy document in a time linear in its size: the big arrays (waivers, rule selectors) item by
 * item, the rest of the document with those arrays emptied. Errors past the cap are counted, not described.
 */
function schemaErrors(data: Record<string, unknown>, out: ErrorList, err: (p: string, message: string) => PolicyLoadError): void {
  const v = policyValidators();
  if (v.quick(data)) return;
  const rest: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  const itemErrors: ErrorObject[][] = [];
  ITEM_ARRAYS.forEach((keys, k) => {
    let parent = rest;
    for (const key of keys.slice(0, -1)) {
      const child = parent[key];
      if (child === null || typeof child !== 'object' || Array.isArray(child)) return;
      parent = parent[key] = { ...(child as Record<string, unknown>) };
    }
    const last = keys[keys.length - 1];
    const list = parent[last];
    if (!Array.isArray(list)) return;
    parent[last] = [];
    const prefix = `/${keys.join('/')}/`;
    list.forEach((item, i) => {
      if (v.items[k](item)) return;
      itemErrors.push(simplifyAjvErrors(v.items[k].errors ?? []).map((e) => ({ ...e, instancePath: `${prefix}${i}${e.instancePath}` })));
    });
  });
  const docErrors = v.all(rest) ? [] : simplifyAjvErrors(v.all.errors ?? []);
  for (const e of [...docErrors, ...itemErrors.flat()]) out.add(() => err(e.instancePath, describeAjvError(e)));
}

const yamlLib = (): typeof import('yaml') => require('yaml') as typeof import('yaml');
const minimatch = (...args: Parameters<typeof import('minimatch').minimatch>): boolean => (require('minimatch') as typeof import('minimatch')).minimatch(...args);

/**
 * Shipped policies validated at build time (`dist/policies.bundle.json`, written by scripts/build-rules-bundle.js),
 * keyed by the sha256 of the file text: a policy file whose text matches is used without parsing or validating it
 * again. Any other text (edited, user policies) takes the full path.
 */
export const POLICIES_BUNDLE_PATH = path.join(__dirname, '..', 'policies.bundle.json');
let prebuilt: Record<string, Policy> | undefined;
export const policyTextDigest = (text: string): string => createHash('sha256').update(text).digest('hex');
function prebuiltPolicy(text: string): Policy | undefined {
  if (prebuilt === undefined) {
    try {
      prebuilt = (JSON.parse(fs.readFileSync(POLICIES_BUNDLE_PATH, 'utf8')) as { policies: Record<string, Policy> }).policies;
    } catch {
      prebuilt = {};
    }
  }
  return prebuilt[policyTextDigest(text)];
}

/** The shipped policy names (files in <package>/policies). */
export function shippedPolicyNames(): string[] {
  try {
    return fs
      .readdirSync(POLICY_DIR)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -5))
      .sort();
  } catch {
    return [];
  }
}

/**
 * A bare word (no slash, no extension) names a shipped policy, in any case (`--policy Strict`: shipped names are
 * lower-case); anything else is a path relative to `fromDir`.
 */
export function resolvePolicyRef(ref: string, fromDir = process.cwd()): { file: string; display: string; shipped: boolean } {
  if (/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(ref)) {
    const name = ref.toLowerCase();
    const file = path.join(POLICY_DIR, `${name}.yaml`);
    return { file, display: `policies/${name}.yaml`, shipped: true };
  }
  const file = path.resolve(fromDir, ref);
  const rel = path.relative(process.cwd(), file);
  return { file, display: rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file, shipped: false };
}

function parsedLocator(text: string): Layer['locate'] {
  const { LineCounter, parseDocument } = yamlLib();
  const lc = new LineCounter();
  return locator(parseDocument(text, { lineCounter: lc, prettyErrors: false }), lc);
}

function locator(doc: ReturnType<typeof parseDocument>, lc: LineCounter) {
  const { isMap, isSeq, isScalar } = yamlLib();
  return (jsonPath: string): { line: number; column: number } | undefined => {
    const keys = jsonPath
      .split('/')
      .slice(1)
      .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    let node: Node | null | undefined = doc.contents as Node | null;
    let range = node?.range;
    for (const k of keys) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === k);
        if (!pair) break;
        range = (pair.key as Node).range ?? range;
        node = pair.value as Node | undefined;
        if (node?.range && (isMap(node) || isSeq(node) || isScalar(node)) && keys[keys.length - 1] !== k) range = node.range;
      } else if (isSeq(node)) {
        node = node.items[Number(k)] as Node | undefined;
        if (!node) break;
        range = node.range ?? range;
      } else break;
    }
    if (!range) return undefined;
    const pos = lc.linePos(range[0]);
    return { line: pos.line, column: pos.col };
  };
}

function describeAjvError(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `unknown property '${String(p.additionalProperty)}'`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'pattern':
      if (e.instancePath.endsWith('/expires')) return 'must be a date YYYY-MM-DD';
      return `${JSON.stringify(e.data)} ${e.message}`;
    case 'propertyNames':
      return `invalid key ${JSON.stringify(p.propertyName)} (expected a rule id such as DOM-SEC-001${e.schemaPath.includes('severity') ? ' or a glob such as DOM-IOT-*' : ''})`;
    default:
      return e.message ?? e.keyword;
  }
}

/** Ajv reports every branch of a failed `oneOf`; keep the most specific errors, one per path. */
function simplifyAjvErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  // Linear: what the filters ask of the other errors is indexed by instance path first.
  const propertyNamesAt = new Set(errors.filter((e) => e.keyword === 'propertyNames').map((e) => e.instancePath));
  const specific = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'if' && !(e.keyword === 'pattern' && propertyNamesAt.has(e.instancePath)));
  const kept = specific.length ? specific : [...errors];
  const nonTypeAt = new Set<string>();
  const ancestors = new Set<string>();
  for (const o of kept) {
    if (o.keyword !== 'type') nonTypeAt.add(o.instancePath);
    for (let i = o.instancePath.lastIndexOf('/'); i >= 0; i = o.instancePath.lastIndexOf('/', i - 1)) {
      const up = o.instancePath.slice(0, i);
      if (ancestors.has(up)) break;
      ancestors.add(up);
      if (i === 0) break;
    }
  }
  const seen = new Set<string>();
  const out: ErrorObject[] = [];
  // A value that failed a oneOf of "string | object" gets a type error for one branch and something else for the
  // other; the type error of the branch the value is not is noise.
  for (const e of kept) {
    if (e.keyword === 'type' && (nonTypeAt.has(e.instancePath) || ancestors.has(e.instancePath))) continue;
    const k = `${e.instancePath}\0${describeAjvError(e)}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  return out;
}

function validDate(d: string): boolean {
  const [y, m, day] = d.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, day));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === day;
}

/** Parses and schema-checks one policy file (no `extends` resolution). */
export function parsePolicyText(text: string, file: string, display = file): { layer?: Layer; errors: PolicyLoadError[] } {
  const known = prebuiltPolicy(text);
  if (known) {
    // Locations are only needed for error messages: parse for them lazily.
    let locate: Layer['locate'] | undefined;
    return { layer: { file, display, policy: known, locate: (p) => (locate ??= parsedLocator(text))(p) }, errors: [] };
  }
  const { LineCounter, parseDocument } = yamlLib();
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const errors = new ErrorList(() => display);
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      errors.add(() => {
        const pos = lc.linePos(e.pos[0]);
        return { file: display, line: pos.line, column: pos.col, message: `YAML: ${e.message.split('\n')[0]}` };
      });
    }
    return { errors: errors.done() };
  }
  const locate = locator(doc, lc);
  const err = (p: string, message: string): PolicyLoadError => ({ file: display, ...locate(p), path: p || '/', message });
  const js = yamlToJs(doc);
  if (!js.ok) return { errors: [{ file: display, line: 1, message: `YAML: ${js.reason}` }] };
  const data: unknown = js.value ?? {};
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { errors: [{ file: display, line: 1, message: 'a policy is a YAML mapping (see `vmaudit policy init`)' }] };
  schemaErrors(data as Record<string, unknown>, errors, err);
  if (errors.length) return { errors: errors.done() };
  const policy = data as Policy;
  (policy.waivers ?? []).forEach((w, i) => {
    if (!validDate(w.expires)) errors.add(() => err(`/waivers/${i}/expires`, `${w.expires} is not a calendar date`));
  });
  for (const [id, params] of Object.entries(policy.params ?? {})) {
    if (params === null || typeof params !== 'object' || Array.isArray(params)) errors.add(() => err(`/params/${id}`, 'must be a mapping of parameter names to values'));
  }
  return errors.length ? { errors: errors.done() } : { layer: { file, display, policy, locate }, errors: [] };
}

function extendsList(p: Policy): string[] {
  return p.extends === undefined ? [] : typeof p.extends === 'string' ? [p.extends] : p.extends;
}

/** Loads the layers of a policy, extended ones first (each file once, in first-use order); cycles are errors. */
function loadLayers(ref: string, fromDir: string, stack: string[], done: Map<string, Layer>, out: Layer[], errors: PolicyLoadError[], refAt?: PolicyLoadError): void {
  const { file, display, shipped } = resolvePolicyRef(ref, fromDir);
  if (stack.includes(file)) {
    const chain = [...stack.slice(stack.indexOf(file)), file].map((f) => path.basename(f)).join(' → ');
    errors.push({ ...(refAt ?? { file: display }), message: `extends cycle: ${chain}` });
    return;
  }
  if (done.has(file)) return;
  const read = readInputText(file, 'policy');
  if (!read.ok) {
    const why = shipped ? `no shipped policy '${ref}' (shipped: ${shippedPolicyNames().join(', ')})` : `cannot read policy ${display}: ${read.reason}`;
    errors.push({ ...(refAt ?? { file: display }), message: why });
    return;
  }
  const text = read.data;
  const parsed = parsePolicyText(text, file, display);
  for (const e of parsed.errors) errors.push(e);
  if (!parsed.layer) return;
  const layer = parsed.layer;
  done.set(file, layer);
  extendsList(layer.policy).forEach((parent, i) => {
    const p = typeof layer.policy.extends === 'string' ? '/extends' : `/extends/${i}`;
    loadLayers(parent, path.dirname(file), [...stack, file], done, out, errors, { file: display, ...layer.locate(p), path: p, message: '' });
  });
  out.push(layer);
}

/**
 * Rule-id globs (`DOM-SEC-*`): the schema allows only A-Z, 0-9, '-', '*' and '?', where minimatch's '*' and '?' are
 * any text and one character (ids have no '/' or leading '.'); each glob is compiled once.
 */
const idGlobs = new Map<string, RegExp>();
function idGlobRe(glob: string): RegExp | undefined {
  if (!/^[A-Za-z0-9*?_-]+$/.test(glob)) return undefined;
  let re = idGlobs.get(glob);
  if (!re) {
    if (idGlobs.size > 100_000) idGlobs.clear();
    re = new RegExp(`^${glob.replace(/\*+/g, '.*').replace(/\?/g, '.')}$`, 's');
    idGlobs.set(glob, re);
  }
  return re;
}
const idMatch = (glob: string, id: string): boolean => {
  if (!glob.includes('*') && !glob.includes('?')) return glob === id;
  return idGlobRe(glob)?.test(id) ?? minimatch(id, glob);
};

export function selectorMatches(sel: Selector, rule: Rule): boolean {
  if (typeof sel === 'string') return idMatch(sel, rule.id);
  if (sel.id !== undefined && !idMatch(sel.id, rule.id)) return false;
  if (sel.area !== undefined && sel.area !== rule.area) return false;
  if (sel.scope !== undefined && sel.scope !== rule.scope) return false;
  if (sel.tag !== undefined && !(rule.tags ?? []).includes(sel.tag)) return false;
  if (sel['min-severity'] !== undefined && severityRank(rule.severity) < severityRank(sel['min-severity'])) return false;
  return true;
}

/** An opt-in rule is selected only by a selector that names it: an id or id glob (with other fields matching too). */
function selectsById(sel: Selector, rule: Rule): boolean {
  return (typeof sel === 'string' || sel.id !== undefined) && selectorMatches(sel, rule);
}

/**
 * Loads a policy by shipped name or path, with everything it extends. Errors carry file, line and JSON path.
 * Semantics (docs/policies.md): layers apply extended-first; `rules.include` of the first layer that has one
 * replaces "all rules" and later ones add; `exclude` removes; severity and params of later layers win;
 * waivers accumulate; the last `fail-on` set wins.
 */
export function loadPolicy(ref: string, fromDir = process.cwd()): { policy?: ResolvedPolicy; errors: PolicyLoadError[] } {
  const layers: Layer[] = [];
  const errors: PolicyLoadError[] = [];
  loadLayers(ref, fromDir, [], new Map(), layers, errors);
  if (errors.length) {
    // Each file's errors are capped; several files together are capped again.
    const capped = new ErrorList(() => resolvePolicyRef(ref, fromDir).display);
    capped.addAll(errors);
    return { errors: capped.done() };
  }
  const top = layers[layers.length - 1];
  const name = top.policy.name ?? path.basename(top.file).replace(/\.ya?ml$/, '');
  let failOn: FailOn = 'high';
  for (const l of layers) if (l.policy['fail-on'] !== undefined) failOn = l.policy['fail-on'];

  const enabledCache = new Map<string, boolean>();
  const enabled = (rule: Rule): boolean => {
    let on = enabledCache.get(rule.id);
    if (on !== undefined) return on;
    const optIn = rule['opt-in'] === true;
    let implicitAll = true;
    on = !optIn;
    for (const l of layers) {
      const inc = l.policy.rules?.include;
      if (inc) {
        if (implicitAll) on = false;
        implicitAll = false;
        if (inc.some((s) => (optIn ? selectsById(s, rule) : selectorMatches(s, rule)))) on = true;
      }
      if (l.policy.rules?.exclude?.some((s) => selectorMatches(s, rule))) on = false;
    }
    enabledCache.set(rule.id, on);
    return on;
  };
  const settings = (rule: Rule): RuleSettings => {
    let severity: Severity | undefined;
    let params: Record<string, unknown> | undefined;
    for (const l of layers) {
      for (const [glob, sev] of Object.entries(l.policy.severity ?? {})) if (idMatch(glob, rule.id)) severity = sev;
      const p = l.policy.params?.[rule.id] as Record<string, unknown> | undefined;
      if (p) params = { ...params, ...p };
    }
    return { ...(severity ? { severity } : {}), ...(params ? { params } : {}) };
  };
  const waivers: WaiverEntry[] = layers.flatMap((l) =>
    (l.policy.waivers ?? []).map((w, i) => ({ ...w, source: { file: l.display, line: l.locate(`/waivers/${i}`)?.line ?? 1, column: l.locate(`/waivers/${i}`)?.column ?? 1 } })),
  );
  const check = (rules: readonly Rule[]): PolicyLoadError[] => checkAgainstRules(layers, rules);
  const platformGiven = Object.assign({}, ...layers.map((l) => l.policy.platform ?? {})) as Record<string, string>;
  const platform = Object.keys(platformGiven).length ? { policy: platformGiven, policyName: name } : undefined;
  return { policy: { name, files: layers.map((l) => l.display), failOn, selection: { name, enabled, settings, ...(platform ? { platform } : {}) }, waivers, check }, errors: [] };
}

function paramTypeOk(type: string | undefined, def: unknown, v: unknown): string | undefined {
  const t = type ?? (Array.isArray(def) ? (def.every((x) => typeof x === 'number') && def.length ? 'number-list' : 'string-list') : typeof def);
  const ok =
    t === 'number'
      ? typeof v === 'number' && Number.isFinite(v)
      : t === 'string'
        ? typeof v === 'string'
        : t === 'boolean'
          ? typeof v === 'boolean'
          : t === 'string-list'
            ? Array.isArray(v) && v.every((x) => typeof x === 'string')
            : t === 'number-list'
              ? Array.isArray(v) && v.every((x) => typeof x === 'number')
              : true;
  return ok ? undefined : t === 'string-list' ? 'a list of strings' : t === 'number-list' ? 'a list of numbers' : `a ${t}`;
}

function checkAgainstRules(layers: readonly Layer[], rules: readonly Rule[]): PolicyLoadError[] {
  const errors = new ErrorList(() => layers[layers.length - 1]?.display ?? 'policy');
  const byId = new Map(rules.map((r) => [r.id, r]));
  const anyRuleMemo = new Map<string, boolean>();
  const anyRule = (glob: string): boolean => {
    let any = byId.has(glob) || anyRuleMemo.get(glob);
    if (any === undefined) {
      any = rules.some((r) => idMatch(glob, r.id));
      anyRuleMemo.set(glob, any);
    }
    return any;
  };
  for (const l of layers) {
    const at = (p: string, message: string) => errors.add(() => ({ file: l.display, ...l.locate(p), path: p, message }));
    const sels = (kind: 'include' | 'exclude') =>
      (l.policy.rules?.[kind] ?? []).forEach((s, i) => {
        if (!rules.some((r) => selectorMatches(s, r))) at(`/rules/${kind}/${i}`, `selects no rule${typeof s === 'string' || s.id ? ` (no rule id matches ${JSON.stringify(typeof s === 'string' ? s : s.id)})` : ''}`);
      });
    sels('include');
    sels('exclude');
    for (const glob of Object.keys(l.policy.severity ?? {})) if (!anyRule(glob)) at(`/severity/${glob}`, `no rule ${glob}`);
    for (const [id, values] of Object.entries(l.policy.params ?? {})) {
      const rule = byId.get(id);
      if (!rule) {
        at(`/params/${id}`, `no rule ${id}`);
        continue;
      }
      for (const [k, v] of Object.entries(values as Record<string, unknown>)) {
        const decl = rule.params?.[k];
        if (!decl) {
          const known = Object.keys(rule.params ?? {});
          at(`/params/${id}/${k}`, `${id} has no parameter '${k}'${known.length ? ` (it has: ${known.join(', ')})` : ' (it takes none)'}`);
          continue;
        }
        const want = paramTypeOk(decl.type, decl.default, v);
        if (want) at(`/params/${id}/${k}`, `${id} parameter '${k}' must be ${want}, not ${JSON.stringify(v)}`);
      }
    }
    (l.policy.waivers ?? []).forEach((w, i) => {
      if (!anyRule(w.rule)) at(`/waivers/${i}/rule`, `no rule ${w.rule}`);
    });
  }
  return errors.done();
}

// ---------------------------------------------------------------------------------------------- waivers

/** Today's date as YYYY-MM-DD (UTC); `VMAUDIT_TODAY` (YYYY-MM-DD) fixes it for reproducible runs and tests. */
export function today(env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): string {
  const fixed = env.VMAUDIT_TODAY;
  if (fixed && /^\d{4}-\d{2}-\d{2}$/.test(fixed) && validDate(fixed)) return fixed;
  return now.toISOString().slice(0, 10);
}

const subjectRe = (pattern: string): RegExp => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');

/** `*` matches any text (slashes and brackets included), `?` one character; everything else is literal. */
export function subjectMatches(pattern: string, subject: string): boolean {
  return subjectRe(pattern).test(subject);
}

/** Each waiver's target glob and subject pattern compiled once (a scan tests every finding against every waiver). */
const waiverMatchers = new WeakMap<Waiver, (f: Finding) => boolean>();
function waiverMatcher(w: Waiver): (f: Finding) => boolean {
  let m = waiverMatchers.get(w);
  if (!m) {
    const { Minimatch } = require('minimatch') as typeof import('minimatch');
    const target = w.target !== undefined ? new Minimatch(w.target, { dot: true, nocomment: true, nonegate: true }) : undefined;
    const subject = w.subject !== undefined ? subjectRe(w.subject) : undefined;
    m = (f) => idMatch(w.rule, f.ruleId) && (target === undefined || target.match(f.target.name)) && (subject === undefined || subject.test(f.subject));
    waiverMatchers.set(w, m);
  }
  return m;
}

export function waiverCovers(w: Waiver, f: Finding): boolean {
  return waiverMatcher(w)(f);
}

/** How each waiver fared in one scan. Expired and unused waivers are reported; an expired one waives nothing. */
export interface WaiverNote {
  waiver: WaiverEntry;
  status: 'active' | 'expired' | 'unused';
  /** Findings it covers (for an expired waiver: the findings it would have covered and no longer does). */
  findings: number;
}

/**
 * Marks findings covered by an unexpired waiver (`Finding.waiver`; the first matching waiver wins) and returns
 * one note per waiver. `todayIso` is YYYY-MM-DD; a waiver applies through its `expires` day.
 */
export function applyWaivers(result: ScanResult, waivers: readonly WaiverEntry[], todayIso: string): WaiverNote[] {
  const notes: WaiverNote[] = waivers.map((w) => ({ waiver: w, status: w.expires < todayIso ? 'expired' : 'active', findings: 0 }));
  // Waivers naming one rule id are only tried on that rule's findings; glob ones on every finding. Order kept.
  const exact = new Map<string, number[]>();
  const globbed: number[] = [];
  notes.forEach((n, i) => {
    const id = n.waiver.rule;
    if (id.includes('*') || id.includes('?')) globbed.push(i);
    else {
      const list = exact.get(id);
      if (list) list.push(i);
      else exact.set(id, [i]);
    }
  });
  const candidates = (ruleId: string): number[] => {
    const a = exact.get(ruleId) ?? [];
    if (!globbed.length) return a;
    if (!a.length) return globbed;
    return [...a, ...globbed].sort((x, y) => x - y);
  };
  result.findings = result.findings.map((f) => {
    let waived: Finding['waiver'];
    for (const i of candidates(f.ruleId)) {
      const n = notes[i];
      if (!waiverCovers(n.waiver, f)) continue;
      n.findings++;
      if (n.status === 'active' && !waived) waived = { justification: n.waiver.justification, expires: n.waiver.expires, source: n.waiver.source.file };
    }
    const { waiver: _drop, ...rest } = f;
    return waived ? { ...rest, waiver: waived } : rest;
  });
  for (const n of notes) if (n.status === 'active' && n.findings === 0) n.status = 'unused';
  return notes;
}

export function describeWaiverNote(n: WaiverNote): string {
  const w = n.waiver;
  const what = `waiver for ${w.rule}${w.target ? ` on ${w.target}` : ''}${w.subject ? ` (${w.subject})` : ''} at ${w.source.file}:${w.source.line}`;
  if (n.status === 'expired') return `${what} expired on ${w.expires}${n.findings ? `; ${n.findings} finding(s) it covered are no longer waived` : ''}`;
  if (n.status === 'unused') return `${what} matched no finding (stale?)`;
  return `${what} waives ${n.findings} finding(s) until ${w.expires}`;
}

