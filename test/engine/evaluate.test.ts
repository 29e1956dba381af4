import { CompiledRule, evaluateRule, type EvalContext } from '../../src/engine/evaluate';
import type { Rule } from '../../src/engine/generated/rule';

const rule = (over: Partial<Rule>): Rule => ({
  id: 'TEST-X-001',
  title: 'test rule',
  area: 'security',
  scope: 'host',
  severity: 'medium',
  guide: ['beyond-guide'],
  assert: 'it.ok',
  message: 'subject {{ it.key }} is not ok',
  rationale: 'r',
  remediation: { text: 't' },
  ...over,
});

const ctx = (host: unknown, unknown: Record<string, string> = {}): EvalContext => ({ target: { kind: 'host', name: 'h1' }, vars: { host }, unknown });

describe('evaluateRule', () => {
  it('yields one finding per failing subject, located at the subject', () => {
    const r = new CompiledRule(rule({ 'for-each': 'host.items' }));
    const out = evaluateRule(r, ctx({ items: [{ ok: true, key: 'a' }, { ok: false, key: 'b', loc: { file: '/etc/x', line: 3, column: 1 } }] }));
    expect(out).toMatchObject({ status: 'fail', findings: [{ subject: 'b', message: 'subject b is not ok', location: { file: '/etc/x', line: 3 } }] });
  });

  it('is not evaluated when a required fact is unknown, with the reason — never a silent pass', () => {
    const r = new CompiledRule(rule({ requires: ['host.sasl.mechs'], 'for-each': 'host.sasl.mechs' }));
    const out = evaluateRule(r, ctx({ sasl: null }, { 'host.sasl': '/etc/sasl2/libvirt.conf: permission denied' }));
    expect(out).toEqual({ status: 'not-evaluated', notEvaluated: { ruleId: 'TEST-X-001', target: { kind: 'host', name: 'h1' }, reason: '/etc/sasl2/libvirt.conf: permission denied' } });
  });

  it('a fix too costly to compute leaves the verdict standing: findings kept, the fix replaced by a note', () => {
    // Each finding's fix walks the whole list (n findings x n elements): over the fixes' own budget, not the verdict's.
    const items = Array.from({ length: 4000 }, (_, i) => ({ ok: false, key: `k${i}` }));
    const r = new CompiledRule(rule({ 'for-each': 'host.items', remediation: { text: "{{ host.items.map(x, x.key + ' ' + x.key).join(',') }}" } }));
    const out = evaluateRule(r, ctx({ items }));
    expect(out.status).toBe('fail');
    const findings = out.status === 'fail' ? out.findings : [];
    expect(findings).toHaveLength(4000);
    expect(findings[0].remediation?.text).toMatch(/^k0 k0,k1 k1,/);
    expect(findings[3999].remediation?.text).toMatch(/^The fix for this finding was not computed: evaluation budget exceeded/);
  });

  it('reports a rule error (e.g. a missing key) as not evaluated', () => {
    const r = new CompiledRule(rule({ assert: 'it.nosuchkey == 1', 'for-each': 'host.items' }));
    const out = evaluateRule(r, ctx({ items: [{ key: 'a' }] }));
    expect(out.status).toBe('not-evaluated');
    expect(out.status === 'not-evaluated' && out.notEvaluated.reason).toMatch(/^rule error in assert: /);
  });

  it('applies policy parameters over defaults and severity overrides', () => {
    const r = new CompiledRule(rule({ 'for-each': 'host.items', assert: 'it.n <= params.max', params: { max: { description: 'm', default: 5 } } }));
    const c = ctx({ items: [{ n: 7, key: 'a' }] });
    expect(evaluateRule(r, c).status).toBe('fail');
    expect(evaluateRule(r, c, { params: { max: 10 } }).status).toBe('pass');
    expect(evaluateRule(r, c, { severity: 'critical' })).toMatchObject({ findings: [{ severity: 'critical' }] });
  });

  it('gives stable fingerprints that do not depend on the line', () => {
    const r = new CompiledRule(rule({ 'for-each': 'host.items' }));
    const at = (line: number) => evaluateRule(r, ctx({ items: [{ ok: false, key: 'k', loc: { file: 'f', line, column: 1 } }] }));
    const a = at(3);
    const b = at(30);
    expect(a.status === 'fail' && b.status === 'fail' && a.findings[0].fingerprint === b.findings[0].fingerprint).toBe(true);
  });

  it('renders a remediation with placeholders for each finding (the flagged path, quoted as one shell word)', () => {
    const r = new CompiledRule(
      rule({
        'for-each': 'host.items',
        remediation: { text: 'Make {{ it.path }} private.', snippet: { language: 'shell', target: 'the host', content: 'chmod 0600 {{ shellword(it.path) }}\n' } },
      }),
    );
    const out = evaluateRule(r, ctx({ items: [{ ok: false, key: 'a', path: '/etc/sasldb2' }, { ok: false, key: 'b', path: "/srv/it's here" }] }));
    expect(out.status === 'fail' && out.findings.map((f) => f.remediation)).toEqual([
      { text: 'Make /etc/sasldb2 private.', snippet: 'chmod 0600 /etc/sasldb2\n' },
      { text: "Make /srv/it's here private.", snippet: "chmod 0600 '/srv/it'\\''s here'\n" },
    ]);
  });

  it('leaves a static remediation to the rule (no per-finding copy); a failing placeholder is a rule error', () => {
    const fixed = evaluateRule(new CompiledRule(rule({ 'for-each': 'host.items', remediation: { text: 'do it', snippet: { language: 'shell', target: 'h', content: 'true' } } })), ctx({ items: [{ ok: false, key: 'a' }] }));
    expect(fixed.status === 'fail' && 'remediation' in fixed.findings[0]).toBe(false);
    const broken = evaluateRule(new CompiledRule(rule({ 'for-each': 'host.items', remediation: { text: 'fix {{ it.nosuchkey }}' } })), ctx({ items: [{ ok: false, key: 'a' }] }));
    expect(broken.status === 'not-evaluated' && broken.notEvaluated.reason).toMatch(/^rule error in remediation: /);
  });
});
