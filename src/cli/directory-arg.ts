import * as fs from 'node:fs';

/**
 * A command-line argument that may name a directory standing for files in it (`scan domain DIR`, `--snapshot DIR`):
 * `file` when it is not a directory (or cannot be stat'ed: read as a file, which reports why); `dir` with the names of
 * the entries `keep` accepts, hidden ones skipped as the shell's glob does, in name order (UTF-16 code units), not
 * recursive; `unlistable` when the directory cannot be read.
 */
export type DirectoryArg = { kind: 'file' } | { kind: 'dir'; names: string[] } | { kind: 'unlistable'; error: unknown };

export function readDirectoryArg(arg: string, keep: (entry: fs.Dirent) => boolean): DirectoryArg {
  try {
    if (!fs.statSync(arg).isDirectory()) return { kind: 'file' };
  } catch {
    return { kind: 'file' };
  }
  try {
    const names = fs
      .readdirSync(arg, { withFileTypes: true })
      .filter((d) => !d.name.startsWith('.') && keep(d))
      .map((d) => d.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { kind: 'dir', names };
  } catch (error) {
    return { kind: 'unlistable', error };
  }
}
