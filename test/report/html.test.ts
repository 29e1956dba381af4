import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import type { RuleSelection } from '../../src/engine/scan';
import { scanDomainFiles } from '../../src/engine/scan-domains';
import { gateFindings, remediationOf, type ReportContext } from '../../src/report/common';
import { severityRank } from '../../src/engine/findings';
import { esc, toHtml } from '../../src/report/html';
import { describeWithOracles } from '../helpers/oracle';
import { fixture, rules, sampleContext } from './sample';

/** Decodes an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium writes) to its pixels. */
function decodePng(buf: Buffer): { width: number; height: number; channels: number; px: Buffer } {
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let off = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8); // bit depth
      expect(data[12]).toBe(0); // not interlaced
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
      expect(channels).toBeGreaterThan(0);
    } else if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const px = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? px[y * stride + x - channels] : 0;
      const b = y > 0 ? px[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? px[(y - 1) * stride + x - channels] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      px[y * stride + x] = v & 0xff;
    }
  }
  return { width, height, channels, px };
}

function countColour(img: ReturnType<typeof decodePng>, hex: string): number {
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(1 + i, 3 + i), 16));
  let n = 0;
  for (let i = 0; i < img.px.length; i += img.channels) if (img.px[i] === r && img.px[i + 1] === g && img.px[i + 2] === b) n++;
  return n;
}

/** All domain fixtures, scanned with a policy that raises DOM-IOT-003 to high (a severity override). */
function triageContext(files = fs.readdirSync(path.join(__dirname, '..', '..', 'fixtures', 'domains')).filter((f) => f.endsWith('.xml')).map(fixture)): ReportContext {
  const selection: RuleSelection = { name: 'raised', enabled: () => true, settings: (r) => (r.id === 'DOM-IOT-003' ? { severity: 'high' } : {}) };
  return { result: scanDomainFiles(files, rules, selection), failOn: 'high', policyName: 'raised' };
}

/** The finding rows of a page (static HTML or Chromium's DOM), in document order. */
function rowsOf(html: string): { id: string; rank: number; rule: string; status: string; hidden: boolean; html: string }[] {
  return [...html.matchAll(/<tr class="finding[^"]*"([^>]*)>([\s\S]*?)<\/tr>/g)].map((m) => ({
    id: /\bid="([^"]+)"/.exec(m[1])![1],
    rank: Number(/data-rank="(\d)"/.exec(m[1])![1]),
    rule: /data-rule="([^"]+)"/.exec(m[1])![1],
    status: /data-status="([^"]+)"/.exec(m[1])![1],
    hidden: /\bhidden\b/.test(m[1]),
    html: m[2],
  }));
}

describe('HTML report (static checks)', () => {
  const ctx = sampleContext();
  const html = toHtml(ctx);

  it('is self-contained: one inline script allowed by its hash, no external resource, a CSP that forbids fetching', () => {
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0][1]).toBe('');
    const hash = createHash('sha256').update(scripts[0][2]).digest('base64');
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${hash}'"`);
    expect(html).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/i);
  });

  it('escapes everything it interpolates', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(html).toContain('&lt;seclabel type=&#39;none&#39;');
    expect(html).toContain('hot-plugged disks &lt;by design&gt; &amp; reviewed');
  });

  it('is deterministic', () => {
    expect(toHtml(sampleContext())).toBe(html);
  });

  it('orders findings for triage: severity first, open before waived/baseline, then file and line', () => {
    const t = triageContext();
    const rows = rowsOf(toHtml(t));
    expect(rows).toHaveLength(t.result.findings.length);
    const byId = new Map(t.result.findings.map((f) => [`f-${f.fingerprint}`, f]));
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [byId.get(rows[i - 1].id)!, byId.get(rows[i].id)!];
      expect(rows[i - 1].rank).toBeGreaterThanOrEqual(rows[i].rank);
      if (a.severity === b.severity && a.location && b.location && a.location.file === b.location.file) expect(a.location.line).toBeLessThanOrEqual(b.location.line);
    }
    const sample = rowsOf(html);
    const highs = sample.filter((r) => r.rank === 4);
    expect(highs.map((r) => r.status)).toEqual([...highs.map((r) => r.status)].sort((x, y) => Number(y === 'open') - Number(x === 'open')));
  });

  it('summary cards link to the first open finding of their severity; rule ids link to their rule section', () => {
    const t = triageContext();
    const page = toHtml(t);
    const rows = rowsOf(page);
    for (const [s, rank] of [['high', 4], ['medium', 3], ['info', 1]] as const) {
      const first = rows.find((r) => r.rank === rank && r.status === 'open')!;
      expect(page).toContain(`<a class="card" href="#${first.id}" title="first ${s} finding"><span class="sev ${s}">`);
    }
    expect(page).toContain('<div class="card"><span class="sev critical">critical</span><b>0</b></div>');
    for (const r of rows) {
      expect(r.html).toContain(`<a href="#rule-${r.rule}">`);
      expect(page).toContain(`<article class="rule" id="rule-${r.rule}">`);
    }
  });

  it('fixes are collapsed and each distinct rendered fix of a rule is shown once, listing the findings it applies to', () => {
    const t = triageContext();
    const page = toHtml(t);
    const rmap = new Map(t.result.rules.map((r) => [r.id, r]));
    const distinct = new Map<string, string[]>();
    for (const f of t.result.findings) {
      const fix = remediationOf(rmap.get(f.ruleId)!, f);
      const k = JSON.stringify([f.ruleId, fix.text.trim(), fix.snippet?.content.trimEnd()]);
      distinct.set(k, [...(distinct.get(k) ?? []), `f-${f.fingerprint}`]);
    }
    const blocks = [...page.matchAll(/<details class="fix"([^>]*)>([\s\S]*?)<\/details>/g)];
    expect(blocks).toHaveLength(distinct.size);
    expect(blocks.length).toBeLessThan(t.result.findings.length); // DOM-SEC-004 renders the same fix for 13 files
    for (const b of blocks) expect(b[1]).not.toMatch(/\bopen\b/);
    const applies = blocks.map((b) => [...b[2].matchAll(/<li><a href="#([^"]+)"/g)].map((m) => m[1]).sort());
    expect(applies.sort()).toEqual([...distinct.values()].map((v) => v.sort()).sort());
    // Every row links to the one fix block that lists it.
    for (const r of rowsOf(page)) {
      const target = /<a href="#(fix-[^"]+)">Fix<\/a>/.exec(r.html)![1];
      const block = blocks.find((b) => b[1].includes(`id="${target}"`))!;
      expect(block[2]).toContain(`href="#${r.id}"`);
    }
  });

  it('shows a policy severity override next to the rule\'s own severity', () => {
    const page = toHtml(triageContext());
    const iot = rowsOf(page).filter((r) => r.rule === 'DOM-IOT-003');
    expect(iot.length).toBeGreaterThan(0);
    for (const r of iot) expect(r.html.replace(/<[^>]+>/g, '')).toMatch(/^high \(rule: info\)/);
    for (const r of rowsOf(page).filter((x) => x.rule !== 'DOM-IOT-003')) expect(r.html).not.toContain('(rule:');
    expect(page).toMatch(/<article class="rule" id="rule-DOM-IOT-003">.*<span class="sev high">high<\/span> <span class="override">\(rule: info\)<\/span>/);
  });
});

describeWithOracles(['chromium'], 'HTML report rendered by headless Chromium', () => {
  const outDir = path.join(__dirname, '..', '..', 'tmp', 'test-artifacts');
  const ctx = sampleContext();
  // A hostile message: if escaping failed, Chromium would build an <img> element and try to fetch it.
  ctx.result.findings[0] = { ...ctx.result.findings[0], message: `${ctx.result.findings[0].message} <img src="http://127.0.0.1:9/x.png"><script>document.title='pwned'</script>` };
  const htmlFile = path.join(outDir, 'report.html');
  const pngFile = path.join(outDir, 'report.png');
  let dom = '';
  let userData = '';

  beforeAll(() => {
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(htmlFile, toHtml(ctx));
    userData = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-chromium-'));
    const base = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${userData}`];
    const url = `file://${htmlFile}`;
    dom = execFileSync('chromium', [...base, '--dump-dom', url], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60000 });
    fs.rmSync(pngFile, { force: true });
    execFileSync('chromium', [...base, '--hide-scrollbars', '--window-size=1280,1400', `--screenshot=${pngFile}`, url], { stdio: 'ignore', timeout: 60000 });
  });
  afterAll(() => fs.rmSync(userData, { recursive: true, force: true }));

  it('renders the summary, the gate, per-target sections and every finding with its fix', () => {
    expect(dom).toContain('<title>vmaudit report — pre-production</title>');
    const gate = gateFindings(ctx).length;
    expect(dom).toContain(`Gate failed: ${gate} finding(s) at or above high`);
    for (const t of ctx.result.targets) expect(dom).toContain(`<h2>domain: ${t.name}</h2>`);
    expect(dom.match(/<tr class="finding /g)).toHaveLength(ctx.result.findings.length);
    expect(dom).toContain('<html lang="en" data-script="ready">'); // the page's script ran to its end under the CSP
    expect(dom).toContain('Replace the seclabel with a dynamic one');
    expect(dom).toContain('&lt;seclabel type=\'dynamic\' model=\'selinux\' relabel=\'yes\'/&gt;');
    expect(dom).toContain('Baseline <code>main.sarif</code>');
    expect(dom).toMatch(/<b>expired<\/b>: waiver for DOM-MPAM-\* at our-policy\.yaml:20 expired on 2020-01-01/);
    expect(dom).toContain('Could not scan:');
    expect(dom.match(/<svg /g)?.length).toBe(2);
  });

  it('the hostile message stayed text: no <img> or <script> element was built', () => {
    expect(dom).toContain('&lt;img src="http://127.0.0.1:9/x.png"&gt;&lt;script&gt;');
    expect(dom).not.toMatch(/<img/);
    expect(dom.match(/<script/g)).toHaveLength(1); // the page's own
    expect(dom).toContain('<title>vmaudit report — pre-production</title>');
  });

  it('the screenshot shows the charts and badges in their severity colours', () => {
    const img = decodePng(fs.readFileSync(pngFile));
    expect([img.width, img.height]).toEqual([1280, 1400]);
    // Bars and badges are flat fills: high (#c62828), medium (#ef6c00), info (#757575) and passed (#a5d6a7).
    expect(countColour(img, '#c62828')).toBeGreaterThan(500);
    expect(countColour(img, '#ef6c00')).toBeGreaterThan(200);
    expect(countColour(img, '#757575')).toBeGreaterThan(200);
    expect(countColour(img, '#a5d6a7')).toBeGreaterThan(2000);
    expect(countColour(img, '#7b1fa2')).toBeGreaterThan(50); // the critical badge, even with 0 findings
  });
});

describeWithOracles(['chromium'], 'HTML report for triage, driven in headless Chromium at 1280 px', () => {
  const outDir = path.join(__dirname, '..', '..', 'tmp', 'test-artifacts');
  let userData = '';
  const base = () => ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${userData}`, '--window-size=1280,1400', '--hide-scrollbars'];
  const dump = (url: string) => execFileSync('chromium', [...base(), '--dump-dom', url], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60000 });
  beforeAll(() => {
    fs.mkdirSync(outDir, { recursive: true });
    userData = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-chromium-'));
  });
  afterAll(() => fs.rmSync(userData, { recursive: true, force: true }));

  /**
   * A copy of the page with a test script appended (the CSP, which would block it, removed): it records script errors,
   * measures every element against the 1280 px viewport, then drives the page's own filter controls as a user would.
   */
  function probe(html: string, name: string): { errors: string[]; scrollWidth: number; wide: string[]; firstRank: number; shownHigh: number; shownRule: number; total: number; count: string; openFixes: number } {
    const test = `<script>
var errors=[];window.addEventListener('error',function(e){errors.push(String(e.message));});
window.addEventListener('load',function(){
var d=document,wide=[];d.querySelectorAll('body *').forEach(function(e){var r=e.getBoundingClientRect();if(r.width>0&&r.right>1280.5)wide.push(e.tagName+'.'+e.className+' '+Math.round(r.right));});
var rows=[].slice.call(d.querySelectorAll('tr.finding')),vis=function(){return rows.filter(function(r){return r.offsetParent!==null;});};
var firstRank=+rows[0].dataset.rank,sev=d.getElementById('flt-sev');sev.value='4';sev.dispatchEvent(new Event('change'));var shownHigh=vis().length;
sev.value='';sev.dispatchEvent(new Event('change'));var rule=d.getElementById('flt-rule');rule.value='DOM-SEC-004';rule.dispatchEvent(new Event('change'));var shownRule=vis().length;
var out=d.createElement('pre');out.id='probe';out.textContent=JSON.stringify({errors:errors,scrollWidth:d.documentElement.scrollWidth,wide:wide,firstRank:firstRank,shownHigh:shownHigh,shownRule:shownRule,total:rows.length,count:d.getElementById('flt-count').textContent,openFixes:d.querySelectorAll('details.fix[open]').length});d.body.appendChild(out);});
</script>`;
    const file = path.join(outDir, name);
    fs.writeFileSync(file, html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '').replace('</head>', `${test}</head>`));
    const m = /<pre id="probe">([^<]*)<\/pre>/.exec(dump(`file://${file}`));
    expect(m).not.toBeNull();
    return JSON.parse(m![1].replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')) as ReturnType<typeof probe>;
  }

  it('all domain fixtures: most severe first, filters hide rows, fixes collapsed, nothing wider than 1280 px, no script error', () => {
    const ctx = triageContext();
    const p = probe(toHtml(ctx), 'triage.html');
    const f = ctx.result.findings;
    expect(p.errors).toEqual([]);
    expect(p.total).toBe(f.length);
    expect(p.firstRank).toBe(Math.max(...f.map((x) => severityRank(x.severity))));
    expect(p.shownHigh).toBe(f.filter((x) => severityRank(x.severity) >= 4).length);
    expect(p.shownHigh).toBeLessThan(p.total);
    expect(p.shownRule).toBe(f.filter((x) => x.ruleId === 'DOM-SEC-004').length);
    expect(p.count).toBe(`${p.shownRule} of ${p.total} finding(s) shown`);
    expect(p.openFixes).toBe(0);
    expect(p.wide).toEqual([]);
    expect(p.scrollWidth).toBeLessThanOrEqual(1280);
  });

  it('a very long file path wraps in the Where column instead of widening the page', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-long-'));
    try {
      const long = path.join(dir, 'a'.repeat(120), `${'very-long-domain-file-name-without-any-break-'.repeat(3)}svirt.xml`);
      fs.mkdirSync(path.dirname(long), { recursive: true });
      fs.copyFileSync(path.join(__dirname, '..', '..', 'fixtures', 'domains', 'guide-svirt-none.xml'), long);
      const p = probe(toHtml(triageContext([long, fixture('guide-hugepages-1g.xml')])), 'long-path.html');
      expect(p.errors).toEqual([]);
      expect(p.wide).toEqual([]);
      expect(p.scrollWidth).toBeLessThanOrEqual(1280);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the unmodified page filters from its query string under its own CSP (?sev=4: high and above only)', () => {
    const ctx = triageContext();
    const file = path.join(outDir, 'triage-csp.html');
    fs.writeFileSync(file, toHtml(ctx));
    const dom = dump(`file://${file}?sev=4`);
    expect(dom).toContain('data-script="ready"');
    const rows = rowsOf(dom);
    expect(rows).toHaveLength(ctx.result.findings.length);
    expect(rows.filter((r) => !r.hidden).map((r) => r.rank).every((r) => r >= 4)).toBe(true);
    expect(rows.filter((r) => r.hidden).length).toBe(ctx.result.findings.filter((f) => severityRank(f.severity) < 4).length);
    expect(dom).toMatch(/<div id="filters" class="filters">/); // shown once the script runs
  });

  it('screenshot: the first screen shows the summary and the top of the findings, most severe first', () => {
    const file = path.join(outDir, 'triage-shot.html');
    const png = path.join(outDir, 'triage.png');
    fs.writeFileSync(file, toHtml(triageContext()));
    fs.rmSync(png, { force: true });
    execFileSync('chromium', [...base(), `--screenshot=${png}`, `file://${file}`], { stdio: 'ignore', timeout: 60000 });
    const img = decodePng(fs.readFileSync(png));
    expect([img.width, img.height]).toEqual([1280, 1400]);
    // Find the first high badge (#c62828) below the summary's chart: the first table row. No info badge (#757575)
    // appears in the table's column before it.
    const col = (x: number, y: number) => `#${[0, 1, 2].map((i) => img.px[(y * img.width + x) * img.channels + i].toString(16).padStart(2, '0')).join('')}`;
    const badgeRows: { y: number; c: string }[] = [];
    for (let y = 560; y < img.height; y++) {
      for (let x = 55; x < 110; x++) {
        const c = col(x, y);
        if (['#7b1fa2', '#c62828', '#ef6c00', '#1565c0', '#757575'].includes(c)) {
          if (!badgeRows.length || y - badgeRows[badgeRows.length - 1].y > 10) badgeRows.push({ y, c });
          break;
        }
      }
    }
    expect(badgeRows.length).toBeGreaterThanOrEqual(3);
    expect(badgeRows.every((b) => b.c === '#c62828')).toBe(true); // the first screen of rows: all high (none critical in the fixtures)
  });
});
