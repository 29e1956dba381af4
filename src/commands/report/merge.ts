import * as fs from 'node:fs';
import { Args, Command, Flags } from '@oclif/core';
import { EXIT } from '../../cli/output';
import { jsonSafe, termText } from '../../report/escape';
import { mergeSarif, type SarifInput } from '../../report/sarif-merge';
import { readInputText } from '../../util/read-input';

export default class ReportMerge extends Command {
  static override summary = 'Merge SARIF files (e.g. one per fleet shard) into one: one run per tool and category';
  static override description =
    'Runs of the same tool and category (automationDetails.id) become one run: rules are deduplicated, results keep their fingerprints (a result present in two inputs is kept once), scan errors and not-evaluated notes are kept. Upload the merged file once: GitHub code scanning keeps only the last upload per category and accepts at most 20 runs per file. Every input is validated first; a bad one is reported as FILE:LINE:COLUMN and nothing is written (exit 2).';
  static override examples = [
    '<%= config.bin %> <%= command.id %> shard-1.sarif shard-2.sarif shard-3.sarif --output fleet.sarif',
    '<%= config.bin %> <%= command.id %> results/*.sarif > fleet.sarif',
  ];
  static override strict = false;
  static override args = { files: Args.string({ description: 'SARIF files to merge', required: true }) };
  static override flags = {
    output: Flags.string({ char: 'o', description: 'write the merged SARIF to FILE instead of stdout' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ReportMerge);
    const files = argv as string[];
    const inputs: SarifInput[] = [];
    let unreadable = false;
    for (const file of files) {
      const r = readInputText(file, 'sarif');
      if (r.ok) inputs.push({ file, text: r.data });
      else {
        process.stderr.write(`vmaudit: ${file}: ${r.reason}\n`);
        unreadable = true;
      }
    }
    const out = mergeSarif(inputs);
    for (const p of out.problems) {
      const where = p.location ? `${p.location.file}:${p.location.line}:${p.location.column}` : '';
      process.stderr.write(`vmaudit: ${termText(`${where}: ${p.message}`)}\n`);
    }
    if (unreadable || !out.log) this.exit(EXIT.USAGE);
    for (const w of out.warnings) process.stderr.write(`vmaudit: warning: ${termText(w)}\n`);
    const text = jsonSafe(JSON.stringify(out.log, null, 2)) + '\n';
    if (flags.output) fs.writeFileSync(flags.output, text);
    else process.stdout.write(text);
    const runs = out.log!.runs;
    process.stderr.write(`vmaudit: merged ${files.length} files into ${runs.length} run${runs.length === 1 ? '' : 's'} (${runs.reduce((n, r) => n + (r.results?.length ?? 0), 0)} results)\n`);
  }
}
