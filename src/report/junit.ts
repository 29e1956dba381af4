import { severityRank, type Finding } from '../engine/findings';
import { gateFindings, ruleMap, toolVersion, type ReportContext } from './common';
import { xmlText } from './escape';
import { ruleTargetMatrix, targetKey, type RuleTargetCell } from './matrix';

/**
 * Text safe in XML 1.0 content and attribute values: escaped, control characters (which XML 1.0 forbids, or a parser
 * would normalise: CR, and line breaks in attributes) shown visibly as `\x1b`, `\n`, and noncharacters replaced.
 */
export function xmlEscape(s: string): string {
  return xmlText(s);
}

const attr = xmlEscape;

/** A multi-line body (<failure>, <system-out>): its lines escaped one by one, joined by real line breaks. */
const body = (lines: string[]) => lines.map((l) => xmlEscape(l)).join('\n');

function where(f: Finding): string {
  return f.location ? `${f.location.file}:${f.location.line}:${f.location.column}` : `${f.target.kind} ${f.target.name}`;
}

/**
 * JUnit XML as Jenkins (junit plugin) and GitLab (artifacts:reports:junit) read it: one <testsuite> per target,
 * one <testcase> per rule × target. Open findings at or above the gate (--fail-on) are <failure type="severity">,
 * so the CI test tab is red exactly when the gate fails; open findings below it leave the testcase passed and are
 * listed in its <system-out>; a rule whose findings are all
 * waived or unchanged against the baseline is <skipped> with the reason; a rule that could not be evaluated is
 * <skipped>; a target that could not be scanned gets a `scan` testcase with an <error>. No timestamps: the same
 * input gives the same bytes.
 */
export function toJunit(ctx: ReportContext): string {
  const rules = ruleMap(ctx.result.rules);
  const rows = ruleTargetMatrix(ctx.result);
  const gate = new Set(gateFindings(ctx));
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const suites: string[] = [];
  for (const row of rows) {
    const name = targetKey(row.target);
    const counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    const cases: string[] = [];
    const classname = `vmaudit.${row.target.kind}.${row.target.name}`;
    for (const e of row.errors) {
      counts.tests++;
      counts.errors++;
      cases.push(`    <testcase classname="${attr(classname)}" name="scan" time="0">\n      <error message="${attr(e)}" type="scan-error">${body(e.split('\n'))}</error>\n    </testcase>`);
    }
    const below = ctx.failOn === 'none' ? ' [gate off]' : ` [below the gate: ${ctx.failOn}]`;
    for (const c of row.cells) cases.push(testcase(c, classname, rules.get(c.ruleId)?.title, counts, gate, below));
    totals.tests += counts.tests;
    totals.failures += counts.failures;
    totals.errors += counts.errors;
    totals.skipped += counts.skipped;
    suites.push(
      `  <testsuite name="${attr(name)}" tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}" time="0">\n` +
        `    <properties>\n      <property name="policy" value="${attr(ctx.policyName)}"/>\n      <property name="fail-on" value="${attr(ctx.failOn)}"/>\n    </properties>\n` +
        cases.join('\n') +
        (cases.length ? '\n' : '') +
        `  </testsuite>`,
    );
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<!-- vmaudit ${xmlEscape(toolVersion())}, policy ${xmlEscape(ctx.policyName).replace(/--/g, '- -')} -->\n` +
    `<testsuites name="vmaudit" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="0">\n` +
    suites.map((s) => s + '\n').join('') +
    `</testsuites>\n`
  );
}

function testcase(c: RuleTargetCell, classname: string, title: string | undefined, counts: { tests: number; failures: number; skipped: number }, gate: Set<Finding>, belowTag: string): string {
  counts.tests++;
  const file = c.findings.find((f) => f.location)?.location?.file;
  const head = `    <testcase classname="${attr(classname)}" name="${attr(`${c.ruleId}${title ? `: ${title}` : ''}`)}"${file ? ` file="${attr(file)}"` : ''} time="0"`;
  if (c.status === 'pass') return `${head}/>`;
  if (c.status === 'not-evaluated') {
    counts.skipped++;
    return `${head}>\n      <skipped message="${attr(`not evaluated: ${c.notEvaluated?.reason ?? ''}`)}"/>\n    </testcase>`;
  }
  const lines = c.findings.map((f) => {
    const state = f.waiver ? ` [waived until ${f.waiver.expires ?? '?'}: ${f.waiver.justification}]` : f.baseline === 'unchanged' ? ' [unchanged since baseline]' : gate.has(f) ? ' [fails the gate]' : '';
    const below = !f.waiver && f.baseline !== 'unchanged' && !gate.has(f) ? belowTag : '';
    return `${f.severity.toUpperCase()} ${where(f)} ${f.subject}: ${f.message}${state}${below}`;
  });
  if (c.status === 'accepted') {
    counts.skipped++;
    const why = c.findings.every((f) => f.waiver) ? `waived: ${c.findings[0].waiver!.justification}` : 'findings unchanged since the baseline or waived';
    return `${head}>\n      <skipped message="${attr(why)}"/>\n      <system-out>${body(lines)}</system-out>\n    </testcase>`;
  }
  // Open findings, but none at or above the gate: the testcase passes and says what was found.
  const open = c.findings.filter((f) => gate.has(f));
  if (!open.length) return `${head}>\n      <system-out>${body(lines)}</system-out>\n    </testcase>`;
  counts.failures++;
  const worst = open.reduce((w, f) => (severityRank(f.severity) > severityRank(w) ? f.severity : w), open[0].severity);
  const msg = open.length === 1 ? open[0].message : `${open.length} findings: ${open[0].message}`;
  return `${head}>\n      <failure message="${attr(msg)}" type="${worst}">${body(lines)}</failure>\n    </testcase>`;
}
