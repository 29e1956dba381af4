import { parseStrictSubset, parseXml } from '../../src/facts/xml';

/**
 * Resource bounds of the XML reader (issue 15): work linear in the input. The quadratic attribute checks of the
 * fast path (an array `includes` per attribute and a search for the next '<' from every attribute) took 128 s on
 * 200,000 attributes; linear, it takes well under a second. The timeout below is a loose bound that only a
 * super-linear parser misses, even on a loaded 2-core machine.
 */
describe('parseXml resource bounds', () => {
  const manyAttrs = (n: number) => `<domain type='kvm'\n ${Array.from({ length: n }, (_, i) => `a${i}='${i}'`).join(' ')}>\n  <name>x</name>\n</domain>\n`;

  it('parses 200,000 attributes on one element through the fast path, with the reference path result', () => {
    const text = manyAttrs(200_000);
    const fast = parseStrictSubset(text, 'many.xml');
    expect(fast).toBeDefined();
    expect(Object.keys(fast!.attrs)).toHaveLength(200_001);
    expect(fast!.attrs.a199999).toBe('199999');
    expect(parseXml(text, 'many.xml')).toEqual(parseXml(text, 'many.xml', { fastPath: false }));
  }, 30_000);

  it('still refuses a duplicate attribute among many (the fast path leaves it to the validator)', () => {
    const text = manyAttrs(50_000).replace("a49999='49999'", "a49999='49999' a17='again'");
    expect(parseStrictSubset(text, 'dup.xml')).toBeUndefined();
    expect(parseXml(text, 'dup.xml')).toMatchObject({ ok: false, problems: [{ code: 'xml.not-well-formed', location: { line: 2 } }] });
  }, 30_000);

  it("still refuses a '<' in an attribute value far from the next tag", () => {
    const text = manyAttrs(50_000).replace("a40000='40000'", "a40000='4<0'");
    expect(parseStrictSubset(text, 'lt.xml')).toBeUndefined();
    expect(parseXml(text, 'lt.xml').ok).toBe(false);
  }, 30_000);
});
