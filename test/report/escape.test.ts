import { hasControls, htmlText, jsonSafe, mdInline, termLines, termText, visibleControls, xmlText } from '../../src/report/escape';

describe('escaping control characters from targets', () => {
  it('shows every C0 control, DEL, C1 control, line separator and bidi control visibly', () => {
    const all: string[] = [];
    for (let c = 0; c < 0x20; c++) all.push(String.fromCharCode(c));
    for (let c = 0x7f; c <= 0x9f; c++) all.push(String.fromCharCode(c));
    all.push('\u2028', '\u2029', '\u202a', '\u202e', '\u2066', '\u2069');
    for (const ch of all) {
      const out = termText(`a${ch}b`);
      expect(out).toMatch(/^a\\(x[0-9a-f]{2}|u[0-9a-f]{4}|[tnr])b$/);
      expect(hasControls(out)).toBe(false);
      expect(hasControls(`a${ch}b`)).toBe(true);
    }
    expect(termText('\x1b[31mred\x07\r\n\t\u009b\u202e')).toBe('\\x1b[31mred\\x07\\r\\n\\t\\x9b\\u202e');
  });

  it('leaves printable text alone, including non-ASCII letters, emoji and backslashes', () => {
    for (const s of ['plain.xml', 'Ünïcødé 名前 🟣', 'C:\\path', "<a href='x'>"]) expect(termText(s)).toBe(s);
  });

  it('replaces lone surrogates (not encodable as UTF-8) but keeps pairs', () => {
    expect(visibleControls('a\uD800b\uDC00c\uD83D\uDFE3')).toBe('a\uFFFDb\uFFFDc\uD83D\uDFE3');
  });

  it('keeps the controls asked for; termLines splits multi-line text and escapes each line', () => {
    expect(visibleControls('x\ny\x1b', '\n')).toBe('x\ny\\x1b');
    expect(termLines('one\x07\ntwo\r')).toEqual(['one\\x07', 'two\\r']);
  });

  it('Markdown: controls visible, then Markdown/HTML metacharacters escaped; prose turns line breaks into spaces', () => {
    expect(mdInline('a|b\x1b<x>')).toBe('a\\|b\\\\x1b&lt;x&gt;');
    expect(mdInline('one\ntwo\x07', { prose: true })).toBe('one two\\\\x07');
    expect(mdInline('one\ntwo')).toBe('one\\\\ntwo');
  });

  it('HTML and XML: controls visible, then markup escaped; XML noncharacters replaced', () => {
    expect(htmlText(`<b a="x">'\x1b\n`)).toBe('&lt;b a=&quot;x&quot;&gt;&#39;\\x1b\\n');
    expect(htmlText('l1\nl2\x00', '\n')).toBe('l1\nl2\\x00');
    expect(xmlText(`<&'\x00\uFFFF\r`)).toBe('&lt;&amp;&apos;\\x00\uFFFD\\r');
  });

  it('JSON: what JSON.stringify leaves raw (DEL, C1, separators, bidi) becomes \\u escapes; the value is unchanged', () => {
    const value = { name: 'a\x7f\u009b\u0085\u2028\u202e\u2066z\x1b', ok: 'Ünïcødé 🟣' };
    const json = jsonSafe(JSON.stringify(value, null, 2));
    expect(json).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    expect(json).toContain('a\\u007f\\u009b\\u0085\\u2028\\u202e\\u2066z\\u001b');
    expect(JSON.parse(json)).toEqual(value);
  });
});
