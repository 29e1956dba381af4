import { Command } from '@oclif/core';
import { reportFlags } from '../../cli/output';
import { runScan } from '../../cli/scan';
import { scanEvidenceSources } from '../../cli/evidence-scan';
import { sourceFlags } from '../../cli/sources';
import { scanGuestBundle } from '../../engine/scan-guest';

export default class ScanGuest extends Command {
  static override summary = 'Audit a guest (inside the VM): qemu-ga RPC filtering, vTPM / measured boot, haltpoll, PV spinlocks';
  static override description = `Collects guest-side evidence (read-only, one script) from this VM, a mounted guest root (--root), snapshots made
by \`vmaudit collect --guest\` (--snapshot), or SSH targets, and evaluates the guest rules.`;
  static override examples = [
    'sudo <%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --target ssh://root@vm01',
    '<%= config.bin %> <%= command.id %> --root /mnt/vm01-root --format json',
  ];
  static override flags = { ...sourceFlags, ...reportFlags };

  async run(): Promise<void> {
    const { flags } = await this.parse(ScanGuest);
    await runScan(this, flags, async (rules, selection) => (await scanEvidenceSources('guest', flags, rules, (acc, bundle) => void scanGuestBundle(acc, bundle), selection)).result);
  }
}
