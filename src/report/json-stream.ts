/**
 * `JSON.stringify(value, null, 2)` in pieces. A fleet or a 10,000-file domain scan makes a JSON or SARIF report of
 * tens of megabytes; built as one string (two bytes per character as soon as a message holds a non-Latin-1 character
 * such as '—') and then encoded for writing, it would double the scan's peak memory. The pieces join to exactly the
 * bytes JSON.stringify gives: arrays of more than LEAF_MAX elements, and the arrays and objects that hold one, are
 * walked here; everything else is stringified by JSON.stringify itself and re-indented.
 */
const LEAF_MAX = 32;

export function* prettyJsonChunks(value: unknown, indent = ''): Generator<string> {
  if (!holdsLargeArray(value)) {
    // undefined, functions and symbols only reach here as array elements or top-level values (object members of
    // those kinds are skipped below), where JSON.stringify writes null (top level: nothing; a report is never that).
    yield indented(value, indent.length / 2);
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    yield '[';
    for (let i = 0; i < value.length; i++) {
      yield i === 0 ? `\n${inner}` : `,\n${inner}`;
      yield* prettyJsonChunks(value[i], inner);
    }
    yield `\n${indent}]`;
    return;
  }
  let first = true;
  yield '{';
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    yield `${first ? '' : ','}\n${inner}${JSON.stringify(k)}: `;
    first = false;
    yield* prettyJsonChunks(v, inner);
  }
  yield first ? '}' : `\n${indent}}`;
}

/**
 * `JSON.stringify(value, null, 2)` with every line after the first indented by `depth` levels, as it stands inside
 * `depth` enclosing containers. Stringified inside `depth` one-element arrays, whose own brackets are then cut off
 * (`[\n  [\n    ` before, `\n  ]\n]` after, for depth 2): JSON.stringify indents it itself, which is cheaper than
 * re-indenting its result (a 10,000-file report has ~50,000 findings at depth 2).
 */
function indented(value: unknown, depth: number): string {
  if (depth === 0) return JSON.stringify(value, null, 2) ?? 'null';
  let wrapped: unknown = value;
  for (let i = 0; i < depth; i++) wrapped = [wrapped];
  const s = JSON.stringify(wrapped, null, 2);
  // Before the value: depth times '[' '\n' and the next level's indentation; after it, the same closed.
  return s.slice(depth * (depth + 3), s.length - depth * (depth + 1));
}

/**
 * Whether `v` is, or contains, an array of more than LEAF_MAX elements. Asked again for each child of a walked
 * container, so a node is looked at once per ancestor level (reports are a few levels deep).
 */
function holdsLargeArray(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(v)) return v.length > LEAF_MAX || v.some(holdsLargeArray);
  for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k) && holdsLargeArray((v as Record<string, unknown>)[k])) return true;
  return false;
}

/** Gathers small pieces into writes of about `size` characters. */
export function* batched(chunks: Iterable<string>, size = 1 << 20): Generator<string> {
  let parts: string[] = [];
  let len = 0;
  for (const c of chunks) {
    parts.push(c);
    len += c.length;
    if (len >= size) {
      yield parts.join('');
      parts = [];
      len = 0;
    }
  }
  if (len > 0) yield parts.join('');
}
