import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectEvidence } from '../../src/collect/collect';
import { LocalRunner } from '../../src/collect/local';
import { crossCheckDisk } from '../../src/collect/image/scan';
import { markBootOnlyFacts } from '../../src/facts/guest/build-boot-only';
import { loadRules } from '../../src/engine/rule-loader';
import { ScanAccumulator } from '../../src/engine/scan';
import { buildGuestFactsChecked } from '../../src/engine/scan-guest';
import { FIXTURE_GUESTS_DIR } from '../../src/engine/testing/fixture-guest';
import { parseDomainXml } from '../../src/facts/domain/build';
import type { DomainFacts } from '../../src/facts/domain/model';
import { runCli } from '../helpers/cli';

/**
 * What an image's empty /sys and /proc mean (no appliance needed: the --root reader over a fixture tree with and
 * without them, then the same fact post-processing as an image scan).
 */
const GUEST_RULES = loadRules()
  .rules.map((l) => l.rule)
  .filter((r) => r.scope === 'guest');
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-boot-only-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function imageLike(fixture: string, keep: { sys: boolean; proc: boolean }) {
  const tree = path.join(tmp, `${fixture}-${keep.sys}-${keep.proc}`);
  fs.cpSync(path.join(FIXTURE_GUESTS_DIR, fixture, 'root'), tree, { recursive: true, verbatimSymlinks: true });
  for (const d of ['sys', 'proc'] as const) if (!keep[d]) fs.rmSync(path.join(tree, d), { recursive: true, force: true });
  fs.mkdirSync(path.join(tree, 'sys'), { recursive: true });
  fs.mkdirSync(path.join(tree, 'proc'), { recursive: true });
  const bundle = await collectEvidence(new LocalRunner(), { kind: 'guest', root: tree, live: false, name: fixture, fixtureMeta: '' });
  const facts = buildGuestFactsChecked(bundle);
  markBootOnlyFacts(bundle, facts, 'in a disk image');
  return facts;
}

function evaluate(facts: ReturnType<typeof buildGuestFactsChecked>) {
  const acc = new ScanAccumulator(GUEST_RULES);
  acc.evaluate(['guest'], { target: { kind: 'guest', name: 'img' }, vars: { guest: facts.guest }, unknown: facts.unknown });
  return acc.result();
}

function domain(xml: string): DomainFacts {
  const r = parseDomainXml(xml, 'vm.xml');
  if (!r.ok) throw new Error('test domain does not parse');
  return r.domain;
}

const NO_TPM = `<domain type='kvm'><name>vm</name><memory unit='MiB'>512</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><devices/></domain>`;
const WITH_TPM = NO_TPM.replace('<devices/>', "<devices><tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm></devices>");

describe('an image without /sys and /proc content', () => {
  it('sysfs and procfs facts are not evaluated with the reason, never "absent"; the qemu-ga rules still run', async () => {
    const full = evaluate(await imageLike('no-tpm-rhel9', { sys: true, proc: true }));
    const empty = evaluate(await imageLike('no-tpm-rhel9', { sys: false, proc: false }));
    // With /sys: the fixture's verdicts (no TPM, one socket per vCPU).
    expect(full.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['GUEST-TPM-001', 'GUEST-TOPO-001']));
    expect(empty.findings.map((f) => f.ruleId)).not.toContain('GUEST-TPM-001');
    expect(empty.findings.map((f) => f.ruleId)).not.toContain('GUEST-TOPO-001');
    const ne = new Map(empty.notEvaluated.map((n) => [n.ruleId, n.reason]));
    for (const id of ['GUEST-TPM-001', 'GUEST-TOPO-001', 'GUEST-NUMA-001', 'GUEST-HPOLL-001', 'GUEST-HPOLL-003']) expect(ne.get(id)).toMatch(/^\/(sys|proc) holds nothing in a disk image/);
    // Evidence from the image's own files is unaffected.
    expect(empty.findings.filter((f) => f.ruleId.startsWith('GUEST-QGA')).map((f) => `${f.ruleId} ${f.location?.file}:${f.location?.line}`)).toEqual(
      full.findings.filter((f) => f.ruleId.startsWith('GUEST-QGA')).map((f) => `${f.ruleId} ${f.location?.file}:${f.location?.line}`),
    );
  });

  it('--with-disks: a domain without <tpm> makes GUEST-TPM-001 evaluable at the domain file; with one, it stays not evaluated naming it', async () => {
    const a = await imageLike('hardened', { sys: false, proc: false });
    crossCheckDisk(a, domain(NO_TPM));
    const ra = evaluate(a);
    expect(ra.findings.filter((f) => f.ruleId === 'GUEST-TPM-001').map((f) => f.location?.file)).toEqual(['vm.xml']);
    const b = await imageLike('hardened', { sys: false, proc: false });
    crossCheckDisk(b, domain(WITH_TPM));
    const rb = evaluate(b);
    expect(rb.findings.map((f) => f.ruleId)).not.toContain('GUEST-TPM-001');
    expect(rb.notEvaluated.find((n) => n.ruleId === 'GUEST-TPM-001')?.reason).toMatch(/the domain defines <tpm model='tpm-crb'>/);
  });

  it('scan guest --root on an offline tree (a mounted image: empty /sys, /proc) says the same, through the CLI', async () => {
    const tree = path.join(tmp, 'root-offline');
    fs.cpSync(path.join(FIXTURE_GUESTS_DIR, 'no-tpm-rhel9', 'root'), tree, { recursive: true, verbatimSymlinks: true });
    for (const d of ['sys', 'proc']) {
      fs.rmSync(path.join(tree, d), { recursive: true, force: true });
      fs.mkdirSync(path.join(tree, d));
    }
    const r = await runCli(['scan', 'guest', '--root', tree, '-f', 'json']);
    const report = JSON.parse(r.stdout) as { findings: { ruleId: string }[]; notEvaluated: { ruleId: string; reason: string }[] };
    expect(report.findings.map((f) => f.ruleId)).not.toContain('GUEST-TPM-001');
    const ne = new Map(report.notEvaluated.map((n) => [n.ruleId, n.reason]));
    expect(ne.get('GUEST-TPM-001')).toBe(`/sys holds nothing under ${tree} (an offline root) (the kernel fills it at boot): only the running guest shows it (vmaudit scan guest inside it or over SSH)`);
    // The fixture itself (its /sys holds the files the manifest reads) keeps its verdict.
    const full = JSON.parse((await runCli(['scan', 'guest', '--root', path.join(FIXTURE_GUESTS_DIR, 'no-tpm-rhel9', 'root'), '-f', 'json'])).stdout) as typeof report;
    expect(full.findings.map((f) => f.ruleId)).toContain('GUEST-TPM-001');
  });
});
