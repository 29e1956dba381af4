import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isSecretName, maskArgv, maskConfPasswords, maskEnvFile, maskSaslConf, maskUnitEnvironment, maskXmlPasswords } from '../../src/collect/redact';
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

describe('secret masking of every evidence kind (pure)', () => {
  /** Same length, same line (and argument) lengths, and none of `secrets` left. */
  function masked(fn: (s: string) => string, text: string, secrets: string[]): string {
    const out = fn(text);
    expect(out.length).toBe(text.length);
    expect(out.split(/[\n\0]/).map((l) => l.length)).toEqual(text.split(/[\n\0]/).map((l) => l.length));
    for (const s of secrets) expect(out).not.toContain(s);
    return out;
  }
  const TQ = '"""';

  it('virConf: triple-quoted (multi-line) passwords as well as "…" and \'…\'', () => {
    const text = `vnc_password = ${TQ}Tri\nple${TQ}\nspice_passwd='Sq'\nvnc_listen = "0.0.0.0"\n`;
    expect(masked(maskConfPasswords, text, ['Tri', 'ple', 'Sq'])).toBe(`vnc_password = ${TQ}***\n***${TQ}\nspice_passwd='**'\nvnc_listen = "0.0.0.0"\n`);
  });

  it('QEMU argv: -object secret data= (QemuOpts and JSON), password=, rbd key=, URL passwords, --password', () => {
    const argv = [
      '/usr/bin/qemu-system-x86_64',
      '-name',
      'guest=vm1,debug-threads=on',
      '-object',
      'secret,id=sec0,data=SecA,,b,keyid=masterKey0,iv=IVIV,format=base64',
      '-object',
      '{"qom-type":"secret","id":"sec1","data":"SecB\\"q","keyid":"masterKey0","format":"base64"}',
      '-object',
      '{"qom-type":"memory-backend-file","id":"ram","data":"notsecret"}',
      '-spice',
      'port=5900,password=SecC',
      '-drive',
      'file=rbd:pool/img:id=admin:key=SecD\\:x:auth_supported=cephx,format=raw',
      '-drive',
      'file=iscsi://user:SecE@10.0.0.1/iqn.x/0',
      '--password',
      'SecF',
      '--db-password=SecG',
      '--password-file=/etc/pw',
      '-vnc',
      '0.0.0.0:0,password-secret=vnc0',
    ].join('\0');
    const out = masked(maskArgv, argv, ['SecA', 'SecB', 'SecC', 'SecD', 'SecE', 'SecF', 'SecG']);
    for (const kept of ['guest=vm1,debug-threads=on', 'keyid=masterKey0,iv=IVIV', '"data":"notsecret"', 'id=admin:key=', ':auth_supported=cephx', '--password-file=/etc/pw', 'password-secret=vnc0', 'iscsi://user:']) {
      expect(out).toContain(kept);
    }
  });

  it('domain XML: <qemu:arg> secrets and <qemu:env> values with secret names, entities kept', () => {
    const xml = `<domain xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'><qemu:commandline>\n<qemu:arg value='-object'/>\n<qemu:arg value="secret,id=s,data=SecH&amp;x"/>\n<qemu:env name='DB_PASSWORD' value='SecI'/>\n<qemu:env value="C" name="LANG"/>\n</qemu:commandline></domain>`;
    const out = masked(maskXmlPasswords, xml, ['SecH', 'SecI']);
    expect(out).toContain('data=****&amp;*"');
    expect(out).toContain('value="C" name="LANG"');
  });

  it('SASL: ldapdb_pw, sql_passwd (not mech_list, not paths)', () => {
    const out = masked(maskSaslConf, 'mech_list: scram-sha-256\nldapdb_pw: SecJ  \nsql_passwd:SecK\nsasldb_path: /etc/libvirt/passwd.db\n', ['SecJ', 'SecK']);
    expect(out).toContain('mech_list: scram-sha-256\n');
    expect(out).toContain('sasldb_path: /etc/libvirt/passwd.db');
  });

  it('systemd Environment= assignments with secret names; environment files', () => {
    const unit = '[Service]\nEnvironment="DB_PASSWORD=SecL word" API_TOKEN=SecM LIBVIRTD_ARGS=--listen\nExecStart=/usr/sbin/libvirtd --password=SecN $LIBVIRTD_ARGS\n';
    expect(masked(maskUnitEnvironment, unit, ['SecL', 'SecM', 'SecN'])).toContain(' LIBVIRTD_ARGS=--listen\n');
    const env = "LIBVIRTD_ARGS=\"--listen\"\nexport SECRET_KEY='SecO 1'\nPASS=Sec\\ P # c\n# DB_PASSWORD=commented\nKRB5_KTNAME=/etc/libvirt/krb5.tab\n";
    const out = masked(maskEnvFile, env, ['SecO', 'Sec\\ P']);
    expect(out).toContain('LIBVIRTD_ARGS="--listen"\n');
    expect(out).toContain("export SECRET_KEY='******'");
    expect(out).toContain('KRB5_KTNAME=/etc/libvirt/krb5.tab');
  });

  it('secret-looking variable names', () => {
    expect(['DB_PASSWORD', 'PASSWORD', 'api_token', 'SECRET_KEY', 'LDAP_PW', 'MYSQLPASSWORD', 'AWS_SECRET', 'CREDENTIALS'].filter((n) => !isSecretName(n))).toEqual([]);
    expect(['LIBVIRTD_ARGS', 'KRB5_KTNAME', 'KEYTAB', 'BYPASS_X', 'FILTER_RPC_ARGS', 'QEMU_GA_ARGS', 'PATH', 'KEYBOARD'].filter(isSecretName)).toEqual([]);
  });
});

describe('no secret reaches a snapshot or a report (real CLI on a copy of a fixture host)', () => {
  const work = tempDir('vmaudit-secrets-');
  const host = path.join(work, 'host');
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const SECRETS = [
    'TopSecretVnc1',
    'TopSecretSpice2',
    'TopSecretDom3',
    'TopSecretTriple4',
    'TopSecretArgv5',
    'TopSecretJson6',
    'TopSecretSpiceArg7',
    'TopSecretRbd8',
    'TopSecretUrl9',
    'TopSecretQemuArg10',
    'TopSecretQemuEnv11',
    'TopSecretLdap12',
    'TopSecretSql13',
    'TopSecretUnit14',
    'TopSecretUnitTok15',
    'TopSecretSysconfig16',
    'TopSecretDefault17',
  ];
  const TQ = '"""';

  /** Plants every secret form the collector reads into a copy of a fixture host. */
  function plant(root: string): void {
    const put = (rel: string, text: string, append = false): void => {
      const f = path.join(root, rel);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      if (append) fs.appendFileSync(f, text);
      else fs.writeFileSync(f, text);
    };
    put('etc/libvirt/qemu.conf', `vnc_listen = "0.0.0.0"\nvnc_password = "${SECRETS[0]}"\nspice_password = ${TQ}${SECRETS[1]}\n${SECRETS[3]}${TQ}\n`, true);
    const dom = path.join(root, 'etc/libvirt/qemu/MeasuredbootVM.xml');
    let xml = fs.readFileSync(dom, 'utf8').replace(/<graphics type='vnc'/, `<graphics type='vnc' passwd='${SECRETS[2]}'`);
    xml = xml.replace(/<domain type='kvm'/, "<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'");
    xml = xml.replace(
      /<\/domain>\s*$/,
      `  <qemu:commandline>\n    <qemu:arg value='-object'/>\n    <qemu:arg value='secret,id=extra0,data=${SECRETS[9]}'/>\n    <qemu:env name='BACKUP_PASSWORD' value='${SECRETS[10]}'/>\n  </qemu:commandline>\n</domain>\n`,
    );
    fs.writeFileSync(dom, xml);
    const argv = [
      '/usr/bin/qemu-system-x86_64',
      '-name',
      'guest=MeasuredbootVM,debug-threads=on',
      '-object',
      'secret,id=masterKey0,format=raw,file=/var/lib/libvirt/qemu/domain-7-MeasuredbootVM/master-key.aes',
      '-object',
      `secret,id=sec0,data=${SECRETS[4]},keyid=masterKey0,iv=AAAA,format=base64`,
      '-object',
      `{"qom-type":"secret","id":"sec1","data":"${SECRETS[5]}","keyid":"masterKey0","format":"base64"}`,
      '-spice',
      `port=5901,password=${SECRETS[6]}`,
      '-drive',
      `file=rbd:pool/img:id=admin:key=${SECRETS[7]}:auth_supported=cephx,format=raw`,
      '-drive',
      `file=iscsi://u:${SECRETS[8]}@10.0.0.1/iqn.2001-04.com.example:x/0,format=raw`,
    ];
    put('proc/4242/comm', 'qemu-system-x86\n');
    put('proc/4242/cmdline', `${argv.join('\0')}\0`);
    put('etc/sasl2/libvirt.conf', `ldapdb_pw: ${SECRETS[11]}\nsql_passwd: ${SECRETS[12]}\n`, true);
    put('etc/systemd/system/libvirtd.service.d/secrets.conf', `[Service]\nEnvironment="DB_PASSWORD=${SECRETS[13]}" API_TOKEN=${SECRETS[14]}\n`);
    put('etc/sysconfig/libvirtd', `LIBVIRTD_PASSWORD="${SECRETS[15]}"\n`, true);
    put('etc/default/libvirtd', `export SECRET_KEY='${SECRETS[16]}'\n`, true);
  }

  it('collect masks them; every report format of the scan omits them; findings are those of the unmasked host', async () => {
    execFileSync('cp', ['-a', path.join(REPO_ROOT, 'fixtures', 'hosts', 'guide-literal'), host]);
    plant(host);
    // every secret really is in the tree the collector reads
    const planted = execFileSync('grep', ['-rhoa', '-e', 'TopSecret[A-Za-z]*[0-9]*', host], { encoding: 'utf8' });
    expect([...new Set(planted.split('\n').filter(Boolean))].sort()).toEqual([...SECRETS].sort());
    const run = (args: string[]) => runCli(args);
    const snap = path.join(work, 'snap.json');
    expect((await run(['collect', '--root', host, '--output', snap])).code).toBe(0);
    const snapshot = fs.readFileSync(snap, 'utf8');
    for (const s of SECRETS) expect(snapshot).not.toContain(s);
    // ...and every file that carried one was collected, masked: the check above is not vacuous
    const files = (JSON.parse(snapshot) as { files: Record<string, { content?: string }> }).files;
    for (const f of ['/etc/libvirt/qemu.conf', '/etc/libvirt/qemu/MeasuredbootVM.xml', '/proc/4242/cmdline', '/etc/sasl2/libvirt.conf', '/etc/systemd/system/libvirtd.service.d/secrets.conf', '/etc/sysconfig/libvirtd', '/etc/default/libvirtd']) {
      expect([f, files[f]?.content?.includes('*****')]).toEqual([f, true]);
    }
    expect(snapshot).toContain('vnc_password = \\"*************\\"');
    const formats = ['text', 'json', 'sarif', 'html', 'junit', 'markdown'];
    const [viaSnapRun, ...reports] = await Promise.all([
      run(['scan', 'host', '--snapshot', snap, '--format', 'json']),
      ...formats.map((f) => run(['scan', 'host', '--root', host, '--format', f])),
      ...formats.map((f) => run(['scan', 'host', '--snapshot', snap, '--format', f])),
    ]);
    reports.forEach((r, i) => {
      expect(r.stdout.length).toBeGreaterThan(100);
      for (const s of SECRETS) expect([formats[i % 6], r.stdout + r.stderr]).not.toEqual([formats[i % 6], expect.stringContaining(s)]);
    });
    // The password still counts as set: qemu.conf's VNC listener is protected, the domain's console has a password.
    const direct = JSON.parse(reports[1].stdout) as { findings: { ruleId: string }[] };
    const viaSnap = JSON.parse(viaSnapRun.stdout) as { findings: { ruleId: string }[] };
    expect(viaSnap.findings).toEqual(direct.findings);
    expect(direct.findings.map((f) => f.ruleId)).not.toContain('DOM-GFX-001');
    expect(direct.findings.map((f) => f.ruleId)).not.toContain('QEMU-CONF-006');
  });
});
