import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ScanError } from '../../../src/collect/runner';
import { canonicalAddress, parseTargetSpec, resolveSshTarget } from '../../../src/collect/ssh/config';
import { parseSshConfig, splitArgs } from '../../../src/collect/ssh/config-file';
import { matchPatternList } from '../../../src/util/patterns';
import { describeWithOracles } from '../../helpers/oracle';

const home = os.userInfo().homedir;
const localUser = os.userInfo().username;

function resolveText(text: string, target: string, extra: Parameters<typeof resolveSshTarget>[1] = {}) {
  const { value } = parseSshConfig(text, '/test/config');
  return resolveSshTarget(target, { configs: [value], home: '/home/aud', localUser: 'aud', env: {}, ...extra });
}

function inputError(fn: () => unknown): ScanError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ScanError);
    expect((e as ScanError).kind).toBe('input');
    return e as ScanError;
  }
  throw new Error('expected a ScanError(input)');
}

describe('ssh_config parsing (pure)', () => {
  it('splits arguments like argv_split', () => {
    expect(splitArgs(`a "b c" 'd e' f\\ g # comment`).args).toEqual(['a', 'b c', 'd e', 'f g']);
    expect(splitArgs('x#y z').args).toEqual(['x#y', 'z']);
    expect(splitArgs('"open').error).toBeDefined();
  });

  it('reports problems with file and line, never throws', () => {
    const { value, problems } = parseSshConfig('Host a\n  Port\n  User "x\nMatch bogus y\nMatch host\n', 'cfg');
    expect(problems.map((p) => [p.code, p.location?.line])).toEqual([
      ['ssh-config.missing-argument', 2],
      ['ssh-config.bad-quoting', 3],
      ['ssh-config.bad-match', 4],
      ['ssh-config.bad-match', 5],
    ]);
    expect(value.items[0]).toMatchObject({ type: 'host', patterns: ['a'] });
    expect(() => parseSshConfig('\u0000\u0001 = = "', 'x')).not.toThrow();
  });

  it('matches Host patterns with wildcards and negation (case-sensitively, as ssh does)', () => {
    expect(matchPatternList('web1.example', ['*.example', '!bad.example'])).toBe(1);
    expect(matchPatternList('bad.example', ['*.example', '!bad.example'])).toBe(-1);
    expect(matchPatternList('web1.example', ['web?.example'])).toBe(1);
    expect(matchPatternList('WEB1.EXAMPLE', ['web?.example'])).toBe(0);
    expect(matchPatternList('web10.example', ['web?.example'])).toBe(0);
    expect(matchPatternList('a.b', 'x,*.b')).toBe(1);
    expect(matchPatternList('a.b', '*,!a.*')).toBe(-1);
  });

  it('first obtained value wins; IdentityFile accumulates; tokens and ~ expand', () => {
    const { target } = resolveText('Host h\n  HostName %h.lan\n  User u\n  IdentityFile ~/.ssh/k_%h_%r_%p_%u_%n\n  IdentityFile %d/two%%\nHost *\n  User later\n  Port 2\n', 'h');
    expect(target).toMatchObject({ hostname: 'h.lan', user: 'u', port: 2 });
    expect(target.identityFiles).toEqual(['/home/aud/.ssh/k_h.lan_u_2_aud_h', '/home/aud/two%']);
    expect(target.identityFilesConfigured).toBe(true);
    expect(target.origins.hostname).toMatchObject({ file: '/test/config', line: 2 });
  });

  it('lets the target and overrides win over the config (like ssh user@host -p)', () => {
    const text = 'Host db\n  User carol\n  Port 1111\n';
    expect(resolveText(text, 'ssh://bob@db:2222').target).toMatchObject({ user: 'bob', port: 2222 });
    expect(resolveText(text, 'db', { overrides: { user: 'ans', port: 22 } }).target).toMatchObject({ user: 'ans', port: 22 });
    expect(resolveText(text, 'db').target).toMatchObject({ user: 'carol', port: 1111 });
  });

  it('does not apply an Include that sits in a non-matching Host block', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-sshcfg-'));
    try {
      fs.writeFileSync(path.join(dir, 'inc.conf'), 'Port 4444\nHost *\n  User inc\n');
      const cfg = path.join(dir, 'config');
      fs.writeFileSync(cfg, `Host only-this\n  Include ${dir}/inc*.conf\nHost *\n  Port 5\n`);
      const a = resolveSshTarget('only-this', { configFile: cfg, localUser: 'aud', env: {} }).target;
      const b = resolveSshTarget('other', { configFile: cfg, localUser: 'aud', env: {} }).target;
      expect([a.port, a.user]).toEqual([4444, 'inc']);
      expect([b.port, b.user]).toEqual([5, 'aud']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never executes Match exec, and warns', () => {
    const r = resolveText('Match exec "touch /tmp/vmaudit-should-not-exist"\n  Port 9\n', 'x');
    expect(r.target.port).toBe(22);
    expect(r.problems.map((p) => p.code)).toContain('ssh-config.match-unsupported');
    expect(fs.existsSync('/tmp/vmaudit-should-not-exist')).toBe(false);
  });

  it('parses target forms and rejects unsafe ones', () => {
    expect(parseTargetSpec('ssh://u@h:2')).toEqual({ user: 'u', host: 'h', port: 2 });
    expect(parseTargetSpec('u@h')).toEqual({ user: 'u', host: 'h', port: undefined });
    expect(parseTargetSpec('[::1]:2200')).toEqual({ user: undefined, host: '::1', port: 2200 });
    expect(parseTargetSpec('fe80::1')).toEqual({ user: undefined, host: 'fe80::1', port: undefined });
    inputError(() => parseTargetSpec(`x'; reboot #`));
    inputError(() => parseTargetSpec('h:99999'));
    inputError(() => parseTargetSpec('-oProxyCommand=x'));
    inputError(() => parseTargetSpec('a b'));
  });

  it('refuses ProxyCommand, multi-hop ProxyJump, bad HostName and unknown tokens with a ScanError(input)', () => {
    expect(inputError(() => resolveText('Host *\n  ProxyCommand nc %h %p\n', 'h')).message).toMatch(/ProxyCommand.*\/test\/config:2/);
    expect(inputError(() => resolveText('Host *\n  ProxyJump a,b\n', 'h')).message).toMatch(/more than one hop/);
    inputError(() => resolveText('Host *\n  HostName "x;reboot"\n', 'h'));
    inputError(() => resolveText('Host *\n  IdentityFile ~/%Z\n', 'h'));
  });

  it('resolves one ProxyJump hop through the config; agent from SSH_AUTH_SOCK unless IdentityAgent none', () => {
    const text = 'Host inner\n  HostName 10.1.1.1\n  ProxyJump bast\nHost bast\n  HostName bastion.example\n  User jump\n  Port 2022\n';
    const { target } = resolveText(text, 'inner', { env: { SSH_AUTH_SOCK: '/run/agent' } });
    expect(target.proxyJump).toMatchObject({ hostname: 'bastion.example', user: 'jump', port: 2022 });
    expect(target.agentSocket).toBe('/run/agent');
    expect(resolveText('IdentityAgent none\n', 'x', { env: { SSH_AUTH_SOCK: '/run/agent' } }).target.agentSocket).toBeUndefined();
  });
});

describeWithOracles(['ssh'], 'numeric host names are canonicalised as ssh does (ssh -G hostname)', () => {
  const names = ['3221225986', '0xc0000202', '192.0.514', '0300.0.2.2', '1.2.3.4.5', '1.2.3.256', '08.1.1.1', '0x', '0:0::1', '::ffff:192.0.2.2', '::c000:202', '::1', 'fd00:0:0:0::2', 'FD00::0:2', 'example.com', '1e2', '12', '4294967295', '4294967296'];
  it.each(names)('%s', (name) => {
    const out = execFileSync('ssh', ['-G', '-F', '/dev/null', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const expected = /^hostname (.*)$/m.exec(out)![1];
    expect(canonicalAddress(name.toLowerCase())).toBe(expected);
    expect(resolveText('', name.includes(':') ? `[${name}]:22` : name).target.hostname).toBe(expected);
  });
});

describeWithOracles(['ssh'], 'ssh_config resolution agrees with `ssh -G`', () => {
  let dir: string;
  let cfg: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-sshG-'));
    fs.writeFileSync(path.join(dir, 'inc.conf'), 'Host inc-*\n  HostName included.example\n  Port 3333\n');
    cfg = path.join(dir, 'config');
    fs.writeFileSync(
      cfg,
      [
        'ConnectTimeout 9',
        'Host foo',
        '  HostName %h.example.com',
        '  Port 2200',
        '  IdentityFile ~/.ssh/foo_key',
        '  IdentityFile /keys/second',
        'Host *.example !bad.example',
        '  User u1',
        '  StrictHostKeyChecking no',
        'Host up',
        '  HostName UPPER.Example',
        '  HostKeyAlias MixedCase.Alias',
        '  CheckHostIP yes',
        '  GlobalKnownHostsFile /g/one "/g/two words"',
        'Host numeric',
        '  HostName 0xc0000202',
        '  CheckHostIP no',
        'Host jumpy',
        '  HostName 10.0.0.5',
        '  ProxyJump admin@bastion.example:2022',
        'Match originalhost matchme user ' + localUser,
        '  HostName matched.internal',
        'Match host matched.internal',
        '  Port 2345',
        'Host=db',
        '  Port 1111',
        '  User carol',
        'Match all',
        `Include ${dir}/inc.conf`,
        'Host *',
        '  StrictHostKeyChecking accept-new',
        '  UserKnownHostsFile ~/kh1 "/tmp/with space/kh2"',
        '  User fallback',
        '',
      ].join('\n'),
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const targets = ['foo', 'web1.example', 'bad.example', 'alice@web1.example', 'ssh://bob@db:2222', 'db', 'Web2.Example', 'jumpy', 'matchme', 'inc-7', 'plain', 'up', 'numeric', '3221225986', '0:0::1'];
  it.each(targets)('%s', (target) => {
    const out = execFileSync('ssh', ['-G', '-F', cfg, target], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const g = new Map<string, string[]>();
    for (const line of out.split('\n')) {
      const i = line.indexOf(' ');
      if (i > 0) g.set(line.slice(0, i), [...(g.get(line.slice(0, i)) ?? []), line.slice(i + 1)]);
    }
    const one = (k: string): string => (g.get(k) ?? [''])[0];
    const mine = resolveSshTarget(target, { configFile: cfg, home, localUser, env: {} }).target;
    expect(mine.hostname).toBe(one('hostname'));
    expect(mine.user).toBe(one('user'));
    expect(String(mine.port)).toBe(one('port'));
    const tilde = (p: string): string => (p.startsWith('~/') ? path.join(home, p.slice(2)) : p);
    expect(mine.identityFiles).toEqual((g.get('identityfile') ?? []).map(tilde));
    const shkc = { yes: 'true', no: 'false', ask: 'ask', 'accept-new': 'accept-new' }[mine.strictHostKeyChecking];
    expect(shkc).toBe(one('stricthostkeychecking'));
    expect(mine.userKnownHostsFiles.join(' ')).toBe(one('userknownhostsfile'));
    expect(mine.globalKnownHostsFiles.join(' ')).toBe(one('globalknownhostsfile'));
    expect(mine.hostKeyAlias ?? '').toBe(one('hostkeyalias'));
    expect(mine.checkHostIp ? 'yes' : 'no').toBe(one('checkhostip'));
    expect(mine.connectTimeoutMs === undefined ? 'none' : String(mine.connectTimeoutMs / 1000)).toBe(one('connecttimeout'));
    const pj = one('proxyjump');
    if (pj) {
      const spec = parseTargetSpec(pj);
      expect(mine.proxyJump).toMatchObject({ originalHost: spec.host, ...(spec.user ? { user: spec.user } : {}), ...(spec.port ? { port: spec.port } : {}) });
    } else {
      expect(mine.proxyJump).toBeUndefined();
    }
  });
});
