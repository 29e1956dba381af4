import { Command } from '@oclif/core';
import { EXIT, emit, reportFlags } from '../../cli/output';
import { loadRulesOrExplain } from '../../cli/rules';
import { scanEvidenceSources } from '../../cli/evidence-scan';
import { sourceFlags, UsageError } from '../../cli/sources';
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
    const { rules, errors } = loadRulesOrExplain(flags.rules);
    if (errors.length) {
      for (const e of errors) process.stderr.write(`vmaudit: invalid rule: ${e}\n`);
      this.exit(EXIT.USAGE);
    }
    let scanned;
    try {
      scanned = await scanEvidenceSources('guest', flags, rules.map((r) => r.rule), (acc, bundle) => void scanGuestBundle(acc, bundle));
    } catch (e) {
      if (e instanceof UsageError) {
        process.stderr.write(`vmaudit: ${e.message}\n`);
        this.exit(EXIT.USAGE);
      }
      throw e;
    }
    const code = emit(scanned.result, flags);
    if (code !== 0) this.exit(code);
  }
}
