import type { Finding, FindingFix } from '../engine/findings';
import { childElements, escapeAttr, lineIndent, offsetAt, readElement, type ElementSpan } from './xml-text';

/**
 * One computed change to a file's text: replace [start, end) (string offsets; `byteStart`/`byteEnd` the same range
 * in the file's UTF-8 bytes) by `newText`. `oldText` is what is there now. Lines and columns are 1-based, the end
 * exclusive (as SARIF regions).
 */
export interface TextEdit {
  ruleId: string;
  subject: string;
  /** The fixed finding's fingerprint. */
  fingerprint: string;
  kind: FindingFix['kind'];
  file: string;
  start: number;
  end: number;
  byteStart: number;
  byteEnd: number;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  oldText: string;
  newText: string;
  /**
   * insert-child: newText as [before, the child's lines, after], so that several children added to the same element
   * (the same edit range) merge into one edit.
   */
  parts?: [string, string, string];
  /** Fingerprints of every finding this edit fixes (several when their edits were merged). */
  fixes?: string[];
}

export type EditResult = { ok: true; edit: TextEdit } | { ok: false; reason: string };

const INDENT_UNIT = '  ';

function position(text: string, off: number): { line: number; column: number } {
  let line = 1;
  let ls = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < off; i = text.indexOf('\n', i + 1)) {
    line++;
    ls = i + 1;
  }
  return { line, column: off - ls + 1 };
}

/** `content` trimmed, its lines after the first indented by `indent` (a fragment placed at a given column). */
function reindent(content: string, indent: string): string {
  return content
    .trim()
    .split('\n')
    .map((l, i) => (i === 0 || l === '' ? l : indent + l))
    .join('\n');
}

/** The element a fix addresses: the one at the finding's location, then `element`'s child path. */
function targetElement(text: string, f: Finding, path: string | undefined): ElementSpan | string {
  if (!f.location) return 'the finding has no location';
  let at = offsetAt(text, f.location.line, f.location.column);
  // A byte-order mark is not counted in the first line's columns by the reader.
  if (at !== undefined && text.charCodeAt(0) === 0xfeff && f.location.line === 1) at += 1;
  let el = at === undefined ? undefined : readElement(text, at);
  if (!el) return `no element at ${f.location.file}:${f.location.line}:${f.location.column}`;
  for (const name of path ? path.split('/') : []) {
    const c: ElementSpan | undefined = childElements(text, el).find((k) => k.tag.name === name);
    if (!c) return `<${el.tag.name}> at line ${f.location.line} has no <${name}> child`;
    el = c;
  }
  return el;
}

/**
 * The edit that applies a finding's fix to `text` (the file the finding's location names). Not for kind `choice`
 * (that is the operator's). The smallest change: an attribute value is replaced in place with the attribute's own
 * quotes; a new attribute takes the quote style of the tag's first attribute; a new or replaced element is
 * indented as its neighbours.
 */
export function computeEdit(text: string, f: Finding): EditResult {
  const fix = f.fix;
  if (!fix) return { ok: false, reason: 'the rule has no automatic fix' };
  // A fix whose value holds a named placeholder carries a non-empty `choice`: the operator's, never applied.
  if (fix.kind === 'choice' || (fix.choice !== undefined && fix.choice.trim() !== '')) return { ok: false, reason: `needs a choice: ${fix.choice ?? ''}` };
  const el = targetElement(text, f, fix.element);
  if (typeof el === 'string') return { ok: false, reason: el };
  const tag = el.tag;
  let start: number;
  let end: number;
  let newText: string;
  let parts: [string, string, string] | undefined;
  switch (fix.kind) {
    case 'set-attribute': {
      const a = tag.attrs.find((x) => x.name === fix.attribute);
      const value = fix.value ?? '';
      if (a) {
        [start, end, newText] = [a.valueStart, a.valueEnd, escapeAttr(value, a.quote)];
      } else {
        const quote = tag.attrs[0]?.quote ?? "'";
        start = end = tag.attrs.length ? tag.attrs[tag.attrs.length - 1].end : tag.nameEnd;
        newText = ` ${fix.attribute}=${quote}${escapeAttr(value, quote)}${quote}`;
      }
      break;
    }
    case 'remove-attribute': {
      const a = tag.attrs.find((x) => x.name === fix.attribute);
      if (!a) return { ok: false, reason: `<${tag.name}> has no ${fix.attribute}= attribute` };
      [start, end, newText] = [a.lead, a.end, ''];
      break;
    }
    case 'replace-element': {
      const content = (fix.content ?? '').trim();
      const name = /^<([A-Za-z_][A-Za-z0-9_.:-]*)/.exec(content)?.[1];
      if (name !== tag.name) return { ok: false, reason: `the fix's element <${name ?? '?'}> is not the <${tag.name}> it replaces` };
      [start, end, newText] = [tag.start, el.end, reindent(content, lineIndent(text, tag.start) ?? '')];
      break;
    }
    case 'remove-element': {
      [start, end, newText] = [tag.start, el.end, ''];
      const indent = lineIndent(text, tag.start);
      const after = /^[ \t]*\r?\n/.exec(text.slice(el.end));
      if (indent !== undefined && after) [start, end] = [tag.start - indent.length, el.end + after[0].length];
      break;
    }
    case 'insert-child': {
      const indent = lineIndent(text, tag.start) ?? '';
      const kids = childElements(text, el);
      const childIndent = (kids.length ? lineIndent(text, kids[0].tag.start) : undefined) ?? indent + INDENT_UNIT;
      const content = reindent(fix.content ?? '', childIndent);
      const child = `${childIndent}${content}\n`;
      if (tag.selfClosing) {
        let s = tag.close;
        while (s > tag.nameEnd && /[ \t\r\n]/.test(text[s - 1])) s--;
        [start, end, parts] = [s, tag.end, ['>\n', child, `${indent}</${tag.name}>`]];
      } else {
        const closeIndent = lineIndent(text, el.endTagStart);
        if (closeIndent !== undefined) [start, end, parts] = [el.endTagStart - closeIndent.length, el.endTagStart - closeIndent.length, ['', child, '']];
        else [start, end, parts] = [el.endTagStart, el.endTagStart, ['\n', child, indent]];
      }
      newText = parts.join('');
      break;
    }
    default:
      return { ok: false, reason: `unknown fix kind ${(fix as FindingFix).kind}` };
  }
  const s = position(text, start);
  const e = position(text, end);
  const byteStart = Buffer.byteLength(text.slice(0, start), 'utf8');
  return {
    ok: true,
    edit: {
      ruleId: f.ruleId,
      subject: f.subject,
      fingerprint: f.fingerprint,
      kind: fix.kind,
      file: f.location!.file,
      start,
      end,
      byteStart,
      byteEnd: byteStart + Buffer.byteLength(text.slice(start, end), 'utf8'),
      startLine: s.line,
      startColumn: s.column,
      endLine: e.line,
      endColumn: e.column,
      oldText: text.slice(start, end),
      newText,
      ...(parts ? { parts } : {}),
      fixes: [f.fingerprint],
    },
  };
}

/** What planEdits decided for one finding. */
export type PlannedFix =
  | { status: 'edit'; edit: TextEdit; primary: boolean }
  | { status: 'conflict'; reason: string; edit: TextEdit }
  | { status: 'none'; reason: string; choice: boolean };

const overlaps = (a: TextEdit, b: TextEdit) => b.start < a.end || (b.start === a.start && b.end === a.end) || (a.start === a.end && b.start === a.start);

/**
 * The edits of several findings on one file's text, computed independently (computeEdit) and then made consistent:
 * edits whose ranges overlap (or insert at the same point) are merged into one edit when they compose — the same
 * change twice, children added to the same element, insertions at the same point (in finding order) — and
 * otherwise the first (in finding order) is kept and the others are conflicts, to be computed again on the text
 * that first edit produced (`vmaudit fix domain` does: it fixes in rounds). Every merged edit lists the
 * fingerprints it fixes; `primary` is set on the first finding of each edit (a report shows a merged edit once).
 */
export function planEdits(text: string, findings: readonly Finding[]): { edits: TextEdit[]; byFinding: Map<string, PlannedFix> } {
  const byFinding = new Map<string, PlannedFix>();
  const computed: TextEdit[] = [];
  const order = new Map<string, number>();
  findings.forEach((f, i) => {
    order.set(f.fingerprint, i);
    const r = computeEdit(text, f);
    if (r.ok) computed.push(r.edit);
    else byFinding.set(f.fingerprint, { status: 'none', reason: r.reason, choice: !!f.fix && (f.fix.kind === 'choice' || !!f.fix.choice?.trim()) });
  });
  const sorted = [...computed].sort((a, b) => a.start - b.start || a.end - b.end || order.get(a.fingerprint)! - order.get(b.fingerprint)!);
  // Groups of edits that touch the same text.
  const groups: TextEdit[][] = [];
  for (const e of sorted) {
    const g = groups[groups.length - 1];
    if (g && g.some((x) => overlaps(x, e))) g.push(e);
    else groups.push([e]);
  }
  const edits: TextEdit[] = [];
  for (const g of groups) {
    g.sort((a, b) => order.get(a.fingerprint)! - order.get(b.fingerprint)!);
    const first = g[0];
    const merged: TextEdit = { ...first, fixes: [first.fingerprint] };
    const sameRange = (e: TextEdit) => e.start === first.start && e.end === first.end;
    for (const e of g.slice(1)) {
      if (sameRange(e) && e.newText === merged.newText) merged.fixes!.push(e.fingerprint);
      else if (sameRange(e) && merged.parts && e.parts && e.parts[0] === merged.parts[0] && e.parts[2] === merged.parts[2]) {
        merged.parts = [merged.parts[0], merged.parts[1] + e.parts[1], merged.parts[2]];
        merged.newText = merged.parts.join('');
        merged.fixes!.push(e.fingerprint);
      } else if (first.start === first.end && sameRange(e) && !merged.parts && !e.parts) {
        merged.newText += e.newText;
        merged.fixes!.push(e.fingerprint);
      } else {
        byFinding.set(e.fingerprint, { status: 'conflict', edit: e, reason: `its change overlaps the fix for ${first.ruleId} ${first.subject} (line ${first.startLine}): computed again once that one is applied` });
      }
    }
    edits.push(merged);
    merged.fixes!.forEach((fp, i) => byFinding.set(fp, { status: 'edit', edit: merged, primary: i === 0 }));
  }
  return { edits, byFinding };
}

/**
 * Applies non-overlapping edits (sorted by start; an edit overlapping an earlier one is returned in `skipped`).
 * Bytes outside the edits are copied as they are.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): { text: string; applied: TextEdit[]; skipped: TextEdit[] } {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const applied: TextEdit[] = [];
  const skipped: TextEdit[] = [];
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos) {
      skipped.push(e);
      continue;
    }
    out += text.slice(pos, e.start) + e.newText;
    pos = e.end;
    applied.push(e);
  }
  return { text: out + text.slice(pos), applied, skipped };
}
