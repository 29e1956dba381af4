/**
 * The scans built on image collection: `scan guest --image` (guest rules per image) and `scan domain --with-disks`
 * (domain rules on the XML, guest rules on each of its own file/block disks, joined with the domain's facts).
 */
import type { EvidenceBundle } from '../evidence';
import type { Rule } from '../../engine/generated/rule';
import type { TargetRef } from '../../engine/findings';
import { ScanAccumulator, type RuleSelection } from '../../engine/scan';
import { buildGuestFactsChecked, crossCheckTpm } from '../../engine/scan-guest';
import { displayPath, readDomainArg, scanDomainInput } from '../../engine/scan-domains';
import { parseDomainDocuments } from '../../facts/domain/documents';
import type { DomainFacts } from '../../facts/domain/model';
import type { GuestFactsResult } from '../../facts/guest/build';
import { collectImages, type ImageOptions, type ImageSpec } from './guestfs';
import { markBootOnlyFacts } from '../../facts/guest/build-boot-only';

const IN_IMAGE = 'in a disk image';

function evaluateGuest(acc: ScanAccumulator, target: TargetRef, facts: GuestFactsResult): void {
  acc.evaluate(['guest'], { target, vars: { guest: facts.guest }, unknown: facts.unknown });
}

/** `scan guest --image FILE...`: every image is one guest target, named by its path as shown in reports (displayPath); `format`: --image-format. */
export async function scanGuestImages(files: readonly string[], rules: readonly Rule[], selection: RuleSelection | undefined, opts: ImageOptions, format?: string) {
  const acc = new ScanAccumulator(rules, selection);
  const specs: ImageSpec[] = files.map((f) => ({ file: f, name: displayPath(f), ...(format !== undefined ? { format } : {}) }));
  await collectImages(
    specs,
    opts,
    (bundle) => {
      const facts = buildGuestFactsChecked(bundle);
      markBootOnlyFacts(bundle, facts, IN_IMAGE);
      evaluateGuest(acc, { kind: 'guest', name: bundle.target.name }, facts);
    },
    (name, e) => acc.addError({ target: { kind: 'guest', name }, kind: e.kind, message: e.message.startsWith(name) ? e.message : `${name}: ${e.message}` }),
  );
  return acc.result();
}

/** A disk of a domain that is audited as a guest image: its own file or block device, device "disk". */
export interface DomainDisk {
  domain: DomainFacts;
  /** `<target dev>` or `#N`. */
  dev: string;
  spec: ImageSpec;
  /** Format from `<driver type>` (libvirt's default when absent: raw, never probed). */
  formatFrom: 'xml' | 'default';
}

/**
 * The disks `--with-disks` audits. A disk's format is its `<driver type>`; without one libvirt uses raw (it does not
 * probe formats), so vmaudit does too: a raw image is never probed as qcow2. Source paths are used as written
 * (libvirt requires absolute ones).
 */
export function domainDisks(domain: DomainFacts, targetName: string): { disks: DomainDisk[]; skipped: string[] } {
  const disks: DomainDisk[] = [];
  const skipped: string[] = [];
  domain.disks.forEach((d, i) => {
    const dev = d.dev ?? `#${i}`;
    if (d.device !== 'disk') return; // cdrom, floppy, lun: not a guest system disk
    const src = d.type === 'file' ? d.source.file : d.type === 'block' ? d.source.dev : null;
    if (d.type !== 'file' && d.type !== 'block') {
      skipped.push(`${dev}: disk type ${d.type ?? '?'} (only file and block disks are read)`);
      return;
    }
    if (!src) {
      skipped.push(`${dev}: no source`);
      return;
    }
    const type = d.driver?.type ?? null;
    disks.push({
      domain,
      dev,
      spec: { file: src, format: type ?? 'raw', name: `${targetName}/${dev}` },
      formatFrom: type ? 'xml' : 'default',
    });
  });
  return { disks, skipped };
}

/**
 * Joins a disk's guest facts with its domain (in place), as `scan host --guests` does for agent replies: the TPM the
 * domain defines against what the guest facts say (an image without a readable /sys: the domain's lack of `<tpm>`
 * makes GUEST-TPM-001 evaluable, located at the domain file).
 */
export function crossCheckDisk(facts: GuestFactsResult, domain: DomainFacts): void {
  crossCheckTpm(facts, domain);
}

/**
 * `scan domain FILE... --with-disks`: the domain rules on each XML exactly as `scan domain`, then every own file/block
 * disk as a guest target `<domain file>/<target dev>`, its facts joined with the domain's.
 */
export async function scanDomainsWithDisks(files: readonly string[], rules: readonly Rule[], selection: RuleSelection | undefined, opts: ImageOptions) {
  const acc = new ScanAccumulator(
    rules.filter((r) => r.scope === 'domain' || r.scope === 'guest'),
    selection,
  );
  const work: DomainDisk[] = [];
  for (const f of files) {
    const input = readDomainArg(f);
    scanDomainInput(acc, input);
    if (input.text === undefined) continue;
    const docs = parseDomainDocuments(input.text, input.file);
    docs.forEach((parsed, k) => {
      if (!parsed.ok) return;
      const name = docs.length > 1 ? `${input.file}#${k + 1}` : input.file;
      const { disks, skipped } = domainDisks(parsed.domain, name);
      for (const s of skipped) opts.log?.(`vmaudit: ${name}: disk ${s}: not audited`);
      if (disks.length === 0) acc.addError({ target: { kind: 'guest', name: `${name}/disks` }, kind: 'input', message: `${name}: no file or block disk to audit (--with-disks)` });
      work.push(...disks);
    });
  }
  const byName = new Map(work.map((w) => [w.spec.name!, w]));
  await collectImages(
    work.map((w) => w.spec),
    opts,
    (bundle: EvidenceBundle) => {
      const w = byName.get(bundle.target.name)!;
      const facts = buildGuestFactsChecked(bundle);
      markBootOnlyFacts(bundle, facts, IN_IMAGE);
      crossCheckDisk(facts, w.domain);
      evaluateGuest(acc, { kind: 'guest', name: bundle.target.name }, facts);
    },
    (name, e) => acc.addError({ target: { kind: 'guest', name }, kind: e.kind, message: e.message.startsWith(name) ? e.message : `${name}: ${e.message}` }),
  );
  return acc.result();
}
