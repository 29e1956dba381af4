/**
 * libvirt's cpuset / nodeset grammar, as virBitmapParse() in libvirt 9.0 accepts it (verified with
 * `virsh -c test:///default define`; see docs/formats.md):
 *  - items separated by `,`: `N`, `N-M`, `^N`; blanks around items are allowed, leading zeros too;
 *  - exclusions are applied in order: `0-7,^3` = 0-2,4-7 but `^3,0-7` = 0-7;
 *  - `^N-M`, `,,`, `3-1`, `0x3`, `+1`, `1-` are rejected ("Failed to parse bitmap '…'");
 *  - a set that ends up empty is rejected by the caller ("Invalid value of 'cpuset': …").
 * Bitmaps are capped so that a hostile `0-999999999` is refused without allocating a billion-bit set.
 */
export const MAX_CPUSET_BIT = 16383; // libvirt's VIR_DOMAIN_CPUMASK_LEN is 16384 bits

export type CpusetResult =
  | { ok: true; cpus: number[] }
  | { ok: false; error: 'syntax' | 'too-large' | 'empty'; message: string };

const ITEM = /^\s*(\^?)\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/;

/**
 * Document limit: the CPU numbers all cpusets of one document expand to, together. A cpuset is expanded once per
 * distinct text (equal texts share one array), so 20,000 `<vcpupin cpuset='0-16383'>` cost one 16,384-entry array;
 * distinct large sets beyond this many numbers (8 MB) make the document refused as a whole (CpusetBudget.exceeded)
 * instead of taking gigabytes. A real domain stays far below it (4,096 vCPUs each pinned to its own 256 host CPUs
 * is a million).
 */
export const MAX_EXPANDED_CPUS_PER_DOCUMENT = 1 << 20;

interface CpusetBudget {
  left: number;
  cache: Map<string, CpusetResult>;
  /** Set when a cpuset did not fit: the message of the document-limit problem. */
  exceeded: string | null;
}
let budget: CpusetBudget | null = null;

/**
 * Runs `fn` (the parse of one document) with a budget of MAX_EXPANDED_CPUS_PER_DOCUMENT expanded CPU numbers for
 * the cpusets parsed in it. `exceeded` says the document went over: its cpuset facts are then incomplete and the
 * caller refuses the document (a document limit problem) rather than let rules judge it.
 */
export function withCpusetBudget<T>(fn: () => T, limit: number = MAX_EXPANDED_CPUS_PER_DOCUMENT): { value: T; exceeded: string | null } {
  const outer = budget;
  const mine: CpusetBudget = { left: limit, cache: new Map(), exceeded: null };
  budget = mine;
  try {
    return { value: fn(), exceeded: mine.exceeded };
  } finally {
    budget = outer;
  }
}

export function parseCpuset(text: string, maxBit: number = MAX_CPUSET_BIT): CpusetResult {
  if (!budget) return parseCpusetUncached(text, maxBit, Infinity) as CpusetResult;
  const key = `${maxBit}\0${text}`;
  const hit = budget.cache.get(key);
  if (hit) return hit;
  const r = parseCpusetUncached(text, maxBit, budget.left);
  if (r.ok) budget.left -= r.cpus.length;
  else if (r.error === 'budget' && budget.exceeded === null) budget.exceeded = r.message;
  const out: CpusetResult = r.ok || r.error !== 'budget' ? r : { ok: false, error: 'too-large', message: r.message };
  budget.cache.set(key, out);
  return out;
}

function parseCpusetUncached(text: string, maxBit: number, left: number): CpusetResult | { ok: false; error: 'budget'; message: string } {
  const fail = (): CpusetResult => ({ ok: false, error: 'syntax', message: `Failed to parse bitmap '${text}'` });
  if (text.trim() === '') return fail();
  // A bitmap, set and cleared range by range with fill() (a memset): the cost per item is bounded by the bitmap
  // size, so a hostile attribute repeating `0-16383` a hundred thousand times stays fast.
  const bits = new Uint8Array(maxBit + 1);
  let top = -1;
  for (const item of text.split(',')) {
    const m = ITEM.exec(item);
    if (!m) return fail();
    const negate = m[1] === '^';
    if (negate && m[3] !== undefined) return fail();
    const lo = Number(m[2]);
    const hi = m[3] === undefined ? lo : Number(m[3]);
    if (hi < lo) return fail();
    if (hi > maxBit || !Number.isSafeInteger(hi)) {
      return { ok: false, error: 'too-large', message: `cpuset '${text}' names CPU ${m[3] ?? m[2]}, beyond the ${maxBit + 1}-CPU limit` };
    }
    bits.fill(negate ? 0 : 1, lo, hi + 1);
    if (!negate && hi > top) top = hi;
  }
  let count = 0;
  for (let i = 0; i <= top; i++) count += bits[i];
  if (count > left) {
    return { ok: false, error: 'budget', message: `the cpusets of this document list more than ${MAX_EXPANDED_CPUS_PER_DOCUMENT} CPU numbers in total (document limit); not evaluated` };
  }
  const cpus: number[] = [];
  for (let i = 0; i <= top; i++) if (bits[i]) cpus.push(i);
  if (cpus.length === 0) return { ok: false, error: 'empty', message: `Invalid value of 'cpuset': '${text}'` };
  return { ok: true, cpus };
}

/** Formats a sorted list of CPU numbers the way libvirt prints it back (`0-2,4-7`). */
export function formatCpulist(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j === i ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
