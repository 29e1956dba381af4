import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, runCli } from '../helpers/cli';
import { installPacked } from '../helpers/packed';

/**
 * The container image (Containerfile) without a container runtime: its entry point, scripts/container/entrypoint.sh,
 * is run for real with vmaudit on PATH from a packed install (as the image installs it) on files in a directory
 * standing for the /work mount; the Containerfile is checked for what a build needs (every COPY source exists and
 * is in the build context, the package's files are copied or built, the ENTRYPOINT is that script).
 */
const ENTRYPOINT = path.join(REPO_ROOT, 'scripts', 'container', 'entrypoint.sh');
const CONTAINERFILE = path.join(REPO_ROOT, 'Containerfile');

interface Instruction {
  op: string;
  args: string;
  line: number;
}

/** Containerfile instructions: comments dropped, backslash continuations joined. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: Instruction | undefined;
  text.split('\n').forEach((raw, i) => {
    if (!pending && /^\s*(#|$)/.test(raw)) return;
    const continued = /\\\s*$/.test(raw);
    const body = raw.replace(/\\\s*$/, '');
    if (pending) pending.args += ` ${body.trim()}`;
    else {
      const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(body);
      if (!m) throw new Error(`Containerfile:${i + 1}: not an instruction: ${raw}`);
      pending = { op: m[1].toUpperCase(), args: m[2].trim(), line: i + 1 };
    }
    if (!continued) {
      out.push(pending!);
      pending = undefined;
    }
  });
  if (pending) out.push(pending);
  return out;
}

/** Stages of a multi-stage build: the instructions after each FROM. */
function stages(all: Instruction[]): Instruction[][] {
  const out: Instruction[][] = [];
  for (const i of all) {
    if (i.op === 'FROM') out.push([]);
    out[out.length - 1]?.push(i);
  }
  return out;
}

const copyArgs = (i: Instruction) => i.args.split(/\s+/).filter((a) => !a.startsWith('--'));

describe('Containerfile', () => {
  const all = instructions(fs.readFileSync(CONTAINERFILE, 'utf8'));
  const [build, final] = [stages(all)[0], stages(all).at(-1)!];
  const ignored = fs
    .readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('every COPY from the build context names files that exist and that .dockerignore keeps', () => {
    const fromContext = all.filter((i) => i.op === 'COPY' && !/--from=/.test(i.args));
    expect(fromContext.length).toBeGreaterThan(0);
    for (const c of fromContext) {
      for (const src of copyArgs(c).slice(0, -1)) {
        expect([`Containerfile:${c.line}`, src, fs.existsSync(path.join(REPO_ROOT, src))]).toEqual([`Containerfile:${c.line}`, src, true]);
        expect([`Containerfile:${c.line}`, src, ignored.filter((p) => src === p || src.startsWith(`${p}/`))]).toEqual([`Containerfile:${c.line}`, src, []]);
      }
    }
  });

  it('the build stage copies what `npm run build` and `npm pack` need (package.json "files": copied or built)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { files: string[]; scripts: Record<string, string> };
    const copied = build.filter((i) => i.op === 'COPY').flatMap((c) => copyArgs(c).slice(0, -1));
    const covered = (f: string) => copied.some((c) => f === c || f.startsWith(`${c}/`));
    const built = ['dist', 'oclif.manifest.json']; // written by npm run build
    for (const f of pkg.files) expect([f, covered(f) || built.includes(f)]).toEqual([f, true]);
    for (const script of pkg.scripts.build.match(/scripts\/[\w.-]+\.js/g) ?? []) expect([script, covered(script)]).toEqual([script, true]);
    for (const f of ['package-lock.json', 'tsconfig.json', 'src']) expect([f, covered(f)]).toEqual([f, true]);
    const runs = build.filter((i) => i.op === 'RUN').map((i) => i.args).join('\n');
    expect(runs).toContain('npm run build');
    expect(runs).toContain('npm pack');
  });

  it('runs as a non-root user, from the /work mount, with scripts/container/entrypoint.sh as its ENTRYPOINT', () => {
    const entry = final.filter((i) => i.op === 'ENTRYPOINT');
    expect(entry).toHaveLength(1);
    const argv = JSON.parse(entry[0].args) as string[]; // exec form: signals reach vmaudit, no shell around it
    const copy = final.find((i) => i.op === 'COPY' && copyArgs(i)[0] === 'scripts/container/entrypoint.sh');
    expect(copy).toBeDefined();
    expect(argv).toEqual([copyArgs(copy!).at(-1)]);
    const user = final.filter((i) => i.op === 'USER').at(-1);
    expect(user).toBeDefined();
    expect(user!.args).not.toMatch(/^(root|0)(:|$)/);
    expect(final.filter((i) => i.op === 'WORKDIR').at(-1)?.args).toBe('/work');
    expect(final.find((i) => i.op === 'ENV')?.args).toMatch(/\bVMAUDIT_WORK=\/work\b/);
    for (const from of all.filter((i) => i.op === 'FROM')) expect(from.args).toMatch(/\bnode:20-bookworm-slim\b/);
  });
});

describe('scripts/container/entrypoint.sh with vmaudit from npm pack on PATH', () => {
  let tmp: string;
  let work: string;
  let env: NodeJS.ProcessEnv;
  const FILES = ['guide-svirt-none.xml', 'good-nvme.xml', 'guide-rdm-physical.xml']; // high, low, medium findings

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-container-'));
    work = path.join(tmp, 'work');
    fs.mkdirSync(work);
    for (const f of FILES) fs.copyFileSync(path.join(REPO_ROOT, 'fixtures', 'domains', f), path.join(work, f));
    const bin = await installPacked(tmp);
    env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, VMAUDIT_WORK: work, NO_COLOR: '1' };
  }, 300_000);
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** The entry point as the image runs it (sh, from another directory: it must cd to the mount itself). */
  const entry = (args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile('sh', [ENTRYPOINT, ...args], { cwd: tmp, env: { ...env, ...opts.env }, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
      );
      child.stdin!.on('error', () => undefined); // the script may exit before reading stdin
      child.stdin!.end(opts.input ?? '');
    });

  it('no arguments: scans every *.xml of the mount, as `vmaudit scan domain .` there; the exit code is the gate\'s', async () => {
    const [r, ref] = await Promise.all([entry([]), runCli(['scan', 'domain', '.'], { cwd: work })]);
    expect(ref.code).toBe(1); // high findings, default gate high
    expect(r.code).toBe(ref.code);
    expect(r.stdout).toBe(ref.stdout);
    expect(r.stderr).toBe(ref.stderr);
    for (const f of FILES) expect(r.stdout).toContain(`${f}\n`);
  });

  it('flags only: passed through to the scan of the mount (format, gate, -o into the mount)', async () => {
    const r = await entry(['-f', 'JSON', '--fail-on', 'critical', '-o', 'sarif=report.sarif', '-o', '-', '-q']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const files = new Set((JSON.parse(r.stdout).findings as { location: { file: string } }[]).map((f) => f.location.file));
    expect([...files].sort()).toEqual([...FILES].sort());
    const sarif = JSON.parse(fs.readFileSync(path.join(work, 'report.sarif'), 'utf8'));
    expect(sarif.runs[0].results.length).toBe(JSON.parse(r.stdout).findings.length);
    fs.rmSync(path.join(work, 'report.sarif'));
  });

  it('file arguments are scanned instead of the whole mount; "-" reads stdin', async () => {
    const one = await entry(['good-nvme.xml', '-f', 'json']);
    expect(one.code).toBe(0); // a low finding only
    expect(new Set((JSON.parse(one.stdout).findings as { location: { file: string } }[]).map((f) => f.location.file))).toEqual(new Set(['good-nvme.xml']));
    const stdin = await entry(['-', '-f', 'json'], { input: fs.readFileSync(path.join(work, 'guide-svirt-none.xml'), 'utf8') });
    expect(stdin.code).toBe(1);
    expect(new Set((JSON.parse(stdin.stdout).findings as { location: { file: string } }[]).map((f) => f.location.file))).toEqual(new Set(['<stdin>']));
  });

  it('a vmaudit command runs as given; a usage error is exit 2', async () => {
    const [list, ref, version, bad] = await Promise.all([entry(['rules', 'list']), runCli(['rules', 'list']), entry(['--version']), entry(['--bogus'])]);
    expect(list.code).toBe(0);
    expect(list.stdout).toBe(ref.stdout);
    expect(version.stdout).toMatch(/^vmaudit\/\d+\.\d+\.\d+ /);
    // NODE_ENV=development (or test) must not make oclif look for TypeScript sources the package does not ship.
    const dev = await entry(['--version'], { env: { NODE_ENV: 'development' } });
    expect(dev).toEqual({ ...version, stderr: '' });
    expect(bad.code).toBe(2);
  });

  it('nothing mounted at VMAUDIT_WORK: exit 2 with a hint, not a scan of another directory', async () => {
    const r = await entry([], { env: { VMAUDIT_WORK: path.join(tmp, 'absent') } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${path.join(tmp, 'absent')} is not a directory: mount the domain XML there`);
  });
});
