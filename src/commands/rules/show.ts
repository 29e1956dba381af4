// Subpath imports: the @oclif/core index loads help, ux and semver, which a command run does not need.
import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { EXIT } from '../../cli/output';
import { loadRulesOrExplain } from '../../cli/rules';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ruleMarkdown } from '../../report/common';
import type { Rule } from '../../engine/generated/rule';
import { evidenceOf, factPathsRead } from '../../engine/cel-check';
import { readCaseFile } from '../../engine/testing/rule-cases';

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
    process.stdout.write(sourceSection(rule!.rule, rule!.file));
  }
}

/** Where the rule lives, its cases, what it requires and the evidence the facts it reads come from. */
function sourceSection(rule: Rule, file: string): string {
  const rel = (f: string) => (path.isAbsolute(f) && !path.relative(process.cwd(), f).startsWith('..') ? path.relative(process.cwd(), f) : f);
  const tests = file.replace(/\.ya?ml$/, '.test.yaml');
  const read = fs.existsSync(tests) ? readCaseFile(tests) : undefined;
  const counts = read?.cases ? ` (${read.cases.valid.length} valid, ${read.cases.invalid.length} invalid cases; run them with vmaudit rules test ${rel(path.dirname(file))})` : read ? ' (not valid: see vmaudit rules test)' : '';
  const facts = factPathsRead(rule).filter((f) => f !== 'platform');
  const evidence = [...new Set(facts.flatMap((f) => evidenceOf(rule.scope, f)))];
  const lines = ['## Source', '', `- Rule: ${rel(file)}`, `- Tests: ${fs.existsSync(tests) ? `${rel(tests)}${counts}` : 'none'}`];
  lines.push(`- Requires: ${rule.requires ? (rule.requires.length ? rule.requires.join(', ') : 'nothing (runs whatever is known)') : `${DEFAULT_REQUIRES[rule.scope].join(', ')} (the default for ${rule.scope} rules)`}`);
  lines.push(`- Facts read: ${facts.join(', ') || 'none'} (docs/facts.md)`);
  lines.push('- Evidence read:', ...evidence.map((e) => `  - ${e}`));
  return `\n${lines.join('\n')}\n`;
}

const DEFAULT_REQUIRES: Record<Rule['scope'], string[]> = { domain: ['domain'], host: ['host'], guest: ['guest'], cross: ['host', 'domains'] };
