import type { EvidenceBundle } from '../../collect/evidence';
import type { PlatformFacts } from './model-platform';

/** Builds the platform half of HostFacts; records unknown fact paths (with reasons) in `unknown`. */
export function buildPlatformFacts(_bundle: EvidenceBundle, _unknown: Record<string, string>): PlatformFacts {
  return {};
}
