import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { parseStrictSubset, parseXml } from '../../src/facts/xml';

/**
 * parseXml's single-pass fast path must be indistinguishable from the reference path (fast-xml-parser's validator,
 * then its parser): same tree, same locations, same problems. Differential test over real documents, generated
 * domains (bench/generate.js), hand-picked edge cases and seeded random mutations of all of them.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const gen = require('../../bench/generate.js') as { domainXml: (r: unknown, i: number) => string; prng: (seed: number) => unknown; docSeed: (seed: number, i: number) => number };

const ROOT = path.resolve(__dirname, '..', '..');

function corpus(): [string, string][] {
  const docs: [string, string][] = [];
  const fixtures = path.join(ROOT, 'fixtures', 'domains');
  for (const f of fs.readdirSync(fixtures).filter((n) => n.endsWith('.xml')).sort()) docs.push([`fixtures/${f}`, fs.readFileSync(path.join(fixtures, f), 'utf8')]);
  const cases = path.join(ROOT, 'rules', 'domain');
  for (const f of fs.readdirSync(cases).filter((n) => n.endsWith('.test.yaml')).sort()) {
    const file = parse(fs.readFileSync(path.join(cases, f), 'utf8')) as { valid?: { domain?: unknown }[]; invalid?: { domain?: unknown }[] };
    [...(file.valid ?? []), ...(file.invalid ?? [])].forEach((c, i) => {
      if (typeof c.domain === 'string') docs.push([`${f}#${i}`, c.domain]);
    });
  }
  for (let i = 0; i < 60; i++) docs.push([`generated#${i}`, gen.domainXml(gen.prng(gen.docSeed(7, i)), i)]);
  return docs;
}

const EDGE_CASES = [
  "<a b=' x '/>",
  '<a> x <!-- c --> y </a>',
  '<a> x <!-- c --> y <b/> z </a>',
  '<a> x <b/> y <c/>z</a>',
  '<a>x&amp;lt;y &#65;&#x42;</a>',
  '<a b="1"b="2"/>',
  '<a b="1" b="2"/>',
  '<a b = "1"/>',
  '<a>x>y</a>',
  '<a><![CDATA[ x ]]></a>',
  '<a>\r\n <b\r\n c="d"/>\r\n</a>\r\n',
  '<a b="x\ny\t"/>',
  '<a>&foo;</a>',
  '<a>& b</a>',
  '<a>&#;</a>',
  '<a b="&foo;"/>',
  '<a b="&amp;&lt;"/>',
  '<a b="<"/>',
  '<a b=">"/>',
  '<a b="it\'s"/>',
  "<a b='say \"hi\"'/>",
  '<a>--</a><!-- x -- y -->',
  '<a/><!-- after -->\n',
  '<!-- before --><a/>',
  '<?xml version="1.0"?><a/>',
  "<?xml version='1.0' encoding='UTF-8'?>\n<a/>",
  '<?xml?><a/>',
  ' <?xml version="1.0"?><a/>',
  '<?xml-stylesheet href="x"?><a/>',
  '<a/><?pi x?>',
  '<a><?pi x?></a>',
  '<a><constructor/></a>',
  '<a><toString/></a>',
  '<a hasOwnProperty="1"/>',
  '<a __proto__="1"/>',
  '<a:b:c/>',
  '<a xmlns:q="u"><q:b/></a >',
  '<a xmlns="d"><b xmlns=""><c/></b></a>',
  '<q:a xmlns:q="u" q:x="1"/>',
  '<a></ a>',
  '<a></a b>',
  '<a/ >',
  '<a / >',
  '<a b>',
  '<a b/>',
  '<a b=1/>',
  '<a>text',
  '<a><b></a></b>',
  '<a/><b/>',
  '<a/>text',
  'text<a/>',
  '<1a/>',
  '<a-b.c_d e-f.g="1"/>',
  '<a>\u0001</a>',
  '<a>\uffff</a>',
  '<a>caf\u00e9 \u{1F600}</a>',
  '<a b="\u00e9"/>',
  '<\u00e9/>',
  '<a>\u00a0x\u00a0</a>',
  '<a>\u2028x</a>',
  '<a><b>1</b><b>2</b><c/><b>3</b></a>',
  `${'<a>'.repeat(99)}${'</a>'.repeat(99)}`,
  `${'<a>'.repeat(150)}${'</a>'.repeat(150)}`,
  `${'<a>'.repeat(250)}${'</a>'.repeat(250)}`,
];

/** mulberry32, as in bench/generate.js: deterministic mutations. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['<', '>', '/', '&', '"', "'", '=', '!', '-', '?', ' ', '\n', ':', '&amp;', '&x;', '<!--', '-->', '<![CDATA[', ']]>', '</', '/>', 'xmlns:q="u"', '\u0000', '\u00e9', 'b'];

function mutate(doc: string, r: () => number): string {
  const at = () => Math.floor(r() * (doc.length + 1));
  switch (Math.floor(r() * 5)) {
    case 0: {
      const i = at();
      return doc.slice(0, i) + doc.slice(i + 1 + Math.floor(r() * 3));
    }
    case 1: {
      const i = at();
      return doc.slice(0, i) + PIECES[Math.floor(r() * PIECES.length)] + doc.slice(i);
    }
    case 2:
      return doc.slice(0, at());
    case 3: {
      // Duplicate an attribute or a tag name's first letter.
      const m = /\s([a-z]+)='[^']*'/.exec(doc.slice(at()));
      return m ? doc.replace(m[0], `${m[0]}${m[0]}`) : doc.replace('<', '<<');
    }
    default: {
      const i = at();
      const j = at();
      return doc.slice(0, Math.min(i, j)) + doc.slice(Math.max(i, j)).replace(/'/, '"');
    }
  }
}

/** Same result through parseXml either way; returns whether the fast path alone accepted the text. */
const same = (text: string, file: string): boolean => {
  const ref = parseXml(text, file, { fastPath: false });
  expect(parseXml(text, file)).toEqual(ref);
  const fast = parseStrictSubset(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file);
  if (fast) expect(ref).toEqual({ ok: true, root: fast, problems: [] });
  return fast !== undefined;
};

describe('parseXml fast path', () => {
  const docs = corpus();

  it('gives the same trees as the reference path on fixtures, rule cases and generated domains', () => {
    expect(docs.length).toBeGreaterThan(150);
    const missed = docs.filter(([name, text]) => !same(text, name) && parseXml(text, name).ok && !/<!DOCTYPE|CDATA/.test(text)).map(([n]) => n);
    // Every well-formed document of the corpus (bar DOCTYPE/CDATA ones) takes the fast path.
    expect(missed).toEqual([]);
  });

  it.each(EDGE_CASES.map((c) => [c.length > 60 ? `${c.slice(0, 40)}… (${c.length} chars)` : c, c]))('edge case %s', (_title, text) => {
    same(text, 'e.xml');
  });

  it('gives the same results on 1,500 random mutations', () => {
    const r = rng(42);
    let fastAccepted = 0;
    for (let k = 0; k < 1500; k++) {
      const [name, base] = docs[Math.floor(r() * docs.length)];
      let text = mutate(base, r);
      if (r() < 0.3) text = mutate(text, r);
      if (same(text, name)) fastAccepted++;
    }
    // The mutations must exercise both outcomes.
    expect(fastAccepted).toBeGreaterThan(100);
    expect(fastAccepted).toBeLessThan(1400);
  });
});
