import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, runCli } from '../helpers/cli';

/**
 * Reports as files: several formats from one scan (`-o [FORMAT=]FILE`, repeatable), the format from the extension,
 * the old `-f X -o FILE` pair, and the summary and gate line on stderr when stdout does not carry the text report.
 * Each file is compared with the same format written to stdout by a one-format run.
 */
const FIX = path.join(REPO_ROOT, 'fixtures', 'domains');
const SVIRT = path.join(FIX, 'guide-svirt-none.xml');
const GOOD = path.join(FIX, 'good-nic.xml');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-outputs-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const read = (f: string) => fs.readFileSync(path.join(tmp, f), 'utf8');
const scan = (args: string[]) => runCli(['scan', 'domain', SVIRT, GOOD, ...args], { cwd: tmp });

describe('several reports from one scan', () => {
  it('FORMAT=FILE and extensions: each file equals that format on stdout; stdout empty; summary and gate line on stderr', async () => {
    const [multi, ...single] = await Promise.all([
      scan(['-o', 'sarif=a.out', '--output', 'json=b.out', '-o', 'c.html', '-o', 'd.md', '-o', 'e.xml', '-o', 'f.sarif']),
      scan(['-f', 'sarif']),
      scan(['-f', 'json']),
      scan(['-f', 'html']),
      scan(['-f', 'markdown']),
      scan(['-f', 'junit']),
      scan([]),
    ]);
    expect(multi.code).toBe(1);
    expect(multi.stdout).toBe('');
    const [sarif, json, html, md, junit, text] = single;
    expect(read('a.out')).toBe(sarif.stdout);
    expect(read('f.sarif')).toBe(sarif.stdout);
    expect(read('b.out')).toBe(json.stdout);
    expect(read('c.html')).toBe(html.stdout);
    expect(read('d.md')).toBe(md.stdout);
    expect(read('e.xml')).toBe(junit.stdout);
    // The text report's last two lines (summary, gate) are what stderr ends with, after the files written.
    const tail = text.stdout.trimEnd().split('\n').slice(-2);
    expect(tail[1]).toMatch(/^gate: FAILED — \d+ finding\(s\) at or above high \(exit 1\)$/);
    expect(multi.stderr).toBe(`report written to a.out (sarif), b.out (json), c.html (html), d.md (markdown), e.xml (junit), f.sarif (sarif)\n${tail.join('\n')}\n`);
  });

  it('the old pair -f FORMAT -o FILE still writes FORMAT whatever the extension; -f is case-insensitive; --quiet silences stderr', async () => {
    const [pair, upper, quiet, json] = await Promise.all([
      scan(['-f', 'json', '-o', 'report.txt']),
      scan(['--format', 'JSON']),
      scan(['-o', 'q.json', '--quiet']),
      scan(['-f', 'json']),
    ]);
    expect(pair.code).toBe(1);
    expect(read('report.txt')).toBe(json.stdout);
    expect(upper.stdout).toBe(json.stdout);
    expect(quiet.code).toBe(1);
    expect(quiet.stderr).toBe('');
    expect(read('q.json')).toBe(json.stdout);
  });

  it('-f json to stdout: the report alone on stdout, the summary on stderr (the gate passes: exit 0)', async () => {
    const r = await runCli(['scan', 'domain', GOOD, '-f', 'json'], { cwd: tmp });
    expect(r.code).toBe(0);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    expect(r.stderr).toMatch(/^1 target\(s\), \d+ rules: .*\ngate: passed \(nothing at or above high\)\n$/);
  });

  it('text on stdout too (-o text=- or -o -): one report there, no second summary on stderr', async () => {
    const [both, text] = await Promise.all([scan(['-o', 'x.json', '-o', '-']), scan([])]);
    expect(both.stdout).toBe(text.stdout);
    expect(both.stderr).toBe('');
    expect(fs.existsSync(path.join(tmp, 'x.json'))).toBe(true);
  });

  it('--output values are checked before scanning: an unknown FORMAT=, the same file twice, two stdouts (exit 2, nothing written)', async () => {
    const rs = await Promise.all([scan(['-o', 'jsno=bad.json']), scan(['-o', 'a.json', '-o', 'json=./a.json']), scan(['-o', '-', '-o', 'sarif=-'])]);
    for (const r of rs) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    }
    expect(rs[0].stderr).toMatch(/unknown format "jsno"/);
    expect(rs[1].stderr).toMatch(/already the destination/);
    expect(fs.existsSync(path.join(tmp, 'bad.json'))).toBe(false);
    expect(fs.existsSync(path.join(tmp, 'a.json'))).toBe(false);
  });

  it('a file after -o is a target, not a second output (-o takes one value per occurrence)', async () => {
    const r = await runCli(['scan', 'domain', '-o', 'one.json', SVIRT, GOOD], { cwd: tmp });
    expect(r.code).toBe(1);
    const rep = JSON.parse(read('one.json')) as { targets: unknown[] };
    expect(rep.targets).toHaveLength(2);
  });
});
