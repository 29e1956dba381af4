'use strict';
/**
 * `npm run bench` (after `npm run build`): generates 10,000 domain XMLs (bench/generate.js) into .bench/domains and
 * measures, with the real CLI (bin/run.js) in child processes:
 *   (a) `vmaudit scan domain <all files> --format json --output F` wall time vs a bare fast-xml-parser parse of the
 *       same files in one node process (bench/baseline-parse.js); target ratio <= 1.0 (issue 14);
 *   (b) peak RSS of that vmaudit run (bench/probe.js reads getrusage at exit); target <= 300 MB;
 *   (c) `vmaudit scan domain one.xml` wall time vs `node -e 0`, medians of several runs; target <= 2.5x;
 *   (d) the same batch audit on real domain XML: libvirt's own test-suite files (the corpus of test/corpus, cached by
 *       scripts/fetch-libvirt-corpus.sh under .cache/libvirt-corpus; never fetched here: skipped with a line saying
 *       so when absent), vs `xmllint --noout` over the same files (libxml2, what libvirt itself parses with: the
 *       physical reference) and vs the bare fast-xml-parser parse; reported, no target.
 * It also checks that the batch report is byte-identical with one worker and with the default worker count.
 * Every side is run alternately with its reference, so that machine noise hits both alike; the per-run ratios are
 * kept (ratioRuns) to show how noisy the machine was.
 * Prints a table and writes bench/results.json.
 *
 * Options: --count N (10000)  --seed S (1)  --runs R (3, batch runs per side)  --single-runs R (15)
 *          --workers N (sets VMAUDIT_WORKERS for the batch runs)  --no-determinism  --no-corpus  --out FILE
 *          --only memory ((b) alone: R vmaudit runs, figures printed, results file untouched)
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
const CORPUS = !process.argv.includes('--no-corpus');
const TARGET = { batch: 1.0, memoryMiB: 300, startup: 2.5 };
const CORPUS_DIRS = ['qemuxml2argvdata', 'qemuxml2xmloutdata', 'genericxml2xmlindata', 'qemustatusxml2xmldata'];

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

/** The cached libvirt test corpus (scripts/fetch-libvirt-corpus.sh), newest version; undefined when absent. */
function corpusDir() {
  const cache = path.join(ROOT, '.cache', 'libvirt-corpus');
  if (!fs.existsSync(cache)) return undefined;
  const done = fs.readdirSync(cache).filter((d) => /^libvirt-/.test(d) && fs.existsSync(path.join(cache, d, '.complete')));
  done.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return done.length ? path.join(cache, done[done.length - 1], 'tests') : undefined;
}

/**
 * (d): vmaudit over libvirt's own test XMLs vs `xmllint --noout` and the bare fast-xml-parser parse of the same files,
 * alternating, RUNS times each; all three run in the corpus directory with the same relative names.
 */
function corpusBatch(env) {
  const dir = corpusDir();
  if (!dir) return { skipped: 'no cached corpus (run scripts/fetch-libvirt-corpus.sh once to fetch it)' };
  const xmllint = spawnSync('xmllint', ['--version']);
  if (xmllint.error) return { skipped: 'xmllint not found (apt-get install libxml2-utils)' };
  const files = CORPUS_DIRS.filter((d) => fs.existsSync(path.join(dir, d))).flatMap((d) =>
    fs.readdirSync(path.join(dir, d)).filter((f) => f.endsWith('.xml')).sort().map((f) => `${d}/${f}`),
  );
  const bytes = files.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
  const probe = env.VMAUDIT_BENCH_PROBE;
  const report = path.join(ROOT, '.bench', 'corpus-report.json');
  const cpu = () => JSON.parse(fs.readFileSync(probe, 'utf8')).cpuMs;
  const side = { vmaudit: [], xmllint: [], baseline: [], vmauditCpu: [], baselineCpu: [] };
  let reportSha;
  for (let i = 0; i < RUNS; i++) {
    process.stderr.write(`corpus run ${i + 1}/${RUNS}...\n`);
    // xmllint exits non-zero on the corpus's few files that are not well-formed: only a failure to run is an error.
    const x = timed('xmllint', ['--noout', ...files], { cwd: dir });
    if (x.status === null) throw new Error(`xmllint did not finish: ${x.stderr.slice(0, 500)}`);
    side.xmllint.push(x.ms);
    fs.rmSync(probe, { force: true });
    const b = timed(process.execPath, ['--require', path.join(__dirname, 'probe.js'), path.join(__dirname, 'baseline-parse.js'), ...files], { cwd: dir, env });
    if (b.status !== 0) throw new Error(`baseline failed on the corpus: ${b.stderr}`);
    side.baseline.push(b.ms);
    side.baselineCpu.push(cpu());
    fs.rmSync(probe, { force: true });
    const a = timed(process.execPath, ['--require', path.join(__dirname, 'probe.js'), BIN, 'scan', 'domain', ...files, '--format', 'json', '--output', report, '--fail-on', 'none'], { cwd: dir, env });
    if (a.status !== 0 && a.status !== 3) throw new Error(`vmaudit exited ${a.status} on the corpus: ${a.stderr.slice(0, 2000)}`);
    side.vmaudit.push(a.ms);
    side.vmauditCpu.push(cpu());
    const s = sha(report);
    if (reportSha && s !== reportSha) throw new Error('the corpus report differs between two identical runs');
    reportSha = s;
  }
  const m = (k) => median(side[k]);
  return {
    dir: path.relative(ROOT, dir),
    files: files.length,
    totalBytes: bytes,
    runs: RUNS,
    vmauditMs: round(m('vmaudit'), 0),
    xmllintMs: round(m('xmllint'), 0),
    baselineMs: round(m('baseline'), 0),
    ratioXmllint: round(m('vmaudit') / m('xmllint'), 2),
    ratioBaseline: round(m('vmaudit') / m('baseline'), 2),
    vmauditCpuMs: round(m('vmauditCpu'), 0),
    baselineCpuMs: round(m('baselineCpu'), 0),
    cpuRatioBaseline: round(m('vmauditCpu') / m('baselineCpu'), 2),
    vmauditRunsMs: side.vmaudit.map((x) => round(x, 0)),
    xmllintRunsMs: side.xmllint.map((x) => round(x, 0)),
    baselineRunsMs: side.baseline.map((x) => round(x, 0)),
    reportSha256: reportSha,
  };
}

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

  // `--only memory`: (b) alone (vmaudit runs, no baseline, no start-up or corpus runs); prints the figures and leaves
  // bench/results.json as it is.
  if (option('only', '') === 'memory') {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      fs.rmSync(probe, { force: true });
      const load = os.loadavg()[0];
      const a = timed(process.execPath, cliArgs, { env });
      if (a.status !== 0 && a.status !== 3) throw new Error(`vmaudit exited ${a.status}: ${a.stderr.slice(0, 2000)}`);
      const p = JSON.parse(fs.readFileSync(probe, 'utf8'));
      runs.push({ peakRssMiB: round(p.maxRssKiB / 1024, 0), cpuMs: round(p.cpuMs, 0), wallMs: round(a.ms, 0), loadBefore: round(load, 2), loadAfter: round(os.loadavg()[0], 2), reportSha256: sha(report) });
    }
    process.stdout.write(`${JSON.stringify({ workers: WORKERS ?? 'default', target: TARGET.memoryMiB, peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)), runs }, null, 2)}\n`);
    return;
  }

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

  const corpus = CORPUS ? corpusBatch(env) : { skipped: 'not run (--no-corpus)' };

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
      ratioRuns: audit.map((x, i) => round(x / base[i], 2)),
      target: TARGET.batch,
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
    memory: { peakRssMiB: round(Math.max(...rss), 0), target: TARGET.memoryMiB, runsMiB: rss.map((x) => round(x, 0)) },
    startup: {
      runs: SINGLE_RUNS,
      file: one,
      vmauditMs: round(median(single), 1),
      nodeMs: round(median(bare), 1),
      ratio: round(median(single) / median(bare), 2),
      // Spread of the per-pair ratios (each vmaudit run over the node -e 0 run just before it): the machine's noise.
      ratioSpread: (() => { const r = single.map((x, i) => x / bare[i]); return [round(Math.min(...r), 2), round(median(r), 2), round(Math.max(...r), 2)]; })(),
      target: TARGET.startup,
    },
    corpus,
  };
  results.pass = {
    throughput: results.batch.ratio <= TARGET.batch,
    memory: results.memory.peakRssMiB <= TARGET.memoryMiB,
    startup: results.startup.ratio <= TARGET.startup,
    determinism: determinism === null ? null : determinism.identical,
  };
  fs.writeFileSync(OUT, JSON.stringify(results, null, 2) + '\n');

  const rows = [
    ['measure', 'vmaudit', 'reference', 'ratio / value', 'target', 'ok'],
    [`(a) audit ${COUNT} domains`, `${results.batch.vmauditMs} ms`, `${results.batch.baselineMs} ms (fast-xml-parser)`, `${results.batch.ratio}x`, `<= ${TARGET.batch}x`, results.pass.throughput],
    ['(b) peak RSS of (a)', `${results.memory.peakRssMiB} MiB`, '', `${results.memory.peakRssMiB} MiB`, `<= ${TARGET.memoryMiB} MiB`, results.pass.memory],
    ['(c) scan domain one.xml', `${results.startup.vmauditMs} ms`, `${results.startup.nodeMs} ms (node -e 0)`, `${results.startup.ratio}x`, `<= ${TARGET.startup}x`, results.pass.startup],
  ];
  if (corpus.skipped) rows.push([`(d) libvirt corpus: skipped`, '', '', corpus.skipped, '', '']);
  else {
    rows.push([`(d) audit ${corpus.files} libvirt test XMLs`, `${corpus.vmauditMs} ms`, `${corpus.xmllintMs} ms (xmllint --noout)`, `${corpus.ratioXmllint}x`, '(info)', '']);
    rows.push(['    same files', '', `${corpus.baselineMs} ms (fast-xml-parser)`, `${corpus.ratioBaseline}x`, '(info)', '']);
    rows.push(['    CPU time of (d)', `${corpus.vmauditCpuMs} ms`, `${corpus.baselineCpuMs} ms (fast-xml-parser)`, `${corpus.cpuRatioBaseline}x`, '(info)', '']);
  }
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
