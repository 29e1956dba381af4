import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** A fresh temp dir that other users can traverse (tests run parts as `nobody`). */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  chmodSync(d, 0o755);
  return d;
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export function canRun(argv: string[]): boolean {
  try {
    execFileSync(argv[0], [...argv.slice(1), '-c', 'exit 0'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Hash of every path under dir: type, mode, uid, gid, size, mtime, content / link target. */
export function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (rel: string): void => {
    const abs = path.join(dir, rel);
    const st = lstatSync(abs, { bigint: true });
    h.update(`${rel}\0${st.mode}\0${st.uid}\0${st.gid}\0${st.size}\0${st.mtimeNs}\0`);
    if (st.isSymbolicLink()) h.update(readlinkSync(abs));
    else if (st.isFile()) h.update(readFileSync(abs));
    else if (st.isDirectory()) for (const e of readdirSync(abs).sort()) walk(path.join(rel, e));
  };
  walk('.');
  return h.digest('hex');
}
