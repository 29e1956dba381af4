'use strict';
/**
 * Fleet benchmark (`npm run bench`, after `npm run build`): N SSH targets on loopback at concurrency C.
 *
 * One throwaway OpenSSH sshd on 127.0.0.1 (own host/user keys, MaxStartups/MaxSessions raised) and a generated
 * ssh_config with N distinct Host aliases (hv001…) pointing at it. Every target audits the fixture root
 * fixtures/hosts/guide-literal through the remote-root mechanism (VMAUDIT_ROOT), so the remote work is real
 * collection work and identical on both sides:
 *
 *   vmaudit:  node bin/run.js scan host --targets-file T --ssh-config F --remote-root R --concurrency C
 *             --format sarif --output … (connect, collect, decode, evaluate every rule, write the report)
 *   OpenSSH:  the floor of collecting the same files with plain OpenSSH and no vmaudit at all (issue 14):
 *             xargs -P C -I{} sh -c 'ssh -F F -o BatchMode=yes {} tar cf - FILES... > out/{}' over the same
 *             targets, FILES being every file vmaudit reads content from on that root (taken from a local
 *             collection of it); the archives are only saved, nothing is decoded or evaluated.
 *
 * Runs alternate (vmaudit, OpenSSH, …) so machine noise hits both alike; medians are compared (ratio =
 * vmaudit / OpenSSH, target <= 1.0). Exec channels per host are counted from sshd's own log ("Starting session"
 * per accepted connection); must be exactly 1. Writes bench/fleet-results.json and prints a table.
 *
 * Options: --targets N (200)  --concurrency C (16)  --runs R (3)  --out FILE
 */
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'run.js');
const FIXTURE = path.join(ROOT, 'fixtures', 'hosts', 'guide-literal');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}
const TARGETS = Number(option('targets', 200));
const CONCURRENCY = Number(option('concurrency', 16));
const RUNS = Number(option('runs', 3));
const OUT = path.resolve(option('out', path.join(__dirname, 'fleet-results.json')));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function sbin(tool) {
  for (const d of ['/usr/sbin', '/sbin', '/usr/bin', '/bin']) if (fs.existsSync(path.join(d, tool))) return path.join(d, tool);
  return tool;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startSshd(dir) {
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const keygen = (f) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'vmaudit-bench', '-f', f], { stdio: 'ignore' });
  const hostKey = path.join(dir, 'host_ed25519');
  const clientKey = path.join(dir, 'client_ed25519');
  keygen(hostKey);
  keygen(clientKey);
  fs.writeFileSync(path.join(dir, 'authorized_keys'), fs.readFileSync(`${clientKey}.pub`));
  const port = await freePort();
  const config = path.join(dir, 'sshd_config');
  fs.writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // concurrency C needs C unauthenticated connections at once; leave headroom
      `MaxStartups ${Math.max(100, CONCURRENCY * 4)}`,
      'MaxSessions 10',
      'UseDNS no',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  const child = spawn(sbin('sshd'), ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => (log += d.toString()));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not start:\n${log}`)), 10000);
    const check = setInterval(() => {
      if (log.includes(`Server listening on 127.0.0.1 port ${port}.`)) {
        clearTimeout(timer);
        clearInterval(check);
        resolve();
      }
    }, 20);
    child.once('exit', (code) => {
      clearTimeout(timer);
      clearInterval(check);
      reject(new Error(`sshd exited with ${code}:\n${log}`));
    });
  });
  const [type, key] = fs.readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/);
  return {
    port,
    clientKey,
    knownHostsLine: `[127.0.0.1]:${port} ${type} ${key}\n`,
    log: () => log,
    resetLog: () => (log = ''),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * sshd log → sessions (exec channels) per accepted connection, in log order: a client port reused by a later
 * connection (200 connections on loopback can reuse one) starts a new entry.
 */
function channelsPerConnection(log) {
  const sessions = [];
  const current = new Map();
  for (const m of log.matchAll(/(Accepted publickey for \S+ from 127\.0\.0\.1 port (\d+))|(Starting session: .* for \S+ from 127\.0\.0\.1 port (\d+) id \d+$)/gm)) {
    if (m[1]) {
      current.set(m[2], sessions.length);
      sessions.push(0);
    } else if (current.has(m[4])) sessions[current.get(m[4])]++;
  }
  return sessions;
}

function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (d) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, status, stderr }));
  });
}

async function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'commands'))) throw new Error('dist/ is missing: run `npm run build` first');
  for (const tool of ['sshd', 'ssh', 'ssh-keygen', 'xargs']) {
    if (!fs.existsSync(sbin(tool))) throw new Error(`${tool} is not installed (openssh-server, openssh-client, findutils)`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-bench-fleet-'));
  fs.chmodSync(dir, 0o755);
  const sshd = await startSshd(dir);
  try {
    const names = Array.from({ length: TARGETS }, (_, i) => `hv${String(i + 1).padStart(3, '0')}`);
    const knownHosts = path.join(dir, 'known_hosts');
    fs.writeFileSync(knownHosts, sshd.knownHostsLine);
    const sshConfig = path.join(dir, 'ssh_config');
    fs.writeFileSync(
      sshConfig,
      [
        ...names.flatMap((n) => [`Host ${n}`, '  HostName 127.0.0.1', `  Port ${sshd.port}`, '  User root']),
        'Host *',
        `  IdentityFile ${sshd.clientKey}`,
        '  IdentitiesOnly yes',
        '  IdentityAgent none',
        `  UserKnownHostsFile ${knownHosts}`,
        '  GlobalKnownHostsFile none',
        '  StrictHostKeyChecking yes',
        '  ControlMaster no',
        '  ConnectTimeout 30',
        '',
      ].join('\n'),
    );
    const targetsFile = path.join(dir, 'targets.txt');
    fs.writeFileSync(targetsFile, names.join('\n') + '\n');

    // The exact payload vmaudit writes to the exec channel's stdin (same compiler, same env exports).
    const { compileScript } = require(path.join(ROOT, 'dist', 'collect', 'script'));
    const { manifestFor } = require(path.join(ROOT, 'dist', 'collect', 'manifest'));
    const { buildPayload } = require(path.join(ROOT, 'dist', 'collect', 'ssh', 'runner'));
    const payload = buildPayload(compileScript(manifestFor('host')).script, { VMAUDIT_ROOT: FIXTURE, VMAUDIT_LIVE: '0' });
    const scriptFile = path.join(dir, 'collect.sh');
    fs.writeFileSync(scriptFile, payload);

    const env = { ...process.env, SSH_AUTH_SOCK: '', VMAUDIT_FIXTURE_META: `${FIXTURE}.meta.json` };
    const report = path.join(dir, 'fleet.sarif');
    const vmauditArgs = [BIN, 'scan', 'host', '--targets-file', targetsFile, '--ssh-config', sshConfig, '--remote-root', FIXTURE, '--concurrency', String(CONCURRENCY), '--format', 'sarif', '--output', report, '--fail-on', 'none'];
    const outDir = path.join(dir, 'openssh-out');
    // the files vmaudit reads content from on this root (paths inside it only), for the tar floor
    const { collectEvidence } = require(path.join(ROOT, 'dist', 'collect', 'collect'));
    const { LocalRunner } = require(path.join(ROOT, 'dist', 'collect', 'local'));
    const { shellQuote } = require(path.join(ROOT, 'dist', 'collect', 'ssh', 'runner'));
    const local = await collectEvidence(new LocalRunner(), { kind: 'host', root: FIXTURE, live: false, name: 'bench' });
    const realRoot = fs.realpathSync(FIXTURE);
    const tarFiles = Object.values(local.files)
      .filter((f) => f.content !== undefined)
      .map((f) => path.join(FIXTURE, f.path))
      .filter((p) => {
        try {
          return fs.realpathSync(p).startsWith(`${realRoot}/`);
        } catch {
          return false;
        }
      });
    const tarCommand = `tar cf - ${tarFiles.map((f) => shellQuote(f)).join(' ')} 2>/dev/null`;
    const xargsArgs = ['-P', String(CONCURRENCY), '-I{}', 'sh', '-c', `ssh -F '${sshConfig}' -o BatchMode=yes {} ${shellQuote(tarCommand)} > '${outDir}/{}'`, 'sh'];

    const vm = [];
    const base = [];
    let channels = { vmaudit: [], openssh: [] };
    let outBytes = 0;
    // warm-up (page cache, sshd, node): one small run of each, not measured
    await run(process.execPath, vmauditArgs.map((a) => (a === targetsFile ? (fs.writeFileSync(`${targetsFile}.warm`, names.slice(0, CONCURRENCY).join('\n')), `${targetsFile}.warm`) : a)), { env });
    for (let i = 0; i < RUNS; i++) {
      process.stderr.write(`fleet run ${i + 1}/${RUNS}: vmaudit...\n`);
      sshd.resetLog();
      const a = await run(process.execPath, vmauditArgs, { env });
      if (a.status !== 0) throw new Error(`vmaudit exited ${a.status}: ${a.stderr.slice(-2000)}`);
      const log = JSON.parse(fs.readFileSync(report, 'utf8'));
      const targets = log.runs[0].properties.targets.length;
      const failed = (log.runs[0].properties.targetsFailed ?? []).length;
      if (targets !== TARGETS || failed !== 0) throw new Error(`vmaudit scanned ${targets} targets, ${failed} failed`);
      vm.push(a.ms);
      process.stderr.write(`  ${round(a.ms, 0)} ms\n`);
      channels.vmaudit = channelsPerConnection(sshd.log());

      process.stderr.write(`fleet run ${i + 1}/${RUNS}: xargs -P${CONCURRENCY} ssh...\n`);
      fs.rmSync(outDir, { recursive: true, force: true });
      fs.mkdirSync(outDir);
      sshd.resetLog();
      const b = await new Promise((resolve, reject) => {
        const t0 = process.hrtime.bigint();
        const child = spawn('xargs', xargsArgs, { cwd: dir, stdio: ['pipe', 'ignore', 'pipe'], env });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d.toString()));
        child.once('error', reject);
        child.once('close', (status) => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, status, stderr }));
        child.stdin.end(names.join('\n') + '\n');
      });
      if (b.status !== 0) throw new Error(`xargs ssh exited ${b.status}: ${b.stderr.slice(-2000)}`);
      const outs = fs.readdirSync(outDir);
      outBytes = outs.reduce((n, f) => n + fs.statSync(path.join(outDir, f)).size, 0);
      if (outs.length !== TARGETS || outs.some((f) => fs.statSync(path.join(outDir, f)).size < 10240)) throw new Error('OpenSSH baseline: some archives are missing or empty');
      base.push(b.ms);
      process.stderr.write(`  ${round(b.ms, 0)} ms\n`);
      channels.openssh = channelsPerConnection(sshd.log());
    }

    const perHost = (xs) => ({ connections: xs.length, min: Math.min(...xs), max: Math.max(...xs) });
    const results = {
      date: new Date().toISOString(),
      machine: { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, openssh: spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr.trim() || null },
      setup: { targets: TARGETS, concurrency: CONCURRENCY, runs: RUNS, root: path.relative(ROOT, FIXTURE), scriptBytes: Buffer.byteLength(payload), baseline: `xargs -P${CONCURRENCY} ssh HOST tar cf - FILES (${tarFiles.length} files)`, tarBytesPerHost: Math.round(outBytes / TARGETS) },
      vmauditMs: round(median(vm), 0),
      opensshMs: round(median(base), 0),
      ratio: round(median(vm) / median(base), 2),
      target: 1.0,
      vmauditRunsMs: vm.map((x) => round(x, 0)),
      opensshRunsMs: base.map((x) => round(x, 0)),
      execChannelsPerHost: { vmaudit: perHost(channels.vmaudit), openssh: perHost(channels.openssh) },
    };
    results.pass = { ratio: results.ratio <= 1.0, oneChannelPerHost: results.execChannelsPerHost.vmaudit.connections === TARGETS && results.execChannelsPerHost.vmaudit.min === 1 && results.execChannelsPerHost.vmaudit.max === 1 };
    fs.writeFileSync(OUT, JSON.stringify(results, null, 2) + '\n');
    const c = results.execChannelsPerHost.vmaudit;
    process.stdout.write(
      [
        `fleet: ${TARGETS} SSH targets on loopback, concurrency ${CONCURRENCY} (medians of ${RUNS} runs)`,
        `  vmaudit scan host (collect + evaluate + SARIF)  ${results.vmauditMs} ms`,
        `  xargs -P${CONCURRENCY} ssh tar cf - FILES (floor)      ${results.opensshMs} ms`,
        `  ratio ${results.ratio}x (target <= 1.0x) ${results.pass.ratio ? 'ok' : 'NOT MET'}`,
        `  exec channels per host: ${c.min === c.max ? c.min : `${c.min}-${c.max}`} over ${c.connections} connections ${results.pass.oneChannelPerHost ? 'ok' : 'NOT MET'}`,
        `  (written to ${path.relative(ROOT, OUT)})`,
        '',
      ].join('\n'),
    );
  } finally {
    await sshd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`bench/fleet: ${e.stack || e}\n`);
  process.exit(1);
});
