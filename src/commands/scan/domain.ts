// Subpath imports: the @oclif/core index loads help, ux and semver, which a command run does not need.
import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import { parseManyArgs } from '../../cli/argv';
import { reportFlags } from '../../cli/output';
import { runScan } from '../../cli/scan';
import { scanDomainFilesParallel } from '../../engine/scan-parallel';

export default class ScanDomain extends Command {
  static override summary = 'Audit libvirt domain XML files';
  static override description =
    'Checks each domain XML (as written for `virsh define`, or from `virsh dumpxml`) against the domain rules. ' +
    'A file that cannot be read or parsed is reported with its line and does not stop the others.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> vms/*.xml',
    '<%= config.bin %> <%= command.id %> vm.xml --format sarif --output vm.sarif',
    '<%= config.bin %> <%= command.id %> vm.xml --format json --fail-on high',
    '<%= config.bin %> <%= command.id %> vms/*.xml --policy ./our-policy.yaml --baseline main.sarif',
    '<%= config.bin %> <%= command.id %> vms/*.xml --format html --output report.html',
  ];
  static override strict = false;
  static override args = { files: Args.string({ description: 'domain XML files', required: true }) };
  static override flags = { ...reportFlags };

  async run(): Promise<void> {
    // Batches of thousands of files: oclif's parser alone would be quadratic in their number.
    const { argv, flags } = await parseManyArgs(this.argv, ScanDomain.flags, (a) => this.parse(ScanDomain, a));
    await runScan(this, flags, (rules, selection) => scanDomainFilesParallel(argv as string[], rules, selection));
  }
}
