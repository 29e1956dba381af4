import { Command, Flags } from '@oclif/core';
import { oneOf } from '../../cli/enum-flag';
import { shippedPolicyNames } from '../../engine/policy';

export const SCHEMA_URL = 'https://raw.githubusercontent.com/vmaudit/vmaudit/main/schemas/policy.schema.json';

/** A commented starting point for a policy file; valid as written (`vmaudit policy validate` accepts it). */
export function policyTemplate(base: string, expires: string): string {
  return `# yaml-language-server: $schema=${SCHEMA_URL}
# A vmaudit policy. Check it with: vmaudit policy validate <this file>
# Use it with: vmaudit scan domain vms/*.xml --policy <this file>    (docs/policies.md has the details)
name: our-policy
description: Our gate for KVM hosts, guests and domain XML.

# Start from a shipped policy (${shippedPolicyNames().join(', ')}) or from other files (paths relative to
# this one). Extended policies apply first; everything below refines them.
extends: ${base}

# Which rules run. Selectors: a rule id or glob ("DOM-IOT-*"), or {id, area, scope, tag, min-severity}; all fields
# of one selector must match. The first \`include\` (here or in an extended policy) replaces "all rules".
rules:
  # include:
  #   - area: security
  #   - tag: passthrough
  #   - { scope: domain, min-severity: medium }
  exclude: []
  #   - DOM-HP-002          # we size memory ourselves

# Severity overrides (rule id or glob): they also change what the gate counts.
severity: {}
#   DOM-PIN-001: medium

# Rule parameters; \`vmaudit rules show ID\` lists each rule's parameters and defaults.
params: {}
#   DOM-PIN-001:
#     require_pinning: true
#   GUEST-QGA-002:
#     mustBlock: [guest-exec, guest-exec-status, guest-file-open]

# The gate: exit 1 when an unwaived finding at or above this severity exists (critical, high, medium, low, info,
# or none). --fail-on overrides it.
fail-on: high

# Accepted findings. A waived finding stays in every report (SARIF suppressions) but does not fail the gate.
# After \`expires\` (YYYY-MM-DD, inclusive) the waiver stops waiving and is reported.
waivers: []
#   - rule: DOM-SEC-001
#     target: vms/legacy-*.xml          # glob on the domain file, host name or guest name
#     subject: "seclabel*"              # optional: * matches any text; brackets are literal
#     justification: Legacy appliance, unconfined until it is replaced (TICKET-123)
#     expires: ${expires}
#     owner: platform-team
`;
}

export default class PolicyInit extends Command {
  static override summary = 'Print a commented starting point for a policy file';
  static override examples = ['<%= config.bin %> <%= command.id %> > our-policy.yaml', '<%= config.bin %> <%= command.id %> --extends pre-production > strict.yaml'];
  static override flags = {
    extends: Flags.string(oneOf(shippedPolicyNames(), { description: 'shipped policy to start from', default: 'default' })),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(PolicyInit);
    const d = new Date();
    d.setUTCMonth(d.getUTCMonth() + 3);
    process.stdout.write(policyTemplate(flags.extends, d.toISOString().slice(0, 10)));
  }
}
