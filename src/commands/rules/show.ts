// Subpath imports: the @oclif/core index loads help, ux and semver, which a command run does not need.
import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { EXIT } from '../../cli/output';
import { loadRulesOrExplain } from '../../cli/rules';
import { ruleMarkdown } from '../../report/common';

export default class RulesShow extends Command {
  static override summary = "Show a rule's documentation: rationale, what is checked, remediation, references";
  static override args = { id: Args.string({ description: 'rule id, e.g. DOM-SEC-001', required: true }) };
  static override flags = { rules: Flags.string({ description: 'also load rules from DIR (repeatable)', multiple: true, multipleNonGreedy: true }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(RulesShow);
    const { rules } = loadRulesOrExplain(flags.rules);
    const rule = rules.find((r) => r.rule.id.toUpperCase() === args.id.toUpperCase());
    if (!rule) {
      const near = rules.filter((r) => r.rule.id.startsWith(args.id.toUpperCase().split('-')[0])).map((r) => r.rule.id);
      process.stderr.write(`vmaudit: no rule ${args.id}${near.length ? ` (did you mean ${near.slice(0, 5).join(', ')}?)` : ''}; see \`vmaudit rules list\`\n`);
      this.exit(EXIT.USAGE);
    }
    process.stdout.write(ruleMarkdown(rule!.rule));
  }
}
