import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeWithOracles } from '../../helpers/oracle';
import { analyzeMechList, classifyMech, parseSasldbList, parseSaslConf } from '../../../src/facts/host/sasl';

const C = '/etc/sasl2/libvirt.conf';
const SBIN = { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` };

describe('parseSaslConf (pure)', () => {
  it("parses libvirt's shipped style, keys case-insensitive, first duplicate wins", () => {
    const r = parseSaslConf('# comment\n  MECH_LIST: digest-md5\nmech_list: gssapi\nsasldb_path:/etc/libvirt/passwd.db  \nkeytab: /etc/libvirt/krb5.tab\n', C);
    expect(r.value.ok).toBe(true);
    expect(r.value.entries.mech_list).toMatchObject({ value: 'digest-md5', location: { line: 2, column: 3 }, valueLocation: { line: 2, column: 14 } });
    expect(r.value.entries.sasldb_path.value).toBe('/etc/libvirt/passwd.db');
    expect(r.value.all).toHaveLength(4);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'sasl.duplicate-key', location: { file: C, line: 3, column: 1 } })]);
    expect(r.value.mechList).toMatchObject({ mechs: ['DIGEST-MD5'], anySsf: true, anyObsolete: true, invalidTokens: [] });
  });

  it('a # after the value is part of the value', () => {
    const r = parseSaslConf('mech_list: gssapi # kerberos\n', C);
    expect(r.value.entries.mech_list.value).toBe('gssapi # kerberos');
    expect(r.value.mechList?.invalidTokens).toEqual(['#']);
  });

  it('flags comma-separated and quoted mech_list tokens (SASL-MECH-004)', () => {
    const r = parseSaslConf('mech_list: digest-md5,gssapi "scram-sha-256"\n', C);
    expect(r.value.mechList).toMatchObject({ mechs: [], anySsf: false, invalidTokens: ['digest-md5,gssapi', '"scram-sha-256"'] });
    expect(r.problems.map((p) => [p.code, p.location?.column])).toEqual([
      ['sasl.invalid-mech-token', 12],
      ['sasl.invalid-mech-token', 30],
    ]);
  });

  it('refuses the whole file on a line without key: or with an empty value', () => {
    for (const [t, line] of [
      ['mech_list: gssapi\nmech_list = digest-md5\n', 2],
      ['mech_list : gssapi\n', 1],
      ['keytab:\n', 1],
      ['mech_list: gssapi\n\n   -x\n', 3],
    ] as const) {
      const r = parseSaslConf(t, C);
      expect(r.value.ok).toBe(false);
      expect(r.value.entries).toEqual({});
      expect(r.problems[0]).toMatchObject({ code: 'sasl.config-error', level: 'error', location: { line } });
    }
  });

  it('handles CRLF, tabs and lines longer than the fgets buffer', () => {
    const ok = parseSaslConf(`mech_list:\tscram-sha-256\r\n   :x\n`, C);
    expect(ok.value.entries.mech_list.value).toBe('scram-sha-256');
    expect(ok.value.entries[''].value).toBe('x'); // Cyrus accepts an empty key
    const r = parseSaslConf(`mech_list: gssapi\nx: ${'a'.repeat(5000)}\n`, C);
    // Cyrus reads the tail of the long line (from character 4096) as a line of its own: a key without ':'
    expect(r.value.ok).toBe(false);
    expect(r.problems[0].location).toEqual({ file: C, line: 2, column: 5004 }); // where ':' was expected
  });
});

describe('mechanism classification', () => {
  it('knows which mechs work on plain TCP and which are weak', () => {
    expect(classifyMech('gssapi')).toMatchObject({ name: 'GSSAPI', ssf: true, obsolete: false });
    expect(classifyMech('Digest-MD5')).toMatchObject({ ssf: true, obsolete: true });
    expect(classifyMech('scram-sha-256')).toMatchObject({ ssf: false, cleartext: false });
    expect(classifyMech('plain')).toMatchObject({ cleartext: true });
    expect(classifyMech('login')).toMatchObject({ cleartext: true });
    expect(classifyMech('anonymous')).toMatchObject({ anonymous: true });
    expect(classifyMech('foo')).toMatchObject({ known: false });
    const l = analyzeMechList('scram-sha-256  plain anonymous SCRAM-SHA-256', { file: C, line: 1, column: 12 });
    expect(l).toMatchObject({ mechs: ['SCRAM-SHA-256', 'PLAIN', 'ANONYMOUS'], anySsf: false, anyCleartext: true, anyAnonymous: true });
    expect(l.tokens[1].location.column).toBe(27);
  });
});

describe('parseSasldbList (pure)', () => {
  it('treats "listusers failed" with exit 0 as an error, not as no users', () => {
    const r = parseSasldbList({ stdout: '', stderr: 'listusers failed\n', exitCode: 0 }, 'sasldblistusers2');
    expect(r.value).toEqual({ state: 'error', error: 'listusers failed', users: [] });
    expect(parseSasldbList({ stdout: '', stderr: '', exitCode: 0 }, 'x').value).toEqual({ state: 'ok', users: [] });
  });
});

describeWithOracles(['saslpasswd2', 'sasldblistusers2'], 'sasldblistusers2 output of a real sasldb (Cyrus SASL)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-sasl-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const list = (db: string) => spawnSync('sasldblistusers2', ['-f', db], { encoding: 'utf8', env: SBIN });

  it('lists users of several realms', () => {
    const db = path.join(dir, 'passwd.db');
    const add = (user: string, realm?: string) =>
      execFileSync('saslpasswd2', ['-p', '-a', 'libvirt', '-f', db, ...(realm ? ['-u', realm] : []), user], { input: 'S3cret!', env: SBIN });
    add('userName', 'vm');
    add('alice', 'EXAMPLE.COM');
    add('bob', 'EXAMPLE.COM');
    add('carol', 'other realm');
    add('dave@corp'); // saslpasswd2 splits user@realm
    const out = list(db);
    const r = parseSasldbList({ stdout: out.stdout, stderr: out.stderr, exitCode: out.status ?? undefined }, `sasldblistusers2 -f ${db}`);
    expect(r.problems).toEqual([]);
    expect(r.value.state).toBe('ok');
    expect(r.value.users.map((u) => [u.user, u.realm, u.properties])).toEqual([
      ['alice', 'EXAMPLE.COM', ['userPassword']],
      ['bob', 'EXAMPLE.COM', ['userPassword']],
      ['carol', 'other realm', ['userPassword']],
      ['dave', 'corp', ['userPassword']],
      ['userName', 'vm', ['userPassword']],
    ]);
    // the secret itself never appears in the listing
    expect(JSON.stringify(r.value)).not.toContain('S3cret');
    // after deleting one user (realm given) it is gone, the others survive
    execFileSync('saslpasswd2', ['-a', 'libvirt', '-f', db, '-u', 'EXAMPLE.COM', '-d', 'alice'], { env: SBIN });
    const again = list(db);
    expect(parseSasldbList({ stdout: again.stdout, stderr: again.stderr, exitCode: again.status ?? undefined }, 'x').value.users.map((u) => u.id)).toEqual([
      'bob@EXAMPLE.COM',
      'carol@other realm',
      'dave@corp',
      'userName@vm',
    ]);
  });

  it('reports a missing or corrupt database as an error although the exit status is 0', () => {
    const corrupt = path.join(dir, 'corrupt.db');
    fs.writeFileSync(corrupt, 'not a berkeley db\n');
    for (const db of [path.join(dir, 'missing.db'), corrupt]) {
      const out = list(db);
      expect(out.status).toBe(0);
      const r = parseSasldbList({ stdout: out.stdout, stderr: out.stderr, exitCode: out.status ?? undefined }, db);
      expect(r.value.state).toBe('error');
      expect(r.problems[0].code).toBe('sasldb.list-failed');
    }
  });
});
