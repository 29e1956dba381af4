import { Command, Flags } from '@oclif/core';
import { statSync } from 'node:fs';
import { collectEvidence } from '../collect/collect';
import type { EvidenceBundle } from '../collect/evidence';
import { LocalRunner } from '../collect/local';
import { describeItem, manifestFor } from '../collect/manifest';
import { checksOf } from '../collect/manifest-index';
import { collectorScript } from '../collect/raw';
import { loadRules } from '../engine/rule-loader';
import { ScanError } from '../collect/runner';
import { saveSnapshot, serializeSnapshot } from '../collect/snapshot';

export default class Collect extends Command {
  static override summary = 'Collect evidence from this host (or a mounted root, or inside a guest) into a snapshot';

  static override description = `Reads a fixed, declared set of files, directory listings and command outputs (see --list) with one POSIX sh
script and prints the evidence as a JSON snapshot. Nothing on the target is written or restarted.
Audit the snapshot later with \`vmaudit scan host --snapshot FILE\`.`;

  static override examples = [
    '<%= config.bin %> collect --list',
    '<%= config.bin %> collect --output hv01.evidence.json',
    '<%= config.bin %> collect --root /mnt/hv01 --output hv01.json',
    '<%= config.bin %> collect --guest > guest.json',
    '<%= config.bin %> collect --script > vmaudit-collect.sh   # run by Ansible, Salt, SSM...; then scan host --snapshot OUTPUTS',
  ];

  static override flags = {
    root: Flags.string({ summary: 'Audit a mounted or copied root filesystem instead of the running system (live-only commands are skipped).' }),
    guest: Flags.boolean({ summary: 'Collect guest-side evidence (run inside the VM) instead of host evidence.', default: false }),
    list: Flags.boolean({ summary: 'Print what would be read, and why, without reading anything.', default: false }),
    script: Flags.boolean({
      summary: 'Print the compiled POSIX sh collection script instead of running it, for any runner (Ansible, Salt, SSM, Rundeck).',
      description: 'Run it with sh on each target (as the user that should read the evidence, usually root) and save its stdout per host; then `vmaudit scan host --snapshot OUTPUT...` reads those outputs (the host is named by the file). VMAUDIT_ROOT=DIR in its environment audits a mounted root instead of the running system. See docs/orchestrators.md.',
      default: false,
      exclusive: ['list', 'output', 'root'],
    }),
    output: Flags.string({ char: 'o', summary: 'Write the snapshot to FILE instead of stdout.' }),
    name: Flags.string({ summary: 'Name recorded for the target (default: localhost, or the --root directory).' }),
    timeout: Flags.integer({ summary: 'Abort the collection after this many seconds.', default: 600, min: 1 }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Collect);
    const kind = flags.guest ? 'guest' : 'host';
    if (flags.root !== undefined && !isDirectory(flags.root)) this.error(`--root ${flags.root}: not a directory`, { exit: 2 });
    if (flags.list) {
      this.printList(kind);
      return;
    }
    if (flags.script) {
      process.stdout.write(collectorScript(kind));
      return;
    }
    const runner = new LocalRunner({ label: flags.root ?? 'localhost' });
    const name = flags.name ?? flags.root ?? 'localhost';
    this.logToStderr(`vmaudit: collecting ${kind} evidence from ${name}${flags.root ? ' (root directory, live-only commands skipped)' : ''}...`);
    let bundle: EvidenceBundle;
    try {
      bundle = await collectEvidence(runner, {
        kind,
        root: flags.root,
        live: flags.root === undefined,
        name,
        timeoutMs: flags.timeout * 1000,
        onProblem: (m) => this.logToStderr(`vmaudit: warning: ${m}`),
      });
      if (flags.output) saveSnapshot(flags.output, bundle);
    } catch (e) {
      if (e instanceof ScanError) this.error(e.message, { exit: e.kind === 'input' ? 2 : 3 });
      throw e;
    }
    if (!flags.output) process.stdout.write(serializeSnapshot(bundle));
    const files = Object.values(bundle.files);
    const count = (s: string): number => files.filter((f) => f.state === s).length;
    const cmds = Object.values(bundle.commands);
    this.logToStderr(
      `vmaudit: ${files.length} files (${count('ok')} read, ${count('missing')} missing, ${count('denied')} denied, ${count('error')} errors), ` +
        `${Object.keys(bundle.dirs).length} directories, ${cmds.length} commands (${cmds.filter((c) => c.state === 'ok').length} ran)` +
        `${bundle.privileged ? '' : '; not root: some evidence is unavailable'}${flags.output ? `; written to ${flags.output}` : ''}`,
    );
  }

  private printList(kind: 'host' | 'guest'): void {
    const lines = [`# ${kind} evidence read by \`vmaudit collect${kind === 'guest' ? ' --guest' : ''}\` (one sh script; nothing is written)`];
    const rules = loadRules().rules.map((l) => l.rule);
    for (const item of manifestFor(kind)) {
      const checks = checksOf(item, rules);
      lines.push(`- ${describeItem(item)}`, `    why: ${item.why}${checks.length ? ` [${checks.join(', ')}]` : ''}${item.unread && !checks.length ? ` (read by no rule: ${item.unread})` : ''}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

