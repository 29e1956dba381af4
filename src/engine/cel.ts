import { Environment } from '@marcbachmann/cel-js';
import { formatCpulist } from '../facts/cpuset';

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
    handler: ((a: unknown) => (Array.isArray(a) ? a.flat(1) : [])) as never,
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

/** One POSIX shell word: as is when it has only safe characters, else single-quoted (`'` written as `'\\''`). */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

let shared: Environment | undefined;

export function celEnvironment(): Environment {
  if (!shared) {
    const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });
    for (const f of CEL_FUNCTIONS) env.registerFunction(f.signature, f.handler as never, { description: f.description } as never);
    shared = env;
  }
  return shared;
}

export type CompiledExpr = (ctx: Record<string, unknown>) => unknown;

export class CelCompileError extends Error {}

export function compileExpr(source: string): CompiledExpr {
  try {
    const parsed = celEnvironment().parse(source);
    return (ctx) => parsed(ctx);
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

export function display(v: unknown): string {
  if (v === null || v === undefined) return '(none)';
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(display).join(', ');
  if (typeof v === 'object') return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x));
  return String(v);
}

export function firstLine(s: string): string {
  return s.split('\n')[0];
}
