import * as path from 'node:path';

/**
 * Where a built-in rule lives follows from its id alone (like ESLint's lib/rules/<name>.js + docs/rules/<name>.md):
 * rules/<folder>/<ID>.yaml, its cases in rules/<folder>/<ID>.test.yaml, its page docs/rules/<ID>.md. The folder is
 * the id's family: what the rule is about, not which facts it reads (`scope: cross` rules read host and domain facts
 * and still sit with their family).
 */
export type RuleFolder = 'domain' | 'guest' | 'host';

/** Id prefixes (the part before the first '-') of each folder. A new family is added here on purpose. */
export const RULE_FAMILIES: Readonly<Record<RuleFolder, readonly string[]>> = {
  domain: ['DOM'],
  guest: ['GUEST'],
  host: ['HOST', 'LV', 'QEMU', 'SASL', 'SVIRT'],
};

/** The folder of a built-in rule id, or undefined for an id of no known family. */
export function ruleFolder(id: string): RuleFolder | undefined {
  const prefix = id.split('-')[0];
  for (const [folder, prefixes] of Object.entries(RULE_FAMILIES) as [RuleFolder, readonly string[]][]) {
    if (prefixes.includes(prefix)) return folder;
  }
  return undefined;
}

/** Paths (relative to the package root, '/'-separated) of a built-in rule's definition, cases and page. */
export function builtinRulePaths(id: string): { rule: string; cases: string; doc: string } | undefined {
  const folder = ruleFolder(id);
  if (!folder) return undefined;
  const base = path.posix.join('rules', folder, id);
  return { rule: `${base}.yaml`, cases: `${base}.test.yaml`, doc: `docs/rules/${id}.md` };
}
