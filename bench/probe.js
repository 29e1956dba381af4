'use strict';
/**
 * Preloaded into the measured vmaudit process by bench/run.js (`node --require bench/probe.js`): when the process
 * exits, writes its peak resident set size (getrusage ru_maxrss: the whole process, worker threads included) and its
 * CPU time (user + system, all threads) to the file named by VMAUDIT_BENCH_PROBE. The CLI itself is not changed.
 */
const out = process.env.VMAUDIT_BENCH_PROBE;
if (out && require('node:worker_threads').isMainThread) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    require('node:fs').writeFileSync(out, JSON.stringify({ maxRssKiB: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }));
  });
}
