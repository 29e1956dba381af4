'use strict';
/**
 * `npm run bench` (after `npm run build`): generates 10,000 domain XMLs (bench/generate.js) into .bench/domains and
 * measures, with the real CLI (bin/run.js) in child processes:
 *   (a) `vmaudit scan domain <all files> --format json --output F` wall time vs a bare fast-xml-parser parse of the
 *       same files in one node process (bench/baseline-parse.js); target ratio <= 1.5;
 *   (b) peak RSS of that vmaudit run (bench/probe.js reads getrusage at exit); target <= 300 MB;
 *   (c) `vmaudit scan domain one.xml` wall time vs `node -e 0`, medians of several runs; target <= 3x.
 * It also checks that the batch report is byte-identical with one worker and with the default worker count.
 * Prints a table and writes bench/results.json.
 *
 * Options: --count N (10000)  --seed S (1)  --runs R (3, batch runs per side)  --single-runs R (15)
 *          --workers N (sets VMAUDIT_WORKERS for the batch runs)  --no-determinism  --out FILE
 */
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { generate } = require('./generate');

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'run.js');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}
const COUNT = Number(option('count', 10000));
const SEED = Number(option('seed', 1));
const RUNS = Number(option('runs', 3));
const SINGLE_RUNS = Number(option('single-runs', 15));
const WORKERS = option('workers', undefined);
const OUT = path.resolve(option('out', path.join(__dirname, 'results.json')));
const CHECK_DETERMINISM = !process.argv.includes('--no-determinism');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** Runs a command to completion; returns wall milliseconds, exit status and stderr. */
function timed(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30, ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

const sha = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'commands'))) throw new Error('dist/ is missing: run `npm run build` first');
  const benchDir = path.join(ROOT, '.bench');
  const gen = generate({ dir: path.join(benchDir, 'domains'), count: COUNT, seed: SEED });
  // Relative paths, as a user would type them (and as they appear in the report).
  const files = gen.files.map((f) => path.relative(ROOT, f));
  process.stderr.write(`${gen.reused ? 'reusing' : 'generated'} ${COUNT} domains (${gen.stats.minBytes}-${gen.stats.maxBytes} bytes, mean ${gen.stats.meanBytes})\n`);

  const report = path.join(benchDir, 'report.json');
  const probe = path.join(benchDir, 'probe.json');
  const env = { ...process.env, VMAUDIT_BENCH_PROBE: probe };
  if (WORKERS !== undefined) env.VMAUDIT_WORKERS = WORKERS;
  const cliArgs = ['--require', path.join(__dirname, 'probe.js'), BIN, 'scan', 'domain', ...files, '--format', 'json', '--output', report, '--fail-on', 'none'];

  // (a) + (b): alternate baseline and vmaudit runs so that machine noise hits both alike.
  const base = [];
  const audit = [];
  const baseCpu = [];
  const auditCpu = [];
  const rss = [];
  const loadBefore = os.loadavg()[0];
  let reportSha;
  for (let i = 0; i < RUNS; i++) {
    process.stderr.write(`batch run ${i + 1}/${RUNS}...\n`);
    fs.rmSync(probe, { force: true });
    const b = timed(process.execPath, ['--require', path.join(__dirname, 'probe.js'), path.join(__dirname, 'baseline-parse.js'), ...files], { env });
    if (b.status !== 0) throw new Error(`baseline failed: ${b.stderr}`);
    base.push(b.ms);
    baseCpu.push(JSON.parse(fs.readFileSync(probe, 'utf8')).cpuMs);
    fs.rmSync(probe, { force: true });
    const a = timed(process.execPath, cliArgs, { env });
    // 3 = some targets could not be scanned: the generator plants a few malformed files on purpose.
    if (a.status !== 0 && a.status !== 3) throw new Error(`vmaudit exited ${a.status}: ${a.stderr.slice(0, 2000)}`);
    audit.push(a.ms);
    const p = JSON.parse(fs.readFileSync(probe, 'utf8'));
    rss.push(p.maxRssKiB / 1024);
    auditCpu.push(p.cpuMs);
    const s = sha(report);
    if (reportSha && s !== reportSha) throw new Error('the batch report differs between two identical runs');
    reportSha = s;
  }
  const loadAfter = os.loadavg()[0];
  const summary = JSON.parse(fs.readFileSync(report, 'utf8')).summary;

  // Determinism across worker counts: one worker must give the same bytes as the default.
  let determinism = null;
  if (CHECK_DETERMINISM) {
    process.stderr.write('determinism run with VMAUDIT_WORKERS=1...\n');
    const one = path.join(benchDir, 'report-1-worker.json');
    const args = cliArgs.map((a) => (a === report ? one : a));
    fs.rmSync(probe, { force: true });
    const r = timed(process.execPath, args, { env: { ...env, VMAUDIT_WORKERS: '1' } });
    if (r.status !== 0 && r.status !== 3) throw new Error(`vmaudit (1 worker) exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
    const p = JSON.parse(fs.readFileSync(probe, 'utf8'));
    determinism = { oneWorkerMs: round(r.ms, 0), oneWorkerCpuMs: round(p.cpuMs, 0), oneWorkerPeakRssMiB: round(p.maxRssKiB / 1024, 0), identical: sha(one) === reportSha };
  }

  // (c): one file, default text report, as a user runs it.
  const one = files[0];
  const single = [];
  const bare = [];
  timed(process.execPath, ['-e', '0']);
  timed(process.execPath, [BIN, 'scan', 'domain', one]);
  for (let i = 0; i < SINGLE_RUNS; i++) {
    bare.push(timed(process.execPath, ['-e', '0']).ms);
    const r = timed(process.execPath, [BIN, 'scan', 'domain', one]);
    if (r.status !== 0 && r.status !== 1) throw new Error(`vmaudit scan domain ${one} exited ${r.status}: ${r.stderr}`);
    single.push(r.ms);
  }

  const results = {
    date: new Date().toISOString(),
    // 1-minute load averages around the batch runs: wall times are only comparable on a quiet machine.
    load: { beforeBatch: round(loadBefore, 2), afterBatch: round(loadAfter, 2), afterAll: round(os.loadavg()[0], 2) },
    machine: { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, totalMemMiB: Math.round(os.totalmem() / 1048576) },
    input: { count: COUNT, seed: SEED, ...gen.stats },
    batch: {
      runs: RUNS,
      workers: WORKERS ?? 'default',
      baselineMs: round(median(base), 0),
      vmauditMs: round(median(audit), 0),
      ratio: round(median(audit) / median(base), 2),
      target: 1.5,
      // CPU time (user + system, all threads) is less sensitive to other load than wall time; the worker threads
      // spend more CPU in total than one thread would, to finish sooner.
      baselineCpuMs: round(median(baseCpu), 0),
      vmauditCpuMs: round(median(auditCpu), 0),
      cpuRatio: round(median(auditCpu) / median(baseCpu), 2),
      baselineRunsMs: base.map((x) => round(x, 0)),
      vmauditRunsMs: audit.map((x) => round(x, 0)),
      report: { sha256: reportSha, targets: summary.targets, targetsFailed: summary.targetsFailed, findings: summary.findings, notEvaluated: summary.notEvaluated },
      determinism,
    },
    memory: { peakRssMiB: round(Math.max(...rss), 0), target: 300, runsMiB: rss.map((x) => round(x, 0)) },
    startup: {
      runs: SINGLE_RUNS,
      file: one,
      vmauditMs: round(median(single), 1),
      nodeMs: round(median(bare), 1),
      ratio: round(median(single) / median(bare), 2),
      target: 3,
    },
  };
  results.pass = {
    throughput: results.batch.ratio <= 1.5,
    memory: results.memory.peakRssMiB <= 300,
    startup: results.startup.ratio <= 3,
    determinism: determinism === null ? null : determinism.identical,
  };
  fs.writeFileSync(OUT, JSON.stringify(results, null, 2) + '\n');

  const rows = [
    ['measure', 'vmaudit', 'reference', 'ratio / value', 'target', 'ok'],
    [`(a) audit ${COUNT} domains`, `${results.batch.vmauditMs} ms`, `${results.batch.baselineMs} ms (fast-xml-parser)`, `${results.batch.ratio}x`, '<= 1.5x', results.pass.throughput],
    ['(b) peak RSS of (a)', `${results.memory.peakRssMiB} MiB`, '', `${results.memory.peakRssMiB} MiB`, '<= 300 MiB', results.pass.memory],
    ['(c) scan domain one.xml', `${results.startup.vmauditMs} ms`, `${results.startup.nodeMs} ms (node -e 0)`, `${results.startup.ratio}x`, '<= 3x', results.pass.startup],
  ];
  rows.splice(2, 0, ['    CPU time of (a)', `${results.batch.vmauditCpuMs} ms`, `${results.batch.baselineCpuMs} ms`, `${results.batch.cpuRatio}x`, '(info)', '']);
  if (determinism) {
    rows.push(['(a) with VMAUDIT_WORKERS=1', `${determinism.oneWorkerMs} ms`, `cpu ${determinism.oneWorkerCpuMs} ms, ${determinism.oneWorkerPeakRssMiB} MiB`, `${round(determinism.oneWorkerMs / results.batch.baselineMs, 2)}x`, '(info)', '']);
    rows.push(['report, 1 worker vs default', '', '', determinism.identical ? 'identical' : 'DIFFERENT', 'identical', determinism.identical]);
  }
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  for (const r of rows) process.stdout.write(r.map((x, c) => String(x === true ? 'yes' : x === false ? 'NO' : x).padEnd(w[c])).join('  ').trimEnd() + '\n');
  process.stdout.write(`(${os.cpus().length} CPUs, ${process.version}, load average ${results.load.beforeBatch} → ${results.load.afterAll}; medians of ${RUNS} batch and ${SINGLE_RUNS} single-file runs; written to ${path.relative(ROOT, OUT)})\n`);
}

main();
