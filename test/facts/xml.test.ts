import { parseXml } from '../../src/facts/xml';

describe('parseXml', () => {
  it('records line and column of every element and resolves namespaces by URI', () => {
    const r = parseXml("<domain type='kvm' xmlns:q='http://libvirt.org/schemas/domain/qemu/1.0'>\n  <name>a&amp;b</name>\n  <q:commandline>\n    <q:arg value='-set'/>\n  </q:commandline>\n</domain>\n", 'd.xml');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.root.loc).toMatchObject({ file: 'd.xml', line: 1, column: 1, path: '/domain[1]' });
    const [name, cmd] = r.root.children;
    expect(name.loc).toMatchObject({ line: 2, column: 3 });
    expect(name.text).toBe('a&b');
    expect(cmd.ns).toBe('http://libvirt.org/schemas/domain/qemu/1.0');
    expect(cmd.local).toBe('commandline');
    expect(cmd.children[0].loc).toMatchObject({ line: 4, column: 5, path: '/domain[1]/q:commandline[1]/q:arg[1]' });
  });

  it('strips a UTF-8 BOM', () => {
    expect(parseXml('\uFEFF<domain/>', 'b.xml').ok).toBe(true);
  });

  it('reports the line of a mismatched tag', () => {
    const r = parseXml('<domain>\n  <numa node="0">\n</domain>\n', 'm.xml');
    expect(r).toMatchObject({ ok: false, problems: [{ code: 'xml.not-well-formed', location: { file: 'm.xml', line: 3 } }] });
  });

  it('refuses DOCTYPE entity declarations without expanding anything', () => {
    const bomb = `<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join('')}]>\n<domain><name>&j;</name></domain>`;
    expect(parseXml(bomb, 'bomb.xml')).toMatchObject({ ok: false, problems: [{ code: 'xml.doctype-entities', location: { line: 1 } }] });
    const ext = '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/hostname">]><domain><name>&x;</name></domain>';
    expect(parseXml(ext, 'ext.xml')).toMatchObject({ ok: false, problems: [{ code: 'xml.doctype-entities' }] });
  });

  it('accepts a DOCTYPE without entities and keeps line numbers', () => {
    const r = parseXml('<!DOCTYPE domain>\n<domain>\n  <name>x</name>\n</domain>', 'dt.xml');
    expect(r.ok && r.root.children[0].loc.line).toBe(3);
  });

  it.each([
    ['', 'xml.empty'],
    ['   \n', 'xml.empty'],
    ['hello', 'xml.not-well-formed'],
    ['{"domain": 1}', 'xml.not-well-formed'],
    ['<a/><b/>', 'xml.extra-content'],
  ])('%j → %s', (text, code) => {
    expect(parseXml(text, 'x.xml')).toMatchObject({ ok: false, problems: [{ code }] });
  });
});
