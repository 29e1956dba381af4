import { Args, Command } from '@oclif/core';
import { reportFlags } from '../../cli/output';
import { runScan } from '../../cli/scan';
import { scanDomainFiles } from '../../engine/scan-domains';

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
    const { argv, flags } = await this.parse(ScanDomain);
    await runScan(this, flags, (rules, selection) => scanDomainFiles(argv as string[], rules, selection));
  }
}
