import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Rule } from './generated/rule';
import { celEnvironment } from './cel';
import { ruleExpressions } from './rule-expressions';

/**
 * Load-time type checking of a rule's CEL against the fact model (schemas/facts/*.schema.json).
 *
 * It mirrors cel-go's checker (checker/checker.go: identifiers resolved in scope, field selection against the
 * declared type, `has()` tests a declared field, comprehension macros bind their variable to the element type,
 * overloads resolved by argument types, errors "undeclared reference", "undefined field", "no matching overload").
 * @marcbachmann/cel-js 8.0.0 has a checker too, but its object types convert values at run time (a wrapper class per
 * object) and it has no nullable fields (facts use null for "absent" everywhere), so this one walks the library's
 * parsed AST instead and evaluation stays as it is. Numbers are one kind (facts are doubles, literals ints: CEL's
 * runtime compares them freely); a value that may be null is checked as its non-null type (guarding is the rule's job).
 */

type T =
  // never: the element type of `[]` (joins with any other, as cel-go's list(dyn) of an empty literal is inferred from its use).
  | { k: 'dyn' | 'never' | 'null' | 'bool' | 'num' | 'string' | 'bytes' | 'type' | 'other'; nullable?: boolean }
  | { k: 'list'; elem: T; nullable?: boolean }
  | { k: 'map'; value: T; nullable?: boolean }
  | { k: 'obj'; name: string; node: SchemaNode; doc: string; nullable?: boolean }
  /** A map literal whose keys are all string literals (`{'d': d, 'cpus': …}`): a record of those fields. */
  | { k: 'rec'; fields: Map<string, T>; nullable?: boolean }
  | { k: 'union'; of: T[]; nullable?: boolean };

interface SchemaNode {
  $ref?: string;
  allOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  enum?: unknown[];
  const?: unknown;
  type?: string | string[];
  title?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  description?: string;
  'x-evidence'?: string[];
  'x-cel-variables'?: Record<string, Record<string, SchemaNode>>;
  definitions?: Record<string, SchemaNode>;
}

export const FACT_SCHEMA_DIR = path.resolve(__dirname, '..', '..', 'schemas', 'facts');
const docs = new Map<string, SchemaNode>();
function schemaDoc(name: string): SchemaNode {
  let d = docs.get(name);
  if (!d) {
    d = JSON.parse(fs.readFileSync(path.join(FACT_SCHEMA_DIR, name), 'utf8')) as SchemaNode;
    docs.set(name, d);
  }
  return d;
}

/** Resolves `$ref` (`#/definitions/X`, `file.schema.json`, `file.schema.json#/definitions/X`) from document `doc`. */
export function resolveRef(ref: string, doc: string): { node: SchemaNode; doc: string; name: string } {
  const [file, pointer] = ref.split('#');
  const d = file ? file : doc;
  let node = schemaDoc(d);
  const parts = (pointer ?? '').split('/').filter(Boolean);
  for (const p of parts) node = (node as unknown as Record<string, SchemaNode>)[p];
  if (!node) throw new Error(`schema reference ${ref} (from ${doc}) does not resolve`);
  return { node, doc: d, name: node.title ?? parts[parts.length - 1] ?? d };
}

const DYN: T = { k: 'dyn' };
const nullable = (t: T): T => (t.k === 'dyn' || t.k === 'never' || t.k === 'null' ? t : { ...t, nullable: true });

/** The CEL type of a schema node. */
export function typeOf(node: SchemaNode, doc: string, name = ''): T {
  if (node.$ref) {
    const r = resolveRef(node.$ref, doc);
    return typeOf(r.node, r.doc, r.name);
  }
  if (node.allOf?.length === 1) return typeOf(node.allOf[0], doc, name);
  const alts = node.anyOf ?? node.oneOf;
  if (alts) return union(alts.map((a) => typeOf(a, doc, name)));
  if (node.enum) return union(node.enum.map((v) => literal(v)));
  if (node.const !== undefined) return literal(node.const);
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  if (!types.length) return node.properties ? { k: 'obj', name: name || node.title || 'object', node, doc } : DYN;
  return union(
    types.map((ty): T => {
      switch (ty) {
        case 'null':
          return { k: 'null' };
        case 'boolean':
          return { k: 'bool' };
        case 'number':
        case 'integer':
          return { k: 'num' };
        case 'string':
          return { k: 'string' };
        case 'array':
          return { k: 'list', elem: node.items ? typeOf(node.items, doc) : DYN };
        case 'object':
          if (!Object.keys(node.properties ?? {}).length && node.additionalProperties && typeof node.additionalProperties === 'object') return { k: 'map', value: typeOf(node.additionalProperties, doc) };
          if (!Object.keys(node.properties ?? {}).length && node.additionalProperties !== false) return { k: 'map', value: DYN };
          return { k: 'obj', name: name || node.title || 'object', node, doc };
        default:
          return DYN;
      }
    }),
  );
}

function literal(v: unknown): T {
  if (v === null) return { k: 'null' };
  if (typeof v === 'string') return { k: 'string' };
  if (typeof v === 'number' || typeof v === 'bigint') return { k: 'num' };
  if (typeof v === 'boolean') return { k: 'bool' };
  if (v instanceof Uint8Array) return { k: 'bytes' };
  if (typeof v === 'object' && v !== null && 'value' in v) return { k: 'num' }; // cel-js UnsignedInt
  return DYN;
}

function union(ts: T[]): T {
  let hasNull = false;
  const out: T[] = [];
  for (const t of ts) {
    if (t.k === 'dyn') return DYN;
    if (t.k === 'never') continue;
    if (t.k === 'null') {
      hasNull = true;
      continue;
    }
    if (t.nullable) hasNull = true;
    const base = { ...t, nullable: undefined } as T;
    // Same primitive kind, or the same object type: one member (lists, maps and records are joined below).
    if (!out.some((o) => o.k === base.k && !['list', 'map', 'rec', 'union'].includes(o.k) && (o.k !== 'obj' || (base.k === 'obj' && o.node === base.node)))) out.push(base);
  }
  if (!out.length) return hasNull ? { k: 'null' } : { k: 'never' };
  const t: T =
    out.length === 1
      ? out[0]
      : out.every((o) => o.k === 'list')
        ? { k: 'list', elem: union(out.map((o) => (o as { elem: T }).elem)) }
        : out.every((o) => o.k === 'map')
          ? { k: 'map', value: union(out.map((o) => (o as { value: T }).value)) }
          : { k: 'union', of: out };
  return hasNull ? nullable(t) : t;
}

export function typeName(t: T): string {
  const n = (() => {
    switch (t.k) {
      case 'list':
        return `list<${typeName(t.elem)}>`;
      case 'map':
        return `map<string, ${typeName(t.value)}>`;
      case 'obj':
        return t.name;
      case 'rec':
        return `{${[...t.fields.keys()].join(', ')}}`;
      case 'union':
        return t.of.map(typeName).join(' | ');
      case 'num':
        return 'number';
      case 'never':
        return 'list element of []';
      default:
        return t.k;
    }
  })();
  return t.nullable ? `${n} | null` : n;
}

/** The fields of an object type (with their schema), or undefined for a type without declared fields. */
export function fieldsOf(t: T): Record<string, SchemaNode> | undefined {
  return t.k === 'obj' ? (t.node.properties ?? {}) : undefined;
}

export interface CheckError {
  /** JSON pointer of the rule key holding the expression, e.g. `/assert`. */
  path: string;
  /** Offset of the offending sub-expression in the key's value (the template's text for templates). */
  offset: number;
  message: string;
}

class CheckFailure extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

interface Node {
  op: string;
  args: unknown;
  pos: number;
  input: string;
  range?: { start: number; end: number };
}

type Overload = { name: string; receiver: string | null; params: string[]; ret: string };
let overloads: Map<string, Overload[]> | undefined;
let typeIdents: Set<string> | undefined;
function definitions(): Map<string, Overload[]> {
  if (!overloads) {
    const defs = celEnvironment().getDefinitions() as unknown as {
      functions: { name: string; receiverType: string | null; returnType: string; params: { type: string }[] }[];
      variables: { name: string }[];
    };
    overloads = new Map();
    for (const f of defs.functions) {
      const o = { name: f.name, receiver: f.receiverType, params: f.params.map((p) => p.type), ret: f.returnType };
      overloads.set(f.name, [...(overloads.get(f.name) ?? []), o]);
    }
    typeIdents = new Set(defs.variables.map((v) => v.name));
  }
  return overloads;
}

/** A type from a cel-js signature's type text (`list<string>`, `map<dyn, dyn>`, `int`, `A`...). */
function sigType(s: string): T {
  s = s.trim();
  const m = /^(list|map|optional)<(.*)>$/.exec(s);
  if (m) {
    if (m[1] === 'list') return { k: 'list', elem: sigType(m[2]) };
    if (m[1] === 'map') return { k: 'map', value: sigType(m[2].slice(m[2].indexOf(',') + 1)) };
    return DYN;
  }
  switch (s) {
    case 'int':
    case 'uint':
    case 'double':
      return { k: 'num' };
    case 'string':
    case 'bool':
    case 'bytes':
    case 'type':
    case 'null':
      return { k: s === 'bool' ? 'bool' : s } as T;
    case 'dyn':
    case 'ast':
      return DYN;
    default:
      return /^[A-Z]$/.test(s) ? DYN : { k: 'other' };
  }
}

/** Whether a value of type `a` may be passed where `p` is expected. */
function assignable(a: T, p: T): boolean {
  if (p.k === 'dyn' || a.k === 'dyn' || a.k === 'never') return true;
  if (a.k === 'union') return a.of.some((x) => assignable(x, p));
  if (a.k === 'null') return p.k === 'null' || p.k === 'other';
  switch (p.k) {
    case 'list':
      return a.k === 'list' && assignable(a.elem, p.elem);
    case 'map':
      return a.k === 'map' || a.k === 'obj' || a.k === 'rec';
    case 'other':
      return a.k === 'other';
    default:
      return a.k === p.k;
  }
}

const MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

const elemOf = (t: T): T => (t.k === 'list' ? t.elem : DYN);
/** Result types of vmaudit's own list functions (src/engine/cel.ts), generic in their element type as cel-go's `list(A)`. */
const GENERIC: Record<string, (args: T[]) => T> = {
  some: ([a]) => ({ k: 'list', elem: a.k === 'null' ? { k: 'never' } : ({ ...a, nullable: undefined } as T) }),
  flatten: ([a]) => ({ k: 'list', elem: ((e) => (e.k === 'list' ? e.elem : e.k === 'union' || e.k === 'dyn' ? DYN : e))(elemOf(a)) }),
  intersect: ([a]) => ({ k: 'list', elem: elemOf(a) }),
  difference: ([a]) => ({ k: 'list', elem: elemOf(a) }),
  dupes: ([a]) => ({ k: 'list', elem: elemOf(a) }),
};

class Checker {
  private readonly scopes: Map<string, T>[] = [];
  constructor(vars: Map<string, T>) {
    this.scopes.push(vars);
  }

  private lookup(name: string): T | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const t = this.scopes[i].get(name);
      if (t) return t;
    }
    return undefined;
  }

  private withVar<R>(name: string, t: T, fn: () => R): R {
    this.scopes.push(new Map([[name, t]]));
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  private fail(n: Node, message: string): never {
    throw new CheckFailure(`${message} in \`${text(n)}\``, n.pos);
  }

  select(n: Node, on: T, field: string): T {
    switch (on.k) {
      case 'dyn':
      case 'never':
        return DYN;
      case 'map':
        return on.value;
      case 'rec': {
        const t = on.fields.get(field);
        if (t) return t;
        const near = [...on.fields.keys()].filter((x) => distance(x.toLowerCase(), field.toLowerCase()) <= 2);
        return this.fail(n, `undefined field '${field}' of the map literal ${typeName(on)}${near.length ? ` (did you mean '${near.join("', '")}'?)` : ''}`);
      }
      case 'union': {
        const ok = on.of.filter((o) => o.k === 'dyn' || o.k === 'map' || (o.k === 'obj' && fieldsOf(o)?.[field]) || (o.k === 'rec' && o.fields.has(field)));
        if (!ok.length) this.fail(n, `undefined field '${field}' (${typeName(on)})`);
        return union(ok.map((o) => this.select(n, o, field)));
      }
      case 'obj': {
        const f = fieldsOf(on)?.[field];
        if (f) return typeOf(f, on.doc, `${on.name}.${field}`);
        const ap = on.node.additionalProperties;
        if (ap && typeof ap === 'object') return typeOf(ap, on.doc);
        if (ap === true) return DYN;
        const names = Object.keys(fieldsOf(on) ?? {});
        const near = names.filter((x) => distance(x.toLowerCase(), field.toLowerCase()) <= 2);
        this.fail(n, `undefined field '${field}' of ${on.name}${near.length ? ` (did you mean '${near.join("', '")}'?)` : ` (fields: ${names.join(', ')})`}`);
      }
      // falls through (fail never returns)
      default:
        return this.fail(n, `type '${typeName(on)}' does not support field selection ('.${field}')`);
    }
  }

  check(n: Node): T {
    const a = n.args as never;
    switch (n.op) {
      case 'value':
        return literal(a);
      case 'id': {
        const t = this.lookup(a);
        if (t) return t;
        definitions();
        if (typeIdents?.has(a)) return { k: 'type' };
        return this.fail(n, `undeclared reference to '${a}'`);
      }
      case '.':
      case '.?': {
        const [obj, field] = n.args as [Node, string];
        return this.select(n, this.check(obj), field);
      }
      case '[]':
      case '[?]': {
        const [obj, idx] = n.args as [Node, Node];
        const o = this.check(obj);
        const i = this.check(idx);
        if (o.k === 'list') {
          if (!assignable(i, { k: 'num' })) this.fail(n, `a list index must be a number, not ${typeName(i)}`);
          return o.elem;
        }
        if (o.k === 'map') return o.value;
        if (o.k === 'obj' || o.k === 'rec') return idx.op === 'value' && typeof idx.args === 'string' ? this.select(n, o, idx.args) : o.k === 'rec' ? union([...o.fields.values()]) : DYN;
        if (o.k === 'dyn' || o.k === 'never' || o.k === 'union') return DYN;
        return this.fail(n, `type '${typeName(o)}' cannot be indexed`);
      }
      case 'list': {
        const items = (n.args as Node[]).map((x) => this.check(x));
        return { k: 'list', elem: union(items) };
      }
      case 'map': {
        const entries = (n.args as [Node, Node][]).map(([k, v]) => [k, this.check(k), this.check(v)] as const);
        if (entries.length && entries.every(([k]) => k.op === 'value' && typeof k.args === 'string')) return { k: 'rec', fields: new Map(entries.map(([k, , v]) => [k.args as string, v])) };
        return { k: 'map', value: entries.length ? union(entries.map(([, , v]) => v)) : DYN };
      }
      case '?:': {
        const [c, x, y] = n.args as [Node, Node, Node];
        this.expectBool(c, this.check(c), 'the condition of ?:');
        return union([this.check(x), this.check(y)]);
      }
      case '||':
      case '&&': {
        const [x, y] = n.args as [Node, Node];
        this.expectBool(x, this.check(x), `'${n.op}'`);
        this.expectBool(y, this.check(y), `'${n.op}'`);
        return { k: 'bool' };
      }
      case '!_':
        this.expectBool(n.args as Node, this.check(n.args as Node), "'!'");
        return { k: 'bool' };
      case '-_': {
        const t = this.check(n.args as Node);
        if (!assignable(t, { k: 'num' })) this.fail(n, `no matching overload for '-_' applied to '(${typeName(t)})'`);
        return { k: 'num' };
      }
      case 'call':
        return this.call(n);
      case 'rcall':
        return this.rcall(n);
      default:
        return this.binary(n);
    }
  }

  private expectBool(n: Node, t: T, what: string): void {
    if (!assignable(t, { k: 'bool' })) this.fail(n, `${what} needs a bool, not ${typeName(t)}`);
  }

  private binary(n: Node): T {
    const [x, y] = n.args as [Node, Node];
    const a = this.check(x);
    const b = this.check(y);
    const known = (t: T) => !['dyn', 'never', 'null', 'union', 'other'].includes(t.k);
    const mismatch = () => this.fail(n, `no matching overload for '_${n.op}_' applied to '(${typeName(a)}, ${typeName(b)})'`);
    switch (n.op) {
      case '==':
      case '!=':
        // Values of different kinds are never equal: almost always a misread field (a port kept as a string).
        if (known(a) && known(b) && !(a.k === b.k || (['obj', 'map', 'rec'].includes(a.k) && ['obj', 'map', 'rec'].includes(b.k)))) mismatch();
        return { k: 'bool' };
      case '<':
      case '<=':
      case '>':
      case '>=':
        for (const t of [a, b]) if (known(t) && !['num', 'string', 'bytes', 'bool'].includes(t.k)) mismatch();
        if (known(a) && known(b) && a.k !== b.k) mismatch();
        return { k: 'bool' };
      case '+':
        if (known(a) && known(b) && (a.k !== b.k || !['num', 'string', 'bytes', 'list'].includes(a.k))) mismatch();
        return a.k === 'list' && b.k === 'list' ? { k: 'list', elem: union([a.elem, b.elem]) } : known(a) ? { ...a, nullable: undefined } as T : known(b) ? ({ ...b, nullable: undefined } as T) : DYN;
      case '-':
      case '*':
      case '/':
      case '%':
        for (const t of [a, b]) if (!assignable(t, { k: 'num' })) mismatch();
        return { k: 'num' };
      case 'in':
        if (b.k === 'list') {
          if (known(a) && known(b.elem) && !assignable(a, b.elem)) mismatch();
        } else if (!['map', 'obj', 'rec', 'dyn', 'union'].includes(b.k)) mismatch();
        return { k: 'bool' };
      default:
        return DYN;
    }
  }

  private call(n: Node): T {
    const [name, args] = n.args as [string, Node[]];
    if (name === 'has') {
      const [sel] = args;
      if (sel?.op !== '.' && sel?.op !== '.?') return this.fail(n, 'has() needs a field selection');
      this.check(sel);
      return { k: 'bool' };
    }
    return this.overload(n, name, null, args.map((x) => this.check(x)));
  }

  private rcall(n: Node): T {
    const [name, recv, args] = n.args as [string, Node, Node[]];
    if (recv.op === 'id' && (recv.args === 'cel' || recv.args === 'optional') && !this.lookup(recv.args as string)) {
      if (recv.args === 'cel' && name === 'bind') {
        const [v, init, body] = args;
        return this.withVar(v.args as string, this.check(init), () => this.check(body));
      }
      args.forEach((x) => this.check(x));
      return DYN;
    }
    const r = this.check(recv);
    if (MACROS.has(name) && args.length >= 2 && args[0].op === 'id') {
      const elem: T = r.k === 'list' ? r.elem : r.k === 'map' || r.k === 'obj' || r.k === 'rec' ? { k: 'string' } : r.k === 'dyn' || r.k === 'never' || r.k === 'union' ? DYN : this.fail(n, `${name}() needs a list or map, not ${typeName(r)}`);
      return this.withVar(args[0].args as string, elem, () => {
        if (name === 'map') {
          if (args.length === 3) this.expectBool(args[1], this.check(args[1]), 'the filter of map()');
          return { k: 'list', elem: this.check(args[args.length - 1]) };
        }
        this.expectBool(args[1], this.check(args[1]), `the predicate of ${name}()`);
        return name === 'filter' ? (r.k === 'list' ? { k: 'list', elem: r.elem } : { k: 'list', elem: elem }) : { k: 'bool' };
      });
    }
    return this.overload(n, name, r, args.map((x) => this.check(x)));
  }

  private overload(n: Node, name: string, recv: T | null, args: T[]): T {
    const all = (definitions().get(name) ?? []).filter((o) => (o.receiver !== null) === (recv !== null) && o.params.length === args.length);
    if (!all.length) {
      if (!definitions().has(name)) return this.fail(n, `undeclared reference to '${name}'`);
      return this.fail(n, `no overload of '${name}' takes ${args.length} argument(s)${recv ? ' with a receiver' : ''}`);
    }
    const ok = all.filter((o) => (!recv || assignable(recv, sigType(o.receiver as string))) && o.params.every((p, i) => assignable(args[i], sigType(p))));
    if (!ok.length) {
      const sig = `${recv ? `${typeName(recv)}.` : ''}${name}(${args.map(typeName).join(', ')})`;
      return this.fail(n, `found no matching overload for '${sig}'`);
    }
    return GENERIC[name]?.(args) ?? union(ok.map((o) => sigType(o.ret)));
  }
}

function text(n: Node): string {
  return n.range ? n.input.slice(n.range.start, n.range.end) : n.input;
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

/** The CEL variables of a rule scope (schemas/facts/variables.schema.json), `params` and `it` excepted. */
export function scopeVariables(scope: Rule['scope']): Map<string, T> {
  const decl = schemaDoc('variables.schema.json')['x-cel-variables']?.[scope] ?? {};
  return new Map(Object.entries(decl).map(([k, v]) => [k, typeOf(v, 'variables.schema.json')]));
}

/** The rule's `params` as an object type: each by its declared `type`, else the type of its default. */
function paramsType(rule: Rule): T {
  const properties: Record<string, SchemaNode> = {};
  for (const [k, p] of Object.entries(rule.params ?? {})) {
    const ty = p.type ?? (Array.isArray(p.default) ? (p.default.every((x) => typeof x === 'number') && p.default.length ? 'number-list' : p.default.every((x) => typeof x === 'string') && p.default.length ? 'string-list' : 'list') : typeof p.default);
    properties[k] =
      ty === 'number-list' ? { type: 'array', items: { type: 'number' } } : ty === 'string-list' ? { type: 'array', items: { type: 'string' } } : ty === 'list' ? { type: 'array' } : ['number', 'string', 'boolean'].includes(ty) ? { type: ty } : {};
  }
  return { k: 'obj', name: `the rule's params`, node: { type: 'object', properties, additionalProperties: false }, doc: 'variables.schema.json' };
}

const MAIN: Record<Rule['scope'], string> = { domain: 'domain', host: 'host', guest: 'guest', cross: 'host' };


/** The type of a fact path (`host.selinux.runtime`), or why it does not exist. */
export function pathType(scope: Rule['scope'], factPath: string): { type?: T; error?: string } {
  const [head, ...rest] = factPath.split('.');
  let t = scopeVariables(scope).get(head);
  if (!t) return { error: `'${head}' is not a variable of ${scope} rules (${[...scopeVariables(scope).keys()].join(', ')})` };
  for (let i = 0; i < rest.length; i++) {
    try {
      t = new Checker(new Map()).select({ op: '.', args: [], pos: 0, input: [head, ...rest.slice(0, i + 1)].join('.') }, t, rest[i]);
    } catch (e) {
      return { error: (e as Error).message.replace(/ in `.*`$/, ` in '${factPath}'`) };
    }
  }
  return { type: t };
}

/** Type-checks every expression of a (schema-valid, compiled) rule; `requires` paths too. */
export function checkRuleTypes(rule: Rule): CheckError[] {
  const errors: CheckError[] = [];
  const vars = scopeVariables(rule.scope);
  vars.set('params', paramsType(rule));
  (rule.requires ?? []).forEach((r, i) => {
    const p = pathType(rule.scope, r);
    if (p.error) errors.push({ path: `/requires/${i}`, offset: 0, message: `requires: ${p.error}` });
  });
  const env = celEnvironment();
  const parse = (src: string): Node => (env.parse(src) as unknown as { ast: Node }).ast;
  // `it`: the element of for-each (nested lists flattened once), else the scope's main object.
  let it: T = vars.get(MAIN[rule.scope]) ?? DYN;
  const exprs = ruleExpressions(rule);
  for (const [p, src, kind] of exprs) {
    const pieces: [string, number][] = kind === 'expr' ? [[src, 0]] : templatePieces(src);
    for (const [piece, offset] of pieces) {
      try {
        const checker = new Checker(new Map([...vars, ...(p === '/for-each' ? [] : ([['it', it]] as [string, T][]))]));
        const t = checker.check(parse(piece));
        if (p === '/for-each') {
          if (t.k === 'list') it = t.elem.k === 'list' ? t.elem.elem : t.elem.k === 'union' && t.elem.of.some((o) => o.k === 'list') ? DYN : t.elem;
          else if (t.k === 'dyn') it = DYN;
          else throw new CheckFailure(`for-each must yield a list, not ${typeName(t)}`, 0);
        } else if ((p === '/assert' || p === '/where') && !assignable(t, { k: 'bool' })) throw new CheckFailure(`${p.slice(1)} must be a bool, not ${typeName(t)}`, 0);
      } catch (e) {
        if (e instanceof CheckFailure) errors.push({ path: p, offset: offset + e.pos, message: e.message });
        else break; // a parse error: reported by compileExpr
      }
      if (p === '/for-each' && errors.some((x) => x.path === p)) it = DYN;
    }
  }
  return errors;
}

/** The `{{ cel }}` pieces of a template with their offsets, as compileTemplate cuts them. */
function templatePieces(template: string): [string, number][] {
  const out: [string, number][] = [];
  const re = /\{\{([\s\S]+?)\}\}/g;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    const lead = m[1].length - m[1].trimStart().length;
    out.push([m[1].trim(), m.index + 2 + lead]);
  }
  return out;
}

/** Follows $ref / allOf / anyOf (the non-null member) / list items / map values to the node that has properties. */
function objectNode(node: SchemaNode, doc: string): { node: SchemaNode; doc: string } {
  for (let i = 0; i < 20; i++) {
    if (node.$ref) ({ node, doc } = resolveRef(node.$ref, doc));
    else if (node.allOf?.length === 1) node = node.allOf[0];
    else if (node.anyOf || node.oneOf) node = (node.anyOf ?? node.oneOf ?? []).find((a) => a.type !== 'null') ?? {};
    else if (node.items) node = node.items;
    else if (!Object.keys(node.properties ?? {}).length && node.additionalProperties && typeof node.additionalProperties === 'object') node = node.additionalProperties;
    else break;
  }
  return { node, doc };
}

/** The evidence a fact path comes from: the `x-evidence` of the deepest schema node on the path that names some. */
export function evidenceOf(scope: Rule['scope'], factPath: string): string[] {
  const [head, ...rest] = factPath.split('.');
  let node: SchemaNode | undefined = schemaDoc('variables.schema.json')['x-cel-variables']?.[scope]?.[head];
  let doc = 'variables.schema.json';
  let found = node?.['x-evidence'] ?? [];
  for (const part of rest) {
    if (!node) break;
    const o = objectNode(node, doc);
    node = o.node.properties?.[part];
    doc = o.doc;
    if (node?.['x-evidence']?.length) found = node['x-evidence'];
  }
  return found;
}

/**
 * The fact paths a rule's CEL reads, from the parsed expressions: each chain of field selections rooted at a scope
 * variable (`host.kvm.params`, `domain.disks`), plus its `requires`. Selections under a macro variable or `it` count
 * as their root (`domains`).
 */
export function factPathsRead(rule: Rule): string[] {
  const roots = new Set([...scopeVariables(rule.scope).keys()]);
  const out = new Set<string>(rule.requires ?? []);
  const env = celEnvironment();
  const visit = (n: unknown, parentIsSelect = false): void => {
    if (!n || typeof n !== 'object') return;
    const node = n as Node;
    if ((node.op === '.' || node.op === '.?') && !parentIsSelect) {
      const parts: string[] = [];
      let cur: Node = node;
      while (cur.op === '.' || cur.op === '.?') {
        const [obj, field] = cur.args as [Node, string];
        parts.unshift(field);
        cur = obj;
      }
      if (cur.op === 'id' && roots.has(cur.args as string)) out.add([cur.args as string, ...parts].join('.'));
      else visit(cur);
      return;
    }
    if (node.op === 'id' && roots.has(node.args as string)) out.add(node.args as string);
    const args = node.args;
    if (Array.isArray(args)) for (const a of args) Array.isArray(a) ? a.forEach((x) => visit(x)) : visit(a);
    else if (args && typeof args === 'object' && 'op' in (args as object)) visit(args);
  };
  for (const [, src, kind] of ruleExpressions(rule)) {
    for (const [piece] of kind === 'expr' ? ([[src, 0]] as [string, number][]) : templatePieces(src)) {
      try {
        visit((env.parse(piece) as unknown as { ast: Node }).ast);
      } catch {
        // not CEL the loader accepts: reported there
      }
    }
  }
  // A path and its prefix: keep the longer one only.
  const all = [...out].sort();
  return all.filter((p) => !all.some((q) => q !== p && q.startsWith(`${p}.`)) || (rule.requires ?? []).includes(p));
}
