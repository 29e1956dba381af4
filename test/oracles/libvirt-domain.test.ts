import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { BUILTIN_RULES_DIR } from '../../src/engine/rule-loader';
import { loadCaseFile } from '../../src/engine/testing/rule-cases';
import { describeWithOracles } from '../helpers/oracle';

/**
 * Real libvirt as the oracle for domain rule cases and fixtures:
 *  - every case in rules/domain/*.test.yaml marked `libvirt: accept|reject` is defined with
 *    `virsh -c test:///default` (libvirt's domain parser and its generic validation; QEMU-driver-only checks such as
 *    the topology product or disk IOThread existence are not made by the test driver, so such cases carry no mark);
 *  - the guide fixtures get the verdicts recorded in fixtures/domains/README.md;
 *  - the good-* fixtures must pass virt-xml-validate (libvirt's RNG schema), and the schema findings of
 *    DOM-HOSTDEV-002 / DOM-TOPO-003 are checked against it.
 * All defines run in one virsh process (commands separated by `;`; virsh carries on after a failed define).
 */
const FIXTURES = path.resolve(__dirname, '..', '..', 'fixtures', 'domains');
const DOMAIN_RULES = path.join(BUILTIN_RULES_DIR, 'domain');
const run = promisify(execFile);

interface OracleInput {
  label: string;
  file: string;
  expected: 'accept' | 'reject';
}

const GUIDE_VERDICTS: Record<string, 'accept' | 'reject'> = {
  'guide-iothread.xml': 'accept',
  'guide-rdm-virtual.xml': 'accept',
  'guide-rdm-physical.xml': 'accept',
  'guide-hugepages-1g.xml': 'accept',
  'guide-hugepages-2m.xml': 'accept',
  'guide-mpam-l3pri.xml': 'reject',
  'guide-mpam-memorytune.xml': 'reject',
  'guide-topology.xml': 'accept',
  'guide-vcpu-pinning.xml': 'accept',
  'guide-numa-affinity.xml': 'reject',
  'guide-nvme.xml': 'accept',
  'guide-nvme-msix.xml': 'accept',
  'guide-nic.xml': 'accept',
  'guide-numa-exposure.xml': 'reject',
};
const goodFixtures = fs.readdirSync(FIXTURES).filter((f) => /^good-.*\.xml$/.test(f)).sort();

/** Gives each case document a unique domain name (same line count), so the defines do not redefine each other. */
function renamed(xml: string, name: string): string {
  return xml.replace(/<name>[^<]*<\/name>/, `<name>${name}</name>`);
}

function collectInputs(dir: string): OracleInput[] {
  const inputs: OracleInput[] = [];
  let n = 0;
  for (const f of fs.readdirSync(DOMAIN_RULES).filter((x) => x.endsWith('.test.yaml')).sort()) {
    const cases = loadCaseFile(path.join(DOMAIN_RULES, f));
    for (const kind of ['valid', 'invalid'] as const) {
      for (const c of cases[kind] ?? []) {
        if (!c.libvirt || typeof c.domain !== 'string') continue;
        const file = path.join(dir, `case${n}.xml`);
        fs.writeFileSync(file, renamed(c.domain, `oracle-case${n}`));
        n++;
        inputs.push({ label: `${cases.rule} ${kind}: ${c.name}`, file, expected: c.libvirt });
      }
    }
  }
  for (const [f, expected] of Object.entries(GUIDE_VERDICTS)) inputs.push({ label: f, file: path.join(FIXTURES, f), expected });
  for (const f of goodFixtures) inputs.push({ label: f, file: path.join(FIXTURES, f), expected: 'accept' });
  return inputs;
}

/** Runs all defines in one virsh process; returns file → libvirt's error text (accepted files map to null). */
function defineAll(files: string[]): Map<string, string | null> {
  const script = files.map((f) => `define ${f}`).join(' ; ');
  const r = spawnSync('virsh', ['-c', 'test:///default', script], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 16 << 20 });
  const out = new Map<string, string | null>();
  for (const m of r.stdout.matchAll(/^Domain '[^']*' defined from (\S+)$/gm)) out.set(m[1], null);
  for (const m of r.stderr.matchAll(/^error: Failed to define domain from (\S+)\nerror: (.*)$/gm)) out.set(m[1], m[2]);
  return out;
}

async function validates(file: string): Promise<{ ok: boolean; output: string }> {
  try {
    const r = await run('virt-xml-validate', [file, 'domain'], { env: { ...process.env, LC_ALL: 'C' } });
    return { ok: true, output: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describeWithOracles(['virsh', 'virt-xml-validate'], 'real libvirt 9 as the oracle for domain rules', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-libvirt-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const inputs = collectInputs(dir);
  let verdicts: Map<string, string | null>;
  beforeAll(() => {
    verdicts = defineAll(inputs.map((i) => i.file));
  });

  it('has annotated cases for the performance/availability rules', () => {
    expect(inputs.filter((i) => i.label.startsWith('DOM-')).length).toBeGreaterThan(50);
  });

  it.each(inputs.map((i) => [i.label, i] as const))('virsh define: %s', (_label, input) => {
    expect(verdicts.has(input.file)).toBe(true);
    const error = verdicts.get(input.file);
    if (input.expected === 'accept') expect(error).toBeNull();
    else expect(typeof error).toBe('string');
  });

  it.each(goodFixtures)('virt-xml-validate accepts %s', async (f) => {
    const r = await validates(path.join(FIXTURES, f));
    expect(r.output).toContain('validates');
    expect(r.ok).toBe(true);
  });

  it("virt-xml-validate rejects the guide's function='0x00' and clusters= (DOM-HOSTDEV-002, DOM-TOPO-003)", async () => {
    const [nic, topo] = await Promise.all([validates(path.join(FIXTURES, 'guide-nic.xml')), validates(path.join(FIXTURES, 'guide-topology.xml'))]);
    expect(nic.ok).toBe(false);
    expect(topo.ok).toBe(false);
  });

  it('DOM-HOSTDEV-002 flags exactly the case addresses the RNG schema rejects', async () => {
    const cases = loadCaseFile(path.join(DOMAIN_RULES, 'DOM-HOSTDEV-002.test.yaml'));
    const all = [...cases.valid.map((c) => ({ c, schemaOk: true })), ...cases.invalid.map((c) => ({ c, schemaOk: false }))];
    const results = await Promise.all(
      all.map(async ({ c }, i) => {
        const file = path.join(dir, `hostdev002-${i}.xml`);
        fs.writeFileSync(file, c.domain as string);
        return (await validates(file)).ok;
      }),
    );
    expect(results).toEqual(all.map((x) => x.schemaOk));
  });
});
