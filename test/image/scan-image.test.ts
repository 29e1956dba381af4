import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectEvidence } from '../../src/collect/collect';
import { LocalRunner } from '../../src/collect/local';
import { ApplianceAccel, imageChain } from '../../src/collect/image/guestfs';
import { scanDomainsWithDisks, scanGuestImages } from '../../src/collect/image/scan';
import type { ScanResult } from '../../src/engine/findings';
import type { Rule } from '../../src/engine/generated/rule';
import { loadRules } from '../../src/engine/rule-loader';
import { ScanAccumulator } from '../../src/engine/scan';
import { scanGuestBundle } from '../../src/engine/scan-guest';
import { describeWithOracles } from '../helpers/oracle';
import { buildImages, TOOLS, type BuiltImages } from './images';

/**
 * `scan guest --image` and `scan domain --with-disks` against images built from the fixture guests (test/image/images.ts).
 * Appliance launches are the cost (~12-40 s each under TCG): images are built once (2 launches), every scan below
 * launches once per readable image, and the bad inputs are refused before any launch except the text file.
 */
const RULES: Rule[] = loadRules().rules.map((l) => l.rule);
const GUEST_RULES = RULES.filter((r) => r.scope === 'guest');
const FIXTURES = { plain: 'no-tpm-rhel9', partitioned: 'guide-literal', lvm: 'hardened' };
const LOG: string[] = [];
const OPTS = { timeoutSec: 600, log: (l: string) => LOG.push(l) };

/** What must be equal between an image and its tree: everything but the target name. */
function comparable(r: ScanResult) {
  return {
    findings: r.findings.map((f) => ({ ruleId: f.ruleId, subject: f.subject, location: f.location, message: f.message, severity: f.severity })),
    notEvaluated: r.notEvaluated.map((n) => ({ ruleId: n.ruleId, reason: n.reason })),
    errors: r.errors.map((e) => e.message),
  };
}

async function scanTree(tree: string): Promise<ScanResult> {
  const acc = new ScanAccumulator(GUEST_RULES);
  scanGuestBundle(acc, await collectEvidence(new LocalRunner(), { kind: 'guest', root: tree, live: false, name: tree, fixtureMeta: '' }));
  return acc.result();
}

function only(r: ScanResult, target: string): ScanResult {
  return { ...r, findings: r.findings.filter((f) => f.target.name === target), notEvaluated: r.notEvaluated.filter((n) => n.target.name === target), errors: r.errors.filter((e) => e.target.name === target) };
}

function domainXml(img: BuiltImages): string {
  return `<domain type='kvm'>
  <name>vm-with-disks</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>2</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='${img.overlay}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu'/>
      <source file='${img.plainQcow2}'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <source file='${img.textFile}'/>
      <target dev='sda' bus='sata'/>
    </disk>
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
  </devices>
</domain>
`;
}

describeWithOracles(TOOLS, 'disk images through libguestfs', () => {
  let img: BuiltImages;
  let scan: ScanResult;
  let withDisks: ScanResult;
  let domainTarget: string;
  let scanMs = 0;
  let launches = 0;
  const before = new Map<string, { mtimeMs: number; size: number; head: string }>();
  const fingerprint = (f: string) => {
    const st = fs.statSync(f);
    return { mtimeMs: st.mtimeMs, size: st.size, head: createHash('sha256').update(fs.readFileSync(f)).digest('hex') };
  };

  beforeAll(async () => {
    const t0 = Date.now();
    img = buildImages(FIXTURES);
    LOG.push(`built images in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${img.launches} launches`);
    for (const f of [img.plainQcow2, img.partitionedRaw, img.lvmQcow2, img.overlay]) before.set(f, fingerprint(f));
    const t1 = Date.now();
    // One scan of every image, good and bad: the bad ones are per-image errors, the others still scanned.
    const files = [img.plainQcow2, img.partitionedRaw, img.lvmQcow2, img.missingBacking, img.corrupt, img.luks, img.textFile, path.join(img.dir, 'absent.qcow2'), img.dir];
    scan = await scanGuestImages(files, GUEST_RULES, undefined, OPTS);
    // A domain with its disks: vda the qcow2 overlay (a backing chain), vdb the plain qcow2 without <driver type>
    // (read as raw, as libvirt reads it: never probed), a CD-ROM that is not read.
    const xml = path.join(img.dir, 'vm.xml');
    fs.writeFileSync(xml, domainXml(img));
    withDisks = await scanDomainsWithDisks([xml], RULES, undefined, OPTS);
    domainTarget = withDisks.targets.find((t) => t.kind === 'domain')!.name;
    scanMs = Date.now() - t1;
    launches = LOG.filter((l) => /appliance launched/.test(l)).length;
  }, 14 * 60 * 1000);

  afterAll(() => {
    if (img) fs.rmSync(img.dir, { recursive: true, force: true });
    process.stderr.write(`test/image:\n  ${LOG.join('\n  ')}\n  scans: ${(scanMs / 1000).toFixed(1)} s, ${launches} images launched and inspected\n`);
  });

  it.each([
    ['qcow2 from virt-make-fs', 'plain', 'plainQcow2'],
    ['raw, MBR partitions', 'partitioned', 'partitionedRaw'],
    ['qcow2, LVM', 'lvm', 'lvmQcow2'],
  ] as const)('%s: the same findings as scan guest --root on the same tree', async (_what, which, key) => {
    const image = img[key];
    const viaImage = comparable(only(scan, image));
    const viaRoot = comparable(await scanTree(img.trees[FIXTURES[which]]));
    expect(viaImage).toEqual(viaRoot);
    expect(scan.targets).toContainEqual({ kind: 'guest', name: image });
  });

  it('scan domain --with-disks: a qcow2 overlay disk (backing chain) gives the same guest findings as --root on the tree', async () => {
    expect(comparable(only(withDisks, `${domainTarget}/vda`))).toEqual(comparable(await scanTree(img.trees[FIXTURES.plain])));
  });

  it('the oracle trees are not trivially clean: the rhel9 and guide fixtures have findings, live-only rules are not evaluated', async () => {
    const rhel = await scanTree(img.trees['no-tpm-rhel9']);
    expect(rhel.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['GUEST-QGA-002', 'GUEST-QGA-004', 'GUEST-QGA-006']));
    expect(comparable(only(scan, img.plainQcow2)).findings.length).toBe(rhel.findings.length);
    const guide = comparable(only(scan, img.partitionedRaw));
    expect(guide.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['GUEST-QGA-001', 'GUEST-QGA-002']));
    // PV spinlocks need dmesg (live only): not evaluated, never passed, on an image.
    expect(only(scan, img.lvmQcow2).notEvaluated.map((n) => n.ruleId)).toContain('GUEST-PVSPIN-001');
  });

  it.each([
    ['missingBacking', /missing-backing\.qcow2: backing file .*(missing|unreadable)/],
    ['corrupt', /corrupt\.qcow2: not a readable disk image \(qemu-img: /],
    ['luks', /encrypted\.luks: an encrypted \(LUKS\) image/],
    ['textFile', /notes\.txt: no operating system found in the image/],
  ] as const)('%s: one target error naming the image', (key, re) => {
    const errs = scan.errors.filter((e) => e.target.name === img[key]);
    expect(errs).toHaveLength(1);
    expect(errs[0].message).toMatch(re);
    expect(errs[0].message.startsWith(img[key])).toBe(true);
  });

  it('a missing file and a directory are per-image errors too; no temp dir or mount is left behind', () => {
    expect(scan.errors.find((e) => e.target.name === path.join(img.dir, 'absent.qcow2'))?.message).toMatch(/absent\.qcow2: no such file/);
    expect(scan.errors.find((e) => e.target.name === img.dir)?.message).toMatch(/not a disk image \(a directory\)/);
    expect(scan.errors).toHaveLength(6);
    expect(fs.readFileSync('/proc/self/mounts', 'utf8')).not.toMatch(/vmaudit-image-/);
    expect(fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('vmaudit-image-') && !d.startsWith('vmaudit-image-test-'))).toEqual([]);
  });

  it('never writes to an image: size, mtime and contents unchanged by the scans', () => {
    for (const [f, fp] of before) expect(fingerprint(f)).toEqual(fp);
  });

  it('qemu-img view: the overlay is a chain of two, the raw image stays raw when its format is given', async () => {
    const chain = await imageChain({ file: img.overlay }, process.env, 60_000);
    expect(chain.map((c) => [c.format, c.filename])).toEqual([
      ['qcow2', img.overlay],
      ['qcow2', img.plainQcow2],
    ]);
    expect((await imageChain({ file: img.plainQcow2, format: 'raw' }, process.env, 60_000)).map((c) => c.format)).toEqual(['raw']);
  });

  it('scan domain --with-disks: domain rules on the XML, guest rules on its disk; an untyped qcow2 disk is read as raw (never probed)', () => {
    const shown = withDisks.targets.map((t) => `${t.kind} ${t.name}`);
    expect(shown).toEqual(expect.arrayContaining([`domain ${domainTarget}`, `guest ${domainTarget}/vda`]));
    expect(withDisks.findings.some((f) => f.target.kind === 'domain')).toBe(true);
    // vdb: no <driver type>: raw as libvirt reads it, so the qcow2 bytes hold no OS; the CD-ROM is not read.
    expect(withDisks.errors.map((e) => e.target.name)).toEqual([`${domainTarget}/vdb`]);
    expect(withDisks.errors[0].message).toMatch(/vdb: no operating system found/);
  });

  it('uses TCG only when KVM is not usable or fails, and the user environment wins', () => {
    expect(new ApplianceAccel({ LIBGUESTFS_BACKEND: 'direct' }).env()).toEqual({ LIBGUESTFS_BACKEND: 'direct' });
    expect(new ApplianceAccel({ LIBGUESTFS_BACKEND: 'direct' }).fallBack()).toBe(false);
    const a = new ApplianceAccel({});
    if (a.current === 'kvm') {
      expect(a.fallBack()).toBe(true);
    }
    expect(a.env()).toEqual({ LIBGUESTFS_BACKEND: 'direct', LIBGUESTFS_BACKEND_SETTINGS: 'force_tcg' });
    expect(a.describe()).toMatch(/running the appliance under TCG/);
  });
});
