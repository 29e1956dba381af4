import { describePlatform, mergePlatform, parsePlatformFlag, platformApplies, UNKNOWN_PLATFORM } from '../../../src/facts/common/platform';
import { compareVersions, parseRange, satisfies, upstreamVersion } from '../../../src/facts/common/version';

describe('version numbers (libvirt virParseVersionString order: numeric, missing parts are 0)', () => {
  it.each([
    ['9.0.0', '9.0.0'],
    ['1:7.2+dfsg-7+deb12u7', '7.2'],
    ['6.1.0-28-amd64', '6.1.0'],
    ['9.0.0-10.el9_2', '9.0.0'],
    ['7.2.22', '7.2.22'],
    ['v9', null],
    ['', null],
  ])('upstreamVersion(%j) = %j', (text, expected) => expect(upstreamVersion(text)).toBe(expected));

  it('compares numerically, not as text', () => {
    expect(compareVersions('9.0', '9.0.0')).toBe(0);
    expect(compareVersions('6.10.0', '6.9.0')).toBeGreaterThan(0);
    expect(compareVersions('10.0', '9.10')).toBeGreaterThan(0);
  });

  it.each([
    ['<9.0', '8.10.0', true],
    ['<9.0', '9.0.0', false],
    ['>=5.7 <9.0', '5.7', true],
    ['>=5.7 <9.0', '5.6.9', false],
    ['9.0', '9.0.0', true],
    ['<=7', '7.0.1', false],
  ])('%s holds for %s: %s', (range, v, expected) => expect(satisfies(v, range)).toBe(expected));

  it('refuses a malformed range instead of guessing', () => {
    expect(parseRange('< 9.0').error).toMatch(/'<' is not a version comparator/);
    expect(parseRange('~9').error).toMatch(/not a version comparator/);
    expect(parseRange(' ').error).toBe('an empty version range');
  });
});

describe('platform', () => {
  it('the first layer that knows a component wins, and says where it came from', () => {
    const p = mergePlatform({ libvirt: null, from: 'daemon --version' }, { libvirt: '9.0', qemu: '7.2', from: '--platform' }, { libvirt: '8.0', kernel: '6.1.0-28-amd64', from: 'policy x' });
    expect(p).toEqual({ libvirt: '9.0', qemu: '7.2', kernel: '6.1.0', source: { libvirt: '--platform', qemu: '--platform', kernel: 'policy x' } });
    expect(describePlatform(p)).toBe('libvirt 9.0 (--platform), qemu 7.2 (--platform), kernel 6.1.0 (policy x)');
  });

  it('parses --platform and refuses unknown components and non-versions', () => {
    expect(parsePlatformFlag('libvirt=9.0, qemu=1:7.2+dfsg')).toEqual({ value: { libvirt: '9.0', qemu: '7.2' }, error: null });
    expect(parsePlatformFlag('LIBVIRT=9.0,Qemu=7.2')).toEqual({ value: { libvirt: '9.0', qemu: '7.2' }, error: null });
    expect(parsePlatformFlag('libvirtd=9.0').error).toMatch(/COMPONENT one of libvirt, qemu, kernel/);
    expect(parsePlatformFlag('qemu=latest').error).toMatch(/'latest' is not a version/);
  });

  it('a rule range: not applicable outside it when the version is known; noted when unknown', () => {
    const known = mergePlatform({ libvirt: '9.0.0', from: 'x' });
    expect(platformApplies({ libvirt: '<9.0' }, known)).toEqual({ applies: false, unknown: [] });
    expect(platformApplies({ libvirt: '<10' }, known)).toEqual({ applies: true, unknown: [] });
    expect(platformApplies({ libvirt: '<9.0', qemu: '>=7' }, UNKNOWN_PLATFORM)).toEqual({ applies: true, unknown: ['libvirt <9.0', 'qemu >=7'] });
    expect(platformApplies(undefined, UNKNOWN_PLATFORM)).toEqual({ applies: true, unknown: [] });
  });
});
