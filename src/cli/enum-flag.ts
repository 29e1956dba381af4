import { CLIError } from '@oclif/core/errors';
import type { AlphabetLowercase, AlphabetUppercase } from '@oclif/core/interfaces';

/** The options of a single-valued string flag that an enum flag may set (the rest is set by oneOf). */
interface EnumFlagOptions {
  description?: string;
  summary?: string;
  char?: AlphabetLowercase | AlphabetUppercase;
  helpGroup?: string;
  helpValue?: string;
  default?: string;
  required?: boolean;
}

/**
 * Options for a string flag whose value is one of `values`, matched case-insensitively (`--fail-on HIGH`,
 * `--scope Domain`) and handed to the command in the listed spelling. oclif's own `options` compares exactly (and
 * before any `parse`), so the check is done here; help shows the values as the flag's value
 * (`--fail-on=critical|high|...`). A value outside the list is a usage error (exit 2) naming the flag and the
 * accepted values. Use: `Flags.string(oneOf([...], { description }))`.
 */
export function oneOf<T extends EnumFlagOptions>(values: readonly string[], opts: T): T & { multiple?: false; helpValue: string; parse: (input: string, ctx: unknown, flag: { name: string }) => Promise<string> } {
  const byLower = new Map(values.map((v) => [v.toLowerCase(), v] as const));
  return {
    ...opts,
    helpValue: opts.helpValue ?? values.join('|'),
    parse: async (input: string, _ctx: unknown, flag: { name: string }) => {
      const v = byLower.get(input.toLowerCase());
      if (v === undefined) throw new CLIError(`Expected --${flag.name}=${input} to be one of: ${values.join(', ')}`, { exit: 2 });
      return v;
    },
  };
}
