#!/usr/bin/env node
'use strict';
/**
 * Start-up products of `npm run build` (after tsc, the rules bundle and the oclif manifest), used by bin/run.js
 * through dist/cli/compile-cache.js (see there):
 *   1. dist/vendor/cel-js/: the ES module package @marcbachmann/cel-js transpiled to CommonJS (TypeScript's
 *      transpileModule, no other change), with source.json naming the version it was made from;
 *   2. dist/compile-cache.bin: V8's code cache of the modules that `vmaudit scan domain` loads and how their
 *      require() calls resolved, made by running the CLI on a fixture domain (text and JSON reports) with
 *      VMAUDIT_COMPILE_CACHE_WRITE set, merged.
 * Neither is needed: without them (or when they no longer match the sources) modules load the ordinary way.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const ts = require('typescript');

const ROOT = path.resolve(__dirname, '..');
const { CACHE_FILE, CEL_VENDOR_DIR, readCacheItems, treeStamp, writeCache } = require('../dist/cli/compile-cache');

// 1. The CommonJS copy of the CEL library.
const celMain = require.resolve('@marcbachmann/cel-js', { paths: [ROOT] });
const celLib = path.dirname(celMain);
const celPkg = JSON.parse(fs.readFileSync(path.join(celLib, '..', 'package.json'), 'utf8'));
const vendor = path.join(ROOT, CEL_VENDOR_DIR);
fs.rmSync(vendor, { recursive: true, force: true });
fs.mkdirSync(vendor, { recursive: true });
for (const f of fs.readdirSync(celLib).filter((x) => x.endsWith('.js'))) {
  const out = ts.transpileModule(fs.readFileSync(path.join(celLib, f), 'utf8'), {
    fileName: f,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: false, sourceMap: false },
  });
  if (out.diagnostics && out.diagnostics.length) {
    process.stderr.write(`build-compile-cache: ${f}: ${ts.flattenDiagnosticMessageText(out.diagnostics[0].messageText, '\n')}\n`);
    process.exit(1);
  }
  fs.writeFileSync(path.join(vendor, f), out.outputText);
}
for (const f of ['LICENSE', 'LICENSE.md']) if (fs.existsSync(path.join(celLib, '..', f))) fs.copyFileSync(path.join(celLib, '..', f), path.join(vendor, f));
fs.writeFileSync(path.join(vendor, 'source.json'), JSON.stringify({ package: celPkg.name, version: celPkg.version, license: celPkg.license }) + '\n');

// 2. The code cache, from real runs of the CLI.
const cacheFile = path.join(ROOT, CACHE_FILE);
fs.rmSync(cacheFile, { force: true });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-compile-cache-'));
const domain = path.join(ROOT, 'fixtures', 'domains', 'guide-vcpu-pinning.xml');
const runs = [
  ['scan', 'domain', domain],
  ['scan', 'domain', domain, '--format', 'json'],
];
const merged = {};
const resolutions = {};
runs.forEach((args, i) => {
  const out = path.join(tmp, `${i}.bin`);
  const env = { ...process.env, VMAUDIT_COMPILE_CACHE_WRITE: out };
  delete env.VMAUDIT_NO_COMPILE_CACHE;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'run.js'), ...args], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) {
    process.stderr.write(`build-compile-cache: vmaudit ${args.join(' ')} exited ${r.status}: ${r.stderr}\n`);
    process.exit(1);
  }
  // The run that compiled more of a module (more functions run) gives the larger cache: keep that one.
  const run = readCacheItems(out);
  Object.assign(resolutions, run.resolutions);
  for (const [key, e] of Object.entries(run.items)) {
    const have = merged[key];
    if (!have || (have.source === e.source && e.data.length > have.data.length)) merged[key] = { source: e.source, data: Buffer.from(e.data) };
  }
});
fs.rmSync(tmp, { recursive: true, force: true });
writeCache(cacheFile, merged, resolutions, treeStamp(ROOT));
const bytes = Object.values(merged).reduce((n, e) => n + e.data.length, 0);
process.stdout.write(`${path.relative(ROOT, cacheFile)}: ${Object.keys(merged).length} modules, ${Object.keys(resolutions).length} resolutions, ${Math.round(bytes / 1024)} KiB; ${path.relative(ROOT, vendor)}: ${celPkg.name} ${celPkg.version} as CommonJS\n`);
