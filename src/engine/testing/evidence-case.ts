import { EVIDENCE_FORMAT, EVIDENCE_VERSION, type CommandEvidence, type EvidenceBundle, type FileEvidence } from '../../collect/evidence';

/**
 * Evidence given inline in a rule case or a unit test:
 *
 *   evidence:
 *     privileged: true                 # default true
 *     files:
 *       /etc/qemu/qemu-ga.conf: |      # a string = a readable regular file with this content
 *         [general]
 *       /etc/sysconfig/qemu-ga: { state: missing }
 *       /etc/libvirt/passwd.db: { state: ok, mode: 0o100644, owner: root, group: root, content: '' }
 *     dirs:
 *       /sys/kernel/iommu_groups: [ '0', '1' ]
 *     commands:
 *       tpm2_pcrread: { stdout: "...", exitCode: 0 }
 *       getenforce: { state: not-found }
 *
 * Files not listed are `missing`; commands not listed are `not-found`; so a case states exactly what the host has.
 */
export interface EvidenceCase {
  privileged?: boolean;
  files?: Record<string, string | Partial<FileEvidence>>;
  dirs?: Record<string, string[] | { state: 'missing' | 'denied' }>;
  commands?: Record<string, Partial<CommandEvidence>>;
}

export function bundleFromCase(kind: 'host' | 'guest', ev: EvidenceCase = {}, name = `case-${kind}`): EvidenceBundle {
  const files: EvidenceBundle['files'] = {};
  for (const [path, v] of Object.entries(ev.files ?? {})) {
    files[path] =
      typeof v === 'string'
        ? { path, state: 'ok', content: v, size: Buffer.byteLength(v), mode: 0o100644, uid: 0, gid: 0, owner: 'root', group: 'root' }
        : { path, state: 'ok', ...v };
  }
  const dirs: EvidenceBundle['dirs'] = {};
  for (const [path, v] of Object.entries(ev.dirs ?? {})) dirs[path] = Array.isArray(v) ? { state: 'ok', entries: [...v].sort() } : { state: v.state };
  const commands: EvidenceBundle['commands'] = {};
  for (const [id, v] of Object.entries(ev.commands ?? {})) commands[id] = { id, state: 'ok', exitCode: 0, stdout: '', stderr: '', ...v };
  return {
    format: EVIDENCE_FORMAT,
    version: EVIDENCE_VERSION,
    target: { kind, name, transport: 'snapshot' },
    collectedAt: '2026-01-01T00:00:00.000Z',
    collector: { name: 'vmaudit', version: 'test' },
    privileged: ev.privileged ?? true,
    files,
    dirs,
    commands,
  };
}
