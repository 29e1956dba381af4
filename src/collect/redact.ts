import type { EvidenceBundle } from './evidence';

/**
 * Secrets that collected evidence can carry — graphics `passwd=` in domain XML (`virsh dumpxml --security-info`
 * shows them, and so do the files in /etc/libvirt/qemu/) and `*_password` settings in libvirt's configuration
 * files (qemu.conf's vnc_password, spice_password) — are masked when a bundle is collected, before it can reach a
 * snapshot, a report or a log. Each character becomes `*` (XML entity references are kept as they are), so what
 * the rules look at stays exactly as it was: whether a password is set or empty, its length, and every line and
 * column of the file.
 */
export function redactSecrets(bundle: EvidenceBundle): void {
  for (const [path, f] of Object.entries(bundle.files)) {
    if (f.content === undefined) continue;
    if (DOMAIN_XML_FILE.test(path)) f.content = maskXmlPasswords(f.content);
    else if (LIBVIRT_CONF_FILE.test(path)) f.content = maskConfPasswords(f.content);
  }
  for (const [id, c] of Object.entries(bundle.commands)) {
    if (c.stdout !== undefined && id.startsWith('virsh.dumpxml')) c.stdout = maskXmlPasswords(c.stdout);
  }
}

const DOMAIN_XML_FILE = /^\/etc\/libvirt\/qemu\/[^/]+\.xml$/;
const LIBVIRT_CONF_FILE = /^\/etc\/libvirt\/[^/]+\.conf$/;

/** `passwd='…'` / `passwd="…"` attribute values (graphics consoles). */
export function maskXmlPasswords(xml: string): string {
  return xml.replace(/(\spasswd\s*=\s*)(?:"([^"]*)"|'([^']*)')/g, (_m, lead: string, dq?: string, sq?: string) =>
    dq !== undefined ? `${lead}"${maskXmlText(dq)}"` : `${lead}'${maskXmlText(sq ?? '')}'`,
  );
}

/** Every character but entity references (`&amp;` stays: its decoded length is 1, as the original's was). */
function maskXmlText(s: string): string {
  return s.replace(/&[^;\s&]*;|[^&]/g, (m) => (m.length > 1 ? m : '*'));
}

/** `name_password = "…"` settings of virConf files (qemu.conf, libvirtd.conf...), one per line. */
export function maskConfPasswords(conf: string): string {
  return conf.replace(/^(\s*[A-Za-z0-9_]*password\s*=\s*)(?:"([^"\n]*)"|'([^'\n]*)')/gm, (_m, lead: string, dq?: string, sq?: string) =>
    dq !== undefined ? `${lead}"${'*'.repeat(dq.length)}"` : `${lead}'${'*'.repeat((sq ?? '').length)}'`,
  );
}
