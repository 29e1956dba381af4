import { Command, Flags } from '@oclif/core';
import { reportFlags } from '../../cli/output';
import { runScan } from '../../cli/scan';
import { scanEvidenceSources } from '../../cli/evidence-scan';
import { sourceFlags, UsageError } from '../../cli/sources';
import { scanGuestBundle } from '../../engine/scan-guest';
import { termText } from '../../report/escape';
import type * as ImageScan from '../../collect/image/scan';

export default class ScanGuest extends Command {
  static override summary = 'Audit a guest (inside the VM): qemu-ga RPC filtering, vTPM / measured boot, haltpoll, PV spinlocks';
  static override description = `Collects guest-side evidence (read-only, one script) from this VM, a mounted guest root (--root), snapshots made
by \`vmaudit collect --guest\` (--snapshot), SSH targets, or disk images read offline through libguestfs (--image:
qcow2, raw and whatever qemu-img recognises, backing chains included; never written), and evaluates the guest rules.`;
  static override examples = [
    'sudo <%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --target ssh://root@vm01',
    '<%= config.bin %> <%= command.id %> --root /mnt/vm01-root --format json',
    '<%= config.bin %> <%= command.id %> --image golden.qcow2 --image template.raw --verbose',
  ];
  static override flags = {
    ...sourceFlags,
    image: Flags.string({
      summary: 'Audit a VM disk image offline, read-only, through libguestfs (repeatable; one appliance launch per image; see docs/images.md).',
      multiple: true,
      multipleNonGreedy: true,
    }),
    'image-format': Flags.string({
      summary: 'Format of every --image (raw, qcow2, vmdk...): read as that, never probed. Give it for images you do not trust: a raw image whose guest wrote a qcow2 header into it is otherwise read as qcow2.',
    }),
    ...reportFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ScanGuest);
    const images = flags.image ?? [];
    if (images.length) {
      const others = [flags.root !== undefined && '--root', (flags.snapshot?.length ?? 0) > 0 && '--snapshot', (flags.target?.length ?? 0) + (flags['targets-file']?.length ?? 0) + (flags.inventory?.length ?? 0) > 0 && '--target/--inventory'].filter(Boolean);
      await runScan(this, flags, async (rules, selection) => {
        if (flags['image-format'] !== undefined && !/^[a-z0-9]+$/.test(flags['image-format'])) throw new UsageError(`--image-format ${JSON.stringify(flags['image-format'])}: a qemu format name such as raw or qcow2`);
        if (others.length) throw new UsageError(`choose one source: --image or ${others.join(' or ')}`);
        process.stderr.write(`vmaudit: inspecting ${images.length} disk image${images.length === 1 ? '' : 's'} read-only with libguestfs (one appliance launch each)...\n`);
        const log = flags.verbose ? (line: string) => process.stderr.write(`${termText(line)}\n`) : undefined;
        // Loaded only for image scans: libguestfs handling is not part of every scan's start-up.
        const { scanGuestImages } = require('../../collect/image/scan') as typeof ImageScan;
        return scanGuestImages(images, rules, selection, { timeoutSec: flags.timeout, log }, flags['image-format']);
      });
      return;
    }
    await runScan(this, flags, async (rules, selection) => (await scanEvidenceSources('guest', flags, rules, (acc, bundle) => void scanGuestBundle(acc, bundle), selection)).result);
  }
}
