/* Generated from schemas/rule.schema.json by scripts/gen-types.js — do not edit. */

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export type VersionRange = string;
export type GuideSection =
  | 'halt-polling'
  | 'I/O Thread Configuration'
  | 'Raw Device Mapping'
  | 'kworker Isolation and Binding'
  | 'HugePage Memory'
  | 'Memory Bandwidth Monitoring'
  | 'PV-qspinlock'
  | 'Guest-Idle-Haltpoll'
  | 'NVMe Drive Passthrough'
  | 'Transparent Transmission of Hardware Topology'
  | 'vCPU Core Binding'
  | 'NUMA Affinity'
  | 'WFI-no-trap'
  | 'NIC Passthrough'
  | 'NUMA Exposure for Passthrough Devices'
  | 'Libvirt Authentication'
  | 'Managing SASL'
  | 'qemu-ga'
  | 'sVirt Protection'
  | 'Trusted VM Boot'
  | 'High-Density Many-Core Computing'
  | 'beyond-guide';

/**
 * One vmaudit rule: a declarative check over typed facts. Expressions are CEL (https://cel.dev).
 */
export interface Rule {
  $schema?: string;
  /**
   * Stable forever. UPPER-CASE words and a 3-digit number, e.g. DOM-IOT-001.
   */
  id: string;
  title: string;
  area: 'security' | 'performance' | 'availability';
  /**
   * domain: one domain XML (variable `domain`); host: one host (`host`); guest: inside one VM (`guest`); cross: a host with all its domains (`host`, `domains`).
   */
  scope: 'domain' | 'host' | 'guest' | 'cross';
  severity: Severity;
  /**
   * The versions this rule's verdict holds for, as ranges of space-separated comparators ("<9.0", ">=5.7 <9.0"). Where the target's version is known and outside a range the rule does not apply; where it is unknown the rule runs and its findings say which versions they hold for (give versions with --platform or the policy's platform). The CEL variable `platform` holds the versions too.
   */
  platform?: {
    libvirt?: VersionRange;
    qemu?: VersionRange;
    kernel?: VersionRange;
  };
  /**
   * true for notices that would fire on most real-world definitions (a noise budget: no default rule fires on more than a third of them). Such a rule runs only when a policy's `rules.include` names it by id or id glob (e.g. the shipped `strict` policy, or `include: [DOM-SEC-004]`); area, scope, tag and severity selectors and the implicit 'all rules' do not select it.
   */
  'opt-in'?: boolean;
  /**
   * Sections of the openEuler virtualization best-practice guide this rule derives from ('beyond-guide' when none). Required for the rules shipped with vmaudit (a test checks it); optional for your own rules, which cite their standards in `references`.
   *
   * @minItems 1
   */
  guide?: [GuideSection, ...GuideSection[]];
  /**
   * Fact paths the rule reads (e.g. host.selinux.runtime). When one is unknown (its evidence is missing or unreadable), the rule is reported as not evaluated, with the reason.
   */
  requires?: string[];
  /**
   * CEL expression yielding the list of subjects, each bound to `it` (nested lists are flattened once). Default: the scope's main object.
   */
  'for-each'?: string;
  /**
   * CEL filter on `it`: subjects for which it is false are not checked.
   */
  where?: string;
  /**
   * CEL: true when the subject complies. false yields one finding for the subject.
   */
  assert: string;
  /**
   * CEL yielding the object whose `loc` the finding points at. Default: `it`.
   */
  location?: string;
  /**
   * CEL string identifying the subject for fingerprints. Default: `it.key`.
   */
  subject?: string;
  /**
   * Finding message; `{{ cel }}` placeholders are evaluated per subject.
   */
  message: string;
  /**
   * Tunable parameters with defaults; policies override them. Read in CEL as `params.<name>`.
   */
  params?: {
    [k: string]: Param;
  };
  rationale: string;
  /**
   * Where the guide itself is wrong about this check, and what real software does.
   */
  'guide-erratum'?: string;
  remediation: {
    text: string;
    snippet?: {
      language: 'xml' | 'conf' | 'ini' | 'shell' | 'systemd' | 'text';
      /**
       * Where the snippet goes, e.g. /etc/libvirt/libvirtd.conf or 'domain XML <cputune>'.
       */
      target: string;
      content: string;
      /**
       * replace-element: the content, verbatim, is the corrected form of the XML element the finding points at (domain rules; emitted as a SARIF fix).
       */
      fix?: 'replace-element';
    };
    /**
     * The fix as data, applied by `vmaudit fix domain` and emitted as a SARIF fix (domain rules). Positions come from the element the finding points at (its location); values are {{ }} templates (CEL, like the message) rendered for each finding. Only for changes that are unambiguous; kind 'choice' names what the operator must decide (reported, never applied).
     */
    fix?: {
      /**
       * set-attribute: give `attribute` the value `value` (replaced in place keeping its quotes, or added to the start tag); remove-attribute: delete `attribute`; replace-element: the element becomes `content`; remove-element: delete the element (and its line when alone on it); insert-child: add `content` as the element's last child; choice: not automatic, `choice` says what to decide.
       */
      kind:
        | 'set-attribute'
        | 'remove-attribute'
        | 'replace-element'
        | 'remove-element'
        | 'insert-child'
        | 'choice'
        | 'conf-set'
        | 'file-mode'
        | 'sysfs-write'
        | 'systemd-dropin'
        | 'kernel-cmdline';
      /**
       * Child element path (first child of each name, no namespace) from the element the finding points at, e.g. `backend`; default: that element.
       */
      element?: string;
      attribute?: string;
      /**
       * set-attribute: the new value (template; escaped for the attribute's quotes).
       */
      value?: string;
      /**
       * replace-element, insert-child: the new XML element (template), re-indented to its place.
       */
      content?: string;
      /**
       * kind choice: the decision only the operator can make, named. Host kinds (conf-set, file-mode, sysfs-write, systemd-dropin, kernel-cmdline): when it renders non-empty, the fix needs that decision and is written commented out with the named placeholder its value holds.
       */
      choice?: string;
      /**
       * conf-set (host rules, `vmaudit fix host`): the virConf key set to `value` in `path` (its first active line replaced, else appended: libvirt reads the first occurrence).
       */
      key?: string;
      /**
       * Host kinds: the file to edit (template); default: the file of the finding's location.
       */
      path?: string;
      /**
       * file-mode: the octal permission bits (template, e.g. 0640).
       */
      mode?: string;
      /**
       * file-mode: the owning user (template), optional.
       */
      owner?: string;
      /**
       * file-mode: the owning group (template), optional.
       */
      group?: string;
      /**
       * sysfs-write: the /etc/sysfs.d file (sysfsutils) that applies the value at every boot.
       */
      persist?: string;
      /**
       * sysfs-write: the kernel command-line parameter (`name=value`, template) that applies the value at every boot, added to GRUB_CMDLINE_LINUX in /etc/default/grub (an alternative to persist).
       */
      cmdline?: string;
      /**
       * systemd-dropin: the unit the drop-in overrides (template, e.g. libvirtd-ro.socket); written as /etc/systemd/system/<unit>.d/vmaudit-<rule id>.conf. When it renders empty (the daemon is not socket-activated), the fix is the conf-set of `key`/`value` in `path` instead.
       */
      unit?: string;
      /**
       * systemd-dropin: the unit file section of the settings.
       */
      section?: 'Unit' | 'Socket' | 'Service' | 'Install';
      /**
       * systemd-dropin: the drop-in's Key=Value lines (template, one per line; `Key=` alone resets a list such as ListenStream=).
       */
      settings?: string;
      /**
       * kernel-cmdline: the kernel parameter (template rendering a name, e.g. intel_iommu or vfio_iommu_type1.allow_unsafe_interrupts) set to `value` in GRUB_CMDLINE_LINUX of /etc/default/grub (replacing its other occurrences), or removed with `remove`.
       */
      parameter?: string;
      /**
       * kernel-cmdline: remove every occurrence of `parameter` instead of setting it.
       */
      remove?: boolean;
      /**
       * Host kinds: what the operator runs afterwards (template; e.g. systemctl daemon-reload, a restart, update-grub and a reboot). Printed with the fix, never run by it.
       */
      note?: string;
    };
  };
  /**
   * Where the check comes from: documents (`title`, `url`) or a requirement of a standard, your organisation's own included (`standard: ACME-SEC`, `id: '4.2'`, optional `title` and `url`). Shown by `rules show`, docs, SARIF (rule properties.standards; the first url is helpUri) and JSON reports (findings[].standards).
   */
  references?: {
    title?: string;
    url?: string;
    /**
     * The standard or internal policy, e.g. ACME-SEC, CIS Debian 12, NIST SP 800-53.
     */
    standard?: string;
    /**
     * The requirement within the standard, e.g. 4.2, AC-6(9).
     */
    id?: string;
  }[];
  tags?: string[];
}
export interface Param {
  description: string;
  type?: 'number' | 'string' | 'boolean' | 'string-list' | 'number-list';
  default: unknown;
}
