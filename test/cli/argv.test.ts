import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { Parser } from '@oclif/core';
import { parseManyArgs } from '../../src/cli/argv';
import { reportFlags } from '../../src/cli/output';

/** parseManyArgs must return exactly what oclif's parser returns for the full argv (or fail the same way). */
const flagSets = {
  report: reportFlags,
  // A greedy multiple flag with a char, and a non-multiple one with a char.
  greedy: { ...reportFlags, tag: Flags.string({ char: 't', multiple: true }), name: Flags.string({ char: 'n' }) },
  // Repeatable flags that take one value each time (--output, --rules) need no fallback to the full argv.
  nonGreedy: { ...reportFlags, tag: Flags.string({ char: 't', multiple: true, multipleNonGreedy: true }), name: Flags.string({ char: 'n' }) },
};
const args = { files: Args.string({ required: true }) };

async function outcome(argv: string[], flags: Record<string, unknown>, viaMany: boolean) {
  const parse = (a: string[]) => Parser.parse(a, { flags: flags as never, args, strict: false });
  try {
    const r = viaMany ? await parseManyArgs(argv, flags as never, parse) : await parse(argv);
    return { argv: r.argv, args: r.args, flags: r.flags };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = ['--format', 'json', '-f', 'sarif', '--format=text', '-o', 'out.json', '--output=o.sarif', '--fail-on', 'low', '-v', '--verbose', '--color', '--no-color', '--rules', 'rdir', '--', '-', '--nosuch', '-fjson', '-vo', '-t', '--tag', 'x', '-n', '--name=n', '-vt'];

describe('parseManyArgs', () => {
  it('matches oclif on long argv lists with flags anywhere', async () => {
    const r = rng(5);
    for (let k = 0; k < 250; k++) {
      const flags = [flagSets.report, flagSets.greedy, flagSets.nonGreedy][k % 3];
      const argv: string[] = [];
      const n = 30 + Math.floor(r() * 60);
      for (let i = 0; i < n; i++) {
        // Mostly files (with duplicates), sometimes a flag token.
        argv.push(r() < 0.12 ? TOKENS[Math.floor(r() * TOKENS.length)] : `vm-${Math.floor(r() * 40)}.xml`);
      }
      expect(await outcome(argv, flags, true)).toEqual(await outcome(argv, flags, false));
    }
  });

  it('keeps 3,000 files in order, with the flags, as oclif orders them', async () => {
    const files = Array.from({ length: 3000 }, (_, i) => `d/vm-${i}.xml`);
    const argv = ['--format', 'json', ...files, '-o', 'r.json', ...files.slice(0, 5)];
    const got = await outcome(argv, reportFlags, true);
    expect(got).toMatchObject({ args: { files: 'd/vm-0.xml' }, flags: { format: 'json', output: ['r.json'] } });
    // oclif's order: by first occurrence, so the repeated files sit next to their first mention.
    expect((got as { argv: string[] }).argv.slice(0, 4)).toEqual(['d/vm-0.xml', 'd/vm-0.xml', 'd/vm-1.xml', 'd/vm-1.xml']);
    expect((got as { argv: string[] }).argv).toHaveLength(3005);
  });

  it('repeated --output/--rules (one value each) keep the short path: oclif sees a short argv, with the same result', async () => {
    const files = Array.from({ length: 3000 }, (_, i) => `d/vm-${i}.xml`);
    const argv = ['-o', 'sarif=a.sarif', ...files, '--output', 'b.json', '--rules', 'r1', ...files.slice(0, 50), '--rules=r2'];
    const seen: number[] = [];
    const parse = (a: string[]) => {
      seen.push(a.length);
      return Parser.parse(a, { flags: reportFlags as never, args, strict: false });
    };
    const r = await parseManyArgs(argv, reportFlags as never, parse);
    expect(seen.every((n) => n < 20)).toBe(true);
    expect(r.flags).toMatchObject({ output: ['sarif=a.sarif', 'b.json'], rules: ['r1', 'r2'] });
    expect({ argv: r.argv, args: r.args, flags: r.flags }).toEqual(await outcome(argv, reportFlags, false));
  });
});
