import { bundleFromCase, type EvidenceCase } from '../../../src/engine/testing/evidence-case';
import { buildAccessFacts } from '../../../src/facts/host/build-access';
import { parseDomainXml } from '../../../src/facts/domain/build';
import { GUIDE_HOST } from './guide-host';

const build = (ev: EvidenceCase) => {
  const unknown: Record<string, string> = {};
  const facts = buildAccessFacts(bundleFromCase('host', ev), unknown);
  return { facts, unknown };
};

describe('buildAccessFacts', () => {
  it('models the guide procedure: --listen under socket activation, TCP via libvirtd.conf is not in effect', () => {
    const { facts, unknown } = build(GUIDE_HOST);
    expect(unknown).toEqual({});
    expect(facts.daemons).toMatchObject({ monolithic: true, modular: false, inUse: ['libvirtd'] });
    expect(facts.remote).toMatchObject({ daemon: 'libvirtd', socketActivated: true, listenConflict: true, tcp: null, tls: null, saslTransports: [] });
    expect(facts.remote?.listenFlag?.loc).toEqual({ file: '/etc/sysconfig/libvirtd', line: 1, column: 1 });
    expect(facts.sasl?.mechList?.mechs).toEqual(['DIGEST-MD5']);
    expect(facts.sasl?.sasldb).toMatchObject({ path: '/etc/libvirt/passwd.db', exists: true, mode: 0o640, otherReadable: false });
    expect(facts.sasl?.users?.map((u) => u.id)).toEqual(['userName@host']);
    expect(facts.unixSockets?.map((s) => [s.kind, s.modeText, s.source, s.auth?.value ?? null])).toEqual([
      ['rw', '0666', 'socket-unit', 'polkit'],
      ['ro', '0666', 'socket-unit', 'polkit'],
      ['admin', '0600', 'socket-unit', null],
    ]);
    expect(facts.swtpm?.localca).toMatchObject({ isDir: true, worldWritable: true });
    expect(facts.swtpm?.localcaFiles.map((f) => [f.path, f.worldWritable, f.privateKey])).toEqual([
      ['/var/lib/swtpm-localca/issuercert.pem', true, false],
      ['/var/lib/swtpm-localca/signkey.pem', true, true],
    ]);
    expect(facts.selinux).toMatchObject({ installed: true, runtime: 'enforcing', runtimeSource: 'getenforce', cmdlineOverrides: [] });
    expect(facts.processes?.map((p) => [p.pid, p.type, p.mcs, p.sharesMcsWith])).toEqual([
      [11359, 'svirt_t', 's0:c200,c947', []],
      [13790, 'svirt_t', 's0:c427,c670', []],
    ]);
  });

  it('with the sockets masked, --listen makes listen_tcp effective on all interfaces', () => {
    const { facts } = build({
      ...GUIDE_HOST,
      files: { ...GUIDE_HOST.files, '/etc/systemd/system/libvirtd.socket': { state: 'not-regular', linkTarget: '/dev/null' } },
    });
    expect(facts.remote).toMatchObject({ socketActivated: false, listenConflict: false, tls: null, saslTransports: ['tcp'], saslWithoutTls: true });
    expect(facts.remote?.tcp).toMatchObject({ via: 'config', port: '16509', address: null, wildcard: true, loc: { line: 2 } });
    expect(facts.unixSockets?.[0]).toMatchObject({ source: 'config', modeText: '0777', loc: { file: '/etc/libvirt/libvirtd.conf', line: 1 } });
  });

  it('records why facts are unknown, naming root for an unprivileged scan', () => {
    const { facts, unknown } = build({
      privileged: false,
      files: {
        '/etc/libvirt/qemu.conf': { state: 'denied' },
        '/etc/sasl2/libvirt.conf': 'sasldb_path: /etc/libvirt/passwd.db\n',
        '/etc/libvirt/passwd.db': { state: 'denied' },
      },
      commands: { sasldblistusers2: { state: 'denied' }, getenforce: { state: 'not-applicable' } },
    });
    expect(facts.qemuConf).toBeNull();
    expect(unknown).toMatchObject({
      'host.qemuConf': '/etc/libvirt/qemu.conf: permission denied (the check needs root; the scan ran unprivileged)',
      'host.sasl.sasldb': '/etc/libvirt/passwd.db: permission denied (the check needs root; the scan ran unprivileged)',
      'host.sasl.users': 'sasldblistusers2 -f /etc/libvirt/passwd.db: not permitted (the check needs root; the scan ran unprivileged)',
      'host.selinux.runtime': 'getenforce: not available for an offline root or snapshot',
      'host.processes': 'ps -eZ: program not installed (or not collected)',
    });
  });

  it('offline root: SELinux runtime is disabled when the active LSM list does not name it, unknown when it does', () => {
    const offline = { getenforce: { state: 'not-applicable' as const } };
    const apparmor = build({ commands: offline, files: { '/sys/kernel/security/lsm': 'lockdown,capability,landlock,yama,apparmor' } });
    expect(apparmor.facts.selinux).toMatchObject({ installed: false, runtime: 'disabled', runtimeSource: '/sys/kernel/security/lsm' });
    expect(apparmor.unknown['host.selinux.runtime']).toBeUndefined();
    // SELinux active but /sys/fs/selinux not collected: the mode is not known.
    const selinux = build({ commands: offline, files: { '/sys/kernel/security/lsm': 'lockdown,capability,yama,selinux' } });
    expect(selinux.facts.selinux?.runtime).toBeNull();
    expect(selinux.unknown['host.selinux.runtime']).toBe('getenforce: not available for an offline root or snapshot');
    // No LSM list either: nothing is known.
    expect(build({ commands: offline }).unknown['host.selinux.runtime']).toBe('getenforce: not available for an offline root or snapshot');
  });

  it('a config libvirt refuses makes its settings unknown but keeps the rejection', () => {
    const { facts, unknown } = build({ files: { '/etc/libvirt/libvirtd.conf': 'listen_tcp = yes\n' } });
    expect(facts.libvirtd).toMatchObject({ present: true, accepted: false, known: false });
    expect(facts.libvirtd?.rejection?.message).toBe(
      "Can't load config file: configuration file syntax error: /etc/libvirt/libvirtd.conf:1: expecting a value: /etc/libvirt/libvirtd.conf",
    );
    expect(facts.libvirtd?.settings.listen_tcp).toMatchObject({ value: false, explicit: false });
    expect(unknown['host.remote']).toMatch(/libvirt refuses the file/);
    expect(facts.remote).toBeNull();
  });

  it('reads processes from /proc with the domain name and uuid from the QEMU argv', () => {
    const { facts } = build({
      files: {
        '/proc/10/comm': 'qemu-system-x86\n',
        '/proc/10/attr/current': 'system_u:system_r:svirt_t:s0:c947,c200\0',
        '/proc/10/cmdline': '/usr/bin/qemu-system-x86_64\0-name\0guest=db,,1,debug-threads=on\0-uuid\0ABCDEF00-0000-4000-8000-000000000001\0',
        '/proc/11/comm': 'qemu-kvm\n',
        '/proc/11/attr/current': 'system_u:system_r:svirt_t:s0:c200,c947\0',
        '/proc/12/comm': 'swtpm\n',
        '/proc/12/attr/current': 'system_u:system_r:svirt_t:s0:c200,c947\0',
        '/proc/13/comm': 'bash\n',
      },
    });
    expect(facts.processes?.map((p) => [p.pid, p.role, p.domainName, p.domainUuid, p.sharesMcsWith])).toEqual([
      [10, 'qemu', 'db,1', 'abcdef00-0000-4000-8000-000000000001', [11]],
      [11, 'qemu', null, null, [10]],
      [12, 'swtpm', null, null, []],
    ]);
  });

  it('group members include users whose primary group it is', () => {
    const { facts } = build({
      files: {
        '/etc/libvirt/libvirtd.conf': 'unix_sock_group = "libvirt"\nunix_sock_rw_perms = "0770"\n',
        '/etc/group': 'libvirt:x:120:bob,alice\n',
        '/etc/passwd': 'carol:x:1003:120::/home/carol:/bin/sh\n',
      },
    });
    expect(facts.unixSockets?.[0]).toMatchObject({ kind: 'rw', group: 'libvirt', groupCanConnect: true, worldAccessible: false, groupMembers: ['alice', 'bob', 'carol'] });
  });

  it('maps installed SASL plugins to mechanisms', () => {
    const { facts } = build({ dirs: { '/usr/lib/x86_64-linux-gnu/sasl2': ['libdigestmd5.so', 'libscram.so.2', 'libsasldb.so', 'libgssapiv2.so'] } });
    expect(facts.sasl?.plugins).toEqual(['DIGEST-MD5', 'GSS-SPNEGO', 'GSSAPI', 'SCRAM-SHA-1', 'SCRAM-SHA-224', 'SCRAM-SHA-256', 'SCRAM-SHA-384', 'SCRAM-SHA-512']);
    expect(facts.sasl).toMatchObject({ present: false, ok: true, mechList: null, sasldbPath: { value: '/etc/sasldb2', explicit: false }, users: [] });
  });
});

describe('domain seclabel mcs', () => {
  it('canonicalises the live label categories', () => {
    const r = parseDomainXml(
      "<domain type='kvm' id='3'><name>a</name><memory>1</memory><os><type>hvm</type></os><seclabel type='dynamic' model='selinux'><label>system_u:system_r:svirt_t:s0:c947,c200</label></seclabel><seclabel type='dynamic' model='dac'><label>+107:+107</label></seclabel></domain>",
      'a.xml',
    );
    expect(r.ok && r.domain.seclabels.map((s) => s.mcs)).toEqual(['s0:c200,c947', null]);
  });
});

describe('daemons in use', () => {
  it('a systemd host without any libvirt unit, config or process has no libvirt daemon to audit', () => {
    const { facts } = build({ dirs: { '/etc/systemd/system/multi-user.target.wants': ['sshd.service'] }, commands: { 'ps.eZ': { stdout: 'LABEL PID TTY TIME CMD\n- 1 ? 00:00:01 systemd\n' } } });
    expect(facts.daemons).toMatchObject({ inUse: [], monolithic: false, modular: false });
    expect(facts.remote).toMatchObject({ daemon: null, tcp: null, tls: null });
    expect(facts.unixSockets).toEqual([]);
  });

  it('a running virtqemud counts as modular even when its units are not enabled', () => {
    const { facts } = build({ commands: { 'ps.eZ': { stdout: 'LABEL PID TTY TIME CMD\n- 812 ? 00:00:03 virtqemud\n' } } });
    expect(facts.daemons).toMatchObject({ inUse: ['virtqemud'], modular: true, running: ['virtqemud'] });
    expect(facts.unixSockets?.map((s) => s.path)).toEqual(['/run/libvirt/virtqemud-sock', '/run/libvirt/virtqemud-sock-ro', '/run/libvirt/virtqemud-admin-sock']);
  });
});
