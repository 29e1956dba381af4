import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../helpers/cli';

// docs/writing-rules.md is run as written: every file it shows (a "`path`:" line before a fenced block) is written to
// a fresh directory, then every `$ vmaudit ...` console block is run there and must print exactly what the doc shows.
const DOC = path.resolve(__dirname, '..', '..', 'docs', 'writing-rules.md');

interface Block {
  lang: string;
  file?: string;
  body: string;
}

function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  const re = /(?:^`([^`\n]+)`:\n\n)?^```(\w+)\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) out.push({ file: m[1], lang: m[2], body: m[3] });
  return out;
}

describe('docs/writing-rules.md', () => {
  const all = blocks(fs.readFileSync(DOC, 'utf8'));
  const files = all.filter((b) => b.file);
  const consoles = all.filter((b) => b.lang === 'console');
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-writing-rules-'));
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(dir, f.file!)), { recursive: true });
      fs.writeFileSync(path.join(dir, f.file!), f.body);
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('shows the rule, its cases, a domain, a policy and the commands that use them', () => {
    expect(files.map((f) => f.file)).toEqual(['acme-rules/ACME-MEM-001.yaml', 'acme-rules/ACME-MEM-001.test.yaml', 'scratch/ACME-MEM-002.yaml', 'db1.xml', 'acme-policy.yaml']);
    expect(consoles.map((c) => c.body.split('\n')[0])).toEqual([
      '$ vmaudit rules test acme-rules',
      '$ vmaudit scan domain db1.xml --rules scratch',
      '$ vmaudit scan domain db1.xml --rules acme-rules --policy acme-policy.yaml',
    ]);
  });

  it.each(consoles.map((c) => [c.body.split('\n')[0], c]))('%s prints what the doc shows', async (_cmd, block) => {
    const [cmd, ...expected] = (block as Block).body.trimEnd().split('\n');
    const args = cmd.replace(/^\$ vmaudit /, '').split(' ');
    const r = await runCli(args, { cwd: dir });
    expect(`${r.stdout}${r.stderr}`.trimEnd().split('\n')).toEqual(expected);
    // rules test passes (0); a rule that does not load is a usage error (2); the scan's gate passes (0).
    expect(r.code).toBe(args[0] === 'rules' ? 0 : args.includes('scratch') ? 2 : 0);
  });
});
