import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ScanSetup } from '../cli/scan';
import { displayPath } from '../engine/scan-domains';
import type { RuleSelection } from '../engine/scan';
import { fixDomainFile, type DomainFix } from './domain';
import { unifiedDiff } from './diff';

export interface FixOptions {
  diff: boolean;
  outputDir?: string;
  inPlace?: boolean;
  /** Only these rule ids (--rule); all the policy enables when absent. */
  rules?: string[];
}

const EXIT_OK = 0;
const EXIT_REMAIN = 1;
const EXIT_USAGE = 2;

/**
 * `vmaudit fix domain`: fixes each file (fixDomainFile), prints the diff / writes the files, reports on `err` what
 * was fixed and what remains (and why), and returns the exit code: 0 nothing remains, 1 findings remain or a file
 * could not be fixed, 2 usage (unknown --rule, clashing output names). Reads only the given files; writes only
 * into --output-dir, or the files and their .bak with --in-place.
 */
export function runFixDomain(files: readonly string[], setup: ScanSetup, opts: FixOptions, out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): number {
  const known = new Set(setup.rules.filter((r) => r.scope === 'domain').map((r) => r.id));
  const unknown = (opts.rules ?? []).filter((id) => !known.has(id));
  if (unknown.length) {
    err(`vmaudit: --rule ${unknown.join(', ')}: no such domain rule\n`);
    return EXIT_USAGE;
  }
  const only = opts.rules?.length ? new Set(opts.rules) : undefined;
  const base = setup.policy.selection;
  const selection: RuleSelection = only ? { ...base, name: base.name, enabled: (r) => only.has(r.id) && base.enabled(r), settings: (r) => base.settings(r) } : base;
  if (opts.outputDir !== undefined) {
    const names = new Map<string, string>();
    for (const f of files) {
      const b = path.basename(f);
      if (names.has(b) && names.get(b) !== path.resolve(f)) {
        err(`vmaudit: --output-dir: ${names.get(b)} and ${f} would both be written as ${b}\n`);
        return EXIT_USAGE;
      }
      names.set(b, path.resolve(f));
    }
    try {
      fs.mkdirSync(opts.outputDir, { recursive: true });
    } catch (e) {
      err(`vmaudit: --output-dir ${opts.outputDir}: ${(e as Error).message}\n`);
      return EXIT_USAGE;
    }
  }
  let code = EXIT_OK;
  for (const f of files) {
    const shown = displayPath(f);
    const r: DomainFix = fixDomainFile(f, shown, setup.rules, selection);
    if (r.error) {
      err(`vmaudit: ${shown}: ${r.error}\n`);
      code = EXIT_REMAIN;
    }
    for (const x of r.fixed ?? []) err(`vmaudit: ${shown}${x.line !== null ? `:${x.line}` : ''}: fixed ${x.ruleId} ${x.subject}\n`);
    for (const m of r.remaining) {
      const at = `${shown}${m.line !== null ? `:${m.line}` : ''}`;
      err(`vmaudit: ${at}: ${m.ruleId} ${m.subject} remains: ${m.why === 'manual' ? 'no automatic fix (see the report)' : m.reason}\n`);
      code = EXIT_REMAIN;
    }
    if (r.fixedText === undefined || r.original === undefined) continue;
    const fixed = Buffer.from(r.fixedText, 'utf8');
    if (opts.diff) out(unifiedDiff(r.text!, r.fixedText, path.isAbsolute(shown) ? shown : `a/${shown}`, path.isAbsolute(shown) ? shown : `b/${shown}`));
    if (opts.outputDir !== undefined) {
      const dest = path.join(opts.outputDir, path.basename(f));
      try {
        fs.writeFileSync(dest, fixed);
        err(`vmaudit: wrote ${dest}\n`);
      } catch (e) {
        err(`vmaudit: ${dest}: ${(e as Error).message}\n`);
        code = EXIT_REMAIN;
      }
    } else if (opts.inPlace) {
      const bak = `${f}.bak`;
      try {
        // The backup is written first and never over an older one (that may be the only original left).
        fs.writeFileSync(bak, r.original, { flag: 'wx' });
        fs.writeFileSync(f, fixed);
        err(`vmaudit: rewrote ${shown} (original in ${displayPath(bak)})\n`);
      } catch (e) {
        const why = (e as NodeJS.ErrnoException).code === 'EEXIST' ? `${bak} exists (an earlier backup): remove it or use --output-dir` : (e as Error).message;
        err(`vmaudit: ${shown}: not rewritten: ${why}\n`);
        code = EXIT_REMAIN;
      }
    }
  }
  return code;
}
