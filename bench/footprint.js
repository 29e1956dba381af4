'use strict';
/**
 * Target footprint of one host audit (`npm run bench`, after `npm run build`; issue 14): the compiled host collection
 * script run exactly as the local runner runs it (`sh` reading the script on stdin), on each fixture root
 * (VMAUDIT_ROOT, as `--root` / `--remote-root` do) and on this machine itself (live).
 *
 *   processes: successful execve() calls in the script's process tree (`strace -f -e trace=execve`), the shell
 *              itself included, with the programs counted by name;
 *   CPU:       user + system time of the script's whole process tree, from the kernel's own accounting of reaped
 *              children: an outer `sh -c 'sh <script; times'` prints its children's cumulative times (wait4 rusage),
 *              median of --runs runs without strace.
 *
 * Writes bench/footprint-results.json (or --out FILE) and prints a table. Targets: <= 50 processes and <= 0.2 s CPU
 * per host audit.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}
const RUNS = Number(option('runs', 5));
const OUT = path.resolve(option('out', path.join(__dirname, 'footprint-results.json')));
const MAX_PROCESSES = 50;
const MAX_CPU_S = 0.2;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** dash/bash `times` output: two lines "Xm Y.Ys Xm Y.Ys" (shell, then children). */
function childrenCpu(timesOut) {
  const lines = timesOut.trim().split('\n');
  const secs = [...lines[lines.length - 1].matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (secs.length !== 2) throw new Error(`cannot read times output: ${timesOut}`);
  return { user: secs[0], sys: secs[1] };
}

function measure(script, env, label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-footprint-'));
  try {
    const scriptFile = path.join(dir, 'collect.sh');
    fs.writeFileSync(scriptFile, script);
    const trace = path.join(dir, 'trace');
    const runEnv = { ...process.env, ...env };
    const st = spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve', '-o', trace, 'sh'], { input: script, env: runEnv, maxBuffer: 1 << 30 });
    if (st.status !== 0 && st.status !== null && !fs.existsSync(trace)) throw new Error(`strace failed: ${st.stderr}`);
    if (!st.stdout.includes(Buffer.from(' DONE'))) throw new Error(`${label}: the script did not complete under strace`);
    const programs = {};
    let processes = 0;
    for (const line of fs.readFileSync(trace, 'utf8').split('\n')) {
      const m = /execve\("([^"]*)".* = 0$/.exec(line);
      if (!m) continue;
      processes++;
      const name = path.basename(m[1]);
      programs[name] = (programs[name] ?? 0) + 1;
    }
    const cpu = [];
    const wall = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync('sh', ['-c', 'sh < "$1" >/dev/null 2>&1; times', 'sh', scriptFile], { env: runEnv, encoding: 'utf8' });
      wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const c = childrenCpu(r.stdout);
      cpu.push(c.user + c.sys);
    }
    const top = Object.entries(programs)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    return { target: label, processes, programs: top, cpuSeconds: Math.round(median(cpu) * 1000) / 1000, wallMs: Math.round(median(wall)), outputBytes: st.stdout.length };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'collect', 'script.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const { compileScript } = require(path.join(ROOT, 'dist', 'collect', 'script'));
  const { manifestFor } = require(path.join(ROOT, 'dist', 'collect', 'manifest'));
  const script = compileScript(manifestFor('host')).script;
  const fixtures = path.join(ROOT, 'fixtures', 'hosts');
  const roots = fs
    .readdirSync(fixtures)
    .filter((d) => fs.statSync(path.join(fixtures, d)).isDirectory())
    .sort();
  const rows = [];
  for (const r of roots) rows.push(measure(script, { VMAUDIT_ROOT: path.join(fixtures, r), VMAUDIT_LIVE: '0' }, `fixture ${r}`));
  rows.push(measure(script, {}, `this machine (live, uid ${process.getuid?.()})`));
  const results = {
    date: new Date().toISOString(),
    machine: { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null },
    runs: RUNS,
    limits: { processes: MAX_PROCESSES, cpuSeconds: MAX_CPU_S },
    hosts: rows,
    pass: rows.every((r) => r.processes <= MAX_PROCESSES && r.cpuSeconds <= MAX_CPU_S),
  };
  fs.writeFileSync(OUT, JSON.stringify(results, null, 2) + '\n');
  const w = Math.max(...rows.map((r) => r.target.length));
  process.stdout.write(`target footprint of one host audit (processes: strace execve; CPU: user+sys of the process tree, median of ${RUNS})\n`);
  for (const r of rows) process.stdout.write(`  ${r.target.padEnd(w)}  ${String(r.processes).padStart(5)} processes  ${r.cpuSeconds.toFixed(3)} s CPU  ${String(r.wallMs).padStart(5)} ms  (${r.programs})\n`);
  process.stdout.write(`  limits: <= ${MAX_PROCESSES} processes, <= ${MAX_CPU_S} s CPU: ${results.pass ? 'ok' : 'NOT MET'}\n  (written to ${path.relative(ROOT, OUT)})\n`);
}

main();
