import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURE_GUESTS_DIR } from '../../src/engine/testing/fixture-guest';
import { ApplianceAccel } from '../../src/collect/image/guestfs';

/**
 * Disk images built from the fixture guest roots with the real tools (virt-make-fs, guestfish, qemu-img), once per
 * test file, in a temp dir removed afterwards. Each fixture root is first copied to a tree that libguestfs inspection
 * recognises as a Linux root (/etc/os-release, /etc/fstab, /bin -> usr/bin: none of them is read by the guest
 * manifest) with the fixture's meta.json modes, owners (when run as root) and links applied; the same tree is the
 * `--root` oracle, so `--image` must give exactly its findings.
 */
export const TOOLS = ['guestfish', 'guestmount', 'guestunmount', 'virt-make-fs', 'qemu-img'];

export interface BuiltImages {
  dir: string;
  trees: Record<string, string>;
  /** virt-make-fs qcow2 (one ext4 file system, no partition table). */
  plainQcow2: string;
  /** raw, MBR partition table: an empty ext2 partition, then the root. */
  partitionedRaw: string;
  /** qcow2, MBR partition holding an LVM PV, VG vmaudit, LV root. */
  lvmQcow2: string;
  /** qcow2 overlay whose backing file is plainQcow2. */
  overlay: string;
  /** Bad inputs (no appliance needed to refuse them except textFile). */
  missingBacking: string;
  corrupt: string;
  luks: string;
  textFile: string;
  /** Appliance launches spent building. */
  launches: number;
}

interface Meta {
  files?: Record<string, { mode?: string | number; uid?: number; gid?: number }>;
  links?: Record<string, string>;
}

function prepareTree(fixture: string, dest: string): void {
  fs.cpSync(path.join(FIXTURE_GUESTS_DIR, fixture, 'root'), dest, { recursive: true, verbatimSymlinks: true });
  const metaFile = path.join(FIXTURE_GUESTS_DIR, fixture, 'meta.json');
  const meta = (fs.existsSync(metaFile) ? JSON.parse(fs.readFileSync(metaFile, 'utf8')) : {}) as Meta;
  for (const [p, link] of Object.entries(meta.links ?? {})) {
    const at = path.join(dest, p);
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.rmSync(at, { force: true });
    fs.symlinkSync(link, at);
  }
  for (const [p, m] of Object.entries(meta.files ?? {})) {
    const at = path.join(dest, p);
    if (!fs.existsSync(at) || !fs.lstatSync(at).isFile()) continue;
    if (m.mode !== undefined) fs.chmodSync(at, typeof m.mode === 'number' ? m.mode : Number.parseInt(m.mode, 8));
    if (process.getuid?.() === 0 && (m.uid !== undefined || m.gid !== undefined)) fs.chownSync(at, m.uid ?? 0, m.gid ?? 0);
  }
  // What libguestfs inspection needs to call it a Linux root.
  fs.mkdirSync(path.join(dest, 'etc'), { recursive: true });
  fs.mkdirSync(path.join(dest, 'usr', 'bin'), { recursive: true });
  fs.writeFileSync(path.join(dest, 'etc', 'os-release'), `NAME="vmaudit fixture ${fixture}"\nID=debian\nVERSION_ID="12"\nPRETTY_NAME="vmaudit fixture ${fixture}"\n`);
  fs.writeFileSync(path.join(dest, 'etc', 'fstab'), '# vmaudit fixture: the root file system only\n');
  if (!fs.existsSync(path.join(dest, 'bin'))) fs.symlinkSync('usr/bin', path.join(dest, 'bin'));
}

function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): string {
  return execFileSync(cmd, args, { env, input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 16 << 20 }).toString();
}

export function buildImages(fixtures: { plain: string; partitioned: string; lvm: string }): BuiltImages {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-image-test-'));
  const accel = new ApplianceAccel();
  // The build uses the same acceleration choice as the scans (TCG when KVM is not usable; a failed KVM launch falls back).
  const withAccel = <T>(f: (env: NodeJS.ProcessEnv) => T): T => {
    try {
      return f(accel.env());
    } catch (e) {
      if (accel.fallBack()) return f(accel.env());
      throw e;
    }
  };
  let launches = 0;
  const trees: Record<string, string> = {};
  for (const f of new Set(Object.values(fixtures))) {
    trees[f] = path.join(dir, 'trees', f);
    prepareTree(f, trees[f]);
  }
  const plainQcow2 = path.join(dir, 'plain.qcow2');
  withAccel((env) => {
    launches++;
    sh('virt-make-fs', ['--format=qcow2', '--type=ext4', '--size=+16M', trees[fixtures.plain], plainQcow2], env);
  });

  // One guestfish launch builds the partitioned and the LVM image.
  const partitionedRaw = path.join(dir, 'partitioned.raw');
  const lvmQcow2 = path.join(dir, 'lvm.qcow2');
  const tar = (f: string) => {
    const out = path.join(dir, `${f}.tar`);
    sh('tar', ['-C', trees[f], '--numeric-owner', '-cf', out, '.'], process.env);
    return out;
  };
  sh('qemu-img', ['create', '-q', '-f', 'raw', partitionedRaw, '64M'], process.env);
  sh('qemu-img', ['create', '-q', '-f', 'qcow2', lvmQcow2, '64M'], process.env);
  const script = [
    'run',
    'part-init /dev/sda mbr',
    'part-add /dev/sda p 2048 10239',
    'part-add /dev/sda p 10240 -2048',
    'mkfs ext2 /dev/sda1',
    'mkfs ext4 /dev/sda2',
    'mount /dev/sda2 /',
    `tar-in ${tar(fixtures.partitioned)} /`,
    'umount-all',
    'part-disk /dev/sdb mbr',
    'pvcreate /dev/sdb1',
    'vgcreate vmaudit /dev/sdb1',
    'lvcreate root vmaudit 40',
    'mkfs ext4 /dev/vmaudit/root',
    'mount /dev/vmaudit/root /',
    `tar-in ${tar(fixtures.lvm)} /`,
    'umount-all',
    '',
  ].join('\n');
  withAccel((env) => {
    launches++;
    sh('guestfish', ['--format=raw', '-a', partitionedRaw, '--format=qcow2', '-a', lvmQcow2], env, script);
  });

  const overlay = path.join(dir, 'overlay.qcow2');
  sh('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', plainQcow2, '-F', 'qcow2', overlay], process.env);
  const missingBacking = path.join(dir, 'missing-backing.qcow2');
  sh('qemu-img', ['create', '-q', '-f', 'qcow2', '-u', '-b', path.join(dir, 'gone.qcow2'), '-F', 'qcow2', missingBacking, '64M'], process.env);
  // A qcow2 header whose L1 table lies far past the end of the file: qemu refuses to open it.
  const corrupt = path.join(dir, 'corrupt.qcow2');
  const good = fs.readFileSync(plainQcow2).subarray(0, 512);
  const bad = Buffer.from(good);
  bad.writeUInt32BE(0xffffffff, 36); // l1_size
  bad.writeBigUInt64BE(0x7ffffffffffffe00n, 40); // l1_table_offset
  fs.writeFileSync(corrupt, bad);
  const luks = path.join(dir, 'encrypted.luks');
  sh('qemu-img', ['create', '-q', '--object', 'secret,id=sec0,data=vmaudit-test', '-f', 'luks', '-o', 'key-secret=sec0', luks, '16M'], process.env);
  const textFile = path.join(dir, 'notes.txt');
  fs.writeFileSync(textFile, 'not a disk image\n'.repeat(4096));
  return { dir, trees, plainQcow2, partitionedRaw, lvmQcow2, overlay, missingBacking, corrupt, luks, textFile, launches };
}
