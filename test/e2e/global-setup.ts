import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * jest globalSetup: the CLI end-to-end tests spawn ./bin/run.js, which runs the compiled dist/. Compile first when
 * dist/ is missing or older than any file in src/, then rewrite oclif.manifest.json when older than a compiled
 * command (`npm test` builds anyway; this covers `npx jest test/e2e`).
 */
const ROOT = path.resolve(__dirname, '..', '..');

function newest(dir: string, ext: RegExp): number {
  let max = 0;
  if (!fs.existsSync(dir)) return max;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) max = Math.max(max, newest(p, ext));
    else if (ext.test(e.name)) max = Math.max(max, fs.statSync(p).mtimeMs);
  }
  return max;
}

export function distIsStale(): boolean {
  const built = newest(path.join(ROOT, 'dist'), /\.js$/);
  return built === 0 || newest(path.join(ROOT, 'src'), /\.(ts|json)$/) > built || fs.statSync(path.join(ROOT, 'tsconfig.json')).mtimeMs > built;
}

/** oclif finds commands (and their help) through oclif.manifest.json: a command compiled after it is invisible. */
export function manifestIsStale(): boolean {
  const manifest = path.join(ROOT, 'oclif.manifest.json');
  return !fs.existsSync(manifest) || newest(path.join(ROOT, 'dist', 'commands'), /\.js$/) > fs.statSync(manifest).mtimeMs;
}

export default function globalSetup(): void {
  if (distIsStale()) execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.json')], { cwd: ROOT, stdio: 'inherit' });
  if (manifestIsStale()) execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'gen-manifest.js')], { cwd: ROOT, stdio: 'inherit' });
}
