import type { EvidenceBundle } from '../collect/evidence';
import type { ManifestItem } from '../collect/manifest';
import type { TargetRef } from '../engine/findings';
import type { Rule } from '../engine/generated/rule';
import { ScanAccumulator, type RuleSelection } from '../engine/scan';
import type { ScanResult } from '../engine/findings';
import { termText } from '../report/escape';
import { gatherEvidence, type SourceFlagValues } from './sources';

/**
 * Runs a scan whose targets are evidence bundles (hosts, guests): gathers them from the sources the flags name and
 * evaluates each as it arrives. A source that fails becomes a target error (exit 3) without stopping the others.
 */
export async function scanEvidenceSources(
  kind: 'host' | 'guest',
  flags: SourceFlagValues,
  rules: readonly Rule[],
  evaluate: (acc: ScanAccumulator, bundle: EvidenceBundle) => void,
  selection?: RuleSelection,
  /** Collect these manifest items instead of the kind's default manifest (local, --root and SSH sources). */
  items?: readonly ManifestItem[],
): Promise<{ result: ScanResult; bundles: number }> {
  const acc = new ScanAccumulator(rules, selection);
  let bundles = 0;
  await gatherEvidence(flags, {
    kind,
    items,
    onBundle: (b) => {
      bundles++;
      evaluate(acc, b);
    },
    onError: (name, e) => {
      const target: TargetRef = { kind, name };
      acc.addError({ target, kind: e.kind, message: e.message.startsWith(name) ? e.message : `${name}: ${e.message}` });
    },
    // Progress lines name hosts (inventory aliases, addresses): their control characters are shown, not sent raw.
    log: (line) => process.stderr.write(`${termText(line)}\n`),
  });
  return { result: acc.result(), bundles };
}

/**
 * Whether a host bundle shows any libvirt installation at all, and if not why we think so: used to give a short
 * "nothing to audit here" report instead of a wall of failures on a machine that is not a KVM host.
 */
export function libvirtAbsence(b: EvidenceBundle): string | undefined {
  const present = (p: string) => b.files[p]?.state === 'ok' || b.files[p]?.state === 'denied';
  const confs = ['/etc/libvirt/libvirtd.conf', '/etc/libvirt/virtqemud.conf', '/etc/libvirt/virtproxyd.conf', '/etc/libvirt/qemu.conf'];
  if (confs.some(present)) return undefined;
  if (Object.keys(b.files).some((p) => p.startsWith('/etc/libvirt/qemu/') && present(p))) return undefined;
  if (Object.keys(b.files).some((p) => /\/(libvirtd|virtqemud|virtproxyd)[^/]*\.(service|socket)$/.test(p) && present(p))) return undefined;
  // virsh ran and listed domains; a virsh that could not connect (no daemon) shows nothing to audit.
  const virsh = b.commands['virsh.list'];
  if (virsh && virsh.state === 'ok' && virsh.exitCode === 0) return undefined;
  return `no libvirt configuration (${confs.join(', ')} absent), no libvirt daemon units and no usable virsh`;
}
