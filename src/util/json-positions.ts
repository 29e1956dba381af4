/**
 * JSON with positions: the one place that turns a JSON syntax error into an offset + message, and that finds where
 * the value at a JSON pointer starts. Scanning is jsonc-parser's (`visit`, the scanner/visitor VS Code uses),
 * run strictly: no comments, no trailing commas, no empty content. Values come from `JSON.parse`, so they are
 * exactly what the native parser gives (`__proto__` keys included); jsonc-parser only supplies offsets.
 * Pure; never throws on bad input.
 */
import { printParseErrorCode, visit, type JSONPath, type ParseErrorCode } from 'jsonc-parser';

/** Deeper nesting is refused (jsonc-parser recurses; a hostile input must not overflow the stack). */
export const MAX_JSON_DEPTH = 256;

export interface JsonSyntaxError {
  /** Offset in the text given (a leading BOM counts as one character). */
  offset: number;
  message: string;
}

const escapePointer = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');
const pointerOf = (path: JSONPath) => path.map((k) => `/${escapePointer(String(k))}`).join('');

/** Deepest nesting of a JSON text (strings skipped) and where it first exceeds `limit`; linear, no recursion. */
function depthOver(text: string, limit: number): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}

/** True when the text nests deeper than MAX_JSON_DEPTH (checked before handing it to a recursive parser). */
export function jsonNestingOver(text: string): boolean {
  return depthOver(text, MAX_JSON_DEPTH) !== undefined;
}

/** Inside a string token starting at `start`: the first control character or bad escape, and what it is. */
function badInString(text: string, start: number): { offset: number; message: string } {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) break;
    if (c < 0x20) return { offset: i, message: 'control character in string' };
    if (c === 0x5c) {
      const e = text[i + 1];
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 5;
      else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
      else if (e !== undefined) return { offset: i, message: 'invalid escape in string' };
    }
  }
  return { offset: start, message: 'unterminated string' };
}

interface State {
  container: '{' | '[' | undefined;
  /** Inside an object, where a property name must come next. */
  expectingName: boolean;
  /** The root value is complete. */
  rootDone: boolean;
}

function describe(text: string, errorCode: ParseErrorCode, offset: number, st: State): JsonSyntaxError {
  // by name: ParseErrorCode is a const enum, which isolatedModules builds cannot read
  const code = printParseErrorCode(errorCode);
  const atEnd = offset >= text.length;
  if (!atEnd && st.rootDone && st.container === undefined) return { offset, message: 'unexpected data after the JSON value' };
  if (!atEnd && st.expectingName && text[offset] !== '"' && code !== 'InvalidCommentToken') return { offset, message: 'expected a property name in double quotes' };
  const found = () => (atEnd ? 'unexpected end of input' : `unexpected ${JSON.stringify(text[offset]).replace(/^"|"$/g, "'")}`);
  switch (code) {
    case 'UnexpectedEndOfString':
    case 'InvalidCharacter':
    case 'InvalidEscapeCharacter':
    case 'InvalidUnicode':
      return badInString(text, offset);
    case 'PropertyNameExpected':
      return { offset, message: atEnd ? 'unexpected end of input' : 'expected a property name in double quotes' };
    case 'ColonExpected':
      return { offset, message: atEnd ? 'unexpected end of input' : "expected ':' after a property name" };
    case 'CommaExpected':
    case 'CloseBraceExpected':
    case 'CloseBracketExpected':
      return { offset, message: atEnd ? 'unexpected end of input' : st.container === '[' ? "expected ',' or ']'" : "expected ',' or '}'" };
    case 'EndOfFileExpected':
      return { offset, message: 'unexpected data after the JSON value' };
    case 'InvalidCommentToken':
    case 'UnexpectedEndOfComment':
      return { offset, message: 'comments are not allowed in JSON' };
    case 'InvalidNumberFormat':
    case 'UnexpectedEndOfNumber':
      return { offset, message: atEnd ? 'unexpected end of input' : 'invalid number' };
    default:
      return { offset, message: found() };
  }
}

/**
 * Scans `text` once. Returns the first syntax error (if any) and, for every JSON pointer `record` accepts, the
 * offset where that value starts (`''` is the root, `/runs/0/results/3` a nested one).
 */
export function scanJson(text: string, record: (ptr: string) => boolean = () => false): { error?: JsonSyntaxError; offsets: Map<string, number> } {
  const offsets = new Map<string, number>();
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const body = bom ? text.slice(1) : text;
  const tooDeep = depthOver(body, MAX_JSON_DEPTH);
  if (tooDeep !== undefined) return { error: { offset: tooDeep + bom, message: 'nesting too deep' }, offsets };
  let error: JsonSyntaxError | undefined;
  const containers: ('{' | '[')[] = [];
  let expectingName = false;
  let rootDone = false;
  const close = () => {
    containers.pop();
    expectingName = false;
    if (!containers.length) rootDone = true;
  };
  const at = (offset: number, path: () => JSONPath) => {
    if (error) return;
    const ptr = pointerOf(path());
    if (!offsets.has(ptr) && record(ptr)) offsets.set(ptr, offset + bom);
  };
  visit(
    body,
    {
      onObjectBegin: (offset, _l, _sl, _sc, path) => {
        at(offset, path);
        containers.push('{');
        expectingName = true;
      },
      onObjectProperty: () => {
        expectingName = false;
      },
      onSeparator: (sep) => {
        if (sep === ',' && containers[containers.length - 1] === '{') expectingName = true;
      },
      onObjectEnd: close,
      onArrayBegin: (offset, _l, _sl, _sc, path) => {
        at(offset, path);
        containers.push('[');
      },
      onArrayEnd: close,
      onLiteralValue: (_v, offset, _l, _sl, _sc, path) => {
        at(offset, path);
        if (!containers.length) rootDone = true;
      },
      onError: (code, offset) => {
        if (error) return;
        const e = describe(body, code, offset, { container: containers[containers.length - 1], expectingName, rootDone });
        error = { offset: Math.min(e.offset, body.length) + bom, message: e.message };
      },
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  return { error, offsets };
}

/**
 * Where and why `JSON.parse` refused a text (Node 20's messages do not always give a position). Should jsonc-parser
 * accept a text JSON.parse refused, the answer is the start of the text, "invalid JSON".
 */
export function jsonSyntaxError(text: string): JsonSyntaxError {
  return scanJson(text).error ?? { offset: text.charCodeAt(0) === 0xfeff ? 1 : 0, message: 'invalid JSON' };
}
