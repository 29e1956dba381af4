import { collectEvidence } from '../../src/collect/collect';
import type { EvidenceBundle, FileEvidence } from '../../src/collect/evidence';
import { LocalRunner } from '../../src/collect/local';
import { GUEST_MANIFEST, type ManifestItem } from '../../src/collect/manifest';
import { loadRules } from '../../src/engine/rule-loader';
import { ScanAccumulator } from '../../src/engine/scan';
import { buildGuestFactsChecked, manifestCovers, scanGuestBundle, traceEvidenceReads } from '../../src/engine/scan-guest';
import { bundleFromCase } from '../../src/engine/testing/evidence-case';
import { loadFixtureGuest } from '../../src/engine/testing/fixture-guest';
import { buildGuestFacts } from '../../src/facts/guest/build';
import { collectorMetaFile, FIXTURE_GUEST_NAMES, fixtureRoot, metaKeys, withFixtureOverlay } from './guest-fixture';
import { tempDir } from './helpers';
import { rmSync } from 'node:fs';

const GUEST_RULES = loadRules()
  .rules.map((l) => l.rule)
  .filter((r) => r.scope === 'guest');

function scan(b: EvidenceBundle) {
  const acc = new ScanAccumulator(GUEST_RULES);
  scanGuestBundle(acc, b);
  const r = acc.result();
  return {
    findings: r.findings.map((f) => `${f.ruleId} ${f.location?.file}:${f.location?.line}:${f.location?.column} ${f.subject} ${f.message}`),
    notEvaluated: r.notEvaluated.map((n) => `${n.ruleId}: ${n.reason}`),
    errors: r.errors,
  };
}

/** What the builder sees of one file: absent = missing; stat data is the overlay's business. */
const seen = (f: FileEvidence | undefined) => (f === undefined ? { state: 'missing' } : { state: f.state, content: f.content, linkTarget: f.linkTarget });
const seenDir = (d: EvidenceBundle['dirs'][string] | undefined) => (d === undefined ? { state: 'missing' } : { state: d.state, entries: d.entries });

let dir: string;
const collected = new Map<string, EvidenceBundle>();
beforeAll(async () => {
  dir = tempDir('vmaudit-guestfix-');
  const meta = collectorMetaFile(dir);
  for (const name of FIXTURE_GUEST_NAMES) {
    const problems: string[] = [];
    collected.set(name, await collectEvidence(new LocalRunner(), { kind: 'guest', root: fixtureRoot(name), live: false, name, fixtureMeta: meta, onProblem: (p) => problems.push(p) }));
    expect(problems).toEqual([]);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(FIXTURE_GUEST_NAMES)('fixture guest %s through the real collector', (name) => {
  it('every evidence key the fact builder looks up is declared in GUEST_MANIFEST', () => {
    const t = traceEvidenceReads(loadFixtureGuest(name));
    buildGuestFacts(t.bundle);
    const undeclared = (['files', 'dirs', 'commands'] as const).flatMap((s) => [...t.reads[s]].filter((k) => !manifestCovers(GUEST_MANIFEST, s, k)).map((k) => `${s} ${k}`));
    expect(undeclared).toEqual([]);
  });

  it('collects each file and directory the builder reads exactly as the fixture holds it', () => {
    const loaded = loadFixtureGuest(name);
    const got = collected.get(name)!;
    const t = traceEvidenceReads(loaded);
    buildGuestFacts(t.bundle);
    const overlaid = new Set(metaKeys(name));
    const files = [...t.reads.files, ...t.reads.enumerated.files].filter((k) => !overlaid.has(k)).sort();
    expect(files.length).toBeGreaterThan(20);
    for (const k of files) expect([k, seen(got.files[k])]).toEqual([k, seen(loaded.files[k])]);
    for (const k of [...t.reads.dirs].sort()) expect([k, seenDir(got.dirs[k])]).toEqual([k, seenDir(loaded.dirs[k])]);
    // and every file of the tree that the manifest declares is collected (nothing declared is lost on the way)
    for (const k of Object.keys(loaded.files).filter((p) => !overlaid.has(p) && manifestCovers(GUEST_MANIFEST, 'files', p))) expect([k, seen(got.files[k])]).toEqual([k, seen(loaded.files[k])]);
  });

  it('yields the same findings, locations, messages and not-evaluated reasons as the fixture loader', () => {
    const viaCollector = scan(withFixtureOverlay(collected.get(name)!, name));
    const viaLoader = scan(loadFixtureGuest(name));
    expect(viaCollector).toEqual(viaLoader);
  });

  it('skips the live-only commands of an offline root', () => {
    const b = collected.get(name)!;
    for (const id of ['uname.machine', 'uname.release', 'qemu-ga.version', 'qemu-ga.rpcs', 'qemu-ga.pids', 'tpm2_pcrread', 'dmesg']) expect(b.commands[id].state).toBe('not-applicable');
  });
});

describe('GUEST_MANIFEST declares nothing the builder does not read', () => {
  /** Prefixes the builder reads by enumerating the collected files (build.ts: cpuidle, haltpoll, PCR sysfs). */
  const ENUMERATED = ['/sys/devices/system/cpu/cpuidle/', '/sys/module/haltpoll/parameters/', '/sys/class/tpm/tpm0/pcr-'];
  it('each item matches a key the builder looked up on a fixture, or lies under a prefix it enumerates', () => {
    const reads = { files: new Set<string>(), dirs: new Set<string>(), commands: new Set<string>() };
    // The fixtures plus a Debian-style guest with a drop-in in every drop-in directory of the search path.
    const dropinDirs = GUEST_MANIFEST.filter((it) => it.kind === 'dir' && it.path.endsWith('.d')).map((it) => (it as { path: string }).path);
    const debian = bundleFromCase('guest', {
      files: {
        '/lib/systemd/system/qemu-guest-agent.service': '[Service]\nEnvironmentFile=-/etc/default/qemu-guest-agent\nExecStart=/usr/sbin/qemu-ga $DAEMON_ARGS\n',
        ...Object.fromEntries(dropinDirs.map((d) => [`${d}/10-local.conf`, '[Service]\n'])),
      },
      dirs: Object.fromEntries(dropinDirs.map((d) => [d, ['10-local.conf']])),
    });
    for (const b of [...FIXTURE_GUEST_NAMES.map((n) => loadFixtureGuest(n)), debian]) {
      const t = traceEvidenceReads(b);
      buildGuestFacts(t.bundle);
      for (const s of ['files', 'dirs', 'commands'] as const) t.reads[s].forEach((k) => reads[s].add(k));
    }
    const unread = GUEST_MANIFEST.filter((it: ManifestItem) => {
      if (it.kind === 'command') return it.id !== 'id.u' && !reads.commands.has(it.id);
      if (it.kind === 'dir') return !reads.dirs.has(it.path);
      const anchor = it.kind === 'glob' ? it.pattern : it.kind === 'procs' ? '/proc/' : it.kind === 'stat-var' ? '' : it.path;
      if (ENUMERATED.some((p) => anchor.startsWith(p))) return false;
      return ![...reads.files].some((k) => manifestCovers([it], 'files', k));
    });
    expect(unread).toEqual([]);
  });
});

describe('paths named by the guest configuration that vmaudit cannot collect', () => {
  const unit = (env: string) => `[Service]\nEnvironmentFile=${env}\nExecStart=/usr/bin/qemu-ga $QGA_ARGS\n`;
  it('make the qemu-ga facts unknown instead of silently missing', () => {
    const b = bundleFromCase('guest', { files: { '/usr/lib/systemd/system/qemu-guest-agent.service': unit('/etc/qemu-ga.env') }, commands: { 'qemu-ga.version': { stdout: 'QEMU Guest Agent 7.2.22\n' } } });
    const r = buildGuestFactsChecked(b);
    expect(r.unknown['guest.qga']).toMatch(/^\/etc\/qemu-ga\.env: named by the guest's qemu-ga configuration but outside what vmaudit collects/);
    expect(buildGuestFacts(b).unknown['guest.qga']).toBeUndefined();
  });
  it('but not when the file was collected (or is one the manifest declares)', () => {
    const withFile = bundleFromCase('guest', { files: { '/usr/lib/systemd/system/qemu-guest-agent.service': unit('/etc/qemu-ga.env'), '/etc/qemu-ga.env': 'QGA_ARGS=-b guest-exec\n' } });
    expect(buildGuestFactsChecked(withFile).unknown['guest.qga']).toBeUndefined();
    const declared = bundleFromCase('guest', { files: { '/usr/lib/systemd/system/qemu-guest-agent.service': unit('-/etc/default/qemu-guest-agent') } });
    expect(buildGuestFactsChecked(declared).unknown['guest.qga']).toBeUndefined();
  });
});
