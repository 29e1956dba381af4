/**
 * The evidence -> rule index of the manifest, derived: an item serves the rules that read a fact it feeds. What a
 * rule reads is its `requires`, the fact paths its CEL reads (src/engine/cel-check.ts factPathsRead: from the parsed
 * expressions), its platform range (`platform.<component>`) and, for domain rules, the domain itself. Kept apart from
 * manifest.ts (data the collection script is compiled from) so collecting never loads the CEL environment.
 */
import { factPathsRead } from '../engine/cel-check';
import type { Rule } from '../engine/generated/rule';
import type { ManifestItem } from './manifest';

const readCache = new WeakMap<Rule, string[]>();

/**
 * The fact paths a rule reads (see above); a bare `host` / `guest` / `platform` (a null test) names no evidence.
 * `domain`, `domains` and `input` (the domain document itself) come from the domain XML.
 */
export function factsRead(rule: Rule): string[] {
  const cached = readCache.get(rule);
  if (cached) return cached;
  const out = new Set<string>(rule.requires ?? []);
  for (const p of factPathsRead(rule)) if (p.includes('.') || p === 'domain' || p === 'domains' || p === 'input') out.add(p);
  for (const k of Object.keys(rule.platform ?? {})) out.add(`platform.${k}`);
  if (rule.scope === 'domain') out.add('domain');
  const read = [...out].sort();
  readCache.set(rule, read);
  return read;
}

/** True when one path is the other or contains it (`host.sasl` and `host.sasl.users` overlap). */
export function factsOverlap(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

/** The rules (ids, sorted) that read a fact `item` feeds: derived from `factsRead`, never listed by hand. */
export function checksOf(item: ManifestItem, rules: readonly Rule[]): string[] {
  const facts = item.facts ?? [];
  return rules
    .filter((r) => factsRead(r).some((p) => facts.some((f) => factsOverlap(f, p))))
    .map((r) => r.id)
    .sort();
}
