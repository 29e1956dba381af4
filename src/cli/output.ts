import * as fs from 'node:fs';
import * as Flags from '@oclif/core/flags';
import type { ScanResult } from '../engine/findings';
import { SEVERITIES } from '../engine/findings';
import { EXIT, exitCodeFor, type FailOn, type ReportContext } from '../report/common';
import { jsonSafe } from '../report/escape';
import { batched, prettyJsonChunks } from '../report/json-stream';
import { MAX_XML_BYTES } from '../facts/xml';
import { readRegularFile } from '../util/read-input';

export { EXIT };

export const FORMATS = ['text', 'json', 'sarif', 'html', 'junit', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

/** Flags shared by every `scan` command. */
export const reportFlags = {
  format: Flags.string({ char: 'f', description: 'report format', options: [...FORMATS], default: 'text' }),
  output: Flags.string({ char: 'o', description: 'write the report to FILE instead of stdout' }),
  'fail-on': Flags.string({
    description: "exit 1 when a finding at or above this severity exists (none: never); default: the policy's fail-on (high)",
    options: [...SEVERITIES, 'none'],
  }),
  policy: Flags.string({ char: 'p', description: 'policy: a shipped name (default, security-baseline, performance, pre-production, strict) or a YAML file' }),
  baseline: Flags.string({ description: 'an earlier vmaudit SARIF or JSON report: findings in it are "unchanged" and only new ones fail the gate' }),
  rules: Flags.string({ description: 'also load rules from DIR (repeatable)', multiple: true }),
  platform: Flags.string({ description: 'versions to judge for, e.g. libvirt=9.0,qemu=7.2,kernel=6.1 (overrides what a host reports and the policy\'s platform)' }),
  verbose: Flags.boolean({ char: 'v', description: 'text report: show remediation under each finding' }),
  color: Flags.boolean({ description: 'colour the text report (default: only on a terminal, unless NO_COLOR is set)', allowNo: true }),
};

export interface ReportFlags {
  format: string;
  output?: string;
  'fail-on'?: string;
  policy?: string;
  baseline?: string;
  verbose: boolean;
  color?: boolean;
}

/** The report in pieces (JSON and SARIF reports can be tens of megabytes: they are never built as one string). */
export function renderChunks(ctx: ReportContext, flags: ReportFlags): Iterable<string> {
  switch (flags.format as Format) {
    // Reporters are loaded on demand: a run needs one of them.
    case 'json':
      return jsonChunks((require('../report/json') as typeof import('../report/json')).toJsonReport(ctx));
    case 'sarif':
      return jsonChunks((require('../report/sarif') as typeof import('../report/sarif')).toSarif(ctx));
    case 'html':
      return [(require('../report/html') as typeof import('../report/html')).toHtml(ctx)];
    case 'junit':
      return [(require('../report/junit') as typeof import('../report/junit')).toJunit(ctx)];
    case 'markdown':
      return [(require('../report/markdown') as typeof import('../report/markdown')).toMarkdown(ctx)];
    default: {
      const text = require('../report/text') as typeof import('../report/text');
      const color = text.colorEnabled({ flag: flags.color, toFile: !!flags.output, isTTY: process.stdout.isTTY === true, env: process.env });
      return [text.toText(ctx, { color, verbose: flags.verbose })];
    }
  }
}

function* jsonChunks(report: object): Generator<string> {
  // C1 controls and bidi overrides from targets as \u escapes (the same JSON value, nothing raw for a terminal).
  for (const piece of prettyJsonChunks(report)) yield jsonSafe(piece);
  yield '\n';
}

/** True when the report is the text report shown on a terminal (it then already lists the scan errors). */
export function reportOnTerminal(flags: ReportFlags): boolean {
  return flags.format === 'text' && !flags.output && process.stdout.isTTY === true;
}

/** Writes the report and returns the process exit code per DESIGN.md: gate failure (1) wins over scan errors (3). */
export function emit(result: ScanResult, flags: ReportFlags, policyName = 'default', extra: Partial<Omit<ReportContext, 'result' | 'policyName'>> = {}): number {
  const failOn = (flags['fail-on'] ?? extra.failOn ?? 'high') as FailOn;
  const ctx: ReportContext = { source: readSource, ...extra, result, failOn, policyName };
  const pieces = batched(renderChunks(ctx, flags));
  if (flags.output) {
    let fd: number | undefined;
    try {
      fd = fs.openSync(flags.output, 'w');
      for (const piece of pieces) fs.writeSync(fd, piece);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const why = e.code === 'ENOENT' ? 'no such directory' : e.code === 'EACCES' ? 'permission denied' : e.code === 'EISDIR' ? 'is a directory' : (e.code ?? e.message);
      process.stderr.write(`vmaudit: cannot write the report to ${flags.output}: ${why}\n`);
      return EXIT.USAGE;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  } else for (const piece of pieces) process.stdout.write(piece);
  return exitCodeFor(ctx);
}

/** Reads a scanned input file for reporters that patch it (SARIF fixes); undefined when it cannot be read. */
function readSource(file: string): string | undefined {
  const r = readRegularFile(file, MAX_XML_BYTES);
  return r.ok ? r.data.toString('utf8') : undefined;
}
