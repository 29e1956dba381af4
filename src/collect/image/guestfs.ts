/**
 * Offline audits of VM disk images through libguestfs (`scan guest --image`, `scan domain --with-disks`).
 *
 * Per image: `qemu-img info --backing-chain` first (format, chain, encryption: a missing backing file, a corrupt or
 * encrypted image is refused before any appliance starts), then ONE appliance launch: `guestmount -i` over a throw-away overlay inspects the
 * OS (partitions, LVM; `/etc/fstab` mounts) and mounts it read-only on a mount point inside a 0700 temp dir this
 * process creates, and the guest manifest is collected from that mount by the same reader as `scan guest --root`
 * (src/collect/script.ts: exactly the manifest's paths, symlinks resolved inside the root, each file and output capped
 * at the evidence limit). The mount is then released, the appliance shut down and the temp dir removed.
 *
 * Nothing writes to an image: qemu-img only reads (`-U`: an image a running VM holds is still only read), the appliance
 * sees a qcow2 overlay in the temp dir whose backing node is the image (read-only, format given, no lock), and the FUSE
 * mount is read-only.
 *
 * Appliance acceleration: the user's own LIBGUESTFS_BACKEND / LIBGUESTFS_BACKEND_SETTINGS win; otherwise KVM when
 * /dev/kvm is usable, falling back to TCG (`LIBGUESTFS_BACKEND=direct`, `LIBGUESTFS_BACKEND_SETTINGS=force_tcg`) when
 * the appliance cannot start under KVM (nested KVM often fails), and TCG directly when /dev/kvm is not usable.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectEvidence } from '../collect';
import type { EvidenceBundle } from '../evidence';
import { LocalRunner } from '../local';
import { ScanError } from '../runner';

export interface ImageSpec {
  /** Path of the image (or block device) on this machine. */
  file: string;
  /** Format known from elsewhere (a domain's `<driver type=>`): never probed then. */
  format?: string;
  /** Target name in reports (default: the file as given). */
  name?: string;
}

export interface ImageOptions {
  /** Seconds one image may take (launch + collection). */
  timeoutSec: number;
  /** Progress / diagnostics (`--verbose`). */
  log?: (line: string) => void;
  /** Environment to start from (tests); default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** What one image cost: appliance launches (a failed KVM attempt counts) and wall time. */
export interface ImageStats {
  launches: number;
  ms: number;
  accel: string;
}

const TCG = { LIBGUESTFS_BACKEND: 'direct', LIBGUESTFS_BACKEND_SETTINGS: 'force_tcg' };
/** Formats qemu-img reports for disk images vmaudit reads. `luks` (an encrypted container) is refused explicitly. */
const READABLE_FORMATS = new Set(['raw', 'qcow2', 'qcow', 'qed', 'vmdk', 'vdi', 'vhdx', 'vpc', 'parallels', 'cloop', 'dmg', 'bochs']);

/** How the appliance runs for this process: decided once, shared by every image. */
export class ApplianceAccel {
  private mode: 'user' | 'kvm' | 'tcg';
  constructor(private readonly base: NodeJS.ProcessEnv = process.env) {
    if (base.LIBGUESTFS_BACKEND !== undefined || base.LIBGUESTFS_BACKEND_SETTINGS !== undefined) this.mode = 'user';
    else this.mode = kvmUsable() ? 'kvm' : 'tcg';
  }
  get current(): 'user' | 'kvm' | 'tcg' {
    return this.mode;
  }
  describe(): string {
    if (this.mode === 'user') return `the appliance as your LIBGUESTFS_BACKEND${this.base.LIBGUESTFS_BACKEND ? `=${this.base.LIBGUESTFS_BACKEND}` : ''} / LIBGUESTFS_BACKEND_SETTINGS${this.base.LIBGUESTFS_BACKEND_SETTINGS ? `=${this.base.LIBGUESTFS_BACKEND_SETTINGS}` : ''} says`;
    return this.mode === 'kvm' ? 'running the appliance under KVM' : 'running the appliance under TCG (software emulation: KVM is not usable here)';
  }
  env(): NodeJS.ProcessEnv {
    return this.mode === 'tcg' ? { ...this.base, ...TCG } : { ...this.base };
  }
  /** After a launch failure under KVM: whether to retry under TCG (then switched for every later image too). */
  fallBack(): boolean {
    if (this.mode !== 'kvm') return false;
    this.mode = 'tcg';
    return true;
  }
}

let processAccel: ApplianceAccel | undefined;

export function kvmUsable(): boolean {
  try {
    fs.accessSync('/dev/kvm', fs.constants.R_OK | fs.constants.W_OK);
    return fs.statSync('/dev/kvm').isCharacterDevice();
  } catch {
    return false;
  }
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  spawnError?: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let timedOut = false;
    const cap = (arr: Buffer[], d: Buffer) => {
      if (size < 4 << 20) arr.push(d);
      size += d.length;
    };
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => cap(out, d));
    child.stderr.on('data', (d: Buffer) => cap(err, d));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, stdout: '', stderr: '', timedOut, spawnError: (e as NodeJS.ErrnoException).code === 'ENOENT' ? `${cmd} is not installed (see docs/images.md)` : e.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    });
  });
}

/** The last meaningful lines of a tool's stderr, one line, without libguestfs' generic debugging advice. */
export function toolMessage(stderr: string, tool: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(This usually means|Do:|export LIBGUESTFS_|and run the command again|http:\/\/libguestfs\.org|You can also run|into a bug report|guestfs-faq)/.test(l));
  const pick = lines.slice(0, 2).join(' | ') || 'failed';
  return pick.replace(new RegExp(`^${tool}: `), '').replace(/^libguestfs: error: /, '');
}

export interface ChainEntry {
  filename: string;
  format: string;
  encrypted: boolean;
  backing?: string;
}

/**
 * `qemu-img info --output=json --backing-chain -U [-f FORMAT] FILE`: the image's view of itself through qemu.
 * Throws ScanError('input') naming the image for a missing, corrupt, encrypted or unsupported image, or a missing
 * backing file. With `format` the top image is never probed (a raw image whose content looks like qcow2 stays raw).
 */
export async function imageChain(spec: ImageSpec, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ChainEntry[]> {
  const name = spec.name ?? spec.file;
  let st: fs.Stats;
  try {
    st = fs.statSync(spec.file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ScanError('input', `${name}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`, name);
  }
  if (!st.isFile() && !st.isBlockDevice()) throw new ScanError('input', `${name}: not a disk image (${st.isDirectory() ? 'a directory' : 'not a regular file or block device'})`, name);
  if (spec.format !== undefined && !READABLE_FORMATS.has(spec.format)) throw new ScanError('input', `${name}: format ${spec.format} is not a disk image format vmaudit reads`, name);
  const args = ['info', '--output=json', '--backing-chain', '-U', ...(spec.format ? ['-f', spec.format] : []), '--', spec.file];
  const r = await run('qemu-img', args, env, timeoutMs);
  if (r.spawnError) throw new ScanError('internal', `${name}: ${r.spawnError}`, name);
  if (r.timedOut) throw new ScanError('timeout', `${name}: qemu-img info did not finish in ${timeoutMs / 1000} s`, name);
  if (r.code !== 0) {
    const msg = toolMessage(r.stderr, 'qemu-img');
    // The top image alone opens: then what failed is down its backing chain.
    const top = await run('qemu-img', args.filter((a) => a !== '--backing-chain'), env, timeoutMs);
    let backing: string | undefined;
    try {
      const t = JSON.parse(top.stdout) as { 'backing-filename'?: unknown };
      if (top.code === 0 && typeof t['backing-filename'] === 'string') backing = t['backing-filename'];
    } catch {
      // not JSON: the image itself is unreadable
    }
    throw new ScanError('input', `${name}: ${backing !== undefined ? `backing file ${backing} missing or unreadable` : 'not a readable disk image'} (qemu-img: ${msg})`, name);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(r.stdout);
  } catch {
    throw new ScanError('protocol', `${name}: qemu-img info printed no JSON`, name);
  }
  const list = (Array.isArray(raw) ? raw : [raw]) as { filename?: unknown; format?: unknown; encrypted?: unknown; 'backing-filename'?: unknown; 'full-backing-filename'?: unknown }[];
  const chain = list.map((e) => ({
    filename: String(e.filename ?? ''),
    format: String(e.format ?? ''),
    encrypted: e.encrypted === true,
    backing: typeof e['full-backing-filename'] === 'string' ? e['full-backing-filename'] : typeof e['backing-filename'] === 'string' ? e['backing-filename'] : undefined,
  }));
  for (const [i, e] of chain.entries()) {
    const which = i === 0 ? name : `${name}: backing file ${e.filename}`;
    if (e.format === 'luks' || e.encrypted) throw new ScanError('input', `${which}: an encrypted (LUKS) image: vmaudit never asks for keys and cannot read it`, name);
    if (!READABLE_FORMATS.has(e.format)) throw new ScanError('input', `${which}: format ${e.format || 'unknown'} is not a disk image format vmaudit reads`, name);
  }
  const last = chain[chain.length - 1];
  if (last?.backing !== undefined) throw new ScanError('input', `${name}: backing file ${last.backing} missing or unreadable`, name);
  return chain;
}

/** Turns guestmount's error text into the per-image reason. */
function mountFailure(name: string, stderr: string): ScanError {
  const msg = toolMessage(stderr, 'guestmount');
  if (/passphrase|luks|crypt/i.test(stderr)) return new ScanError('input', `${name}: encrypted (LUKS) volume: vmaudit never asks for keys and cannot read it`, name);
  if (/no operating system/i.test(stderr)) return new ScanError('input', `${name}: no operating system found in the image (libguestfs inspection found no root file system: an empty or data disk, or not a disk image)`, name);
  if (/multi-boot/i.test(stderr)) return new ScanError('input', `${name}: several operating systems in one image: not supported (${msg})`, name);
  return new ScanError('input', `${name}: cannot be inspected (${msg})`, name);
}

const APPLIANCE_FAILED = /appliance closed the connection|launch failed|qemu.*(exited|killed|terminated)|child process died|kvm/i;

/** Poll until `pid` has exited (guestmount shuts the appliance down after the unmount). */
async function waitGone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function isMounted(dir: string): boolean {
  try {
    const mounts = fs.readFileSync('/proc/self/mounts', 'utf8');
    return mounts.split('\n').some((l) => l.split(' ')[1] === dir);
  } catch {
    return false;
  }
}

/**
 * Collects guest evidence from one image: qemu-img check, one appliance launch (two when KVM fails and TCG is tried),
 * the `--root` reader over the read-only mount. Throws ScanError naming the image on any per-image failure.
 */
export async function collectImage(spec: ImageSpec, accel: ApplianceAccel, opts: ImageOptions): Promise<{ bundle: EvidenceBundle; stats: ImageStats }> {
  const name = spec.name ?? spec.file;
  const started = Date.now();
  const timeoutMs = opts.timeoutSec * 1000;
  const chain = await imageChain(spec, opts.env ?? process.env, Math.min(timeoutMs, 60_000));
  const format = spec.format ?? chain[0].format;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-image-'));
  fs.chmodSync(dir, 0o700);
  const mnt = path.join(dir, 'root');
  const pidFile = path.join(dir, 'guestmount.pid');
  const overlay = path.join(dir, 'overlay.qcow2');
  fs.mkdirSync(mnt, { mode: 0o700 });
  let launches = 0;
  let mountedPid: number | undefined;
  try {
    // The appliance gets a throw-away qcow2 overlay in our temp dir whose backing node is the image, opened by qemu
    // read-only with its format given (never probed) and without taking its lock (a running VM's image). libguestfs'
    // own --ro overlay is not used: in 1.48 qemu probes the format of what it exposes, so a raw image whose content
    // starts with a qcow2 header would be opened as qcow2 (and could name a backing file on this host).
    const backing = JSON.stringify({ driver: format, file: { driver: fs.statSync(spec.file).isBlockDevice() ? 'host_device' : 'file', filename: path.resolve(spec.file), locking: 'off' } });
    const c = await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', format, '-b', `json:${backing}`, overlay], opts.env ?? process.env, 60_000);
    if (c.code !== 0) throw new ScanError('input', `${name}: cannot be opened read-only (qemu-img: ${c.spawnError ?? toolMessage(c.stderr, 'qemu-img')})`, name);
    for (;;) {
      launches++;
      const t0 = Date.now();
      // Writes (a journal replay at mount) land in the overlay only; the FUSE mount itself is read-only.
      const args = ['-i', '--format=qcow2', '-a', overlay, '--pid-file', pidFile, '-o', 'ro', mnt];
      const r = await run('guestmount', args, accel.env(), timeoutMs);
      if (r.spawnError) throw new ScanError('internal', `${name}: ${r.spawnError}`, name);
      if (r.timedOut) throw new ScanError('timeout', `${name}: the libguestfs appliance did not mount the image in ${opts.timeoutSec} s`, name);
      if (r.code === 0 && isMounted(mnt)) {
        mountedPid = Number.parseInt(fs.readFileSync(pidFile, 'utf8').trim(), 10);
        opts.log?.(`vmaudit: ${name}: appliance launched and image inspected in ${((Date.now() - t0) / 1000).toFixed(1)} s (${format}${chain.length > 1 ? `, backing chain of ${chain.length}` : ''})`);
        break;
      }
      if (APPLIANCE_FAILED.test(r.stderr) && !/no operating system|passphrase/i.test(r.stderr) && accel.fallBack()) {
        opts.log?.(`vmaudit: the libguestfs appliance did not start under KVM (${toolMessage(r.stderr, 'guestmount')}): running the appliance under TCG`);
        continue;
      }
      throw mountFailure(name, r.stderr);
    }
    const bundle = await collectEvidence(new LocalRunner({ label: name }), { kind: 'guest', root: mnt, live: false, name, transport: 'root', timeoutMs, fixtureMeta: '' });
    return { bundle, stats: { launches, ms: Date.now() - started, accel: accel.current } };
  } finally {
    await release(dir, mnt, [pidFile, overlay], mountedPid, opts.log);
  }
}

async function release(dir: string, mnt: string, files: string[], pid: number | undefined, log?: (line: string) => void): Promise<void> {
  if (isMounted(mnt)) {
    const r = await run('guestunmount', ['--retry=5', mnt], process.env, 30_000);
    if (r.code !== 0 && isMounted(mnt)) await run('fusermount', ['-u', '-z', mnt], process.env, 10_000);
  }
  if (pid !== undefined && Number.isInteger(pid) && !(await waitGone(pid, 30_000))) log?.(`vmaudit: guestmount (pid ${pid}) still running after the unmount`);
  if (isMounted(mnt)) {
    log?.(`vmaudit: ${mnt} is still mounted (read-only); not removing ${dir}`);
    return;
  }
  // Only what this process created: the (now empty) mount point, the pid file and overlay, the directory.
  try {
    for (const f of files) fs.rmSync(f, { force: true });
    fs.rmdirSync(mnt);
    fs.rmdirSync(dir);
  } catch (e) {
    log?.(`vmaudit: could not remove ${dir}: ${(e as Error).message}`);
  }
}

/**
 * Scans images one after the other (one appliance each; concurrent TCG appliances would only compete for the same
 * cores). Each image yields a bundle or a ScanError; a failing image never stops the others.
 */
export async function collectImages(
  specs: readonly ImageSpec[],
  opts: ImageOptions,
  onBundle: (bundle: EvidenceBundle, spec: ImageSpec, stats: ImageStats) => void,
  onError: (name: string, error: ScanError) => void,
): Promise<{ launches: number }> {
  // One decision per process (a failed KVM launch is not repeated for every call).
  const accel = opts.env ? new ApplianceAccel(opts.env) : (processAccel ??= new ApplianceAccel());
  opts.log?.(`vmaudit: ${accel.describe()}`);
  let launches = 0;
  for (const spec of specs) {
    const name = spec.name ?? spec.file;
    const t0 = Date.now();
    try {
      const { bundle, stats } = await collectImage(spec, accel, opts);
      launches += stats.launches;
      opts.log?.(`vmaudit: ${name}: ${(stats.ms / 1000).toFixed(1)} s, ${stats.launches} appliance launch${stats.launches === 1 ? '' : 'es'} (${stats.accel})`);
      onBundle(bundle, spec, stats);
    } catch (e) {
      opts.log?.(`vmaudit: ${name}: failed after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      onError(name, e instanceof ScanError ? e : new ScanError('internal', `${name}: ${(e as Error).message}`, name));
    }
  }
  return { launches };
}
