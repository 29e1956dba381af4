import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, runCli, type CliRun } from '../helpers/cli';
import { describeWithOracles } from '../helpers/oracle';

/**
 * `vmaudit fix host` on every fixture host, with real programs as the oracle: the playbook passes
 * `ansible-playbook --syntax-check`, then runs (connection local) against a copy of the fixture root (--prefix = the
 * copy); the sh script runs under dash against another copy. A rescan of each copy must show every fixed finding gone
 * and no new finding; a second run must change nothing (ansible changed=0, the script prints no "changed:").
 *
 * The copies get the fixture meta's modes for real (chmod) and its empty directories; owners git cannot keep stay an
 * overlay (a meta with only uid/gid), so the test needs no root. Each copy is first scanned unfixed: it must give
 * exactly the findings of the fixture scanned with its full meta overlay (the copy stands for the fixture).
 */
const run = promisify(execFile);
const HOSTS = fs
  .readdirSync(path.join(REPO_ROOT, 'fixtures', 'hosts'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

interface Meta {
  default?: { uid?: number; gid?: number };
  emptyDirs?: string[];
  paths: Record<string, { mode?: string; uid?: number; gid?: number }>;
}
interface JsonReport {
  findings: { ruleId: string; location: { file: string; line: number } | null; subject: string }[];
  errors: unknown[];
}
const keys = (r: CliRun): string[] => {
  const j = JSON.parse(r.stdout) as JsonReport;
  expect(j.errors).toEqual([]);
  return j.findings.map((f) => `${f.ruleId} ${f.location ? `${f.location.file}:${f.location.line}` : f.subject}`);
};
const vmaudit = (args: string[], meta?: string) => runCli(args, { env: { VMAUDIT_FIXTURE_META: meta, VMAUDIT_WORKERS: undefined } });

let tmp: string;
const GRUB_DEBIAN = 'GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\n';
const THP = 'sys/kernel/mm/transparent_hugepage/enabled';

/**
 * What the kernel does when a selection file (`always [madvise] never`) is written a value: it shows the same options
 * with the written one selected. A copy's file just holds what was written.
 */
function emulateSelection(root: string, original: string): void {
  const f = path.join(root, THP);
  if (!fs.existsSync(f)) return;
  const written = fs.readFileSync(f, 'utf8').trim();
  if (written.includes('[')) return;
  const options = original.trim().split(/\s+/).map((t) => t.replace(/^\[(.*)\]$/, '$1'));
  if (options.includes(written)) fs.writeFileSync(f, `${options.map((o) => (o === written ? `[${o}]` : o)).join(' ')}\n`);
}

/** A copy of the fixture root with the meta's modes applied and empty dirs made; returns the owners-only meta file. */
function materialise(name: string, dest: string): string {
  fs.cpSync(path.join(REPO_ROOT, 'fixtures', 'hosts', name), dest, { recursive: true, verbatimSymlinks: true });
  const meta = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'fixtures', 'hosts', `${name}.meta.json`), 'utf8')) as Meta;
  for (const d of meta.emptyDirs ?? []) fs.mkdirSync(path.join(dest, d), { recursive: true });
  // Kernel command-line fixes edit GRUB_CMDLINE_LINUX: a copy without /etc/default/grub gets Debian 12's two lines.
  const grub = path.join(dest, 'etc/default/grub');
  if (!fs.existsSync(grub)) {
    fs.mkdirSync(path.dirname(grub), { recursive: true });
    fs.writeFileSync(grub, GRUB_DEBIAN);
  }
  const owners: Meta = { default: meta.default, paths: {} };
  // Deepest first: a directory made 0700 before its files would still be writable by root, but not by others.
  for (const [p, v] of Object.entries(meta.paths).sort((a, b) => b[0].length - a[0].length)) {
    const full = path.join(dest, p);
    if (v.mode !== undefined && fs.existsSync(full) && !fs.lstatSync(full).isSymbolicLink()) fs.chmodSync(full, parseInt(v.mode, 8));
    owners.paths[p] = { ...(v.uid !== undefined ? { uid: v.uid } : {}), ...(v.gid !== undefined ? { gid: v.gid } : {}) };
  }
  const file = `${dest}.owners.json`;
  fs.writeFileSync(file, JSON.stringify(owners));
  return file;
}

interface Outcome {
  original: string[];
  unfixedCopy: string[];
  fixed: Set<string>;
  ansible?: { syntax: string; first: string; second: string; rescan: string[]; grub: string; dropins: string[] };
  sh?: { first: string; second: string; rescan: string[]; grub: string; dropins: string[] };
  /** Findings whose fix is a kernel parameter ("# fixes at next boot: ..."): in /etc/default/grub, not yet in /proc/cmdline. */
  nextBoot: Set<string>;
}
const outcomes = new Map<string, Outcome>();

describeWithOracles(['ansible-playbook', 'dash'], 'vmaudit fix host: playbook and sh script applied to copies of the fixture hosts', () => {
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-fixhost-'));
    await Promise.all(
      HOSTS.map(async (name) => {
        const meta = `fixtures/hosts/${name}.meta.json`;
        const a = path.join(tmp, `${name}-ansible`);
        const s = path.join(tmp, `${name}-sh`);
        const ownersA = materialise(name, a);
        const ownersS = materialise(name, s);
        const [orig, unfixed, play, script] = await Promise.all([
          vmaudit(['scan', 'host', '--root', `fixtures/hosts/${name}`, '--format', 'json'], meta),
          vmaudit(['scan', 'host', '--root', a, '--format', 'json'], ownersA),
          vmaudit(['fix', 'host', '--root', a, '--prefix', a, '--format', 'ansible', '-o', `${a}.yml`], ownersA),
          vmaudit(['fix', 'host', '--root', s, '--prefix', s, '--format', 'sh', '-o', `${s}.sh`], ownersS),
        ]);
        expect([play.code, script.code]).toEqual([expect.any(Number), expect.any(Number)]);
        expect(play.code).toBeLessThan(2);
        expect(script.code).toBeLessThan(2);
        // The findings the output claims to fix ("# fixes: RULE file:line; ..." on uncommented actions).
        const fixed = new Set<string>();
        const nextBoot = new Set<string>();
        const text = fs.readFileSync(`${s}.sh`, 'utf8').split('\n');
        text.forEach((l, i) => {
          const m = /^# fixes( at next boot)?: (.*)$/.exec(l);
          if (m && !text[i + 1].startsWith('# NEEDS A CHOICE')) for (const x of m[2].split('; ')) (m[1] ? nextBoot : fixed).add(x);
        });
        const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_INVENTORY_UNPARSED_WARNING: 'false', ANSIBLE_LOCAL_TEMP: path.join(tmp, `${name}.ansible-tmp`), ANSIBLE_HOME: path.join(tmp, `${name}.ansible-home`) };
        const ap = (args: string[]) => run('ansible-playbook', ['-i', 'localhost,', ...args, `${a}.yml`], { env }).then((r) => r.stdout);
        const syntax = await ap(['--syntax-check']);
        const first = await ap([]);
        const second = await ap([]);
        const sh1 = (await run('dash', [`${s}.sh`])).stdout;
        const sh2 = (await run('dash', [`${s}.sh`])).stdout;
        // Writing the workqueue cpumask makes the kernel (Linux >= 6.10) show it as cpumask_requested too; files
        // in a copy do not: the test does what the kernel does, when the fixture has that file.
        for (const root of [a, s]) {
          const wq = path.join(root, 'sys/devices/virtual/workqueue');
          if (fs.existsSync(path.join(wq, 'cpumask_requested'))) fs.writeFileSync(path.join(wq, 'cpumask_requested'), fs.readFileSync(path.join(wq, 'cpumask')));
          const thp = path.join(REPO_ROOT, 'fixtures', 'hosts', name, THP);
          if (fs.existsSync(thp)) emulateSelection(root, fs.readFileSync(thp, 'utf8'));
        }
        const dropins = (root: string): string[] => {
          const d = path.join(root, 'etc/systemd/system');
          if (!fs.existsSync(d)) return [];
          return fs.readdirSync(d).filter((x) => x.endsWith('.d')).flatMap((x) => fs.readdirSync(path.join(d, x)).filter((f) => f.startsWith('vmaudit-')).map((f) => `${x}/${f}: ${fs.readFileSync(path.join(d, x, f), 'utf8').split('\n').filter((l) => /^\w+=/.test(l)).join(' ')}`)).sort();
        };
        const grubOf = (root: string) => fs.readFileSync(path.join(root, 'etc/default/grub'), 'utf8');
        const [ra, rs] = await Promise.all([vmaudit(['scan', 'host', '--root', a, '--format', 'json'], ownersA), vmaudit(['scan', 'host', '--root', s, '--format', 'json'], ownersS)]);
        outcomes.set(name, {
          original: keys(orig),
          unfixedCopy: keys(unfixed),
          fixed,
          nextBoot,
          ansible: { syntax, first, second, rescan: keys(ra), grub: grubOf(a), dropins: dropins(a) },
          sh: { first: sh1, second: sh2, rescan: keys(rs), grub: grubOf(s), dropins: dropins(s) },
        });
      }),
    );
  }, 300000);
  afterAll(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  it('some fixture host has host fixes (the test is not vacuous)', () => {
    expect([...outcomes.values()].reduce((n, o) => n + o.fixed.size, 0)).toBeGreaterThanOrEqual(10);
    expect(outcomes.get('guide-literal')!.fixed).toEqual(expect.any(Set));
    expect([...outcomes.get('guide-literal')!.fixed]).toEqual(expect.arrayContaining(['QEMU-CONF-009 /etc/libvirt/qemu.conf:1', 'HOST-WQ-001 /sys/devices/virtual/workqueue/cpumask:1', 'HOST-SWTPM-001 /var/lib/swtpm-localca:1']));
    expect([...outcomes.get('modular-daemons')!.fixed]).toContain('LV-TLS-001 /etc/libvirt/virtproxyd.conf:6');
    // Issue 10 item 1: the access driver (virConf), the -ro.socket drop-ins (one per unit), THP at runtime.
    expect([...outcomes.get('guide-literal')!.fixed]).toEqual(expect.arrayContaining(['LV-ACL-001 /etc/libvirt/libvirtd.conf:1', 'LV-UNIX-004 /usr/lib/systemd/system/libvirtd-ro.socket:11', 'HOST-THP-001 /sys/kernel/mm/transparent_hugepage/enabled:1']));
    expect([...outcomes.get('rhel-stock')!.fixed]).toEqual(expect.arrayContaining(['LV-ACL-001 /etc/libvirt/virtproxyd.conf:1', 'LV-ACL-001 /etc/libvirt/virtqemud.conf:1', 'LV-UNIX-004 /usr/lib/systemd/system/virtproxyd-ro.socket:11', 'LV-UNIX-004 /usr/lib/systemd/system/virtqemud-ro.socket:11']));
  });

  it('drop-ins: one file per unit and rule under /etc/systemd/system, the same from ansible and sh', () => {
    const o = outcomes.get('rhel-stock')!;
    expect(o.sh!.dropins).toEqual(['virtproxyd-ro.socket.d/vmaudit-LV-UNIX-004.conf: SocketMode=0660', 'virtqemud-ro.socket.d/vmaudit-LV-UNIX-004.conf: SocketMode=0660']);
    expect(o.ansible!.dropins).toEqual(o.sh!.dropins);
  });

  it('THP: the persistent form is transparent_hugepage=never added once to GRUB_CMDLINE_LINUX (Debian\'s other lines kept); the reboot is a printed note', () => {
    const o = outcomes.get('guide-literal')!;
    const want = GRUB_DEBIAN.replace('GRUB_CMDLINE_LINUX=""', 'GRUB_CMDLINE_LINUX="transparent_hugepage=never"');
    expect(o.sh!.grub).toBe(want);
    expect(o.ansible!.grub).toBe(want);
    expect(o.sh!.first).toMatch(/^then run: .*update-grub.*reboot/m);
    expect(o.ansible!.first).toMatch(/then run: .*update-grub.*reboot/);
    // A host without a THP finding keeps its GRUB file byte for byte.
    expect(outcomes.get('debian-default')!.sh!.grub).toBe(GRUB_DEBIAN);
  });

  describe.each(HOSTS)('%s', (name) => {
    it('the materialised copy, unfixed, has exactly the fixture\'s findings', () => {
      const o = outcomes.get(name)!;
      expect(o.unfixedCopy).toEqual(o.original);
    });

    it('ansible: syntax-check passes; the run fixes every claimed finding, adds none; a second run changes nothing', () => {
      const o = outcomes.get(name)!;
      expect(o.ansible!.syntax).toContain('playbook:');
      // A play without tasks has no host in its recap.
      if (o.fixed.size) {
        expect(o.ansible!.first).toMatch(/changed=[1-9]\d* .*failed=0/);
        expect(o.ansible!.second).toMatch(/changed=0 .*failed=0/);
      } else expect(o.ansible!.first).not.toMatch(/changed=[1-9]|failed=[1-9]/);
      expect(o.ansible!.rescan).toEqual(o.original.filter((k) => !o.fixed.has(k)));
      if (o.fixed.size) expect(o.ansible!.second).not.toMatch(/then run:/);
    });

    it('sh under dash: fixes every claimed finding, adds none; a second run changes nothing', () => {
      const o = outcomes.get(name)!;
      expect(o.sh!.first.split('\n').filter((l) => l.startsWith('changed:')).length).toBeGreaterThanOrEqual(o.fixed.size ? 1 : 0);
      expect(o.sh!.second).toBe('');
      expect(o.sh!.rescan).toEqual(o.original.filter((k) => !o.fixed.has(k)));
    });
  });
});
