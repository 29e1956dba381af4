import type { ScanResult, TargetRef } from './findings';
import { checkSarifValue, validateSarifText } from '../report/sarif-merge';
import { readInputText } from '../util/read-input';

/** The SARIF partialFingerprints key vmaudit writes (same value as the JSON report's `fingerprint`). */
export const BASELINE_FINGERPRINT_KEY = 'vmauditFinding/v1';

/** One finding of an earlier report. */
export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  /** `kind:name`, when the report says. */
  target?: string;
  subject?: string;
  message?: string;
  location?: { file: string; line?: number };
}

export interface Baseline {
  file: string;
  format: 'sarif' | 'json';
  entries: BaselineEntry[];
}

/** The outcome of comparing a scan with a baseline. */
export interface BaselineComparison {
  file: string;
  new: number;
  unchanged: number;
  /** Baseline findings of the scanned targets and selected rules that no longer occur. */
  fixed: BaselineEntry[];
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Reads the findings of a vmaudit SARIF or JSON report. Pure; never throws: problems come back as messages. */
export function parseBaseline(text: string, file: string): { baseline?: Baseline; errors: string[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    // The strict parser of `report merge` names the line and column.
    const located = validateSarifText(file, text).problems[0];
    const where = located?.location ? `${file}:${located.location.line}:${located.location.column}` : file;
    return { errors: [`${where}: not JSON (${located?.message.replace(/^not valid JSON: /, '') ?? (e as Error).message.split('\n')[0]}); --baseline takes a SARIF or JSON report written by vmaudit`] };
  }
  if (!isObj(doc)) return { errors: [`${file}: not a SARIF log or vmaudit JSON report`] };
  const entries: BaselineEntry[] = [];
  const errors: string[] = [];
  if ('runs' in doc || (doc.version !== undefined && doc.format === undefined)) {
    // A SARIF log: the same validation as `report merge`.
    const checked = checkSarifValue(file, text, doc);
    if (checked.problems.length) return { errors: checked.problems.map((p) => `${p.location ? `${p.location.file}:${p.location.line}:${p.location.column}` : file}: ${p.message}`) };
    const runs = doc.runs as unknown[];
    runs.forEach((run, ri) => {
      if (!isObj(run)) return;
      const results = Array.isArray(run.results) ? run.results : [];
      results.forEach((r, i) => {
        if (!isObj(r)) return;
        if (r.baselineState === 'absent') return;
        const fp = isObj(r.partialFingerprints) ? str(r.partialFingerprints[BASELINE_FINGERPRINT_KEY]) : undefined;
        if (!fp) {
          errors.push(`${file}: runs[${ri}].results[${i}] has no partialFingerprints['${BASELINE_FINGERPRINT_KEY}'] (not written by vmaudit?)`);
          return;
        }
        const props = isObj(r.properties) ? r.properties : {};
        const loc = Array.isArray(r.locations) && isObj(r.locations[0]) && isObj(r.locations[0].physicalLocation) ? r.locations[0].physicalLocation : undefined;
        const uri = loc && isObj(loc.artifactLocation) ? str(loc.artifactLocation.uri) : undefined;
        const line = loc && isObj(loc.region) && typeof loc.region.startLine === 'number' ? loc.region.startLine : undefined;
        entries.push({
          fingerprint: fp,
          ruleId: str(r.ruleId) ?? '?',
          target: str(props.target),
          subject: str(props.subject),
          message: isObj(r.message) ? str(r.message.text) : undefined,
          ...(uri ? { location: { file: decodeURIComponent(uri), ...(line ? { line } : {}) } } : {}),
        });
      });
    });
    return errors.length ? { errors } : { baseline: { file, format: 'sarif', entries }, errors };
  }
  if (doc.format === 'vmaudit-report' && Array.isArray(doc.findings)) {
    doc.findings.forEach((f, i) => {
      if (!isObj(f) || !str(f.fingerprint)) {
        errors.push(`${file}: findings[${i}] has no fingerprint`);
        return;
      }
      const t = isObj(f.target) ? f.target : undefined;
      const l = isObj(f.location) ? f.location : undefined;
      entries.push({
        fingerprint: f.fingerprint as string,
        ruleId: str(f.ruleId) ?? '?',
        target: t && str(t.kind) && str(t.name) ? `${t.kind as string}:${t.name as string}` : undefined,
        subject: str(f.subject),
        message: str(f.message),
        ...(l && str(l.file) ? { location: { file: l.file as string, ...(typeof l.line === 'number' ? { line: l.line } : {}) } } : {}),
      });
    });
    return errors.length ? { errors } : { baseline: { file, format: 'json', entries }, errors };
  }
  return { errors: [`${file}: neither a SARIF log (no "runs") nor a vmaudit JSON report (format "vmaudit-report")`] };
}

export function readBaseline(file: string): { baseline?: Baseline; errors: string[] } {
  const r = readInputText(file, 'baseline');
  if (!r.ok) return { errors: [`${file}: cannot read baseline: ${r.reason}`] };
  return parseBaseline(r.data, file);
}

const tkey = (t: TargetRef) => `${t.kind}:${t.name}`;

/**
 * Marks each finding `new` or `unchanged` (by fingerprint) and lists the baseline findings that are gone. Only
 * baseline findings of targets scanned now and rules selected now count as fixed, so scanning a subset of the
 * files, or with a narrower policy, does not claim fixes.
 */
export function applyBaseline(result: ScanResult, baseline: Baseline): BaselineComparison {
  const known = new Set(baseline.entries.map((e) => e.fingerprint));
  let n = 0;
  let u = 0;
  result.findings = result.findings.map((f) => {
    const state = known.has(f.fingerprint) ? 'unchanged' : 'new';
    if (state === 'new') n++;
    else u++;
    return { ...f, baseline: state };
  });
  const now = new Set(result.findings.map((f) => f.fingerprint));
  const scanned = new Set(result.targets.map(tkey));
  const rules = new Set(result.rules.map((r) => r.id));
  const seen = new Set<string>();
  const fixed = baseline.entries.filter((e) => {
    if (now.has(e.fingerprint) || seen.has(e.fingerprint)) return false;
    seen.add(e.fingerprint);
    if (e.target !== undefined && !scanned.has(e.target)) return false;
    return rules.has(e.ruleId);
  });
  fixed.sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  return { file: baseline.file, new: n, unchanged: u, fixed };
}
