import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { collectEvidence } from '../../src/collect/collect';
import type { EvidenceBundle } from '../../src/collect/evidence';
import { LocalRunner } from '../../src/collect/local';
import type { ManifestItem } from '../../src/collect/manifest';
import { HOST_MANIFEST } from '../../src/collect/manifest';
import { compileScript } from '../../src/collect/script';
import { serializeSnapshot } from '../../src/collect/snapshot';
import { describeWithOracles, hasTool } from '../helpers/oracle';
import { canRun, isRoot, tempDir } from './helpers';

/**
 * `--root` confinement (issue 15): the collection script resolves every path, glob and link inside the root as
 * chroot / openat2(RESOLVE_IN_ROOT) would, and runs commands only on paths proven inside it. A corpus of escaping
 * layouts is generated here under a temp dir, next to an "outside" directory standing for the auditor's own files
 * (canary contents, a real SASL database with another user). Every absolute link in the roots points at that outside
 * directory's real path (or at real system paths: /proc, /sys, /etc/shadow), so a collector that followed it on the
 * auditor's filesystem would put the canaries in the snapshot. The re-rooted copies (ROOT + that path) hold the
 * image's own content, which must be what is collected.
 *
 * The strace test runs the same collections under `strace -f -e trace=%file` and checks every path the shell and
 * the programs it runs touch: resolved as the kernel resolves it (symlinks followed from the real /), it must stay in
 * the root unless it is on a short allowlist of the auditor's own program files (see ALLOWED).
 */

const CANARY = 'AUDITOR-CANARY';
const SHELLS: string[][] = [['dash'], ['bash', '--posix']].filter(canRun);
const sasl = hasTool('saslpasswd2') && hasTool('sasldblistusers2');

let tmp: string;
let OUT: string;
const roots: Record<string, string> = {};

/** A layout: files (content, or null for a FIFO) and symlinks, relative to its root. */
interface Layout {
  files?: Record<string, string | null>;
  links?: Record<string, string>;
  sasldb?: Record<string, string>;
}

function build(dir: string, l: Layout): void {
  mkdirSync(dir, { recursive: true });
  const at = (p: string): string => {
    const abs = path.join(dir, p);
    mkdirSync(path.dirname(abs), { recursive: true });
    return abs;
  };
  for (const [p, c] of Object.entries(l.files ?? {})) {
    if (c === null) execFileSync('mkfifo', [at(p)]);
    else writeFileSync(at(p), c);
  }
  for (const [p, t] of Object.entries(l.links ?? {})) symlinkSync(t, at(p));
  for (const [p, user] of Object.entries(l.sasldb ?? {})) {
    execFileSync('saslpasswd2', ['-p', '-c', '-f', at(p), '-a', 'libvirt', user], { input: 'secret\n' });
    chmodSync(at(p), 0o640);
  }
}

/** `../` enough times to climb from any path in a root to / and beyond. */
const UP = '../'.repeat(24);

beforeAll(() => {
  tmp = realpathSync(tempDir('vmaudit-confine-'));
  OUT = path.join(tmp, 'outside');
  // The auditor's own files, reachable through the roots' links if they were followed outside the roots.
  build(OUT, {
    files: {
      'qemu/auditor.xml': `<domain type='kvm'><name>${CANARY}</name></domain>\n`,
      'libvirtd.conf': `# ${CANARY}\nauth_tcp = "none"\n`,
      'group': `${CANARY}:x:0:\n`,
      'pki/auditor-cert.pem': CANARY,
      'units/virtqemud.socket': `# ${CANARY}\n`,
    },
    links: { 'qemu/autostart/auditor.xml': path.join(OUT, 'qemu/auditor.xml') },
    ...(sasl ? { sasldb: { sasldb2: 'auditoruser' } } : {}),
  });

  // A: directory links (absolute and ../..), chains, loops, /proc and /sys escapes, links to /etc/shadow, a FIFO,
  // the SASL db path climbing out with `..`.
  roots.A = path.join(tmp, 'A');
  build(roots.A, {
    files: {
      [`${OUT}/qemu/image.xml`]: "<domain type='kvm'><name>IMAGE-DOMAIN</name></domain>\n",
      [`${OUT}/qemu/fifo.xml`]: null,
      [`${OUT}/libvirtd.conf`]: 'listen_tls = 0 # IMAGE-LIBVIRTD\n',
      [`${OUT}/pki/servercert.pem`]: 'IMAGE-CERT',
      'etc/libvirt/real-qemu.conf': 'security_driver = "selinux" # IMAGE-QEMU-CONF\n',
      'lib/systemd/system/libvirtd.service': '[Service]\n# IMAGE-UNIT\n',
      'etc/sasl2/libvirt.conf': `mech_list: scram-sha-256\nsasldb_path: /../../..${OUT}/sasldb2\n`,
    },
    links: {
      'etc/libvirt/qemu': `${OUT}/qemu`,
      [`${OUT}/qemu/autostart/image.xml`]: `${OUT}/qemu/image.xml`,
      'etc/libvirt/libvirtd.conf': `${UP}..${OUT}/libvirtd.conf`,
      'etc/libvirt/qemu.conf': '/chain/1',
      'chain/1': '../chain/2',
      'chain/2': '/etc/libvirt/real-qemu.conf',
      'etc/libvirt/virtqemud.conf': 'virtqemud.conf',
      'etc/libvirt/virtproxyd.conf': '/etc/libvirt/loop-a',
      'etc/libvirt/loop-a': 'loop-b',
      'etc/libvirt/loop-b': '/etc/libvirt/loop-a',
      'etc/libvirt/swtpm-localca.conf': '/proc/self/environ',
      proc: '/proc',
      sys: `${UP}sys`,
      'etc/passwd': '/etc/shadow',
      'etc/group': `${OUT}/group`,
      'etc/krb5.keytab': '/etc/shadow',
      'etc/pki/libvirt': `${OUT}/pki`,
      'usr/lib/systemd/system': '/lib/systemd/system',
      'etc/systemd/system': `${UP}${OUT.slice(1)}/units`,
    },
  });
  // B: the SASL db is an absolute symlink to a file; its re-rooted target is the image's own database.
  roots.B = path.join(tmp, 'B');
  build(roots.B, {
    files: { 'etc/sasl2/libvirt.conf': 'mech_list: scram-sha-256\nsasldb_path: /etc/libvirt/passwd.db\n' },
    links: { 'etc/libvirt/passwd.db': `${OUT}/sasldb2` },
    ...(sasl ? { sasldb: { [`${OUT}/sasldb2`]: 'imageuser' } } : {}),
  });
  // C: the SASL db's directory is a ../.. symlink leaving the root; nothing there inside the root.
  roots.C = path.join(tmp, 'C');
  build(roots.C, {
    files: { 'etc/sasl2/libvirt.conf': 'mech_list: scram-sha-256\nsasldb_path: /var/lib/sasl/sasldb2\n' },
    links: { 'var/lib/sasl': `${UP}..${OUT}` },
  });
  // D: FIFOs where a config and the SASL db are expected.
  roots.D = path.join(tmp, 'D');
  build(roots.D, { files: { 'etc/sasl2/libvirt.conf': null, 'etc/sasldb2': null, 'etc/libvirt/libvirtd.conf': null } });
  // E: a SASL db path ending in '..' (the root's parent, if '..' were not stopped at the root).
  roots.E = path.join(tmp, 'E');
  build(roots.E, { files: { 'etc/sasl2/libvirt.conf': 'sasldb_path: /etc/..\n' } });
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function collect(root: string, shell: string[] = ['sh'], items: readonly ManifestItem[] = HOST_MANIFEST): Promise<{ b: EvidenceBundle; ms: number }> {
  const t0 = Date.now();
  const b = await collectEvidence(new LocalRunner({ shell }), { kind: 'host', root, live: false, name: 't', items, fixtureMeta: '', timeoutMs: 120_000 });
  return { b, ms: Date.now() - t0 };
}

/** Nothing of the auditor's outside directory, processes or system files in a snapshot. */
function expectNothingFromOutside(b: EvidenceBundle): void {
  const text = serializeSnapshot(b);
  expect(text).not.toContain(CANARY);
  expect(text).not.toContain('auditoruser');
  for (const k of [...Object.keys(b.files), ...Object.keys(b.dirs)]) expect(k).not.toMatch(/^\/proc\/\d+\//);
}

describe.each(SHELLS.map((s) => [s.join(' '), s]))('escaping layouts under %s', (_label, shell) => {
  const got: Record<string, { b: EvidenceBundle; ms: number }> = {};
  beforeAll(async () => {
    for (const name of ['A', 'B', 'C', 'D', 'E']) got[name] = await collect(roots[name], shell as string[]);
  }, 300_000);

  it('collects the image domains behind an absolute directory link, from inside the root', () => {
    const { b } = got.A;
    expect(b.dirs['/etc/libvirt/qemu']).toMatchObject({ state: 'ok', linkTarget: `${OUT}/qemu`, entries: ['autostart', 'fifo.xml', 'image.xml'] });
    expect(b.files['/etc/libvirt/qemu/image.xml']).toMatchObject({ state: 'ok', content: expect.stringContaining('IMAGE-DOMAIN') });
    expect(b.files['/etc/libvirt/qemu/fifo.xml'].state).toBe('not-regular');
    expect(b.files['/etc/libvirt/qemu/auditor.xml']).toBeUndefined();
    // autostart links are read, never followed: the auditor's own autostart entry is not listed
    expect(b.files['/etc/libvirt/qemu/autostart/image.xml']).toMatchObject({ state: 'ok', linkTarget: `${OUT}/qemu/image.xml`, mode: 0o120777 });
    expect(Object.keys(b.files).filter((k) => k.startsWith('/etc/libvirt/qemu/'))).toEqual(
      expect.arrayContaining(['/etc/libvirt/qemu/image.xml', '/etc/libvirt/qemu/fifo.xml', '/etc/libvirt/qemu/autostart/image.xml']),
    );
    expect(Object.keys(b.files).filter((k) => k.startsWith('/etc/libvirt/qemu/'))).toHaveLength(3);
  });

  it('re-roots ../.. links, link chains and globs over linked directories', () => {
    const { b } = got.A;
    expect(b.files['/etc/libvirt/libvirtd.conf']).toMatchObject({ state: 'ok', content: expect.stringContaining('IMAGE-LIBVIRTD') });
    expect(b.files['/etc/libvirt/qemu.conf']).toMatchObject({ state: 'ok', linkTarget: '/chain/1', content: expect.stringContaining('IMAGE-QEMU-CONF') });
    expect(b.files['/etc/pki/libvirt/servercert.pem']).toMatchObject({ state: 'ok', size: 10 });
    expect(b.files['/etc/pki/libvirt/auditor-cert.pem']).toBeUndefined();
    // /usr/lib/systemd/system -> /lib/systemd/system: this machine's own units must not appear, the image's do
    const units = Object.keys(b.files).filter((k) => /^\/(usr\/)?lib\/systemd\/system\//.test(k));
    expect(units.sort()).toEqual(['/lib/systemd/system/libvirtd.service', '/usr/lib/systemd/system/libvirtd.service']);
    expect(b.files['/usr/lib/systemd/system/libvirtd.service'].content).toContain('IMAGE-UNIT');
    // /etc/systemd/system -> ../../<outside>/units: re-rooted, the root has nothing there
    expect(Object.keys(b.files).filter((k) => k.startsWith('/etc/systemd/system/'))).toEqual([]);
  });

  it('stops at link loops, and never follows links to /etc/shadow, /proc or /sys out of the root', () => {
    const { b } = got.A;
    for (const p of ['/etc/libvirt/virtqemud.conf', '/etc/libvirt/virtproxyd.conf', '/proc/cmdline', '/proc/meminfo', '/etc/libvirt/swtpm-localca.conf']) {
      expect(b.files[p]).toMatchObject({ state: 'error', error: expect.stringMatching(/Too many levels of symbolic links/) });
    }
    expect(b.files['/etc/passwd']).toMatchObject({ state: 'missing', linkTarget: '/etc/shadow' });
    expect(b.files['/etc/passwd'].content).toBeUndefined();
    expect(b.files['/etc/group'].state).toBe('missing');
    expect(b.files['/etc/krb5.keytab']).toMatchObject({ state: 'missing' });
    expect(b.files['/sys/kernel/mm/transparent_hugepage/enabled'].state).toBe('error');
    expect(b.dirs['/sys/kernel/mm/hugepages'].state).toBe('error');
    // no process of the auditor: the root's /proc is a loop
    expect(Object.keys(b.files).filter((k) => k.startsWith('/proc/')).sort()).toEqual(['/proc/cmdline', '/proc/meminfo', '/proc/mounts']);
  });

  it('never runs sasldblistusers2 on a database that is not the root\'s, and says why', () => {
    // A: sasldb_path climbs out with '..': re-rooted, the root has no such file
    expect(got.A.b.commands.sasldblistusers2).toMatchObject({ state: isRoot ? 'error' : 'denied' });
    if (isRoot) expect(got.A.b.commands.sasldblistusers2.error).toBe(`/../../..${OUT}/sasldb2: missing; not run`);
    expect(got.A.b.files[`/../../..${OUT}/sasldb2`].state).toBe('missing');
    // C: a ../.. directory link on the way: same
    expect(got.C.b.commands.sasldblistusers2).toMatchObject({ state: isRoot ? 'error' : 'denied' });
    // D: FIFOs are never opened (no hang) and the command does not run on one
    expect(got.D.b.files['/etc/sasl2/libvirt.conf'].state).toBe('not-regular');
    expect(got.D.b.files['/etc/libvirt/libvirtd.conf'].state).toBe('not-regular');
    expect(got.D.b.files['/etc/sasldb2'].state).toBe('ok');
    if (isRoot) expect(got.D.b.commands.sasldblistusers2).toMatchObject({ state: 'error', error: '/etc/sasldb2: not a regular file; not run' });
    // E: /etc/.. is the root itself, a directory
    if (isRoot) expect(got.E.b.commands.sasldblistusers2).toMatchObject({ state: 'error', error: '/etc/..: not a regular file; not run' });
    expect(got.E.b.files['/etc/..']).toMatchObject({ state: 'ok', mode: expect.any(Number) });
    expect((got.E.b.files['/etc/..'].mode ?? 0) & 0o170000).toBe(0o040000);
  });

  (sasl && isRoot ? it : it.skip)('runs sasldblistusers2 on the image database behind an absolute link (re-rooted)', () => {
    const { b } = got.B;
    expect(b.commands.sasldblistusers2).toMatchObject({ state: 'ok', exitCode: 0, stdout: 'imageuser@vm: userPassword\n' });
    expect(b.files['/etc/libvirt/passwd.db']).toMatchObject({ state: 'ok', mode: 0o100640 });
  });

  it('no canary, no auditor process, no hang in any layout', () => {
    for (const name of Object.keys(got)) {
      expectNothingFromOutside(got[name].b);
      // each takes about a second; a command or read blocked on a FIFO would wait for its 20 s time limit
      expect(got[name].ms).toBeLessThan(15_000);
    }
  });
});

describe('path resolution edge cases', () => {
  it('a link target ending in a newline names that file, not its trimmed name', async () => {
    const r = path.join(tmp, 'nl');
    build(r, { files: { 'etc/a.conf': 'TRIMMED\n', 'etc/a.conf\n': 'EXACT\n' }, links: { 'etc/l.conf': 'a.conf\n' } });
    const { b } = await collect(r, ['sh'], [{ kind: 'file', path: '/etc/l.conf', why: 't' }]);
    expect(b.files['/etc/l.conf']).toMatchObject({ state: 'ok', linkTarget: 'a.conf\n', content: 'EXACT\n' });
  });

  it("'..' is looked up where the kernel looks it up: in a directory, never above the root", async () => {
    const r = path.join(tmp, 'dotdot');
    build(r, { files: { 'etc/a.conf': 'A\n' }, links: { 'etc/up': '../../../..' } });
    const items: ManifestItem[] = ['/etc/../etc/a.conf', '/etc/a.conf/../a.conf', '/etc/nodir/../a.conf', '/../../etc/a.conf', '/etc/up/etc/a.conf'].map((p) => ({ kind: 'file', path: p, why: 't' }));
    const { b } = await collect(r, ['sh'], items);
    // as cat(1) on the same paths from / would see them on a real root
    for (const p of ['/etc/../etc/a.conf', '/../../etc/a.conf', '/etc/up/etc/a.conf']) expect(b.files[p]).toMatchObject({ state: 'ok', content: 'A\n' });
    expect(b.files['/etc/a.conf/../a.conf']).toMatchObject({ state: 'missing' });
    expect(b.files['/etc/nodir/../a.conf']).toMatchObject({ state: 'missing' });
  });

  it('_inroot proves a path inside the root by its physical path, and refuses one outside', () => {
    const r = path.join(tmp, 'A');
    const alias = path.join(tmp, 'A-alias');
    symlinkSync(r, alias);
    const script = compileScript([], 'VMA00000000:').script.replace(
      `printf '%s DONE\\n' "$N"`,
      [
        'for _t in "$R/etc/libvirt/real-qemu.conf" "$R/etc/sasl2" "$R/etc/libvirt/qemu/x" "$R/../B/etc/sasl2/libvirt.conf" "$R/etc/passwd" /etc/passwd; do',
        '  if _inroot; then echo "IN $_t"; else echo "OUT $_t"; fi',
        'done',
      ].join('\n'),
    );
    const run = (root: string): string[] =>
      execFileSync('sh', [], { input: script, env: { ...process.env, VMAUDIT_ROOT: root } })
        .toString()
        .split('\n')
        .filter((l) => /^(IN|OUT) /.test(l))
        .map((l) => l.split(' ')[0]);
    // real-qemu.conf and sasl2 are in the root; qemu/x is under a link leaving it; ../B is a sibling; etc/passwd is a link
    expect(run(r)).toEqual(['IN', 'IN', 'OUT', 'OUT', 'OUT', 'OUT']);
    // a root given through a symlink is the same root
    expect(run(alias)).toEqual(['IN', 'IN', 'OUT', 'OUT', 'OUT', 'OUT']);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// strace: every path touched, resolved as the kernel resolves it, stays inside the root (or is on ALLOWED).

/**
 * Paths outside the root that the collection may touch, all of them the auditor's own programs, never target data:
 * - the dynamic loader of every program (ld.so.preload check, ld.so.cache, shared libraries);
 * - the shell's PATH search and exec of the tools (PATH is /usr/sbin:/usr/bin:/sbin:/bin here);
 * - /dev/null (redirections);
 * - the shell's start-up check that $PWD names its working directory (newfstatat of "." and of the cwd);
 * - libselinux's constructor in coreutils `stat` and `id` (is SELinux enabled on the auditor's kernel?);
 * - sasldblistusers2's own Cyrus SASL configuration and plugin directory, and what libdb/libcrypto probe at start
 *   (/dev/urandom, the online CPU list, the temp directory).
 */
interface Touch {
  pid: string;
  exe: string;
  syscall: string;
  path: string;
  follow: boolean;
  write: boolean;
  line: string;
}

const LIB = /^\/(usr\/)?lib(32|64)?\/([a-z0-9_]+-linux-gnu[a-z0-9]*\/)?(glibc-hwcaps\/[^/]+\/)?[^/]+\.so(\.[0-9]+)*$/;
const BIN = /^\/(usr\/)?s?bin\/[^/]+$/;
const SELINUX_PROBES = new Set(['/proc/filesystems', '/sys/fs/selinux', '/selinux', '/etc/selinux/config']);
const SASL_OWN = /^(\/etc\/sasl2?\/sasldblistusers\.conf|\/usr\/lib\/sasl2\/sasldblistusers\.conf|\/usr\/lib\/([a-z0-9_]+-linux-gnu\/)?sasl2(\/[^/]+\.(so|conf))?)$/;
const SASL_RUNTIME = new Set(['/dev/urandom', '/sys/devices/system/cpu/online', '/var/tmp']);

function allowed(t: Touch, cwd: string): boolean {
  const p = t.path;
  if (p === '/dev/null') return true;
  if (t.write) return false;
  if ((t.syscall === 'access' && p === '/etc/ld.so.preload') || p === '/etc/ld.so.cache' || LIB.test(p)) return true;
  if (BIN.test(p) && ['execve', 'newfstatat', 'stat', 'access', 'faccessat', 'faccessat2'].includes(t.syscall)) return true;
  if ((p === cwd || p === `${cwd}/.`) && t.syscall === 'newfstatat') return true;
  const exe = path.basename(t.exe);
  if ((exe === 'stat' || exe === 'id') && SELINUX_PROBES.has(p)) return true;
  if (exe === 'sasldblistusers2' && (SASL_OWN.test(p) || SASL_RUNTIME.has(p))) return true;
  return false;
}

const hex = (s: string): string => Buffer.from(s.replace(/\\x/g, ''), 'hex').toString('latin1');
const NOFOLLOW_CALLS = new Set(['lstat', 'readlink', 'readlinkat', 'lgetxattr', 'llistxattr', 'unlink', 'unlinkat', 'rmdir', 'rename', 'renameat', 'renameat2', 'symlink', 'symlinkat', 'mkdir', 'mkdirat', 'lchown']);
const WRITE_CALLS = /^(mkdir|mkdirat|unlink|unlinkat|rmdir|rename|renameat2?|symlink|symlinkat|link|linkat|chmod|fchmodat|chown|lchown|fchownat|utimensat|utimes|truncate|mknod|mknodat|creat|setxattr|lsetxattr|removexattr|lremovexattr)$/;

/** Parse `strace -ff -y -xx` output files: one Touch per path argument. */
function parseTrace(files: string[]): Touch[] {
  const out: Touch[] = [];
  for (const f of files) {
    const pid = f.slice(f.lastIndexOf('.') + 1);
    let exe = 'sh';
    for (const line of readFileSync(f, 'latin1').split('\n')) {
      const m = /^(\w+)\((.*)$/.exec(line);
      if (!m) continue;
      const [, syscall, rest] = m;
      const a = /^(?:(AT_FDCWD|-?\d+)(?:<((?:\\x[0-9a-f]{2})*)>)?, )?"((?:\\x[0-9a-f]{2})*)"/.exec(rest);
      if (!a) continue;
      let p = hex(a[3]);
      if (p === '' && /AT_EMPTY_PATH/.test(rest)) continue; // fstat of an fd opened by a traced call
      if (!p.startsWith('/')) {
        if (a[2] === undefined) throw new Error(`relative path without a directory: ${line}`);
        p = path.join(hex(a[2]), p);
      }
      const flags = rest.slice(a[0].length);
      const follow = !NOFOLLOW_CALLS.has(syscall) && !/AT_SYMLINK_NOFOLLOW|O_NOFOLLOW/.test(flags);
      const write = WRITE_CALLS.test(syscall) || (/^open/.test(syscall) && /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC/.test(flags));
      out.push({ pid, exe, syscall, path: p, follow, write, line });
      if (syscall === 'execve' && / = 0$/.test(line)) exe = p;
    }
  }
  return out;
}

/**
 * Where the kernel goes for the relative path `rel` from directory `start` (symlinks followed, absolute ones from the
 * real /, the last one only when `follow`): every name looked up, as a physical path. An independent oracle of the
 * script's own resolver.
 */
function kernelWalk(start: string, rel: string, follow: boolean): string[] {
  const seen: string[] = [];
  let queue = rel.split('/').filter((c) => c !== '');
  let cur = start;
  let links = 0;
  while (queue.length > 0) {
    const c = queue.shift()!;
    if (c === '.') continue;
    if (c === '..') {
      cur = path.dirname(cur);
      seen.push(cur);
      continue;
    }
    const next = path.join(cur, c);
    seen.push(next);
    let st;
    try {
      st = lstatSync(next);
    } catch {
      break; // ENOENT / ENOTDIR / EACCES: the lookup ends here
    }
    if (st.isSymbolicLink() && (queue.length > 0 || follow)) {
      if (++links > 40) break;
      const target = readlinkSync(next);
      if (target.startsWith('/')) cur = '/';
      queue = [...target.split('/').filter((x) => x !== ''), ...queue];
      continue;
    }
    cur = next;
  }
  return seen;
}

function violations(touches: Touch[], root: string, cwd: string): string[] {
  const phys = realpathSync(root);
  const inside = (q: string): boolean => q === phys || q.startsWith(`${phys}/`);
  const bad: string[] = [];
  for (const t of touches) {
    if (allowed(t, cwd)) continue;
    if (t.write) {
      bad.push(`write: ${t.syscall} ${t.path}`);
      continue;
    }
    if (!inside(t.path) && !t.path.startsWith(`${root}/`) && t.path !== root) {
      bad.push(`${path.basename(t.exe)}: ${t.syscall} ${JSON.stringify(t.path)}`);
      continue;
    }
    // the root itself may be reached through links of the auditor's (tmp); from there on, only the root
    const rel = t.path === root || t.path === phys ? '' : t.path.slice((t.path.startsWith(`${phys}/`) ? phys : root).length);
    const out = kernelWalk(phys, rel, t.follow).filter((q) => !inside(q));
    if (out.length > 0) bad.push(`${path.basename(t.exe)}: ${t.syscall} ${JSON.stringify(t.path)} reaches ${JSON.stringify(out[out.length - 1])}`);
  }
  return [...new Set(bad)];
}

describeWithOracles(['strace'], 'strace: no syscall on a path outside the root', () => {
  const cwd = process.cwd();
  it.each(['A', 'B', 'C', 'D', 'E'])('layout %s', async (name) => {
    const dir = path.join(tmp, `trace-${name}`);
    mkdirSync(dir);
    const shell = ['env', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'strace', '-ff', '-qq', '-y', '-xx', '-s', '65536', '-e', 'trace=%file', '-o', path.join(dir, 't'), 'sh'];
    const { b } = await collect(roots[name], shell);
    expectNothingFromOutside(b);
    const touches = parseTrace(readdirSync(dir).map((f) => path.join(dir, f)));
    // the trace saw the collection: every file item looked up inside the root
    expect(touches.filter((t) => t.path.startsWith(`${roots[name]}/etc/`)).length).toBeGreaterThan(10);
    expect(violations(touches, roots[name], cwd)).toEqual([]);
    if (name === 'B' && sasl && isRoot) expect(touches.some((t) => t.exe.endsWith('/sasldblistusers2'))).toBe(true);
  }, 180_000);

  it('the checker itself flags a collector that reads through an absolute link (the old glob expansion)', async () => {
    const dir = path.join(tmp, 'trace-old');
    mkdirSync(dir);
    // what the collector did before: "$R"/etc/libvirt/qemu/*.xml expanded by sh, [ -e ] on each match
    const script = `for f in "$VMAUDIT_ROOT"/etc/libvirt/qemu/*.xml; do [ -e "$f" ] && head -c 10 -- "$f" >/dev/null; done\n`;
    execFileSync('strace', ['-ff', '-qq', '-y', '-xx', '-s', '65536', '-e', 'trace=%file', '-o', path.join(dir, 't'), 'sh', '-c', script], {
      env: { ...process.env, PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C', VMAUDIT_ROOT: roots.A },
    });
    const bad = violations(parseTrace(readdirSync(dir).map((f) => path.join(dir, f))), roots.A, cwd);
    expect(bad).toEqual([
      `sh: openat ${JSON.stringify(`${roots.A}/etc/libvirt/qemu/`)} reaches ${JSON.stringify(`${OUT}/qemu`)}`,
      `sh: newfstatat ${JSON.stringify(`${roots.A}/etc/libvirt/qemu/auditor.xml`)} reaches ${JSON.stringify(`${OUT}/qemu/auditor.xml`)}`,
      `head: openat ${JSON.stringify(`${roots.A}/etc/libvirt/qemu/auditor.xml`)} reaches ${JSON.stringify(`${OUT}/qemu/auditor.xml`)}`,
    ]);
  });
});
