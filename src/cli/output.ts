import * as fs from 'node:fs';
import * as Flags from '@oclif/core/flags';
import type { ScanResult } from '../engine/findings';
import { SEVERITIES } from '../engine/findings';
import { gateFindings, type FailOn, type ReportContext } from '../report/common';

export const EXIT = { OK: 0, GATE_FAILED: 1, USAGE: 2, TARGETS_FAILED: 3 } as const;

export const FORMATS = ['text', 'json', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

/** Flags shared by every `scan` command. */
export const reportFlags = {
  format: Flags.string({ char: 'f', description: 'report format', options: [...FORMATS], default: 'text' }),
  output: Flags.string({ char: 'o', description: 'write the report to FILE instead of stdout' }),
  'fail-on': Flags.string({
    description: 'exit 1 when a finding at or above this severity exists (none: never)',
    options: [...SEVERITIES, 'none'],
    default: 'high',
  }),
  rules: Flags.string({ description: 'also load rules from DIR (repeatable)', multiple: true }),
  verbose: Flags.boolean({ char: 'v', description: 'text report: show remediation under each finding' }),
  color: Flags.boolean({ description: 'colour the text report (default: only on a terminal, unless NO_COLOR is set)', allowNo: true }),
};

export interface ReportFlags {
  format: string;
  output?: string;
  'fail-on': string;
  verbose: boolean;
  color?: boolean;
}

export function render(ctx: ReportContext, flags: ReportFlags): string {
  switch (flags.format as Format) {
    // Reporters are loaded on demand: a run needs one of them.
    case 'json':
      return JSON.stringify((require('../report/json') as typeof import('../report/json')).toJsonReport(ctx), null, 2) + '\n';
    case 'sarif':
      return JSON.stringify((require('../report/sarif') as typeof import('../report/sarif')).toSarif(ctx), null, 2) + '\n';
    default: {
      const color = flags.color ?? (!flags.output && process.stdout.isTTY === true && !process.env.NO_COLOR);
      return (require('../report/text') as typeof import('../report/text')).toText(ctx, { color, verbose: flags.verbose });
    }
  }
}

/** Writes the report and returns the process exit code per DESIGN.md: gate failure (1) wins over scan errors (3). */
export function emit(result: ScanResult, flags: ReportFlags, policyName = 'default'): number {
  const ctx: ReportContext = { result, failOn: flags['fail-on'] as FailOn, policyName };
  const text = render(ctx, flags);
  if (flags.output) fs.writeFileSync(flags.output, text);
  else process.stdout.write(text);
  if (gateFindings(ctx).length > 0) return EXIT.GATE_FAILED;
  if (result.errors.length > 0) return EXIT.TARGETS_FAILED;
  return EXIT.OK;
}
