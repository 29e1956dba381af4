import type { Command } from '@oclif/core';
import { applyBaseline, readBaseline, type BaselineComparison } from '../engine/baseline';
import type { ScanResult } from '../engine/findings';
import type { Rule } from '../engine/generated/rule';
import { applyWaivers, DEFAULT_POLICY, describeWaiverNote, formatPolicyError, loadPolicy, today, type ResolvedPolicy } from '../engine/policy';
import type { RuleSelection } from '../engine/scan';
import { parsePlatformFlag } from '../facts/common/platform';
import { termText } from '../report/escape';
import { EXIT, emit, reportDestinations, reportOnTerminal, type ReportFlags } from './output';
import { loadRulesOrExplain } from './rules';
import { UsageError } from './usage-error';

export interface ScanFlags extends ReportFlags {
  rules?: string[];
  platform?: string;
}

export interface ScanSetup {
  rules: Rule[];
  policy: ResolvedPolicy;
}

/**
 * Loads rules and the policy (--policy, default `default`) and checks one against the other. Configuration
 * errors go to stderr, one line each with file:line, and yield `undefined` (the caller exits 2).
 */
export function prepareScan(flags: Pick<ScanFlags, 'policy' | 'rules' | 'platform' | 'format' | 'output'>, write: (s: string) => void = (s) => process.stderr.write(s)): ScanSetup | undefined {
  // --format/--output mistakes are found before a scan that may take minutes, not after it.
  const dests = reportDestinations(flags);
  if (dests.error !== undefined) {
    write(`vmaudit: ${dests.error}\n`);
    return undefined;
  }
  const { rules, errors } = loadRulesOrExplain(flags.rules);
  for (const e of errors) write(`vmaudit: invalid rule: ${e}\n`);
  const { policy, errors: perr } = loadPolicy(flags.policy ?? DEFAULT_POLICY);
  for (const e of perr) write(`vmaudit: invalid policy: ${formatPolicyError(e)}\n`);
  if (errors.length || !policy) return undefined;
  const checked = policy.check(rules.map((r) => r.rule));
  for (const e of checked) write(`vmaudit: invalid policy: ${formatPolicyError(e)}\n`);
  if (flags.platform !== undefined) {
    const { value, error } = parsePlatformFlag(flags.platform);
    if (error) {
      write(`vmaudit: --platform ${error}\n`);
      return undefined;
    }
    policy.selection.platform = { ...policy.selection.platform, flag: value };
  }
  return checked.length ? undefined : { rules: rules.map((r) => r.rule), policy };
}

/**
 * Applies waivers (as of today, or VMAUDIT_TODAY) and the baseline, writes the report and returns the exit code.
 * A baseline that cannot be read is a configuration error (2) and nothing is written.
 */
export function finishScan(result: ScanResult, flags: ScanFlags, setup: ScanSetup, write: (s: string) => void = (s) => process.stderr.write(s)): number {
  let baseline: BaselineComparison | undefined;
  if (flags.baseline) {
    const b = readBaseline(flags.baseline);
    if (!b.baseline) {
      for (const e of b.errors) write(`vmaudit: invalid baseline: ${e}\n`);
      return EXIT.USAGE;
    }
    baseline = applyBaseline(result, b.baseline);
  }
  const waivers = applyWaivers(result, setup.policy.waivers, today());
  for (const n of waivers) if (n.status === 'expired') write(`vmaudit: warning: ${describeWaiverNote(n)}\n`);
  // Scan errors are in every report; repeat them on stderr unless the report itself is on the terminal.
  // Messages name targets (file and host names): their control characters are shown, never sent to the terminal raw.
  if (!reportOnTerminal(flags)) for (const e of result.errors) write(`vmaudit: ${termText(e.message)}\n`);
  return emit(result, flags, setup.policy.name, { failOn: setup.policy.failOn, waivers, baseline });
}

/**
 * The whole of a scan command after flag parsing, so every `scan` command is one line:
 * `await runScan(this, flags, (rules, selection) => scanSomething(inputs, rules, selection));`
 * The scan may throw `UsageError` (exit 2) or return undefined when it has already told the user there is nothing to
 * audit. Exits 2 on configuration errors, else with the gate's code (0, 1 or 3).
 */
export async function runScan(cmd: Command, flags: ScanFlags, scan: (rules: Rule[], selection: RuleSelection) => ScanResult | undefined | Promise<ScanResult | undefined>): Promise<void> {
  const setup = prepareScan(flags);
  if (!setup) cmd.exit(EXIT.USAGE);
  let result: ScanResult | undefined;
  try {
    result = await scan(setup!.rules, setup!.policy.selection);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`vmaudit: ${termText(e.message)}\n`);
    cmd.exit(EXIT.USAGE);
  }
  // undefined: the scan reported by itself that there was nothing to audit.
  if (!result) return;
  const code = finishScan(result, flags, setup!);
  // oclif exits the process on a non-zero code; a report larger than the pipe buffer must be flushed first.
  if (process.stdout.writableLength > 0) await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
  if (code !== 0) cmd.exit(code);
}
