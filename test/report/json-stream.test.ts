import { batched, prettyJsonChunks } from '../../src/report/json-stream';

const joined = (v: unknown) => [...prettyJsonChunks(v)].join('');

/** Deterministic pseudo-random JSON-ish values, with the kinds JSON.stringify treats specially. */
function randomValue(seed: number, depth = 0): unknown {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 4294967296);
  const pick = (): unknown => {
    const r = next();
    if (depth > 2 || r < 0.45) {
      const leaves = [null, true, false, 0, -1.5, 1e21, 'x', 'ünïcode — “quoted” \\ \n\t', '', undefined, () => 1, new Date(0), Number.NaN];
      return leaves[Math.floor(next() * leaves.length)];
    }
    const n = next() < 0.7 || depth > 1 ? Math.floor(next() * 4) : 30 + Math.floor(next() * 6); // a few around the threshold
    if (r < 0.7) return Array.from({ length: n }, (_, i) => randomValue(seed * 31 + i + 1, depth + 1));
    return Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}${i % 7 === 0 ? '"é' : ''}`, randomValue(seed * 17 + i + 3, depth + 1)]));
  };
  return pick();
}

describe('prettyJsonChunks', () => {
  it('joins to exactly JSON.stringify(value, null, 2) for values around the chunking threshold', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const v = { root: randomValue(seed), list: Array.from({ length: 34 }, (_, i) => randomValue(seed + i * 1000)), small: [randomValue(seed + 7)] };
      expect(joined(v)).toBe(JSON.stringify(v, null, 2));
    }
  });

  it('handles the edge cases: empty and all-undefined containers, toJSON, top-level scalars', () => {
    const many = (f: (i: number) => unknown) => Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, f(i)]));
    for (const v of [[], {}, many(() => undefined), many((i) => (i % 2 ? undefined : i)), Array(50).fill(undefined), { d: new Date(5) }, 'str', 3, null]) {
      expect(joined(v)).toBe(JSON.stringify(v, null, 2));
    }
  });

  it('yields a large array piece by piece', () => {
    const big = { findings: Array.from({ length: 1000 }, (_, i) => ({ i, m: 'message '.repeat(10) })) };
    const pieces = [...prettyJsonChunks(big)];
    expect(pieces.length).toBeGreaterThan(1000);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(200);
    const writes = [...batched(pieces, 4096)];
    expect(writes.join('')).toBe(JSON.stringify(big, null, 2));
    expect(writes.slice(0, -1).every((w) => w.length >= 4096 && w.length < 4096 + 200)).toBe(true);
  });
});
