import * as fs from 'node:fs';
import * as path from 'node:path';
import * as Flags from '@oclif/core/flags';
import type { ScanResult } from '../engine/findings';
import { SEVERITIES } from '../engine/findings';
import { EXIT, exitCodeFor, gateVerdict, summaryLine, type FailOn, type ReportContext } from '../report/common';
import { jsonSafe } from '../report/escape';
import { batched, prettyJsonChunks } from '../report/json-stream';
import { MAX_XML_BYTES } from '../facts/xml';
import { readRegularFile } from '../util/read-input';
import { oneOf } from './enum-flag';

export { EXIT };

export const FORMATS = ['text', 'json', 'sarif', 'html', 'junit', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

/** Output file extensions and the format they imply when neither `FORMAT=` nor --format says (anything else: text). */
export const FORMAT_BY_EXTENSION: ReadonlyArray<readonly [string, Format]> = [
  ['.sarif', 'sarif'],
  ['.sarif.json', 'sarif'],
  ['.json', 'json'],
  ['.html', 'html'],
  ['.htm', 'html'],
  ['.xml', 'junit'],
  ['.md', 'markdown'],
  ['.markdown', 'markdown'],
  ['.txt', 'text'],
];

/** Flags shared by every `scan` command. */
export const reportFlags = {
  format: Flags.string({
    char: 'f',
    helpValue: FORMATS.join('|'),
    // Checked by reportDestinations, not by oclif's `options`: the value is case-insensitive (-f JSON).
    description: 'report format of stdout, and of each --output FILE given without FORMAT= (default: text on stdout; for --output, from the file extension)',
  }),
  output: Flags.string({
    char: 'o',
    helpValue: '[FORMAT=]FILE',
    description:
      'write a report to FILE instead of stdout; repeat for several reports from one scan (-o sarif=a.sarif -o html=a.html). ' +
      'Its format: FORMAT= if given, else --format, else the extension (.sarif, .json, .html, .xml = junit, .md = markdown; other: text). ' +
      'FILE "-" is stdout. The summary and gate line then go to stderr',
    multiple: true,
    multipleNonGreedy: true,
  }),
  quiet: Flags.boolean({ char: 'q', description: 'do not print the summary and gate line on stderr (reports and errors are still written)' }),
  'fail-on': Flags.string(
    oneOf([...SEVERITIES, 'none'], { description: "exit 1 when a finding at or above this severity exists (none: never); default: the policy's fail-on (high)" }),
  ),
  policy: Flags.string({ char: 'p', description: 'policy: a shipped name (default, security-baseline, performance, pre-production, strict) or a YAML file' }),
  baseline: Flags.string({ description: 'an earlier vmaudit SARIF or JSON report: findings in it are "unchanged" and only new ones fail the gate' }),
  rules: Flags.string({ description: 'also load rules from DIR (repeat the flag for several directories)', multiple: true, multipleNonGreedy: true }),
  platform: Flags.string({ description: 'versions to judge for, e.g. libvirt=9.0,qemu=7.2,kernel=6.1 (overrides what a host reports and the policy\'s platform)' }),
  verbose: Flags.boolean({ char: 'v', description: 'text report: show remediation under each finding' }),
  color: Flags.boolean({ description: 'colour the text report (default: only on a terminal, unless NO_COLOR is set)', allowNo: true }),
};

export interface ReportFlags {
  format?: string;
  output?: string[];
  quiet?: boolean;
  'fail-on'?: string;
  policy?: string;
  baseline?: string;
  verbose: boolean;
  color?: boolean;
}

/** One report of a run: its format and where it goes (`file` undefined: stdout). */
export interface ReportDestination {
  format: Format;
  file?: string;
}

const isFormat = (s: string): s is Format => (FORMATS as readonly string[]).includes(s);

/** The format an output file gets from its name when nothing else says (FORMAT_BY_EXTENSION; otherwise text). */
export function formatForFile(file: string): Format {
  const name = file.toLowerCase();
  let best: readonly [string, Format] | undefined;
  for (const e of FORMAT_BY_EXTENSION) if (name.endsWith(e[0]) && name.length > e[0].length && (!best || e[0].length > best[0].length)) best = e;
  return best ? best[1] : 'text';
}

/**
 * The reports a run writes, from --format and the --output values: `[FORMAT=]FILE` each, FILE `-` meaning stdout.
 * Without --output, one report on stdout. A `WORD=` prefix that is not a format is an error (a file really named
 * so can be written `./json2=x`), as are two reports to the same file or to stdout.
 */
export function reportDestinations(flags: Pick<ReportFlags, 'format' | 'output'>): { destinations: ReportDestination[]; error?: undefined } | { error: string; destinations?: undefined } {
  const format = flags.format?.toLowerCase();
  if (format !== undefined && !isFormat(format)) return { error: `--format ${flags.format}: expected one of ${FORMATS.join(', ')}` };
  const outputs = flags.output ?? [];
  if (outputs.length === 0) return { destinations: [{ format: format ?? 'text' }] };
  const destinations: ReportDestination[] = [];
  const seen = new Set<string>();
  for (const value of outputs) {
    const m = /^([A-Za-z][A-Za-z0-9_-]*)=(.*)$/s.exec(value);
    let fmt: Format | undefined;
    let file = value;
    if (m) {
      const named = m[1].toLowerCase();
      if (!isFormat(named)) return { error: `--output ${value}: unknown format "${m[1]}" before "=" (one of ${FORMATS.join(', ')}; for a file of that name write ./${value})` };
      fmt = named;
      file = m[2];
    }
    if (file === '') return { error: `--output ${value}: no file name` };
    const toStdout = file === '-';
    fmt ??= format ?? (toStdout ? 'text' : formatForFile(file));
    const key = toStdout ? '-' : path.resolve(file);
    if (seen.has(key)) return { error: `--output ${value}: ${toStdout ? 'stdout' : file} is already the destination of another report` };
    seen.add(key);
    destinations.push(toStdout ? { format: fmt } : { format: fmt, file });
  }
  return { destinations };
}

/** The report in pieces (JSON and SARIF reports can be tens of megabytes: they are never built as one string). */
export function renderChunks(ctx: ReportContext, flags: Pick<ReportFlags, 'color' | 'verbose'>, dest: ReportDestination): Iterable<string> {
  switch (dest.format) {
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
      const color = text.colorEnabled({ flag: flags.color, toFile: dest.file !== undefined, isTTY: process.stdout.isTTY === true, env: process.env });
      return [text.toText(ctx, { color, verbose: flags.verbose })];
    }
  }
}

function* jsonChunks(report: object): Generator<string> {
  // C1 controls and bidi overrides from targets as \u escapes (the same JSON value, nothing raw for a terminal).
  // jsonSafe is per character, so it is applied to the batched pieces: the same text, in far fewer calls.
  for (const piece of batched(prettyJsonChunks(report))) yield jsonSafe(piece);
  yield '\n';
}

/** True when the text report goes to stdout: it then carries the summary and gate line itself. */
function textOnStdout(dests: readonly ReportDestination[]): boolean {
  return dests.some((d) => d.file === undefined && d.format === 'text');
}

/** True when the report is the text report shown on a terminal (it then already lists the scan errors). */
export function reportOnTerminal(flags: Pick<ReportFlags, 'format' | 'output'>): boolean {
  const r = reportDestinations(flags);
  return !!r.destinations && textOnStdout(r.destinations) && process.stdout.isTTY === true;
}

/**
 * Writes the reports and returns the process exit code per DESIGN.md: gate failure (1) wins over scan errors (3);
 * a report that cannot be written, or --output values that make no sense, exit 2. Unless the text report goes to
 * stdout (it ends with them) or --quiet, the summary and gate line (which names the exit code) go to stderr, after
 * the names of the files written: stdout stays the report's alone, as in `vmaudit scan domain -f json vm.xml | jq`.
 */
export function emit(result: ScanResult, flags: ReportFlags, policyName = 'default', extra: Partial<Omit<ReportContext, 'result' | 'policyName'>> = {}): number {
  const failOn = (flags['fail-on'] ?? extra.failOn ?? 'high') as FailOn;
  const ctx: ReportContext = { source: readSource, ...extra, result, failOn, policyName };
  const { destinations, error } = reportDestinations(flags);
  if (error !== undefined) {
    process.stderr.write(`vmaudit: ${error}\n`);
    return EXIT.USAGE;
  }
  let failed = false;
  const written: string[] = [];
  for (const dest of destinations) {
    const pieces = batched(renderChunks(ctx, flags, dest));
    if (dest.file === undefined) {
      for (const piece of pieces) process.stdout.write(piece);
      continue;
    }
    let fd: number | undefined;
    try {
      fd = fs.openSync(dest.file, 'w');
      for (const piece of pieces) fs.writeSync(fd, piece);
      written.push(`${dest.file} (${dest.format})`);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const why = e.code === 'ENOENT' ? 'no such directory' : e.code === 'EACCES' ? 'permission denied' : e.code === 'EISDIR' ? 'is a directory' : (e.code ?? e.message);
      process.stderr.write(`vmaudit: cannot write the report to ${dest.file}: ${why}\n`);
      failed = true;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }
  // After a write error the exit code is 2, not the gate's: the one-line error says it all.
  if (!failed && !flags.quiet && !textOnStdout(destinations)) {
    const lines = [...(written.length ? [`report written to ${written.join(', ')}`] : []), summaryLine(ctx), gateVerdict(ctx).line];
    process.stderr.write(lines.join('\n') + '\n');
  }
  return failed ? EXIT.USAGE : exitCodeFor(ctx);
}

const provided = new Map<string, string>();

/** Gives reporters the text of an input that is not a file to read again (the domain read from stdin). */
export function provideSource(name: string, text: string): void {
  provided.set(name, text);
}

/** Reads a scanned input file for reporters that patch it (SARIF fixes); undefined when it cannot be read. */
function readSource(file: string): string | undefined {
  const given = provided.get(file);
  if (given !== undefined) return given;
  const r = readRegularFile(file, MAX_XML_BYTES);
  return r.ok ? r.data.toString('utf8') : undefined;
}
