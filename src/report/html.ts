import { SEVERITIES, type Finding, type Severity } from '../engine/findings';
import { describeWaiverNote } from '../engine/policy';
import { countBySeverity, gateFindings, remediationOf, ruleMap, toolVersion, type ReportContext } from './common';
import { htmlText } from './escape';
import { isOpen, ruleTargetMatrix, targetKey } from './matrix';

/**
 * Escapes text for HTML content and (quoted) attribute values, control characters from targets shown visibly
 * (`\x1b`, `\n`: a browser would drop or collapse them silently).
 */
export function esc(s: string): string {
  return htmlText(s);
}

/** As esc, for text that is multi-line by design (remediation prose, snippets in <pre>): line breaks and tabs kept. */
const escLines = (s: string) => htmlText(s, '\n\t');

const COLOR: Record<Severity, string> = { critical: '#7b1fa2', high: '#c62828', medium: '#ef6c00', low: '#1565c0', info: '#757575' };

const CSS = `
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f4f6f9}
header{background:#1d2330;color:#fff;padding:20px 32px}header h1{margin:0 0 4px;font-size:22px}header p{margin:0;color:#c4cad6}
main{padding:20px 32px;max-width:1400px}section{background:#fff;border-radius:8px;padding:16px 20px;margin:0 0 20px;box-shadow:0 1px 2px #0002}
h2{font-size:18px;margin:0 0 12px}h3{font-size:15px;margin:16px 0 8px}
.gate{display:inline-block;padding:6px 12px;border-radius:6px;font-weight:600}.gate.fail{background:#fdecea;color:#b71c1c}.gate.pass{background:#e8f5e9;color:#1b5e20}.gate.off{background:#eceff1;color:#37474f}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}.card{border:1px solid #dde2ea;border-radius:6px;padding:8px 14px;min-width:110px}.card b{display:block;font-size:22px}
.summary{display:flex;gap:32px;flex-wrap:wrap;align-items:flex-start}
table{border-collapse:collapse;width:100%;margin:8px 0;table-layout:fixed}col.c-sev{width:90px}col.c-rule{width:170px}col.c-where{width:240px}col.c-status{width:160px}td code{overflow-wrap:anywhere}th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid #e3e7ee}th{background:#f0f3f7;font-weight:600}
.sev{display:inline-block;color:#fff;border-radius:4px;padding:0 6px;font-size:12px;font-weight:600;text-transform:uppercase}
.sev.critical{background:${COLOR.critical}}.sev.high{background:${COLOR.high}}.sev.medium{background:${COLOR.medium}}.sev.low{background:${COLOR.low}}.sev.info{background:${COLOR.info}}
.status{font-size:12px;font-weight:600}.status.fail{color:#b71c1c}.status.pass{color:#2e7d32}.status.accepted{color:#6d4c41}.status.not-evaluated{color:#757575}
code,pre{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}pre{background:#f6f8fa;border:1px solid #e3e7ee;border-radius:6px;padding:8px 10px;overflow:auto;white-space:pre}
.muted{color:#68707d}.fix{margin:6px 0 0}.fix p{margin:4px 0}details summary{cursor:pointer;color:#1565c0}
ul.notes li{margin:4px 0}footer{padding:0 32px 24px;color:#68707d;font-size:12px}
`;

/** A horizontal bar chart of the open findings per severity, as inline SVG (no script, no network). */
export function severityChart(counts: Record<Severity, number>): string {
  const max = Math.max(1, ...SEVERITIES.map((s) => counts[s]));
  const rowH = 28;
  const width = 420;
  const labelW = 70;
  const barMax = width - labelW - 50;
  const rows = SEVERITIES.map((s, i) => {
    const w = Math.round((counts[s] / max) * barMax);
    const y = i * rowH;
    return (
      `<g><text x="0" y="${y + 18}" font-size="13" fill="#1d2330">${s}</text>` +
      `<rect x="${labelW}" y="${y + 5}" width="${Math.max(w, counts[s] ? 2 : 0)}" height="18" rx="3" fill="${COLOR[s]}"><title>${s}: ${counts[s]}</title></rect>` +
      `<text x="${labelW + w + 6}" y="${y + 18}" font-size="13" fill="#1d2330">${counts[s]}</text></g>`
    );
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Findings by severity" width="${width}" height="${SEVERITIES.length * rowH}" viewBox="0 0 ${width} ${SEVERITIES.length * rowH}">${rows}</svg>`;
}

/** One stacked bar per target: its open findings by severity (passed rules in green). */
function targetChart(rows: { name: string; counts: Record<Severity, number>; passed: number }[]): string {
  if (!rows.length) return '';
  const rowH = 24;
  const labelW = 260;
  const barMax = 380;
  const max = Math.max(1, ...rows.map((r) => SEVERITIES.reduce((n, s) => n + r.counts[s], 0) + r.passed));
  const body = rows
    .map((r, i) => {
      const y = i * rowH;
      const label = r.name.length > 36 ? `…${r.name.slice(-35)}` : r.name;
      let x = labelW;
      const parts: string[] = [];
      for (const s of SEVERITIES) {
        if (!r.counts[s]) continue;
        const w = Math.max(2, Math.round((r.counts[s] / max) * barMax));
        parts.push(`<rect x="${x}" y="${y + 4}" width="${w}" height="16" fill="${COLOR[s]}"><title>${esc(r.name)}: ${r.counts[s]} ${s}</title></rect>`);
        x += w;
      }
      if (r.passed) {
        const w = Math.max(2, Math.round((r.passed / max) * barMax));
        parts.push(`<rect x="${x}" y="${y + 4}" width="${w}" height="16" fill="#a5d6a7"><title>${esc(r.name)}: ${r.passed} rule(s) passed</title></rect>`);
      }
      return `<g><text x="0" y="${y + 16}" font-size="12" fill="#1d2330">${esc(label)}</text>${parts.join('')}</g>`;
    })
    .join('');
  const h = rows.length * rowH;
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Findings per target" width="${labelW + barMax + 10}" height="${h}" viewBox="0 0 ${labelW + barMax + 10} ${h}">${body}</svg>`;
}

function statusOf(f: Finding, gate: Set<Finding>): string {
  if (f.waiver) return `<span class="status accepted">waived</span><div class="muted">until ${esc(f.waiver.expires ?? '?')}: ${esc(f.waiver.justification)}</div>`;
  if (f.baseline === 'unchanged') return '<span class="status accepted">unchanged since baseline</span>';
  return `<span class="status fail">${gate.has(f) ? 'fails the gate' : 'open'}${f.baseline === 'new' ? ' (new)' : ''}</span>`;
}

/**
 * A single self-contained HTML page: inline CSS and SVG charts, no script and no external resource (a
 * Content-Security-Policy forbids fetching anything), every interpolated string escaped.
 */
export function toHtml(ctx: ReportContext): string {
  const { result } = ctx;
  const rules = ruleMap(result.rules);
  const gate = new Set(gateFindings(ctx));
  const counts = countBySeverity(result.findings.filter(isOpen));
  const matrix = ruleTargetMatrix(result);
  const gateHtml =
    ctx.failOn === 'none'
      ? '<span class="gate off">Gate off</span>'
      : gate.size
        ? `<span class="gate fail">Gate failed: ${gate.size} finding(s) at or above ${esc(ctx.failOn)}</span>`
        : `<span class="gate pass">Gate passed: nothing at or above ${esc(ctx.failOn)}</span>`;
  const waived = result.findings.filter((f) => f.waiver).length;
  const out: string[] = [];
  out.push(
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>vmaudit report — ${esc(ctx.policyName)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<header><h1>vmaudit report</h1><p>Policy <b>${esc(ctx.policyName)}</b> · ${result.targets.length} target(s) · ${result.rules.length} rules · vmaudit ${esc(toolVersion())}</p></header>`,
    '<main>',
    '<section id="summary">',
    `<h2>Summary</h2>${gateHtml}`,
    '<div class="cards">',
    ...SEVERITIES.map((s) => `<div class="card"><span class="sev ${s}">${s}</span><b>${counts[s]}</b></div>`),
    `<div class="card">waived<b>${waived}</b></div>`,
    `<div class="card">not evaluated<b>${result.notEvaluated.length}</b></div>`,
    `<div class="card">could not scan<b>${new Set(result.errors.map((e) => targetKey(e.target))).size}</b></div>`,
    '</div>',
    '<div class="summary">',
    `<figure id="severity-chart"><figcaption><h3>Open findings by severity</h3></figcaption>${severityChart(counts)}</figure>`,
    `<figure id="target-chart"><figcaption><h3>Per target</h3></figcaption>${targetChart(
      matrix.map((r) => {
        const c = countBySeverity(r.cells.flatMap((x) => x.findings).filter(isOpen));
        return { name: r.target.name, counts: c, passed: r.cells.filter((x) => x.status === 'pass').length };
      }),
    )}</figure>`,
    '</div>',
  );
  if (ctx.baseline) {
    const b = ctx.baseline;
    out.push(`<p id="baseline">Baseline <code>${esc(b.file)}</code>: <b>${b.new}</b> new, ${b.unchanged} unchanged, <b>${b.fixed.length}</b> fixed.</p>`);
    if (b.fixed.length) out.push('<ul class="notes">', ...b.fixed.map((e) => `<li>fixed: <code>${esc(e.ruleId)}</code> ${esc(e.target ?? '')} ${esc(e.subject ?? '')}</li>`), '</ul>');
  }
  const notes = (ctx.waivers ?? []).filter((n) => n.status !== 'active');
  if (notes.length) out.push('<h3>Waivers needing attention</h3><ul class="notes">', ...notes.map((n) => `<li><b>${n.status}</b>: ${esc(describeWaiverNote(n))}</li>`), '</ul>');
  out.push('</section>');

  for (const row of matrix) {
    const findings = row.cells.flatMap((c) => c.findings);
    out.push(`<section class="target"><h2>${esc(row.target.kind)}: ${esc(row.target.name)}</h2>`);
    for (const e of row.errors) out.push(`<p class="status fail">Could not scan: ${esc(e)}</p>`);
    const passed = row.cells.filter((c) => c.status === 'pass').length;
    const ne = row.cells.filter((c) => c.status === 'not-evaluated');
    out.push(`<p class="muted">${findings.length} finding(s), ${passed} rule(s) passed, ${ne.length} not evaluated.</p>`);
    if (findings.length) {
      out.push('<table><colgroup><col class="c-sev"><col class="c-rule"><col class="c-where"><col><col class="c-status"></colgroup><thead><tr><th>Severity</th><th>Rule</th><th>Where</th><th>Finding and fix</th><th>Status</th></tr></thead><tbody>');
      for (const f of findings) {
        const r = rules.get(f.ruleId);
        const where = f.location ? `${f.location.file}:${f.location.line}:${f.location.column}` : '—';
        const rem = r ? remediationOf(r, f) : undefined;
        const fix = rem
          ? `<details class="fix" open><summary>Fix</summary><p>${escLines(rem.text.trim())}</p>${
              rem.snippet ? `<div class="muted">In ${esc(rem.snippet.target)}:</div><pre><code>${escLines(rem.snippet.content.trimEnd())}</code></pre>` : ''
            }</details>`
          : '';
        out.push(
          `<tr class="finding" data-rule="${esc(f.ruleId)}"><td><span class="sev ${f.severity}">${f.severity}</span></td>` +
            `<td><code>${esc(f.ruleId)}</code><div class="muted">${esc(r?.title ?? '')}</div></td>` +
            `<td><code>${esc(where)}</code><div class="muted">${esc(f.subject)}</div></td>` +
            `<td>${esc(f.message)}${fix}</td><td>${statusOf(f, gate)}</td></tr>`,
        );
      }
      out.push('</tbody></table>');
    }
    if (ne.length) {
      out.push(`<details><summary>Not evaluated (${ne.length})</summary><ul class="notes">`);
      for (const c of ne) out.push(`<li><code>${esc(c.ruleId)}</code>: ${esc(c.notEvaluated?.reason ?? '')}</li>`);
      out.push('</ul></details>');
    }
    out.push('</section>');
  }
  out.push('</main>', `<footer>Generated by vmaudit ${esc(toolVersion())}. This page is self-contained: it loads nothing from the network.</footer>`, '</body>', '</html>', '');
  return out.join('\n');
}
