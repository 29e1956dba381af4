import type * as Sarif from 'sarif';
import type { Rule } from '../engine/generated/rule';
import type { Finding, FindingFix } from '../engine/findings';
import { computeEdit } from '../fix/edit';
import { remediationOf } from './common';

/**
 * The SARIF fix of a domain-XML finding whose rule has an automatic fix (`remediation.fix`, or a snippet declared
 * `fix: replace-element`): the edit src/fix computes from the finding and the file's text, as one replacement
 * with its exact region (lines/columns, and charOffset/charLength in the file's text). Only when the source text is
 * available and the edit can be computed; never for a fix that needs the operator's choice.
 */
export function sarifFixFor(f: Finding, rule: Rule | undefined, source: ((file: string) => string | undefined) | undefined, uri: Sarif.ArtifactLocation): Sarif.Fix | undefined {
  if (f.target.kind !== 'domain' || !f.location || !source) return undefined;
  const rem = rule ? remediationOf(rule, f) : undefined;
  const s = rem?.snippet;
  // A finding made before fixes were data (or by hand): a replace-element snippet is its fix.
  const fix: FindingFix | undefined = f.fix ?? (s?.fix === 'replace-element' && s.language === 'xml' ? { kind: 'replace-element', content: s.content } : undefined);
  if (!fix || fix.kind === 'choice') return undefined;
  const text = source(f.location.file);
  if (text === undefined) return undefined;
  const r = computeEdit(text, { ...f, fix });
  if (!r.ok) return undefined;
  const e = r.edit;
  return {
    description: { text: rem?.text.trim() ?? `Fix for ${f.ruleId}` },
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
