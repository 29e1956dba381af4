#!/usr/bin/env node
'use strict';
/**
 * Writes oclif.manifest.json from the compiled commands in dist/commands (run by `npm run build`, after tsc).
 * With a manifest, oclif finds commands, flags and help without requiring every command module at start-up; it
 * loads only the command being run. This does what `oclif manifest` does (the oclif 6 CLI needs Node 22), using
 * @oclif/core's own Plugin loader, so the format is exactly the one @oclif/core reads.
 */
const fs = require('node:fs');
const path = require('node:path');
const { Plugin } = require('@oclif/core');

async function main() {
  const root = path.resolve(__dirname, '..');
  const out = path.join(root, 'oclif.manifest.json');
  fs.rmSync(out, { force: true });
  const plugin = new Plugin({ root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true });
  await plugin.load();
  const ids = Object.keys(plugin.manifest.commands);
  if (ids.length === 0) throw new Error('no commands found in dist/commands (run tsc first)');
  fs.writeFileSync(out, JSON.stringify(plugin.manifest, null, 2) + '\n');
  process.stdout.write(`oclif.manifest.json: ${ids.sort().join(', ')}\n`);
}

main().catch((err) => {
  process.stderr.write(`gen-manifest: ${err.stack ?? err}\n`);
  process.exit(1);
});
