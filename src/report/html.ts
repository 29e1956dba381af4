import { createHash } from 'node:crypto';
import { SEVERITIES, severityRank, type Finding, type Severity } from '../engine/findings';
import type { Rule } from '../engine/generated/rule';
import { describeWaiverNote } from '../engine/policy';
import { countBySeverity, gateFindings, ruleMap, toolVersion, unscannedTargets, type ReportContext } from './common';
import { htmlText } from './escape';
import { isOpen, ruleTargetMatrix, targetKey } from './matrix';
import { findingFile, fixGroups, ruleSeverityIfOverridden, triageOrder, type FixGroup } from './order';

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
.summary{display:flex;gap:32px;flex-wrap:wrap;align-items:flex-start}figure{margin:0}figure details summary h3{display:inline}
table{border-collapse:collapse;width:100%;margin:8px 0;table-layout:fixed}col.c-sev{width:112px}col.c-rule{width:170px}col.c-where{width:240px}col.c-status{width:160px}td{overflow-wrap:anywhere;word-break:break-word}td code{overflow-wrap:anywhere}th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid #e3e7ee}th{background:#f0f3f7;font-weight:600}
.sev{display:inline-block;color:#fff;border-radius:4px;padding:0 6px;font-size:12px;font-weight:600;text-transform:uppercase}
.sev.critical{background:${COLOR.critical}}.sev.high{background:${COLOR.high}}.sev.medium{background:${COLOR.medium}}.sev.low{background:${COLOR.low}}.sev.info{background:${COLOR.info}}
.status{font-size:12px;font-weight:600}.status.fail{color:#b71c1c}.status.pass{color:#2e7d32}.status.accepted{color:#6d4c41}.status.not-evaluated{color:#757575}
code,pre{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}pre{background:#f6f8fa;border:1px solid #e3e7ee;border-radius:6px;padding:8px 10px;overflow:auto;white-space:pre}
.muted{color:#68707d}.fix{margin:6px 0 0}.fix p{margin:4px 0}details summary{cursor:pointer;color:#1565c0}
ul.notes li{margin:4px 0}[hidden]{display:none!important}a{color:#1565c0}a.card{color:inherit;text-decoration:none}a.card:hover{border-color:#1565c0;background:#f5f9ff}
.override{font-size:12px;color:#5d4037;font-weight:600;white-space:nowrap}.fixlink{margin-top:4px;font-size:13px}tr.waived,tr.baseline{opacity:.7}tr:target{outline:2px solid #1565c0;outline-offset:-2px}
.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin:0 0 8px}.filters select{font:inherit;max-width:320px}th.sortable{cursor:pointer;user-select:none}th.sortable:after{content:' \\2195';color:#9aa3b0}
article.rule{border-top:1px solid #e3e7ee;padding:4px 0 8px}article.rule:target{background:#f5f9ff}article.rule p{margin:4px 0}ul.applies{margin:6px 0;padding-left:20px}ul.applies li{overflow-wrap:anywhere;word-break:break-word}details.fix{margin:6px 0}pre{max-width:100%}main{overflow-wrap:anywhere}footer{padding:0 32px 24px;color:#68707d;font-size:12px}
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

/** `high (rule: medium)` when a policy changed the rule's severity for this finding. */
function severityCell(f: Finding, rule: Rule | undefined): string {
  const orig = ruleSeverityIfOverridden(f, rule);
  return `<span class="sev ${f.severity}">${f.severity}</span>${orig ? ` <span class="override" title="severity set by the policy">(rule: ${orig})</span>` : ''}`;
}

/**
 * The page's only script: filters (severity at least / rule / target / status, also read from the page's query
 * string, e.g. `report.html?sev=high`), sortable columns, and opening a collapsed fix when a link targets it. Without
 * it the page is complete: every row shown, in triage order. Allowed by its hash in the Content-Security-Policy.
 */
const SCRIPT = `(function(){
var d=document,t=d.getElementById('findings-table'),f=d.getElementById('filters');
function openTarget(){var id=decodeURIComponent(location.hash.slice(1)),e=id&&d.getElementById(id);if(e&&e.tagName==='DETAILS')e.open=true;}
window.addEventListener('hashchange',openTarget);openTarget();
if(t&&f){
var body=t.tBodies[0],rows=[].slice.call(body.rows),q=new URLSearchParams(location.search),sel={};
['sev','rule','target','status'].forEach(function(k){var s=d.getElementById('flt-'+k);sel[k]=s;var v=q.get(k);if(v!==null)s.value=v;s.addEventListener('change',apply);});
function apply(){var n=0;rows.forEach(function(r){var x=r.dataset,ok=+x.rank>=+(sel.sev.value||0)&&(!sel.rule.value||x.rule===sel.rule.value)&&(!sel.target.value||x.target===sel.target.value)&&(!sel.status.value||x.status===sel.status.value);r.hidden=!ok;if(ok)n++;});d.getElementById('flt-count').textContent=n+' of '+rows.length+' finding(s) shown';}
[].forEach.call(t.tHead.rows[0].cells,function(th){var k=th.dataset.sort;if(!k)return;th.className='sortable';th.tabIndex=0;var dir=k==='rank'?1:-1;function go(){dir=-dir;rows.sort(function(a,b){var x=a.dataset[k],y=b.dataset[k];return (x<y?-1:x>y?1:0)*dir||a.dataset.order-b.dataset.order;});rows.forEach(function(r){body.appendChild(r);});}th.addEventListener('click',go);th.addEventListener('keydown',function(e){if(e.key==='Enter')go();});});
f.hidden=false;apply();}
d.documentElement.setAttribute('data-script','ready');
})();`;
const SCRIPT_HASH = createHash('sha256').update(SCRIPT).digest('base64');

const anchor = (f: Finding) => `f-${f.fingerprint}`;
const ruleAnchor = (id: string) => `rule-${id}`;
const whereOf = (f: Finding) => (f.location ? `${f.location.file}:${f.location.line}:${f.location.column}` : f.target.name);
/** A key that sorts as the triage order does for the location (file, then numeric line and column). */
const whereKey = (f: Finding) => `${findingFile(f)} ${String(f.location?.line ?? 0).padStart(9, '0')} ${String(f.location?.column ?? 0).padStart(9, '0')}`;

function options(values: string[], all: string): string {
  return `<option value="">${esc(all)}</option>` + values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`).join('');
}

/**
 * A single self-contained HTML page: inline CSS, SVG charts and one small inline script (allowed by its hash; no
 * external resource, the Content-Security-Policy forbids fetching anything), every interpolated string escaped.
 * Findings come in triage order (critical first); the summary cards link to the first finding of each severity; each
 * rule has a section with its distinct fixes, collapsed, each listing the findings it applies to.
 */
export function toHtml(ctx: ReportContext): string {
  const { result } = ctx;
  const rules = ruleMap(result.rules);
  const gate = new Set(gateFindings(ctx));
  const counts = countBySeverity(result.findings.filter(isOpen));
  const matrix = ruleTargetMatrix(result);
  const findings = triageOrder(result.findings);
  // Fingerprints are unique per rule, target and subject; a duplicate (should not happen) still gets its own anchor.
  const ids = new Map<Finding, string>();
  const used = new Set<string>();
  for (const f of findings) {
    let id = anchor(f);
    for (let n = 2; used.has(id); n++) id = `${anchor(f)}-${n}`;
    used.add(id);
    ids.set(f, id);
  }
  const groups = fixGroups(findings, rules);
  const fixId = new Map<Finding, { id: string; shared: number }>();
  const perRule = new Map<string, FixGroup[]>();
  for (const g of groups) {
    const list = perRule.get(g.rule.id) ?? [];
    list.push(g);
    perRule.set(g.rule.id, list);
    const id = `fix-${g.rule.id}-${list.length}`;
    for (const f of g.findings) fixId.set(f, { id, shared: g.findings.length });
  }
  const gateHtml =
    ctx.failOn === 'none'
      ? '<span class="gate off">Gate off</span>'
      : gate.size
        ? `<span class="gate fail">Gate failed: ${gate.size} finding(s) at or above ${esc(ctx.failOn)}</span>`
        : `<span class="gate pass">Gate passed: nothing at or above ${esc(ctx.failOn)}</span>`;
  const waived = result.findings.filter((f) => f.waiver).length;
  const firstOf = (s: Severity) => findings.find((f) => f.severity === s && isOpen(f));
  const card = (s: Severity) => {
    const first = firstOf(s);
    const inner = `<span class="sev ${s}">${s}</span><b>${counts[s]}</b>`;
    return first ? `<a class="card" href="#${ids.get(first)}" title="first ${s} finding">${inner}</a>` : `<div class="card">${inner}</div>`;
  };
  const out: string[] = [];
  out.push(
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${SCRIPT_HASH}'">`,
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
    ...SEVERITIES.map(card),
    `<div class="card">waived<b>${waived}</b></div>`,
    `<div class="card">not evaluated<b>${result.notEvaluated.length}</b></div>`,
    `<div class="card">could not scan<b>${unscannedTargets(result).size}</b></div>`,
    '</div>',
    '<div class="summary">',
    `<figure id="severity-chart"><figcaption><h3>Open findings by severity</h3></figcaption>${severityChart(counts)}</figure>`,
    `<figure id="target-chart"><details${matrix.length <= 8 ? ' open' : ''}><summary><h3>Per target (${matrix.length})</h3></summary>${targetChart(
      matrix.map((r) => {
        const c = countBySeverity(r.cells.flatMap((x) => x.findings).filter(isOpen));
        return { name: r.target.name, counts: c, passed: r.cells.filter((x) => x.status === 'pass').length };
      }),
    )}</details></figure>`,
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

  out.push(`<section id="findings"><h2>Findings (${findings.length})</h2>`);
  if (findings.length) {
    const targets = [...new Set(findings.map((f) => targetKey(f.target)))].sort();
    const ruleIds = [...new Set(findings.map((f) => f.ruleId))].sort();
    out.push(
      '<div id="filters" class="filters" hidden>',
      `<label>Severity <select id="flt-sev"><option value="">all</option>${SEVERITIES.map((s) => `<option value="${severityRank(s)}">${s}${s === 'info' ? '' : ' and above'}</option>`).join('')}</select></label>`,
      `<label>Rule <select id="flt-rule">${options(ruleIds, 'all rules')}</select></label>`,
      `<label>Target <select id="flt-target">${options(targets, 'all targets')}</select></label>`,
      '<label>Status <select id="flt-status"><option value="">all</option><option value="open">open</option><option value="waived">waived</option><option value="baseline">unchanged since baseline</option></select></label>',
      '<span id="flt-count" class="muted"></span>',
      '</div>',
      '<table id="findings-table"><colgroup><col class="c-sev"><col class="c-rule"><col class="c-where"><col><col class="c-status"></colgroup>',
      '<thead><tr><th data-sort="rank">Severity</th><th data-sort="rule">Rule</th><th data-sort="where">Where</th><th>Finding</th><th data-sort="status">Status</th></tr></thead><tbody>',
    );
    findings.forEach((f, i) => {
      const r = rules.get(f.ruleId);
      const fx = fixId.get(f);
      const fixLink = fx ? `<div class="fixlink"><a href="#${fx.id}">Fix</a>${fx.shared > 1 ? ` <span class="muted">(same fix for ${fx.shared} findings)</span>` : ''}</div>` : '';
      const status = f.waiver ? 'waived' : f.baseline === 'unchanged' ? 'baseline' : 'open';
      const target = f.location && f.location.file !== f.target.name ? `<div class="muted">${esc(f.target.kind)} ${esc(f.target.name)}</div>` : '';
      out.push(
        `<tr class="finding ${status}" id="${ids.get(f)}" data-order="${i}" data-rank="${severityRank(f.severity)}" data-rule="${esc(f.ruleId)}" data-target="${esc(targetKey(f.target))}" data-status="${status}" data-where="${esc(whereKey(f))}">` +
          `<td>${severityCell(f, r)}</td>` +
          `<td><a href="#${ruleAnchor(f.ruleId)}"><code>${esc(f.ruleId)}</code></a><div class="muted">${esc(r?.title ?? '')}</div></td>` +
          `<td class="where"><code>${esc(whereOf(f))}</code>${target}<div class="muted">${esc(f.subject)}</div></td>` +
          `<td>${esc(f.message)}${fixLink}</td><td>${statusOf(f, gate)}</td></tr>`,
      );
    });
    out.push('</tbody></table>');
  } else out.push('<p>No findings.</p>');
  out.push('</section>');

  if (perRule.size) {
    out.push(`<section id="rules"><h2>Rules with findings (${perRule.size})</h2>`);
    for (const [id, list] of perRule) {
      const rule = list[0].rule;
      const all = list.flatMap((g) => g.findings);
      const sevs = [...new Set(all.map((f) => f.severity))];
      const sevHtml = sevs.map((s) => `<span class="sev ${s}">${s}</span>`).join(' ') + (sevs.some((s) => s !== rule.severity) ? ` <span class="override">(rule: ${rule.severity})</span>` : '');
      out.push(`<article class="rule" id="${ruleAnchor(id)}"><h3><code>${esc(id)}</code> ${esc(rule.title)}</h3><p>${sevHtml} · ${all.length} finding(s)${list.length > 1 ? ` · ${list.length} distinct fixes` : ''}</p>`);
      list.forEach((g, n) => {
        const s = g.fix.snippet;
        out.push(
          `<details class="fix" id="fix-${esc(id)}-${n + 1}"><summary>Fix${list.length > 1 ? ` ${n + 1} of ${list.length}` : ''} — applies to ${g.findings.length} finding(s)</summary>`,
          `<p>${escLines(g.fix.text.trim())}</p>`,
          s ? `<div class="muted">In ${esc(s.target)}:</div><pre><code>${escLines(s.content.trimEnd())}</code></pre>` : '',
          `<ul class="applies">${g.findings.map((f) => `<li><a href="#${ids.get(f)}"><code>${esc(whereOf(f))}</code></a> ${esc(f.subject)}</li>`).join('')}</ul>`,
          '</details>',
        );
      });
      out.push('</article>');
    }
    out.push('</section>');
  }

  for (const row of matrix) {
    const n = row.cells.flatMap((c) => c.findings).length;
    out.push(`<section class="target"><h2>${esc(row.target.kind)}: ${esc(row.target.name)}</h2>`);
    for (const e of row.errors) out.push(`<p class="status fail">Could not scan: ${esc(e)}</p>`);
    const passed = row.cells.filter((c) => c.status === 'pass').length;
    const ne = row.cells.filter((c) => c.status === 'not-evaluated');
    const link = n ? `<a href="?target=${encodeURIComponent(targetKey(row.target))}#findings">${n} finding(s)</a>` : '0 finding(s)';
    out.push(`<p class="muted">${link}, ${passed} rule(s) passed, ${ne.length} not evaluated.</p>`);
    if (ne.length) {
      out.push(`<details><summary>Not evaluated (${ne.length})</summary><ul class="notes">`);
      for (const c of ne) out.push(`<li><code>${esc(c.ruleId)}</code>: ${esc(c.notEvaluated?.reason ?? '')}</li>`);
      out.push('</ul></details>');
    }
    out.push('</section>');
  }
  out.push(
    '</main>',
    `<footer>Generated by vmaudit ${esc(toolVersion())}. This page is self-contained: it loads nothing from the network.</footer>`,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  );
  return out.join('\n');
}
