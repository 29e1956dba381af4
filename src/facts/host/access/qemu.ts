/**
 * `/etc/libvirt/qemu.conf` as the QEMU driver reads it (readQemuConfig), plus derived display facts: where VNC/SPICE
 * graphics without their own listen address end up (`vnc_listen`/`spice_listen`, default 127.0.0.1) and whether they
 * are then reachable from the network with neither TLS, SASL nor a password.
 */
import { fileOf, type EvidenceBundle } from '../../../collect/evidence';
import { parseVirConf, readQemuConfig } from '../virconf';
import type { DisplayFacts, QemuConfFacts, SettingFact } from '../model-access';
import { fileReason, okText } from '../../common/evidence';
import { isLoopback, unreadable } from './common';
import { confFacts } from './daemons';

export const QEMU_CONF = '/etc/libvirt/qemu.conf';

export function buildQemuConf(b: EvidenceBundle, unknown: Record<string, string>): QemuConfFacts | null {
  const f = fileOf(b, QEMU_CONF);
  if (unreadable(f) || f.state === 'not-regular') {
    unknown['host.qemuConf'] = fileReason(f, b.privileged);
    return null;
  }
  // Build-time QEMU user: libvirt-qemu on Debian/Ubuntu, qemu elsewhere.
  const debian = /^libvirt-qemu:/m.test(okText(fileOf(b, '/etc/passwd')) ?? '');
  const user = debian ? 'libvirt-qemu' : 'qemu';
  const cfg = readQemuConfig(parseVirConf(okText(f) ?? '', QEMU_CONF), { qemuUser: user, qemuGroup: debian ? 'kvm' : 'qemu' });
  const base = confFacts(cfg, QEMU_CONF, f.state !== 'missing', 'qemu.conf', (m) => `Initialization of QEMU state driver failed: ${m}`, () =>
    readQemuConfig(parseVirConf('', QEMU_CONF), { qemuUser: user, qemuGroup: debian ? 'kvm' : 'qemu' }),
  );
  if (!cfg.known) unknown['host.qemuConf'] = `${QEMU_CONF}: libvirt refuses the file (${cfg.rejection?.message ?? 'syntax error'}), so no setting of it is in effect`;
  const s = base.settings;
  const display = (type: 'vnc' | 'spice'): DisplayFacts => {
    const listenS: SettingFact = s[`${type}_listen`];
    const listen = typeof listenS.value === 'string' ? listenS.value : '127.0.0.1';
    const pw = s[`${type}_password`];
    const d = {
      type,
      listen,
      loopback: isLoopback(listen),
      tls: s[`${type}_tls`]?.value === true,
      sasl: s[`${type}_sasl`]?.value === true,
      password: typeof pw?.value === 'string' && pw.value !== '',
      autoUnixSocket: s[`${type}_auto_unix_socket`]?.value === true,
    };
    return { ...d, exposed: !d.loopback && !d.tls && !d.sasl && !d.password && !d.autoUnixSocket, loc: listenS.loc, key: `qemu.conf:${type}` };
  };
  const sd = s.security_driver?.value;
  return {
    ...base,
    runsAsRoot: cfg.known ? cfg.runsAsRoot : { qemu: false, swtpm: false },
    securityDrivers: Array.isArray(sd) ? sd : [],
    display: { vnc: display('vnc'), spice: display('spice') },
  };
}
