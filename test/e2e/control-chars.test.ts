import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { REPO_ROOT, runCli, type CliRun } from '../helpers/cli';
import { describeWithOracles, hasTool } from '../helpers/oracle';

/**
 * Issue 15 item 6: control characters from targets (file names, host roots, domain data, error messages) never
 * reach a terminal or a document raw, in any of the six formats, through the real CLI. The only raw controls a
 * report may hold are its own line breaks (and, in colour, its own SGR codes); the hostile characters must show up
 * in their visible escaped form instead (`\x1b`, `\x07`, `\r`, `\n`).
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-ctl-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A raw control a report must not contain: C0 except LF, DEL, C1, line/paragraph separators, bidi controls. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const FORMATS = ['text', 'markdown', 'html', 'junit', 'sarif', 'json'] as const;

// A file name holding ESC [31m (red), BEL, CR and LF: in a terminal it would colour the output, ring, and forge lines.
const HOSTILE = 'evil\x1b[31mred\x07\r\nline';
const HOSTILE_SHOWN = 'evil\\x1b[31mred\\x07\\r\\nline';
// Domain data: XML 1.0 allows C1 controls, bidi overrides, line separators and (as references) TAB, CR, LF.
const DOMAIN = `<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>vm&#x9b;31m&#x85;&#x202e;evil</name>
  <memory>1048576</memory>
  <os><type>hvm</type></os>
  <qemu:commandline>
    <qemu:arg value='-qmp'/>
    <qemu:arg value='tcp:0.0.0.0:4444,server=on,wait=off&#9;&#x9b;2J&#x202e;&#x2028;&#10;&#13;'/>
  </qemu:commandline>
</domain>
`;
const GOOD = path.join(tmp, `${HOSTILE}.xml`);
fs.writeFileSync(GOOD, DOMAIN);
// An unparsable file whose name holds an OSC "set window title" sequence: its error line names it.
const BROKEN_NAME = 'broken\x1b]0;pwned\x07\u009b2J';
const BROKEN = path.join(tmp, `${BROKEN_NAME}.xml`);
fs.writeFileSync(BROKEN, "<domain type='kvm'>\n  <name>b</name>\n  <devices>\n</domain>\n");

/** A host root whose directory name (the target's name) holds controls, with a domain file named like GOOD inside. */
const ROOT_NAME = 'host\x1b]0;pwn\x07x\ny';
const HOST_ROOT = path.join(tmp, ROOT_NAME);
fs.cpSync(path.join(REPO_ROOT, 'fixtures', 'hosts', 'debian-default'), HOST_ROOT, { recursive: true });
fs.writeFileSync(path.join(HOST_ROOT, 'etc', 'libvirt', 'qemu', `${HOSTILE}.xml`), DOMAIN);

function rawLines(s: string): string[] {
  return s.split('\n').filter((l) => RAW.test(l));
}

const domainRuns = new Map<string, CliRun>();
const hostRuns = new Map<string, CliRun>();
beforeAll(async () => {
  for (const f of FORMATS) {
    domainRuns.set(f, await runCli(['scan', 'domain', GOOD, BROKEN, '-f', f, '--fail-on', 'critical']));
    hostRuns.set(f, await runCli(['scan', 'host', '--root', HOST_ROOT, '-f', f]));
  }
}, 300000);

describe.each(FORMATS)('%s report', (format) => {
  it('scan domain: no raw control character from a file name or domain data in the report or on stderr', () => {
    const r = domainRuns.get(format)!;
    expect(r.code).toBe(1); // the critical -qmp finding fails the gate; the broken file alone would be 3
    expect(r.stdout.length).toBeGreaterThan(0);
    expect(rawLines(r.stdout)).toEqual([]);
    expect(rawLines(r.stderr)).toEqual([]);
  });

  it('scan host --root: no raw control character from the root (target) name or a domain file name', () => {
    const r = hostRuns.get(format)!;
    expect([0, 1]).toContain(r.code);
    expect(rawLines(r.stdout)).toEqual([]);
    expect(rawLines(r.stderr)).toEqual([]);
  });
});

describe('the hostile names are shown, escaped', () => {
  it('text: the file name, the unparsable file and the host root appear escaped, on one line each', () => {
    const out = domainRuns.get('text')!.stdout;
    expect(out.split('\n')).toContain(path.join(tmp, `${HOSTILE_SHOWN}.xml`));
    expect(out).toContain(`${path.join(tmp, 'broken\\x1b]0;pwned\\x07\\x9b2J.xml')}`);
    // Domain data in a message: the C1 CSI, the bidi override, TAB, CR and LF from the attribute value.
    expect(out).toMatch(/wait=off\\t\\x9b2J\\u202e\\u2028\\n\\r/);
    const host = hostRuns.get('text')!;
    expect(host.stdout).toContain(`${path.join(tmp, 'host\\x1b]0;pwn\\x07x\\ny')}`);
    expect(host.stdout).toContain(`/etc/libvirt/qemu/${HOSTILE_SHOWN}.xml`);
    expect(host.stderr).toContain(`collecting host evidence from ${path.join(tmp, 'host\\x1b]0;pwn\\x07x\\ny')}`);
  });

  it('the unparsable file is one DOM-XML-001 finding naming it exactly (JSON), with no raw copy on stderr', () => {
    const run = domainRuns.get('json')!;
    const report = JSON.parse(run.stdout) as { findings: { ruleId: string; target: { name: string } }[] };
    expect(report.findings.filter((f) => f.target.name === BROKEN).map((f) => f.ruleId)).toEqual(['DOM-XML-001']);
    expect(run.stderr).not.toContain('pwned');
  });

  it('text in colour: only the tool\'s own SGR codes are raw; without them it is the uncoloured report', async () => {
    const plain = domainRuns.get('text')!.stdout;
    const color = await runCli(['scan', 'domain', GOOD, BROKEN, '--color', '--fail-on', 'critical'], { env: { NO_COLOR: undefined } });
    expect(color.stdout).toMatch(/\x1b\[1m/); // coloured indeed
    expect(color.stdout.replace(/\x1b\[[0-9;]*m/g, '')).toBe(plain);
    expect(color.stdout).toContain(HOSTILE_SHOWN);
  });

  it('markdown: escaped controls, Markdown metacharacters escaped too', () => {
    const md = domainRuns.get('markdown')!.stdout;
    // mdInline shows ESC as \x1b, then escapes the backslash and the bracket for Markdown: renders as evil\x1b[31m...
    expect(md).toContain('evil\\\\x1b\\[31mred\\\\x07\\\\r\\\\nline.xml');
  });

  it('junit: well-formed XML whose attributes and bodies carry the escaped names', () => {
    const xml = domainRuns.get('junit')!.stdout;
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as { testsuites: { testsuite: { name: string }[] } };
    const names = doc.testsuites.testsuite.map((s) => s.name);
    expect(names).toContain(`domain:${path.join(tmp, `${HOSTILE_SHOWN}.xml`)}`);
    if (hasTool('xmllint')) {
      const lint = spawnSync('xmllint', ['--noout', '-'], { input: xml, encoding: 'utf8' });
      expect(lint.stderr).toBe('');
      expect(lint.status).toBe(0);
    }
  });

  it('json and sarif: JSON escaping keeps the exact names (round trip), with no raw control in the bytes', () => {
    const json = JSON.parse(domainRuns.get('json')!.stdout) as { findings: { message: string; location?: { file: string } }[] };
    expect(json.findings.some((f) => f.location?.file === GOOD)).toBe(true);
    // C1 and bidi controls, which JSON.stringify leaves raw, are \u escapes in the bytes and exact in the value.
    expect(json.findings.some((f) => f.message.includes('wait=off\t\u009b2J\u202e\u2028\n\r'))).toBe(true);
    expect(domainRuns.get('json')!.stdout).toContain('wait=off\\t\\u009b2J\\u202e\\u2028\\n\\r');
    const sarif = domainRuns.get('sarif')!.stdout;
    expect(sarif).toContain(JSON.stringify(HOSTILE).slice(1, -1));
    expect(sarif).not.toMatch(RAW);
  });
});

describeWithOracles(['chromium'], 'HTML report with hostile names rendered by headless Chromium', () => {
  it('shows the escaped names as text; the rendered DOM holds no raw control character', () => {
    const file = path.join(tmp, 'report.html');
    fs.writeFileSync(file, domainRuns.get('html')!.stdout);
    const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-chromium-'));
    try {
      const dom = execFileSync(
        'chromium',
        ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${userData}`, '--dump-dom', `file://${file}`],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60000 },
      );
      expect(dom).toContain(`<h2>domain: ${path.join(tmp, `${HOSTILE_SHOWN}.xml`)}</h2>`);
      expect(dom).toContain('broken\\x1b]0;pwned\\x07\\x9b2J.xml');
      expect(dom).toMatch(/wait=off\\t\\x9b2J\\u202e\\u2028\\n\\r/);
      expect(rawLines(dom)).toEqual([]);
    } finally {
      fs.rmSync(userData, { recursive: true, force: true });
    }
  });
});
