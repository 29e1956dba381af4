import type * as Sarif from 'sarif';
import type { Rule } from '../engine/generated/rule';
import type { Finding, FindingFix, ScanResult } from '../engine/findings';
import { planEdits, type PlannedFix } from '../fix/edit';
import { remediationOf } from './common';

/** A finding's fix as data: its rendered `remediation.fix`, or (a finding made before fixes were data) a replace-element snippet. */
export function fixOf(f: Finding, rule: Rule | undefined): FindingFix | undefined {
  if (f.fix) return f.fix;
  const s = rule ? remediationOf(rule, f).snippet : undefined;
  return s?.fix === 'replace-element' && s.language === 'xml' ? { kind: 'replace-element', content: s.content } : undefined;
}

/**
 * The computed edits of every domain-XML finding with an automatic fix, planned per file (src/fix planEdits): edits
 * that touch the same text are merged when they compose, else the later ones are conflicts (they need the first one
 * applied: `vmaudit fix domain` computes them again). Keyed by fingerprint. Only where the source text is available.
 */
export function planFixes(result: Pick<ScanResult, 'findings'>, rules: ReadonlyMap<string, Rule>, source: ((file: string) => string | undefined) | undefined): Map<string, PlannedFix> {
  const out = new Map<string, PlannedFix>();
  if (!source) return out;
  const byFile = new Map<string, Finding[]>();
  for (const f of result.findings) {
    if (f.target.kind !== 'domain' || !f.location) continue;
    const fix = fixOf(f, rules.get(f.ruleId));
    if (!fix || fix.kind === 'choice' || fix.choice?.trim()) continue;
    const list = byFile.get(f.location.file) ?? [];
    list.push({ ...f, fix });
    byFile.set(f.location.file, list);
  }
  for (const [file, findings] of byFile) {
    const text = source(file);
    if (text === undefined) continue;
    for (const [fp, p] of planEdits(text, findings).byFinding) out.set(fp, p);
  }
  return out;
}

/**
 * The SARIF fix of a domain-XML finding whose rule has an automatic fix: its planned edit (planFixes) as one
 * replacement with its exact region (lines/columns, and charOffset/charLength in the file's text). An edit merged for
 * several findings is given once, on the first of them (the others name it in properties.fixedWith); a conflicting
 * fix (it needs another applied first) and a fix that needs the operator's choice have none.
 */
export function sarifFixFor(f: Finding, rule: Rule | undefined, plan: PlannedFix | undefined, uri: Sarif.ArtifactLocation): Sarif.Fix | undefined {
  if (!plan || plan.status !== 'edit' || !plan.primary) return undefined;
  const rem = rule ? remediationOf(rule, f) : undefined;
  const e = plan.edit;
  const also = (e.fixes ?? []).length - 1;
  return {
    description: { text: `${rem?.text.trim() ?? `Fix for ${f.ruleId}`}${also > 0 ? ` (this change also fixes ${also} other finding${also === 1 ? '' : 's'} of the same element)` : ''}` },
    artifactChanges: [
      {
        artifactLocation: uri,
        replacements: [
          {
            deletedRegion: { startLine: e.startLine, startColumn: e.startColumn, endLine: e.endLine, endColumn: e.endColumn, charOffset: e.start, charLength: e.end - e.start },
            insertedContent: { text: e.newText },
          },
        ],
      },
    ],
  };
}
