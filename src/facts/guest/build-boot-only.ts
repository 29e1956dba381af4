import type { EvidenceBundle } from '../../collect/evidence';
import type { GuestFactsResult } from './build';

/** Facts read from the kernel's pseudo file systems: the kernel fills them at boot, so an offline tree holds nothing there. */
const BOOT_ONLY = {
  sys: ['tpm', 'cpuidle', 'topology', 'numa'],
  proc: ['cmdline'],
} as const;

/**
 * An offline guest tree (a disk image, a `--root` mount of one) has empty `/sys` and `/proc` mount points: what the
 * guest rules read there (TPM devices, cpuidle, topology, NUMA, the kernel command line) is unknown, not "absent", so
 * those rules are reported not evaluated. A tree whose `/sys` or `/proc` does hold files the manifest reads (a copied
 * live root, the fixtures) is read as it is. In place; `facts.guest.<fact>` becomes null so that a domain can still
 * supply it (crossCheckTpm). `where`: how the reason names the tree, e.g. "in a disk image".
 */
export function markBootOnlyFacts(bundle: EvidenceBundle, facts: GuestFactsResult, where: string): void {
  for (const fsName of ['sys', 'proc'] as const) {
    const prefix = `/${fsName}/`;
    const held = [...Object.entries(bundle.files), ...Object.entries(bundle.dirs)].some(([k, e]) => k.startsWith(prefix) && e.state === 'ok');
    if (held) continue;
    for (const k of BOOT_ONLY[fsName]) {
      facts.guest[k] = null;
      facts.unknown[`guest.${k}`] = `/${fsName} holds nothing ${where} (the kernel fills it at boot): only the running guest shows it (vmaudit scan guest inside it or over SSH)`;
    }
  }
}
