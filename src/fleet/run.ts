/**
 * Runs one async job per target with bounded concurrency and per-target failure isolation: a failing (or
 * throwing) target is recorded as `{ target, error: ScanError }` and never stops the others. Progress goes to
 * stderr: a bar (hosts done / failed, ETA) when the stream is a TTY; otherwise one line per failed target as it
 * happens. A summary line ends both.
 */
import { SingleBar } from 'cli-progress';
import { ScanError, type ScriptResult, type ScriptRunOptions } from '../collect/runner';
import type { ResolveOptions } from '../collect/ssh/config';
import { SshRunner, type SshRunnerOptions } from '../collect/ssh/runner';
import type { FleetTarget } from './targets';

export const DEFAULT_CONCURRENCY = 16;

export interface FleetResult<T, R> {
  target: T;
  value: R;
}
export interface FleetFailure<T> {
  target: T;
  error: ScanError;
}
export interface FleetOutcome<T, R> {
  /** Successes, in target order. */
  results: FleetResult<T, R>[];
  /** Failures, in target order. */
  failures: FleetFailure<T>[];
}

type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface RunFleetOptions<T> {
  /** At most this many jobs run at once (default 16). */
  concurrency?: number;
  /** Target name for messages (default: `name` property, else String(t)). */
  nameOf?: (target: T) => string;
  /** 'auto' (default): bar on a TTY, lines otherwise; 'none': silent. */
  progress?: 'auto' | 'bar' | 'lines' | 'none';
  /** Where progress goes (default process.stderr). */
  stream?: ProgressStream;
  /** Word for the bar and the summary (default "hosts"). */
  noun?: string;
  /** When aborted, targets not yet started fail with ScanError('internal', 'cancelled'). */
  signal?: AbortSignal;
}

function defaultName(t: unknown): string {
  if (t && typeof t === 'object' && 'name' in t && typeof (t as { name: unknown }).name === 'string') return (t as { name: string }).name;
  return String(t);
}

function toScanError(e: unknown, name: string): ScanError {
  if (e instanceof ScanError) return e.target === undefined ? new ScanError(e.kind, e.message, name) : e;
  const message = e instanceof Error ? e.message : String(e);
  return new ScanError('internal', `${name}: ${message}`, name);
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export async function runFleet<T, R>(targets: readonly T[], job: (target: T, index: number) => Promise<R>, options: RunFleetOptions<T> = {}): Promise<FleetOutcome<T, R>> {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ScanError('input', `--concurrency must be a positive integer, got ${concurrency}`);
  const nameOf = options.nameOf ?? defaultName;
  const stream: ProgressStream = options.stream ?? process.stderr;
  const mode = options.progress ?? 'auto';
  const noun = options.noun ?? 'hosts';
  const useBar = mode === 'bar' || (mode === 'auto' && stream.isTTY === true);
  const useLines = mode === 'lines' || (mode === 'auto' && !useBar);
  const started = Date.now();

  const outcome: ({ ok: true; value: R } | { ok: false; error: ScanError } | undefined)[] = new Array(targets.length);
  let done = 0;
  let failed = 0;
  let bar: SingleBar | undefined;
  if (useBar && targets.length > 0) {
    bar = new SingleBar({
      stream: stream as NodeJS.WritableStream,
      format: `scanning [{bar}] {value}/{total} ${noun} | {failed} failed | ETA {eta_formatted}`,
      hideCursor: false,
      clearOnComplete: true,
      etaBuffer: 20,
      fps: 5,
    });
    bar.start(targets.length, 0, { failed: 0 });
  }
  const failedLines: string[] = [];
  const report = (index: number, error: ScanError): void => {
    const line = `failed: ${error.message} [${error.kind}]\n`;
    if (useLines) stream.write(line);
    else failedLines.push(line);
    void index;
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const index = next++;
      if (index >= targets.length) return;
      const target = targets[index];
      const name = nameOf(target);
      let result: { ok: true; value: R } | { ok: false; error: ScanError };
      if (options.signal?.aborted) {
        result = { ok: false, error: new ScanError('internal', `${name}: cancelled before it started`, name) };
      } else {
        try {
          result = { ok: true, value: await job(target, index) };
        } catch (e) {
          result = { ok: false, error: toScanError(e, name) };
        }
      }
      outcome[index] = result;
      done++;
      if (!result.ok) {
        failed++;
        report(index, result.error);
      }
      bar?.update(done, { failed });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, () => worker()));
  bar?.stop();

  const out: FleetOutcome<T, R> = { results: [], failures: [] };
  outcome.forEach((o, i) => {
    if (!o) return;
    if (o.ok) out.results.push({ target: targets[i], value: o.value });
    else out.failures.push({ target: targets[i], error: o.error });
  });
  if (mode !== 'none') {
    for (const l of failedLines) stream.write(l);
    const byKind = new Map<string, number>();
    for (const f of out.failures) byKind.set(f.error.kind, (byKind.get(f.error.kind) ?? 0) + 1);
    const kinds = [...byKind].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${v}`).join(', ');
    stream.write(
      `${targets.length} ${noun}: ${out.results.length} ok, ${out.failures.length} failed${kinds ? ` (${kinds})` : ''} in ${formatSeconds(Date.now() - started)}\n`,
    );
  }
  return out;
}

/** An SshRunner for an inventory/CLI target (its ansible_user/ansible_port win over ssh_config). */
export function sshRunnerFor(target: FleetTarget, options: SshRunnerOptions & ResolveOptions = {}): SshRunner {
  let runner: SshRunner;
  try {
    runner = SshRunner.fromTarget(target.address, { ...options, overrides: { ...options.overrides, ...target.overrides } });
  } catch (e) {
    if (e instanceof ScanError && target.name !== target.address) throw new ScanError(e.kind, `${target.name}: ${e.message}`, target.name);
    throw e;
  }
  // keep the inventory name in messages (`hv01: …`, not the address it resolves to)
  runner.target.name = target.name;
  return runner;
}

/** Runs one script on every target over SSH (one connection, one exec channel each); the usual fleet scan. */
export function runScriptOnFleet(
  targets: readonly FleetTarget[],
  script: string,
  options: SshRunnerOptions & ResolveOptions & RunFleetOptions<FleetTarget> & { run?: ScriptRunOptions } = {},
): Promise<FleetOutcome<FleetTarget, ScriptResult>> {
  return runFleet(
    targets,
    async (t) => {
      const runner = sshRunnerFor(t, options);
      try {
        return await runner.run(script, options.run);
      } finally {
        await runner.close();
      }
    },
    options,
  );
}
