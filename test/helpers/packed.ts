import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './cli';

const run = promisify(execFile);

/**
 * Installs vmaudit as users do from a tarball: `npm pack` of this checkout (its built dist/; `--ignore-scripts` skips
 * prepack's rebuild) into `dir`, then `npm install --global --prefix DIR/prefix` of it (dependencies from the npm
 * cache, else the registry). Returns the directory holding the installed `vmaudit` command.
 */
export async function installPacked(dir: string): Promise<string> {
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: REPO_ROOT, maxBuffer: 64 << 20 });
  const [info] = JSON.parse(packed.stdout) as { filename: string }[];
  const prefix = path.join(dir, 'prefix');
  await run('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', path.join(dir, info.filename)], { cwd: dir, timeout: 240_000 });
  return path.join(prefix, 'bin');
}
