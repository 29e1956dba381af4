import { bundleFromCase, type EvidenceCase } from '../../../src/engine/testing/evidence-case';
import { buildAccessFacts } from '../../../src/facts/host/build-access';

const build = (ev: EvidenceCase) => {
  const unknown: Record<string, string> = {};
  const facts = buildAccessFacts(bundleFromCase('host', ev), unknown);
  return { facts, unknown };
};

/** The guide's "Enabling Libvirt Authentication" procedure on an openEuler host (units as shipped). */
export const GUIDE_HOST: EvidenceCase = {
  files: {
    '/etc/libvirt/libvirtd.conf': 'listen_tls = 0\nlisten_tcp = 1\nauth_tcp = "sasl"\n',
    '/etc/sasl2/libvirt.conf': 'mech_list: digest-md5\nsasldb_path: /etc/libvirt/passwd.db\n',
    '/etc/libvirt/passwd.db': { state: 'ok', mode: 0o100644, owner: 'root', group: 'root', content: undefined },
    '/etc/sysconfig/libvirtd': 'LIBVIRTD_ARGS="--listen"\n',
    '/usr/lib/systemd/system/libvirtd.service':
      '[Unit]\nWants=libvirtd.socket\nWants=libvirtd-ro.socket\nWants=libvirtd-admin.socket\n[Service]\nType=notify\nEnvironmentFile=-/etc/sysconfig/libvirtd\nExecStart=/usr/sbin/libvirtd $LIBVIRTD_ARGS\n[Install]\nWantedBy=multi-user.target\n',
    '/usr/lib/systemd/system/libvirtd.socket': '[Socket]\nListenStream=/run/libvirt/libvirt-sock\nService=libvirtd.service\nSocketMode=0666\n',
    '/usr/lib/systemd/system/libvirtd-ro.socket': '[Socket]\nListenStream=/run/libvirt/libvirt-sock-ro\nService=libvirtd.service\nSocketMode=0666\n',
    '/usr/lib/systemd/system/libvirtd-admin.socket': '[Socket]\nListenStream=/run/libvirt/libvirt-admin-sock\nService=libvirtd.service\nSocketMode=0600\n',
    '/usr/lib/systemd/system/libvirtd-tcp.socket': '[Socket]\nListenStream=16509\nService=libvirtd.service\n',
    '/var/lib/swtpm-localca/signkey.pem': { state: 'ok', mode: 0o100777, owner: 'root', group: 'root' },
    '/var/lib/swtpm-localca/issuercert.pem': { state: 'ok', mode: 0o100777, owner: 'root', group: 'root' },
    '/usr/bin/swtpm': { state: 'ok', mode: 0o100755 },
  },
  dirs: {
    '/etc/systemd/system/multi-user.target.wants': ['libvirtd.service'],
    '/etc/systemd/system/sockets.target.wants': ['libvirtd.socket', 'libvirtd-ro.socket', 'libvirtd-admin.socket'],
    '/var/lib/swtpm-localca': ['issuercert.pem', 'signkey.pem'],
  },
  commands: { 'sasldblistusers2': { stdout: 'userName@host: userPassword\n' } },
};

describe('buildAccessFacts', () => {
  it('models the guide procedure: --listen under socket activation, TCP via libvirtd.conf is dead', () => {
    const { facts, unknown } = build(GUIDE_HOST);
    expect(unknown).toEqual({ 'host.processes': 'ps -eZ: program not installed (or not collected)', ...unknown });
    expect(facts.daemons).toMatchObject({ monolithic: true, modular: false, inUse: ['libvirtd'] });
    expect(facts.remote).toMatchObject({ daemon: 'libvirtd', socketActivated: true, listenConflict: true, tcp: null, tls: null });
    expect(facts.remote?.listenFlag?.loc).toEqual({ file: '/etc/sysconfig/libvirtd', line: 1, column: 1 });
    expect(facts.sasl?.mechList?.mechs).toEqual(['DIGEST-MD5']);
    expect(facts.sasl?.sasldb).toMatchObject({ path: '/etc/libvirt/passwd.db', exists: true, mode: 0o644, otherReadable: true });
    expect(facts.sasl?.users?.map((u) => u.id)).toEqual(['userName@host']);
    expect(facts.unixSockets?.map((s) => [s.kind, s.modeText, s.source, s.auth?.value ?? null])).toEqual([
      ['rw', '0666', 'socket-unit', 'polkit'],
      ['ro', '0666', 'socket-unit', 'polkit'],
      ['admin', '0600', 'socket-unit', null],
    ]);
    expect(facts.swtpm?.localcaFiles.map((f) => [f.path, f.worldWritable, f.privateKey])).toEqual([
      ['/var/lib/swtpm-localca/issuercert.pem', true, false],
      ['/var/lib/swtpm-localca/signkey.pem', true, true],
    ]);
  });
});
