import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CEL_EVALUATION_BUDGET, CelBudgetExceeded, compileExpr, withEvaluationBudget } from '../../src/engine/cel';
import { CompiledRule, evaluateRule } from '../../src/engine/evaluate';
import type { Rule } from '../../src/engine/generated/rule';
import { REPO_ROOT, runCli } from '../helpers/cli';

/**
 * The per-rule CEL evaluation budget (issue 15): a --rules rule whose evaluation explodes (nested comprehensions over
 * 1,000-element list literals: 10^9 steps; list products and doublings: gigabytes, then SIGABRT) is a rule error for
 * that rule on that target, and every other rule is evaluated. Before the budget: the 3-deep comprehension ran for
 * ~100 s, the map product aborted at 4.3 GB, the cel.bind doubling trapped at 3.3 GB.
 * The rules are generated at test time; the CLI runs under a 512 MB V8 heap, so a run needing gigabytes aborts and
 * fails the test instead of passing slowly. Time bound loose for a loaded 2-core machine.
 */
const HEAP = { NODE_OPTIONS: '--max-old-space-size=512' };
const DOMAIN = path.join(REPO_ROOT, 'fixtures', 'domains', 'good-nic.xml');
const RUN_LIMIT_MS = 45_000;
const L = `[${Array.from({ length: 1000 }, (_, i) => i).join(',')}]`;

/** Each expression exceeds the budget by orders of magnitude in time or memory. */
const BOMBS: Record<string, { assert: string; 'for-each'?: string; message?: string }> = {
  // 10^9 comprehension steps
  'DOM-XBOMB-001': { assert: `${L}.all(a, ${L}.all(b, ${L}.all(c, a + b + c >= 0)))` },
  // 10^9 list elements referenced, then counted
  'DOM-XBOMB-002': { assert: `size(${L}.map(a, ${L}.map(b, ${L}))) > 0` },
  // flatten of a product: 10^9 numbers in one call
  'DOM-XBOMB-003': { assert: `size(flatten(flatten(${L}.map(a, ${L}.map(b, ${L}))))) > 0` },
  // doubling under cel.bind: 1000 * 2^20 elements with 20 nodes
  'DOM-XBOMB-004': {
    assert: Array.from({ length: 20 }, (_, i) => `cel.bind(v${i + 1}, v${i} + v${i}, `).join('').replace(/^/, `cel.bind(v0, ${L}, `) + 'size(v20) > 0' + ')'.repeat(21),
  },
  // errors absorbed by || and exists(): still over budget
  'DOM-XBOMB-005': { assert: `${L}.exists(a, ${L}.exists(b, ${L}.exists(c, c < 0))) || true` },
  // a for-each yielding lists (the engine flattens them): 1,000 references to a 10^6-element list
  'DOM-XBOMB-006': { 'for-each': `cel.bind(big, flatten(${L}.map(a, ${L})), ${L}.map(a, big))`, assert: 'it >= 0' },
  // a message printing a product: the budget covers the message too
  'DOM-XBOMB-007': { assert: 'false', message: `{{ ${L}.map(a, ${L}.map(b, domain.name)) }}` },
};

const ruleYaml = (id: string, r: { assert: string; 'for-each'?: string; message?: string }): string =>
  [
    `id: ${id}`,
    'title: generated rule',
    'area: security',
    'scope: domain',
    'severity: high',
    'guide: [beyond-guide]',
    ...(r['for-each'] ? [`for-each: ${JSON.stringify(r['for-each'])}`] : []),
    `assert: ${JSON.stringify(r.assert)}`,
    `message: ${JSON.stringify(r.message ?? 'generated {{ domain.name }}')}`,
    'rationale: generated',
    'remediation:',
    '  text: none',
    '',
  ].join('\n');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-cel-budget-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Report {
  findings: { ruleId: string; message: string }[];
  notEvaluated: { ruleId: string; reason: string }[];
  summary: { targetsFailed: number };
}

async function scanWith(name: string, rules: Record<string, string>): Promise<{ code: number; report: Report; ms: number; stderr: string }> {
  const rulesDir = path.join(dir, name);
  fs.mkdirSync(rulesDir);
  for (const [id, yaml] of Object.entries(rules)) fs.writeFileSync(path.join(rulesDir, `${id}.yaml`), yaml);
  const start = Date.now();
  const r = await runCli(['scan', 'domain', DOMAIN, '--rules', rulesDir, '--format', 'json'], { env: HEAP });
  const ms = Date.now() - start;
  expect(r.stderr).not.toMatch(/\n\s+at |RangeError|bad_alloc|heap out of memory/);
  return { code: r.code, report: JSON.parse(r.stdout) as Report, ms, stderr: r.stderr };
}

describe('a --rules rule over the evaluation budget', () => {
  it('is a rule error for that rule only; the other rules are evaluated; same exit code as another rule error', async () => {
    const fine = { 'DOM-XFINE-001': ruleYaml('DOM-XFINE-001', { assert: "domain.name == 'not this one'" }) };
    // A plain `1` is refused when the rule is loaded (assert must be a bool): dyn() hides the type until run time.
    const erring = { 'DOM-XERR-001': ruleYaml('DOM-XERR-001', { assert: 'dyn(1)' }) };
    const bombs = Object.fromEntries(Object.entries(BOMBS).map(([id, r]) => [id, ruleYaml(id, r)]));

    const withBombs = await scanWith('bombs', { ...fine, ...erring, ...bombs });
    expect(withBombs.ms).toBeLessThan(RUN_LIMIT_MS);
    const reasons = Object.fromEntries(withBombs.report.notEvaluated.map((n) => [n.ruleId, n.reason]));
    for (const id of Object.keys(BOMBS)) expect([id, reasons[id]]).toEqual([id, expect.stringMatching(/^rule error: evaluation budget exceeded \(10,000,000 steps\) in (for-each|assert|message)$/)]);
    expect(reasons['DOM-XBOMB-006']).toMatch(/in for-each$/);
    expect(reasons['DOM-XBOMB-007']).toMatch(/in message$/);
    expect(reasons['DOM-XERR-001']).toBe('rule error: assert yielded 1, not a bool');
    // The built-in rules and the fine rule are judged as without the bombs.
    const without = await scanWith('no-bombs', { ...fine, ...erring });
    expect(withBombs.report.findings).toEqual(without.report.findings);
    expect(withBombs.report.findings.map((f) => f.ruleId)).toContain('DOM-XFINE-001');
    expect(withBombs.report.notEvaluated.filter((n) => !n.ruleId.startsWith('DOM-XBOMB-'))).toEqual(without.report.notEvaluated);
    expect(withBombs.report.summary.targetsFailed).toBe(0);
    expect(withBombs.code).toBe(without.code);
  });
});

describe('the budget itself', () => {
  const domainRule = (over: Partial<Rule>): Rule => ({
    id: 'DOM-T-001',
    title: 't',
    area: 'security',
    scope: 'domain',
    severity: 'low',
    guide: ['beyond-guide'],
    assert: 'true',
    message: 'm',
    rationale: 'r',
    remediation: { text: 't' },
    ...over,
  });
  const target = { kind: 'domain' as const, name: 'd' };

  it('counts steps: an evaluation passes under a budget and fails under a smaller one', () => {
    const e = compileExpr('[1, 2, 3, 4, 5].map(x, x * 2).all(y, y > 0)');
    expect(withEvaluationBudget(() => e({}), 1000)).toBe(true);
    expect(() => withEvaluationBudget(() => e({}), 10)).toThrow(CelBudgetExceeded);
  });

  it('charges the size of built lists, not only nodes', () => {
    const e = compileExpr('size(l + l + l) > 0');
    const l = Array.from({ length: 10_000 }, (_, i) => i);
    expect(() => withEvaluationBudget(() => e({ l }), 20_000)).toThrow(CelBudgetExceeded);
    expect(withEvaluationBudget(() => e({ l }), 100_000)).toBe(true);
    // A reference to a large fact costs nothing by itself.
    expect(withEvaluationBudget(() => compileExpr('size(l) > 0')({ l }), 100)).toBe(true);
  });

  it('is one budget per rule per target, over all its subjects; the next target starts afresh', () => {
    // Each subject costs a few thousand steps: 10,000 subjects exceed the budget together, one does not.
    const cr = new CompiledRule(domainRule({ 'for-each': 'domain.items', assert: `${L}.all(x, x >= 0)` }));
    const many = evaluateRule(cr, { target, vars: { domain: { items: Array.from({ length: 10_000 }, (_, i) => i) } }, unknown: {} });
    expect(many).toEqual({ status: 'not-evaluated', notEvaluated: { ruleId: 'DOM-T-001', target, reason: 'rule error: evaluation budget exceeded (10,000,000 steps) in assert' } });
    expect(evaluateRule(cr, { target, vars: { domain: { items: [1] } }, unknown: {} })).toEqual({ status: 'pass' });
    expect(CEL_EVALUATION_BUDGET).toBe(10_000_000);
  });
});
