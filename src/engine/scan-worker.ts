import { parentPort, workerData } from 'node:worker_threads';
import type { Rule } from './generated/rule';
import type { RuleSettings } from './evaluate';
import { ScanAccumulator, type RuleSelection } from './scan';
import { readDomainArg, scanDomainInput } from './scan-domains';

/**
 * Worker thread of scanDomainFilesParallel (scan-parallel.ts): receives batches of domain files, scans them with
 * the rules and per-rule settings the main thread resolved, and posts back each batch's accumulator state.
 */
export interface ScanWorkerData {
  rules: Rule[];
  settings: Record<string, RuleSettings>;
  platform?: RuleSelection['platform'];
}

if (parentPort) {
  const port = parentPort;
  const { rules, settings, platform } = workerData as ScanWorkerData;
  const selection: RuleSelection = { name: 'worker', enabled: () => true, settings: (r) => settings[r.id] ?? {}, ...(platform ? { platform } : {}) };
  const acc = new ScanAccumulator(rules, selection);
  port.on('message', (files: string[]) => {
    for (const f of files) scanDomainInput(acc, readDomainArg(f));
    port.postMessage(acc.takeState());
  });
}
