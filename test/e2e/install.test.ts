import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, runCli } from '../helpers/cli';

const run = promisify(execFile);

/**
 * The install the README documents, done for real: `npm pack` of this checkout, then `npm install -g` of the tarball
 * into a temporary prefix, and the installed `vmaudit` run from outside the checkout. The built dist/ is reused
 * (`--ignore-scripts` skips prepack's rebuild); the dependencies come from the npm cache or the registry.
 */
describe('npm pack + npm install -g ./vmaudit-*.tgz', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-install-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('gives a working vmaudit on PATH: --version, rules list, scan domain - (from another directory)', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: REPO_ROOT, maxBuffer: 64 << 20 });
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    const files = info.files.map((f) => f.path);
    // What the CLI needs at run time is in the tarball; sources, tests and the dev entry point are not.
    for (const f of ['bin/run.js', 'oclif.manifest.json', 'dist/commands/scan/domain.js', 'dist/rules.bundle.json', 'dist/policies.bundle.json', 'package.json', 'README.md']) expect(files).toContain(f);
    expect(files.filter((f) => /^(src|test|scripts)\//.test(f) || f === 'bin/dev.js')).toEqual([]);

    const prefix = path.join(tmp, 'prefix');
    await run('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', path.join(tmp, info.filename)], { cwd: tmp, timeout: 240_000 });
    const bin = path.join(prefix, 'bin', 'vmaudit');
    const env = { ...process.env, NO_COLOR: '1' };
    const version = await run(bin, ['--version'], { cwd: tmp, env });
    expect(version.stdout).toMatch(new RegExp(`^vmaudit/${pkg.version.replace(/\./g, '\\.')} `));

    const [installed, fromClone] = await Promise.all([run(bin, ['rules', 'list'], { cwd: tmp, env, maxBuffer: 16 << 20 }), runCli(['rules', 'list'])]);
    expect(fromClone.code).toBe(0);
    expect(installed.stdout).toBe(fromClone.stdout);

    // The installed copy scans on its own (its rules, policies and schemas): a domain piped in, as in docs/ci.md.
    const xml = fs.readFileSync(path.join(REPO_ROOT, 'fixtures', 'domains', 'guide-svirt-none.xml'));
    const scanned = await new Promise<{ code: number; stdout: string }>((resolve) => {
      const child = execFile(bin, ['scan', 'domain', '-', '-f', 'json'], { cwd: tmp, env, maxBuffer: 16 << 20 }, (err, stdout) => resolve({ code: err ? Number(err.code) : 0, stdout }));
      child.stdin!.end(xml);
    });
    const reference = await runCli(['scan', 'domain', '-', '-f', 'json'], { input: xml });
    expect(scanned.code).toBe(reference.code);
    expect(scanned.stdout).toBe(reference.stdout);
  }, 300_000);
});
