import Ajv from 'ajv';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { LineIndex } from '../util/location';
import type { EvidenceBundle } from './evidence';
import { EVIDENCE_FORMAT, EVIDENCE_VERSION } from './evidence';
import { isRawOutput, parseRawOutput } from './raw';
import { ScanError } from './runner';
import { readInputText } from '../util/read-input';
import { jsonSyntaxError } from '../util/json-positions';

export { jsonSyntaxError };

/**
 * Snapshots: an EvidenceBundle saved as JSON (`format` + `version` first), so `scan host --snapshot F` can audit
 * offline. Loading validates against schemas/evidence.schema.json; every error names the file (and, for JSON
 * syntax errors, line and column) and is a ScanError('input'), never a stack trace.
 */
export const EVIDENCE_SCHEMA_PATH = path.join(__dirname, '..', '..', 'schemas', 'evidence.schema.json');

let validator: ReturnType<Ajv['compile']> | undefined;
function validate(): ReturnType<Ajv['compile']> {
  if (!validator) {
    const schema = JSON.parse(readFileSync(EVIDENCE_SCHEMA_PATH, 'utf8')) as object;
    validator = new Ajv({ allErrors: true, strict: true }).compile(schema);
  }
  return validator;
}

function sortKeys<T>(rec: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(rec).sort()) out[k] = rec[k];
  return out;
}

/** Deterministic JSON text of a bundle (keys of files/dirs/commands sorted). */
export function serializeSnapshot(bundle: EvidenceBundle): string {
  const ordered: EvidenceBundle = {
    format: bundle.format,
    version: bundle.version,
    target: bundle.target,
    collectedAt: bundle.collectedAt,
    collector: bundle.collector,
    privileged: bundle.privileged,
    files: sortKeys(bundle.files),
    dirs: sortKeys(bundle.dirs),
    commands: sortKeys(bundle.commands),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

export function saveSnapshot(file: string, bundle: EvidenceBundle): void {
  try {
    writeFileSync(file, serializeSnapshot(bundle));
  } catch (e) {
    throw new ScanError('input', `${file}: cannot write snapshot: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function loadSnapshot(file: string): EvidenceBundle {
  const read = readInputText(file, 'snapshot');
  if (!read.ok) throw new ScanError('input', `${file}: cannot read snapshot: ${read.reason}`);
  // the raw output of `vmaudit collect --script` run by any runner, saved per host, is a snapshot too
  if (isRawOutput(read.data)) return parseRawOutput(read.data, file);
  return parseSnapshot(read.data, file);
}

/** Parse and validate snapshot text. The returned bundle's target.transport is 'snapshot'. */
export function parseSnapshot(text: string, file: string): EvidenceBundle {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    const { offset, message } = jsonSyntaxError(body);
    const { line, column } = new LineIndex(body).position(offset);
    throw new ScanError('input', `${file}:${line}:${column}: not a vmaudit snapshot: invalid JSON: ${message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ScanError('input', `${file}: not a vmaudit snapshot: expected a JSON object`);
  }
  const d = data as Record<string, unknown>;
  if (d.format !== EVIDENCE_FORMAT) {
    throw new ScanError('input', `${file}: not a vmaudit snapshot: format is ${JSON.stringify(d.format)} (expected "${EVIDENCE_FORMAT}")`);
  }
  if (d.version !== EVIDENCE_VERSION) {
    throw new ScanError('input', `${file}: unsupported snapshot version ${JSON.stringify(d.version)} (this vmaudit reads version ${EVIDENCE_VERSION})`);
  }
  const v = validate();
  if (!v(data)) {
    const errs = (v.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
    throw new ScanError('input', `${file}: corrupt snapshot: ${errs.join('; ')}`);
  }
  const bundle = data as EvidenceBundle;
  bundle.target = { ...bundle.target, transport: 'snapshot' };
  return bundle;
}
