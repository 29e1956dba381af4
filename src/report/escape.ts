/**
 * Control characters from targets (file names, domain and host names, messages, evidence) must never reach a
 * terminal, a CI log or a document raw: an ESC starts a terminal escape sequence, a BEL rings, a CR or LF forges a
 * report line, a bidi override reorders what the reader sees. Every reporter runs target strings through the function
 * for its output kind here, which shows such characters visibly (`\x1b`, `\n`, `\u202e`) instead.
 *
 * A backslash itself is left as it is (paths and messages rarely hold one, and doubling every backslash would make
 * ordinary text harder to read); the escaped form is therefore meant for people, not for round-tripping.
 */

/**
 * C0 controls, DEL, C1 controls (U+0080–U+009F: 0x9B is a CSI in some terminals), the line and paragraph
 * separators, and the bidirectional embedding/override/isolate controls (CVE-2021-42574 "Trojan Source").
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Lone surrogates (cannot be written as UTF-8): the replacement character. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function visible(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** True when `s` holds a character that `visibleControls` would escape. */
export function hasControls(s: string): boolean {
  CONTROL.lastIndex = 0;
  const r = CONTROL.test(s);
  CONTROL.lastIndex = 0;
  return r;
}

/**
 * `s` with every control character shown visibly (ESC as `\x1b`, LF as `\n`, U+202E as `\u202e`) and lone
 * surrogates replaced by U+FFFD. `keep` lists control characters to leave as they are (e.g. '\n' for text that is
 * multi-line by design, like a remediation snippet).
 */
export function visibleControls(s: string, keep = ''): string {
  return s.replace(CONTROL, (ch) => (keep.includes(ch) ? ch : visible(ch))).replace(LONE_SURROGATE, '\uFFFD');
}

/** Terminal / plain text: one line, every control visible. Escape before colouring, so the tool's own SGR codes stay. */
export function termText(s: string): string {
  return visibleControls(s);
}

/** Terminal / plain text for text that is multi-line by design: its lines, each with every other control visible. */
export function termLines(s: string): string[] {
  return s.split('\n').map((l) => visibleControls(l));
}

/**
 * Inline Markdown (GitHub/GitLab flavoured): controls visible, then HTML (GitHub renders HTML inside Markdown, so
 * `<seclabel>` would vanish), table pipes and the characters that start emphasis, code or links escaped. With
 * `prose`, line breaks in rule-written text become spaces instead of a visible `\n` (a table cell is one line).
 */
export function mdInline(s: string, opts: { prose?: boolean } = {}): string {
  const text = opts.prose ? visibleControls(s.replace(/\r?\n/g, ' ')) : visibleControls(s);
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1');
}

/**
 * HTML content and (double- or single-quoted) attribute values: controls visible, then `& < > " '` escaped. `keep`
 * as for `visibleControls` ('\n' inside <pre>).
 */
export function htmlText(s: string, keep = ''): string {
  return visibleControls(s, keep).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * XML 1.0 content and attribute values (JUnit): controls visible (XML 1.0 forbids most C0 characters even as
 * character references; a raw CR would be read back as LF), noncharacters U+FFFE/U+FFFF replaced by U+FFFD, then
 * `& < > " '` escaped. `keep` as for `visibleControls` ('\n' between the lines of a <failure> body).
 */
export function xmlText(s: string, keep = ''): string {
  return visibleControls(s, keep)
    .replace(/[\uFFFE\uFFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** The characters JSON.stringify leaves raw that a terminal or an editor may act on: DEL, C1, separators, bidi. */
const JSON_RAW = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text (a JSON or SARIF report, or a piece of one) with the controls JSON.stringify leaves raw written as
 * `\uXXXX` escapes instead. They only occur inside JSON strings, so the document parses to the same value: the exact
 * target names are kept, and `cat report.json` shows nothing a terminal would obey. C0 controls are already escaped
 * by JSON.stringify. Safe on any piece boundary (each character is one UTF-16 unit).
 */
export function jsonSafe(json: string): string {
  return json.replace(JSON_RAW, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
