import type { EvidenceBundle } from '../../collect/evidence';
import { commandReason, fileReason, okText } from '../common/evidence';
import { buildAccessFacts } from './build-access';
import { buildPlatformFacts } from './build-platform';
import type { HostFacts } from './model';

/** Domain XML texts found on a host, each named by where it came from (its path on the host, or the virsh call). */
export interface HostDomainText {
  file: string;
  text?: string;
  readError?: string;
}

export interface HostFactsResult {
  host: HostFacts;
  /** Fact path → why it is unknown (evidence missing, denied, command not found...). */
  unknown: Record<string, string>;
  domains: HostDomainText[];
}

/**
 * Domain definitions on a host. The live definitions from `virsh dumpxml --security-info` are the truth for a
 * running system (live seclabels, resolved listen addresses); located as `command:virsh.dumpxml:<name>`. Without
 * them (offline root, snapshot of a stopped daemon), the persistent /etc/libvirt/qemu/*.xml files are used.
 */
export function domainTextsFromBundle(bundle: EvidenceBundle): HostDomainText[] {
  const out: HostDomainText[] = [];
  const prefix = 'virsh.dumpxml:';
  for (const [id, c] of Object.entries(bundle.commands)) {
    if (!id.startsWith(prefix) || c.state !== 'ok') continue;
    if (c.truncated) out.push({ file: `command:${id}`, readError: commandReason(c, 'virsh dumpxml', bundle.privileged) });
    else if (c.exitCode === 0 && c.stdout) out.push({ file: `command:${id}`, text: c.stdout });
    else out.push({ file: `command:${id}`, readError: `virsh dumpxml exited with status ${c.exitCode}: ${(c.stderr ?? '').trim().split('\n')[0]}` });
  }
  if (out.length === 0) {
    for (const [path, f] of Object.entries(bundle.files)) {
      if (!/^\/etc\/libvirt\/qemu\/[^/]+\.xml$/.test(path)) continue;
      const text = okText(f);
      if (text !== undefined) out.push({ file: path, text });
      else out.push({ file: path, readError: f.state === 'error' && f.error ? f.error : fileReason(f, bundle.privileged).slice(path.length + 2) });
    }
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

export function buildHostFacts(bundle: EvidenceBundle): HostFactsResult {
  const unknown: Record<string, string> = {};
  const host: HostFacts = {
    name: bundle.target.name,
    privileged: bundle.privileged,
    transport: bundle.target.transport,
    ...buildAccessFacts(bundle, unknown),
    ...buildPlatformFacts(bundle, unknown),
  };
  return { host, unknown, domains: domainTextsFromBundle(bundle) };
}
