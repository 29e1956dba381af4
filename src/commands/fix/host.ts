import * as fs from 'node:fs';
import { Command, Flags } from '@oclif/core';
import { manifestFor } from '../../collect/manifest';
import { oneOf } from '../../cli/enum-flag';
import { EXIT } from '../../cli/output';
import { prepareScan, type ScanFlags } from '../../cli/scan';
import { libvirtAbsence, scanEvidenceSources } from '../../cli/evidence-scan';
import { sourceFlags } from '../../cli/sources';
import { scanHostBundle } from '../../engine/scan-host';
import { planHostFixes, renderAnsible, renderSh } from '../../fix/host';
import { termText } from '../../report/escape';

export default class FixHost extends Command {
  static override summary = 'Write an Ansible playbook or a POSIX sh script of the host-side fixes (never runs it)';
  static override description = `Scans the host like \`scan host\` (this machine, --root, --snapshot, --target ...) and writes the fixes of its
host findings whose rules have one (virConf keys, file modes/owners, sysfs values with their sysfs.d line): each task
idempotent and tagged with its rule ids and finding locations. A fix that needs the operator's choice is written
commented out with its named placeholder. Paths are written under --prefix (default /): with --root, point it at a copy
to try the fixes there. vmaudit never runs the result.
Exit 0: every finding has a fix in the output; 1: findings remain (listed on stderr and as comments); 2: usage; 3: a
target could not be scanned.`;
  static override examples = [
    'sudo <%= config.bin %> <%= command.id %> -o fixes.yml && ansible-playbook --check --diff fixes.yml',
    '<%= config.bin %> <%= command.id %> --root /mnt/hv01 --prefix /mnt/hv01 --format sh -o fix.sh',
    '<%= config.bin %> <%= command.id %> --inventory inventory.ini --limit kvm_hosts -o fixes.yml',
  ];
  static override flags = {
    ...sourceFlags,
    format: Flags.string(oneOf(['ansible', 'sh'], { char: 'f', summary: 'ansible (a playbook) or sh (a POSIX shell script, one host).', default: 'ansible' })),
    output: Flags.string({ char: 'o', summary: "Write to FILE instead of stdout ('-' is stdout)." }),
    prefix: Flags.string({ summary: 'Directory the fixed paths are written under (default /: the host itself).', default: '/' }),
    rule: Flags.string({ summary: 'Only the fixes of this rule (repeatable).', multiple: true, multipleNonGreedy: true }),
    policy: Flags.string({ char: 'p', summary: 'policy: a shipped name or a YAML file' }),
    rules: Flags.string({ summary: 'also load rules from DIR (repeatable)', multiple: true, multipleNonGreedy: true }),
    platform: Flags.string({ summary: 'versions to judge for, e.g. libvirt=9.0,qemu=7.2,kernel=6.1' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(FixHost);
    const err = (s: string) => process.stderr.write(s);
    if (!flags.prefix.startsWith('/')) {
      err(`vmaudit: --prefix ${flags.prefix}: must be an absolute path\n`);
      this.exit(EXIT.USAGE);
    }
    const setup = prepareScan({ policy: flags.policy, rules: flags.rules, platform: flags.platform } as ScanFlags);
    if (!setup) this.exit(EXIT.USAGE);
    const known = new Set(setup!.rules.map((r) => r.id));
    const unknown = (flags.rule ?? []).filter((id) => !known.has(id));
    if (unknown.length) {
      err(`vmaudit: --rule ${unknown.join(', ')}: no such rule\n`);
      this.exit(EXIT.USAGE);
    }
    const only = flags.rule?.length ? new Set(flags.rule) : undefined;
    const base = setup!.policy.selection;
    const selection = only ? { ...base, enabled: (r: Parameters<typeof base.enabled>[0]) => only.has(r.id) && base.enabled(r) } : base;
    const transports = new Map<string, string>();
    const { result } = await scanEvidenceSources(
      'host',
      flags,
      setup!.rules,
      (acc, bundle) => {
        transports.set(bundle.target.name, bundle.target.transport);
        const missing = libvirtAbsence(bundle);
        if (!missing) return scanHostBundle(acc, bundle, { guests: false });
        acc.addError({ target: { kind: 'host', name: bundle.target.name }, kind: 'no-libvirt', message: `${bundle.target.name}: nothing to fix: ${missing}` });
      },
      selection,
      manifestFor('host', { guestAgents: false }),
    );
    for (const e of result.errors) err(`vmaudit: ${termText(e.message)}\n`);
    const plans = planHostFixes(result, transports);
    if (flags.format === 'sh' && plans.length !== 1) {
      err(`vmaudit: --format sh writes one host's script: ${plans.length} hosts were scanned (use --format ansible)\n`);
      this.exit(result.errors.length ? EXIT.TARGETS_FAILED : EXIT.USAGE);
    }
    const header = [
      `vmaudit fix host: written by vmaudit, not run by it. Review, then run it yourself${flags.format === 'ansible' ? ' (ansible-playbook FILE; --check --diff to preview)' : ' (sh FILE, as root)'}.`,
      'Each change is idempotent: run again, it changes nothing.',
    ].join('\n');
    const text = flags.format === 'sh' ? renderSh(plans[0], flags.prefix, header) : renderAnsible(plans, flags.prefix, header);
    if (flags.output && flags.output !== '-') fs.writeFileSync(flags.output, text);
    else process.stdout.write(text);
    let remain = 0;
    for (const p of plans) {
      for (const a of p.actions) if (a.choice) for (const f of a.fixes) (remain++, err(`vmaudit: ${p.target.name}: ${f}: needs a choice: ${a.choice}\n`));
      for (const r of p.remaining) (remain++, err(`vmaudit: ${p.target.name}: ${r.finding}: ${r.why}\n`));
      const n = p.actions.filter((a) => !a.choice).length;
      err(`vmaudit: ${p.target.name}: ${n} fix${n === 1 ? '' : 'es'} written, ${p.remaining.length} finding${p.remaining.length === 1 ? '' : 's'} without a host fix\n`);
    }
    if (process.stdout.writableLength > 0) await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
    if (result.errors.length) this.exit(EXIT.TARGETS_FAILED);
    if (remain) this.exit(1);
  }
}
