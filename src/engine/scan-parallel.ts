import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Worker as WorkerType } from 'node:worker_threads';
import type { Rule } from './generated/rule';
import type { ScanResult } from './findings';
import { ALL_RULES, ScanAccumulator, type AccumulatorState, type RuleSelection } from './scan';
import { domainFileRules, readDomainArg, scanDomainFiles, scanDomainInput, type DomainInput } from './scan-domains';
import type { ScanWorkerData } from './scan-worker';

/** Below this many files a batch is scanned on the main thread: starting workers would cost more than it saves. */
export const PARALLEL_MIN_FILES = 200;
const BATCH = 100;
/**
 * Heap caps per worker: the per-file garbage is collected early instead of growing the heap (peak RSS). A worker
 * keeps nothing between files but its batch's results, so a small young generation costs little (measured on the
 * 10,000-file bench, three runs each: 8 MB takes 0.5 s (4 %) longer than V8's default for ~40 MB less peak RSS;
 * 4 MB is markedly slower).
 */
const WORKER_OLD_GEN_MB = 128;
const WORKER_YOUNG_GEN_MB = 8;

/**
 * The worker's code: scan-worker.js, loaded the way bin/run.js loads the CLI's modules (the build's code cache and
 * CommonJS copy of the CEL library, src/cli/compile-cache.ts: same code, loaded faster) unless VMAUDIT_NO_COMPILE_CACHE
 * is set or the build made none.
 */
function workerScript(workerFile: string): string {
  const root = path.join(__dirname, '..', '..');
  const cache = path.join(root, 'dist', 'cli', 'compile-cache.js');
  const install = fs.existsSync(cache) && !process.env.VMAUDIT_NO_COMPILE_CACHE ? `require(${JSON.stringify(cache)}).install(${JSON.stringify(root)});` : '';
  return `${install}require(${JSON.stringify(workerFile)});`;
}

/** Worker count: VMAUDIT_WORKERS when set (1 = none), else one per CPU (at most 8) for large batches. */
export function workerCount(files: number, env: NodeJS.ProcessEnv = process.env): number {
  const forced = Number.parseInt(env.VMAUDIT_WORKERS ?? '', 10);
  if (Number.isInteger(forced) && forced >= 1) return Math.min(forced, 64);
  if (files < PARALLEL_MIN_FILES) return 1;
  const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cpus, 8, Math.ceil(files / BATCH)));
}

/**
 * scanDomainFiles across worker threads (`preread`: inputs already read, e.g. stdin, scanned on this thread). Workers pull batches of files; the main thread merges their results, and
 * ScanAccumulator.result() sorts everything, so the result (and every report) is byte-identical whatever the worker
 * count and timing. A batch whose worker fails (e.g. runs out of its memory cap) is rescanned on the main thread.
 */
export async function scanDomainFilesParallel(files: readonly string[], rules: readonly Rule[], selection: RuleSelection = ALL_RULES, workers = workerCount(files.length), preread: readonly DomainInput[] = []): Promise<ScanResult> {
  const workerFile = path.join(__dirname, 'scan-worker.js'); // absent when running from sources (ts-jest)
  if (workers <= 1 || files.length === 0 || !fs.existsSync(workerFile)) return scanDomainFiles(files, rules, selection, preread);
  // Loaded here, not at start-up: a one-file scan never needs it (~2.5 ms).
  const { Worker } = require('node:worker_threads') as { Worker: typeof WorkerType };
  const acc = new ScanAccumulator(domainFileRules(rules), selection);
  // Inputs already read (stdin) are scanned here; the result is sorted, so where does not matter.
  for (const input of preread) scanDomainInput(acc, input);
  const enabled = acc.rules;
  const data: ScanWorkerData = { rules: enabled, settings: Object.fromEntries(enabled.map((r) => [r.id, selection.settings(r)])), ...(selection.platform ? { platform: selection.platform } : {}) };
  const batches: string[][] = [];
  for (let i = 0; i < files.length; i += BATCH) batches.push(files.slice(i, i + BATCH));
  const failed: string[][] = [];
  let next = 0;
  const runWorker = () =>
    new Promise<void>((resolve) => {
      const w = new Worker(workerScript(workerFile), { eval: true, workerData: data, resourceLimits: { maxOldGenerationSizeMb: WORKER_OLD_GEN_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_GEN_MB } });
      let current: string[] | undefined;
      const feed = () => {
        current = batches[next++];
        if (current) w.postMessage(current);
        else void w.terminate();
      };
      w.on('message', (state: AccumulatorState) => {
        acc.absorb(state);
        feed();
      });
      w.on('error', () => {
        if (current) failed.push(current);
        current = undefined;
      });
      w.on('exit', () => {
        if (current) failed.push(current);
        resolve();
      });
      feed();
    });
  await Promise.all(Array.from({ length: Math.min(workers, batches.length) }, runWorker));
  // Batches left over by failed workers (their results were never absorbed) are scanned here.
  for (const batch of [...failed, ...batches.slice(next)]) for (const f of batch) scanDomainInput(acc, readDomainArg(f));
  return acc.result();
}
