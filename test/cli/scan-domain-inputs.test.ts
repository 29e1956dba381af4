import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_XML_BYTES } from '../../src/facts/xml';
import { REPO_ROOT, runCli } from '../helpers/cli';

/**
 * `scan domain` arguments as people give them: `-` (virsh dumpxml VM | vmaudit scan domain -), directories, and
 * targets that cannot be read (one error each, never "gate: passed"). Every expectation compares with the same
 * domain scanned as a plain file, through the real CLI.
 */
const FIX = path.join(REPO_ROOT, 'fixtures', 'domains');
const SVIRT = path.join(FIX, 'guide-svirt-none.xml'); // has high findings
const GOOD = path.join(FIX, 'good-nic.xml'); // none at or above high

interface JsonReport {
  targets: { name: string }[];
  findings: { ruleId: string; message: string; target: { name: string }; location?: { file: string; line: number; column: number } }[];
  errors: { target: { name: string }; message: string }[];
  notEvaluated: { ruleId: string; target: { name: string } }[];
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-inputs-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Findings with the file name taken out, for comparing a stdin scan with a file scan. */
const shape = (r: JsonReport, name: string) => r.findings.map((f) => ({ ruleId: f.ruleId, message: f.message.split(name).join('FILE'), target: f.target.name === name ? 'FILE' : f.target.name, loc: f.location && [f.location.file === name ? 'FILE' : f.location.file, f.location.line, f.location.column] }));

describe('scan domain - (stdin)', () => {
  it('audits the domain piped in as <stdin>, exactly as the same file', async () => {
    const xml = fs.readFileSync(SVIRT);
    const [viaStdin, viaFile, text] = await Promise.all([
      runCli(['scan', 'domain', '-', '-f', 'json'], { input: xml }),
      runCli(['scan', 'domain', path.relative(REPO_ROOT, SVIRT), '-f', 'json']),
      runCli(['scan', 'domain', '-'], { input: xml }),
    ]);
    expect(viaStdin.code).toBe(viaFile.code);
    expect(viaStdin.code).toBe(1);
    const s = JSON.parse(viaStdin.stdout) as JsonReport;
    const f = JSON.parse(viaFile.stdout) as JsonReport;
    expect(s.targets).toEqual([expect.objectContaining({ name: '<stdin>' })]);
    expect(s.errors).toEqual([]);
    expect(s.findings.length).toBeGreaterThan(0);
    expect(shape(s, '<stdin>')).toEqual(shape(f, path.relative(REPO_ROOT, SVIRT)));
    // Locations say where the text came from.
    expect(s.findings.every((x) => x.location?.file === '<stdin>')).toBe(true);
    expect(text.stdout).toContain('<stdin>');
    expect(text.stdout).not.toContain('no such file');
  });

  it('with files and in SARIF: the stdin result points at <stdin> (URI-encoded), fixes are computed from the piped text', async () => {
    const [r, file] = await Promise.all([runCli(['scan', 'domain', GOOD, '-', '-f', 'sarif'], { input: fs.readFileSync(SVIRT) }), runCli(['scan', 'domain', SVIRT, '-f', 'sarif'])]);
    expect(r.code).toBe(1);
    type Sarif = { runs: { results: { ruleId: string; fixes?: { artifactChanges: { replacements: unknown[] }[] }[]; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const sarif = JSON.parse(r.stdout) as Sarif;
    const uris = new Set(sarif.runs[0].results.flatMap((x) => x.locations.map((l) => l.physicalLocation.artifactLocation.uri)));
    expect(uris).toContain('%3Cstdin%3E');
    // Fixes patch the scanned text: the piped one (never a file named "<stdin>"), as they patch the file.
    const fixes = (s: Sarif, uri: (u: string) => boolean) =>
      s.runs[0].results.filter((x) => uri(x.locations[0].physicalLocation.artifactLocation.uri)).map((x) => [x.ruleId, x.fixes?.flatMap((f) => f.artifactChanges.flatMap((c) => c.replacements))]);
    const fromStdin = fixes(sarif, (u) => u === '%3Cstdin%3E');
    expect(fromStdin.some(([, f]) => f !== undefined && f.length > 0)).toBe(true);
    expect(fromStdin).toEqual(fixes(JSON.parse(file.stdout) as Sarif, () => true));
  });

  it('a domain over the size limit on stdin is one scan error (exit 3), not read further', async () => {
    const big = Buffer.alloc(MAX_XML_BYTES + 1, 0x20);
    const r = await runCli(['scan', 'domain', '-', '-f', 'json'], { input: big });
    expect(r.code).toBe(3);
    const rep = JSON.parse(r.stdout) as JsonReport;
    expect(rep.errors).toEqual([expect.objectContaining({ target: expect.objectContaining({ name: '<stdin>' }), message: expect.stringMatching(/larger than the 4 MiB limit/) })]);
    expect(rep.notEvaluated).toEqual([]);
    expect(rep.findings).toEqual([]);
  });

  it('not-UTF-8 bytes on stdin are a well-formedness finding with their line, as for a file', async () => {
    const bytes = Buffer.concat([Buffer.from("<domain type='kvm'>\n  <name>"), Buffer.from([0xff, 0xfe]), Buffer.from('</name>\n</domain>\n')]);
    fs.writeFileSync(path.join(tmp, 'latin.xml'), bytes);
    const [a, b] = await Promise.all([runCli(['scan', 'domain', '-', '-f', 'json'], { input: bytes }), runCli(['scan', 'domain', 'latin.xml', '-f', 'json'], { cwd: tmp })]);
    expect(a.code).toBe(b.code);
    expect(shape(JSON.parse(a.stdout) as JsonReport, '<stdin>')).toEqual(shape(JSON.parse(b.stdout) as JsonReport, 'latin.xml'));
  });

  it('"-" twice is a usage error (exit 2)', async () => {
    const r = await runCli(['scan', 'domain', '-', '-'], { input: fs.readFileSync(GOOD) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/more than once/);
    expect(r.stdout).toBe('');
  });
});

describe('scan domain DIR', () => {
  it('audits the *.xml files directly in the directory, in name order: the same report as listing them', async () => {
    const dir = path.join(tmp, 'vms');
    fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
    fs.copyFileSync(SVIRT, path.join(dir, 'b.xml'));
    fs.copyFileSync(GOOD, path.join(dir, 'a.xml'));
    fs.copyFileSync(SVIRT, path.join(dir, 'sub', 'c.xml')); // not searched
    fs.copyFileSync(SVIRT, path.join(dir, '.hidden.xml')); // skipped, as `vms/*.xml` would
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a domain');
    fs.mkdirSync(path.join(dir, 'dir.xml')); // a directory named *.xml is not a file to read
    const [viaDir, viaFiles, text] = await Promise.all([
      runCli(['scan', 'domain', 'vms', '-f', 'json'], { cwd: tmp }),
      runCli(['scan', 'domain', 'vms/a.xml', 'vms/b.xml', '-f', 'json'], { cwd: tmp }),
      runCli(['scan', 'domain', 'vms/'], { cwd: tmp }),
    ]);
    expect(viaDir.code).toBe(1);
    expect(viaDir.stdout).toBe(viaFiles.stdout);
    expect((JSON.parse(viaDir.stdout) as JsonReport).targets.map((t) => t.name)).toEqual(['vms/a.xml', 'vms/b.xml']);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('vms/b.xml');
    expect(text.stdout).not.toMatch(/is a directory/);
  });

  it('a directory without *.xml files is a usage error (exit 2)', async () => {
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(path.join(empty, 'sub'), { recursive: true });
    fs.copyFileSync(GOOD, path.join(empty, 'sub', 'x.xml'));
    const r = await runCli(['scan', 'domain', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`vmaudit: ${empty}: no *.xml file in this directory (subdirectories are not searched)\n`);
    expect(r.stdout).toBe('');
  });

  it('help says what - and a directory mean', async () => {
    const r = await runCli(['scan', 'domain', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/stdin/);
    expect(r.stdout).toMatch(/subdirectories are not searched/);
  });
});

describe('a target that cannot be read', () => {
  it('is one error, no "Not evaluated" list, and never "gate: passed" (exit 3)', async () => {
    const missing = path.join(tmp, 'missing.xml');
    const [alone, json, withGood] = await Promise.all([
      runCli(['scan', 'domain', missing]),
      runCli(['scan', 'domain', missing, GOOD, '-f', 'json']),
      runCli(['scan', 'domain', missing, GOOD]),
    ]);
    expect(alone.code).toBe(3);
    expect(alone.stdout).not.toMatch(/Not evaluated/);
    expect(alone.stdout).not.toMatch(/gate: passed/);
    expect(alone.stdout).toMatch(/gate: not passed — no target could be scanned \(exit 3\)/);
    expect(alone.stdout.split('no such file').length - 1).toBe(1);
    const rep = JSON.parse(json.stdout) as JsonReport;
    expect(rep.errors).toHaveLength(1);
    expect(rep.notEvaluated.filter((n) => n.target.name === missing)).toEqual([]);
    expect(rep.findings.filter((f) => f.target.name === missing)).toEqual([]);
    expect(withGood.code).toBe(3);
    expect(withGood.stdout).toMatch(/gate: not passed — 1 of 2 targets could not be scanned; nothing at or above high in the others \(exit 3\)/);
  });
});
