import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadRules } from '../../src/engine/rule-loader';
import { scanDomainFiles } from '../../src/engine/scan-domains';
import type { ScanResult } from '../../src/engine/findings';
import { MAX_XML_BYTES } from '../../src/facts/xml';
import { exitCodeFor, type FailOn } from '../../src/report/common';
import { CLI_BIN } from '../helpers/cli';

/**
 * Hostile and broken domain inputs (domain-knowledge.md §3), scanned with every built-in rule through
 * scanDomainFiles next to a good file: each bad input yields one clear error or finding with file and line, the
 * good file is still scanned, and the exit code follows DESIGN.md (gate 1 wins over 3).
 */
const rules = loadRules().rules.map((r) => r.rule);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-bad-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const GOOD = `<domain type='kvm'>
  <name>good</name>
  <memory>1048576</memory>
  <os><type>hvm</type></os>
  <seclabel type='dynamic' model='selinux' relabel='yes'/>
</domain>
`;
// The guide's "NUMA Exposure for Passthrough Devices" example: <numa node='0'> is never closed.
const GUIDE_NUMA_EXPOSURE = `<domain type='kvm'>
  <name>numa-exposure</name>
  <memory>1048576</memory>
  <os><type>hvm</type></os>
  <devices>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>
      </source>
      <numa node='0'>
    </hostdev>
  </devices>
</domain>
`;

function write(name: string, content: string | Buffer): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, content);
  return f;
}
const good = write('good.xml', GOOD);

function scan(...files: string[]): ScanResult {
  return scanDomainFiles(files, rules);
}
const exit = (r: ScanResult, failOn: FailOn = 'high') => exitCodeFor({ result: r, failOn, policyName: 'test' });
const ids = (r: ScanResult, file: string) => r.findings.filter((f) => f.target.name === file).map((f) => f.ruleId);

/** The good file was scanned: no error, every domain rule evaluated. */
function expectGoodScanned(r: ScanResult): void {
  expect(r.errors.filter((e) => e.target.name === good)).toEqual([]);
  expect(r.notEvaluated.filter((n) => n.target.name === good)).toEqual([]);
  expect(r.passed.filter((p) => p.target.name === good).length).toBe(rules.filter((x) => x.scope === 'domain').length - ids(r, good).length);
}

/**
 * An input that yields nothing to audit is reported ONCE, at file:line, and no rule is listed "not evaluated" for it:
 * a file whose content is refused (not well-formed, not a domain...) by one DOM-XML-001 finding marked `fatal` (no
 * scan error); a file that cannot be read at all (missing, directory, FIFO, over the cap) by one scan error (exit 3).
 */
function expectUnscannable(r: ScanResult, file: string, line: number, message: RegExp, opts: { finding: boolean } = { finding: true }): void {
  const errors = r.errors.filter((e) => e.target.name === file);
  const findings = r.findings.filter((f) => f.target.name === file);
  if (opts.finding) {
    expect(errors).toEqual([]);
    expect(findings.map((f) => [f.ruleId, f.location?.file, f.location?.line, f.fatal])).toEqual([['DOM-XML-001', file, line, true]]);
    expect(findings[0].message).toMatch(message);
  } else {
    expect(findings).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(message);
    expect(errors[0].message.startsWith(`${file}:${line}:`)).toBe(true);
  }
  expect(r.notEvaluated.filter((n) => n.target.name === file)).toEqual([]);
  expectGoodScanned(r);
}

describe('malformed and hostile domain inputs', () => {
  it("the guide's NUMA-exposure snippet: not well-formed, with the line of the mismatched end tag", () => {
    const f = write('numa-exposure.xml', GUIDE_NUMA_EXPOSURE);
    const r = scan(f, good);
    expectUnscannable(r, f, 11, /not well-formed XML: .*numa/);
    expect(exit(r)).toBe(1); // DOM-XML-001 is high: the gate fails, and 1 wins over 3
    expect(exit(r, 'critical')).toBe(3);
    expect(exit(r, 'none')).toBe(3);
  });

  it('an empty file', () => {
    const f = write('empty.xml', '');
    expectUnscannable(scan(f, good), f, 1, /Document is empty/);
  });

  it('whitespace only', () => {
    const f = write('blank.xml', '\n\n   \n');
    expectUnscannable(scan(f, good), f, 1, /Document is empty/);
  });

  it('a UTF-8 BOM is stripped (libvirt accepts it)', () => {
    const f = write('bom.xml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(GOOD)]));
    const r = scan(f, good);
    expect(r.errors).toEqual([]);
    expect(ids(r, f)).toEqual([]);
    expect(r.notEvaluated).toEqual([]);
  });

  it('billion laughs: the DOCTYPE with entities is refused at once, nothing is expanded', () => {
    const ents = ['<!ENTITY lol0 "lol">'];
    for (let i = 1; i <= 12; i++) ents.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
    const f = write('lol.xml', `<?xml version="1.0"?>\n<!DOCTYPE domain [\n${ents.join('\n')}\n]>\n<domain type='kvm'><name>&lol12;</name></domain>\n`);
    const r = scan(f, good);
    expectUnscannable(r, f, 2, /DOCTYPE with entity declarations refused/);
    expect(JSON.stringify(r).includes('lollollol')).toBe(false);
  });

  it('an external SYSTEM entity is refused; an external DTD is never fetched', async () => {
    let requests = 0;
    const server = http.createServer((_req, res) => {
      requests++;
      res.end('<!ENTITY x "pwned">');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const ent = write('xxe.xml', `<!DOCTYPE domain [\n  <!ENTITY h SYSTEM "file:///etc/hostname">\n  <!ENTITY n SYSTEM "http://127.0.0.1:${port}/e">\n]>\n<domain type='kvm'><name>&h;&n;</name></domain>\n`);
      const dtd = write('dtd.xml', `<!DOCTYPE domain SYSTEM "http://127.0.0.1:${port}/domain.dtd">\n${GOOD}`);
      const r = scan(ent, dtd, good);
      expectUnscannable(r, ent, 1, /DOCTYPE with entity declarations refused/);
      // A DOCTYPE without entity declarations is ignored (blanked), the domain scanned normally.
      expect(r.errors.filter((e) => e.target.name === dtd)).toEqual([]);
      expect(r.notEvaluated.filter((n) => n.target.name === dtd)).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(requests).toBe(0);
    } finally {
      server.close();
    }
  });

  it('text that is not XML', () => {
    const f = write('notes.xml', 'this is not\nXML at all\n');
    expectUnscannable(scan(f, good), f, 1, /not well-formed XML/);
  });

  it('JSON', () => {
    const f = write('domain.json', '{\n  "domain": { "name": "vm1" }\n}\n');
    expectUnscannable(scan(f, good), f, 1, /not well-formed XML/);
  });

  it('XML that is not a domain', () => {
    const f = write('net.xml', "<network>\n  <name>default</name>\n</network>\n");
    expectUnscannable(scan(f, good), f, 1, /root element is <network>, not a libvirt <domain>/);
  });

  it('a huge number and a negative vCPU count: findings on their lines, the rest of the domain is audited', () => {
    const f = write(
      'numbers.xml',
      "<domain type='kvm'>\n  <name>n</name>\n  <memory>99999999999999999999999</memory>\n  <vcpu>-1</vcpu>\n  <os><type>hvm</type></os>\n  <seclabel type='none'/>\n</domain>\n",
    );
    const r = scan(f, good);
    expect(r.errors).toEqual([]);
    const xml = r.findings.filter((x) => x.ruleId === 'DOM-XML-001');
    expect(xml.map((x) => x.location?.line)).toEqual([3, 4]);
    expect(xml[0].message).toContain('99999999999999999999999');
    expect(xml[1].message).toContain("'-1'");
    expect(ids(r, f)).toContain('DOM-SEC-001'); // the other rules still ran
    expect(r.notEvaluated.filter((n) => n.target.name === f)).toEqual([]);
    expect(exit(r)).toBe(1);
    expectGoodScanned(r);
  });

  it('a gigantic cpuset is refused without allocating a billion-bit set; a hostile repetition stays fast', () => {
    const big = write('cpuset.xml', "<domain type='kvm'>\n  <name>c</name>\n  <memory>1048576</memory>\n  <vcpu cpuset='0-999999999'>2</vcpu>\n  <os><type>hvm</type></os>\n</domain>\n");
    const rep = write('cpuset-rep.xml', `<domain type='kvm'>\n  <name>c</name>\n  <memory>1048576</memory>\n  <vcpu cpuset='${Array(200000).fill('0-16383').join(',')}'>2</vcpu>\n  <os><type>hvm</type></os>\n</domain>\n`);
    const r = scan(big, rep, good);
    expect(r.errors).toEqual([]);
    const pin = r.findings.filter((x) => x.target.name === big && x.ruleId === 'DOM-PIN-004');
    expect(pin).toHaveLength(1);
    expect(pin[0].location?.line).toBe(4);
    expect(pin[0].message).toContain('0-999999999');
    expect(ids(r, rep)).not.toContain('DOM-PIN-004');
    expectGoodScanned(r);
  });

  it('a file over the size cap is not read', () => {
    const f = path.join(dir, 'huge.xml');
    fs.writeFileSync(f, '');
    fs.truncateSync(f, MAX_XML_BYTES + 1);
    const r = scan(f, good);
    expectUnscannable(r, f, 1, /larger than the 4 MiB limit/, { finding: false });
    expect(exit(r)).toBe(3);
  });

  it('a directory', () => {
    const d = path.join(dir, 'adir.xml');
    fs.mkdirSync(d);
    expectUnscannable(scan(d, good), d, 1, /is a directory/, { finding: false });
  });

  it('a FIFO is not opened for a blocking read (the scan does not hang)', () => {
    const f = path.join(dir, 'fifo.xml');
    execFileSync('mkfifo', [f]);
    expectUnscannable(scan(f, good), f, 1, /not a regular file/, { finding: false });
  });

  it('a missing file', () => {
    const f = path.join(dir, 'missing.xml');
    const r = scan(f, good);
    expectUnscannable(r, f, 1, /no such file/, { finding: false });
    expect(exit(r)).toBe(3);
  });

  const isRoot = process.getuid?.() === 0;
  (isRoot ? it.skip : it)('permission denied (as root, see the next test)', () => {
    const f = write('secret.xml', GOOD);
    fs.chmodSync(f, 0o000);
    expectUnscannable(scan(f, good), f, 1, /permission denied/, { finding: false });
  });

  // Root may read anything: it runs the real CLI as `nobody` (setpriv, util-linux) to see the refusal — where
  // `nobody` can read the checkout at all (not under a private home directory).
  const nobodyCanRun = () => {
    try {
      execFileSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'test', '-r', CLI_BIN], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  (isRoot && nobodyCanRun() ? it : it.skip)('permission denied, for an unprivileged user running the CLI (root runs it as nobody)', () => {
    const sub = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-denied-'));
    try {
      fs.chmodSync(sub, 0o755);
      const secret = path.join(sub, 'secret.xml');
      const other = path.join(sub, 'other.xml');
      fs.writeFileSync(secret, GOOD, { mode: 0o600 });
      fs.writeFileSync(other, GOOD, { mode: 0o644 });
      let out = '';
      let code = 0;
      try {
        out = execFileSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, CLI_BIN, 'scan', 'domain', secret, other, '--format', 'json'], {
          cwd: sub,
          env: { ...process.env, HOME: sub },
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (e) {
        const err = e as { status: number; stdout: string };
        code = err.status;
        out = err.stdout;
      }
      expect(code).toBe(3);
      const report = JSON.parse(out) as { targets: { name: string }[]; errors: { target: { name: string }; message: string }[] };
      expect(report.errors).toEqual([expect.objectContaining({ target: expect.objectContaining({ name: 'secret.xml' }), message: expect.stringMatching(/^secret\.xml:1:1: permission denied/) })]);
      expect(report.targets.map((t) => t.name)).toEqual(['other.xml', 'secret.xml']);
    } finally {
      fs.rmSync(sub, { recursive: true, force: true });
    }
  });

  it('comments and CDATA holding fake elements are not elements', () => {
    const f = write(
      'fake.xml',
      `<domain type='kvm'>
  <name>fake</name>
  <memory>1048576</memory>
  <os><type>hvm</type></os>
  <!-- <seclabel type='none' model='selinux'/> -->
  <description><![CDATA[<seclabel type='none' model='selinux'/><qemu:commandline xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'/>]]></description>
  <devices>
    <!-- <graphics type='vnc' listen='0.0.0.0'/> -->
  </devices>
</domain>
`,
    );
    const r = scan(f, good);
    expect(r.errors).toEqual([]);
    expect(ids(r, f)).toEqual(['DOM-SEC-004']); // no seclabel at all: the fake ones do not count
  });

  it('5000 levels of nesting are refused, not a stack overflow', () => {
    const f = write('deep.xml', `<domain type='kvm'>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</domain>\n`);
    const r = scan(f, good);
    expect(r.errors.filter((e) => e.target.name === f)).toEqual([]);
    expect(ids(r, f)).toEqual(['DOM-XML-001']);
    expect(r.findings.find((x) => x.target.name === f)?.fatal).toBe(true);
    expectGoodScanned(r);
  });

  it('with DOM-XML-001 not selected, a file that is not well-formed is one scan error instead (exit 3), never passed', () => {
    const f = write('numa-exposure-no-xml001.xml', GUIDE_NUMA_EXPOSURE);
    const r = scanDomainFiles([f, good], rules, { name: 'no-xml-001', enabled: (x) => x.id !== 'DOM-XML-001', settings: () => ({}) });
    expect(r.findings.filter((x) => x.target.name === f)).toEqual([]);
    expect(r.errors.map((e) => e.message)).toEqual([expect.stringMatching(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:11:\\d+: not well-formed XML`))]);
    expect(r.notEvaluated.filter((n) => n.target.name === f)).toEqual([]);
    expect(exit(r)).toBe(3);
    fs.rmSync(f);
  });

  it('all of them in one run: every file accounted for, sorted, and the exit code is 1 (gate) over 3', () => {
    const files = fs.readdirSync(dir).sort().map((f) => path.join(dir, f)).filter((f) => !f.endsWith('fifo.xml') || fs.existsSync(f));
    const r = scan(...files);
    expect(new Set(r.targets.map((t) => t.name))).toEqual(new Set(files));
    // Unreadable files are scan errors; files whose content is refused are one fatal DOM-XML-001 finding each.
    expect(r.errors.length).toBeGreaterThanOrEqual(3);
    expect(r.findings.filter((x) => x.fatal).length).toBeGreaterThanOrEqual(8);
    expect(r.notEvaluated).toEqual([]);
    expect(exit(r)).toBe(1);
    expect(exit(r, 'none')).toBe(3);
    expect(JSON.stringify(scan(...files))).toBe(JSON.stringify(r));
  });
});
