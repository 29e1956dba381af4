import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ScanError } from '../../../src/collect/runner';
import { checkHostKey, entryMatches, fingerprint, knownHostsName, parseKnownHosts, verifyHostKey } from '../../../src/collect/ssh/known-hosts';
import { describeWithOracles } from '../../helpers/oracle';

describe('known_hosts parsing (pure)', () => {
  const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, 7)]);
  const b64 = blob.toString('base64');

  it('reports bad lines with their line numbers and keeps the good ones', () => {
    const { value, problems } = parseKnownHosts(`# c\n\nh1 ssh-ed25519 ${b64}\nh2 ssh-rsa ${b64}\n@bogus h3 ssh-ed25519 ${b64}\nonlyhost\n|1|abc|def ssh-ed25519 ${b64}\n`, 'kh');
    expect(value.map((e) => e.location.line)).toEqual([3]);
    expect(problems.map((p) => [p.code, p.location?.line])).toEqual([
      ['known-hosts.bad-key', 4],
      ['known-hosts.bad-marker', 5],
      ['known-hosts.bad-line', 6],
      ['known-hosts.bad-hash', 7],
    ]);
  });

  it('uses [host]:port for non-default ports and matches comma lists with negation', () => {
    expect(knownHostsName('h', 22)).toBe('h');
    expect(knownHostsName('h', 2222)).toBe('[h]:2222');
    const [e] = parseKnownHosts(`*.lab,!secret.lab,[h]:2222 ssh-ed25519 ${b64}\n`, 'kh').value;
    expect(entryMatches(e, 'a.lab')).toBe(true);
    expect(entryMatches(e, 'secret.lab')).toBe(false);
    expect(entryMatches(e, '[h]:2222')).toBe(true);
    expect(entryMatches(e, 'h')).toBe(false);
  });

  it('classifies ok / changed / unknown / revoked', () => {
    const other = Buffer.from(blob);
    other[other.length - 1] = 9;
    const entries = parseKnownHosts(`a ssh-ed25519 ${b64}\nb ssh-ed25519 ${other.toString('base64')}\n@revoked c ssh-ed25519 ${b64}\nc ssh-ed25519 ${b64}\n`, 'kh').value;
    expect(checkHostKey(entries, 'a', blob).status).toBe('ok');
    expect(checkHostKey(entries, 'b', blob).status).toBe('changed');
    expect(checkHostKey(entries, 'z', blob).status).toBe('unknown');
    expect(checkHostKey(entries, 'c', blob).status).toBe('revoked');
  });
});

describeWithOracles(['ssh-keygen'], 'known_hosts against ssh-keygen', () => {
  let dir: string;
  const keys: Record<string, { type: string; b64: string; blob: Buffer; pub: string }> = {};
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-kh-'));
    for (const [name, type] of [['k1', 'ed25519'], ['k2', 'ecdsa'], ['k3', 'ed25519']]) {
      const f = path.join(dir, name);
      execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', f], { stdio: 'ignore' });
      const [t, b] = fs.readFileSync(`${f}.pub`, 'utf8').trim().split(/\s+/);
      keys[name] = { type: t, b64: b, blob: Buffer.from(b, 'base64'), pub: `${f}.pub` };
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('computes the same SHA256 fingerprint as ssh-keygen -l', () => {
    for (const k of Object.values(keys)) {
      const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', k.pub], { encoding: 'utf8' }).split(' ')[1];
      expect(fingerprint(k.blob)).toBe(fp);
    }
  });

  it('finds plain and hashed (ssh-keygen -H) entries exactly where ssh-keygen -F does', () => {
    const plain = path.join(dir, 'known_hosts');
    fs.writeFileSync(
      plain,
      [
        `hv01.example,10.0.0.1 ${keys.k1.type} ${keys.k1.b64}`,
        `[hv02.example]:2222 ${keys.k2.type} ${keys.k2.b64}`,
        `hv03.example ${keys.k3.type} ${keys.k3.b64}`,
        '',
      ].join('\n'),
    );
    const hashed = path.join(dir, 'known_hosts.hashed');
    fs.copyFileSync(plain, hashed);
    execFileSync('ssh-keygen', ['-H', '-f', hashed], { stdio: 'ignore' });
    const hashedText = fs.readFileSync(hashed, 'utf8');
    expect(hashedText).toMatch(/^\|1\|/m);
    expect(hashedText).not.toContain('hv01');
    const names = ['hv01.example', '10.0.0.1', '[hv02.example]:2222', 'hv02.example', 'hv03.example', 'HV03.example', 'hv04.example', '[hv01.example]:2222'];
    for (const file of [plain, hashed]) {
      const { value, problems } = parseKnownHosts(fs.readFileSync(file, 'utf8'), file);
      expect(problems).toEqual([]);
      for (const name of names) {
        const oracle = spawnSync('ssh-keygen', ['-F', name, '-f', file]).status === 0;
        const mine = value.some((e) => entryMatches(e, name));
        expect({ file: path.basename(file), name, found: mine }).toEqual({ file: path.basename(file), name, found: oracle });
      }
      expect(checkHostKey(value, 'hv01.example', keys.k1.blob).status).toBe('ok');
      expect(checkHostKey(value, '10.0.0.1', keys.k3.blob).status).toBe('changed');
      // a key of another type is a change too (hostfile.c check_key_in_hostkeys), as ssh itself says
      expect(checkHostKey(value, '[hv02.example]:2222', keys.k1.blob).status).toBe('changed');
      expect(checkHostKey(value, '[hv05.example]:2222', keys.k1.blob).status).toBe('unknown');
    }
  });

  it('verifyHostKey: refuses unknown keys telling the fingerprint; accept-new records a line ssh-keygen -F finds', () => {
    const file = path.join(dir, 'sub', 'known_hosts');
    const opts = { hostname: 'new.example', port: 2200, checkHostIp: false, target: 'new.example', userKnownHostsFiles: [file], globalKnownHostsFiles: [] };
    let caught: unknown;
    try {
      verifyHostKey(keys.k1.blob, { ...opts, policy: 'strict' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ScanError);
    expect((caught as ScanError).kind).toBe('host-key-unknown');
    expect((caught as ScanError).message).toContain(fingerprint(keys.k1.blob));
    expect(fs.existsSync(file)).toBe(false);

    const r = verifyHostKey(keys.k1.blob, { ...opts, policy: 'accept-new' });
    expect(r.accepted).toBe('new');
    if (r.accepted === 'new') r.record();
    expect(spawnSync('ssh-keygen', ['-F', '[new.example]:2200', '-f', file]).status).toBe(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(verifyHostKey(keys.k1.blob, { ...opts, policy: 'strict' }).accepted).toBe('known');
    // HashKnownHosts: the recorded name is hashed, and ssh-keygen -F still finds it
    const hashedFile = path.join(dir, 'known_hosts.hashnew');
    const h = verifyHostKey(keys.k2.blob, { ...opts, userKnownHostsFiles: [hashedFile], policy: 'accept-new', hashKnownHosts: true });
    if (h.accepted === 'new') h.record();
    expect(fs.readFileSync(hashedFile, 'utf8')).toMatch(/^\|1\|[^ ]+ ecdsa-sha2-nistp256 /);
    expect(fs.readFileSync(hashedFile, 'utf8')).not.toContain('new.example');
    expect(spawnSync('ssh-keygen', ['-F', '[new.example]:2200', '-f', hashedFile]).status).toBe(0);
    // a different key of the same type is a change, even under accept-new
    try {
      verifyHostKey(keys.k3.blob, { ...opts, policy: 'accept-new' });
      throw new Error('not refused');
    } catch (e) {
      expect((e as ScanError).kind).toBe('host-key-changed');
      expect((e as ScanError).message).toContain(`ssh-keygen -R '[new.example]:2200'`);
    }
  });
});
