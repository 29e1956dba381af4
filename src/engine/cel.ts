import { Environment } from '@marcbachmann/cel-js';
import { formatCpulist } from '../facts/cpuset';
import { formatKernelMask, MAX_KERNEL_CPUS } from '../facts/host/kernel-bitmap';

/**
 * The CEL environment rules are written in. Facts are plain objects; their numbers are CEL doubles, which
 * compare freely with int literals (`it.size > 3`); for arithmetic use `int(x)` or double literals.
 * Set helpers below exist because CPU/node sets are everywhere in libvirt rules; they accept ints or doubles.
 */
const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));
const nums = (l: unknown): number[] => (Array.isArray(l) ? l.map(num) : []);

export const CEL_FUNCTIONS: { signature: string; description: string; handler: (...args: never[]) => unknown }[] = [
  {
    signature: 'overlaps(list, list): bool',
    description: 'true when the two lists share an element',
    handler: ((a: unknown, b: unknown) => {
      const s = new Set(nums(a));
      return nums(b).some((x) => s.has(x));
    }) as never,
  },
  {
    signature: 'intersect(list, list): list',
    description: 'elements of the first list that are also in the second (sorted, unique)',
    handler: ((a: unknown, b: unknown) => {
      const s = new Set(nums(b));
      return [...new Set(nums(a).filter((x) => s.has(x)))].sort((x, y) => x - y);
    }) as never,
  },
  {
    signature: 'difference(list, list): list',
    description: 'elements of the first list that are not in the second (sorted, unique)',
    handler: ((a: unknown, b: unknown) => {
      const s = new Set(nums(b));
      return [...new Set(nums(a).filter((x) => !s.has(x)))].sort((x, y) => x - y);
    }) as never,
  },
  {
    signature: 'subsetOf(list, list): bool',
    description: 'true when every element of the first list is in the second',
    handler: ((a: unknown, b: unknown) => {
      const s = new Set(nums(b));
      return nums(a).every((x) => s.has(x));
    }) as never,
  },
  {
    signature: 'cpulist(list): string',
    description: "formats a CPU/node set the way libvirt and the kernel print it ('0-3,8')",
    handler: ((a: unknown) => formatCpulist(nums(a))) as never,
  },
  {
    signature: 'cpumask(list): string',
    description: "formats a CPU set as a kernel CPU mask (%*pb: comma-separated 32-bit hex words, most significant first: [0, 1, 40] → '100,00000003'); '' for an empty set",
    handler: ((a: unknown) => {
      const cpus = nums(a);
      const bad = cpus.find((c) => !Number.isInteger(c) || c < 0 || c >= MAX_KERNEL_CPUS);
      if (bad !== undefined) throw new Error(`cpumask(): ${bad} is not a CPU number below ${MAX_KERNEL_CPUS}`);
      return formatKernelMask(cpus);
    }) as never,
  },
  {
    signature: 'pickCpus(list, list): list',
    description:
      'one CPU per element of the first list (the current choice per vCPU, null or -1 for none): kept when it is in the second list (the allowed CPUs) and not taken by an earlier element, else the lowest allowed CPU nobody keeps; -1 when none is left',
    handler: ((a: unknown, b: unknown) => pickCpus(Array.isArray(a) ? a.map((x) => (x === null || x === undefined ? -1 : num(x))) : [], nums(b))) as never,
  },
  {
    signature: 'dupes(list): list',
    description: 'values that occur more than once (sorted)',
    handler: ((a: unknown) => {
      const seen = new Set<unknown>();
      const d = new Set<unknown>();
      for (const x of Array.isArray(a) ? a.map((v) => (typeof v === 'bigint' ? Number(v) : v)) : []) (seen.has(x) ? d : seen).add(x);
      return [...d].sort();
    }) as never,
  },
  {
    signature: 'some(dyn): list',
    description: 'a one-element list holding the value, or an empty list when it is null (for `for-each` over an optional element)',
    handler: ((v: unknown) => (v === null || v === undefined ? [] : [v])) as never,
  },
  {
    signature: 'flatten(list): list',
    description: 'flattens a list of lists by one level',
    handler: ((a: unknown) => {
      if (!Array.isArray(a)) return [];
      // The one helper whose result can be far larger than its argument: charged before it is built.
      charge(a.reduce((n: number, x: unknown) => n + (Array.isArray(x) ? x.length : 1), 0));
      return a.flat(1);
    }) as never,
  },
  {
    signature: 'shellword(string): string',
    description: "the string as one POSIX shell word: unchanged when it has no special character, else in single quotes (for paths and names in remediation snippets)",
    handler: ((s: unknown) => shellWord(String(s))) as never,
  },
  {
    signature: 'sum(list): double',
    description: 'sum of the numbers in the list',
    handler: ((a: unknown) => nums(a).reduce((x, y) => x + y, 0)) as never,
  },
];

/** See the CEL function pickCpus: keep each wanted CPU that is allowed and free, fill the rest from the lowest free allowed ones. */
export function pickCpus(wanted: readonly number[], allowed: readonly number[]): number[] {
  const ok = new Set(allowed);
  const used = new Set<number>();
  const out = wanted.map((w) => (ok.has(w) && !used.has(w) ? (used.add(w), w) : -1));
  const free = [...ok].filter((c) => !used.has(c)).sort((x, y) => x - y);
  let i = 0;
  return out.map((c) => (c >= 0 ? c : i < free.length ? free[i++] : -1));
}

/** One POSIX shell word: as is when it has only safe characters, else single-quoted (`'` written as `'\\''`). */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The evaluation budget: what one rule may spend on one target (every expression of the rule: for-each, where,
 * assert, message... over all its subjects). CEL has no loops, but comprehensions nest (`l.all(a, l.all(b, ...))`
 * over 1,000-element list literals is 10^9 steps) and list operations multiply (`l.map(a, l.map(b, l))`, `x + x`
 * under cel.bind doubles per level): without a bound a --rules rule hangs the scan or aborts the process.
 * Cost model (deterministic, unlike a clock): 1 unit per CEL node evaluated, plus 1 per element of a list and per
 * character of a string built by an operator or a function (so memory grows only with spent budget). The library
 * (@marcbachmann/cel-js 8.0.0) has parse-time limits only (maxAstNodes, maxDepth, maxListElements...), which the
 * environment keeps at their defaults; the counter sits in its evaluator's `run`, through which every child node is
 * evaluated (operators, comprehension steps, macros).
 * The built-in rules spend at most 1,740 on the fixtures and libvirt's 1,770 test XMLs, 380,007 on a 20,000-<vcpupin> domain.
 */
export const CEL_EVALUATION_BUDGET = 10_000_000;

/** Over budget: the rule is not evaluated on this target (a rule error), the other rules are. */
export class CelBudgetExceeded extends Error {
  constructor(readonly limit: number) {
    super(`evaluation budget exceeded (${limit.toLocaleString('en-US')} steps)`);
  }
}

export interface Meter {
  left: number;
  readonly limit: number;
}
let meter: Meter | undefined;
/** Highest cost one budgeted evaluation has spent in this process (for tests and the bench). */
export const celCostStats = { max: 0 };

/** Spends `units` of the running budget; throws once it is exhausted (and on every later step). */
export function charge(units: number): void {
  if (meter && (meter.left -= units) < 0) throw new CelBudgetExceeded(meter.limit);
}

/** Runs `fn` (CEL evaluations) within one budget; nested calls share the outer one. */
export function withEvaluationBudget<T>(fn: () => T, limit = CEL_EVALUATION_BUDGET): T {
  if (meter) return fn();
  const m: Meter = { left: limit, limit };
  meter = m;
  try {
    const r = fn();
    if (m.left < 0) throw new CelBudgetExceeded(limit);
    return r;
  } catch (e) {
    // CEL absorbs some errors (`false && err`, exists()): an exhausted budget is reported whatever came out.
    if (m.left < 0 && !(e instanceof CelBudgetExceeded)) throw new CelBudgetExceeded(limit);
    throw e;
  } finally {
    celCostStats.max = Math.max(celCostStats.max, limit - m.left);
    meter = undefined;
  }
}

/** A budget of its own, for `withMeter`. */
export function newMeter(limit = CEL_EVALUATION_BUDGET): Meter {
  return { left: limit, limit };
}

/**
 * Runs `fn` against `own` instead of the running budget, then restores it. Remediations are rendered this way: a fix
 * that is costly to compute (one per finding, e.g. listing every unpinned vCPU under each of 20,000 duplicate pins)
 * must never turn the verdict into a rule error.
 */
export function withMeter<T>(own: Meter, fn: () => T): T {
  const outer = meter;
  meter = own;
  try {
    const r = fn();
    if (own.left < 0) throw new CelBudgetExceeded(own.limit);
    return r;
  } catch (e) {
    if (own.left < 0 && !(e instanceof CelBudgetExceeded)) throw new CelBudgetExceeded(own.limit);
    throw e;
  } finally {
    meter = outer;
  }
}

/** Node kinds whose result is freshly built (charged by size); variables, fields and literals are not copies. */
const BUILDS = new Set(['+', 'call', 'rcall']);

type Evaluator = { run(ast: { op: string; evaluate: (...a: unknown[]) => unknown }, ctx: unknown): unknown };

/**
 * Puts the counter into the environment's evaluator. The evaluator is private to the Environment; it is the `this`
 * of every registered function handler, so one probe call hands it over.
 */
function meterEvaluator(env: Environment): void {
  let ev: Evaluator | undefined;
  env.registerFunction('__vmaudit_evaluator(): bool', function (this: Evaluator) {
    ev = this;
    return true;
  } as never);
  env.parse('__vmaudit_evaluator()')({});
  if (!ev) throw new Error('CEL evaluator not found: the evaluation budget cannot be enforced');
  ev.run = function run(this: Evaluator, ast, ctx) {
    if (meter && --meter.left < 0) throw new CelBudgetExceeded(meter.limit);
    const r = ast.evaluate(this, ast, ctx);
    if (meter && BUILDS.has(ast.op)) {
      if (Array.isArray(r)) charge(r.length);
      else if (typeof r === 'string') charge(r.length);
    }
    return r;
  };
}

let shared: Environment | undefined;

export function celEnvironment(): Environment {
  if (!shared) {
    const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });
    for (const f of CEL_FUNCTIONS) env.registerFunction(f.signature, f.handler as never, { description: f.description } as never);
    meterEvaluator(env);
    shared = env;
  }
  return shared;
}

export type CompiledExpr = (ctx: Record<string, unknown>) => unknown;

export class CelCompileError extends Error {}

/** The compiled expression runs within the caller's budget (evaluateRule's), else within one of its own. */
export function compileExpr(source: string): CompiledExpr {
  try {
    const parsed = celEnvironment().parse(source);
    return (ctx) => withEvaluationBudget(() => parsed(ctx));
  } catch (err) {
    throw new CelCompileError(firstLine((err as Error).message));
  }
}

/** `"text {{ expr }} more"` → a function producing the string; values are formatted for humans. */
export function compileTemplate(template: string): (ctx: Record<string, unknown>) => string {
  const parts: (string | CompiledExpr)[] = [];
  const re = /\{\{([\s\S]+?)\}\}/g;
  let last = 0;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    if (m.index > last) parts.push(template.slice(last, m.index));
    parts.push(compileExpr(m[1].trim()));
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  return (ctx) => parts.map((p) => (typeof p === 'string' ? p : display(p(ctx)))).join('');
}

/** A value as text for messages; within a budget, every element and character written is charged. */
export function display(v: unknown): string {
  charge(1);
  if (v === null || v === undefined) return '(none)';
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(display).join(', ');
  if (typeof v === 'object')
    return JSON.stringify(v, (_k, x) => {
      charge(typeof x === 'string' ? x.length + 1 : 1);
      return typeof x === 'bigint' ? Number(x) : x;
    });
  const s = String(v);
  charge(s.length);
  return s;
}

export function firstLine(s: string): string {
  return s.split('\n')[0];
}
