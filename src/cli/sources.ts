import * as fs from 'node:fs';
import * as path from 'node:path';
import { Flags } from '@oclif/core';
import { readDirectoryArg } from './directory-arg';
import { collectEvidence } from '../collect/collect';
import type { EvidenceBundle } from '../collect/evidence';
import type { ManifestItem } from '../collect/manifest';
import { LocalRunner } from '../collect/local';
import { ScanError } from '../collect/runner';
import { loadDefaultConfigs } from '../collect/ssh/config';
import { loadSnapshot } from '../collect/snapshot';
import { DEFAULT_CONCURRENCY, runFleet, sshRunnerFor } from '../fleet/run';
import { loadTargets, type FleetTarget } from '../fleet/targets';
import { UsageError } from './usage-error';

/**
 * Where evidence comes from, shared by `scan host` and `scan guest`: the running system (default), a mounted root,
 * snapshot files, or SSH targets (repeated --target, --targets-file, Ansible --inventory with --limit/--shard).
 * Every source yields one EvidenceBundle or one ScanError; a failing source never stops the others.
 */
export const sourceFlags = {
  root: Flags.string({ summary: 'Audit a mounted root filesystem / chroot / container rootfs (read-only; live-only checks are reported not evaluated).' }),
  snapshot: Flags.string({ summary: 'Audit an evidence snapshot made by `vmaudit collect`, or the raw output of `collect --script`; a directory: every file in it, one host each (repeatable).', multiple: true, multipleNonGreedy: true }),
  target: Flags.string({ char: 't', summary: 'Audit over SSH: ssh://user@host:port, user@host, or a Host alias from ~/.ssh/config (repeatable).', multiple: true, multipleNonGreedy: true }),
  'targets-file': Flags.string({ summary: 'Read SSH targets from FILE, one per line (# comments).', multiple: true, multipleNonGreedy: true }),
  inventory: Flags.string({ char: 'i', summary: 'Read SSH targets from an Ansible inventory (INI or YAML).', multiple: true, multipleNonGreedy: true }),
  limit: Flags.string({ summary: 'With --inventory: only hosts of these groups/hosts/patterns (Ansible --limit syntax).' }),
  shard: Flags.string({ summary: 'Only the I-th of N stable shards of the targets, e.g. 2/8 (for CI matrices).' }),
  concurrency: Flags.integer({ summary: 'How many SSH targets are scanned at once.', default: DEFAULT_CONCURRENCY, min: 1, max: 1024 }),
  sudo: Flags.boolean({ summary: 'Collect as root on SSH targets with `sudo -n` (never prompts).' }),
  'accept-new-host-keys': Flags.boolean({ summary: "Trust SSH host keys seen for the first time and record them in your known_hosts (a changed key is always refused)." }),
  'ssh-config': Flags.string({ summary: "Use this ssh_config file instead of ~/.ssh/config ('none' for none)." }),
  timeout: Flags.integer({ summary: 'Seconds a single target may take to collect.', default: 600, min: 1 }),
  'remote-root': Flags.string({
    summary: 'With SSH targets: audit the root filesystem mounted at this absolute path on each target instead of its running system (live-only checks are skipped).',
    description:
      'Advanced. For a disk image or chroot mounted on a remote machine (and for tests against fixture roots). The path travels to the target as VMAUDIT_ROOT in the script itself, never on a command line. Owners/modes can be overlaid from a fixture meta file with VMAUDIT_FIXTURE_META (fixtures/hosts/README.md).',
    helpGroup: 'ADVANCED',
  }),
};

export interface SourceFlagValues {
  root?: string;
  snapshot?: string[];
  target?: string[];
  'targets-file'?: string[];
  inventory?: string[];
  limit?: string;
  shard?: string;
  concurrency: number;
  sudo: boolean;
  'accept-new-host-keys': boolean;
  'ssh-config'?: string;
  timeout: number;
  'remote-root'?: string;
}

export { UsageError };

export interface SourceOptions {
  kind: 'host' | 'guest';
  /** Called for every bundle as soon as it is there (bundles are not kept: fleets can be large). */
  onBundle: (bundle: EvidenceBundle) => void;
  onError: (name: string, error: ScanError) => void;
  log: (line: string) => void;
  /** Collect these items instead of the kind's default manifest (e.g. the host manifest with the guest-agent item). */
  items?: readonly ManifestItem[];
}

/** Validates the combination of source flags; throws UsageError (exit 2) for conflicting or unusable ones. */
export function describeSources(flags: SourceFlagValues): { mode: 'local' | 'root' | 'snapshot' | 'ssh'; targets: FleetTarget[] } {
  const ssh = (flags.target?.length ?? 0) + (flags['targets-file']?.length ?? 0) + (flags.inventory?.length ?? 0) > 0;
  const modes = [flags.root !== undefined && 'root', (flags.snapshot?.length ?? 0) > 0 && 'snapshot', ssh && 'ssh'].filter(Boolean) as ('root' | 'snapshot' | 'ssh')[];
  if (modes.length > 1) throw new UsageError(`choose one source: ${modes.map((m) => (m === 'ssh' ? '--target/--inventory' : `--${m}`)).join(' or ')}`);
  if (!ssh && (flags.limit || flags.shard)) throw new UsageError('--limit and --shard apply to --target/--targets-file/--inventory');
  const remoteRoot = flags['remote-root'];
  if (remoteRoot !== undefined) {
    if (!ssh) throw new UsageError('--remote-root applies to SSH targets (--target/--targets-file/--inventory); use --root for a local directory');
    if (!remoteRoot.startsWith('/') || /[\0\n]/.test(remoteRoot)) throw new UsageError(`--remote-root must be an absolute path on the targets, got ${JSON.stringify(remoteRoot)}`);
  }
  if (flags.root !== undefined && !(fs.existsSync(flags.root) && fs.statSync(flags.root).isDirectory())) throw new UsageError(`--root ${flags.root}: not a directory`);
  if (!ssh) return { mode: modes[0] ?? 'local', targets: [] };
  let loaded: ReturnType<typeof loadTargets>;
  try {
    loaded = loadTargets({ targets: flags.target, targetsFiles: flags['targets-file'], inventories: flags.inventory, limit: flags.limit, shard: flags.shard });
  } catch (e) {
    if (e instanceof ScanError) throw new UsageError(e.message); // --shard syntax
    throw e;
  }
  const { targets, problems } = loaded;
  const errors = problems.filter((p) => p.level === 'error');
  if (errors.length) throw new UsageError(errors.map((p) => (p.location ? `${p.location.file}:${p.location.line}: ${p.message}` : p.message)).join('\n'));
  if (targets.length === 0) throw new UsageError('no targets left to scan (check --limit / --shard)');
  return { mode: 'ssh', targets };
}

export async function gatherEvidence(flags: SourceFlagValues, opts: SourceOptions): Promise<void> {
  const { mode, targets } = describeSources(flags);
  const timeoutMs = flags.timeout * 1000;
  const guard = async (name: string, f: () => Promise<EvidenceBundle>) => {
    try {
      opts.onBundle(await f());
    } catch (e) {
      opts.onError(name, e instanceof ScanError ? e : new ScanError('internal', (e as Error).message, name));
    }
  };
  switch (mode) {
    case 'snapshot':
      for (const file of snapshotFiles(flags.snapshot ?? [], (dir, why) => opts.onError(dir, new ScanError('input', `${dir}: ${why}`, dir)))) {
        await guard(file, async () => {
          const b = loadSnapshot(file);
          if (b.target.kind !== opts.kind) throw new ScanError('input', `${file}: a ${b.target.kind} snapshot, not a ${opts.kind} one (use \`vmaudit scan ${b.target.kind}\`)`, file);
          return b;
        });
      }
      return;
    case 'root':
    case 'local': {
      const name = mode === 'root' ? (flags.root as string) : 'localhost';
      opts.log(`vmaudit: collecting ${opts.kind} evidence from ${name}${mode === 'root' ? ' (offline root: live-only checks are skipped)' : ''}...`);
      await guard(name, () => collectEvidence(new LocalRunner({ label: name }), { kind: opts.kind, root: flags.root, live: mode === 'local', name, timeoutMs, items: opts.items }));
      return;
    }
    case 'ssh': {
      // ssh_config files are read once for the whole fleet, not once per target.
      const { configs, problems } = loadDefaultConfigs({ configFile: flags['ssh-config'] });
      const bad = problems.filter((p) => p.level === 'error');
      if (bad.length) throw new UsageError(bad.map((p) => (p.location ? `${p.location.file}:${p.location.line}: ${p.message}` : p.message)).join('\n'));
      const remoteRoot = flags['remote-root'];
      if (remoteRoot !== undefined) opts.log(`vmaudit: collecting ${opts.kind} evidence from ${remoteRoot} on each target (offline root: live-only checks are skipped)`);
      const outcome = await runFleet(
        targets,
        async (t) => {
          const runner = sshRunnerFor(t, { sudo: flags.sudo, acceptNewHostKeys: flags['accept-new-host-keys'], configs });
          try {
            const bundle = await collectEvidence(runner, { kind: opts.kind, live: true, root: remoteRoot, name: t.name, transport: 'ssh', timeoutMs, items: opts.items }).catch((e: unknown) => {
              // Output over the limit: what arrived complete is scanned, and the host is still reported as failed.
              if (e instanceof ScanError && e.partial) opts.onBundle(e.partial);
              throw e;
            });
            opts.onBundle(bundle);
          } finally {
            await runner.close();
          }
        },
        { concurrency: flags.concurrency, noun: opts.kind === 'host' ? 'hosts' : 'guests' },
      );
      for (const f of outcome.failures) opts.onError(f.target.name, f.error);
    }
  }
}

/**
 * The files `--snapshot` names: a file as given; a directory (the per-host outputs a runner fetched, e.g.
 * ansible/collect.yml's out/<inventory_hostname>): its regular files in name order, not recursive, dot-files
 * skipped. An empty or unreadable directory is reported through `bad`; a missing file is left to the loader's error.
 */
export function snapshotFiles(args: readonly string[], bad: (dir: string, why: string) => void): string[] {
  const out: string[] = [];
  for (const arg of args) {
    const listed = readDirectoryArg(arg, (d) => d.isFile() || (d.isSymbolicLink() && isFile(path.join(arg, d.name))));
    if (listed.kind === 'file') out.push(arg);
    else if (listed.kind === 'unlistable') bad(arg, `cannot list the snapshot directory: ${(listed.error as NodeJS.ErrnoException).code ?? (listed.error as Error).message}`);
    else {
      if (!listed.names.length) bad(arg, 'no snapshot file in this directory');
      out.push(...listed.names.map((n) => path.join(arg, n)));
    }
  }
  return out;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
