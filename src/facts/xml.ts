import { isUtf8 } from 'node:buffer';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { LineIndex, type SourceLocation } from '../util/location';
import type { Problem } from '../util/problem';

/**
 * A small, position-aware XML element tree built on fast-xml-parser.
 *
 * Safety: documents with a DOCTYPE that declares entities are refused before parsing (libvirt would expand internal
 * entities — billion-laughs — and we never resolve external ones); only the five predefined entities and character
 * references are decoded. Well-formedness is libxml2's (libvirt's parser): a document outside the fast path's strict
 * subset is scanned for the first error libxml2 reports, in libxml2's words and on its line (scanXml); what the scan
 * does not classify falls to fast-xml-parser's validator, whose messages also carry line and column. Bytes are
 * decoded as libxml2 decodes them (decodeXmlBytes). Lines count LF only, as libxml2 does. Namespaces are resolved to URIs, so `<q:commandline xmlns:q='http://libvirt.org/schemas/domain/qemu/1.0'>`
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
  // libxml2's wording for the first error it would report, where the scanner can tell; the validator otherwise.
  const scanned = scanXml(text);
  // A second document starts before any error the scan met (the scan stops at the first).
  if (scanned.error && scanned.docStarts.length < 2) return { ok: false, problems: [problemAt(scanned.error, text, file)] };
  if (scanned.docStarts.length > 1) {
    const at = scanned.docStarts[1];
    const message = text.startsWith('<?xml', at) ? 'XML declaration allowed only at the start of the document' : 'Extra content at the end of the document';
    const pos = new LineIndex(text).position(at);
    return { ok: false, problems: [problem('xml.extra-content', message, file, pos.line, pos.column)] };
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
 *   - `&` only in `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&#N;` `&#xH;` (of a character XML 1.0 allows); no C0
 *     control character but tab/LF/CR, no U+FFFE/U+FFFF, no lone surrogate; no `]]>` in character data; nothing but
 *     whitespace and comments outside the single root element;
 *   - start tags end in `>` or `/>`, end tags are `</name>` with optional whitespace before `>` and match.
 * Every document in that subset is well-formed for XMLValidator (its checks are the ones listed above, applied
 * to a superset), and fast-xml-parser (preserveOrder, trimValues, processEntities off) turns it into: attribute
 * values trimmed as written, entities decoded by decodeEntities, text = the trimmed runs of character data between
 * child elements (comments do not split a run), element positions at their `<`. test/facts/xml-fast.test.ts checks
 * both paths give identical results on the fixtures, generated domains and mutated documents.
 */
const RESERVED_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);
const XML_DECL = /^<\?xml(?:[ \t\r\n]+[A-Za-z]+[ \t\r\n]*=[ \t\r\n]*(?:"[^"<>?&]*"|'[^'<>?&]*'))+[ \t\r\n]*\?>/;
const BAD_CHARS = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
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
      const ref = s.slice(amp, Math.min(amp + 12, to));
      if (!REF.test(ref)) return false;
      if (ref[1] === '#' && !isXmlChar(ref[2] === 'x' ? parseInt(ref.slice(3), 16) : parseInt(ref.slice(2), 10))) return false;
      amp = s.indexOf('&', amp + 1);
    }
    return true;
  };
  const rootScope: Record<string, string> = { '': '', xml: 'http://www.w3.org/XML/1998/namespace' };
  const rootCounts: Record<string, number> = {};
  const stack: OpenElement[] = [];
  let root: XmlElement | undefined;
  // The first '<' at or after the last attribute value start checked, and the first ']]>' at or after the last
  // text run checked (same forward-scan idea as `amp`).
  let nextLt = 0;
  let cdEnd = s.indexOf(']]>');
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
          if (cdEnd !== -1 && cdEnd < i) cdEnd = s.indexOf(']]>', i);
          if (cdEnd !== -1 && cdEnd < textEnd) return undefined; // ']]>' is not allowed in content
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
    const seen = new Set<string>();
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
      if (RESERVED_NAMES.has(aName) || seen.has(aName)) return undefined;
      seen.add(aName);
      const q = s.charCodeAt(aEnd + 1);
      if (q !== 34 && q !== 39) return undefined;
      const vEnd = s.indexOf(q === 34 ? '"' : "'", aEnd + 2);
      if (vEnd === -1) return undefined;
      if (nextLt !== -1 && nextLt < aEnd + 2) nextLt = s.indexOf('<', aEnd + 2);
      if (nextLt !== -1 && nextLt < vEnd) return undefined; // '<' in a value (the validator's message)
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

/*
 * libxml2's well-formedness errors. scanXml walks a document the way libxml2's parser does and returns the FIRST
 * error libxml2 2.9 reports, worded as libxml2 words it (libvirt shows that message), at the offset whose line
 * libxml2 reports; parseXml uses it before fast-xml-parser's validator, which stays the fallback for what the scan
 * does not classify (it then stops without an error). It covers: characters XML 1.0 forbids (C0 controls but tab,
 * LF, CR; U+FFFE, U+FFFF, lone surrogates) in every context, character references to them, undefined entities,
 * `]]>` in content, `<` in attribute values, duplicate attributes, mismatched end tags, and end of data in every
 * construct (libxml2 names the innermost open element and the line of its start tag: a 100,000-deep unclosed
 * document is one short message). Lines count LF only, as libxml2 does (a CR-only file is one line for libxml2,
 * grep -n and SARIF's default newlineSequences; CRLF counts once). The scan also records where top-level
 * documents start, for files holding several (`virt-install --print-xml`).
 */
export interface XmlScan {
  error?: { offset: number; message: string };
  /** Where each top-level document begins: 0, then the first non-blank offset after the previous root element. */
  docStarts: number[];
}

const BAD_CHAR_G = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const REF_Y = /&(?:#(?:(x)([0-9a-fA-F]*)|([0-9]*))|([A-Za-z_:\u00c0-\uffff][A-Za-z0-9_:.\u00b7\u00c0-\uffff-]*))?(;?)/y;

export const isXmlChar = (c: number): boolean => c === 9 || c === 10 || c === 13 || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);

/** End of a (loosely checked) XML name at i, or -1 when no name starts there. */
function xmlNameEnd(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (!(isNameStart(c) || c === 58 || (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && c < 0xfffe))) return -1;
  let j = i + 1;
  for (;;) {
    const d = s.charCodeAt(j);
    if (isNameChar(d) || d === 58 || d === 0xb7 || (d >= 0xc0 && d !== 0xd7 && d !== 0xf7 && d < 0xfffe)) j++;
    else return j;
  }
}

/** The message of a reference libxml2 refuses (s[p] is '&'), or undefined; `end` receives where it ends. */
function refError(s: string, p: number, end: { at: number }): string | undefined {
  REF_Y.lastIndex = p;
  const m = REF_Y.exec(s)!; // always matches at '&'
  end.at = p + m[0].length;
  const [, x, hex, dec, name, semi] = m;
  if (x !== undefined || dec !== undefined) {
    const digits = x !== undefined ? hex : dec;
    if (digits === '' || semi === '') return x !== undefined ? 'CharRef: invalid hexadecimal value' : 'CharRef: invalid decimal value';
    const v = digits.replace(/^0+/, '').length > 8 ? Infinity : parseInt(digits, x !== undefined ? 16 : 10);
    if (v > 0x10ffff) return 'xmlParseCharRef: character reference out of bounds';
    return isXmlChar(v) ? undefined : `xmlParseCharRef: invalid xmlChar value ${v}`;
  }
  if (name === undefined) return 'xmlParseEntityRef: no name';
  if (semi === '') return "EntityRef: expecting ';'";
  return name in PREDEFINED ? undefined : `Entity '${name}' not defined`;
}

/** libxml2 names elements by their local name in its messages (`override`, not `qemu:override`). */
const localName = (qname: string) => {
  const colon = qname.indexOf(':');
  return colon === -1 || colon === qname.length - 1 ? qname : qname.slice(colon + 1);
};

export function scanXml(s: string): XmlScan {
  const len = s.length;
  const docStarts: number[] = [];
  BAD_CHAR_G.lastIndex = 0;
  const badMatch = BAD_CHAR_G.exec(s);
  const badAt = badMatch ? badMatch.index : Infinity;
  const badCode = badMatch ? badMatch[0].charCodeAt(0) : 0;
  const inRange = (from: number, to: number) => badAt >= from && badAt < to;
  /** Encoding-level refusals read the same in every context; C0 controls depend on where they are. */
  const badChar = (contextual: string) =>
    badCode === 0 || badCode >= 0xd800 ? `Char 0x${badCode.toString(16).toUpperCase()} out of allowed range` : contextual;
  let lines: LineIndex | undefined;
  const lineOf = (offset: number) => (lines ??= new LineIndex(s)).position(offset).line;
  const names: string[] = [];
  const opens: number[] = [];
  const stop = (): XmlScan => ({ docStarts });
  const fail = (offset: number, message: string): XmlScan => ({ error: { offset, message }, docStarts });
  const ampEnd = { at: 0 };
  // Forward pointers to the next '&' and '<' (positions only grow: linear however many attributes or runs).
  let amp = -2;
  let lt = -2;
  const nextAmp = (from: number) => (amp !== -1 && amp < from ? (amp = s.indexOf('&', from)) : amp);
  const nextLt = (from: number) => (lt !== -1 && lt < from ? (lt = s.indexOf('<', from)) : lt);
  let cdp = -2;
  const nextCd = (from: number) => (cdp !== -1 && cdp < from ? (cdp = s.indexOf(']]>', from)) : cdp);
  /** First refused reference in [from, to) as [offset, message], or undefined. */
  const refs = (from: number, to: number): [number, string] | undefined => {
    for (let a = nextAmp(from); a !== -1 && a < to; a = nextAmp(ampEnd.at)) {
      const why = refError(s, a, ampEnd);
      if (why) return [a, why];
    }
    return undefined;
  };
  let segStart = -1;
  let i = 0;
  for (;;) {
    const depth = names.length;
    if (depth === 0) {
      while (i < len && isSpace(s.charCodeAt(i))) i++;
      if (i >= len) return stop();
      if (docStarts.length > 0 && segStart === -1) segStart = i;
      if (s.charCodeAt(i) !== 60 || badAt === i) return stop(); // text outside the root: the validator's call
    } else {
      // Character data up to the next markup.
      const next = nextLt(i);
      const textEnd = next === -1 ? len : next;
      let first: [number, string] | undefined = inRange(i, textEnd) ? [badAt, badChar(`PCDATA invalid Char value ${badCode}`)] : undefined;
      const ref = refs(i, first ? first[0] : textEnd);
      if (ref) first = ref;
      const cd = nextCd(i);
      if (cd !== -1 && cd + 2 < (first ? first[0] : textEnd)) first = [cd, "Sequence ']]>' not allowed in content"];
      if (first) return fail(first[0], first[1]);
      if (next === -1) return fail(len, `Premature end of data in tag ${localName(names[depth - 1])} line ${lineOf(opens[depth - 1])}`);
      i = next;
    }
    // s[i] === '<'
    const c1 = s.charCodeAt(i + 1);
    if (c1 === 33 /* ! */) {
      if (s.startsWith('<!--', i)) {
        const end = s.indexOf('-->', i + 4);
        const stopAt = end === -1 ? len : end;
        const dd = s.indexOf('--', i + 4);
        if (inRange(i + 4, dd !== -1 && dd < stopAt ? dd : stopAt)) return fail(badAt, badChar(`xmlParseComment: invalid xmlChar value ${badCode}`));
        if (dd !== -1 && dd < stopAt) {
          // libxml2 has two comment parsers: the ASCII one quotes the comment, the other (after a non-ASCII
          // character) does not.
          const before = s.slice(i + 4, dd);
          return fail(dd, /[^\x00-\x7f]/.test(before) ? "Comment must not contain '--' (double-hyphen)" : `Double hyphen within comment: <!--${before.slice(0, 50)}`);
        }
        if (end === -1) return fail(len, 'Comment not terminated');
        i = end + 3;
        continue;
      }
      if (depth > 0 && s.startsWith('<![CDATA[', i)) {
        const end = s.indexOf(']]>', i + 9);
        if (inRange(i + 9, end === -1 ? len : end)) return fail(badAt, badChar(`xmlParseCDSect: invalid char value ${badCode}`));
        if (end === -1) return fail(len, 'CData section not finished');
        i = end + 3;
        continue;
      }
      // In content, anything else is a start tag with an invalid name (below); in the prolog, a DOCTYPE
      // (blanked before) or another markup declaration: the validator's call.
      if (depth === 0) return stop();
    }
    if (c1 === 63 /* ? */) {
      const n = xmlNameEnd(s, i + 2);
      if (n === -1) return stop();
      const target = s.slice(i + 2, n);
      if (target === 'xml' && i !== 0) {
        if (depth > 0 || docStarts.length === 0) return fail(i, 'XML declaration allowed only at the start of the document');
      }
      const end = s.indexOf('?>', n);
      if (inRange(i, end === -1 ? len : end)) return fail(badAt, badChar(`ParsePI: PI ${target} never end ...`));
      if (end === -1) return fail(len, `ParsePI: PI ${target} never end ...`);
      i = end + 2;
      continue;
    }
    if (c1 === 47 /* / */) {
      if (depth === 0) return stop();
      const n = xmlNameEnd(s, i + 2);
      if (n === -1) return i + 2 >= len ? fail(len, "expected '>'") : stop();
      let j = n;
      while (isSpace(s.charCodeAt(j))) j++;
      if (j >= len) return fail(len, "expected '>'");
      if (s.charCodeAt(j) !== 62) return stop();
      const name = s.slice(i + 2, n);
      if (name !== names[depth - 1]) return fail(i + 2, `Opening and ending tag mismatch: ${localName(names[depth - 1])} line ${lineOf(opens[depth - 1])} and ${localName(name)}`);
      names.pop();
      opens.pop();
      i = j + 1;
      continue;
    }
    // Start tag.
    const n = xmlNameEnd(s, i + 1);
    if (n === -1) return depth > 0 || i + 1 >= len ? fail(Math.min(i + 1, len), 'StartTag: invalid element name') : stop();
    if (depth === 0) {
      docStarts.push(docStarts.length === 0 ? 0 : segStart);
      segStart = -1;
    }
    const name = s.slice(i + 1, n);
    const noEnd = () => `Couldn't find end of Start Tag ${localName(name)} line ${lineOf(i)}`;
    const seen = new Set<string>();
    let j = n;
    let empty = false;
    // libxml2's xmlParseStartTag2 loop: after a value, '>' '/>' or a blank; then (blanks skipped) the end of the
    // tag or another attribute.
    for (;;) {
      if (seen.size > 0) {
        const c = s.charCodeAt(j);
        if (c === 62 || (c === 47 && s.charCodeAt(j + 1) === 62)) {
          empty = c === 47;
          j += empty ? 2 : 1;
          break;
        }
        if (!isSpace(c)) return fail(Math.min(j, len), 'attributes construct error');
      }
      while (isSpace(s.charCodeAt(j))) j++;
      if (j >= len) return fail(len, noEnd());
      if (badAt === j) return fail(j, badChar(noEnd()));
      const c = s.charCodeAt(j);
      if (c === 62 || (c === 47 && s.charCodeAt(j + 1) === 62)) {
        empty = c === 47;
        j += empty ? 2 : 1;
        break;
      }
      const aEnd = xmlNameEnd(s, j);
      if (aEnd === -1) return fail(j, 'error parsing attribute name');
      const aName = s.slice(j, aEnd);
      let k = aEnd;
      while (isSpace(s.charCodeAt(k))) k++;
      if (s.charCodeAt(k) !== 61) return fail(Math.min(k, len), `Specification mandates value for attribute ${localName(aName)}`);
      k++;
      while (isSpace(s.charCodeAt(k))) k++;
      const q = s.charCodeAt(k);
      if (q !== 34 && q !== 39) return fail(Math.min(k, len), 'AttValue: " or \' expected');
      const vEnd = s.indexOf(q === 34 ? '"' : "'", k + 1);
      const stopAt = vEnd === -1 ? len : vEnd;
      let first: [number, string] | undefined = inRange(k + 1, stopAt) ? [badAt, badChar('invalid character in attribute value')] : undefined;
      const l2 = nextLt(k + 1);
      if (l2 !== -1 && l2 < (first ? first[0] : stopAt)) first = [l2, "Unescaped '<' not allowed in attributes values"];
      const ref = refs(k + 1, first ? first[0] : stopAt);
      if (ref) first = ref;
      if (first) return fail(first[0], first[1]);
      if (vEnd === -1) return fail(len, "AttValue: ' expected");
      if (seen.has(aName)) return fail(j, `Attribute ${aName} redefined`);
      seen.add(aName);
      j = vEnd + 1;
    }
    if (!empty) {
      names.push(name);
      opens.push(i);
    }
    i = j;
  }
}

function problemAt(error: { offset: number; message: string }, text: string, file: string): Problem {
  const pos = new LineIndex(text).position(error.offset);
  return problem('xml.not-well-formed', `not well-formed XML: ${error.message}`, file, pos.line, pos.column);
}

/**
 * The text of a document's bytes as libxml2 decodes them (libvirt hands files to libxml2 as bytes): UTF-8 unless
 * the XML declaration names another encoding (ISO-8859-1 as true Latin-1, others as the WHATWG decoders know them;
 * an encoding neither knows is refused, as libxml2 refuses one iconv does not know). Bytes that are not UTF-8 are
 * refused with libxml2's message and the line and column where they start: "Input is not proper UTF-8, indicate
 * encoding ! Bytes: 0xE9 0x3C ...", or "Char 0xD800 out of allowed range" for a UTF-8-encoded surrogate or a
 * value beyond U+10FFFF.
 */
export function decodeXmlBytes(buf: Buffer, file: string): { ok: true; text: string } | { ok: false; problem: Problem } {
  const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  const enc = /^<\?xml[^>]*?[ \t\r\n]encoding[ \t\r\n]*=[ \t\r\n]*["']([A-Za-z][A-Za-z0-9._-]*)["']/.exec(buf.subarray(bom, bom + 256).toString('latin1'))?.[1];
  // A UTF-16 label on 8-bit input (no UTF-16 byte-order mark) is ignored by libxml2, which reads the bytes as UTF-8.
  if (enc !== undefined && !/^utf-?8$/i.test(enc) && !/^utf-?16/i.test(enc)) {
    if (/^(iso[-_]?8859-1|latin-?1|l1|iso-ir-100|cp819|ibm819)$/i.test(enc)) return { ok: true, text: buf.toString('latin1') };
    try {
      return { ok: true, text: new TextDecoder(enc).decode(buf) };
    } catch {
      return { ok: false, problem: problem('xml.not-well-formed', `not well-formed XML: Unsupported encoding ${enc}`, file) };
    }
  }
  if (isUtf8(buf)) return { ok: true, text: buf.toString('utf8') };
  const n = buf.length;
  let i = bom;
  let message = '';
  while (i < n) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const need = (b & 0xe0) === 0xc0 ? 1 : (b & 0xf0) === 0xe0 ? 2 : (b & 0xf8) === 0xf0 ? 3 : 0;
    let val = need === 1 ? b & 0x1f : need === 2 ? b & 0x0f : b & 0x07;
    let ok = need > 0;
    for (let k = 1; ok && k <= need; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) ok = false;
      else val = (val << 6) | (c & 0x3f);
    }
    if (ok && val < [0, 0x80, 0x800, 0x10000][need]) ok = false;
    if (!ok) {
      const bytes = [...buf.subarray(i, i + 4)].map((x) => `0x${x.toString(16).toUpperCase().padStart(2, '0')}`).join(' ');
      message = `Input is not proper UTF-8, indicate encoding ! Bytes: ${bytes}`;
      break;
    }
    if ((val >= 0xd800 && val <= 0xdfff) || val > 0x10ffff) {
      message = `Char 0x${val.toString(16).toUpperCase()} out of allowed range`;
      break;
    }
    i += need + 1;
  }
  // isUtf8 and this walk agree on what is UTF-8; should they not, decode as before rather than refuse.
  if (message === '') return { ok: true, text: buf.toString('utf8') };
  const lineStart = i > bom ? Math.max(bom, buf.lastIndexOf(0x0a, i - 1) + 1) : bom;
  let line = 1;
  for (let p = buf.indexOf(0x0a, bom); p !== -1 && p < i; p = buf.indexOf(0x0a, p + 1)) line++;
  const column = buf.toString('utf8', lineStart, i).length + 1;
  return { ok: false, problem: problem('xml.not-well-formed', `not well-formed XML: ${message}`, file, line, column) };
}

/**
 * Every document of a file that holds several one after the other (`virt-install --print-xml` prints the install
 * phase's `<domain>` and then the final one; `virsh dumpxml a; virsh dumpxml b` concatenated), each parsed on its
 * own, with locations in the original file. libvirt refuses such a file as a whole ("Extra content at the end of the
 * document"); each document is what it would be given separately. A file with one document (or whose first
 * document is not well-formed) gives exactly parseXml's result. A document runs from the first non-blank character
 * after the previous root element (a comment or an XML declaration belongs to the document it precedes).
 */
export function parseXmlDocuments(input: string, file: string, options: ParseXmlOptions = {}): XmlParseResult[] {
  const whole = parseXml(input, file, options);
  if (whole.ok || whole.problems[0]?.code !== 'xml.extra-content') return [whole];
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const starts = scanXml(text).docStarts;
  if (starts.length < 2) return [whole];
  const lines = new LineIndex(text);
  return starts.map((start, k) => {
    const r = parseXml(text.slice(start, k + 1 < starts.length ? starts[k + 1] : text.length), file, options);
    const at = lines.position(start);
    const move = (loc: SourceLocation) => {
      if (loc.line === 1) loc.column += at.column - 1;
      loc.line += at.line - 1;
    };
    if (r.ok) {
      const walk = (el: XmlElement) => {
        move(el.loc);
        el.children.forEach(walk);
      };
      walk(r.root);
    }
    for (const p of r.problems) if (p.location) move(p.location);
    return r;
  });
}
