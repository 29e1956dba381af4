// Subpath imports: the @oclif/core index loads help, ux and semver, which a command run does not need.
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { oneOf } from '../../cli/enum-flag';
import { EXIT } from '../../cli/output';
import { loadRulesOrExplain } from '../../cli/rules';
import type { Rule } from '../../engine/generated/rule';

/** `auto`: `vmaudit fix domain` (domain XML edits) or `vmaudit fix host` (host files) applies the rule's fix; `choice`: its fix needs a decision; `-`: none. */
function fixability(r: Rule): 'auto' | 'choice' | '-' {
  const f = r.remediation.fix;
  if (f) return f.kind === 'choice' ? 'choice' : 'auto';
  return r.remediation.snippet?.fix === 'replace-element' && r.scope === 'domain' ? 'auto' : '-';
}

const FIX_MARK = { auto: ' [auto-fix]', choice: ' [fix: choice]', '-': '' } as const;

export default class RulesList extends Command {
  static override summary = 'List every rule with its severity, scope and guide section';
  static override flags = {
    rules: Flags.string({ description: 'also load rules from DIR (repeatable)', multiple: true, multipleNonGreedy: true }),
    json: Flags.boolean({ description: 'print JSON' }),
    scope: Flags.string(oneOf(['domain', 'host', 'guest', 'cross'], { description: 'only rules of this scope' })),
    area: Flags.string(oneOf(['security', 'performance', 'availability'], { description: 'only rules of this area' })),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(RulesList);
    const { rules, errors } = loadRulesOrExplain(flags.rules);
    for (const e of errors) process.stderr.write(`vmaudit: invalid rule: ${e}\n`);
    const shown = rules
      .map((r) => r.rule)
      .filter((r) => (!flags.scope || r.scope === flags.scope) && (!flags.area || r.area === flags.area))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    if (flags.json) {
      process.stdout.write(JSON.stringify(shown.map((r) => ({ id: r.id, title: r.title, severity: r.severity, area: r.area, scope: r.scope, guide: r.guide ?? [], tags: r.tags ?? [], optIn: r['opt-in'] === true, fix: fixability(r) })), null, 2) + '\n');
    } else {
      const w = Math.max(...shown.map((r) => r.id.length), 2);
      process.stdout.write(`${'ID'.padEnd(w)}  ${'SEVERITY'.padEnd(8)}  ${'SCOPE'.padEnd(6)}  ${'GUIDE SECTION'.padEnd(38)}  TITLE\n`);
      for (const r of shown) process.stdout.write(`${r.id.padEnd(w)}  ${r.severity.padEnd(8)}  ${r.scope.padEnd(6)}  ${(r.guide ?? []).join(', ').padEnd(38)}  ${r.title}${r['opt-in'] ? ' (opt-in)' : ''}${FIX_MARK[fixability(r)]}\n`);
      const optIn = shown.filter((r) => r['opt-in']).length;
      process.stdout.write(`[auto-fix]: \`vmaudit fix domain\` (domain XML) or \`vmaudit fix host\` (host files) applies the fix; [fix: choice]: the fix needs the operator's decision (reported)\n`);
      process.stdout.write(`${shown.length} rules${optIn ? ` (${optIn} opt-in: run only when a policy names them, e.g. --policy strict)` : ''}\n`);
    }
    if (errors.length) this.exit(EXIT.USAGE);
  }
}
