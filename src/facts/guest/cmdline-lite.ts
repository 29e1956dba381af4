/**
 * TEMPORARY — to be replaced by `src/facts/common/cmdline.ts` (owned by another engineer, not yet merged).
 * The guest fact builder calls only `parseCmdline` through the `CmdlineParser` interface below, so swapping
 * in the real parser means re-exporting an adapter from this file (or changing one import in build.ts).
 *
 * Minimal `/proc/cmdline` reading (domain-knowledge §2.6): space-separated words, double quotes group
 * (`param="a b"` and `"param=a b"`), `-` and `_` in parameter names are equivalent (normalised to `_`),
 * the last occurrence of a parameter wins, everything after a lone `--` is for init and ignored.
 */
import type { SourceLocation } from '../../util/location';

export interface CmdlineParam {
  /** Name with `-` normalised to `_` (`kvm-arm.vgic_v4_enable` → `kvm_arm.vgic_v4_enable`). */
  name: string;
  /** Value after the first `=`, quotes removed; null for a bare word (`arm_pvspin`). */
  value: string | null;
  location: SourceLocation;
}

export interface ParsedCmdline {
  /** Every kernel parameter in order (duplicates included). */
  params: CmdlineParam[];
  /** Words after ` -- ` (passed to init). */
  initArgs: string[];
}

/** The interface the guest fact builder depends on. */
export type CmdlineParser = (text: string, file: string) => ParsedCmdline;

export const normaliseParamName = (n: string): string => n.replace(/-/g, '_');

export const parseCmdline: CmdlineParser = (text, file) => {
  const params: CmdlineParam[] = [];
  const initArgs: string[] = [];
  const line = text.split('\n')[0].replace(/\r$/, '');
  let i = 0;
  let afterDashes = false;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length) break;
    const start = i;
    let word = '';
    let inQuote = false;
    while (i < line.length && (inQuote || !/\s/.test(line[i]))) {
      if (line[i] === '"') inQuote = !inQuote;
      else word += line[i];
      i++;
    }
    if (afterDashes) {
      initArgs.push(word);
      continue;
    }
    if (word === '--') {
      afterDashes = true;
      continue;
    }
    const eq = word.indexOf('=');
    const name = normaliseParamName(eq === -1 ? word : word.slice(0, eq));
    params.push({ name, value: eq === -1 ? null : word.slice(eq + 1), location: { file, line: 1, column: start + 1 } });
  }
  return { params, initArgs };
};
