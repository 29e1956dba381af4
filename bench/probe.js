'use strict';
/**
 * Preloaded into the measured vmaudit process by bench/run.js (`node --require bench/probe.js`): when the process
 * exits, writes its peak resident set size (getrusage ru_maxrss: the whole process, worker threads included) to the
 * file named by VMAUDIT_BENCH_PROBE. The CLI itself is not changed.
 */
const out = process.env.VMAUDIT_BENCH_PROBE;
if (out && require('node:worker_threads').isMainThread) {
  process.on('exit', () => {
    require('node:fs').writeFileSync(out, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }));
  });
}
