/**
 * glibc `getopt_long()` (posix/getopt.c) over an argv of words that may carry where they were written: permuting
 * (non-options are collected and parsing goes on, unless POSIXLY_CORRECT), `--` ends the options, long options may
 * be abbreviated to any unambiguous prefix (an exact match wins; prefixes of one option with the same argument
 * kind are not ambiguous), `--name=value`, short option clusters (`-vb list`, `-blist`), required (1) and optional
 * (2, attached only) arguments. Diagnostics use glibc's own wording. Pure; never throws.
 */

/** One option of the table: its id, short letter, long names, and 0 no / 1 required / 2 optional argument. */
export interface OptSpec<Id extends string = string> {
  id: Id;
  short: string;
  longs: string[];
  /** 0 none, 1 required, 2 optional (attached only). */
  arg: 0 | 1 | 2;
}

/** An argv word; callers may carry more (its location, the variables it came from). */
export interface ArgWord {
  value: string;
}

export interface ParsedOption<Id extends string = string, A extends ArgWord = ArgWord> {
  id: Id;
  /** As written: `-b`, `--blacklist`, `--bl` (abbreviation). */
  spelled: string;
  /** The full long name matched, if given as a long option. */
  longName?: string;
  value?: string;
  /** Word holding the option, and the word holding its value (may be the same). */
  arg: A;
  valueArg?: A;
}

export interface GetoptResult<Id extends string = string, A extends ArgWord = ArgWord> {
  options: ParsedOption<Id, A>[];
  positional: A[];
  /** getopt's own diagnostics (a program such as qemu-ga exits on the first). */
  errors: { message: string; arg: A }[];
}

/** glibc getopt_long over argv[1..] (argv[0] is the program). */
export function getoptLong<Id extends string, A extends ArgWord>(argv: readonly A[], table: readonly OptSpec<Id>[], posixlyCorrect = false): GetoptResult<Id, A> {
  const res: GetoptResult<Id, A> = { options: [], positional: [], errors: [] };
  const byShort = new Map(table.map((o) => [o.short, o]));
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    const s = a.value;
    if (s === '--') {
      res.positional.push(...argv.slice(i + 1));
      break;
    }
    if (s.startsWith('--')) {
      const body = s.slice(2);
      const eq = body.indexOf('=');
      const name = eq === -1 ? body : body.slice(0, eq);
      let match: { spec: OptSpec<Id>; long: string } | undefined;
      const cands: { spec: OptSpec<Id>; long: string }[] = [];
      for (const spec of table)
        for (const l of spec.longs) {
          if (l === name) match = match ?? { spec, long: l };
          else if (l.startsWith(name)) cands.push({ spec, long: l });
        }
      if (!match) {
        if (cands.length === 0) {
          res.errors.push({ message: `unrecognized option '${s}'`, arg: a });
          continue;
        }
        const first = cands[0];
        if (cands.some((c) => c.spec.id !== first.spec.id || c.spec.arg !== first.spec.arg)) {
          res.errors.push({ message: `option '${s}' is ambiguous; possibilities: ${cands.map((c) => '--' + c.long).join(' ')}`, arg: a });
          continue;
        }
        match = first;
      }
      const { spec, long } = match;
      const opt: ParsedOption<Id, A> = { id: spec.id, spelled: '--' + name, longName: long, arg: a };
      if (spec.arg === 0) {
        if (eq !== -1) {
          res.errors.push({ message: `option '--${long}' doesn't allow an argument`, arg: a });
          continue;
        }
      } else if (eq !== -1) {
        opt.value = body.slice(eq + 1);
        opt.valueArg = a;
      } else if (spec.arg === 1) {
        if (i + 1 >= argv.length) {
          res.errors.push({ message: `option '--${long}' requires an argument`, arg: a });
          continue;
        }
        i++;
        opt.value = argv[i].value;
        opt.valueArg = argv[i];
      }
      res.options.push(opt);
      continue;
    }
    if (s.startsWith('-') && s.length > 1) {
      for (let j = 1; j < s.length; j++) {
        const spec = byShort.get(s[j]);
        if (!spec) {
          res.errors.push({ message: `invalid option -- '${s[j]}'`, arg: a });
          continue;
        }
        const opt: ParsedOption<Id, A> = { id: spec.id, spelled: '-' + s[j], arg: a };
        if (spec.arg === 0) {
          res.options.push(opt);
          continue;
        }
        const rest = s.slice(j + 1);
        if (rest !== '') {
          opt.value = rest;
          opt.valueArg = a;
        } else if (spec.arg === 1) {
          if (i + 1 >= argv.length) {
            res.errors.push({ message: `option requires an argument -- '${s[j]}'`, arg: a });
            break;
          }
          i++;
          opt.value = argv[i].value;
          opt.valueArg = argv[i];
        }
        res.options.push(opt);
        break;
      }
      continue;
    }
    res.positional.push(a);
    if (posixlyCorrect) {
      res.positional.push(...argv.slice(i + 1));
      break;
    }
  }
  return res;
}
