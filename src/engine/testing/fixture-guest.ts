import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CommandEvidence, EvidenceBundle, FileEvidence } from '../../collect/evidence';
import { PACKAGE_ROOT } from '../rule-loader';
import { bundleFromCase, type EvidenceCase } from './evidence-case';

/**
 * Fixture guests (`fixtures/guests/<name>/`) turned into evidence bundles for tests:
 *
 *   root/...          the guest's file system as a tree (`root/etc/qemu/qemu-ga.conf` is /etc/qemu/qemu-ga.conf);
 *                     every file is a readable regular file (mode 0644 root:root unless meta.json says otherwise),
 *                     every directory also yields a directory listing
 *   commands.json     { "<command id>": { "stdout": "...", "exitCode": 0 } | { "stdoutFile": "commands/x.txt" } |
 *                       { "state": "not-found" } } — commands not listed are not found
 *   meta.json         optional: { "name", "privileged",
 *                       "files":   { "/path": { "mode": "0664", "uid": 0, "gid": 107, "owner": "root", "group": "qemu",
 *                                              "state": "denied" } },   (overrides for collected files / extra items)
 *                       "links":   { "/sys/class/tpm/tpm0/device/driver": "../../../../bus/pnp/drivers/tpm_crb" },
 *                       "devices": [ "/dev/tpm0" ] }                   (character devices: state not-regular)
 * The findings each fixture must produce are asserted in test/fixtures/guests.test.ts.
 *
 * The same layout is what `--root DIR` collection reads, so a fixture's root/ is also a valid --root target.
 */
export const FIXTURE_GUESTS_DIR = path.join(PACKAGE_ROOT, 'fixtures', 'guests');

interface FixtureMeta {
  name?: string;
  privileged?: boolean;
  files?: Record<string, Partial<Omit<FileEvidence, 'mode'>> & { mode?: string | number }>;
  links?: Record<string, string>;
  devices?: string[];
}

type CommandSpec = Partial<CommandEvidence> & { stdoutFile?: string };

function readJson<T>(file: string, dflt: T): T {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : dflt;
}

/** `"0664"` / `"664"` / 0o664 → stat mode of a regular file. */
function statMode(m: string | number): number {
  const bits = typeof m === 'number' ? m : parseInt(m, 8);
  return bits > 0o7777 ? bits : 0o100000 | bits;
}

export function loadFixtureGuest(nameOrDir: string): EvidenceBundle {
  const dir = path.isAbsolute(nameOrDir) ? nameOrDir : path.join(FIXTURE_GUESTS_DIR, nameOrDir);
  const meta = readJson<FixtureMeta>(path.join(dir, 'meta.json'), {});
  const ev: EvidenceCase = { privileged: meta.privileged ?? true, files: {}, dirs: {}, commands: {} };
  const root = path.join(dir, 'root');
  const walk = (abs: string, rel: string) => {
    const entries = fs.readdirSync(abs, { withFileTypes: true });
    ev.dirs![rel === '' ? '/' : rel] = entries.map((e) => e.name);
    for (const e of entries) {
      const a = path.join(abs, e.name);
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(a, r);
      else if (e.isFile()) ev.files![r] = fs.readFileSync(a, 'utf8');
    }
  };
  if (fs.existsSync(root)) walk(root, '');
  for (const [id, spec] of Object.entries(readJson<Record<string, CommandSpec>>(path.join(dir, 'commands.json'), {}))) {
    const { stdoutFile, ...rest } = spec;
    ev.commands![id] = stdoutFile ? { ...rest, stdout: fs.readFileSync(path.join(dir, stdoutFile), 'utf8') } : rest;
  }
  const bundle = bundleFromCase('guest', ev, meta.name ?? path.basename(dir));
  for (const [p, o] of Object.entries(meta.files ?? {})) {
    const { mode, ...rest } = o;
    const base: FileEvidence = bundle.files[p] ?? { path: p, state: 'ok' };
    bundle.files[p] = { ...base, ...rest, ...(mode !== undefined ? { mode: statMode(mode) } : {}) };
  }
  for (const [p, target] of Object.entries(meta.links ?? {})) bundle.files[p] = { path: p, state: 'not-regular', mode: 0o120777, linkTarget: target };
  for (const p of meta.devices ?? []) bundle.files[p] = { path: p, state: 'not-regular', mode: 0o20660, uid: 0, gid: 0, owner: 'root', group: 'tss' };
  return bundle;
}
