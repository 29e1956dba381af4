// Subpath imports: the @oclif/core index loads help, ux and semver, which a command run does not need.
import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { parseManyArgs } from '../../cli/argv';
import { expandDomainArgs, STDIN_NAME } from '../../cli/domain-inputs';
import { provideSource, reportFlags } from '../../cli/output';
import { runScan } from '../../cli/scan';
import { scanDomainFilesParallel, workerCount } from '../../engine/scan-parallel';
import { UsageError } from '../../cli/usage-error';
import { termText } from '../../report/escape';
import type * as ImageScan from '../../collect/image/scan';

export default class ScanDomain extends Command {
  static override summary = 'Audit libvirt domain XML files';
  static override description =
    'Checks each domain XML (as written for `virsh define`, or from `virsh dumpxml`) against the domain rules. ' +
    'A file that cannot be read or parsed is reported with its line and does not stop the others. ' +
    'FILE "-" reads one domain from stdin (reported as <stdin>). A directory stands for the *.xml files directly in it, ' +
    'in name order (subdirectories are not searched; hidden files are skipped).';
  static override examples = [
    '<%= config.bin %> <%= command.id %> vms/*.xml',
    '<%= config.bin %> <%= command.id %> /etc/libvirt/qemu',
    'virsh dumpxml vm1 | <%= config.bin %> <%= command.id %> -',
    '<%= config.bin %> <%= command.id %> vms/ -o report.sarif -o report.html',
    '<%= config.bin %> <%= command.id %> vms/ --output sarif=vmaudit.sarif --output json=vmaudit.json',
    '<%= config.bin %> <%= command.id %> vm.xml --format sarif --output vm.sarif',
    '<%= config.bin %> <%= command.id %> vm.xml --format json --fail-on high',
    '<%= config.bin %> <%= command.id %> vms/*.xml --policy ./our-policy.yaml --baseline main.sarif',
    '<%= config.bin %> <%= command.id %> /etc/libvirt/qemu/vm01.xml --with-disks --verbose',
    '<%= config.bin %> <%= command.id %> vms/*.xml --format html --output report.html',
  ];
  static override strict = false;
  static override args = { files: Args.string({ description: 'domain XML files, directories of them, or - (stdin)', required: true }) };
  static override flags = {
    'with-disks': Flags.boolean({
      summary: "Also audit each domain's own file/block disks offline, read-only, through libguestfs, together with its XML (guest rules; see docs/images.md).",
    }),
    timeout: Flags.integer({ summary: 'With --with-disks: seconds one disk image may take.', default: 600, min: 1 }),
    ...reportFlags,
  };

  async run(): Promise<void> {
    // Batches of thousands of files: oclif's parser alone would be quadratic in their number.
    const { argv, flags } = await parseManyArgs(this.argv, ScanDomain.flags, (a) => this.parse(ScanDomain, a));
    await runScan(this, flags, async (rules, selection) => {
      if (flags['with-disks']) {
        if ((argv as string[]).includes('-')) throw new UsageError('--with-disks reads the disks named by domain files, not by stdin (-)');
        const { files } = await expandDomainArgs(argv as string[]);
        process.stderr.write(`vmaudit: auditing ${files.length} domain${files.length === 1 ? '' : 's'} with their disks (read-only, libguestfs: one appliance launch per disk)...\n`);
        const log = flags.verbose ? (line: string) => process.stderr.write(`${termText(line)}\n`) : undefined;
        // Loaded only for image scans: libguestfs handling is not part of every scan's start-up.
        const { scanDomainsWithDisks } = require('../../collect/image/scan') as typeof ImageScan;
        return scanDomainsWithDisks(files, rules, selection, { timeoutSec: flags.timeout, log });
      }
      const { files, inputs } = await expandDomainArgs(argv as string[]);
      for (const i of inputs) if (i.file === STDIN_NAME && i.text !== undefined) provideSource(STDIN_NAME, i.text);
      return scanDomainFilesParallel(files, rules, selection, workerCount(files.length), inputs);
    });
  }
}
