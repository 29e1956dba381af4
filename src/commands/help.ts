// Subpath imports: the @oclif/core index loads ux and semver, which only help needs (and then loads itself).
import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import { Help } from '@oclif/core/help';

/**
 * `vmaudit help [COMMAND...]`: the help `--help`/`-h` print, for a command given with spaces (`help scan host`) or
 * a topic (`help scan`). oclif 4 shows help for flags only; this is @oclif/plugin-help's command without the plugin
 * (one more package loaded at every start-up for one command).
 */
export default class HelpCommand extends Command {
  static override summary = 'Show help for vmaudit, a topic or a command';
  static override examples = ['<%= config.bin %> help scan', '<%= config.bin %> help scan host', '<%= config.bin %> scan domain -h'];
  static override strict = false;
  static override args = { command: Args.string({ description: 'a topic or command, words separated by spaces (e.g. scan host)', required: false }) };

  async run(): Promise<void> {
    const { argv } = await this.parse(HelpCommand);
    const words = argv as string[];
    const id = words.join(':');
    if (words.length > 0 && !this.config.findCommand(id) && !this.config.findTopic(id)) {
      process.stderr.write(`vmaudit: no command or topic "${words.join(' ')}" (vmaudit help lists them)\n`);
      this.exit(2);
    }
    await new Help(this.config, this.config.pjson.oclif.helpOptions).showHelp(words);
  }
}
