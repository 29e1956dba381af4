/**
 * Positions in the text of a well-formed XML document, found by reading the text itself (never a re-serialised
 * tree): the start tag at an offset with each attribute's name and value spans, the element's extent, its children.
 * Offsets are string indexes (UTF-16 code units, as SourceLocation columns). Pure; never throws: a position that is
 * not what it should be gives undefined.
 */

export interface AttrSpan {
  name: string;
  /** Offset of the whitespace before the name (the attribute's text, for removal, is [lead, end)). */
  lead: number;
  nameStart: number;
  /** Value between the quotes: [valueStart, valueEnd). */
  valueStart: number;
  valueEnd: number;
  quote: '"' | "'";
  /** Offset after the closing quote. */
  end: number;
}

export interface StartTag {
  name: string;
  start: number;
  /** Offset after the name. */
  nameEnd: number;
  attrs: AttrSpan[];
  /** Offset of `/>` or `>`. */
  close: number;
  /** Offset after `>`. */
  end: number;
  selfClosing: boolean;
}

export interface ElementSpan {
  tag: StartTag;
  /** Offset after the element (after its end tag, or its `/>`). */
  end: number;
  /** Offset of `</name>` (equal to `end` when self-closing). */
  endTagStart: number;
}

const WS = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;
const NAME_CHAR = /[A-Za-z0-9_.:\u00B7\u00C0-\uFFFF-]/;

/** The offset of 1-based (line, column) in `text` (lines counted by LF, as the XML reader counts them). */
export function offsetAt(text: string, line: number, column: number): number | undefined {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl === -1) return undefined;
    off = nl + 1;
  }
  const at = off + column - 1;
  return at >= 0 && at <= text.length ? at : undefined;
}

/** The start tag whose `<` is at `start`. */
export function readStartTag(text: string, start: number): StartTag | undefined {
  if (text[start] !== '<' || !NAME_START.test(text[start + 1] ?? '')) return undefined;
  let i = start + 1;
  while (i < text.length && NAME_CHAR.test(text[i])) i++;
  const name = text.slice(start + 1, i);
  const nameEnd = i;
  const attrs: AttrSpan[] = [];
  for (;;) {
    const lead = i;
    while (WS(text[i])) i++;
    if (text[i] === '>') return { name, start, nameEnd, attrs, close: i, end: i + 1, selfClosing: false };
    if (text[i] === '/' && text[i + 1] === '>') return { name, start, nameEnd, attrs, close: i, end: i + 2, selfClosing: true };
    if (i === lead || !NAME_START.test(text[i] ?? '')) return undefined;
    const nameStart = i;
    while (i < text.length && NAME_CHAR.test(text[i])) i++;
    const attrName = text.slice(nameStart, i);
    while (WS(text[i])) i++;
    if (text[i] !== '=') return undefined;
    i++;
    while (WS(text[i])) i++;
    const quote = text[i];
    if (quote !== '"' && quote !== "'") return undefined;
    const close = text.indexOf(quote, i + 1);
    if (close === -1) return undefined;
    attrs.push({ name: attrName, lead, nameStart, valueStart: i + 1, valueEnd: close, quote, end: close + 1 });
    i = close + 1;
  }
}

/**
 * Skips markup that is not an element (comment, CDATA, PI, doctype) at `i` (a `<`): the offset after it, or
 * undefined when `i` starts a tag.
 */
function skipNonElement(text: string, i: number): number | undefined {
  const skip = (open: string, close: string) => {
    if (!text.startsWith(open, i)) return undefined;
    const e = text.indexOf(close, i + open.length);
    return e === -1 ? text.length : e + close.length;
  };
  return skip('<!--', '-->') ?? skip('<![CDATA[', ']]>') ?? skip('<?', '?>') ?? skip('<!', '>');
}

/** The element whose start tag is at `start`, through its end tag (the document is well-formed). */
export function readElement(text: string, start: number): ElementSpan | undefined {
  const tag = readStartTag(text, start);
  if (!tag) return undefined;
  if (tag.selfClosing) return { tag, end: tag.end, endTagStart: tag.end };
  let depth = 1;
  let i = tag.end;
  for (;;) {
    i = text.indexOf('<', i);
    if (i === -1) return undefined;
    const skipped = skipNonElement(text, i);
    if (skipped !== undefined) {
      i = skipped;
      continue;
    }
    if (text[i + 1] === '/') {
      const e = text.indexOf('>', i);
      if (e === -1) return undefined;
      if (--depth === 0) return text.slice(i + 2, e).trim() === tag.name ? { tag, end: e + 1, endTagStart: i } : undefined;
      i = e + 1;
    } else {
      const t = readStartTag(text, i);
      if (!t) return undefined;
      if (!t.selfClosing) depth++;
      i = t.end;
    }
  }
}

/** The direct child elements of `el`, in document order. */
export function childElements(text: string, el: ElementSpan): ElementSpan[] {
  const out: ElementSpan[] = [];
  let i = el.tag.end;
  while (i < el.endTagStart) {
    i = text.indexOf('<', i);
    if (i === -1 || i >= el.endTagStart) break;
    const skipped = skipNonElement(text, i);
    if (skipped !== undefined) {
      i = skipped;
      continue;
    }
    const c = readElement(text, i);
    if (!c) break;
    out.push(c);
    i = c.end;
  }
  return out;
}

/** Whitespace from the start of the line holding `offset` to it, when only whitespace precedes it; else undefined. */
export function lineIndent(text: string, offset: number): string | undefined {
  const ls = text.lastIndexOf('\n', offset - 1) + 1;
  const lead = text.slice(ls, offset);
  return /^[ \t]*$/.test(lead) ? lead : undefined;
}

/** `s` escaped as an attribute value quoted with `quote`. */
export function escapeAttr(s: string, quote: '"' | "'"): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(quote === '"' ? /"/g : /'/g, quote === '"' ? '&quot;' : '&apos;');
}
