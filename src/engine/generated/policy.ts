/* Generated from schemas/policy.schema.json by scripts/gen-types.js — do not edit. */

/**
 * A rule id glob ("DOM-IOT-*"), or an object whose fields must all match.
 */
export type Selector =
  | IdGlob
  | {
      id?: IdGlob;
      area?: 'security' | 'performance' | 'availability';
      scope?: 'domain' | 'host' | 'guest' | 'cross';
      tag?: string;
      /**
       * Rules whose default severity is at or above this.
       */
      'min-severity'?: 'critical' | 'high' | 'medium' | 'low' | 'info';
    };
export type IdGlob = string;
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/**
 * A vmaudit policy: which rules run, with which severities and parameters, which findings are waived, and the gate. See docs/policies.md.
 */
export interface Policy {
  /**
   * Path or URL of this schema, for editor completion.
   */
  $schema?: string;
  /**
   * Shown in reports (SARIF automationDetails, JSON policy.name). Default: the file name.
   */
  name?: string;
  description?: string;
  /**
   * Policies this one builds on, applied first, in order: a shipped name (default, security-baseline, performance, pre-production, strict) or a path relative to this file.
   */
  extends?: string | string[];
  /**
   * Rule selection. Layers apply in order (extended policies first): the first `include` seen replaces the implicit 'all rules', later ones add; `exclude` removes.
   */
  rules?: {
    include?: Selector[];
    exclude?: Selector[];
  };
  /**
   * Severity overrides: rule id (or id glob such as DOM-IOT-*) to severity. Later layers win.
   */
  severity?: {
    [k: string]: Severity;
  };
  /**
   * Rule parameters: rule id to { parameter: value }. Names and value types are checked against each rule's `params`.
   */
  params?: {
    [k: string]: {};
  };
  /**
   * The versions the scanned domain XML will run on, for rules whose verdict depends on them (e.g. {libvirt: "9.0", qemu: "7.2"}). Host scans read the host's own versions first; --platform overrides both. Later layers win.
   */
  platform?: {
    libvirt?: string;
    qemu?: string;
    kernel?: string;
  };
  /**
   * The gate: exit 1 when an unwaived (and, with --baseline, new) finding at or above this severity exists. `none` never fails. The --fail-on flag overrides it.
   */
  'fail-on'?: 'critical' | 'high' | 'medium' | 'low' | 'info' | 'none';
  /**
   * Accepted findings. A waived finding stays in every report (SARIF `suppressions`) but does not fail the gate. An expired waiver stops waiving and is reported.
   */
  waivers?: Waiver[];
}
export interface Waiver {
  /**
   * Rule id or id glob.
   */
  rule: string;
  /**
   * Glob on the target name: the domain XML path as given on the command line (vms/*.xml), the host name (hv-*) or the guest name. Default: every target.
   */
  target?: string;
  /**
   * Pattern on the finding's subject, e.g. domain[db1]/disk[vdb]; only * (any text) and ? are special, brackets are literal. Default: every subject.
   */
  subject?: string;
  /**
   * Why this finding is accepted; shown in reports.
   */
  justification: string;
  /**
   * Last day (YYYY-MM-DD, UTC) the waiver applies.
   */
  expires: string;
  /**
   * Who accepted the risk.
   */
  owner?: string;
}
