import { parseCount, scaledToKiB } from '../../src/facts/units';

// libvirt scaled integers (domain-knowledge.md §2.7, verified with virsh dumpxml).
describe('scaledToKiB', () => {
  it.each([
    ['4194304', undefined, 4194304],
    ['1', 'GiB', 1048576],
    ['1', 'G', 1048576],
    ['4', 'GB', 3906250],
    ['2', 'MB', 1954],
    ['2', 'MiB', 2048],
    ['1023', 'bytes', 1],
    ['1', 'KB', 1],
    ['1', 'k', 1],
    ['1', 'TiB', 1073741824],
  ])('%s %s → %d KiB', (v, u, kib) => {
    expect(scaledToKiB(v, u)).toEqual({ ok: true, kib });
  });

  it('rejects unknown units, signs and overflow', () => {
    expect(scaledToKiB('1', 'parsecs')).toMatchObject({ ok: false });
    expect(scaledToKiB('-1', undefined)).toMatchObject({ ok: false });
    expect(scaledToKiB('99999999999999999999999', undefined)).toMatchObject({ ok: false });
    expect(scaledToKiB('9', 'EiB')).toMatchObject({ ok: false });
  });
});

describe('parseCount', () => {
  it('accepts plain decimal counts only', () => {
    expect(parseCount('4')).toBe(4);
    expect(parseCount(' 4 ')).toBe(4);
    expect(parseCount('-1')).toBeUndefined();
    expect(parseCount('0x4')).toBeUndefined();
    expect(parseCount('99999999999999999999')).toBeUndefined();
    expect(parseCount(undefined)).toBeUndefined();
  });
});
