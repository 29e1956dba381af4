import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';

/**
 * Validators for the reports vmaudit writes: the official SARIF 2.1.0 schema (vendored in schemas/vendor/),
 * schemas/report.schema.json for the JSON report, and Microsoft's SARIF Multitool (npm dev-dependency
 * @microsoft/sarif-multitool-linux) run with GitHub's ingestion rules as an oracle.
 */
const ROOT = path.resolve(__dirname, '..', '..');

function ajv(): Ajv {
  return new Ajv({
    allErrors: true,
    strict: false,
    formats: {
      'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
      uri: (s: string) => /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s) && !/\s/.test(s),
      'uri-reference': (s: string) => !/\s/.test(s),
    },
  });
}

let sarif: ValidateFunction | undefined;
let report: ValidateFunction | undefined;

export function sarifValidator(): ValidateFunction {
  if (!sarif) {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'vendor', 'sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
    // The official schema is draft-04 (`id`); it uses no other draft-04-only keyword, so ajv 8 compiles it as is
    // once the id is spelled `$id`.
    const { id, $schema: _draft, ...rest } = schema;
    sarif = ajv().compile({ ...rest, $id: id as string });
  }
  return sarif;
}

export function reportValidator(): ValidateFunction {
  if (!report) report = ajv().compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'report.schema.json'), 'utf8')));
  return report;
}

export function schemaErrors(validate: ValidateFunction, data: unknown): string[] {
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
}

export const MULTITOOL = path.join(ROOT, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'Sarif.Multitool');

/**
 * True when the Multitool binary is there and executable. The package makes it executable in a postinstall script
 * (`chmod u+x Sarif.Multitool`); where npm is set not to run install scripts, the same chmod is done here.
 */
export function hasMultitool(): boolean {
  if (!fs.existsSync(MULTITOOL)) return false;
  try {
    fs.accessSync(MULTITOOL, fs.constants.X_OK);
  } catch {
    try {
      fs.chmodSync(MULTITOOL, fs.statSync(MULTITOOL).mode | 0o100);
    } catch {
      return false;
    }
  }
  return true;
}

export interface MultitoolIssue {
  level: string;
  ruleId: string;
  text: string;
}

/**
 * `Sarif.Multitool validate FILES --rule-kind "Gh;Sarif"`: SARIF's own validation rules plus the rules GitHub
 * code scanning applies when it ingests a log. Returns every error, warning and note, with the message text.
 */
export function multitoolValidate(files: string[], outDir: string): MultitoolIssue[] {
  const out = path.join(outDir, 'multitool-validation.sarif');
  fs.rmSync(out, { force: true });
  const r = spawnSync(MULTITOOL, ['validate', ...files, '--rule-kind', 'Gh;Sarif', '--level', 'Error;Warning;Note', '-o', out], {
    encoding: 'utf8',
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' },
    maxBuffer: 64 << 20,
  });
  if (!fs.existsSync(out)) throw new Error(`Sarif.Multitool wrote no output (exit ${r.status}): ${r.stdout}${r.stderr}`);
  const log = JSON.parse(fs.readFileSync(out, 'utf8')) as {
    runs: { tool: { driver: { rules?: { id: string; messageStrings?: Record<string, { text: string }> }[] } }; results?: { ruleId: string; level?: string; message: { id?: string; text?: string; arguments?: string[] } }[] }[];
  };
  const issues: MultitoolIssue[] = [];
  for (const run of log.runs) {
    const rules = new Map((run.tool.driver.rules ?? []).map((x) => [x.id, x]));
    for (const res of run.results ?? []) {
      let text = res.message.text ?? rules.get(res.ruleId)?.messageStrings?.[res.message.id ?? '']?.text ?? '';
      (res.message.arguments ?? []).forEach((a, i) => (text = text.split(`{${i}}`).join(a)));
      issues.push({ level: res.level ?? 'warning', ruleId: res.ruleId, text });
    }
  }
  return issues;
}
