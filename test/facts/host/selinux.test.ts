import {
  classifyLabel,
  formatCategories,
  parseAppArmorLabel,
  parseGetenforce,
  parseMlsRange,
  parseSelinuxConfig,
  parseSelinuxContext,
  parseSelinuxEnforceFile,
  sameCategories,
} from '../../../src/facts/host/selinux';

const CFG = '/etc/selinux/config';

describe('/etc/selinux/config (libselinux rules)', () => {
  it('reads a standard file', () => {
    const r = parseSelinuxConfig('# This file controls...\nSELINUX=enforcing\nSELINUXTYPE=targeted\n', CFG);
    expect(r.value).toEqual({ mode: 'enforcing', modeLocation: { file: CFG, line: 2, column: 1 }, type: 'targeted', typeLocation: { file: CFG, line: 3, column: 1 } });
    expect(r.problems).toEqual([]);
  });
  it('skips quoted, indented and lower-case keys; first matching line wins; values are case-insensitive prefixes', () => {
    const r = parseSelinuxConfig('SELINUX="enforcing"\n SELINUX=enforcing\nselinux=enforcing\nSELINUX=  Permissive # for now\nSELINUX=enforcing\n', CFG);
    expect(r.value.mode).toBe('permissive');
    expect(r.value.modeLocation?.line).toBe(4);
    expect(r.problems.map((p) => [p.code, p.location?.line])).toEqual([
      ['selinux.config-value-ignored', 1],
      ['selinux.config-key-ignored', 2],
      ['selinux.config-key-ignored', 3],
      ['selinux.config-duplicate', 5],
    ]);
    expect(parseSelinuxConfig('SELINUX=enforce\n', CFG).value.mode).toBeUndefined();
    expect(parseSelinuxConfig('SELINUX=DISABLED\r\n', CFG).value.mode).toBe('disabled');
  });
  it('reads SELINUXTYPE case-insensitively with leading blanks; the last one wins', () => {
    const r = parseSelinuxConfig('  selinuxtype=mls  \n#SELINUXTYPE=minimum\nSELINUXTYPE=targeted\n', CFG);
    expect(r.value.type).toBe('targeted');
    expect(parseSelinuxConfig('  selinuxtype=mls  \n', CFG).value).toMatchObject({ type: 'mls', typeLocation: { line: 1, column: 3 } });
  });
});

describe('runtime mode', () => {
  it('parses getenforce and the enforce file', () => {
    expect(parseGetenforce('Enforcing\n').value).toBe('enforcing');
    expect(parseGetenforce('Permissive\n').value).toBe('permissive');
    expect(parseGetenforce('Disabled\n').value).toBe('disabled');
    expect(parseGetenforce('enforcing\n').problems[0].code).toBe('selinux.bad-getenforce');
    expect(parseSelinuxEnforceFile('1').value).toBe('enforcing');
    expect(parseSelinuxEnforceFile('0\n').value).toBe('permissive');
    expect(parseSelinuxEnforceFile('x').value).toBeUndefined();
  });
});

describe('security contexts', () => {
  it('parses sVirt labels and canonicalises category sets', () => {
    const a = parseSelinuxContext('system_u:system_r:svirt_t:s0:c200,c947')!;
    const b = parseSelinuxContext('system_u:system_r:svirt_t:s0:c947,c200\0')!;
    expect(a).toMatchObject({ user: 'system_u', role: 'system_r', type: 'svirt_t', level: { low: { sensitivity: 0, categories: [200, 947] } } });
    expect(b.canonical).toBe(a.canonical);
    expect(sameCategories(a, b)).toBe(true);
    expect(sameCategories(a, parseSelinuxContext('system_u:system_r:svirt_t:s0:c200,c948')!)).toBe(false);
  });
  it('expands and re-compresses ranges', () => {
    const r = parseMlsRange('s0-s0:c0.c1023')!;
    expect(r.low.categories).toEqual([]);
    expect(r.high.categories).toHaveLength(1024);
    expect(r.canonical).toBe('s0-s0:c0.c1023');
    expect(parseMlsRange('s0:c3,c1,c2,c7,c8')!.canonical).toBe('s0:c1.c3,c7,c8');
    expect(parseMlsRange('s0:c1.c2')!.canonical).toBe('s0:c1,c2');
    expect(formatCategories([0, 1, 2, 5])).toBe('c0.c2,c5');
    expect(parseSelinuxContext('unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023')!.type).toBe('unconfined_t');
    expect(parseSelinuxContext('system_u:object_r:etc_t')!.level).toBeUndefined();
  });
  it('rejects malformed contexts', () => {
    for (const t of ['', '-', 'a:b', 'a:b:c:x0', 'a:b:c:s0:c5.c1', 'a:b:c:s0:d1', 'libvirt-x (enforce)']) expect(parseSelinuxContext(t)).toBeUndefined();
  });
});

describe('AppArmor labels and label classification', () => {
  it('parses libvirt per-domain profiles', () => {
    expect(parseAppArmorLabel('libvirt-0F6D2A8E-3F6B-4C1E-9E5C-2B7A0C6D1E4F (enforce)')).toEqual({
      profile: 'libvirt-0F6D2A8E-3F6B-4C1E-9E5C-2B7A0C6D1E4F',
      mode: 'enforce',
      domainUuid: '0f6d2a8e-3f6b-4c1e-9e5c-2b7a0c6d1e4f',
    });
    expect(parseAppArmorLabel('libvirt-0f6d2a8e-3f6b-4c1e-9e5c-2b7a0c6d1e4f (complain)\n')?.mode).toBe('complain');
    expect(parseAppArmorLabel('unconfined')).toEqual({ profile: 'unconfined', mode: 'unconfined' });
    expect(parseAppArmorLabel('/usr/sbin/libvirtd (enforce)')).toEqual({ profile: '/usr/sbin/libvirtd', mode: 'enforce' });
  });
  it('classifies labels', () => {
    expect(classifyLabel('-')).toEqual({ kind: 'none' });
    expect(classifyLabel(undefined)).toEqual({ kind: 'none' });
    expect(classifyLabel('system_u:system_r:svirt_tcg_t:s0:c1,c2').kind).toBe('selinux');
    expect(classifyLabel('unconfined').kind).toBe('apparmor');
    expect(classifyLabel('???')).toEqual({ kind: 'unknown', text: '???' });
  });
});
