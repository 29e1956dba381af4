/**
 * libvirt scaled integers (virScaleInteger, docs/formatdomain.rst "memory"): unit names are case-insensitive;
 * `b`/`bytes`; decimal `KB`,`MB`,`GB`,`TB`,`PB`,`EB` (powers of 1000); binary `K`/`KiB`, `M`/`MiB`, ... (powers of
 * 1024). The default unit for <memory>, <currentMemory> and <page size> is KiB. libvirt rounds up to whole KiB:
 * `1023 bytes` → 1 KiB, `4 GB` → 3906250 KiB, `<page size='2' unit='MB'>` → 1954 KiB.
 */
const UNIT_BYTES: Record<string, bigint> = (() => {
  const table: Record<string, bigint> = { b: 1n, bytes: 1n };
  const prefixes = ['k', 'm', 'g', 't', 'p', 'e'];
  prefixes.forEach((p, i) => {
    const bin = 1024n ** BigInt(i + 1);
    const dec = 1000n ** BigInt(i + 1);
    table[p] = bin;
    table[`${p}ib`] = bin;
    table[`${p}b`] = dec;
  });
  return table;
})();

/** Largest value libvirt accepts for a scaled integer (unsigned long long, but memory is kept in KiB). */
const MAX_BYTES = 2n ** 63n - 1n;

export type ScaledResult = { ok: true; kib: number } | { ok: false; message: string };

export function scaledToKiB(value: string, unit: string | undefined, defaultUnit = 'KiB'): ScaledResult {
  const text = value.trim();
  if (!/^\d+$/.test(text)) return { ok: false, message: `Invalid value '${value}': expected a non-negative integer` };
  const u = (unit ?? defaultUnit).trim().toLowerCase();
  const factor = UNIT_BYTES[u];
  if (factor === undefined) return { ok: false, message: `unknown suffix '${unit}'` };
  if (text.length > 20) return { ok: false, message: `Invalid value '${value}': too large` };
  const bytes = BigInt(text) * factor;
  if (bytes > MAX_BYTES) return { ok: false, message: `Invalid value '${value}${unit ? ` ${unit}` : ''}': exceeds the maximum of 2^63-1 bytes` };
  const kib = (bytes + 1023n) / 1024n;
  return { ok: true, kib: Number(kib) };
}

/** Parses a plain unsigned decimal integer as libvirt does for counts (vcpu, iothreads, ids): no sign, no hex. */
export function parseCount(text: string | undefined, max = 2 ** 31 - 1): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!/^\d+$/.test(t) || t.length > 12) return undefined;
  const n = Number(t);
  return n <= max ? n : undefined;
}
