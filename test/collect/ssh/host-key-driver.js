/**
 * Runs inside the host-key oracle test's mount namespace (its own /etc/hosts): for each case, `ssh` itself and
 * vmaudit's SshRunner (compiled dist/) connect to the test sshd with the same ssh_config and known_hosts layout
 * (each with its own copy of the files, since both may write to them). Prints one JSON array.
 * argv: <dist/collect/ssh/runner.js> <cases.json>
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');

const { SshRunner } = require(process.argv[2]);
const cases = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));

(async () => {
  const out = [];
  for (const c of cases) {
    const shkc = c.policy === 'accept-new' ? 'accept-new' : 'yes';
    const ssh = spawnSync('ssh', ['-F', c.sshConfig, '-o', 'BatchMode=yes', '-o', `StrictHostKeyChecking=${shkc}`, c.target, 'true'], { encoding: 'utf8', timeout: 30000 });
    let vm;
    const runner = SshRunner.fromTarget(c.target, { configFile: c.vmConfig, acceptNewHostKeys: c.policy === 'accept-new', interactive: false, connectTimeoutMs: 15000 });
    try {
      const r = await runner.run('true\n', { timeoutMs: 30000 });
      vm = { ok: true, exitCode: r.exitCode };
    } catch (e) {
      vm = { ok: false, kind: e.kind, message: e.message };
    }
    await runner.close().catch(() => undefined);
    out.push({ id: c.id, policy: c.policy, ssh: { status: ssh.status, stderr: ssh.stderr }, vm });
  }
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
})();
