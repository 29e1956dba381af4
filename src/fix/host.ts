import type { Finding, ScanResult, TargetRef } from '../engine/findings';

/**
 * `vmaudit fix host`: the host-side fixes of a host scan (rules whose `remediation.fix` is conf-set, file-mode or
 * sysfs-write), written as an Ansible playbook or a POSIX sh script. Nothing here runs them: the output is text.
 * Every action is idempotent (it compares before it changes) and carries the rule ids and finding locations it fixes.
 */

export type HostFixFormat = 'ansible' | 'sh';

export interface HostAction {
  kind: 'conf-set' | 'file-mode' | 'sysfs-write';
  /** The path on the host (absolute, without the prefix). */
  path: string;
  key?: string;
  value?: string;
  mode?: string;
  owner?: string;
  group?: string;
  persist?: string;
  /** Set when the operator must decide: the action is written commented out. */
  choice?: string;
  /** `RULE file:line` of every finding this action fixes. */
  fixes: string[];
  ruleIds: string[];
}

export interface HostPlan {
  target: TargetRef;
  /** How the evidence was collected (local, root, snapshot, ssh). */
  transport: string;
  actions: HostAction[];
  /** Findings of this target with no host-side fix here, with why. */
  remaining: { finding: string; why: string }[];
}

const HOST_KINDS = new Set(['conf-set', 'file-mode', 'sysfs-write']);
const where = (f: Finding) => `${f.ruleId} ${f.location ? `${f.location.file}:${f.location.line}` : f.subject}`;

/** Whether a string is safe as a path/value in the generated text (no newline or NUL: one line each). */
const oneLine = (s: string) => !/[\n\r\0]/.test(s);

/** The fixes of each scanned host target; identical actions (same file, key/mode/value) are merged. */
export function planHostFixes(result: ScanResult, transports: ReadonlyMap<string, string>): HostPlan[] {
  const plans: HostPlan[] = [];
  for (const target of result.targets.filter((t) => t.kind === 'host')) {
    const plan: HostPlan = { target, transport: transports.get(target.name) ?? 'local', actions: [], remaining: [] };
    const byKey = new Map<string, HostAction>();
    for (const f of result.findings.filter((x) => x.target.kind === 'host' && x.target.name === target.name)) {
      const fix = f.fix;
      if (!fix || !HOST_KINDS.has(fix.kind)) {
        const domainFile = f.location && /\.xml$/.test(f.location.file);
        plan.remaining.push({ finding: where(f), why: domainFile && fix ? 'domain XML: use `vmaudit fix domain`' : 'no automatic host fix' });
        continue;
      }
      const p = fix.path || f.location?.file;
      if (!p || !p.startsWith('/') || !oneLine(p) || p.split('/').includes('..')) {
        plan.remaining.push({ finding: where(f), why: `no usable path for the fix (${p ?? 'none'})` });
        continue;
      }
      const bad = [fix.value, fix.mode, fix.owner, fix.group].find((v) => v !== undefined && !oneLine(v));
      if (bad !== undefined || (fix.mode !== undefined && !/^0?[0-7]{3,4}$/.test(fix.mode))) {
        plan.remaining.push({ finding: where(f), why: 'the rendered fix is not a single-line value or octal mode' });
        continue;
      }
      const a: HostAction = {
        kind: fix.kind as HostAction['kind'],
        path: p,
        ...(fix.key !== undefined ? { key: fix.key } : {}),
        ...(fix.value !== undefined ? { value: fix.value.trim() } : {}),
        ...(fix.mode !== undefined ? { mode: fix.mode.padStart(4, '0') } : {}),
        ...(fix.owner ? { owner: fix.owner } : {}),
        ...(fix.group ? { group: fix.group } : {}),
        ...(fix.persist !== undefined ? { persist: fix.persist } : {}),
        ...(fix.choice ? { choice: fix.choice.trim() } : {}),
        fixes: [],
        ruleIds: [],
      };
      const k = JSON.stringify([a.kind, a.path, a.key, a.value, a.mode, a.owner, a.group, a.persist, a.choice]);
      const have = byKey.get(k) ?? a;
      if (!byKey.has(k)) {
        byKey.set(k, a);
        plan.actions.push(a);
      }
      have.fixes.push(where(f));
      if (!have.ruleIds.includes(f.ruleId)) have.ruleIds.push(f.ruleId);
    }
    plans.push(plan);
  }
  return plans;
}

/** `/` → '' so paths join as `/etc/...`; any other prefix without its trailing slash. */
export function normalisePrefix(prefix: string): string {
  const p = prefix.replace(/\/+$/, '');
  return p;
}

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** A YAML double-quoted scalar (JSON's escapes are YAML's), tagged !unsafe so Ansible never templates it. */
const yq = (s: string) => `!unsafe ${JSON.stringify(s)}`;
const sysfsKey = (p: string) => p.replace(/^\/sys\//, '');
const confLine = (a: HostAction) => `${a.key} = ${a.value}`;
const confRegexp = (key: string) => `^\\s*${key}\\s*=`;

function describe(a: HostAction): string {
  switch (a.kind) {
    case 'conf-set':
      return `set ${confLine(a)} in ${a.path}`;
    case 'file-mode':
      return `${a.path}: mode ${a.mode}${a.owner || a.group ? `, owner ${a.owner ?? ''}:${a.group ?? ''}` : ''}`;
    case 'sysfs-write':
      return `write ${a.value} to ${a.path}${a.persist ? ` (at boot: ${a.persist})` : ''}`;
  }
}

function ansibleTasks(a: HostAction, prefix: string): string[] {
  const full = prefix + a.path;
  const tags = `    tags: [${a.ruleIds.map((r) => JSON.stringify(r)).join(', ')}]`;
  const name = `  - name: ${yq(`${a.ruleIds.join(', ')}: ${describe(a)}`)}`;
  switch (a.kind) {
    case 'conf-set':
      // libvirt's virConf reads the first occurrence of a key: the first active line is replaced, else one appended.
      return [
        [name, '    ansible.builtin.lineinfile:', `      path: ${yq(full)}`, `      regexp: ${yq(confRegexp(a.key!))}`, `      line: ${yq(confLine(a))}`, '      firstmatch: true', '      create: false', tags].join('\n'),
      ];
    case 'file-mode':
      return [
        [name, '    ansible.builtin.file:', `      path: ${yq(full)}`, `      mode: ${yq(a.mode!)}`, ...(a.owner ? [`      owner: ${yq(a.owner)}`] : []), ...(a.group ? [`      group: ${yq(a.group)}`] : []), tags].join('\n'),
      ];
    case 'sysfs-write': {
      // sysfs files cannot be replaced (copy renames a temporary file): written in place, only when the value differs.
      const now = [
        name,
        '    ansible.builtin.shell:',
        `      cmd: ${yq(`${shSysfsFn()}\nvm_sysfs ${sq(full)} ${sq(a.value!)}`)}`,
        '    register: vmaudit_sysfs',
        "    changed_when: vmaudit_sysfs.stdout is search('^changed', multiline=True)",
        tags,
      ].join('\n');
      if (!a.persist) return [now];
      const boot = [
        `  - name: ${yq(`${a.ruleIds.join(', ')}: ${sysfsKey(a.path)} = ${a.value} at every boot (sysfsutils)`)}`,
        '    ansible.builtin.lineinfile:',
        `      path: ${yq(prefix + a.persist)}`,
        `      regexp: ${yq(`^\\s*${sysfsKey(a.path).replace(/[.]/g, '\\.')}\\s*=`)}`,
        `      line: ${yq(`${sysfsKey(a.path)} = ${a.value}`)}`,
        '      create: true',
        `      mode: ${yq('0644')}`,
        tags,
      ].join('\n');
      return [now, boot];
    }
  }
}

const comment = (text: string, indent = '') => text.split('\n').map((l) => `${indent}# ${l}`.trimEnd()).join('\n');

/** The playbook: one play per host target (localhost over a local connection for this machine or a --root). */
export function renderAnsible(plans: readonly HostPlan[], prefixIn: string, header: string): string {
  const prefix = normalisePrefix(prefixIn);
  const out: string[] = [comment(header), '---'];
  for (const plan of plans) {
    const local = plan.transport === 'local' || plan.transport === 'root';
    out.push(`# ${plan.target.name}${prefix ? `: paths under ${prefix}` : ''}`);
    out.push(`- name: ${yq(`vmaudit host fixes: ${plan.target.name}`)}`);
    out.push(`  hosts: ${local ? 'localhost' : yq(plan.target.name)}`);
    if (local) out.push('  connection: local');
    out.push('  gather_facts: false');
    const tasks: string[] = [];
    for (const a of plan.actions) {
      const lines = `  # fixes: ${a.fixes.join('; ')}`;
      if (a.choice) tasks.push(`${lines}\n  # NEEDS A CHOICE: ${a.choice}\n${ansibleTasks(a, prefix).map((t) => comment(t)).join('\n')}`);
      else tasks.push(`${lines}\n${ansibleTasks(a, prefix).join('\n')}`);
    }
    if (plan.actions.some((a) => !a.choice)) out.push('  tasks:');
    else out.push('  tasks: []');
    out.push(...tasks);
    for (const r of plan.remaining) out.push(`  # not fixed here: ${r.finding} (${r.why})`);
  }
  return `${out.join('\n')}\n`;
}

function shSysfsFn(): string {
  // Masks read back with leading zeros and comma groups: compared without them.
  return [
    'vm_sysfs() {',
    '  vm_n() { printf %s "$1" | tr -d ",\\n" | sed "s/^0*//"; }',
    '  if [ "$(vm_n "$(cat "$1")")" = "$(vm_n "$2")" ]; then return 0; fi',
    '  printf "%s\\n" "$2" > "$1" && echo "changed: $1 = $2"',
    '}',
  ].join('\n');
}

const SH_FUNCTIONS = `${shSysfsFn()}
# vm_conf FILE KEY LINE: libvirt reads a key's first occurrence: the first active KEY = line becomes LINE, else LINE is appended.
vm_conf() {
  [ -f "$1" ] || { echo "vmaudit: $1: no such file" >&2; return 1; }
  cur=$(VM_K="$2" awk '$0 ~ "^[ \\t]*" ENVIRON["VM_K"] "[ \\t]*=" { print; exit }' "$1")
  [ "$cur" = "$3" ] && return 0
  tmp="$1.vmaudit-tmp.$$"
  VM_K="$2" VM_L="$3" awk 'BEGIN { done = 0 } !done && $0 ~ "^[ \\t]*" ENVIRON["VM_K"] "[ \\t]*=" { print ENVIRON["VM_L"]; done = 1; next } { print } END { if (!done) print ENVIRON["VM_L"] }' "$1" > "$tmp"
  cat "$tmp" > "$1" && rm -f "$tmp" && echo "changed: $1: $3"
}
# vm_mode PATH MODE [OWNER [GROUP]]
vm_mode() {
  if [ -z "$(find "$1" -prune -perm "$2")" ]; then chmod "$2" "$1" && echo "changed: $1 mode $2"; fi
  if [ -n "\${3:-}" ] && [ -z "$(find "$1" -prune -user "$3")" ]; then chown "$3" "$1" && echo "changed: $1 owner $3"; fi
  if [ -n "\${4:-}" ] && [ -z "$(find "$1" -prune -group "$4")" ]; then chgrp "$4" "$1" && echo "changed: $1 group $4"; fi
  return 0
}
# vm_line FILE REGEXP LINE: FILE (created) holds LINE instead of its first line matching REGEXP.
vm_line() {
  mkdir -p "$(dirname "$1")"; [ -f "$1" ] || : > "$1"
  cur=$(VM_R="$2" awk '$0 ~ ENVIRON["VM_R"] { print; exit }' "$1")
  [ "$cur" = "$3" ] && return 0
  tmp="$1.vmaudit-tmp.$$"
  VM_R="$2" VM_L="$3" awk 'BEGIN { done = 0 } !done && $0 ~ ENVIRON["VM_R"] { print ENVIRON["VM_L"]; done = 1; next } { print } END { if (!done) print ENVIRON["VM_L"] }' "$1" > "$tmp"
  cat "$tmp" > "$1" && rm -f "$tmp" && echo "changed: $1: $3"
}`;

function shCommands(a: HostAction, prefix: string): string[] {
  const full = prefix + a.path;
  switch (a.kind) {
    case 'conf-set':
      return [`vm_conf ${sq(full)} ${sq(a.key!)} ${sq(confLine(a))}`];
    case 'file-mode':
      return [`vm_mode ${sq(full)} ${sq(a.mode!)}${a.owner || a.group ? ` ${sq(a.owner ?? '')} ${sq(a.group ?? '')}` : ''}`];
    case 'sysfs-write':
      return [
        `vm_sysfs ${sq(full)} ${sq(a.value!)}`,
        ...(a.persist ? [`vm_line ${sq(prefix + a.persist)} ${sq(`^[ \t]*${sysfsKey(a.path).replace(/[.]/g, '\\.')}[ \t]*=`)} ${sq(`${sysfsKey(a.path)} = ${a.value}`)}`] : []),
      ];
  }
}

/** The POSIX sh script of one host's fixes. */
export function renderSh(plan: HostPlan, prefixIn: string, header: string): string {
  const prefix = normalisePrefix(prefixIn);
  const out: string[] = ['#!/bin/sh', comment(header), `# ${plan.target.name}${prefix ? `: paths under ${prefix}` : ''}`, 'set -eu', SH_FUNCTIONS, ''];
  for (const a of plan.actions) {
    out.push(`# ${a.ruleIds.join(', ')}: ${describe(a)}`, `# fixes: ${a.fixes.join('; ')}`);
    if (a.choice) out.push(`# NEEDS A CHOICE: ${a.choice}`, ...shCommands(a, prefix).map((c) => `# ${c}`));
    else out.push(...shCommands(a, prefix));
    out.push('');
  }
  for (const r of plan.remaining) out.push(`# not fixed here: ${r.finding} (${r.why})`);
  return `${out.join('\n')}\n`;
}
