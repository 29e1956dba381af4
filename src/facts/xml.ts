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

export function parseXml(input: string, file: string): XmlParseResult {
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
