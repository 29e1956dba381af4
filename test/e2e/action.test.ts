import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/cli';

/**
 * The GitHub Action (action.yml, composite) run step by step as an Actions runner runs it: each `run:` script with
 * `bash --noprofile --norc -eo pipefail` from GITHUB_WORKSPACE, the runner's environment (GITHUB_WORKSPACE,
 * GITHUB_ACTION_PATH, GITHUB_OUTPUT, GITHUB_PATH, GITHUB_STEP_SUMMARY, RUNNER_TEMP...), `${{ }}` expressions and
 * `if:` conditions evaluated, step outputs read back from GITHUB_OUTPUT, GITHUB_PATH prepended to PATH for the
 * steps after. GITHUB_ACTION_PATH is a fresh export of this repository (git archive HEAD: no node_modules, no
 * dist/), so the install step really runs npm ci, the build and npm pack. The two `uses:` steps cannot run here:
 * setup-node is checked against the Node running the test, upload-sarif is recorded with its resolved inputs and
 * the SARIF file as it is when the step runs.
 */

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  'working-directory'?: string;
}
interface Action {
  inputs: Record<string, { default?: string; required?: boolean; description: string }>;
  outputs: Record<string, { value: string; description: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(fs.readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as Action;

// ---- GitHub expressions: the subset action.yml may use (anything else fails the test) ----

interface Ctx {
  inputs: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string>; outcome: string }>;
  github: Record<string, string>;
  runner: Record<string, string>;
  failed: boolean;
}

function evaluate(expr: string, ctx: Ctx): string | boolean {
  const tokens = expr.match(/\s*(?:'(?:[^']|'')*'|&&|\|\||==|!=|!|\(|\)|[A-Za-z_][\w.-]*(?:\(\))?)/gy);
  if (!tokens || tokens.join('').trim() !== expr.trim()) throw new Error(`unsupported expression: ${expr}`);
  const ts = tokens.map((t) => t.trim());
  let i = 0;
  const truthy = (v: string | boolean) => v !== '' && v !== false && v !== 'false' && v !== '0';
  const primary = (): string | boolean => {
    const t = ts[i++];
    if (t === '(') {
      const v = or();
      if (ts[i++] !== ')') throw new Error(`missing ) in ${expr}`);
      return v;
    }
    if (t === '!') return !truthy(primary());
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (t === 'always()') return true;
    if (t === 'success()') return !ctx.failed;
    if (t === 'failure()') return ctx.failed;
    if (t === 'true' || t === 'false') return t === 'true';
    const [root, ...rest] = t.split('.');
    if (root === 'inputs') {
      if (!(rest[0] in action.inputs)) throw new Error(`${expr}: no input ${rest[0]} in action.yml`);
      return ctx.inputs[rest[0]] ?? '';
    }
    if (root === 'steps' && rest[1] === 'outputs') {
      if (!action.runs.steps.some((s) => s.id === rest[0])) throw new Error(`${expr}: no step with id ${rest[0]}`);
      return ctx.steps[rest[0]]?.outputs[rest[2]] ?? '';
    }
    if (root === 'github' && rest.length === 1 && rest[0] in ctx.github) return ctx.github[rest[0]];
    if (root === 'runner' && rest.length === 1 && rest[0] in ctx.runner) return ctx.runner[rest[0]];
    throw new Error(`unsupported expression term ${t} in ${expr}`);
  };
  const cmp = (): string | boolean => {
    let v = primary();
    while (ts[i] === '==' || ts[i] === '!=') {
      const op = ts[i++];
      const w = primary();
      const eq = String(v).toLowerCase() === String(w).toLowerCase(); // GitHub compares strings case-insensitively
      v = op === '==' ? eq : !eq;
    }
    return v;
  };
  const and = (): string | boolean => {
    let v = cmp();
    while (ts[i] === '&&') {
      i++;
      const w = cmp();
      v = truthy(v) ? w : v;
    }
    return v;
  };
  const or = (): string | boolean => {
    let v = and();
    while (ts[i] === '||') {
      i++;
      const w = and();
      v = truthy(v) ? v : w;
    }
    return v;
  };
  const v = or();
  if (i !== ts.length) throw new Error(`unexpected ${ts[i]} in ${expr}`);
  return v;
}

const substitute = (s: string, ctx: Ctx) => s.replace(/\$\{\{(.*?)\}\}/g, (_, e: string) => String(evaluate(e, ctx)));

/** `if:` as the runner reads it: a status function or else an implicit success() && (...). */
function shouldRun(step: Step, ctx: Ctx): boolean {
  if (step.if === undefined) return !ctx.failed;
  const cond = step.if.replace(/^\s*\$\{\{(.*)\}\}\s*$/s, '$1');
  const v = evaluate(/\b(always|success|failure|cancelled)\(\)/.test(cond) ? cond : `success() && (${cond})`, ctx);
  return v !== '' && v !== false && v !== 'false';
}

/** GITHUB_OUTPUT lines: name=value and name<<DELIMITER heredocs. */
function readOutputs(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      out[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i].includes('=')) out[lines[i].slice(0, lines[i].indexOf('='))] = lines[i].slice(lines[i].indexOf('=') + 1);
  }
  return out;
}

interface ActionRun {
  code: number;
  log: string;
  outputs: Record<string, string>;
  ran: string[];
  uploads: { with: Record<string, string>; sarif: string | undefined }[];
  summary: string;
}

async function runAction(workspace: string, actionPath: string, temp: string, given: Record<string, string>): Promise<ActionRun> {
  for (const k of Object.keys(given)) if (!(k in action.inputs)) throw new Error(`no input ${k} in action.yml`);
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, given[k] ?? v.default ?? '']));
  const ctx: Ctx = { inputs, steps: {}, github: { action_path: actionPath, workspace }, runner: { temp }, failed: false };
  const pathFile = path.join(temp, `path-${Date.now()}`);
  fs.writeFileSync(pathFile, '');
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_ACTION_PATH: actionPath,
    GITHUB_PATH: pathFile,
    RUNNER_TEMP: temp,
    RUNNER_OS: 'Linux',
    NODE_ENV: undefined,
  };
  const res: ActionRun = { code: 0, log: '', outputs: {}, ran: [], uploads: [], summary: '' };
  for (const [n, step] of action.runs.steps.entries()) {
    if (!shouldRun(step, ctx)) continue;
    res.ran.push(step.id ?? step.uses ?? step.name ?? String(n));
    let code = 0;
    const outputFile = path.join(temp, `output-${n}`);
    const summaryFile = path.join(temp, `summary-${n}`);
    fs.writeFileSync(outputFile, '');
    fs.writeFileSync(summaryFile, '');
    if (step.uses) {
      const w = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, substitute(String(v), ctx)]));
      if (step.uses.startsWith('actions/setup-node@')) {
        expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(Number(w['node-version'].split('.')[0]));
      } else if (step.uses.startsWith('github/codeql-action/upload-sarif@')) {
        const f = path.resolve(workspace, w.sarif_file);
        res.uploads.push({ with: w, sarif: fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined });
      } else throw new Error(`step ${n} uses ${step.uses}: not emulated by this test`);
    } else {
      expect(step.shell).toBe('bash'); // a composite run step must name its shell
      const script = path.join(temp, `step-${n}.sh`);
      fs.writeFileSync(script, step.run!);
      const extraPath = fs.readFileSync(pathFile, 'utf8').split('\n').filter(Boolean).reverse();
      const env: NodeJS.ProcessEnv = { ...base, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, PATH: [...extraPath, base.PATH].join(':') };
      for (const [k, v] of Object.entries(step.env ?? {})) env[k] = substitute(String(v), ctx);
      const cwd = step['working-directory'] ? path.resolve(workspace, substitute(step['working-directory'], ctx)) : workspace;
      code = await new Promise<number>((resolve) => {
        execFile('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env, maxBuffer: 256 << 20, timeout: 600_000 }, (err, stdout, stderr) => {
          res.log += `--- ${step.name}\n${stdout}${stderr}`;
          resolve(err ? (typeof err.code === 'number' ? err.code : -1) : 0);
        });
      });
      res.summary += fs.readFileSync(summaryFile, 'utf8');
    }
    if (step.id) ctx.steps[step.id] = { outputs: readOutputs(outputFile), outcome: code === 0 ? 'success' : 'failure' };
    if (code !== 0) {
      ctx.failed = true;
      res.code = code;
    }
  }
  res.outputs = Object.fromEntries(Object.entries(action.outputs).map(([k, v]) => [k, substitute(v.value, ctx)]));
  return res;
}

// ---- the tests ----

describe('action.yml', () => {
  it('is a composite action whose expressions name its own inputs and steps', () => {
    expect(action.runs.using).toBe('composite');
    const ids = new Set(action.runs.steps.map((s) => s.id).filter(Boolean));
    const text = fs.readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8');
    for (const m of text.matchAll(/\binputs\.([\w-]+)/g)) expect([m[0], m[1] in action.inputs]).toEqual([m[0], true]);
    for (const m of text.matchAll(/\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g)) expect([m[0], ids.has(m[1])]).toEqual([m[0], true]);
    // Every input is used by a step.
    for (const k of Object.keys(action.inputs)) expect([k, text.includes(`inputs.${k} `) || text.includes(`inputs.${k}}`) || text.includes(`inputs.${k}\n`)]).toEqual([k, true]);
    // The upload, when it runs, comes after the scan and before the exit.
    const names = action.runs.steps.map((s) => s.id ?? s.uses ?? s.name);
    const upload = names.findIndex((n) => n?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload).toBeGreaterThan(names.indexOf('scan'));
    expect(upload).toBe(names.length - 2);
  });
});

describe('action.yml run step by step, as a runner does, on a workspace of domain XML', () => {
  let tmp: string;
  let workspace: string;
  let actionPath: string;
  let temp: string;
  let first: ActionRun;
  const vmaudit = () => path.join(temp, 'vmaudit', 'bin', 'vmaudit');

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-action-'));
    workspace = path.join(tmp, 'workspace');
    actionPath = path.join(tmp, 'action');
    temp = path.join(tmp, 'runner-temp');
    for (const d of [workspace, path.join(workspace, 'vms'), actionPath, temp]) fs.mkdirSync(d, { recursive: true });
    for (const f of ['guide-svirt-none.xml', 'good-nvme.xml']) fs.copyFileSync(path.join(REPO_ROOT, 'fixtures', 'domains', f), path.join(workspace, 'vms', f));
    // The action's checkout: this repository's committed files, nothing built.
    const archive = execFileSync('git', ['archive', '--format=tar', 'HEAD'], { cwd: REPO_ROOT, maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', actionPath], { input: archive });
    fs.copyFileSync(path.join(REPO_ROOT, 'action.yml'), path.join(actionPath, 'action.yml'));
    // npm ci from the cache where it can (the runner's own npm would download).
    process.env.npm_config_prefer_offline = 'true';
    first = await runAction(workspace, actionPath, temp, { paths: 'vms', 'upload-sarif': 'true', policy: 'pre-production' });
  }, 600_000);
  afterAll(() => {
    delete process.env.npm_config_prefer_offline;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** The later runs reuse the first run's install (as a second use of the action in a job does). */
  const installed = () => {
    if (!fs.existsSync(vmaudit())) throw new Error('the first run did not install vmaudit (see the install test)');
  };

  const scanDirect = (args: string[]) =>
    new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(vmaudit(), args, { cwd: workspace, env: { ...process.env, NO_COLOR: '1', NODE_ENV: undefined } }, (err, stdout) => resolve({ code: err ? Number(err.code) : 0, stdout })),
    );

  it('installs vmaudit from its checkout (npm ci, build, npm pack) into RUNNER_TEMP', () => {
    if (first.ran.length < 3) throw new Error(`the action stopped after ${first.ran.join(', ')} (exit ${first.code}):\n${first.log.slice(-4000)}`);
    expect(first.ran).toEqual(['actions/setup-node@v4', 'install', 'scan', 'github/codeql-action/upload-sarif@v3', action.runs.steps.at(-1)!.name]);
    expect(fs.existsSync(vmaudit())).toBe(true);
    expect(first.log).toMatch(/^vmaudit\/\d+\.\d+\.\d+ linux-x64 node-v/m);
    expect(fs.existsSync(path.join(actionPath, 'dist', 'commands', 'scan', 'domain.js'))).toBe(true);
  });

  it('the gate fails: SARIF and text written, outputs set, SARIF uploaded, then the action exits with vmaudit\'s code (1)', async () => {
    installed();
    const direct = await scanDirect(['scan', 'domain', 'vms', '--policy', 'pre-production', '-f', 'sarif']);
    expect(direct.code).toBe(1);
    expect(first.code).toBe(direct.code);
    expect(first.outputs).toEqual({ 'exit-code': '1', 'sarif-file': 'vmaudit.sarif', 'text-file': 'vmaudit.txt' });
    const sarif = fs.readFileSync(path.join(workspace, 'vmaudit.sarif'), 'utf8');
    expect(JSON.parse(sarif).version).toBe('2.1.0');
    expect(sarif).toBe(direct.stdout);
    const text = fs.readFileSync(path.join(workspace, 'vmaudit.txt'), 'utf8');
    expect(text).toMatch(/^gate: FAILED .*\(exit 1\)$/m);
    expect(first.log).toContain(text); // printed in the job log
    expect(first.uploads).toEqual([{ with: { sarif_file: 'vmaudit.sarif', category: 'vmaudit' }, sarif }]);
    expect(first.summary).toBe((await scanDirect(['scan', 'domain', 'vms', '--policy', 'pre-production', '-f', 'markdown'])).stdout);
  });

  it('the gate passes (fail-on critical): exit 0, no upload unless asked; args reach vmaudit', async () => {
    installed();
    fs.mkdirSync(path.join(workspace, 'out'), { recursive: true });
    const r = await runAction(workspace, actionPath, temp, { paths: 'vms/good-nvme.xml\nvms/guide-svirt-*.xml', 'fail-on': 'Critical', 'sarif-file': 'out/a.sarif', args: '-o json=extra.json --quiet' });
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({ 'exit-code': '0', 'sarif-file': 'out/a.sarif', 'text-file': 'vmaudit.txt' });
    const files = new Set((JSON.parse(fs.readFileSync(path.join(workspace, 'out', 'a.sarif'), 'utf8')).runs[0].results as { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[]).map((x) => x.locations[0].physicalLocation.artifactLocation.uri));
    expect(files).toEqual(new Set(['vms/good-nvme.xml', 'vms/guide-svirt-none.xml'])); // newline-separated, glob expanded
    expect(r.ran).not.toContain('github/codeql-action/upload-sarif@v3');
    expect(JSON.parse(fs.readFileSync(path.join(workspace, 'extra.json'), 'utf8')).findings.length).toBeGreaterThan(0);
    // --quiet: the gate line only from the text report printed in the log, not also on stderr (as in the first run).
    expect(r.log.match(/^gate: /gm)).toHaveLength(1);
    expect(first.log.match(/^gate: /gm)).toHaveLength(2);
  });

  it('a usage error: exit 2, no SARIF, nothing uploaded even when asked', async () => {
    installed();
    const r = await runAction(workspace, actionPath, temp, { paths: 'vms', 'fail-on': 'severe', 'upload-sarif': 'true' });
    expect(r.code).toBe(2);
    expect(r.outputs).toEqual({ 'exit-code': '2', 'sarif-file': '', 'text-file': '' });
    expect(r.uploads).toEqual([]);
    expect(fs.existsSync(path.join(workspace, 'vmaudit.sarif'))).toBe(false); // the earlier run's report is not left to pass for this one
  });
});
