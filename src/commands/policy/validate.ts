import { Args, Command, Flags } from '@oclif/core';
import { EXIT } from '../../cli/output';
import { loadRulesOrExplain } from '../../cli/rules';
import { formatPolicyError, loadPolicy, today } from '../../engine/policy';

export default class PolicyValidate extends Command {
  static override summary = 'Check policy files: schema, extends, rule ids, rule parameters and waiver dates';
  static override description =
    'Each error is printed as FILE:LINE:COLUMN /json/path: message. Exit 0 when every file is valid, 2 otherwise. ' +
    'Expired waivers are valid but reported.';
  static override examples = ['<%= config.bin %> <%= command.id %> our-policy.yaml', '<%= config.bin %> <%= command.id %> pre-production'];
  static override strict = false;
  static override args = { files: Args.string({ description: 'policy files (or shipped policy names)', required: true }) };
  static override flags = { rules: Flags.string({ description: 'also load rules from DIR (repeatable)', multiple: true, multipleNonGreedy: true }) };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(PolicyValidate);
    const { rules, errors: ruleErrors } = loadRulesOrExplain(flags.rules);
    for (const e of ruleErrors) process.stderr.write(`vmaudit: invalid rule: ${e}\n`);
    let bad = ruleErrors.length > 0;
    const now = today();
    for (const ref of argv as string[]) {
      const { policy, errors } = loadPolicy(ref);
      const all = policy ? policy.check(rules.map((r) => r.rule)) : errors;
      for (const e of all) process.stderr.write(`${formatPolicyError(e)}\n`);
      if (!policy || all.length) {
        bad = true;
        continue;
      }
      const selected = rules.filter((r) => policy.selection.enabled(r.rule)).length;
      const expired = policy.waivers.filter((w) => w.expires < now);
      for (const w of expired) process.stderr.write(`${w.source.file}:${w.source.line}: warning: waiver for ${w.rule} expired on ${w.expires}\n`);
      process.stdout.write(
        `${ref}: ok — policy ${policy.name}${policy.files.length > 1 ? ` (${policy.files.join(' → ')})` : ''}, ${selected} of ${rules.length} rules, fail-on ${policy.failOn}, ${policy.waivers.length} waiver(s)${expired.length ? `, ${expired.length} expired` : ''}\n`,
      );
    }
    if (bad) this.exit(EXIT.USAGE);
  }
}
