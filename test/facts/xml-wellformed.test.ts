import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readDomainFile } from '../../src/engine/scan-domains';
import { parseXml } from '../../src/facts/xml';
import { describeWithOracles } from '../helpers/oracle';

/**
 * Well-formedness as libvirt's parser (libxml2) has it, with xmllint (libxml2-utils) as the oracle: for each input,
 * vmaudit's first problem must be libxml2's first error, same words, same line. Inputs go through the real reading
 * path (bytes from a file, decoded as libxml2 decodes them), so invalid UTF-8 is tested as bytes.
 */

const ROOT = path.resolve(__dirname, '..', '..');
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-wf-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let seq = 0;
function write(bytes: Buffer | string): string {
  const f = path.join(dir, `in${seq++}.xml`);
  fs.writeFileSync(f, bytes);
  return f;
}

/** xmllint's first error as { line, message } (a "Bytes:" line folded in), or null when it accepts the file. */
function xmllint(file: string): { line: number; message: string } | null {
  let out: string;
  try {
    execFileSync('xmllint', ['--noout', '--nonet', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    return null;
  } catch (err) {
    out = String((err as { stderr: Buffer }).stderr);
  }
  const lines = out.split('\n');
  const i = lines.findIndex((l) => l.includes(': parser error : '));
  if (i === -1) throw new Error(`xmllint failed without a parser error:\n${out}`);
  const m = /:(\d+): parser error : (.*)$/.exec(lines[i])!;
  const bytes = lines[i + 1]?.startsWith('Bytes: ') ? ` ${lines[i + 1].trim()}` : '';
  return { line: Number(m[1]), message: m[2] + bytes };
}

/** vmaudit's first problem for the file, read as scan domain reads it. */
function vmaudit(file: string): { line: number; message: string } | null {
  const input = readDomainFile(file);
  if (input.decodeError) return { line: input.decodeError.location!.line, message: input.decodeError.message.replace(/^not well-formed XML: /, '') };
  if (input.text === undefined) throw new Error(`unreadable: ${input.readError}`);
  const r = parseXml(input.text, file);
  if (r.ok) return null;
  return { line: r.problems[0].location!.line, message: r.problems[0].message.replace(/^not well-formed XML: /, '') };
}

const DOMAIN = fs.readFileSync(path.join(ROOT, 'fixtures', 'domains', 'good-numa-exposure.xml'), 'utf8');
const b = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

const CASES: [string, Buffer | string][] = [
  // End of data in every construct (libxml2 names the innermost open element and the line of its start tag).
  ['truncated in content', '<domain>\n  <name>a</name>\n  <devices>\n    <disk type="file">\n      <source file="x"/>\n'],
  ['truncated in text', '<domain>\n  <name>abc'],
  ['truncated in a start tag', '<domain>\n  <disk'],
  ['truncated after a start tag name and a space', '<domain>\n  <disk '],
  ['truncated in an attribute value', '<domain>\n  <disk type="fi'],
  ['truncated after an attribute', '<domain>\n  <disk type="file"'],
  ['truncated in an end tag', '<domain>\n  <name>abc</name'],
  ['truncated after <', '<domain>\n  <name>abc<'],
  ['truncated in a comment', '<domain>\n  <!-- abc'],
  ['truncated in a PI', '<domain>\n <?pi x'],
  ['truncated in CDATA', '<domain>\n <![CDATA[ x'],
  ['truncated in an entity reference', '<domain>\n  <name>a&amp'],
  ['truncated with a namespace prefix', '<q:b xmlns:q="u">\n <c>'],
  ['CRLF, truncated', '<domain>\r\n  <name>a</name>\r\n  <devices>\r\n    <disk>\r\n'],
  ['CR-only, truncated', '<domain>\r  <name>a</name>\r  <devices>\r    <disk>\r'],
  ['CR CR LF, truncated', '<domain>\r\r\n  <name>a</name>\r\r\n  <devices>\r\n    <disk>\r\n'],
  // Characters XML 1.0 forbids, in each context.
  ['U+0001 in text', '<domain>\n  <name>a\u0001</name>\n</domain>'],
  ['BEL in text', '<domain>\n  <name>\u0007</name>\n</domain>'],
  ['VT in text', '<d>\u000b</d>'],
  ['ESC in a double-quoted attribute', '<domain>\n  <name a="x\u001by">a</name>\n</domain>'],
  ['FF in a single-quoted attribute', "<d a='a\u000cb'/>"],
  ['U+0001 in a comment', '<d>\n<!-- a\u0001b -->\n</d>'],
  ['-- in a comment', '<d>\n<!-- a -- b -->\n</d>'],
  ['--- ending a comment', '<d>\n<!-- a --->\n</d>'],
  ['-- in a long comment', `<d>\n<!-- ${'0123456789'.repeat(7)} -- b -->\n</d>`],
  ['-- in a comment after a non-ASCII character', '<d>\n<!--\u00e9 -- b -->\n</d>'],
  ['U+0003 in a PI', '<d>\n<?pi a\u0003b?>\n</d>'],
  ['U+0004 between attributes', '<d>\n<e \u0004a="1"/>\n</d>'],
  ['U+0005 after an element name', '<d>\n<e\u0005/>\n</d>'],
  ['NUL in text', '<d>a\u0000</d>'],
  ['NUL in an attribute', '<d a="x\u0000"/>'],
  ['U+FFFE', '<d>x\ufffey</d>'],
  ['U+FFFF', '<d>\nx\uffffy</d>'],
  // Character references to forbidden characters.
  ['&#0;', '<domain>\n  <name>&#0;</name>\n</domain>'],
  ['&#1; in an attribute', '<domain>\n  <name a="&#1;">x</name>\n</domain>'],
  ['&#x1b; in an attribute', '<d a="x&#x1b;"/>'],
  ['&#x0;', '<d>&#x0;</d>'],
  ['&#01;', '<d>&#01;</d>'],
  ['&#xD800;', '<d>&#xD800;</d>'],
  ['&#x110000;', '<d>&#x110000;</d>'],
  ['&#99999999999;', '<d>&#99999999999;</d>'],
  ['&#1 without ;', '<d a="&#1"/>'],
  ['allowed references', '<d a="&#x9;&#65;&#x10FFFF;">&#xD;&#xE000;&amp;&lt;</d>'],
  // Invalid UTF-8 (bytes).
  ['Latin-1 é undeclared', b('<domain>\n  <name>caf', [0xe9], '</name>\n</domain>')],
  ['Latin-1 é in an attribute', b('<d a="', [0xe9], '"/>')],
  ['overlong /', b('<d>x', [0xc0, 0xaf], 'y</d>')],
  ['overlong 3-byte', b('<d>\nx', [0xe0, 0x80, 0xaf], 'y</d>')],
  ['UTF-8 surrogate', b('<d>x', [0xed, 0xa0, 0x80], 'y</d>')],
  ['beyond U+10FFFF', b('<d>x', [0xf4, 0x90, 0x80, 0x80], 'y</d>')],
  ['stray continuation byte, line 3', b('<d>\n<e/>\n  x', [0x80], '</d>')],
  ['U+FFFE as UTF-8', b('<d>x', [0xef, 0xbf, 0xbe], 'y</d>')],
  ['valid C1 control as UTF-8', b('<d>', [0xc2, 0x80], '</d>')],
  ['Latin-1 declared', b('<?xml version="1.0" encoding="ISO-8859-1"?>\n<d>caf', [0xe9], '</d>')],
  ['windows-1252 declared', b('<?xml version="1.0" encoding="windows-1252"?>\n<d>caf', [0x80], '</d>')],
  ['unknown encoding declared', b('<?xml version="1.0" encoding="bogus"?>\n<d>caf', [0xe9], '</d>')],
  // Other errors in libxml2's words.
  ['tag mismatch', '<domain>\n  <numa node="0">\n</domain>\n'],
  ['end tag with no open element', '<d>\n</e>'],
  ['duplicate attribute', '<d a="1" a="2"/>'],
  ["'<' in an attribute value", '<d a="4<0"/>'],
  [']]> in content', '<d>a]]>b</d>'],
  ['undefined entity', '<d>&foo;</d>'],
  ['& without a name', '<d>& b</d>'],
  ['two root elements', '<d/>\n<d/>'],
  ['an XML declaration after the root', '<d/>\n<?xml version="1.0"?>\n<d/>'],
  ['an XML declaration not at the start', ' <?xml version="1.0"?><d/>'],
  ['well-formed fixture', DOMAIN],
  ['well-formed fixture, CRLF', DOMAIN.replace(/\n/g, '\r\n')],
  ['well-formed fixture, CR-only', DOMAIN.replace(/\n/g, '\r')],
];

describeWithOracles(['xmllint'], 'well-formedness as libxml2 has it (xmllint as oracle)', () => {
  it.each(CASES)('%s', (_name, input) => {
    const file = write(input);
    expect(vmaudit(file)).toEqual(xmllint(file));
  });

  it("truncating any fixture domain anywhere gives libxml2's first error, in its words, on its line", () => {
    // Every 11th offset of every fixture definition (plus a comment): each cut lands in some construct (element
    // name, attribute name or value, text, comment, end tag, namespace prefix...).
    const outcomes = new Set<string>();
    let cuts = 0;
    for (const f of fs.readdirSync(path.join(ROOT, 'fixtures', 'domains')).filter((n) => n.endsWith('.xml')).sort()) {
      const src = fs.readFileSync(path.join(ROOT, 'fixtures', 'domains', f), 'utf8').replace('<devices>', '<devices>\n    <!-- host devices -->');
      for (let cut = 1; cut < src.length - 1; cut += 11) {
        const file = write(src.slice(0, cut));
        const theirs = xmllint(file);
        expect({ f, cut, ...vmaudit(file) }).toEqual({ f, cut, ...theirs });
        outcomes.add(theirs!.message.replace(/ .*/, ''));
        cuts++;
      }
    }
    expect(cuts).toBeGreaterThan(300);
    expect(outcomes.size).toBeGreaterThanOrEqual(6);
  }, 120_000);
});

describe('well-formedness errors without the oracle', () => {
  it('names only the innermost element of a 100,000-deep unclosed document', () => {
    const r = parseXml(`<domain>\n${'<a>'.repeat(100_000)}<b x="1">`, 'deep.xml');
    expect(r).toEqual({
      ok: false,
      problems: [{ code: 'xml.not-well-formed', level: 'error', message: 'not well-formed XML: Premature end of data in tag b line 2', location: { file: 'deep.xml', line: 2, column: 300_010 } }],
    });
  });

  it('gives the column of a forbidden character (UTF-16 units, after a non-BMP character)', () => {
    const r = parseXml('<d>\n  <e>\u{1F600}\u001b</e>\n</d>', 'c.xml');
    expect(r).toMatchObject({ ok: false, problems: [{ location: { line: 2, column: 8 } }] });
  });

  it('gives the line and column of invalid UTF-8 after a BOM and multi-byte characters', () => {
    const file = write(b([0xef, 0xbb, 0xbf], '<d>\n<e>\u00e9\u00e9', [0xff], '</e></d>'));
    expect(readDomainFile(file).decodeError).toMatchObject({ code: 'xml.not-well-formed', location: { line: 2, column: 6 }, message: 'not well-formed XML: Input is not proper UTF-8, indicate encoding ! Bytes: 0xFF 0x3C 0x2F 0x65' });
  });

  it('a lone surrogate in a string is refused like libxml2 refuses the encoded form', () => {
    expect(parseXml('<d>\ud800</d>', 'x.xml')).toMatchObject({ ok: false, problems: [{ message: 'not well-formed XML: Char 0xD800 out of allowed range' }] });
  });
});
