import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_POLICY_ERRORS } from '../../src/engine/policy';
import { INPUT_LIMITS } from '../../src/util/read-input';
import { REPO_ROOT, runCli } from '../helpers/cli';

/**
 * Policies full of invalid waivers (issue 15): errors are listed up to MAX_POLICY_ERRORS, then counted in one
 * `and N more errors` line; validation is linear in the policy's size. Before: 200,000 invalid waivers took 283 s
 * (quadratic error merging) and ended in a RangeError; 200,000 bad dates a RangeError after 9 s.
 * Policies generated at test time, as large as the policy limit allows; the CLI runs under a 512 MB V8 heap and a
 * loose time bound for a loaded 2-core machine.
 */
const HEAP = { NODE_OPTIONS: '--max-old-space-size=512' };
const DOMAIN = path.join(REPO_ROOT, 'fixtures', 'domains', 'good-nic.xml');
const RUN_LIMIT_MS = 60_000;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-policy-errors-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A policy of as many waivers as fit in `limit` bytes; returns how many. */
function writePolicy(name: string, waiver: (i: number) => string, limit = INPUT_LIMITS.policy, head = 'name: bomb\nwaivers:\n'): number {
  const parts = [head];
  let size = head.length;
  let n = 0;
  for (;;) {
    const w = `${waiver(n)}\n`;
    if (size + w.length > limit) break;
    parts.push(w);
    size += w.length;
    n++;
  }
  fs.writeFileSync(path.join(dir, name), parts.join(''));
  return n;
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const start = Date.now();
  const r = await runCli(args, { cwd: dir, env: HEAP });
  return { ...r, ms: Date.now() - start };
}

function expectCapped(stderr: string, file: string, prefix: string, total: number, first: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(stderr).not.toMatch(/\n\s+at |RangeError|heap out of memory/);
  expect(lines).toHaveLength(MAX_POLICY_ERRORS + 1);
  expect(lines[0]).toMatch(first);
  expect(lines.slice(0, -1).every((l) => l.startsWith(`${prefix}${file}:`))).toBe(true);
  expect(lines[lines.length - 1]).toBe(`${prefix}${file}: and ${total - MAX_POLICY_ERRORS} more errors (only the first ${MAX_POLICY_ERRORS} are listed)`);
}

describe('a policy full of invalid waivers: the first errors, a count of the rest, exit 2, quickly', () => {
  it('schema errors (four per waiver)', async () => {
    const n = writePolicy('schema.yaml', (i) => `- {rule: dom-x, justification: short, expires: 2025-13-01, extra: ${i}}`);
    expect(n).toBeGreaterThan(50_000);
    const r = await cli(['policy', 'validate', 'schema.yaml']);
    expect(r.code).toBe(2);
    expectCapped(r.stderr, 'schema.yaml', '', 4 * n, /^schema\.yaml:3:3 \/waivers\/0: unknown property 'extra'$/);
    expect(r.stderr).toContain('schema.yaml:3:4 /waivers/0/rule: "dom-x" must match pattern');
    expect(r.ms).toBeLessThan(RUN_LIMIT_MS);

    const scan = await cli(['scan', 'domain', DOMAIN, '--policy', 'schema.yaml']);
    expect(scan.code).toBe(2);
    expectCapped(scan.stderr, 'schema.yaml', 'vmaudit: invalid policy: ', 4 * n, /waivers\/0: unknown property 'extra'$/);
    expect(scan.ms).toBeLessThan(RUN_LIMIT_MS);
  });

  it('dates that are not calendar dates', async () => {
    const n = writePolicy('dates.yaml', () => '- {rule: DOM-SEC-001, justification: accepted for now, expires: 2025-02-30}');
    const r = await cli(['policy', 'validate', 'dates.yaml']);
    expect(r.code).toBe(2);
    expectCapped(r.stderr, 'dates.yaml', '', n, /^dates\.yaml:3:\d+ \/waivers\/0\/expires: 2025-02-30 is not a calendar date$/);
    expect(r.ms).toBeLessThan(RUN_LIMIT_MS);
  });

  it('rule ids and globs that match no rule (checked against the loaded rules)', async () => {
    const n = writePolicy('norule.yaml', (i) => `- {rule: DOM-NO-${i}${i % 2 ? '*' : ''}, justification: accepted for now, expires: 2030-01-01}`);
    const r = await cli(['policy', 'validate', 'norule.yaml']);
    expect(r.code).toBe(2);
    expectCapped(r.stderr, 'norule.yaml', '', n, /^norule\.yaml:3:4 \/waivers\/0\/rule: no rule DOM-NO-0$/);
    expect(r.stderr).toContain('norule.yaml:4:4 /waivers/1/rule: no rule DOM-NO-1*');
    expect(r.ms).toBeLessThan(RUN_LIMIT_MS);

    const scan = await cli(['scan', 'domain', DOMAIN, '--policy', 'norule.yaml']);
    expect(scan.code).toBe(2);
    expectCapped(scan.stderr, 'norule.yaml', 'vmaudit: invalid policy: ', n, /waivers\/0\/rule: no rule DOM-NO-0$/);
  });

  it('errors of the policies a policy extends are capped together', async () => {
    const a = writePolicy('a.yaml', () => '- {rule: DOM-SEC-001, justification: accepted for now, expires: 2025-02-30}', 40 * 80);
    const b = writePolicy('b.yaml', () => '- {rule: DOM-SEC-001, justification: accepted for now, expires: 2025-04-31}', 40 * 80);
    fs.writeFileSync(path.join(dir, 'top.yaml'), 'extends: [./a.yaml, ./b.yaml]\n');
    const r = await cli(['policy', 'validate', 'top.yaml']);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(MAX_POLICY_ERRORS + 1);
    expect(lines.filter((l) => l.startsWith('a.yaml:'))).toHaveLength(Math.min(a, MAX_POLICY_ERRORS));
    expect(lines[lines.length - 1]).toBe(`top.yaml: and ${a + b - MAX_POLICY_ERRORS} more errors (only the first ${MAX_POLICY_ERRORS} are listed)`);
  });

  it('200,000 waivers are over the policy size limit: refused before parsing', async () => {
    const parts = ['waivers:\n'];
    for (let i = 0; i < 200_000; i++) parts.push(`- {rule: DOM-NO-${i}, justification: accepted for now, expires: 2025-02-30}\n`);
    fs.writeFileSync(path.join(dir, 'huge.yaml'), parts.join(''));
    const r = await cli(['policy', 'validate', 'huge.yaml']);
    expect({ code: r.code, stderr: r.stderr.trim() }).toEqual({ code: 2, stderr: expect.stringMatching(/^huge\.yaml: .*larger than the 4 MiB limit for a policy/) });
    expect(r.ms).toBeLessThan(RUN_LIMIT_MS);
  });
});
