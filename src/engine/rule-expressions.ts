import type { Rule } from './generated/rule';

/** `remediation.fix` fields that are `{{ }}` CEL templates, rendered per finding (evaluate.ts fixTemplate). */
export const FIX_TEMPLATE_FIELDS = ['value', 'content', 'choice', 'path', 'mode', 'owner', 'group', 'cmdline', 'unit', 'settings', 'note', 'parameter'] as const;

/**
 * Every CEL expression and template of a rule, by JSON pointer: what the loader compiles, the type checker checks and
 * the manifest index reads, so all three see the same list as the evaluator renders.
 */
export function ruleExpressions(rule: Rule): [string, string, 'expr' | 'template'][] {
  const fix = rule.remediation.fix as Record<string, unknown> | undefined;
  const out: [string, unknown, 'expr' | 'template'][] = [
    ['/for-each', rule['for-each'], 'expr'],
    ['/where', rule.where, 'expr'],
    ['/assert', rule.assert, 'expr'],
    ['/location', rule.location, 'expr'],
    ['/subject', rule.subject, 'expr'],
    ['/message', rule.message, 'template'],
    ['/remediation/text', rule.remediation.text, 'template'],
    ['/remediation/snippet/content', rule.remediation.snippet?.content, 'template'],
    ...FIX_TEMPLATE_FIELDS.map((k): [string, unknown, 'template'] => [`/remediation/fix/${k}`, fix?.[k], 'template']),
  ];
  return out.filter((e): e is [string, string, 'expr' | 'template'] => typeof e[1] === 'string');
}
