/**
 * `vmaudit report merge`: merges SARIF logs (typically one per fleet shard) into one log.
 *
 * - Runs of the same tool (driver name) and the same category (`automationDetails.id`) become ONE run: GitHub code
 *   scanning accepts one run per tool + category in an upload, and at most 20 runs per file.
 * - Rules are deduplicated by id (first definition wins; a differing later one is a warning) and sorted; every
 *   `ruleIndex` / `associatedRule.index` is recomputed. Results keep their `partialFingerprints`; a result that
 *   appears twice (same rule, fingerprints and location: a host scanned by two shards) is kept once.
 * - When the merged run covers several hosts/guests, target-side locations use the per-target layout of
 *   `toSarif` (base TARGETS, `host/<name>/…`), so merging single-host shards gives the same shape as one fleet scan.
 * - Inputs are validated; every problem names the file, line and column (a JSON syntax error, or the node that is
 *   not SARIF 2.1.0 as vmaudit reads it). Pure: text in, log or problems out.
 */
import type * as Sarif from 'sarif';
import type { Problem } from '../util/problem';
import { LineIndex } from '../util/location';
import { jsonNestingOver, jsonSyntaxError, scanJson, type JsonSyntaxError } from '../util/json-positions';
import { isMultiTarget, targetUriPrefix, uriBaseIds } from './sarif';
import type { TargetRef } from '../engine/findings';

// ------------------------------------------------------------------------------------------------------------
// JSON with positions (src/util/json-positions.ts: jsonc-parser's strict visitor)

export interface ParsedJson {
  value: unknown;
  /** Offset where the value at a JSON pointer (`/runs/0/results/3`) starts. */
  offsets: Map<string, number>;
}

/** Parses JSON (values from JSON.parse) and records where the values `record` wants start. Never throws: a syntax error is a Problem. */
export function parseJsonWithPositions(text: string, file: string, record: (ptr: string) => boolean = () => true): { value?: ParsedJson; problems: Problem[] } {
  const scanned = scanJson(text, record);
  if (scanned.error) return { problems: [syntaxProblem(text, file, scanned.error)] };
  try {
    return { value: { value: JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text), offsets: scanned.offsets }, problems: [] };
  } catch {
    return { problems: [syntaxProblem(text, file, jsonSyntaxError(text))] };
  }
}

function syntaxProblem(text: string, file: string, e: JsonSyntaxError): Problem {
  return { code: 'json.syntax', level: 'error', message: `not valid JSON: ${e.message}`, location: { file, ...new LineIndex(text).position(e.offset) } };
}

// ------------------------------------------------------------------------------------------------------------
// Validation (the parts of SARIF 2.1.0 the merge relies on)

export interface SarifInput {
  file: string;
  text: string;
}

interface Checked {
  file: string;
  log: Sarif.Log;
}

/** At most this many problems are listed per input (then one line says how many more there are). */
export const MAX_SARIF_PROBLEMS = 50;

/**
 * Parses and validates one SARIF text. The text is parsed natively (JSON.parse: big logs are legitimate, and a
 * position-recording parse of a few hundred MB would not fit in memory); positions are computed only when there is
 * something to report, by the strict position parser restricted to the pointers reported.
 */
export function validateSarifText(file: string, text: string): { log?: Checked; problems: Problem[] } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    if (jsonNestingOver(body)) throw new Error('too deep');
    value = JSON.parse(body);
  } catch {
    // The strict scanner names the line and column (and refuses nesting deeper than MAX_JSON_DEPTH).
    return { problems: [syntaxProblem(text, file, jsonSyntaxError(text))] };
  }
  return checkSarifValue(file, text, value);
}

/** Validates an already parsed SARIF log (`text` is its source, used only to locate problems). */
export function checkSarifValue(file: string, text: string, value: unknown): { log?: Checked; problems: Problem[] } {
  const found: { ptr: string; message: string }[] = [];
  let more = 0;
  const bad = (ptr: string, message: string) => {
    if (found.length < MAX_SARIF_PROBLEMS) found.push({ ptr, message });
    else more++;
  };
  const finish = (): { log?: Checked; problems: Problem[] } => {
    if (!found.length) return { log: { file, log: value as Sarif.Log }, problems: [] };
    // Locate: re-parse recording only the reported pointers and their ancestors.
    const wanted = new Set<string>();
    for (const f of found) for (let p = f.ptr; ; p = p.slice(0, p.lastIndexOf('/'))) {
      wanted.add(p);
      if (p === '') break;
    }
    const offsets = scanJson(text, (ptr) => wanted.has(ptr)).offsets;
    const lines = new LineIndex(text);
    const at = (ptr: string) => {
      let p = ptr;
      while (!offsets.has(p) && p !== '') p = p.slice(0, p.lastIndexOf('/'));
      return lines.position(offsets.get(p) ?? 0);
    };
    const problems: Problem[] = found.map((f) => ({ code: 'sarif.invalid', level: 'error', message: `${f.ptr || '/'}: ${f.message}`, location: { file, ...at(f.ptr) } }));
    if (more) problems.push({ code: 'sarif.invalid', level: 'error', message: `and ${more} more problems in this file`, location: { file, line: 1, column: 1 } });
    return { problems };
  };
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(value)) {
    bad('', 'a SARIF log must be a JSON object');
    return finish();
  }
  if (value.version !== '2.1.0') bad('/version', `SARIF version must be "2.1.0", got ${JSON.stringify(value.version)?.slice(0, 80)}`);
  if (!Array.isArray(value.runs)) {
    bad('/runs', '"runs" must be an array');
    return finish();
  }
  value.runs.forEach((run: unknown, r) => {
    const rp = `/runs/${r}`;
    if (!isObj(run)) return bad(rp, 'a run must be an object');
    const driver = isObj(run.tool) && isObj(run.tool.driver) ? run.tool.driver : undefined;
    if (!driver) return bad(`${rp}/tool`, 'tool.driver is missing');
    if (typeof driver.name !== 'string' || driver.name === '') bad(`${rp}/tool/driver/name`, 'tool.driver.name must be a non-empty string');
    if (driver.rules !== undefined) {
      if (!Array.isArray(driver.rules)) bad(`${rp}/tool/driver/rules`, 'rules must be an array');
      else driver.rules.forEach((rule: unknown, k) => (!isObj(rule) || typeof rule.id !== 'string' ? bad(`${rp}/tool/driver/rules/${k}`, 'a rule needs a string "id"') : undefined));
    }
    if (run.automationDetails !== undefined && (!isObj(run.automationDetails) || (run.automationDetails.id !== undefined && typeof run.automationDetails.id !== 'string'))) {
      bad(`${rp}/automationDetails`, 'automationDetails.id must be a string');
    }
    if (run.results !== undefined && !Array.isArray(run.results)) bad(`${rp}/results`, 'results must be an array');
    if (Array.isArray(run.results)) {
      run.results.forEach((res: unknown, k) => {
        const p = `${rp}/results/${k}`;
        if (!isObj(res)) return bad(p, 'a result must be an object');
        if (typeof res.ruleId !== 'string') bad(p, 'a result needs a string "ruleId" (vmaudit merges by rule id)');
        if (!isObj(res.message) || (typeof res.message.text !== 'string' && typeof res.message.id !== 'string')) bad(`${p}/message`, 'message.text is missing');
        if (res.partialFingerprints !== undefined && (!isObj(res.partialFingerprints) || Object.values(res.partialFingerprints).some((v) => typeof v !== 'string'))) {
          bad(`${p}/partialFingerprints`, 'partialFingerprints must map names to strings');
        }
        if (res.locations !== undefined && !Array.isArray(res.locations)) bad(`${p}/locations`, 'locations must be an array');
      });
    }
    if (run.invocations !== undefined && !Array.isArray(run.invocations)) bad(`${rp}/invocations`, 'invocations must be an array');
  });
  return finish();
}

// ------------------------------------------------------------------------------------------------------------
// Merge

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const stable = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => cmp(a, b))) : x));

function targetOfResult(r: Sarif.Result): TargetRef | undefined {
  const t = r.properties?.target;
  if (typeof t !== 'string') return undefined;
  const i = t.indexOf(':');
  const kind = t.slice(0, i);
  if (kind !== 'host' && kind !== 'guest' && kind !== 'domain') return undefined;
  return { kind, name: t.slice(i + 1) };
}

/** Rewrites single-target locations (TARGETROOT, EVIDENCE commands/) to the per-target layout. */
function toPerTarget(loc: Sarif.ArtifactLocation | undefined, target: TargetRef | undefined): void {
  if (!loc || !target || target.kind === 'domain' || loc.uri === undefined) return;
  if (loc.uriBaseId === 'TARGETROOT') {
    loc.uri = targetUriPrefix(target) + loc.uri;
    loc.uriBaseId = 'TARGETS';
  } else if (loc.uriBaseId === 'EVIDENCE' && loc.uri.startsWith('commands/')) {
    loc.uri = targetUriPrefix(target) + loc.uri;
  }
}

function resultKey(r: Sarif.Result): string {
  return stable({ ruleId: r.ruleId, fp: r.partialFingerprints ?? null, target: r.properties?.target ?? null, loc: r.locations?.[0]?.physicalLocation ?? null, msg: r.partialFingerprints ? null : r.message });
}

function sortKey(r: Sarif.Result): [string, number, number, string, string, string] {
  const pl = r.locations?.[0]?.physicalLocation;
  return [`${pl?.artifactLocation?.uriBaseId ?? ''}:${pl?.artifactLocation?.uri ?? ''}`, pl?.region?.startLine ?? 0, pl?.region?.startColumn ?? 0, r.ruleId ?? '', String(r.properties?.target ?? ''), stable(r.partialFingerprints ?? r.message)];
}

export interface MergeOutcome {
  log?: Sarif.Log;
  problems: Problem[];
  warnings: string[];
}

/** Validates every input, then merges. With any invalid input, nothing is merged and every problem is returned. */
export function mergeSarif(inputs: readonly SarifInput[]): MergeOutcome {
  const problems: Problem[] = [];
  const checked: Checked[] = [];
  for (const input of inputs) {
    const v = validateSarifText(input.file, input.text);
    for (const p of v.problems) problems.push(p);
    if (v.log) checked.push(v.log);
  }
  if (problems.length) return { problems, warnings: [] };
  const warnings: string[] = [];

  interface Group {
    key: string;
    first: { file: string; run: Sarif.Run };
    rules: Map<string, Sarif.ReportingDescriptor>;
    notificationDescriptors: Map<string, Sarif.ReportingDescriptor>;
    results: Map<string, Sarif.Result>;
    notifications: Map<string, Sarif.Notification>;
    successful: boolean;
    baseIds: Record<string, Sarif.ArtifactLocation>;
    targets: Set<string>;
    targetsFailed: Set<string>;
    versions: Set<string>;
  }
  const groups = new Map<string, Group>();
  for (const { file, log } of checked) {
    for (const run of log.runs) {
      const driver = run.tool.driver;
      const key = `${driver.name}\0${run.automationDetails?.id ?? ''}`;
      let g = groups.get(key);
      if (!g) {
        g = { key, first: { file, run }, rules: new Map(), notificationDescriptors: new Map(), results: new Map(), notifications: new Map(), successful: true, baseIds: {}, targets: new Set(), targetsFailed: new Set(), versions: new Set() };
        groups.set(key, g);
      }
      if (driver.version) g.versions.add(driver.version);
      const ruleIds = (driver.rules ?? []).map((r) => r.id);
      for (const rule of driver.rules ?? []) {
        const prev = g.rules.get(rule.id);
        if (!prev) g.rules.set(rule.id, rule);
        else if (stable(prev) !== stable(rule)) warnings.push(`${file}: rule ${rule.id} differs from its first definition (in ${g.first.file}); the first is kept`);
      }
      for (const d of driver.notifications ?? []) if (!g.notificationDescriptors.has(d.id)) g.notificationDescriptors.set(d.id, d);
      for (const [k, v] of Object.entries(run.originalUriBaseIds ?? {})) g.baseIds[k] ??= v;
      const props = run.properties ?? {};
      for (const t of Array.isArray(props.targets) ? props.targets : []) if (typeof t === 'string') g.targets.add(t);
      for (const t of Array.isArray(props.targetsFailed) ? props.targetsFailed : []) if (typeof t === 'string') g.targetsFailed.add(t);
      for (const res of run.results ?? []) {
        const copy = structuredClone(res);
        if (typeof copy.ruleIndex === 'number' && ruleIds[copy.ruleIndex] !== copy.ruleId) {
          warnings.push(`${file}: a ${copy.ruleId} result had ruleIndex ${copy.ruleIndex} pointing at another rule; recomputed`);
        }
        const t = targetOfResult(copy);
        if (t) g.targets.add(`${t.kind}:${t.name}`);
        const k = resultKey(copy);
        if (!g.results.has(k)) g.results.set(k, copy);
      }
      for (const inv of run.invocations ?? []) {
        if (inv.executionSuccessful === false) g.successful = false;
        for (const n of inv.toolExecutionNotifications ?? []) {
          const copy = structuredClone(n);
          const nk = stable({ ...copy, associatedRule: copy.associatedRule ? { id: copy.associatedRule.id } : undefined });
          if (!g.notifications.has(nk)) g.notifications.set(nk, copy);
          if (copy.level === 'error' && copy.descriptor?.id?.startsWith('scan-error/')) {
            const m = /^(host|guest) (.+) could not be scanned: /.exec(copy.message.text ?? '');
            if (m) g.targetsFailed.add(`${m[1]}:${m[2]}`);
          }
        }
      }
    }
  }

  const runs: Sarif.Run[] = [];
  for (const g of [...groups.values()].sort((a, b) => cmp(a.key, b.key))) {
    const rules = [...g.rules.values()].sort((a, b) => cmp(a.id, b.id));
    const index = new Map(rules.map((r, i) => [r.id, i]));
    const targetRefs = [...g.targets].map((t) => ({ kind: t.slice(0, t.indexOf(':')) as TargetRef['kind'], name: t.slice(t.indexOf(':') + 1) }));
    const multi = isMultiTarget(targetRefs);
    const results = [...g.results.values()];
    for (const r of results) {
      if (r.ruleId !== undefined && index.has(r.ruleId)) r.ruleIndex = index.get(r.ruleId);
      else delete r.ruleIndex;
      if (multi) for (const l of r.locations ?? []) toPerTarget(l.physicalLocation?.artifactLocation, targetOfResult(r));
    }
    results.sort((a, b) => {
      const ka = sortKey(a);
      const kb = sortKey(b);
      return cmp(ka[0], kb[0]) || ka[1] - kb[1] || ka[2] - kb[2] || cmp(ka[3], kb[3]) || cmp(ka[4], kb[4]) || cmp(ka[5], kb[5]);
    });
    const notifications = [...g.notifications.values()]
      .map((n) => {
        if (n.associatedRule?.id && index.has(n.associatedRule.id)) n.associatedRule.index = index.get(n.associatedRule.id);
        else if (n.associatedRule) delete n.associatedRule.index;
        return n;
      })
      .sort((a, b) => cmp(a.level ?? '', b.level ?? '') || cmp(a.descriptor?.id ?? '', b.descriptor?.id ?? '') || cmp(a.message.text ?? '', b.message.text ?? ''));
    // vmaudit's own bases are canonical for the merged layout; foreign ones are kept
    const { TARGETROOT: _a, TARGETS: _b, EVIDENCE: _c, ...foreignBases } = g.baseIds;
    void [_a, _b, _c];
    const ownBases = 'TARGETROOT' in g.baseIds || 'TARGETS' in g.baseIds || 'EVIDENCE' in g.baseIds ? uriBaseIds(multi) : {};
    const baseIds = { ...ownBases, ...Object.fromEntries(Object.entries(foreignBases).sort(([a], [b]) => cmp(a, b))) };
    if (g.versions.size > 1) warnings.push(`${g.first.run.tool.driver.name}: merged runs of several versions (${[...g.versions].sort().join(', ')}); the first file's driver (${g.first.file}) is kept`);
    const first = g.first.run;
    const run: Sarif.Run = {
      ...structuredClone(first),
      tool: { ...structuredClone(first.tool), driver: { ...structuredClone(first.tool.driver), rules, notifications: [...g.notificationDescriptors.values()].sort((a, b) => cmp(a.id, b.id)) } },
      invocations: [{ executionSuccessful: g.successful, toolExecutionNotifications: notifications }],
      results,
    };
    if (Object.keys(baseIds).length) run.originalUriBaseIds = baseIds;
    if (first.properties || g.targets.size) {
      run.properties = { ...structuredClone(first.properties ?? {}), targets: [...g.targets].sort() };
      if (multi || g.targetsFailed.size) run.properties.targetsFailed = [...g.targetsFailed].sort();
    }
    runs.push(run);
  }
  const $schema = checked[0]?.log.$schema ?? 'https://json.schemastore.org/sarif-2.1.0.json';
  if (runs.length > 20) warnings.push(`the merged log has ${runs.length} runs; GitHub code scanning accepts at most 20 per upload`);
  return { log: { $schema, version: '2.1.0', runs }, problems: [], warnings };
}
