import { loadRules } from '../../../src/engine/rule-loader';
import { ScanAccumulator } from '../../../src/engine/scan';
import { scanHostBundle } from '../../../src/engine/scan-host';
import { bundleFromCase, type EvidenceCase } from '../../../src/engine/testing/evidence-case';
import { GUIDE_HOST, GUIDE_HOST_MASKED } from './guide-host';

// The access-control rules (this module's ids); the platform rules are tested elsewhere.
const ACCESS = /^(LV-|SASL-|QEMU-CONF-|SVIRT-|HOST-SWTPM-|DOM-SEC-003$|DOM-GFX-003$)/;
const RULES = loadRules().rules.map((l) => l.rule).filter((r) => (r.scope === 'host' || r.scope === 'cross') && ACCESS.test(r.id));

function scan(ev: EvidenceCase) {
  const acc = new ScanAccumulator(RULES);
  scanHostBundle(acc, bundleFromCase('host', ev));
  const r = acc.result();
  return { findings: r.findings.map((f) => `${f.ruleId} ${f.location?.file}:${f.location?.line}`).sort(), notEvaluated: r.notEvaluated.map((n) => `${n.ruleId}: ${n.reason}`).sort() };
}

describe("the guide's procedure on a host with socket activation", () => {
  it('trips the rules for what really happens: libvirtd refuses --listen, DIGEST-MD5, a 777 local CA', () => {
    const r = scan(GUIDE_HOST);
    expect(r.findings).toEqual([
      'HOST-SWTPM-001 /var/lib/swtpm-localca/issuercert.pem:1',
      'HOST-SWTPM-001 /var/lib/swtpm-localca/signkey.pem:1',
      'HOST-SWTPM-001 /var/lib/swtpm-localca:1',
      'LV-ACL-001 /etc/libvirt/libvirtd.conf:1',
      'LV-REMOTE-004 /etc/sysconfig/libvirtd:1',
      'LV-UNIX-004 /usr/lib/systemd/system/libvirtd-ro.socket:4',
      'QEMU-CONF-009 /etc/libvirt/qemu.conf:1',
      // No SASL-DB-002: libvirtd cannot start, so no transport authenticates with SASL (it returns once masked, below).
      'SASL-MECH-001 /etc/sasl2/libvirt.conf:1',
    ]);
    expect(r.notEvaluated).toEqual([]);
  });

  it('with the sockets masked (so --listen works) it is TCP + SASL without an allow-list on every interface', () => {
    const r = scan(GUIDE_HOST_MASKED);
    expect(r.findings).toEqual([
      'HOST-SWTPM-001 /var/lib/swtpm-localca/issuercert.pem:1',
      'HOST-SWTPM-001 /var/lib/swtpm-localca/signkey.pem:1',
      'HOST-SWTPM-001 /var/lib/swtpm-localca:1',
      'LV-ACL-001 /etc/libvirt/libvirtd.conf:1',
      'LV-REMOTE-002 /etc/libvirt/libvirtd.conf:2',
      'LV-REMOTE-003 /etc/libvirt/libvirtd.conf:1',
      'LV-SASL-ACL-001 /etc/libvirt/libvirtd.conf:1',
      'LV-UNIX-004 /etc/libvirt/libvirtd.conf:1',
      'QEMU-CONF-009 /etc/libvirt/qemu.conf:1',
      'SASL-DB-002 command:sasldblistusers2:1',
      'SASL-MECH-001 /etc/sasl2/libvirt.conf:1',
    ]);
    expect(r.notEvaluated).toEqual([]);
  });

  it('every rule that fires on the guide procedure explains what the guide gets wrong', () => {
    const fired = new Set([...scan(GUIDE_HOST).findings, ...scan(GUIDE_HOST_MASKED).findings].map((f) => f.split(' ')[0]));
    const errata = ['LV-REMOTE-002', 'LV-REMOTE-004', 'LV-SASL-ACL-001', 'SASL-MECH-001', 'SASL-DB-002', 'HOST-SWTPM-001'];
    for (const id of errata) {
      expect(fired).toContain(id);
      expect(RULES.find((r) => r.id === id)?.['guide-erratum']).toEqual(expect.any(String));
    }
  });
});
