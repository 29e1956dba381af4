// Subpath imports: the @oclif/core index loads help, ux and semver, which a command run does not need.
import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { EXIT } from '../../cli/output';
import { testRuleDir } from '../../engine/testing/test-dir';

export default class RulesTest extends Command {
  static override summary = "Run your rules against their test cases (<ID>.test.yaml next to <ID>.yaml)";
  static override description =
    'Each rule in DIR is run on the inputs of its valid cases (no finding expected) and invalid cases (exactly the findings listed, each with its line and a part of its message), with the harness vmaudit tests its own rules with. Exit 0: every case passed; 1: a case failed; 2: a rule or case file is not valid (unknown key, duplicate case, a CEL field the fact model does not have...). See docs/writing-rules.md.';
  static override args = { dir: Args.string({ description: 'directory of rule files and their .test.yaml cases', required: true }) };
  static override flags = { json: Flags.boolean({ description: 'print the outcome of every case as JSON' }) };
  static override examples = ['<%= config.bin %> rules test ./my-rules'];

  async run(): Promise<void> {
    const { args, flags } = await this.parse(RulesTest);
    const { rules, errors } = testRuleDir(args.dir);
    const cases = rules.flatMap((r) => r.cases);
    const failed = cases.filter((c) => c.failures.length).length;
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ rules, errors, summary: { rules: rules.length, cases: cases.length, passed: cases.length - failed, failed, badFiles: errors.length } }, null, 2)}\n`);
    } else {
      for (const r of rules) {
        process.stdout.write(`${r.id}  ${r.casesFile}\n`);
        for (const c of r.cases) {
          process.stdout.write(`  ${c.failures.length ? '✗' : '✓'} ${c.kind}: ${c.name}\n`);
          for (const f of c.failures) process.stdout.write(`      ${f}\n`);
        }
      }
      for (const e of errors) process.stderr.write(`vmaudit: ${e.file}${e.line ? `:${e.line}` : ''}${e.path ? ` ${e.path}` : ''}: ${e.message}\n`);
      process.stdout.write(`${rules.length} rule(s), ${cases.length} case(s): ${cases.length - failed} passed, ${failed} failed${errors.length ? `; ${errors.length} problem(s) in rule or case files` : ''}\n`);
    }
    if (errors.length) this.exit(EXIT.USAGE);
    if (failed) this.exit(EXIT.GATE_FAILED);
  }
}
