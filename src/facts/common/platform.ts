import { parseRange, upstreamVersion } from './version';

/** The software whose version a verdict can depend on. */
export const PLATFORM_COMPONENTS = ['libvirt', 'qemu', 'kernel'] as const;
export type PlatformComponent = (typeof PLATFORM_COMPONENTS)[number];

/**
 * The versions a target runs (or, for domain files, the versions the operator says they will run on): upstream
 * version numbers, null when unknown, and where each one came from (`libvirtd --version`, `--platform`, a policy).
 * Rules see it as the CEL variable `platform`; a rule's `platform:` ranges say for which versions its verdict holds.
 */
export interface PlatformInfo {
  libvirt: string | null;
  qemu: string | null;
  kernel: string | null;
  source: Partial<Record<PlatformComponent, string>>;
}

export const UNKNOWN_PLATFORM: PlatformInfo = Object.freeze({ libvirt: null, qemu: null, kernel: null, source: Object.freeze({}) }) as PlatformInfo;

/** Layers in order of authority (the first that knows a component wins), each with the name of its source. */
export function mergePlatform(...layers: (Partial<Record<PlatformComponent, string | null>> & { from: string } | undefined)[]): PlatformInfo {
  const out: PlatformInfo = { libvirt: null, qemu: null, kernel: null, source: {} };
  for (const layer of layers) {
    if (!layer) continue;
    for (const c of PLATFORM_COMPONENTS) {
      const v = upstreamVersion(layer[c] ?? null);
      if (out[c] === null && v !== null) {
        out[c] = v;
        out.source[c] = layer.from;
      }
    }
  }
  return out;
}

/** `--platform libvirt=9.0,qemu=7.2`: the components given, or the first error. */
export function parsePlatformFlag(text: string): { value: Partial<Record<PlatformComponent, string>>; error: string | null } {
  const value: Partial<Record<PlatformComponent, string>> = {};
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(item);
    const component = m?.[1].toLowerCase(); // any case: LIBVIRT=9.0
    if (!m || !(PLATFORM_COMPONENTS as readonly string[]).includes(component!)) {
      return { value, error: `'${item}': expected COMPONENT=VERSION with COMPONENT one of ${PLATFORM_COMPONENTS.join(', ')} (e.g. libvirt=9.0,qemu=7.2)` };
    }
    const v = upstreamVersion(m[2]);
    if (v === null) return { value, error: `'${item}': '${m[2]}' is not a version` };
    value[component as PlatformComponent] = v;
  }
  return { value, error: null };
}

export type PlatformRanges = Partial<Record<PlatformComponent, string>>;

/**
 * Whether a rule whose verdict holds for `ranges` applies to `platform`: `false` when a known version is outside a
 * range (the rule does not apply), otherwise the ranges whose component is unknown (the finding must say so).
 */
export function platformApplies(ranges: PlatformRanges | undefined, platform: PlatformInfo): { applies: boolean; unknown: string[] } {
  const unknown: string[] = [];
  for (const c of PLATFORM_COMPONENTS) {
    const range = ranges?.[c];
    if (range === undefined) continue;
    const v = platform[c];
    if (v === null) unknown.push(`${c} ${range}`);
    else if (!parseRange(range).test(v)) return { applies: false, unknown: [] };
  }
  return { applies: true, unknown };
}

/** One line for reports: `libvirt 9.0.0 (libvirtd --version), qemu unknown, kernel 6.1.0 (uname -r)`. */
export function describePlatform(p: PlatformInfo): string {
  return PLATFORM_COMPONENTS.map((c) => (p[c] === null ? `${c} unknown` : `${c} ${p[c]}${p.source[c] ? ` (${p.source[c]})` : ''}`)).join(', ');
}
