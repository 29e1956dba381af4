import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FACT_SCHEMA_DIR, pathType, scopeVariables, typeName } from '../../src/engine/cel-check';
import { parseDomainXml } from '../../src/facts/domain/build';
import { buildGuestFacts } from '../../src/facts/guest/build';
import { buildHostFacts } from '../../src/facts/host/build';
import { loadFixtureGuest } from '../../src/engine/testing/fixture-guest';
import { collectEvidence } from '../../src/collect/collect';
import { LocalRunner } from '../../src/collect/local';

// The fact model has one source, schemas/facts/*.schema.json: the TypeScript types (src/facts/generated) and
// docs/facts.md are generated from it, and rules are type-checked against it.
const ROOT = path.resolve(__dirname, '..', '..');
const schema = (s: string) => JSON.parse(fs.readFileSync(path.join(FACT_SCHEMA_DIR, `${s}.schema.json`), 'utf8'));

describe('fact model schemas', () => {
  it('src/facts/generated/*.ts and docs/facts.md are current (node scripts/gen-types.js --check)', () => {
    expect(() => execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'gen-types.js'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it('model.ts files only re-export the generated types (no second hand-written model)', () => {
    for (const f of ['domain/model.ts', 'domain/model-devices.ts', 'host/model.ts', 'host/model-access.ts', 'host/model-platform.ts', 'guest/model.ts']) {
      const text = fs.readFileSync(path.join(ROOT, 'src', 'facts', f), 'utf8');
      // GuestFactsResult is the builder's return type (facts + unknown map), not a fact.
      expect(text.replace(/export interface GuestFactsResult \{[^}]*\}/, '')).not.toMatch(/^export (interface|type) \w+\s*(=|\{|extends)/m);
      expect(text).toMatch(/from '\.\.\/generated\/(domain|host|guest)'/);
    }
  });

  it.each(['domain', 'host', 'guest'])('every top-level %s fact names the evidence it comes from (x-evidence)', (s) => {
    const root = schema(s);
    const without = Object.entries(root.properties as Record<string, { 'x-evidence'?: string[] }>)
      .filter(([k, p]) => !['loc', 'key'].includes(k) && !(p['x-evidence']?.length))
      .map(([k]) => k);
    expect(without).toEqual([]);
  });

  // Fields carried over from the hand-written interfaces without a doc comment have no description yet. The count
  // may only go down: a new field is declared with its meaning.
  const UNDESCRIBED_AT_MOST: Record<string, number> = { domain: 0, host: 0, guest: 0 };
  it.each(Object.keys(UNDESCRIBED_AT_MOST))('%s: fields without a description do not grow', (s) => {
    let without = 0;
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) return n.forEach(walk);
      if (!n || typeof n !== 'object') return;
      const o = n as Record<string, unknown>;
      for (const [k, v] of Object.entries((o.properties ?? {}) as Record<string, { description?: string }>)) {
        if (k !== 'loc' && k !== 'key' && !v.description) without++;
        walk(v);
      }
      for (const [k, v] of Object.entries(o)) if (k !== 'properties') walk(v);
    };
    walk(schema(s));
    expect(without).toBeLessThanOrEqual(UNDESCRIBED_AT_MOST[s]);
  });

  it('the variables of each scope resolve to the fact schemas', () => {
    expect([...scopeVariables('domain').keys()].sort()).toEqual(['domain', 'domains', 'host', 'input', 'platform']);
    expect(typeName(scopeVariables('cross').get('domains')!)).toBe('list<DomainFacts>');
    expect(typeName(pathType('host', 'host.selinux.runtime').type!)).toBe("string | null");
    expect(pathType('guest', 'guest.tpm.pcrs.entries').type?.k).toBe('list');
  });

  const fixtures = fs.readdirSync(path.join(ROOT, 'fixtures', 'domains')).filter((f) => f.endsWith('.xml'));
  it.each(fixtures)('domain facts of fixtures/domains/%s have exactly the fields the schema declares, at every level', (f) => {
    const parsed = parseDomainXml(fs.readFileSync(path.join(ROOT, 'fixtures', 'domains', f), 'utf8'), f);
    if (!parsed.ok) return; // not well-formed on purpose: no facts
    const Ajv = require('ajv').default;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema('domain'));
    const ok = validate(JSON.parse(JSON.stringify(parsed.domain)));
    expect(ok ? [] : validate.errors.map((e: { instancePath: string; message: string }) => `${e.instancePath} ${e.message}`)).toEqual([]);
  });

  const validator = (s: string) => {
    const Ajv = require('ajv').default;
    return new Ajv({ allErrors: true, strict: false }).compile(schema(s));
  };
  const errorsOf = (s: string, facts: unknown): string[] => {
    const v = validator(s);
    return v(JSON.parse(JSON.stringify(facts))) ? [] : v.errors.map((e: { instancePath: string; message: string; params: unknown }) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  };

  const guests = fs.readdirSync(path.join(ROOT, 'fixtures', 'guests')).filter((f) => fs.statSync(path.join(ROOT, 'fixtures', 'guests', f)).isDirectory());
  it.each(guests)('guest facts of fixtures/guests/%s validate against the guest schema', (g) => {
    expect(errorsOf('guest', buildGuestFacts(loadFixtureGuest(g)).guest)).toEqual([]);
  });

  const hosts = fs.readdirSync(path.join(ROOT, 'fixtures', 'hosts')).filter((f) => fs.statSync(path.join(ROOT, 'fixtures', 'hosts', f)).isDirectory());
  it.each(hosts)('host facts of fixtures/hosts/%s (collected as an offline root) validate against the host schema', async (h) => {
    const meta = path.join(ROOT, 'fixtures', 'hosts', `${h}.meta.json`);
    const bundle = await collectEvidence(new LocalRunner(), { kind: 'host', root: path.join(ROOT, 'fixtures', 'hosts', h), live: false, name: h, ...(fs.existsSync(meta) ? { fixtureMeta: meta } : {}), onProblem: () => undefined });
    expect(errorsOf('host', buildHostFacts(bundle).host)).toEqual([]);
  });

  it('docs/facts.md lists the fields rules use, with type and evidence', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'facts.md'), 'utf8');
    expect(doc).toContain('| `domain.tpms[].encrypted` | boolean |');
    expect(doc).toContain('| `domain.disks` | list of DiskFacts | Every `<devices><disk>`, in document order. | &lt;devices&gt;&lt;disk&gt; |');
    expect(doc).toMatch(/\| `host\.kernel` \| KernelFacts \\\| null \|[^\n]*run uname: `uname -r -m`/);
    expect(doc).toMatch(/\| `guest\.qga` \| QgaFacts \\\| null \|/);
  });
});
