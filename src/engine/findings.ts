import type { PlatformInfo } from '../facts/common/platform';
import type { SourceLocation } from '../util/location';
import type { Rule, Severity } from './generated/rule';

export type { Severity };
export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
export const severityRank = (s: Severity): number => SEVERITIES.length - SEVERITIES.indexOf(s); // critical=5 … info=1

/** What was scanned: one domain XML file, one host, or one guest. */
export interface TargetRef {
  kind: 'domain' | 'host' | 'guest';
  /** Domain file path (relative to cwd), host name or guest name. */
  name: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  target: TargetRef;
  location: SourceLocation | null;
  /** Stable identity of the failing subject within the target (`disk[vdb]`, `hostdev[0000:81:00.1]`). */
  subject: string;
  /** Stable across line moves and reformatting: rule + target + subject. */
  fingerprint: string;
  /**
   * The rule's remediation rendered for this finding, when its text or snippet content has `{{ }}` placeholders
   * (e.g. the path of the flagged file); absent otherwise (the rule's static remediation applies as written).
   */
  remediation?: { text: string; snippet?: string };
  /**
   * The rule's fix rendered for this finding (`remediation.fix`, or a `snippet.fix: replace-element` snippet): what
   * to change in the element at `location`, with this finding's values. The edit itself (offsets into the file) is
   * computed from the file's text by src/fix (computeEdit).
   */
  fix?: FindingFix;
  /** Set when a policy waiver covers this finding; the finding stays visible. */
  waiver?: { justification: string; expires?: string; source?: string };
  /** Set when compared with a baseline. */
  baseline?: 'new' | 'unchanged';
  /**
   * Set on the one finding that reports why an input yields nothing to audit (DOM-XML-001 on a file that is not
   * well-formed or not a domain): like a linter's fatal parse error, the target was not audited, so it counts as a
   * target that could not be scanned (exit 3 when the gate does not fail) without a second report of it.
   */
  fatal?: true;
}

/**
 * A finding's fix as data: the rule's `remediation.fix` (schemas/rule.schema.json) with its templates rendered for the
 * finding; `choice` set when it is not automatic. Same fields as the rule's, so the type is the generated one.
 */
export type FindingFix = NonNullable<Rule['remediation']['fix']>;

/** A rule that could not be evaluated for a target, with the reason (missing evidence, unparsable input...). */
export interface NotEvaluated {
  ruleId: string;
  target: TargetRef;
  reason: string;
}

/** A target that could not be scanned at all (unreachable host, unreadable file). Other targets are unaffected. */
export interface TargetError {
  target: TargetRef;
  kind: string;
  message: string;
  location?: SourceLocation;
}

export interface ScanResult {
  rules: Rule[];
  targets: TargetRef[];
  findings: Finding[];
  notEvaluated: NotEvaluated[];
  errors: TargetError[];
  /** Rules evaluated per target with no finding (for JUnit/HTML "passed" rows). */
  passed: { ruleId: string; target: TargetRef }[];
  /** The versions domain files were judged for (--platform, the policy's platform; null when not given). */
  platform?: PlatformInfo;
  /** The versions each host/guest was judged for (its evidence, --platform, the policy). */
  platforms?: { target: TargetRef; platform: PlatformInfo }[];
}
