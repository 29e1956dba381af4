import type * as Sarif from 'sarif';
import type { Rule } from '../engine/generated/rule';
import type { Finding, FindingFix } from '../engine/findings';
import { computeEdit } from '../fix/edit';
import { remediationOf } from './common';

/** A range in a text: 1-based lines and columns, `endColumn` exclusive (as SARIF regions). */
export interface TextRange {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  /** Whitespace before the element on its first line (for re-indenting a replacement). */
  indent: string;
}

const NAME_CHAR = /[A-Za-z0-9_.:-]/;

/** The end (index after `>`) of the tag starting at `i` (`<`), honouring quoted attribute values; -1 when unterminated. */
function tagEnd(text: string, i: number): number {
  let quote = '';
  for (let j = i + 1; j < text.length; j++) {
    const ch = text[j];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '>') return j + 1;
  }
  return -1;
}

/**
 * The extent of the XML element whose `<` is at (line, column): through its matching end tag, or its `/>`.
 * Comments, CDATA and processing instructions inside are skipped. Undefined when there is no element there or
 * it is not terminated. Pure; never throws.
 */
export function xmlElementRange(text: string, line: number, column: number): TextRange | undefined {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) return undefined;
    offset = nl + 1;
  }
  const lineStart = offset;
  const start = offset + column - 1;
  if (text[start] !== '<' || !/[A-Za-z_]/.test(text[start + 1] ?? '')) return undefined;
  let k = start + 1;
  while (k < text.length && NAME_CHAR.test(text[k])) k++;
  const name = text.slice(start + 1, k);
  let end = tagEnd(text, start);
  if (end === -1) return undefined;
  if (text[end - 2] !== '/') {
    let depth = 1;
    let i = end;
    while (depth > 0) {
      i = text.indexOf('<', i);
      if (i === -1) return undefined;
      if (text.startsWith('<!--', i)) {
        const e = text.indexOf('-->', i + 4);
        if (e === -1) return undefined;
        i = e + 3;
      } else if (text.startsWith('<![CDATA[', i)) {
        const e = text.indexOf(']]>', i + 9);
        if (e === -1) return undefined;
        i = e + 3;
      } else if (text.startsWith('<?', i)) {
        const e = text.indexOf('?>', i + 2);
        if (e === -1) return undefined;
        i = e + 2;
      } else {
        const closing = text[i + 1] === '/';
        const ns = i + (closing ? 2 : 1);
        let ne = ns;
        while (ne < text.length && NAME_CHAR.test(text[ne])) ne++;
        const te = tagEnd(text, i);
        if (te === -1) return undefined;
        if (text.slice(ns, ne) === name) {
          if (closing) depth--;
          else if (text[te - 2] !== '/') depth++;
        }
        i = te;
      }
    }
    end = i;
  }
  const pos = (off: number) => {
    const before = text.slice(0, off);
    const l = before.split('\n').length;
    return { line: l, column: off - (before.lastIndexOf('\n') + 1) + 1 };
  };
  const e = pos(end);
  const lead = text.slice(lineStart, start);
  return { startLine: line, startColumn: column, endLine: e.line, endColumn: e.column, indent: /^\s*$/.test(lead) ? lead : '' };
}

/** The name of the single root element of an XML fragment, or undefined when it has none or several. */
export function fragmentRoot(xml: string): string | undefined {
  const t = xml.trim();
  const m = /^<([A-Za-z_][A-Za-z0-9_.:-]*)/.exec(t);
  if (!m) return undefined;
  const r = xmlElementRange(t, 1, 1);
  if (!r) return undefined;
  const lines = t.split('\n');
  const endOff = lines.slice(0, r.endLine - 1).reduce((n, l) => n + l.length + 1, 0) + r.endColumn - 1;
  return t.slice(endOff).trim() === '' ? m[1] : undefined;
}

/**
 * The SARIF fix of a domain-XML finding whose rule has an automatic fix (`remediation.fix`, or a snippet declared
 * `fix: replace-element`): the edit src/fix computes from the finding and the file's text, as one replacement
 * with its exact region (lines/columns, and charOffset/charLength in the file's text). Only when the source text is
 * available and the edit can be computed; never for a fix that needs the operator's choice.
 */
export function sarifFixFor(f: Finding, rule: Rule | undefined, source: ((file: string) => string | undefined) | undefined, uri: Sarif.ArtifactLocation): Sarif.Fix | undefined {
  if (f.target.kind !== 'domain' || !f.location || !source) return undefined;
  const rem = rule ? remediationOf(rule, f) : undefined;
  const s = rem?.snippet;
  // A finding made before fixes were data (or by hand): a replace-element snippet is its fix.
  const fix: FindingFix | undefined = f.fix ?? (s?.fix === 'replace-element' && s.language === 'xml' ? { kind: 'replace-element', content: s.content } : undefined);
  if (!fix || fix.kind === 'choice') return undefined;
  const text = source(f.location.file);
  if (text === undefined) return undefined;
  const r = computeEdit(text, { ...f, fix });
  if (!r.ok) return undefined;
  const e = r.edit;
  return {
    description: { text: rem?.text.trim() ?? `Fix for ${f.ruleId}` },
    artifactChanges: [
      {
        artifactLocation: uri,
        replacements: [
          {
            deletedRegion: { startLine: e.startLine, startColumn: e.startColumn, endLine: e.endLine, endColumn: e.endColumn, charOffset: e.start, charLength: e.end - e.start },
            insertedContent: { text: e.newText },
          },
        ],
      },
    ],
  };
}
