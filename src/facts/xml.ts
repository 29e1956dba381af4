import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { LineIndex, type SourceLocation } from '../util/location';
import type { Problem } from '../util/problem';

/**
 * A small, position-aware XML element tree built on fast-xml-parser.
 *
 * Safety: documents with a DOCTYPE that declares entities are refused before parsing (libvirt would expand internal
 * entities — billion-laughs — and we never resolve external ones); only the five predefined entities and character
 * references are decoded. Well-formedness is checked with fast-xml-parser's validator, whose messages carry line and
 * column. Namespaces are resolved to URIs, so `<q:commandline xmlns:q='http://libvirt.org/schemas/domain/qemu/1.0'>`
 * matches whatever prefix the author chose.
 */
export interface XmlElement {
  /** Qualified name as written (`qemu:commandline`). */
  name: string;
  /** Local name (`commandline`). */
  local: string;
  /** Namespace URI, or '' for no namespace. */
  ns: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated, trimmed character data directly inside this element. */
  text: string;
  loc: SourceLocation;
}

export type XmlParseResult = { ok: true; root: XmlElement; problems: Problem[] } | { ok: false; problems: Problem[] };

export const MAX_XML_BYTES = 4 * 1024 * 1024;

const META = XMLParser.getMetaDataSymbol() as unknown as symbol;
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  captureMetaData: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 200,
});

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  if (s.indexOf('&') === -1) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_m, e: string) => {
    if (e[0] !== '#') return PREDEFINED[e];
    const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
  });
}

function problem(code: string, message: string, file: string, line = 1, column = 1): Problem {
  return { code, message, level: 'error', location: { file, line, column } };
}

export interface ParseXmlOptions {
  /** Try the single-pass parser of the strict subset first (default). false: always validator + fast-xml-parser. */
  fastPath?: boolean;
}

export function parseXml(input: string, file: string, options: ParseXmlOptions = {}): XmlParseResult {
  let text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input; // a UTF-8 BOM is fine for libvirt too
  if (text.length > MAX_XML_BYTES) {
    return { ok: false, problems: [problem('xml.too-large', `file is larger than ${MAX_XML_BYTES / 1048576} MiB; not parsed`, file)] };
  }
  if (text.trim() === '') return { ok: false, problems: [problem('xml.empty', 'Document is empty', file)] };
  const doctype = /<!DOCTYPE/i.exec(text);
  if (doctype) {
    const at = new LineIndex(text).position(doctype.index);
    if (/<!ENTITY/i.test(text)) {
      return {
        ok: false,
        problems: [problem('xml.doctype-entities', 'DOCTYPE with entity declarations refused (entities are never expanded or loaded)', file, at.line, at.column)],
      };
    }
    // A DOCTYPE without entity declarations carries nothing libvirt uses: blank it out, keeping offsets intact.
    const open = text.indexOf('[', doctype.index);
    const close = text.indexOf('>', doctype.index);
    const end = open !== -1 && open < close ? text.indexOf('>', text.indexOf(']', open)) : close;
    if (end === -1) return { ok: false, problems: [problem('xml.not-well-formed', 'not well-formed XML: unterminated DOCTYPE', file, at.line, at.column)] };
    text = text.slice(0, doctype.index) + text.slice(doctype.index, end + 1).replace(/[^\n]/g, ' ') + text.slice(end + 1);
  } else if (options.fastPath !== false) {
    // Single pass for the common case; anything outside its strict subset goes the validator + parser way below.
    const fast = parseStrictSubset(text, file);
    if (fast) return { ok: true, root: fast, problems: [] };
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const e = valid.err;
    return { ok: false, problems: [problem('xml.not-well-formed', `not well-formed XML: ${e.msg}`, file, e.line ?? 1, e.col ?? 1)] };
  }
  let nodes: unknown[];
  try {
    nodes = parser.parse(text) as unknown[];
  } catch (err) {
    return { ok: false, problems: [problem('xml.not-well-formed', `not well-formed XML: ${(err as Error).message}`, file)] };
  }
  const index = new LineIndex(text);
  const roots = convertChildren(nodes, file, index, { '': '', xml: 'http://www.w3.org/XML/1998/namespace' }, '');
  if (roots.length === 0) return { ok: false, problems: [problem('xml.no-root', 'Start tag expected, no root element', file)] };
  if (roots.length > 1) {
    const second = roots[1].loc;
    return { ok: false, problems: [problem('xml.extra-content', 'Extra content at the end of the document', file, second.line, second.column)] };
  }
  return { ok: true, root: roots[0], problems: [] };
}

type RawNode = Record<string, unknown> & { ':@'?: Record<string, string> };

function convertChildren(nodes: unknown[], file: string, index: LineIndex, scope: Record<string, string>, parentPath: string): XmlElement[] {
  const out: XmlElement[] = [];
  const counts: Record<string, number> = {};
  for (const raw of nodes as RawNode[]) {
    let name: string | undefined;
    for (const k in raw) {
      if (k !== ':@') {
        name = k;
        break;
      }
    }
    if (name === undefined || name === '#text' || name[0] === '?' || name[0] === '!') continue;
    const rawAttrs = raw[':@'] ?? {};
    let nsScope = scope;
    const attrs: Record<string, string> = {};
    for (const a in rawAttrs) {
      const v = decodeEntities(rawAttrs[a]);
      if (a === 'xmlns' || a.startsWith('xmlns:')) {
        if (nsScope === scope) nsScope = { ...scope };
        nsScope[a === 'xmlns' ? '' : a.slice(6)] = v;
      } else {
        attrs[a] = v;
      }
    }
    const colon = name.indexOf(':');
    const prefix = colon === -1 ? '' : name.slice(0, colon);
    const local = colon === -1 ? name : name.slice(colon + 1);
    const n = (counts[name] = (counts[name] ?? 0) + 1);
    const path = `${parentPath}/${name}[${n}]`;
    const meta = (raw as Record<symbol, { startIndex: number } | undefined>)[META];
    const pos = index.position(meta?.startIndex ?? 0);
    const kids = raw[name] as unknown[];
    let text = '';
    for (const k of kids as RawNode[]) {
      const t = k['#text'];
      if (t !== undefined) text += String(t);
    }
    out.push({
      name,
      local,
      ns: nsScope[prefix] ?? (prefix === '' ? '' : `urn:undeclared-prefix:${prefix}`),
      attrs,
      children: convertChildren(kids, file, index, nsScope, path),
      text: decodeEntities(text),
      loc: { file, line: pos.line, column: pos.column, path },
    });
  }
  return out;
}

/** The first child element with this local name (and namespace, default none) — libvirt's `./name[1]`. */
export function child(el: XmlElement | undefined, local: string, ns = ''): XmlElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) if (c.local === local && c.ns === ns) return c;
  return undefined;
}

export function childrenNamed(el: XmlElement | undefined, local: string, ns = ''): XmlElement[] {
  if (!el) return [];
  return el.children.filter((c) => c.local === local && c.ns === ns);
}

/*
 * Fast path: a single-pass parser for a strict subset of XML, building the same XmlElement tree as the
 * validator + fast-xml-parser path above, which stays the reference. It returns undefined — and the caller takes
 * the reference path, whose messages the user then sees — as soon as the input leaves the subset:
 *   - an optional `<?xml version='1.0' ...?>` declaration at offset 0; no other processing instruction; no DOCTYPE
 *     (handled before), no CDATA; comments only without `--` inside; element nesting at most 100 deep;
 *   - names `[A-Za-z_][A-Za-z0-9_.-]*`, optionally one `prefix:` of the same form, none of them an
 *     Object.prototype property or `prototype` (fast-xml-parser refuses or renames those);
 *   - attributes: whitespace, name, `=`, a single- or double-quoted value without `<`, each name once;
 *   - `&` only in `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&#N;` `&#xH;`; no C0 control character but tab/LF/CR,
 *     no U+FFFE/U+FFFF; nothing but whitespace and comments outside the single root element;
 *   - start tags end in `>` or `/>`, end tags are `</name>` with optional whitespace before `>` and match.
 * Every document in that subset is well-formed for XMLValidator (its checks are the ones listed above, applied
 * to a superset), and fast-xml-parser (preserveOrder, trimValues, processEntities off) turns it into: attribute
 * values trimmed as written, entities decoded by decodeEntities, text = the trimmed runs of character data between
 * child elements (comments do not split a run), element positions at their `<`. test/facts/xml-fast.test.ts checks
 * both paths give identical results on the fixtures, generated domains and mutated documents.
 */
const RESERVED_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);
const XML_DECL = /^<\?xml(?:[ \t\r\n]+[A-Za-z]+[ \t\r\n]*=[ \t\r\n]*(?:"[^"<>?&]*"|'[^'<>?&]*'))+[ \t\r\n]*\?>/;
const BAD_CHARS = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/;
const REF = /^&(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;
const MAX_FAST_DEPTH = 100;

const isNameStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57) || c === 46 || c === 45;
const isSpace = (c: number) => c === 32 || c === 10 || c === 9 || c === 13;

/** End offset of the name starting at i (exclusive), or -1 when it is not a name of the subset. */
function scanName(s: string, i: number): number {
  if (!isNameStart(s.charCodeAt(i))) return -1;
  let j = i + 1;
  while (isNameChar(s.charCodeAt(j))) j++;
  if (s.charCodeAt(j) === 58) {
    if (!isNameStart(s.charCodeAt(j + 1))) return -1;
    j += 2;
    while (isNameChar(s.charCodeAt(j))) j++;
  }
  return j;
}

const allSpace = (s: string, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) if (!isSpace(s.charCodeAt(i))) return false;
  return true;
};

interface OpenElement {
  el: XmlElement;
  scope: Record<string, string>;
  counts: Record<string, number>;
  /** Character data of the current run (comments do not end a run; child elements do). */
  run: string;
  /** Trimmed runs so far, still entity-encoded. */
  text: string;
}

/** The fast path alone (exported for its differential test): the tree, or undefined when s is outside the subset. */
export function parseStrictSubset(s: string, file: string): XmlElement | undefined {
  if (BAD_CHARS.test(s)) return undefined;
  const len = s.length;
  let i = 0;
  if (s.startsWith('<?xml', 0)) {
    const m = XML_DECL.exec(s);
    if (!m) return undefined;
    i = m[0].length;
  }
  const index = new LineIndex(s);
  // The next '&' at or after the last position checked: text runs and attribute values come in document order,
  // so one forward scan serves every check (an indexOf from each run would rescan the rest of a document).
  let amp = s.indexOf('&');
  /** True when every `&` in s[from, to) starts a reference the subset allows. */
  const refsOk = (from: number, to: number): boolean => {
    if (amp !== -1 && amp < from) amp = s.indexOf('&', from);
    while (amp !== -1 && amp < to) {
      if (!REF.test(s.slice(amp, Math.min(amp + 12, to)))) return false;
      amp = s.indexOf('&', amp + 1);
    }
    return true;
  };
  const rootScope: Record<string, string> = { '': '', xml: 'http://www.w3.org/XML/1998/namespace' };
  const rootCounts: Record<string, number> = {};
  const stack: OpenElement[] = [];
  let root: XmlElement | undefined;
  while (i < len) {
    const lt = s.indexOf('<', i);
    const textEnd = lt === -1 ? len : lt;
    if (textEnd > i) {
      const top = stack[stack.length - 1];
      if (!top) {
        if (!allSpace(s, i, textEnd)) return undefined;
      } else {
        // Leading whitespace of a run is trimmed anyway: skip the usual indentation between tags.
        if (top.run !== '' || !allSpace(s, i, textEnd)) {
          if (!refsOk(i, textEnd)) return undefined;
          top.run += s.slice(i, textEnd);
        }
      }
    }
    if (lt === -1) break;
    const c1 = s.charCodeAt(lt + 1);
    if (c1 === 33 /* ! */) {
      if (!s.startsWith('<!--', lt)) return undefined;
      const end = s.indexOf('--', lt + 4);
      if (end === -1 || s.charCodeAt(end + 2) !== 62) return undefined;
      i = end + 3;
      continue;
    }
    if (c1 === 47 /* / */) {
      const top = stack.pop();
      if (!top) return undefined;
      const nameEnd = scanName(s, lt + 2);
      if (nameEnd === -1 || s.slice(lt + 2, nameEnd) !== top.el.name) return undefined;
      let j = nameEnd;
      while (isSpace(s.charCodeAt(j))) j++;
      if (s.charCodeAt(j) !== 62) return undefined;
      top.el.text = decodeEntities(top.text + top.run.trim());
      i = j + 1;
      continue;
    }
    // Start tag.
    const nameEnd = scanName(s, lt + 1);
    if (nameEnd === -1) return undefined;
    const name = s.slice(lt + 1, nameEnd);
    if (RESERVED_NAMES.has(name)) return undefined;
    const parent = stack[stack.length - 1];
    if (!parent && root) return undefined; // a second root element
    if (stack.length >= MAX_FAST_DEPTH) return undefined;
    const scope0 = parent ? parent.scope : rootScope;
    let nsScope = scope0;
    const attrs: Record<string, string> = {};
    const seen: string[] = [];
    let j = nameEnd;
    let selfClosing = false;
    for (;;) {
      const c = s.charCodeAt(j);
      if (c === 62) {
        j++;
        break;
      }
      if (c === 47) {
        if (s.charCodeAt(j + 1) !== 62) return undefined;
        selfClosing = true;
        j += 2;
        break;
      }
      if (!isSpace(c)) return undefined;
      while (isSpace(s.charCodeAt(j))) j++;
      const d = s.charCodeAt(j);
      if (d === 62 || d === 47) continue;
      const aEnd = scanName(s, j);
      if (aEnd === -1 || s.charCodeAt(aEnd) !== 61) return undefined;
      const aName = s.slice(j, aEnd);
      if (RESERVED_NAMES.has(aName) || seen.includes(aName)) return undefined;
      seen.push(aName);
      const q = s.charCodeAt(aEnd + 1);
      if (q !== 34 && q !== 39) return undefined;
      const vEnd = s.indexOf(q === 34 ? '"' : "'", aEnd + 2);
      if (vEnd === -1) return undefined;
      const lt2 = s.indexOf('<', aEnd + 2);
      if (lt2 !== -1 && lt2 < vEnd) return undefined;
      if (!refsOk(aEnd + 2, vEnd)) return undefined;
      const v = decodeEntities(s.slice(aEnd + 2, vEnd).trim());
      if (aName === 'xmlns' || aName.startsWith('xmlns:')) {
        if (nsScope === scope0) nsScope = { ...scope0 };
        nsScope[aName === 'xmlns' ? '' : aName.slice(6)] = v;
      } else {
        attrs[aName] = v;
      }
      j = vEnd + 1;
    }
    const colon = name.indexOf(':');
    const prefix = colon === -1 ? '' : name.slice(0, colon);
    const local = colon === -1 ? name : name.slice(colon + 1);
    const counts = parent ? parent.counts : rootCounts;
    const n = (counts[name] = (counts[name] ?? 0) + 1);
    const path = `${parent ? parent.el.loc.path : ''}/${name}[${n}]`;
    const pos = index.position(lt);
    const el: XmlElement = {
      name,
      local,
      ns: nsScope[prefix] ?? (prefix === '' ? '' : `urn:undeclared-prefix:${prefix}`),
      attrs,
      children: [],
      text: '',
      loc: { file, line: pos.line, column: pos.column, path },
    };
    if (parent) {
      parent.text += parent.run.trim();
      parent.run = '';
      parent.el.children.push(el);
    } else root = el;
    if (!selfClosing) stack.push({ el, scope: nsScope, counts: {}, run: '', text: '' });
    i = j;
  }
  if (stack.length > 0 || !root) return undefined;
  return root;
}
