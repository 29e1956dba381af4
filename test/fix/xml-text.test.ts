import { offsetAt, readElement } from '../../src/fix/xml-text';

describe('readElement (the element extents fixes and SARIF replacements are computed from)', () => {
  const text = ['<domain>', "  <a x='>'>", '    <!-- <a> -->', '    <a/><![CDATA[</a>]]>', '    <ab>t</ab>', '  </a>  <b/>', '</domain>'].join('\n');
  it('spans to the matching end tag, skipping quoted >, comments, CDATA, self-closing and longer names', () => {
    expect(readElement(text, offsetAt(text, 2, 3)!)?.end).toBe(offsetAt(text, 6, 7));
    expect(readElement(text, offsetAt(text, 6, 9)!)?.end).toBe(offsetAt(text, 6, 13));
    expect(readElement(text, offsetAt(text, 2, 2)!)).toBeUndefined();
    expect(readElement('<a><b/>', 0)).toBeUndefined(); // unterminated
  });
});
