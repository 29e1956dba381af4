import { spawn } from 'node:child_process';
import type { ScriptResult, ScriptRunner, ScriptRunOptions } from './runner';
import { ScanError } from './runner';

export interface LocalRunnerOptions {
  /** argv that runs a POSIX sh reading the script from stdin; default `['sh']`. Tests use e.g. `['dash']` or a `setpriv ... sh` prefix. */
  shell?: string[];
  label?: string;
}

/**
 * Runs the collection script on this machine: `sh` with the script on stdin (the script parses itself completely
 * before running, and every command inside gets /dev/null as stdin). On timeout the whole process group is killed
 * and the promise rejects with ScanError('timeout').
 */
export class LocalRunner implements ScriptRunner {
  readonly label: string;
  private readonly shell: string[];

  constructor(options: LocalRunnerOptions = {}) {
    this.shell = options.shell ?? ['sh'];
    if (this.shell.length === 0) throw new ScanError('internal', 'LocalRunner: empty shell argv');
    this.label = options.label ?? 'localhost';
  }

  run(script: string, options: ScriptRunOptions = {}): Promise<ScriptResult> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [k, v] of Object.entries(options.env ?? {})) {
      if (!/^VMAUDIT_[A-Z0-9_]+$/.test(k)) throw new ScanError('internal', `refusing to pass environment variable ${k}`);
      env[k] = v;
    }
    return new Promise((resolve, reject) => {
      const child = spawn(this.shell[0], this.shell.slice(1), { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let errBytes = 0;
      let timedOut = false;
      let settled = false;
      const timer =
        options.timeoutMs !== undefined
          ? setTimeout(() => {
              timedOut = true;
              try {
                if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
              } catch {
                child.kill('SIGKILL');
              }
            }, options.timeoutMs)
          : undefined;
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => {
        if (errBytes < 1 << 20) err.push(d);
        errBytes += d.length;
      });
      child.on('error', (e) => {
        if (timer) clearTimeout(timer);
        if (settled) return;
        settled = true;
        reject(new ScanError('unreachable', `cannot start ${this.shell[0]}: ${e.message}`, this.label));
      });
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        if (settled) return;
        settled = true;
        if (timedOut) {
          reject(new ScanError('timeout', `collection on ${this.label} exceeded ${options.timeoutMs} ms`, this.label));
          return;
        }
        resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), exitCode: code, signal });
      });
      child.stdin.on('error', () => undefined); // EPIPE when the shell dies early: reported through 'close'
      child.stdin.end(script);
    });
  }
}
