// Subpath imports: the @oclif/core index loads help, ux and semver, which a command run does not need.
import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { parseManyArgs } from '../../cli/argv';
import { EXIT } from '../../cli/output';
import { prepareScan, type ScanFlags } from '../../cli/scan';
import { runFixDomain } from '../../fix/run';

export default class FixDomain extends Command {
  static override summary = 'Write corrected domain XML for the findings that have an automatic fix';
  static override description =
    'Scans each domain XML file, applies the automatic fixes of its findings (marked [auto-fix] by `vmaudit rules list`) ' +
    'as edits at their exact places in the original text, so everything else keeps its bytes (comments, quotes, ' +
    'indentation), and checks the result by scanning it again. Prints a unified diff by default; --output-dir writes ' +
    'the corrected files, --in-place rewrites them (after a FILE.bak copy). Findings that need a choice (named) or ' +
    'have no automatic fix are listed on stderr. It never touches a host (no virsh define). ' +
    'Exit 0: nothing left to fix; 1: findings remain (or a file could not be fixed); 2: usage.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> vm.xml',
    '<%= config.bin %> <%= command.id %> vms/*.xml --output-dir fixed/',
    '<%= config.bin %> <%= command.id %> vm.xml --rule DOM-SEC-001 --in-place',
    '<%= config.bin %> <%= command.id %> vm.xml --diff | patch -p1',
  ];
  static override strict = false;
  static override args = { files: Args.string({ description: 'domain XML files', required: true }) };
  static override flags = {
    diff: Flags.boolean({ description: 'print a unified diff on stdout (the default without --output-dir/--in-place)' }),
    'output-dir': Flags.string({ description: 'write the corrected files into DIR (same base names)', exclusive: ['in-place'] }),
    'in-place': Flags.boolean({ description: 'rewrite the files themselves, keeping the original as FILE.bak', exclusive: ['output-dir'] }),
    rule: Flags.string({ description: 'fix only this rule (repeatable)', multiple: true, multipleNonGreedy: true }),
    policy: Flags.string({ char: 'p', description: 'policy: a shipped name (default, security-baseline, performance, pre-production, strict) or a YAML file' }),
    rules: Flags.string({ description: 'also load rules from DIR (repeatable)', multiple: true, multipleNonGreedy: true }),
    platform: Flags.string({ description: 'versions to judge for, e.g. libvirt=9.0,qemu=7.2,kernel=6.1' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await parseManyArgs(this.argv, FixDomain.flags, (a) => this.parse(FixDomain, a));
    const setup = prepareScan({ policy: flags.policy, rules: flags.rules, platform: flags.platform, verbose: false } as ScanFlags);
    if (!setup) this.exit(EXIT.USAGE);
    const code = runFixDomain(argv as string[], setup!, {
      diff: flags.diff || (!flags['output-dir'] && !flags['in-place']),
      outputDir: flags['output-dir'],
      inPlace: flags['in-place'],
      rules: flags.rule,
    });
    if (process.stdout.writableLength > 0) await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
    if (code !== 0) this.exit(code);
  }
}
