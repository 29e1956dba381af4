import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { collectEvidence } from '../../src/collect/collect';
import type { EvidenceBundle } from '../../src/collect/evidence';
import { decodeFrames } from '../../src/collect/frames';
import { LocalRunner } from '../../src/collect/local';
import type { ManifestItem } from '../../src/collect/manifest';
import { HOST_MANIFEST } from '../../src/collect/manifest';
import { compileScript, directWords, FILE_CAP, shq } from '../../src/collect/script';
import { canRun, isRoot, tempDir } from './helpers';
import { describeWithOracles } from '../helpers/oracle';

const SHELLS: string[][] = [['dash'], ['bash', '--posix']].filter(canRun);
const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];

let root: string;
const HOSTILE = '$(touch PWNED) `touch PWNED2`;\'"x';

beforeAll(() => {
  root = tempDir('vmaudit-script-');
  const w = (p: string, c: string | Buffer, mode = 0o644): void => {
    mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    writeFileSync(path.join(root, p), c);
    chmodSync(path.join(root, p), mode);
  };
  w('/etc/ok.conf', 'listen_tcp = 1\n# ünïcode\n');
  w('/etc/secret/inner.conf', 'x\n');
  chmodSync(path.join(root, 'etc/secret'), 0o700);
  w('/etc/unreadable.conf', 'root only\n', 0o600);
  execFileSync('mkfifo', [path.join(root, 'etc/fifo')]);
  symlinkSync('/dev/zero', path.join(root, 'etc/zero'));
  symlinkSync('ok.conf', path.join(root, 'etc/rel-link'));
  symlinkSync('/etc/ok.conf', path.join(root, 'etc/abs-link'));
  symlinkSync('../../../../../../etc/ok.conf', path.join(root, 'etc/dotdot-link'));
  symlinkSync('/nowhere', path.join(root, 'etc/dangling'));
  symlinkSync('loop2', path.join(root, 'etc/loop1'));
  symlinkSync('loop1', path.join(root, 'etc/loop2'));
  w('/etc/big.log', Buffer.alloc(FILE_CAP + 100, 'a'));
  w('/etc/exact.txt', Buffer.alloc(FILE_CAP, 'b'));
  w('/etc/binary.db', Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41]));
  w('/etc/binary-stat', Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41]), 0o640);
  execFileSync('mkfifo', [path.join(root, 'etc/fifo-stat')]);
  symlinkSync('/dev/zero', path.join(root, 'etc/zero-link'));
  w('/etc/nul.txt', Buffer.from('a\0b\0', 'latin1'));
  w('/etc/empty', '');
  w('/etc/plain', 'p');
  w('/etc/no-newline', 'last');
  w(`/etc/list/${HOSTILE}`, 'hostile name\n');
  w('/etc/list/with\nnewline', 'nl\n');
  w('/etc/list/.hidden', 'h\n');
  w('/etc/list/-dash', 'd\n');
  w('/etc/list/sp ace.xml', '<x/>\n');
  symlinkSync('/dev/zero', path.join(root, 'etc/list/zero.xml'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const ITEMS: ManifestItem[] = [
  { kind: 'file', path: '/etc/ok.conf', why: 't' },
  { kind: 'file', path: '/etc/missing.conf', why: 't' },
  { kind: 'file', path: '/etc/secret/inner.conf', why: 't' },
  { kind: 'file', path: '/etc/unreadable.conf', why: 't' },
  { kind: 'file', path: '/etc/fifo', why: 't' },
  { kind: 'file', path: '/etc/zero', why: 't' },
  { kind: 'file', path: '/etc/rel-link', why: 't' },
  { kind: 'file', path: '/etc/abs-link', why: 't' },
  { kind: 'file', path: '/etc/dotdot-link', why: 't' },
  { kind: 'file', path: '/etc/dangling', why: 't' },
  { kind: 'file', path: '/etc/loop1', why: 't' },
  { kind: 'file', path: '/etc/big.log', why: 't' },
  { kind: 'file', path: '/etc/exact.txt', why: 't' },
  { kind: 'file', path: '/etc/binary.db', why: 't' },
  { kind: 'file', path: '/etc/nul.txt', why: 't' },
  { kind: 'file', path: '/etc/empty', why: 't' },
  { kind: 'file', path: '/etc/no-newline', why: 't' },
  { kind: 'file', path: '/etc', why: 't' },
  { kind: 'stat', path: '/etc/binary-stat', why: 't' },
  { kind: 'stat', path: '/etc/fifo-stat', why: 't' },
  { kind: 'link', path: '/etc/zero-link', why: 't' },
  { kind: 'link', path: '/etc/plain', why: 't' },
  { kind: 'dir', path: '/etc/list', why: 't' },
  { kind: 'dir', path: '/etc/ok.conf', why: 't' },
  { kind: 'dir', path: '/etc/nodir', why: 't' },
  { kind: 'dir', path: '/etc/secret', why: 't' },
  { kind: 'glob', pattern: '/etc/list/*', read: 'file', why: 't' },
  { kind: 'glob', pattern: '/etc/nomatch/*.xml', read: 'file', why: 't' },
  { kind: 'command', id: 'echo', requires: ['printf'], script: 'printf "out\\n"; printf "err\\n" >&2; exit 3', liveOnly: false, needsRoot: false, why: 't' },
  { kind: 'command', id: 'arg', requires: [], script: 'printf "%s|" "$@"', args: ['a b', HOSTILE], liveOnly: false, needsRoot: false, why: 't' },
  { kind: 'command', id: 'binary-out', requires: [], script: 'printf "\\377\\000x"', liveOnly: false, needsRoot: false, why: 't' },
  { kind: 'command', id: 'nope', requires: ['vmaudit-no-such-program'], script: 'vmaudit-no-such-program', liveOnly: false, needsRoot: false, why: 't' },
  { kind: 'command', id: 'slow', requires: ['sleep'], script: 'sleep 30', liveOnly: false, needsRoot: false, timeoutSec: 1, why: 't' },
  { kind: 'command', id: 'live', requires: [], script: 'echo live', liveOnly: true, needsRoot: false, why: 't' },
  { kind: 'command', id: 'rootonly', requires: [], script: 'echo root', liveOnly: false, needsRoot: true, why: 't' },
  { kind: 'command', id: 'stdin', requires: ['cat'], script: 'cat', liveOnly: false, needsRoot: false, why: 'must see /dev/null, not the script' },
  { kind: 'command', id: 'each', requires: [], each: `printf '%s\\n' one 'two words' -x ${shq(HOSTILE)}`, script: 'printf "<%s>" "$1"', liveOnly: false, needsRoot: false, why: 't' },
];

async function collect(shell: string[], live = false): Promise<EvidenceBundle> {
  return collectEvidence(new LocalRunner({ shell }), { kind: 'host', root: live ? undefined : root, live, name: 't', items: ITEMS });
}

describe.each(SHELLS.map((s) => [s.join(' '), s]))('collection script under %s', (_label, shell) => {
  let b: EvidenceBundle;
  beforeAll(async () => {
    b = await collect(shell as string[]);
  });

  it('reads regular files with their stat data', () => {
    const f = b.files['/etc/ok.conf'];
    expect(f).toMatchObject({ state: 'ok', content: 'listen_tcp = 1\n# ünïcode\n', mode: 0o100644, size: 27 });
    expect(b.files['/etc/empty']).toMatchObject({ state: 'ok', content: '' });
    expect(b.files['/etc/no-newline']).toMatchObject({ state: 'ok', content: 'last' });
    expect(b.files['/etc/nul.txt']).toMatchObject({ state: 'ok', content: 'a\0b\0' });
  });

  it('records missing files, and never reads FIFOs, devices or directories', () => {
    expect(b.files['/etc/missing.conf'].state).toBe('missing');
    expect(b.files['/etc/fifo']).toMatchObject({ state: 'not-regular', mode: 0o010644 });
    expect(b.files['/etc/fifo'].content).toBeUndefined();
    expect(b.files['/etc'].state).toBe('not-regular');
    expect(b.files['/etc/dangling']).toMatchObject({ state: 'missing', linkTarget: '/nowhere' });
    expect(b.files['/etc/loop1'].state).toBe('error');
    expect(b.files['/etc/loop1'].error).toMatch(/symbolic links/);
  });

  it('resolves symlinks inside the root: absolute targets are re-rooted, .. cannot climb out', () => {
    // /etc/zero -> /dev/zero means the target's /dev/zero, which this root does not have
    expect(b.files['/etc/zero']).toMatchObject({ state: 'missing', linkTarget: '/dev/zero' });
    expect(b.files['/etc/rel-link']).toMatchObject({ state: 'ok', linkTarget: 'ok.conf', content: expect.stringContaining('listen_tcp') });
    expect(b.files['/etc/abs-link']).toMatchObject({ state: 'ok', linkTarget: '/etc/ok.conf', content: expect.stringContaining('listen_tcp') });
    expect(b.files['/etc/dotdot-link']).toMatchObject({ state: 'ok', content: expect.stringContaining('listen_tcp') });
  });

  it('caps files at 4 MiB and reports too-large; the tail of logs when asked', () => {
    const exact = b.files['/etc/exact.txt'];
    expect(exact.state).toBe('ok');
    expect(exact.content).toHaveLength(FILE_CAP);
    const big = b.files['/etc/big.log'];
    expect(big).toMatchObject({ state: 'too-large', truncated: true, size: FILE_CAP + 100 });
    expect(big.content).toHaveLength(FILE_CAP);
  });

  it('does not keep binary content, but keeps its stat; stat items never read', () => {
    expect(b.files['/etc/binary.db']).toMatchObject({ state: 'error', error: expect.stringMatching(/binary/), size: 5 });
    expect(b.files['/etc/binary.db'].content).toBeUndefined();
    expect(b.files['/etc/binary-stat']).toMatchObject({ state: 'ok', size: 5, mode: 0o100640 });
    expect(b.files['/etc/binary-stat'].content).toBeUndefined();
    expect(b.files['/etc/fifo-stat']).toMatchObject({ state: 'ok', mode: 0o010644 });
  });

  it('lists directories with hostile names intact', () => {
    expect(b.dirs['/etc/list']).toMatchObject({ state: 'ok' });
    expect(b.dirs['/etc/list'].entries).toEqual(['-dash', '.hidden', HOSTILE, 'sp ace.xml', 'with\nnewline', 'zero.xml'].sort());
    expect(b.dirs['/etc/ok.conf'].state).toBe('not-regular');
    expect(b.dirs['/etc/nodir'].state).toBe('missing');
  });

  it('expands globs without evaluating file names as code', () => {
    expect(b.files[`/etc/list/${HOSTILE}`]).toMatchObject({ state: 'ok', content: 'hostile name\n' });
    expect(b.files['/etc/list/with\nnewline']).toMatchObject({ state: 'ok', content: 'nl\n' });
    expect(b.files['/etc/list/zero.xml']).toMatchObject({ state: 'missing', linkTarget: '/dev/zero' });
    expect(Object.keys(b.files).some((k) => k.startsWith('/etc/nomatch'))).toBe(false);
    expect(existsSync('PWNED') || existsSync(path.join(root, 'PWNED')) || existsSync('PWNED2')).toBe(false);
  });

  it('links: readlink without following', () => {
    expect(b.files['/etc/zero-link']).toMatchObject({ state: 'ok', linkTarget: '/dev/zero', mode: 0o120777 });
    expect(b.files['/etc/plain']).toMatchObject({ state: 'ok', mode: 0o100644 });
    expect(b.files['/etc/plain'].linkTarget).toBeUndefined();
  });

  it('commands: stdout, stderr and exit status separately; data only as arguments', () => {
    expect(b.commands.echo).toMatchObject({ state: 'ok', exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
    expect(b.commands.arg).toMatchObject({ state: 'ok', exitCode: 0, stdout: `a b|${HOSTILE}|` });
    expect(b.commands['binary-out']).toMatchObject({ state: 'ok', exitCode: 0 });
    expect(b.commands.nope).toMatchObject({ state: 'not-found' });
    expect(b.commands.slow).toMatchObject({ state: 'timeout' });
    expect(b.commands.live).toMatchObject({ state: 'not-applicable' });
    expect(b.commands.stdin).toMatchObject({ state: 'ok', exitCode: 0, stdout: '' });
    expect(b.commands.each).toMatchObject({ state: 'ok', stdout: `one\ntwo words\n-x\n${HOSTILE}` });
    expect(b.commands['each:two words']).toMatchObject({ state: 'ok', stdout: '<two words>' });
    expect(b.commands['each:-x']).toMatchObject({ state: 'ok', stdout: '<-x>' });
    expect(b.commands[`each:${HOSTILE}`]).toMatchObject({ state: 'ok', stdout: `<${HOSTILE}>` });
  });

  it('runs root-only commands only as root', () => {
    expect(b.commands.rootonly.state).toBe(isRoot ? 'ok' : 'denied');
    expect(b.privileged).toBe(isRoot);
  });
});

describe('live mode (no root prefix): symlinks are followed by the kernel', () => {
  it('a symlink to /dev/zero is stat-ed, reported not-regular and never read', async () => {
    const items: ManifestItem[] = [
      { kind: 'file', path: path.join(root, 'etc/zero'), why: 't' },
      { kind: 'file', path: path.join(root, 'etc/big.log'), fromEnd: true, why: 't' },
      { kind: 'command', id: 'live', requires: [], script: 'echo live', liveOnly: true, needsRoot: false, why: 't' },
    ];
    const b = await collectEvidence(new LocalRunner({ shell: SHELLS[0] }), { kind: 'host', live: true, name: 't', items });
    expect(b.files[path.join(root, 'etc/zero')]).toMatchObject({ state: 'not-regular', linkTarget: '/dev/zero', mode: 0o020666 });
    const tail = b.files[path.join(root, 'etc/big.log')];
    expect(tail).toMatchObject({ state: 'too-large', truncated: true });
    expect(tail.content).toHaveLength(FILE_CAP);
    expect(b.commands.live).toMatchObject({ state: 'ok', stdout: 'live\n' });
  });
});

const asNobody = isRoot && canRun([...NOBODY, 'sh']);
(asNobody ? describe : describe.skip)('as an unprivileged user (setpriv nobody)', () => {
  it('reports denied for unreadable files and directories', async () => {
    const b = await collect([...NOBODY, SHELLS[0][0]]);
    expect(b.privileged).toBe(false);
    expect(b.files['/etc/secret/inner.conf'].state).toBe('denied');
    expect(b.files['/etc/unreadable.conf']).toMatchObject({ state: 'denied', mode: 0o100600 });
    expect(b.files['/etc/unreadable.conf'].content).toBeUndefined();
    expect(b.dirs['/etc/secret'].state).toBe('denied');
    expect(b.commands.rootonly.state).toBe('denied');
    expect(b.files['/etc/ok.conf'].state).toBe('ok');
  });
});

describe('the compiled script', () => {
  const { script } = compileScript(HOST_MANIFEST);

  it('never redirects output into a file', () => {
    const targets = [...script.matchAll(/>(\S*)/g)].map((m) => m[1]);
    expect(targets.length).toBeGreaterThan(10);
    for (const t of targets) expect(t).toMatch(/^(&\d|&-|\/dev\/null)/);
    expect(script).not.toMatch(/\b(mktemp|tee|touch|mkdir|rm|mv|cp|chmod|chown|dd)\b/);
  });

  it('is valid sh for dash and bash --posix (syntax check)', () => {
    for (const s of SHELLS) execFileSync(s[0], [...s.slice(1), '-n'], { input: script });
  });

  it('quotes constants with one helper', () => {
    expect(shq("a'b")).toBe(`'a'\\''b'`);
    expect(execFileSync('sh', ['-c', `printf %s ${shq(HOSTILE)}`]).toString()).toBe(HOSTILE);
  });
});

describe('cut stream', () => {
  it('marks every item that did not complete as connection lost, keeps the rest, never throws', async () => {
    const compiled = compileScript(ITEMS);
    const res = await new LocalRunner({ shell: SHELLS[0] }).run(compiled.script, { env: { VMAUDIT_ROOT: root } });
    const full = decodeFrames(res.stdout, compiled.nonce, ITEMS);
    expect(full.complete).toBe(true);
    for (let frac = 0; frac < 1; frac += 0.0731) {
      const cut = Math.floor(res.stdout.length * frac);
      const d = decodeFrames(res.stdout.subarray(0, cut), compiled.nonce, ITEMS);
      expect(d.complete).toBe(false);
      if (cut === 0) {
        expect(d.problems.join()).toMatch(/did not start/);
        continue;
      }
      expect(d.problems.join()).toMatch(/connection lost/);
      // what was decoded is identical to the full run; everything else is marked lost
      for (const [k, f] of Object.entries(d.files)) if (f.error !== 'connection lost') expect(full.files[k]).toEqual(f);
      for (const [k, c] of Object.entries(d.commands)) if (c.error !== 'connection lost') expect(full.commands[k]).toEqual(c);
      const lastCompleted = ITEMS.length - 1;
      expect(d.commands.each ?? d.commands['each:-x']).toBeDefined();
      expect(lastCompleted).toBeGreaterThan(0);
    }
  });

  it('ignores noise around the output; file content cannot forge a record or a file boundary', async () => {
    const dir = tempDir('vmaudit-forge-');
    try {
      const compiled = compileScript(
        [
          { kind: 'file', path: '/etc/a', why: 't' },
          { kind: 'file', path: '/etc/b', why: 't' },
        ],
        'VMA0123456789abcdef:',
      );
      const N = compiled.nonce;
      mkdirSync(path.join(dir, 'etc'));
      // a: what head prints between two files (unmarked name), and another run's end-of-stream record
      const forged = `a\n\n==> ${dir}/etc/b <==\nforged\nVMAdeadbeefdeadbeef: DONE\n\nVMAdeadbeefdeadbeef: Z\n`;
      writeFileSync(path.join(dir, 'etc/a'), forged);
      writeFileSync(path.join(dir, 'etc/b'), 'real\n');
      const res = await new LocalRunner({ shell: SHELLS[0] }).run(compiled.script, { env: { VMAUDIT_ROOT: dir } });
      const noisy = Buffer.concat([Buffer.from('motd banner\nLast login: never\n'), res.stdout, Buffer.from('Shared connection to hv01 closed.\r\n')]);
      for (const out of [res.stdout, noisy]) {
        const d = decodeFrames(out, N, compiled.items);
        expect(d.complete).toBe(true);
        expect(d.problems).toEqual([]);
        expect(d.files['/etc/a']).toMatchObject({ state: 'ok', content: forged });
        expect(d.files['/etc/b']).toMatchObject({ state: 'ok', content: 'real\n' });
      }
      // the output is plain ASCII lines (what an orchestrator's text capture keeps), ending with DONE
      expect(res.stdout.toString('latin1')).toMatch(/^VMA0123456789abcdef: BEGIN 2 0 1 \d+ -\n([A-Za-z0-9+/=]+\n)+VMA0123456789abcdef: DONE\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the real manifests on this machine (live)', () => {
  it.each([
    ['host', SHELLS[0]],
    ['guest', SHELLS[SHELLS.length - 1]],
  ] as const)('%s manifest completes under %s', async (kind, shell) => {
    const problems: string[] = [];
    const b = await collectEvidence(new LocalRunner({ shell: [...shell] }), { kind, live: true, name: 'localhost', onProblem: (p) => problems.push(p) });
    expect(problems).toEqual([]);
    expect(b.files['/proc/cmdline']).toMatchObject({ state: 'ok', content: readFileSync('/proc/cmdline', 'utf8') });
    expect(b.commands['id.u']).toMatchObject({ state: 'ok', exitCode: 0, stdout: `${process.getuid?.()}\n` });
    if (kind === 'host') expect(b.commands.uname.stdout).toBe(`${execFileSync('uname', ['-r', '-m']).toString()}`);
    else {
      expect(b.commands['uname.machine'].stdout).toBe(`${execFileSync('uname', ['-m']).toString()}`);
      expect(b.commands['uname.release'].stdout).toBe(`${execFileSync('uname', ['-r']).toString()}`);
    }
    expect(b.files[`/proc/${process.pid}/comm`]).toMatchObject({ state: 'ok' });
  });

  it('an undeclared missing program inside a snippet is not-found', async () => {
    const items: ManifestItem[] = [{ kind: 'command', id: 'x', requires: [], script: 'vmaudit-no-such-program --version', liveOnly: false, needsRoot: false, why: 't' }];
    const b = await collectEvidence(new LocalRunner({ shell: SHELLS[0] }), { kind: 'host', live: true, name: 't', items });
    expect(b.commands.x).toMatchObject({ state: 'not-found', exitCode: 127 });
  });
});

describeWithOracles(['virsh'], 'one virsh process for every domain (virshBatch), the same evidence as one per domain', () => {
  const names = ['test', "no'pe $(touch PWNED)", 'test', ' spaced ', 'missing'];
  const each = `printf '%s\\n' ${names.map(shq).join(' ')}`;
  const perDomain: ManifestItem = { kind: 'command', id: 'one', requires: ['virsh'], each, script: 'virsh -c test:///default dumpxml --security-info -- "$1"', liveOnly: false, needsRoot: false, why: 't' };
  const batched: ManifestItem = { ...perDomain, id: 'batch', virshBatch: { uri: 'test:///default', before: ['dumpxml', '--security-info', '--'] } };

  it('per-domain stdout, exit status and stderr are those of separate virsh runs; one virsh process in all', async () => {
    const b = await collectEvidence(new LocalRunner({ shell: SHELLS[0] }), { kind: 'host', live: false, name: 't', items: [perDomain, batched] });
    for (const n of names) {
      const one = b.commands[`one:${n}`];
      const batch = b.commands[`batch:${n}`];
      expect(one).toBeDefined();
      expect({ ...batch, id: '' }).toEqual({ ...one, id: '' });
    }
    expect(b.commands['batch:test']).toMatchObject({ state: 'ok', exitCode: 0, stdout: expect.stringContaining("<domain type='test'") });
    expect(b.commands['batch:missing']).toMatchObject({ state: 'ok', exitCode: 1, stderr: expect.stringContaining("'missing'") });
    expect(existsSync('PWNED')).toBe(false);
    // the compiled item runs virsh once, whatever the number of subjects
    const code = compileScript([batched]).script;
    expect(code).toMatch(/_V 'batch' /);
    expect(code.split('\n').filter((l) => /^_V /.test(l))).toHaveLength(1);
  });
});

describe('directWords: a snippet that is one simple command runs without sh -c', () => {
  it('maps constants and "$n" of a declared program; anything else stays a snippet', () => {
    expect(directWords('sasldblistusers2 -f "$1"', ['"$SASLDB"'], ['sasldblistusers2'])).toEqual(["'sasldblistusers2'", "'-f'", '"$SASLDB"']);
    expect(directWords('virsh -c qemu:///system list --all --name', [], ['virsh'])).toEqual(["'virsh'", "'-c'", "'qemu:///system'", "'list'", "'--all'", "'--name'"]);
    expect(directWords("qemu-ga -b '?'", [], ['qemu-ga'])).toBeUndefined();
    expect(directWords('command -v swtpm', [], [])).toBeUndefined(); // a builtin
    expect(directWords('x "$2"', ['a'], ['x'])).toBeUndefined();
  });
});

describe('process comm read by the shell itself (no process and no batch argument per pid)', () => {
  it('keeps comm exactly (newline or not, several lines) and reads the files of matching processes', async () => {
    const r = tempDir('vmaudit-procs-');
    try {
      const w = (p: string, c: string): void => {
        mkdirSync(path.dirname(path.join(r, p)), { recursive: true });
        writeFileSync(path.join(r, p), c);
      };
      w('proc/1/comm', 'qemu-kvm\n');
      w('proc/1/cmdline', '/usr/bin/qemu-kvm\0-name\0guest=web01\0');
      w('proc/2/comm', 'two\nlines\n');
      w('proc/3/comm', 'no-newline');
      w('proc/4/comm', '');
      w('proc/5/comm', 'back\\slash  spaced \n');
      const items: ManifestItem[] = [{ kind: 'procs', comms: ['qemu*'], files: ['cmdline'], why: 't' }];
      const b = await collectEvidence(new LocalRunner({ shell: SHELLS[0] }), { kind: 'host', root: r, live: false, name: 't', items });
      expect(b.files['/proc/1/comm']).toMatchObject({ state: 'ok', content: 'qemu-kvm\n', mode: 0o100644 });
      expect(b.files['/proc/2/comm']).toMatchObject({ state: 'ok', content: 'two\nlines\n' });
      expect(b.files['/proc/3/comm']).toMatchObject({ state: 'ok', content: 'no-newline' });
      expect(b.files['/proc/4/comm']).toMatchObject({ state: 'ok', content: '' });
      expect(b.files['/proc/5/comm']).toMatchObject({ state: 'ok', content: 'back\\slash  spaced \n' });
      expect(b.files['/proc/1/cmdline']).toMatchObject({ state: 'ok', content: '/usr/bin/qemu-kvm\0-name\0guest=web01\0' });
      expect(b.files['/proc/2/cmdline']).toBeUndefined();
    } finally {
      rmSync(r, { recursive: true, force: true });
    }
  });
});
