import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { gateFindings } from '../../src/report/common';
import { esc, toHtml } from '../../src/report/html';
import { describeWithOracles } from '../helpers/oracle';
import { sampleContext } from './sample';

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

describe('HTML report (static checks)', () => {
  const ctx = sampleContext();
  const html = toHtml(ctx);

  it('is self-contained: no script, no external resource, a CSP that forbids fetching', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });

  it('escapes everything it interpolates', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(html).toContain('&lt;seclabel type=&#39;none&#39;');
    expect(html).toContain('hot-plugged disks &lt;by design&gt; &amp; reviewed');
  });

  it('is deterministic', () => {
    expect(toHtml(sampleContext())).toBe(html);
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

  it('renders the summary, the gate, per-target tables and every finding with its fix', () => {
    expect(dom).toContain('<title>vmaudit report — pre-production</title>');
    const gate = gateFindings(ctx).length;
    expect(dom).toContain(`Gate failed: ${gate} finding(s) at or above high`);
    for (const t of ctx.result.targets) expect(dom).toContain(`<h2>domain: ${t.name}</h2>`);
    expect(dom.match(/<tr class="finding"/g)).toHaveLength(ctx.result.findings.length);
    expect(dom).toContain('Replace the seclabel with a dynamic one');
    expect(dom).toContain('&lt;seclabel type=\'dynamic\' model=\'selinux\' relabel=\'yes\'/&gt;');
    expect(dom).toContain('Baseline <code>main.sarif</code>');
    expect(dom).toMatch(/<b>expired<\/b>: waiver for DOM-MPAM-\* at our-policy\.yaml:20 expired on 2020-01-01/);
    expect(dom).toContain('Could not scan:');
    expect(dom.match(/<svg /g)?.length).toBe(2);
  });

  it('the hostile message stayed text: no <img> or <script> element was built', () => {
    expect(dom).toContain('&lt;img src="http://127.0.0.1:9/x.png"&gt;&lt;script&gt;');
    expect(dom).not.toMatch(/<img|<script/);
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
