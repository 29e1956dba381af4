import type { Finding } from '../engine/findings';
import type { Rule } from '../engine/generated/rule';
import { domainFileRules, scanDomainInput } from '../engine/scan-domains';
import { ScanAccumulator, type RuleSelection } from '../engine/scan';
import { decodeXmlBytes, MAX_XML_BYTES } from '../facts/xml';
import { readRegularFile } from '../util/read-input';
import { applyEdits, planEdits, type TextEdit } from './edit';

/** A finding left after fixing, and why it was not fixed. */
export interface Remaining {
  ruleId: string;
  subject: string;
  line: number | null;
  /** `choice` for a fix that needs the operator's decision, `manual` for a rule without an automatic fix. */
  why: 'choice' | 'manual' | 'failed';
  reason: string;
}

export interface DomainFix {
  /** As the reports name it (relative to the working directory). */
  file: string;
  /** Original bytes (undefined when the file could not be read). */
  original?: Buffer;
  text?: string;
  /** The corrected text; undefined when nothing was changed (or the fix was refused: see `error`). */
  fixedText?: string;
  applied: TextEdit[];
  /** Every finding of the original text that the fixed text no longer has (by an edit, a merged edit or a later round). */
  fixed?: { ruleId: string; subject: string; line: number | null }[];
  remaining: Remaining[];
  /** Why the file was not fixed at all (unreadable, not a domain, a fix that did not verify). */
  error?: string;
}

function scanText(file: string, text: string, rules: readonly Rule[], selection: RuleSelection) {
  const acc = new ScanAccumulator(domainFileRules(rules), selection);
  scanDomainInput(acc, { file, text });
  return acc.result();
}

const MAX_ROUNDS = 5;

/**
 * Fixes one domain document's text: every finding whose rule has an automatic fix gets its edit (computed from the
 * finding and the text), the edits are applied by offset into the original text (nothing is re-serialised), and the
 * result is scanned again with the same rules: it must parse, every fixed finding must be gone and no finding may
 * be new; otherwise nothing is changed and `error` says why. Pure (no I/O).
 *
 * Fixes that touch the same text are merged when they compose (planEdits); the others are sequenced: they are
 * computed again, from the rescan of the text the first round produced, in a further round (up to MAX_ROUNDS). The
 * result is checked against the original: every fixed finding gone, none new.
 */
export function fixDomainText(file: string, text: string, rules: readonly Rule[], selection: RuleSelection): DomainFix {
  const before = scanText(file, text, rules, selection);
  // A document that yields no domain (a scan error, or the one fatal DOM-XML-001 finding that reports it): not fixed.
  const unparsed = [...before.errors.map((e) => e.message), ...before.findings.filter((f) => f.fatal).map((f) => `${f.location?.file ?? file}:${f.location?.line ?? 1}:${f.location?.column ?? 1}: ${f.message}`)];
  if (unparsed.length) return { file, text, applied: [], remaining: [], error: unparsed.join('; ') };
  const why = new Map<string, Omit<Remaining, 'ruleId' | 'subject' | 'line'>>();
  const applied: TextEdit[] = [];
  let current = text;
  let scan = before;
  const problems: string[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const here = scan.findings.filter((f) => f.location && f.location.file === file);
    for (const f of scan.findings) if (!here.includes(f)) why.set(f.fingerprint, { why: f.fix ? 'failed' : 'manual', reason: 'the finding has no location in this file' });
    const { edits, byFinding } = planEdits(current, here);
    for (const [fp, p] of byFinding) {
      if (p.status === 'none') why.set(fp, { why: p.choice ? 'choice' : scan.findings.find((f) => f.fingerprint === fp)?.fix ? 'failed' : 'manual', reason: p.reason });
      else if (p.status === 'conflict') why.set(fp, { why: 'failed', reason: p.reason });
    }
    if (edits.length === 0) break;
    const r = applyEdits(current, edits);
    const next = scanText(file, r.text, rules, selection);
    const broken = [...next.errors.map((e) => `the fixed document does not parse: ${e.message}`), ...next.findings.filter((f) => f.fatal).map((f) => `the fixed document does not parse: ${f.message}`)];
    const fixedIds = new Set(r.applied.flatMap((e) => e.fixes ?? [e.fingerprint]));
    const unresolved = next.findings.filter((f) => fixedIds.has(f.fingerprint)).map((f) => `the fix for ${f.ruleId} ${f.subject} did not resolve it`);
    if (broken.length || unresolved.length) {
      problems.push(...broken, ...unresolved);
      break;
    }
    applied.push(...r.applied);
    for (const fp of fixedIds) why.delete(fp);
    current = r.text;
    scan = next;
  }
  const remainingOf = (fs: readonly Finding[]): Remaining[] =>
    fs.map((f) => ({ ruleId: f.ruleId, subject: f.subject, line: f.location?.line ?? null, ...(why.get(f.fingerprint) ?? { why: 'failed' as const, reason: 'another fix changed the same text: run fix again' }) }));
  if (applied.length === 0 && problems.length === 0) return { file, text, applied: [], remaining: remainingOf(before.findings) };
  const beforeIds = new Set(before.findings.map((f) => f.fingerprint));
  problems.push(
    ...scan.findings.filter((f) => !beforeIds.has(f.fingerprint)).map((f) => `the fixed document has a new finding ${f.ruleId} ${f.subject}`),
    ...scan.notEvaluated.filter((n) => !before.notEvaluated.some((b) => b.ruleId === n.ruleId)).map((n) => `${n.ruleId} is no longer evaluated: ${n.reason}`),
  );
  if (problems.length) return { file, text, applied: [], remaining: remainingOf(before.findings), error: `not fixed: ${problems.join('; ')}` };
  const afterIds = new Set(scan.findings.map((f) => f.fingerprint));
  const fixed = before.findings.filter((f) => !afterIds.has(f.fingerprint)).map((f) => ({ ruleId: f.ruleId, subject: f.subject, line: f.location?.line ?? null }));
  return { file, text, fixedText: current, applied, fixed, remaining: remainingOf(scan.findings) };
}

/**
 * Reads a domain file and fixes it (fixDomainText). The fix works on the file's own bytes: only a file whose text
 * encodes back to exactly the same bytes (UTF-8, with or without a byte-order mark) is fixed, so every byte outside
 * the edits is kept.
 */
export function fixDomainFile(path: string, shownAs: string, rules: readonly Rule[], selection: RuleSelection): DomainFix {
  const r = readRegularFile(path, MAX_XML_BYTES, 'a domain XML file');
  if (!r.ok) return { file: shownAs, applied: [], remaining: [], error: r.reason };
  const decoded = decodeXmlBytes(r.data, shownAs);
  if (!decoded.ok) {
    const l = decoded.problem.location;
    return { file: shownAs, original: r.data, applied: [], remaining: [], error: `${l ? `${l.file}:${l.line}:${l.column}: ` : ''}${decoded.problem.message}` };
  }
  if (!Buffer.from(decoded.text, 'utf8').equals(r.data)) {
    return { file: shownAs, original: r.data, applied: [], remaining: [], error: 'not UTF-8 (a declared encoding): vmaudit fixes only UTF-8 files, whose untouched bytes it can keep exactly' };
  }
  return { ...fixDomainText(shownAs, decoded.text, rules, selection), original: r.data };
}
