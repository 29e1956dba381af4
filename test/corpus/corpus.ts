import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, runCli } from '../helpers/cli';

/**
 * libvirt's own test-suite domain XMLs as a labelled corpus (see test/corpus/README.md): fetching it, scanning it
 * with the real CLI, and turning the report into per-file verdicts that are compared with a committed file.
 */
export const FETCH_SCRIPT = path.join(REPO_ROOT, 'scripts', 'fetch-libvirt-corpus.sh');
export const CORPUS_DIRS = ['qemuxml2argvdata', 'qemuxml2xmloutdata', 'genericxml2xmlindata', 'qemustatusxml2xmldata'] as const;
export const ARGV_DIR = 'qemuxml2argvdata';

export type Fetched = { ok: true; dir: string; version: string } | { ok: false; unavailable: boolean; reason: string };

/**
 * Runs scripts/fetch-libvirt-corpus.sh (synchronously: jest decides at collection time whether to skip).
 * Exit 2 means the corpus cannot be fetched on this machine (no network, not Debian); any other failure is a bug.
 */
export function fetchCorpus(): Fetched {
  const r = spawnSync('bash', [FETCH_SCRIPT], { encoding: 'utf8', timeout: 20 * 60_000 });
  if (r.status === 0) {
    const dir = r.stdout.trim().split('\n').pop() ?? '';
    const m = /libvirt-([^/]+)$/.exec(dir);
    if (m && fs.existsSync(path.join(dir, 'tests'))) return { ok: true, dir, version: m[1] };
    return { ok: false, unavailable: false, reason: `${FETCH_SCRIPT} printed '${dir}', not a libvirt-<version> directory with tests/` };
  }
  const why = `${FETCH_SCRIPT} ${r.error ? `failed: ${r.error.message}` : `exited ${r.status ?? r.signal}`}\n${r.stderr.trim()}`;
  return { ok: false, unavailable: r.status === 2, reason: why };
}

/** The corpus files, relative to `<corpus>/tests`, in a stable order. */
export function listCorpus(testsDir: string): string[] {
  const files: string[] = [];
  for (const d of CORPUS_DIRS) {
    for (const f of fs.readdirSync(path.join(testsDir, d)).sort()) if (f.endsWith('.xml')) files.push(`${d}/${f}`);
  }
  return files;
}

/**
 * What libvirt's qemuxml2argvtest says of each NAME.xml in qemuxml2argvdata: `err` lists its NAME.err /
 * NAME.<arch>-<caps>.err files (libvirt refuses the file, with those QEMU capabilities; the text says why), `args`
 * whether a NAME[.<arch>-<caps>].args exists (libvirt built a QEMU command line from it: it starts the domain).
 */
export interface ArgvLabel {
  err: string[];
  args: boolean;
}

export function argvLabels(testsDir: string): Map<string, ArgvLabel> {
  const dir = path.join(testsDir, ARGV_DIR);
  const names = fs.readdirSync(dir);
  const labels = new Map<string, ArgvLabel>();
  for (const n of names) if (n.endsWith('.xml')) labels.set(n.slice(0, -4), { err: [], args: false });
  for (const n of names) {
    const m = /^(.*?)((?:\.[a-z0-9_]+-(?:latest|\d+\.\d+\.\d+))?)\.(err|args)$/.exec(n);
    if (!m) continue;
    // The base itself may contain dots (aarch64-virt-2.6-virtio-pci-default): try the longest base first.
    const base = labels.has(n.replace(/\.(err|args)$/, '')) ? n.replace(/\.(err|args)$/, '') : m[1];
    const label = labels.get(base);
    if (!label) continue;
    if (m[3] === 'err') label.err.push(n);
    else label.args = true;
  }
  return labels;
}

/** The parts of a vmaudit JSON report (format vmaudit-report, version 1) that the corpus test reads. */
export interface Report {
  format: string;
  summary: { targets: number };
  targets: { kind: string; name: string }[];
  findings: {
    ruleId: string;
    severity: string;
    message: string;
    target: { name: string };
    location?: { file?: string; line?: number };
  }[];
  notEvaluated: { ruleId: string; target: { name: string }; reason: string }[];
  errors: { target: { name: string }; kind: string; message: string; location?: { file?: string; line?: number } }[];
}

export interface ScanRun {
  codes: number[];
  stderr: string;
  report: Report;
}

/**
 * Scans the files (relative to testsDir, run from there) with `./bin/run.js scan domain --format json`, in as few
 * runs as the argument-length budget allows (one for libvirt 9.0's corpus), and merges the reports.
 */
export async function scanCorpus(testsDir: string, files: string[], outDir: string, argBudget = 512 * 1024): Promise<ScanRun> {
  const batches: string[][] = [];
  let cur: string[] = [];
  let len = 0;
  for (const f of files) {
    if (cur.length > 0 && len + f.length + 1 > argBudget) {
      batches.push(cur);
      cur = [];
      len = 0;
    }
    cur.push(f);
    len += f.length + 1;
  }
  if (cur.length > 0) batches.push(cur);
  const merged: Report = { format: 'vmaudit-report', summary: { targets: 0 }, targets: [], findings: [], notEvaluated: [], errors: [] };
  const codes: number[] = [];
  let stderr = '';
  for (const [i, batch] of batches.entries()) {
    const out = path.join(outDir, `corpus-${i}.json`);
    const r = await runCli(['scan', 'domain', ...batch, '--format', 'json', '--output', out, '--fail-on', 'none'], { cwd: testsDir });
    codes.push(r.code);
    stderr += r.stderr;
    if (!fs.existsSync(out)) throw new Error(`vmaudit exited ${r.code} without writing its report:\n${r.stderr.slice(0, 4000)}`);
    const rep = JSON.parse(fs.readFileSync(out, 'utf8')) as Report;
    if (rep.format !== 'vmaudit-report') throw new Error(`${out}: not a vmaudit JSON report (format ${String(rep.format)})`);
    merged.summary.targets += rep.summary.targets;
    merged.targets.push(...rep.targets);
    merged.findings.push(...rep.findings);
    merged.notEvaluated.push(...rep.notEvaluated);
    merged.errors.push(...rep.errors);
  }
  return { codes, stderr, report: merged };
}

/** One verdict entry: `RULE-ID:line` for a finding, `error:line <message>` for a file vmaudit could not audit. */
export type Verdicts = Record<string, string[]>;

function entryKey(e: string): [string, number, string] {
  const m = /^([^:\s]+):(\d+)(.*)$/.exec(e);
  return m ? [m[1], Number(m[2]), m[3]] : [e, -1, ''];
}

/** Rule id, then line (numerically), then the rest. */
export function compareEntries(a: string, b: string): number {
  const [ka, la, ra] = entryKey(a);
  const [kb, lb, rb] = entryKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : la !== lb ? la - lb : ra < rb ? -1 : ra > rb ? 1 : 0;
}

export function fileOf(x: { target: { name: string }; location?: { file?: string } }): string {
  return x.location?.file ?? x.target.name;
}

export function verdictsOf(report: Report): Verdicts {
  const v: Verdicts = {};
  const add = (file: string, e: string): void => {
    (v[file] ??= []).push(e);
  };
  for (const f of report.findings) add(fileOf(f), f.location?.line === undefined ? f.ruleId : `${f.ruleId}:${f.location.line}`);
  for (const e of report.errors) {
    const file = fileOf(e);
    // The message starts with "file:line:col: " (the CLI's one-line error): the entry keeps only the reason.
    const reason = e.message.startsWith(`${file}:`) ? e.message.replace(/^[^\s]*?:\d+(?::\d+)?:\s*/, '') : e.message;
    add(file, `error:${e.location?.line ?? 0} ${reason}`);
  }
  const sorted: Verdicts = {};
  for (const k of Object.keys(v).sort()) sorted[k] = v[k].sort(compareEntries);
  return sorted;
}

export interface KnownDisagreement {
  file: string;
  rule: string;
  /** Why the finding stands although libvirt's test suite starts the domain (reviewed by a person). */
  reason: string;
}

export interface Expectations {
  libvirt: string;
  policy: string;
  knownDisagreements: KnownDisagreement[];
  files: Verdicts;
}

export function expectationsPath(version: string): string {
  return path.join(REPO_ROOT, 'test', 'corpus', `libvirt-${version}.expected.json`);
}

/** JSON with one line per file, so that each change of verdict is a one-line git diff. */
export function serializeExpectations(e: Expectations): string {
  const files = Object.keys(e.files)
    .sort()
    .map((f) => `    ${JSON.stringify(f)}: ${JSON.stringify(e.files[f])}`);
  const kd = e.knownDisagreements.map((d) => `    ${JSON.stringify(d)}`);
  return [
    '{',
    `  "libvirt": ${JSON.stringify(e.libvirt)},`,
    `  "policy": ${JSON.stringify(e.policy)},`,
    `  "regenerate": "VMAUDIT_CORPUS_UPDATE=1 npx jest test/corpus (see test/corpus/README.md)",`,
    kd.length === 0 ? '  "knownDisagreements": [],' : `  "knownDisagreements": [\n${kd.join(',\n')}\n  ],`,
    files.length === 0 ? '  "files": {}' : `  "files": {\n${files.join(',\n')}\n  }`,
    '}',
    '',
  ].join('\n');
}

/** Per file, the entries only in `actual` (added) and only in `expected` (removed), as multisets. */
export function diffVerdicts(expected: Verdicts, actual: Verdicts): { file: string; added: string[]; removed: string[] }[] {
  const out: { file: string; added: string[]; removed: string[] }[] = [];
  for (const file of [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort()) {
    const left = [...(expected[file] ?? [])];
    const added: string[] = [];
    for (const e of actual[file] ?? []) {
      const i = left.indexOf(e);
      if (i >= 0) left.splice(i, 1);
      else added.push(e);
    }
    if (added.length > 0 || left.length > 0) out.push({ file, added, removed: left });
  }
  return out;
}

export function formatDiff(diff: { file: string; added: string[]; removed: string[] }[]): string {
  return diff.map((d) => [`  ${d.file}`, ...d.added.map((e) => `    + ${e}`), ...d.removed.map((e) => `    - ${e}`)].join('\n')).join('\n');
}
