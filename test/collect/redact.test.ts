import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { maskConfPasswords, maskXmlPasswords } from '../../src/collect/redact';
import { parseDomainXml } from '../../src/facts/domain/build';
import { REPO_ROOT, runCli } from '../helpers/cli';
import { tempDir } from './helpers';

describe('secret masking in collected evidence', () => {
  it('masks graphics passwords in domain XML, keeping length, emptiness, entities and positions', () => {
    const xml = `<domain type='kvm'><name>a</name><memory>1048576</memory><os><type>hvm</type></os><devices>\n  <graphics type='vnc' passwd='S3cr&amp;t' listen='0.0.0.0'/>\n  <graphics type="spice" passwd="" autoport="yes"/>\n  <graphics type='vnc' passwd = "it's"/>\n</devices></domain>\n`;
    const masked = maskXmlPasswords(xml);
    expect(masked).not.toMatch(/S3cr|it's/);
    expect(masked).toContain("passwd='****&amp;*'");
    expect(masked).toContain('passwd=""');
    expect(masked).toContain('passwd = "****"');
    expect(masked.length).toBe(xml.length);
    const before = parseDomainXml(xml, 'a.xml');
    const after = parseDomainXml(masked, 'a.xml');
    if (!before.ok || !after.ok) throw new Error('not parsed');
    const view = (gs: typeof before.domain.graphics) => gs.map((g) => [g.passwdSet, g.passwdEmpty, g.passwdLength, g.loc]);
    expect(view(after.domain.graphics)).toEqual(view(before.domain.graphics));
    expect(view(before.domain.graphics).map((v) => v[2])).toEqual([6, 0, 4]);
  });

  it('masks *_password settings of virConf files, nothing else', () => {
    const conf = 'vnc_listen = "0.0.0.0"\nvnc_password = "TopSecret"\n  spice_password=\'x y\'\n# vnc_password = "commented"\nuser = "qemu"\n';
    expect(maskConfPasswords(conf)).toBe('vnc_listen = "0.0.0.0"\nvnc_password = "*********"\n  spice_password=\'***\'\n# vnc_password = "commented"\nuser = "qemu"\n');
  });
});

describe('no secret reaches a snapshot or a report (real CLI on a copy of a fixture host)', () => {
  const work = tempDir('vmaudit-secrets-');
  const host = path.join(work, 'host');
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const SECRETS = ['TopSecretVnc1', 'TopSecretSpice2', 'TopSecretDom3'];

  it('collect masks them; every report format of the scan omits them; findings are those of the unmasked host', async () => {
    execFileSync('cp', ['-a', path.join(REPO_ROOT, 'fixtures', 'hosts', 'guide-literal'), host]);
    fs.appendFileSync(path.join(host, 'etc/libvirt/qemu.conf'), `vnc_listen = "0.0.0.0"\nvnc_password = "${SECRETS[0]}"\nspice_password = "${SECRETS[1]}"\n`);
    const dom = path.join(host, 'etc/libvirt/qemu/MeasuredbootVM.xml');
    fs.writeFileSync(dom, fs.readFileSync(dom, 'utf8').replace(/<graphics type='vnc'/, `<graphics type='vnc' passwd='${SECRETS[2]}'`));
    expect(fs.readFileSync(dom, 'utf8')).toContain(SECRETS[2]);
    const run = (args: string[]) => runCli(args);
    const snap = path.join(work, 'snap.json');
    expect((await run(['collect', '--root', host, '--output', snap])).code).toBe(0);
    const snapshot = fs.readFileSync(snap, 'utf8');
    for (const s of SECRETS) expect(snapshot).not.toContain(s);
    expect(snapshot).toContain('vnc_password = \\"*************\\"');
    const formats = ['text', 'json', 'sarif', 'html', 'junit', 'markdown'];
    const [viaSnapRun, ...reports] = await Promise.all([run(['scan', 'host', '--snapshot', snap, '--format', 'json']), ...formats.map((f) => run(['scan', 'host', '--root', host, '--format', f]))]);
    reports.forEach((r, i) => {
      for (const s of SECRETS) expect([formats[i], r.stdout + r.stderr]).not.toEqual([formats[i], expect.stringContaining(s)]);
    });
    // The password still counts as set: qemu.conf's VNC listener is protected, the domain's console has a password.
    const direct = JSON.parse(reports[1].stdout) as { findings: { ruleId: string }[] };
    const viaSnap = JSON.parse(viaSnapRun.stdout) as { findings: { ruleId: string }[] };
    expect(viaSnap.findings).toEqual(direct.findings);
    expect(direct.findings.map((f) => f.ruleId)).not.toContain('DOM-GFX-001');
    expect(direct.findings.map((f) => f.ruleId)).not.toContain('QEMU-CONF-006');
  });
});
