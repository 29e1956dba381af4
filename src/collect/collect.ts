import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { EvidenceBundle, EvidenceTarget, FileMeta } from './evidence';
import { EVIDENCE_FORMAT, EVIDENCE_VERSION } from './evidence';
import { decodeFrames } from './frames';
import { redactSecrets } from './redact';
import type { ManifestItem } from './manifest';
import { manifestFor } from './manifest';
import type { ScriptRunner } from './runner';
import { ScanError } from './runner';
import { readInputText } from '../util/read-input';
import { compileScript } from './script';

export interface CollectOptions {
  kind: 'host' | 'guest';
  /** Audit a mounted/copied root instead of the running system (`VMAUDIT_ROOT`); live-only commands are skipped. */
  root?: string;
  /** Whether the target is the running system (live-only commands run). Forced false with `root`. */
  live: boolean;
  name: string;
  /** Default: 'root' with `root`, else 'local'. The SSH runner passes 'ssh'. */
  transport?: EvidenceTarget['transport'];
  timeoutMs?: number;
  /**
   * Fixture overlay (see fixtures/hosts/README.md): modes/owners git cannot keep. Default: $VMAUDIT_FIXTURE_META,
   * only when `root` is given.
   */
  fixtureMeta?: string;
  /** Override the manifest (tests). */
  items?: readonly ManifestItem[];
  /** Diagnostics about the collection (stream cut short, malformed frames). */
  onProblem?: (message: string) => void;
}

export const DEFAULT_COLLECT_TIMEOUT_MS = 10 * 60 * 1000;

let cachedVersion: string | undefined;
export function collectorVersion(): string {
  if (cachedVersion === undefined) {
    try {
      cachedVersion = String((JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown }).version ?? '0.0.0');
    } catch {
      cachedVersion = '0.0.0';
    }
  }
  return cachedVersion;
}

/** Run the manifest for `opts.kind` as one script through `runner` and decode it into an EvidenceBundle. */
export async function collectEvidence(runner: ScriptRunner, opts: CollectOptions): Promise<EvidenceBundle> {
  const items = opts.items ?? manifestFor(opts.kind);
  const compiled = compileScript(items, undefined, opts.kind);
  const env: Record<string, string> = {};
  let live = opts.live;
  if (opts.root !== undefined) {
    const root = path.resolve(opts.root).replace(/\/+$/, '');
    env.VMAUDIT_ROOT = root === '' ? '/' : root;
    live = false;
  }
  if (!live) env.VMAUDIT_LIVE = '0';
  const collectedAt = new Date().toISOString();
  const result = await runner.run(compiled.script, { env, timeoutMs: opts.timeoutMs ?? DEFAULT_COLLECT_TIMEOUT_MS });
  const decoded = decodeFrames(result.stdout, compiled.nonce, items);
  if (result.overflow && !decoded.complete && !decoded.problems.some((p) => p.startsWith('output ended early'))) throw new ScanError('protocol', `${runner.label}: ${result.overflow}`, runner.label);
  if (!decoded.complete && !decoded.problems.some((p) => p.startsWith('output ended early'))) {
    // The script never started: nothing usable.
    const why = result.stderr.trim().split('\n').slice(-3).join(' | ') || `exit ${result.exitCode ?? result.signal}`;
    throw new ScanError('protocol', `collection on ${runner.label} produced no evidence: ${why}`, runner.label);
  }
  for (const p of decoded.problems) opts.onProblem?.(`${runner.label}: ${p}`);
  if (!decoded.complete && result.stderr.trim()) opts.onProblem?.(`${runner.label}: stderr: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);

  const bundle: EvidenceBundle = {
    format: EVIDENCE_FORMAT,
    version: EVIDENCE_VERSION,
    target: { kind: opts.kind, name: opts.name, transport: opts.transport ?? (opts.root !== undefined ? 'root' : 'local') },
    collectedAt,
    collector: { name: 'vmaudit', version: collectorVersion() },
    privileged: decoded.uid === 0,
    files: decoded.files,
    dirs: decoded.dirs,
    commands: decoded.commands,
  };
  redactSecrets(bundle);
  if (opts.root !== undefined) {
    const metaFile = opts.fixtureMeta ?? process.env.VMAUDIT_FIXTURE_META;
    if (metaFile) applyFixtureMeta(bundle, loadFixtureMeta(metaFile));
    resolveOwnerNames(bundle);
  }
  if (result.overflow) {
    // The frames that arrived complete are evidence; the items after them are not (connection lost: not evaluated).
    const e = new ScanError('protocol', `${runner.label}: ${result.overflow} (the evidence that arrived complete was scanned)`, runner.label);
    e.partial = bundle;
    throw e;
  }
  return bundle;
}

export interface FixtureMeta {
  /** Applied to every stat'ed entry not listed in `paths` (a checkout is owned by whoever cloned it). */
  default?: { uid?: number; gid?: number };
  /** Directories that exist on the target but are empty (git does not keep empty directories). */
  emptyDirs?: string[];
  /** Absolute target path → permission bits (octal string, e.g. "0750") and numeric owner. */
  paths: Record<string, { mode?: string; uid?: number; gid?: number }>;
}

export function loadFixtureMeta(file: string): FixtureMeta {
  const read = readInputText(file, 'fixture-meta');
  if (!read.ok) throw new ScanError('input', `${file}: cannot read fixture meta: ${read.reason}`);
  let raw: unknown;
  try {
    raw = JSON.parse(read.data);
  } catch (e) {
    throw new ScanError('input', `${file}: invalid fixture meta: ${(e as Error).message}`);
  }
  const bad = (why: string): never => {
    throw new ScanError('input', `${file}: invalid fixture meta: ${why}`);
  };
  if (typeof raw !== 'object' || raw === null) bad('not an object');
  const m = raw as FixtureMeta;
  if (typeof m.paths !== 'object' || m.paths === null) bad('"paths" missing');
  for (const [p, v] of Object.entries(m.paths)) {
    if (!p.startsWith('/')) bad(`path ${p} is not absolute`);
    if (v.mode !== undefined && !/^0?[0-7]{3,4}$/.test(v.mode)) bad(`mode of ${p} must be an octal string like "0640"`);
    for (const k of ['uid', 'gid'] as const) if (v[k] !== undefined && !Number.isInteger(v[k])) bad(`${k} of ${p} must be an integer`);
  }
  if (m.emptyDirs !== undefined && (!Array.isArray(m.emptyDirs) || m.emptyDirs.some((d) => typeof d !== 'string' || !d.startsWith('/')))) bad('"emptyDirs" must list absolute paths');
  return m;
}

/** Overlay modes/owners from a fixture meta onto stat data (file type bits are kept). */
export function applyFixtureMeta(bundle: EvidenceBundle, meta: FixtureMeta): void {
  for (const d of meta.emptyDirs ?? []) {
    const e = bundle.dirs[d];
    if (e && e.state === 'missing') bundle.dirs[d] = { state: 'ok', entries: [], mode: 0o40755 };
  }
  const apply = (key: string, e: FileMeta): void => {
    if (e.mode === undefined && e.uid === undefined) return; // never stat'ed (missing...)
    const o = meta.paths[key];
    if (o) {
      if (o.mode !== undefined && e.mode !== undefined) e.mode = (e.mode & ~0o7777) | Number.parseInt(o.mode, 8);
      if (o.uid !== undefined) e.uid = o.uid;
      if (o.gid !== undefined) e.gid = o.gid;
    } else if (meta.default) {
      if (meta.default.uid !== undefined) e.uid = meta.default.uid;
      if (meta.default.gid !== undefined) e.gid = meta.default.gid;
    }
    delete e.owner;
    delete e.group;
  };
  for (const [k, e] of Object.entries(bundle.files)) apply(k, e);
  for (const [k, e] of Object.entries(bundle.dirs)) apply(k, e);
}

/** For --root audits: owner/group names from the target's own /etc/passwd and /etc/group (never the auditor's). */
export function resolveOwnerNames(bundle: EvidenceBundle): void {
  const table = (file: string): Map<number, string> => {
    const m = new Map<number, string>();
    const content = bundle.files[file]?.content ?? '';
    for (const line of content.split('\n')) {
      const f = line.split(':');
      if (f.length >= 3 && f[0] && /^\d+$/.test(f[2]) && !m.has(Number(f[2]))) m.set(Number(f[2]), f[0]);
    }
    return m;
  };
  const users = table('/etc/passwd');
  const groups = table('/etc/group');
  const fill = (e: FileMeta): void => {
    if (e.uid !== undefined && e.owner === undefined && users.has(e.uid)) e.owner = users.get(e.uid);
    if (e.gid !== undefined && e.group === undefined && groups.has(e.gid)) e.group = groups.get(e.gid);
  };
  Object.values(bundle.files).forEach(fill);
  Object.values(bundle.dirs).forEach(fill);
}
