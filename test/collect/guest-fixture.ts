import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EvidenceBundle } from '../../src/collect/evidence';
import { FIXTURE_GUESTS_DIR, loadFixtureGuest } from '../../src/engine/testing/fixture-guest';

/**
 * A fixture guest (fixtures/guests/<name>/) as the real collector sees it: `root/` is collected with
 * `--root` (commands are live-only, so they are not run there), then what a plain tree cannot carry is laid over
 * it exactly as the fixture loader reads it: the recorded command outputs (commands.json) and meta.json's stat
 * overrides, symlinks and device nodes. Everything else must come from the collector itself.
 */
export const FIXTURE_GUEST_NAMES = fs
  .readdirSync(FIXTURE_GUESTS_DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

export const fixtureRoot = (name: string): string => path.join(FIXTURE_GUESTS_DIR, name, 'root');

interface GuestMeta {
  files?: Record<string, unknown>;
  links?: Record<string, string>;
  devices?: string[];
}

/** Evidence keys (files) whose value comes from meta.json, not from the tree. */
export function metaKeys(name: string): string[] {
  const f = path.join(FIXTURE_GUESTS_DIR, name, 'meta.json');
  const meta = (fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : {}) as GuestMeta;
  return [...Object.keys(meta.files ?? {}), ...Object.keys(meta.links ?? {}), ...(meta.devices ?? [])];
}

/** Collector meta overlay (collect.ts FixtureMeta): the loader's "every file is root-owned" convention. */
export function collectorMetaFile(dir: string): string {
  const file = path.join(dir, 'guest-fixture.meta.json');
  fs.writeFileSync(file, JSON.stringify({ default: { uid: 0, gid: 0 }, paths: {} }));
  return file;
}

/** `collected` (a --root collection of the fixture's root) with the fixture's commands and meta.json laid over it. */
export function withFixtureOverlay(collected: EvidenceBundle, name: string): EvidenceBundle {
  const loaded = loadFixtureGuest(name);
  const files = { ...collected.files };
  for (const k of metaKeys(name)) files[k] = loaded.files[k];
  return { ...collected, target: { ...collected.target, name: loaded.target.name }, privileged: loaded.privileged, files, commands: { ...loaded.commands } };
}
