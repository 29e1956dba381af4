#!/usr/bin/env node
'use strict';
// Figures of vmaudit on libvirt's own test-suite domain XMLs (the corpus of test/corpus, see its README): per rule,
// its findings, the files it fires on, their share of the corpus and the severity; then the files that fail the
// policy's gate and the files vmaudit could not audit.
//   npm run corpus [-- --policy strict] [-- --json]
// Runs the compiled CLI (npm run build first) over the corpus that scripts/fetch-libvirt-corpus.sh fetches or has cached.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DIRS = ['qemuxml2argvdata', 'qemuxml2xmloutdata', 'genericxml2xmlindata', 'qemustatusxml2xmldata'];
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];

const args = process.argv.slice(2);
const json = args.includes('--json');
const pi = args.indexOf('--policy');
const policy = pi >= 0 ? args[pi + 1] : 'default';

const fetched = spawnSync('bash', [path.join(ROOT, 'scripts', 'fetch-libvirt-corpus.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (fetched.status !== 0) process.exit(fetched.status ?? 1);
const corpus = fetched.stdout.trim().split('\n').pop();
const testsDir = path.join(corpus, 'tests');
const files = DIRS.flatMap((d) =>
  fs
    .readdirSync(path.join(testsDir, d))
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => `${d}/${f}`),
);

const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-corpus-')), 'report.json');
try {
  execFileSync(process.execPath, [path.join(ROOT, 'bin', 'run.js'), 'scan', 'domain', ...files, '--format', 'json', '--output', out, '--fail-on', 'none', '--policy', policy], {
    cwd: testsDir,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
} catch (err) {
  if (!fs.existsSync(out)) throw err; // exit 3 (files that could not be audited) still writes the report
}
const report = JSON.parse(fs.readFileSync(out, 'utf8'));
fs.rmSync(path.dirname(out), { recursive: true, force: true });

const fileOf = (x) => (x.location && x.location.file) || x.target.name;
const perRule = new Map();
for (const f of report.findings) {
  const r = perRule.get(f.ruleId) || { rule: f.ruleId, title: f.title, severity: f.severity, findings: 0, files: new Set() };
  r.findings++;
  r.files.add(fileOf(f));
  perRule.set(f.ruleId, r);
}
const rows = [...perRule.values()]
  .map((r) => ({ rule: r.rule, severity: r.severity, findings: r.findings, files: r.files.size, percent: Math.round((1000 * r.files.size) / files.length) / 10, title: r.title }))
  .sort((a, b) => b.files - a.files || a.rule.localeCompare(b.rule));
const gateRank = SEVERITIES.indexOf(report.policy.failOn === 'none' ? 'high' : report.policy.failOn);
const failOn = SEVERITIES.slice(0, gateRank + 1);
const gateFiles = new Set(report.findings.filter((f) => failOn.includes(f.severity)).map(fileOf));
const withFindings = new Set(report.findings.map(fileOf));
const ruleErrors = report.notEvaluated.filter((n) => /^rule error/i.test(n.reason));
const summary = {
  corpus: path.relative(ROOT, corpus),
  policy,
  files: files.length,
  rulesRun: report.summary.rules,
  findings: report.findings.length,
  bySeverity: report.summary.bySeverity,
  filesWithFindings: withFindings.size,
  gate: { failOn: failOn[failOn.length - 1], filesFailing: gateFiles.size },
  filesNotAudited: report.errors.length,
  ruleErrors: ruleErrors.length,
};

if (json) {
  process.stdout.write(`${JSON.stringify({ ...summary, rules: rows, errors: report.errors.map((e) => e.message), ruleErrorList: ruleErrors }, null, 2)}\n`);
} else {
  const pad = (s, n) => String(s).padEnd(n);
  const lpad = (s, n) => String(s).padStart(n);
  console.log(`${summary.corpus}: ${files.length} files, policy ${policy}, ${summary.rulesRun} rules`);
  console.log(`${pad('rule', 17)}${pad('severity', 10)}${lpad('findings', 9)}${lpad('files', 7)}${lpad('% files', 9)}  title`);
  for (const r of rows) console.log(`${pad(r.rule, 17)}${pad(r.severity, 10)}${lpad(r.findings, 9)}${lpad(r.files, 7)}${lpad(r.percent.toFixed(1), 9)}  ${r.title}`);
  const sev = SEVERITIES.map((s) => `${summary.bySeverity[s] || 0} ${s}`).join(', ');
  console.log(`total: ${summary.findings} findings (${sev}) on ${summary.filesWithFindings} files`);
  console.log(`gate (fail-on ${summary.gate.failOn}): ${summary.gate.filesFailing} files fail`);
  console.log(`not audited: ${summary.filesNotAudited} files${report.errors.length ? ` (${[...new Set(report.errors.map((e) => e.message.replace(/^\S+:\d+:\d+: /, '')))].join('; ')})` : ''}`);
  console.log(`rule errors: ${summary.ruleErrors}${ruleErrors.map((n) => `\n  ${n.ruleId} on ${n.target.name}: ${n.reason}`).join('')}`);
}
