import { formatCpulist, parseCpuset } from '../../src/facts/cpuset';

// Verdicts of libvirt 9.0's virBitmapParse (domain-knowledge.md §2.3, verified with virsh -c test:///default).
describe('parseCpuset (libvirt cpuset/nodeset grammar)', () => {
  it.each([
    ['0', [0]],
    ['0-3', [0, 1, 2, 3]],
    [' 1 , 2 ', [1, 2]],
    ['01', [1]],
    ['0-7,^3', [0, 1, 2, 4, 5, 6, 7]],
    ['^3,0-7', [0, 1, 2, 3, 4, 5, 6, 7]],
    ['1-3,5,7-12', [1, 2, 3, 5, 7, 8, 9, 10, 11, 12]],
  ])('%j → %j', (text, cpus) => {
    expect(parseCpuset(text)).toEqual({ ok: true, cpus });
  });

  it.each(['^2-3', '1,,2', '3-1', '0x3', '+1', '1-', '', 'a', '1 2'])('rejects %j like libvirt', (text) => {
    const r = parseCpuset(text);
    expect(r).toEqual({ ok: false, error: 'syntax', message: `Failed to parse bitmap '${text}'` });
  });

  it('reports a set that ends up empty', () => {
    expect(parseCpuset('0,^0')).toMatchObject({ ok: false, error: 'empty' });
  });

  it('refuses gigantic sets without allocating them', () => {
    const t = Date.now();
    expect(parseCpuset('0-999999999')).toMatchObject({ ok: false, error: 'too-large' });
    expect(parseCpuset('99999999999999999999999')).toMatchObject({ ok: false, error: 'too-large' });
    expect(Date.now() - t).toBeLessThan(1000); // generous: an allocation of 10^9 entries would take far longer
  });

  it('formats back to ranges as libvirt prints them', () => {
    expect(formatCpulist([0, 1, 2, 4, 5, 6, 7])).toBe('0-2,4-7');
    expect(formatCpulist([5, 3, 3, 9])).toBe('3,5,9');
    expect(formatCpulist([])).toBe('');
  });
});
