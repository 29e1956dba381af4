import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, runCli } from '../helpers/cli';

/**
 * The start-up code cache (src/cli/compile-cache.ts, built by scripts/build-compile-cache.js): used only for the very
 * source it was made from, never changing what a module does; and the CLI gives the same bytes with and without it.
 * Runs the compiled module (dist/, as bin/run.js does) in child processes, so the test process's loader is untouched.
 */
const COMPILED = path.join(REPO_ROOT, 'dist', 'cli', 'compile-cache.js');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-compile-cache-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** In a fresh node: install() with `root`, require root/mod.js, print its value and the stats. */
function load(root: string, env: NodeJS.ProcessEnv = {}): { value: unknown; stats: { compiled: number; cached: number; rejected: number } } {
  const script = `const s = require(${JSON.stringify(COMPILED)}).install(${JSON.stringify(root)}); const v = require(${JSON.stringify(path.join(root, 'mod.js'))}).value(); process.stdout.write(JSON.stringify({ value: v, stats: s }));`;
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.VMAUDIT_NO_COMPILE_CACHE;
  delete childEnv.VMAUDIT_COMPILE_CACHE_WRITE;
  Object.assign(childEnv, env);
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { env: childEnv, encoding: 'utf8' }));
}

describe('compile cache', () => {
  it('is used for the source it was made from, and not for an edit of the same length (V8 checks only the length)', () => {
    const root = path.join(tmp, 'pkg');
    fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
    const mod = path.join(root, 'mod.js');
    fs.writeFileSync(mod, 'exports.value = function () { return [1, 2, 3].map((x) => x * 7); };\n');
    const made = load(root, { VMAUDIT_COMPILE_CACHE_WRITE: path.join(root, 'dist', 'compile-cache.bin') });
    expect(made.value).toEqual([7, 14, 21]);
    expect(made.stats).toMatchObject({ compiled: 1, cached: 0 });

    const again = load(root);
    expect(again.value).toEqual([7, 14, 21]);
    expect(again.stats).toMatchObject({ compiled: 1, cached: 1, rejected: 0 });

    // Same length, other code, mtime kept: only the content tells them apart.
    const st = fs.statSync(mod);
    fs.writeFileSync(mod, 'exports.value = function () { return [1, 2, 3].map((x) => x * 9); };\n');
    fs.utimesSync(mod, st.atime, st.mtime);
    const edited = load(root);
    expect(edited.value).toEqual([9, 18, 27]);
    expect(edited.stats).toMatchObject({ compiled: 1, cached: 0 });
  });

  it('answers require() from the recorded resolutions only while the file is there and the tree unchanged', () => {
    const root = path.join(tmp, 'res');
    fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(root, 'package.json'), '{"name": "res"}\n');
    fs.writeFileSync(path.join(root, 'mod.js'), "exports.value = () => require('./dep').name;\n");
    fs.writeFileSync(path.join(root, 'dep.js'), "exports.name = 'file';\n");
    expect(load(root, { VMAUDIT_COMPILE_CACHE_WRITE: path.join(root, 'dist', 'compile-cache.bin') }).value).toBe('file');
    expect(load(root)).toMatchObject({ value: 'file', stats: { resolved: 1 } }); // ./dep, required by mod.js
    // The recorded file is gone: Node resolves ./dep anew (to the directory's index.js).
    fs.rmSync(path.join(root, 'dep.js'));
    fs.mkdirSync(path.join(root, 'dep'));
    fs.writeFileSync(path.join(root, 'dep', 'index.js'), "exports.name = 'dir';\n");
    expect(load(root)).toMatchObject({ value: 'dir', stats: { resolved: 0 } });
    load(root, { VMAUDIT_COMPILE_CACHE_WRITE: path.join(root, 'dist', 'compile-cache.bin') });
    expect(load(root)).toMatchObject({ value: 'dir', stats: { resolved: 1 } });
    // Another installed tree (npm rewrote package.json): no recorded resolution is used at all.
    fs.writeFileSync(path.join(root, 'package.json'), '{"name": "res", "version": "2.0.0"}\n');
    expect(load(root)).toMatchObject({ value: 'dir', stats: { resolved: 0 } });
  });

  it('VMAUDIT_NO_COMPILE_CACHE=1 leaves the loader alone', () => {
    const root = path.join(tmp, 'pkg');
    expect(load(root, { VMAUDIT_NO_COMPILE_CACHE: '1' }).stats).toMatchObject({ compiled: 0, cached: 0 });
  });

  it('the built CLI gives the same reports with and without it', async () => {
    expect(fs.existsSync(path.join(REPO_ROOT, 'dist', 'compile-cache.bin'))).toBe(true);
    const file = path.join(REPO_ROOT, 'fixtures', 'domains', 'guide-vcpu-pinning.xml');
    for (const format of ['text', 'json', 'sarif']) {
      const [cached, plain] = await Promise.all([runCli(['scan', 'domain', file, '-f', format], { env: { VMAUDIT_NO_COMPILE_CACHE: undefined } }), runCli(['scan', 'domain', file, '-f', format], { env: { VMAUDIT_NO_COMPILE_CACHE: '1' } })]);
      expect(cached.code).toBe(plain.code);
      expect(cached.stdout).toBe(plain.stdout);
      expect(cached.stderr).toBe(plain.stderr);
    }
  });
});
