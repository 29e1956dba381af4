import { Command, Flags } from '@oclif/core';
import { manifestFor } from '../../collect/manifest';
import { reportFlags } from '../../cli/output';
import { runScan } from '../../cli/scan';
import { libvirtAbsence, scanEvidenceSources } from '../../cli/evidence-scan';
import { sourceFlags } from '../../cli/sources';
import { scanHostBundle } from '../../engine/scan-host';

export default class ScanHost extends Command {
  static override summary = 'Audit a KVM host: libvirt, SASL, sVirt, qemu.conf, kernel tuning and every domain on it';
  static override description = `Collects evidence (read-only, one script per host) from this machine, a mounted root (--root), snapshots made
by \`vmaudit collect\` (--snapshot), or SSH targets (--target / --targets-file / --inventory), and evaluates the host,
domain and cross (host × domain) rules. A target that cannot be scanned is reported and does not stop the others.`;
  static override examples = [
    'sudo <%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --root /mnt/hv01',
    '<%= config.bin %> <%= command.id %> --snapshot hv01.snapshot.json --format sarif --output hv01.sarif',
    '<%= config.bin %> <%= command.id %> --target ssh://auditor@hv01.example:22 --sudo',
    'sudo <%= config.bin %> <%= command.id %> --guests',
    '<%= config.bin %> <%= command.id %> --inventory inventory.ini --limit kvm_hosts --concurrency 32 --format sarif --output fleet.sarif',
  ];
  static override flags = {
    ...sourceFlags,
    ...reportFlags,
    guests: Flags.boolean({
      summary: "Also ask each running domain's qemu-ga which RPCs it has enabled (virsh qemu-agent-command guest-info) and audit the answers as guests <host>/<domain>.",
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ScanHost);
    await runScan(this, flags, async (rules, selection) => {
      let absent: string | undefined;
      const scanned = await scanEvidenceSources(
        'host',
        flags,
        rules,
        (acc, bundle) => {
          const missing = libvirtAbsence(bundle);
          if (!missing) return scanHostBundle(acc, bundle, { guests: flags.guests });
          // This machine: a short "nothing to audit" note instead of a report. Another target (a root, snapshot or SSH
          // host) without libvirt is more likely a wrong path or inventory entry: it could not be audited (exit 3).
          if (bundle.target.transport === 'local') absent = missing;
          else {
            const hint = bundle.target.transport === 'root' ? ' (is --root the root directory of a KVM host?)' : '';
            acc.addError({ target: { kind: 'host', name: bundle.target.name }, kind: 'no-libvirt', message: `${bundle.target.name}: nothing to audit: ${missing}${hint}` });
          }
        },
        selection,
        manifestFor('host', { guestAgents: flags.guests }),
      );
      if (!absent) return scanned.result;
      process.stdout.write(`Nothing to audit on this machine: ${absent}.\nvmaudit audits KVM/libvirt hosts; to audit another host use --target, --root or --snapshot (see \`vmaudit scan host --help\`).\n`);
      return undefined;
    });
  }
}
