import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
// ajv and yaml are loaded on first use only: the CLI's start-up path reads the build-time bundle of the built-in
// rules (dist/rules.bundle.json) and needs neither unless user rule directories are given (see loadBuiltinRules).
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Node, parseDocument as ParseDocument } from 'yaml';
import type { Rule } from './generated/rule';
import { readInputText } from '../util/read-input';
import { yamlToJs } from '../util/yaml-limits';
import { CelCompileError, compileExpr, compileTemplate } from './cel';
import { ruleExpressions } from './rule-expressions';
// cel-check (the load-time type checker) is loaded on first use: the start-up path reads the bundle of built-in rules.
import type * as CelCheck from './cel-check';

/** The rules shipped with vmaudit live in <package>/rules; test cases (`*.test.yaml`) sit next to them. */
export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');
export const BUILTIN_RULES_DIR = path.join(PACKAGE_ROOT, 'rules');
export const RULE_SCHEMA_PATH = path.join(PACKAGE_ROOT, 'schemas', 'rule.schema.json');
/** Written by `npm run build` (scripts/build-rules-bundle.js): the built-in rules, already validated and compiled once. */
export const RULES_BUNDLE_PATH = path.join(PACKAGE_ROOT, 'dist', 'rules.bundle.json');

export interface RuleLoadError {
  file: string;
  line?: number;
  /** JSON path inside the document, e.g. `/remediation/snippet`. */
  path?: string;
  message: string;
}

export interface LoadedRule {
  rule: Rule;
  file: string;
}

let validator: ValidateFunction | undefined;
function ruleValidator(): ValidateFunction {
  if (!validator) {
    const Ajv = (require('ajv') as typeof import('ajv')).default;
    const ajv = new Ajv({ allErrors: true, strict: false });
    validator = ajv.compile(JSON.parse(fs.readFileSync(RULE_SCHEMA_PATH, 'utf8')));
  }
  return validator;
}

/** Lists rule files below dir: `*.yaml`/`*.yml`, except test-case files `*.test.yaml`. */
export function listRuleFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name) && !/\.test\.ya?ml$/.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

type Yaml = typeof import('yaml');
let yamlModule: Yaml | undefined;
const yaml = (): Yaml => (yamlModule ??= require('yaml') as Yaml);

function lineOf(doc: ReturnType<typeof ParseDocument>, lc: InstanceType<Yaml['LineCounter']>, jsonPath: string): number | undefined {
  const { isMap, isSeq } = yaml();
  const keys = jsonPath.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: Node | null | undefined = doc.contents as Node | null;
  let range = node?.range;
  for (const k of keys) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === k);
      node = pair?.value as Node | undefined;
      range = (pair?.key as Node | undefined)?.range ?? range;
    } else if (isSeq(node)) {
      node = node.items[Number(k)] as Node | undefined;
      range = node?.range ?? range;
    } else break;
  }
  return range ? lc.linePos(range[0]).line : undefined;
}

function describeAjvError(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') return `unknown property '${(e.params as { additionalProperty: string }).additionalProperty}'`;
  if (e.keyword === 'enum') return `${e.message}: ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return e.message ?? e.keyword;
}

/** Parses, schema-validates and CEL-compiles one rule file. Errors name the file, line and JSON path. */
export function loadRuleFile(file: string, text?: string): { rule?: Rule; errors: RuleLoadError[] } {
  if (text === undefined) {
    const read = readInputText(file, 'rule');
    if (!read.ok) return { errors: [{ file, message: read.reason }] };
    text = read.data;
  }
  const { LineCounter, parseDocument } = yaml();
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    return { errors: doc.errors.map((e) => ({ file, line: e.linePos?.[0]?.line, message: `YAML: ${e.message.split('\n')[0]}` })) };
  }
  const js = yamlToJs(doc);
  if (!js.ok) return { errors: [{ file, line: 1, message: `YAML: ${js.reason}` }] };
  const data = js.value;
  const validate = ruleValidator();
  if (!validate(data)) {
    return {
      errors: (validate.errors ?? []).map((e) => ({ file, path: e.instancePath || '/', line: lineOf(doc, lc, e.instancePath), message: describeAjvError(e) })),
    };
  }
  const rule = data as Rule;
  const errors: RuleLoadError[] = [];
  const base = path.basename(file).replace(/\.ya?ml$/, '');
  if (base !== rule.id) errors.push({ file, path: '/id', line: lineOf(doc, lc, '/id'), message: `rule id '${rule.id}' does not match the file name '${base}'` });
  for (const [p, src, kind] of ruleExpressions(rule)) {
    try {
      if (kind === 'expr') compileExpr(src);
      else compileTemplate(src);
    } catch (err) {
      if (err instanceof CelCompileError) errors.push({ file, path: p, line: lineOf(doc, lc, p), message: `CEL: ${err.message}` });
      else throw err;
    }
  }
  // Type-checked against the fact model (schemas/facts): a misspelt field is a load error, not a run-time
  // "not evaluated". Built-in rules are checked once, when the bundle is built (npm run build).
  if (!errors.length) for (const e of (require('./cel-check') as typeof CelCheck).checkRuleTypes(rule)) errors.push({ file, path: e.path, line: exprLine(doc, lc, e.path, e.offset), message: `CEL: ${e.message}` });
  return errors.length ? { errors } : { rule, errors };
}

/** Line of the character `offset` of the string at jsonPath (block scalars keep their lines; else the value's first line). */
function exprLine(doc: ReturnType<typeof ParseDocument>, lc: InstanceType<Yaml['LineCounter']>, jsonPath: string, offset: number): number | undefined {
  const node = doc.getIn(jsonPath.split('/').slice(1).map((k) => (/^\d+$/.test(k) ? Number(k) : k)), true) as (Node & { type?: string; value?: unknown }) | undefined;
  if (!node?.range || typeof node.value !== 'string') return lineOf(doc, lc, jsonPath);
  const start = lc.linePos(node.range[0]).line;
  const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
  return start + (block ? 1 : 0) + (block ? node.value.slice(0, offset).split('\n').length - 1 : 0);
}

export function loadRuleDir(dir: string): { rules: LoadedRule[]; errors: RuleLoadError[] } {
  const rules: LoadedRule[] = [];
  const errors: RuleLoadError[] = [];
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return { rules, errors: [{ file: dir, message: 'not a directory' }] };
  for (const file of listRuleFiles(dir)) {
    const r = loadRuleFile(file);
    errors.push(...r.errors);
    if (r.rule) rules.push({ rule: r.rule, file });
  }
  return { rules, errors };
}

/** The bundle of built-in rules: what loadRuleDir(BUILTIN_RULES_DIR) returned at build time, and of which files. */
export interface RulesBundle {
  format: 'vmaudit-rules-bundle';
  version: 1;
  /** rulesDigest() of the rule files the bundle was built from. */
  digest: string;
  /** rulesStamp() of its files when it was built: equal now means the digest need not be computed (start-up). */
  stamp?: string;
  /** `file` relative to PACKAGE_ROOT, with forward slashes. */
  rules: { file: string; rule: Rule }[];
}

/** sha256 over the relative names and contents of the rule files below dir (test-case files excluded). */
export function rulesDigest(dir: string = BUILTIN_RULES_DIR): string {
  const h = createHash('sha256');
  for (const f of listRuleFiles(dir)) h.update(`${path.relative(dir, f).split(path.sep).join('/')}\0`).update(fs.readFileSync(f)).update('\0');
  return h.digest('hex');
}

/**
 * The rule files' directories and the files themselves with their sizes and modification times: what changes when a
 * rule is edited, added or removed, read without reading the files (rulesDigest reads and hashes all of them, ~8 ms of
 * a start-up). An edit that keeps both size and mtime (touch -r, cp -p of another file) is not seen: after one, run
 * `npm run build`. Undefined when a file is gone.
 */
export function rulesStamp(files: readonly string[], dir: string = BUILTIN_RULES_DIR): string | undefined {
  try {
    const dirs = [...new Set(files.flatMap((f) => ancestors(path.dirname(f), dir)))].sort();
    return [
      ...dirs.map((d) => `d ${path.relative(dir, d)} ${fs.statSync(d).mtimeMs}`),
      ...files.map((f) => {
        const st = fs.statSync(f);
        return `f ${path.relative(dir, f)} ${st.size} ${st.mtimeMs}`;
      }),
    ].join('\n');
  } catch {
    return undefined;
  }
}

/** d and its parents up to and including top. */
function ancestors(d: string, top: string): string[] {
  const out = [d];
  while (d !== top && d.startsWith(top + path.sep)) out.push((d = path.dirname(d)));
  return out;
}

/**
 * The built-in rules: from the build-time bundle when it matches the rule files on disk byte for byte (they were
 * schema-validated and CEL-compiled when it was written), otherwise (rules edited since the last build, or no build)
 * from the YAML files, exactly as user rule directories are loaded.
 */
export function loadBuiltinRules(): { rules: LoadedRule[]; errors: RuleLoadError[] } {
  let bundle: RulesBundle | undefined;
  try {
    bundle = JSON.parse(fs.readFileSync(RULES_BUNDLE_PATH, 'utf8')) as RulesBundle;
  } catch {
    bundle = undefined;
  }
  if (bundle && bundle.format === 'vmaudit-rules-bundle' && bundle.version === 1 && fs.existsSync(BUILTIN_RULES_DIR)) {
    const rules = bundle.rules.map((r) => ({ rule: r.rule, file: path.join(PACKAGE_ROOT, ...r.file.split('/')) }));
    const unchanged = bundle.stamp !== undefined && bundle.stamp === rulesStamp(rules.map((r) => r.file));
    if (unchanged || bundle.digest === rulesDigest(BUILTIN_RULES_DIR)) return { rules, errors: [] };
  }
  return loadRuleDir(BUILTIN_RULES_DIR);
}

/** Built-in rules plus user rule directories; duplicate ids are errors. */
export function loadRules(extraDirs: string[] = []): { rules: LoadedRule[]; errors: RuleLoadError[] } {
  const all = [loadBuiltinRules(), ...extraDirs.map(loadRuleDir)];
  const rules = all.flatMap((r) => r.rules);
  const errors = all.flatMap((r) => r.errors);
  const seen = new Map<string, string>();
  for (const r of rules) {
    const prev = seen.get(r.rule.id);
    if (prev) errors.push({ file: r.file, path: '/id', message: `duplicate rule id ${r.rule.id} (also in ${prev})` });
    else seen.set(r.rule.id, r.file);
  }
  return { rules: rules.filter((r) => seen.get(r.rule.id) === r.file), errors };
}
