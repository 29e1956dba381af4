import { execFile } from 'node:child_process';
import * as path from 'node:path';

/** The repository root and the CLI as users run it (./bin/run.js runs the compiled dist/, see test/e2e/global-setup.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const CLI_BIN = path.join(REPO_ROOT, 'bin', 'run.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `./bin/run.js ARGS` as a child process with pipes (no terminal; `input` is its stdin) and NO_COLOR=1, from the repository root
 * unless `cwd` says otherwise. `env` entries are added to the test's environment; an undefined value removes one.
 * Never throws: a non-zero exit is in `code` (-1 when the process was killed).
 */
export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; /** written to the CLI's stdin, which is then closed */ input?: string | Buffer } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI_BIN, ...args], { cwd: opts.cwd ?? REPO_ROOT, env: { ...process.env, NO_COLOR: '1', ...opts.env }, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
    if (opts.input !== undefined) {
      // The CLI may stop reading early (over a size limit): a closed pipe is not an error of the test.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(opts.input);
    }
  });
}
