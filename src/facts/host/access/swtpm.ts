/**
 * swtpm on the host: installed?, the local CA directory `/var/lib/swtpm-localca` (Debian: `drwxr-x--- tss root`,
 * keys `-rw-r-----`) and the per-VM state `/var/lib/libvirt/swtpm/<uuid>/tpm2/*` (stat only, never content).
 */
import { fileOf, type EvidenceBundle } from '../../../collect/evidence';
import type { ProcessFacts, SwtpmFacts } from '../model-access';
import { at, fileReason } from '../../common/evidence';
import { statOf, unreadable } from './common';

export const LOCALCA = '/var/lib/swtpm-localca';
export const SWTPM_STATE = '/var/lib/libvirt/swtpm';

const isPrivateKey = (name: string): boolean => /key/i.test(name) && !/\.(crt|cert)$/.test(name);

function children(b: EvidenceBundle, dir: string): string[] {
  const names = new Set<string>(b.dirs[dir]?.state === 'ok' ? (b.dirs[dir].entries ?? []) : []);
  for (const p of [...Object.keys(b.files), ...Object.keys(b.dirs)]) {
    if (p.startsWith(`${dir}/`) && !p.slice(dir.length + 1).includes('/')) names.add(p.slice(dir.length + 1));
  }
  return [...names].sort();
}

export function buildSwtpm(b: EvidenceBundle, processes: ProcessFacts[] | null, unknown: Record<string, string>): SwtpmFacts {
  const installed =
    ['/usr/bin/swtpm', '/usr/sbin/swtpm', '/usr/local/bin/swtpm'].some((p) => fileOf(b, p).state !== 'missing') || !!processes?.some((p) => p.role === 'swtpm');
  const ca = statOf(b, LOCALCA, 'swtpm-localca');
  const caDir = b.dirs[LOCALCA];
  if (caDir && unreadable(caDir)) unknown['host.swtpm.localcaFiles'] = fileReason({ path: LOCALCA, state: caDir.state, error: caDir.error }, b.privileged);
  const localcaFiles = children(b, LOCALCA).map((n) => ({ ...statOf(b, `${LOCALCA}/${n}`), privateKey: isPrivateKey(n) }));
  const stateFiles: SwtpmFacts['stateFiles'] = [];
  const top = b.dirs[SWTPM_STATE];
  if (top && unreadable(top)) unknown['host.swtpm.stateFiles'] = fileReason({ path: SWTPM_STATE, state: top.state, error: top.error }, b.privileged);
  for (const uuid of children(b, SWTPM_STATE)) {
    const d = `${SWTPM_STATE}/${uuid}/tpm2`;
    const dl = b.dirs[d];
    if (dl && unreadable(dl)) unknown['host.swtpm.stateFiles'] = fileReason({ path: d, state: dl.state, error: dl.error }, b.privileged);
    for (const n of children(b, d)) stateFiles.push({ ...statOf(b, `${d}/${n}`), uuid });
  }
  return { installed, localca: ca.exists ? { ...ca, privateKey: false } : null, localcaFiles, stateFiles, loc: at(LOCALCA), key: 'swtpm' };
}
