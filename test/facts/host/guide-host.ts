import type { EvidenceCase } from '../../../src/engine/testing/evidence-case';

/**
 * An openEuler host after the guide's "Libvirt Authentication", "Managing SASL" and "Trusted VM Boot" steps, with the
 * libvirt units as openEuler ships them (socket activation, libvirtd.socket pulled in by the service).
 * saslpasswd2 creates the sasldb 0640 root:root (checked with Cyrus SASL 2.1.28); the local CA is after `chmod -R 777`.
 */
export const GUIDE_HOST: EvidenceCase = {
  files: {
    '/etc/libvirt/libvirtd.conf': 'listen_tls = 0\nlisten_tcp = 1\nauth_tcp = "sasl"\n',
    '/etc/sasl2/libvirt.conf': 'mech_list: digest-md5\nsasldb_path: /etc/libvirt/passwd.db\n',
    '/etc/libvirt/passwd.db': { state: 'ok', mode: 0o100640, owner: 'root', group: 'root' },
    '/etc/sysconfig/libvirtd': 'LIBVIRTD_ARGS="--listen"\n',
    '/etc/selinux/config': 'SELINUX=enforcing\nSELINUXTYPE=targeted\n',
    '/usr/lib/systemd/system/libvirtd.service':
      '[Unit]\nWants=libvirtd.socket\nWants=libvirtd-ro.socket\nWants=libvirtd-admin.socket\n[Service]\nType=notify\nEnvironmentFile=-/etc/sysconfig/libvirtd\nExecStart=/usr/sbin/libvirtd $LIBVIRTD_ARGS\n[Install]\nWantedBy=multi-user.target\n',
    '/usr/lib/systemd/system/libvirtd.socket': '[Socket]\nListenStream=/run/libvirt/libvirt-sock\nService=libvirtd.service\nSocketMode=0666\n',
    '/usr/lib/systemd/system/libvirtd-ro.socket': '[Socket]\nListenStream=/run/libvirt/libvirt-sock-ro\nService=libvirtd.service\nSocketMode=0666\n',
    '/usr/lib/systemd/system/libvirtd-admin.socket': '[Socket]\nListenStream=/run/libvirt/libvirt-admin-sock\nService=libvirtd.service\nSocketMode=0600\n',
    '/usr/lib/systemd/system/libvirtd-tcp.socket': '[Socket]\nListenStream=16509\nService=libvirtd.service\n',
    '/var/lib/swtpm-localca': { state: 'not-regular', mode: 0o40777, owner: 'tss', group: 'root' },
    '/var/lib/swtpm-localca/signkey.pem': { state: 'ok', mode: 0o100777, owner: 'root', group: 'root' },
    '/var/lib/swtpm-localca/issuercert.pem': { state: 'ok', mode: 0o100777, owner: 'root', group: 'root' },
    '/usr/bin/swtpm': { state: 'ok', mode: 0o100755 },
    '/etc/group': 'root:x:0:\ntss:x:59:\n',
    '/proc/cmdline': 'BOOT_IMAGE=/vmlinuz-5.10.0 root=/dev/mapper/openeuler-root ro selinux=1\n',
  },
  dirs: {
    '/etc/systemd/system/multi-user.target.wants': ['libvirtd.service'],
    '/var/lib/swtpm-localca': ['issuercert.pem', 'signkey.pem'],
  },
  commands: {
    sasldblistusers2: { stdout: 'userName@host: userPassword\n' },
    getenforce: { stdout: 'Enforcing\n' },
    'ps.eZ': { stdout: 'LABEL                             PID TTY          TIME CMD\nsystem_u:system_r:svirt_t:s0:c200,c947 11359 ? 00:03:59 qemu-kvm\nsystem_u:system_r:svirt_t:s0:c427,c670 13790 ? 19:02:07 qemu-kvm\n' },
  },
};

/** The same host with every libvirtd socket unit masked, the way --listen can work (traditional mode). */
export const GUIDE_HOST_MASKED: EvidenceCase = {
  ...GUIDE_HOST,
  files: {
    ...GUIDE_HOST.files,
    '/etc/systemd/system/libvirtd.socket': { state: 'not-regular', linkTarget: '/dev/null' },
    '/etc/systemd/system/libvirtd-ro.socket': { state: 'not-regular', linkTarget: '/dev/null' },
    '/etc/systemd/system/libvirtd-admin.socket': { state: 'not-regular', linkTarget: '/dev/null' },
  },
};
