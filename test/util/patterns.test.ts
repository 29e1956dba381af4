import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeWithOracles } from '../helpers/oracle';
import { fnmatchPattern, matchPattern, matchPatternList, shPathPattern } from '../../src/util/patterns';

const CASES: [string, string][] = [
  ['web1.example', '*.example'],
  ['web1.example', 'web?.example'],
  ['web10.example', 'web?.example'],
  ['WEB1.EXAMPLE', 'web?.example'],
  ['a', '*'],
  ['abc', 'a*c'],
  ['ac', 'a*c'],
  ['abcbc', '*bc'],
  ['abcbd', '*bc'],
  ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab', '*a*a*a*a*a*a*a*a*b'],
  ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaac', '*a*a*a*a*a*a*a*a*b'],
  ['x.y', 'x?y'],
  ['x.y', 'x.y'],
  ['xzy', 'x.y'],
  ['h[1]', 'h[1]'],
  ['h1', 'h[1]'],
  ['10.0.0.1', '10.0.*.?'],
  ['10.0.0.12', '10.0.*.?'],
  ['host', 'h**t'],
  ['host', '?ost*'],
];

describe('OpenSSH match_pattern / match_pattern_list', () => {
  it('wildcards, negation and lists', () => {
    expect(matchPattern('', '')).toBe(true);
    expect(matchPattern('', '*')).toBe(true);
    expect(matchPattern('a', '')).toBe(false);
    expect(matchPatternList('web1.example', ['*.example', '!bad.example'])).toBe(1);
    expect(matchPatternList('bad.example', ['*.example', '!bad.example'])).toBe(-1);
    expect(matchPatternList('other', ['*.example', '!bad.example'])).toBe(0);
    expect(matchPatternList('a.b', 'x,*.b')).toBe(1);
    expect(matchPatternList('a.b', '*,!a.*')).toBe(-1);
    // dolower lower-cases the patterns, not the value (match.c); match_hostname lower-cases the name itself
    expect(matchPatternList('web1', 'WEB?', true)).toBe(1);
    expect(matchPatternList('WEB1', 'web?', true)).toBe(0);
    expect(matchPatternList('WEB1', 'web?')).toBe(0);
  });

  it('stays fast on patterns with many stars', () => {
    const t = Date.now();
    expect(matchPattern('a'.repeat(5000), `${'*a'.repeat(200)}*b`)).toBe(false);
    expect(Date.now() - t).toBeLessThan(2000);
  });
});

describeWithOracles(['ssh'], 'matchPattern agrees with ssh itself (Host patterns, ssh -G)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-pat-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  it.each(CASES)('%s vs %s', (value, pattern) => {
    const cfg = path.join(dir, 'config');
    // Host patterns are matched case-sensitively against the name as given (readconf.c match_pattern)
    fs.writeFileSync(cfg, `Host ${pattern}\n  Port 2222\n`);
    const out = execFileSync('ssh', ['-G', '-F', cfg, value], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(matchPattern(value, pattern)).toBe(/^port 2222$/m.test(out));
    // and the negated form in a list: Host matches only when a positive one does and no negated one
    fs.writeFileSync(cfg, `Host * !${pattern}\n  Port 2222\n`);
    const neg = execFileSync('ssh', ['-G', '-F', cfg, value], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(matchPatternList(value, ['*', `!${pattern}`]) === 1).toBe(/^port 2222$/m.test(neg));
  });
});

describeWithOracles(['python3'], 'fnmatchPattern agrees with Python fnmatch.fnmatchcase (Ansible --limit)', () => {
  const cases: [string, string][] = [...CASES, ['hv01', 'hv0[0-9]'], ['hv0a', 'hv0[!0-9]'], ['hv01', 'hv0[!0-9]'], ['hv[', 'hv['], ['ab', '[ab]b'], ['xb', '[ab]b']];
  it('on every case', () => {
    const py = execFileSync('python3', ['-c', 'import fnmatch,json,sys\nfor v,p in json.load(sys.stdin): print(int(fnmatch.fnmatchcase(v,p)))'], { input: JSON.stringify(cases), encoding: 'utf8' });
    const want = py.trim().split('\n').map((l) => l === '1');
    expect(cases.map(([v, p]) => fnmatchPattern(p).test(v))).toEqual(want);
  });
});

describe('sh path patterns (the manifest globs)', () => {
  it('never cross a slash', () => {
    expect(shPathPattern('/sys/bus/pci/devices/*/driver').test('/sys/bus/pci/devices/0000:00:01.0/driver')).toBe(true);
    expect(shPathPattern('/etc/*.conf').test('/etc/a/b.conf')).toBe(false);
    expect(shPathPattern('/sys/class/tpm/tpm0/pcr-sha256/[0-9]*').test('/sys/class/tpm/tpm0/pcr-sha256/17')).toBe(true);
    expect(shPathPattern('/x/[!0-9]').test('/x/a')).toBe(true);
  });
});
