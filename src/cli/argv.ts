/**
 * oclif's argument parser is quadratic in the number of positional arguments (for each one it re-filters every
 * token seen so far, then sorts the result with indexOf): 10,000 files cost seconds before any work starts.
 * parseManyArgs hands oclif a shorter argv in which each run of 3+ consecutive plain tokens (not starting with
 * '-') keeps its first token and has the rest replaced by one placeholder, then expands the placeholders in the
 * result and restores oclif's own order (argv sorted by first occurrence in the original argv). This gives what
 * oclif gives for the full argv because a run's tokens are all classified alike: the first one may be taken as an
 * option flag's value, the rest are positional — unless a greedy `multiple` flag is in play, which would swallow
 * them; when any token might name such a flag, the full argv goes to oclif unchanged.
 */
const PLACEHOLDER = '\u0000vmaudit-argv-run:';
const MIN_ARGV = 32;

interface FlagLike {
  multiple?: boolean;
  multipleNonGreedy?: boolean;
  char?: string;
  charAliases?: string[];
  aliases?: string[];
}

interface ParseOutput {
  argv: unknown[];
  args: Record<string, unknown>;
  flags: Record<string, unknown>;
}

const isPlain = (t: string) => !t.startsWith('-');

/** True when some token before a literal `--` could name a greedy `multiple` flag (long name, alias or short char). */
function mayUseMultipleFlag(argv: readonly string[], flags: Record<string, FlagLike>): boolean {
  const names = new Set<string>();
  const chars = new Set<string>();
  for (const [name, f] of Object.entries(flags)) {
    if (!f.multiple || f.multipleNonGreedy) continue;
    names.add(name);
    for (const a of f.aliases ?? []) names.add(a);
    for (const c of [f.char, ...(f.charAliases ?? [])]) if (c) chars.add(c);
  }
  if (names.size === 0 && chars.size === 0) return false;
  for (const t of argv) {
    if (t === '--') break;
    if (isPlain(t) || t === '-') continue;
    if (t.startsWith('--')) {
      if (names.has(t.slice(2).split('=')[0])) return true;
    } else if ([...t.slice(1)].some((c) => chars.has(c))) return true;
  }
  return false;
}

export async function parseManyArgs<R extends ParseOutput>(argv: readonly string[], flags: Record<string, FlagLike>, parse: (argv: string[]) => Promise<R>): Promise<R> {
  if (argv.length < MIN_ARGV || mayUseMultipleFlag(argv, flags)) return parse([...argv]);
  const runs = new Map<string, string[]>();
  const short: string[] = [];
  for (let i = 0; i < argv.length; ) {
    if (!isPlain(argv[i])) {
      short.push(argv[i++]);
      continue;
    }
    let j = i;
    while (j < argv.length && isPlain(argv[j])) j++;
    short.push(argv[i]);
    if (j - i >= 3) {
      const key = `${PLACEHOLDER}${runs.size}`;
      runs.set(key, argv.slice(i + 1, j));
      short.push(key);
    } else short.push(...argv.slice(i + 1, j));
    i = j;
  }
  if (runs.size === 0) return parse([...argv]);
  const r = await parse(short);
  const isKey = (v: unknown): v is string => typeof v === 'string' && runs.has(v);
  // A placeholder can only end up positional; anywhere else, trust oclif with the full argv.
  for (const v of Object.values(r.flags)) if (isKey(v) || (Array.isArray(v) && v.some(isKey))) return parse([...argv]);
  const first = new Map<string, number>();
  argv.forEach((t, i) => {
    if (!first.has(t)) first.set(t, i);
  });
  const rank = (v: unknown) => (typeof v === 'string' ? (first.get(v) ?? -1) : -1);
  const expanded = r.argv.flatMap((v) => (isKey(v) ? runs.get(v)! : [v]));
  const args = Object.fromEntries(Object.entries(r.args).map(([k, v]) => [k, isKey(v) ? runs.get(v)![0] : v]));
  return { ...r, args, argv: expanded.sort((a, b) => rank(a) - rank(b)) };
}
