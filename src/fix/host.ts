import type { Finding, ScanResult, TargetRef } from '../engine/findings';

/**
 * `vmaudit fix host`: the host-side fixes of a host scan (rules whose `remediation.fix` is conf-set, file-mode,
 * sysfs-write, systemd-dropin or kernel-cmdline), written as an Ansible playbook or a POSIX sh script. Nothing here
 * runs them: the output is text. Every action is idempotent (it compares before it changes) and carries the rule ids
 * and finding locations it fixes. Nothing is restarted or reloaded: what the operator runs afterwards (a daemon
 * restart, systemctl daemon-reload, update-grub and a reboot) is printed as a note when the action changed something.
 *
 * Several findings whose fixes touch the same thing are merged or sequenced so that applying them all is consistent:
 * identical actions become one; drop-in settings for one unit and rule are merged into one file; two different values
 * for the same key (virConf key, sysfs file, drop-in key, kernel parameter) cannot both hold: the first is kept, the
 * others are written commented out as a conflict the operator decides.
 */

export type HostFixFormat = 'ansible' | 'sh';

export interface HostAction {
  kind: 'conf-set' | 'file-mode' | 'sysfs-write' | 'systemd-dropin' | 'kernel-cmdline';
  /** The path on the host (absolute, without the prefix). */
  path: string;
  key?: string;
  value?: string;
  mode?: string;
  owner?: string;
  group?: string;
  persist?: string;
  /** sysfs-write: the kernel parameter `name=value` that applies it at boot (in /etc/default/grub). */
  cmdline?: string;
  /** systemd-dropin: the unit, and the drop-in's section and Key=Value lines (merged per unit and rule). */
  unit?: string;
  section?: string;
  settings?: string[];
  /** kernel-cmdline: the parameter, set to `value` (absent: a bare flag) or removed. */
  parameter?: string;
  remove?: boolean;
  /** What the operator runs afterwards (printed when the action changed something; never run). */
  note?: string;
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

const HOST_KINDS = new Set(['conf-set', 'file-mode', 'sysfs-write', 'systemd-dropin', 'kernel-cmdline']);
export const GRUB_DEFAULT = '/etc/default/grub';
const UNIT_NAME = /^[A-Za-z0-9@_.:\\-]+\.(socket|service|target|mount|timer|path)$/;
const SETTING_LINE = /^[A-Za-z][A-Za-z0-9]*=[^\n]*$/;
const PARAM = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
/** The kernel parameter a `name=value` (or bare `name`) token sets. */
const paramName = (token: string) => token.split('=')[0];
/** What an action sets, for conflict detection: actions with the same key and a different value cannot both hold. */
function conflictKeys(a: HostAction): string[] {
  switch (a.kind) {
    case 'conf-set':
      return [`conf\0${a.path}\0${a.key}`];
    case 'sysfs-write':
      return [`sysfs\0${a.path}`, ...(a.cmdline ? [`cmdline\0${paramName(a.cmdline)}`] : [])];
    case 'systemd-dropin':
      return (a.settings ?? []).map((l) => `unit\0${a.unit}\0${a.section}\0${l.split('=')[0]}`);
    case 'kernel-cmdline':
      return [`cmdline\0${a.parameter}`];
    case 'file-mode':
      return [`mode\0${a.path}`];
  }
}
/** The value an action gives each of its conflict keys. */
function conflictValues(a: HostAction): Map<string, string> {
  const keys = conflictKeys(a);
  if (a.kind === 'systemd-dropin') return new Map(keys.map((k, i) => [k, a.settings![i]]));
  if (a.kind === 'sysfs-write') return new Map([[keys[0], a.value ?? ''], ...(a.cmdline ? [[keys[1], a.cmdline] as [string, string]] : [])]);
  if (a.kind === 'kernel-cmdline') return new Map([[keys[0], a.remove ? '(removed)' : a.value ?? '(flag)']]);
  if (a.kind === 'file-mode') return new Map([[keys[0], `${a.mode} ${a.owner ?? ''}:${a.group ?? ''}`]]);
  return new Map([[keys[0], a.value ?? '']]);
}
/** The file a host fix writes: the drop-in it creates, /etc/default/grub, its `path`, else the finding's file. */
/**
 * The fix as it applies on this host: a systemd-dropin whose `unit` renders empty (the daemon is not
 * socket-activated: its own configuration file decides) and that names a `key`/`value` is that conf-set in `path`.
 */
export function effectiveHostFix(fix: NonNullable<Finding['fix']>): NonNullable<Finding['fix']> {
  if (fix.kind !== 'systemd-dropin' || fix.unit?.trim() || fix.key === undefined || fix.value === undefined) return fix;
  const { unit: _u, section: _s, settings: _t, ...rest } = fix;
  return { ...rest, kind: 'conf-set' };
}

export function hostFixPath(f: Finding, fixIn: NonNullable<Finding['fix']>): string | undefined {
  const fix = effectiveHostFix(fixIn);
  if (fix.kind === 'systemd-dropin') return `/etc/systemd/system/${fix.unit}.d/vmaudit-${f.ruleId}.conf`;
  if (fix.kind === 'kernel-cmdline') return GRUB_DEFAULT;
  return fix.path || f.location?.file;
}
export const isHostFixKind = (kind: string) => HOST_KINDS.has(kind);
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
      const fix = f.fix && effectiveHostFix(f.fix);
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
      const bad = [fix.value, fix.mode, fix.owner, fix.group, fix.cmdline, fix.unit, fix.note].find((v) => v !== undefined && !oneLine(v));
      if (bad !== undefined || (fix.mode !== undefined && !/^0?[0-7]{3,4}$/.test(fix.mode))) {
        plan.remaining.push({ finding: where(f), why: 'the rendered fix is not a single-line value or octal mode' });
        continue;
      }
      const settings = fix.settings?.split('\n').map((l) => l.trim()).filter((l) => l !== '');
      if (fix.kind === 'systemd-dropin' && (!fix.unit || !UNIT_NAME.test(fix.unit) || !settings?.length || !settings.every((l) => SETTING_LINE.test(l)))) {
        plan.remaining.push({ finding: where(f), why: `the rendered drop-in is not a unit name with Key=Value lines (${fix.unit ?? 'no unit'})` });
        continue;
      }
      if ((fix.kind === 'kernel-cmdline' && (!fix.parameter || !PARAM.test(fix.parameter) || (fix.value !== undefined && /\s|["'\\$`]/.test(fix.value)))) || (fix.cmdline !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9_.-]*(=[^\s"'\\$`]*)?$/.test(fix.cmdline))) {
        plan.remaining.push({ finding: where(f), why: 'the rendered kernel parameter is not one name[=value] word' });
        continue;
      }
      const kind = fix.kind as HostAction['kind'];
      const a: HostAction = {
        kind,
        path: hostFixPath(f, fix)!,
        ...(fix.key !== undefined ? { key: fix.key } : {}),
        ...(fix.value !== undefined ? { value: fix.value.trim() } : {}),
        ...(fix.mode !== undefined ? { mode: fix.mode.padStart(4, '0') } : {}),
        ...(fix.owner ? { owner: fix.owner } : {}),
        ...(fix.group ? { group: fix.group } : {}),
        ...(fix.persist !== undefined ? { persist: fix.persist } : {}),
        ...(fix.cmdline ? { cmdline: fix.cmdline } : {}),
        ...(kind === 'systemd-dropin' ? { unit: fix.unit, section: fix.section ?? 'Service', settings } : {}),
        ...(kind === 'kernel-cmdline' ? { parameter: fix.parameter, ...(fix.remove ? { remove: true } : {}) } : {}),
        ...(fix.note?.trim() ? { note: fix.note.trim() } : {}),
        ...(fix.choice ? { choice: fix.choice.trim() } : {}),
        fixes: [],
        ruleIds: [],
      };
      const k = JSON.stringify([a.kind, a.path, a.key, a.value, a.mode, a.owner, a.group, a.persist, a.cmdline, a.section, a.settings, a.parameter, a.remove, a.choice]);
      const have = byKey.get(k) ?? a;
      if (!byKey.has(k)) {
        byKey.set(k, a);
        plan.actions.push(a);
      }
      have.fixes.push(where(f));
      if (!have.ruleIds.includes(f.ruleId)) have.ruleIds.push(f.ruleId);
    }
    plan.actions = mergeActions(plan.actions);
    plans.push(plan);
  }
  return plans;
}

/**
 * Merges and sequences one host's actions: drop-ins of one rule for one unit (one file) become one action with the
 * union of their lines (a key set twice to different values is a conflict); an action that sets a key another one
 * already set to a different value is a conflict: it gets a `choice` (written commented out), naming both.
 */
export function mergeActions(actions: readonly HostAction[]): HostAction[] {
  const out: HostAction[] = [];
  const dropins = new Map<string, HostAction>();
  for (const a of actions) {
    if (a.kind === 'systemd-dropin' && !a.choice) {
      const have = dropins.get(a.path);
      if (have && have.section === a.section) {
        const setKeys = new Map(have.settings!.map((l) => [l.split('=')[0], l]));
        // `Key=` (a reset) followed by values is a sequence: kept as written, appended.
        const clash = a.settings!.find((l) => setKeys.has(l.split('=')[0]) && setKeys.get(l.split('=')[0]) !== l && !l.endsWith('='));
        if (!clash) {
          for (const l of a.settings!) if (!have.settings!.includes(l)) have.settings!.push(l);
          for (const x of a.fixes) if (!have.fixes.includes(x)) have.fixes.push(x);
          for (const r of a.ruleIds) if (!have.ruleIds.includes(r)) have.ruleIds.push(r);
          if (a.note && a.note !== have.note) have.note = have.note ? `${have.note}; ${a.note}` : a.note;
          continue;
        }
      }
      if (!have) dropins.set(a.path, a);
    }
    out.push(a);
  }
  const setBy = new Map<string, { value: string; by: HostAction }>();
  for (const a of out) {
    if (a.choice) continue;
    const values = conflictValues(a);
    const clash = [...values].find(([k, v]) => setBy.has(k) && setBy.get(k)!.value !== v);
    if (clash) {
      const first = setBy.get(clash[0])!;
      a.choice = `conflicts with the fix for ${first.by.fixes.join('; ')} (${first.value}, applied above) as ${clash[1]}: keep one value`;
      continue;
    }
    for (const [k, v] of values) if (!setBy.has(k)) setBy.set(k, { value: v, by: a });
  }
  return out;
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
      return `write ${a.value} to ${a.path}${a.persist ? ` (at boot: ${a.persist})` : ''}${a.cmdline ? ` (at boot: ${a.cmdline} on the kernel command line)` : ''}`;
    case 'systemd-dropin':
      return `${a.unit}: drop-in ${a.path} [${a.section}] ${a.settings!.join(' ')}`;
    case 'kernel-cmdline':
      return `kernel command line (GRUB_CMDLINE_LINUX in ${a.path}): ${a.remove ? `remove ${a.parameter}` : cmdlineToken(a)}`;
  }
}

const cmdlineToken = (a: HostAction) => (a.value !== undefined && a.value !== '' ? `${a.parameter}=${a.value}` : a.parameter!);
const dropinText = (a: HostAction) => `# written by vmaudit fix host (${a.ruleIds.join(', ')})\n[${a.section}]\n${a.settings!.join('\n')}\n`;
/** The note printed after an action that changed something (its own, and the reboot a kernel parameter needs). */
function noteOf(a: HostAction): string | undefined {
  const boot = a.kind === 'kernel-cmdline' || a.cmdline ? `update-grub (Debian) or grub2-mkconfig -o /boot/grub2/grub.cfg (RHEL/openEuler; or grubby --update-kernel=ALL --${a.kind === 'kernel-cmdline' && a.remove ? `remove-args=${a.parameter}` : `args=${a.kind === 'kernel-cmdline' ? cmdlineToken(a) : a.cmdline}`}), then reboot for the kernel command line` : undefined;
  const n = [a.note, a.kind === 'systemd-dropin' && !/daemon-reload/.test(a.note ?? '') ? 'systemctl daemon-reload' : undefined, boot].filter((x) => x);
  return n.length ? n.join('; ') : undefined;
}

function ansibleTasks(a: HostAction, prefix: string, n: number): string[] {
  const tasks = ansibleChanges(a, prefix, n);
  const note = noteOf(a);
  if (!note) return tasks;
  // Printed (never run) when one of the action's tasks changed something.
  const regs = tasks.map((_, i) => `vmaudit_${n}_${i}`);
  const withReg = tasks.map((t, i) => (t.includes('    register: ') ? t.replace(/    register: \S+/, `    register: ${regs[i]}`).replace(/vmaudit_sysfs\./g, `${regs[i]}.`).replace(/vmaudit_cmdline\./g, `${regs[i]}.`) : t.replace(/\n    tags: /, `\n    register: ${regs[i]}\n    tags: `)));
  const tags = `    tags: [${a.ruleIds.map((r) => JSON.stringify(r)).join(', ')}]`;
  return [
    ...withReg,
    [`  - name: ${yq(`${a.ruleIds.join(', ')}: then run (vmaudit does not)`)}`, '    ansible.builtin.debug:', `      msg: ${yq(`then run: ${note}`)}`, `    when: ${regs.map((r) => `${r} is changed`).join(' or ')}`, tags].join('\n'),
  ];
}

function ansibleChanges(a: HostAction, prefix: string, n: number): string[] {
  void n;
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
      const grub = a.cmdline ? [ansibleCmdline(`${a.ruleIds.join(', ')}: ${a.cmdline} on the kernel command line (at boot)`, prefix, `vm_cmdline_set ${sq(prefix + GRUB_DEFAULT)} ${sq(paramName(a.cmdline))} ${sq(a.cmdline)}`, tags)] : [];
      return a.persist ? [now, boot, ...grub] : [now, ...grub];
    }
    case 'systemd-dropin':
      return [
        [
          name,
          '    ansible.builtin.file:',
          `      path: ${yq(full.slice(0, full.lastIndexOf('/')))}`,
          '      state: directory',
          `      mode: ${yq('0755')}`,
          tags,
        ].join('\n'),
        [name.replace('  - name: ', '  - name: ').replace(/"$/, ' (file)"'), '    ansible.builtin.copy:', `      dest: ${yq(full)}`, `      content: ${yq(dropinText(a))}`, `      mode: ${yq('0644')}`, tags].join('\n'),
      ];
    case 'kernel-cmdline':
      return [ansibleCmdline(`${a.ruleIds.join(', ')}: ${describe(a)}`, prefix, a.remove ? `vm_cmdline_remove ${sq(full)} ${sq(a.parameter!)}` : `vm_cmdline_set ${sq(full)} ${sq(a.parameter!)} ${sq(cmdlineToken(a))}`, tags)];
  }
}

/** GRUB_CMDLINE_LINUX edited by the sh functions (a token-level edit of a quoted shell value has no Ansible module). */
function ansibleCmdline(title: string, prefix: string, call: string, tags: string): string {
  void prefix;
  return [
    `  - name: ${yq(title)}`,
    '    ansible.builtin.shell:',
    `      cmd: ${yq(`${SH_CMDLINE}\n${call}`)}`,
    '    register: vmaudit_cmdline',
    "    changed_when: vmaudit_cmdline.stdout is search('^changed', multiline=True)",
    tags,
  ].join('\n');
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
    plan.actions.forEach((a, n) => {
      const lines = `  # ${fixesLabel(a)}: ${a.fixes.join('; ')}`;
      if (a.choice) tasks.push(`${lines}\n  # NEEDS A CHOICE: ${a.choice}\n${ansibleTasks(a, prefix, n).map((t) => comment(t)).join('\n')}`);
      else tasks.push(`${lines}\n${ansibleTasks(a, prefix, n).join('\n')}`);
    });
    if (plan.actions.some((a) => !a.choice)) out.push('  tasks:');
    else out.push('  tasks: []');
    out.push(...tasks);
    for (const r of plan.remaining) out.push(`  # not fixed here: ${r.finding} (${r.why})`);
  }
  return `${out.join('\n')}\n`;
}

/**
 * `fixes` for a change in effect once applied; a kernel command line only changes at the next boot, so its findings
 * (read from /proc/cmdline) are `fixes at next boot`.
 */
const fixesLabel = (a: HostAction) => (a.kind === 'kernel-cmdline' ? 'fixes at next boot' : 'fixes');

function shSysfsFn(): string {
  // Masks read back with leading zeros and comma groups: compared without them; a selection file
  // (`always madvise [never]`) by its selected value.
  return [
    'vm_sysfs() {',
    '  vm_n() { printf %s "$1" | tr -d ",\\n" | sed -e "s/.*\\[\\([^]]*\\)\\].*/\\1/" -e "s/^0*//"; }',
    '  if [ "$(vm_n "$(cat "$1")")" = "$(vm_n "$2")" ]; then return 0; fi',
    '  printf "%s\\n" "$2" > "$1" && echo "changed: $1 = $2"',
    '}',
  ].join('\n');
}

/**
 * GRUB_CMDLINE_LINUX (its last assignment, as the shell that sources /etc/default/grub sees it) edited token by token:
 * vm_cmdline_set FILE NAME TOKEN puts TOKEN in place of the first NAME or NAME=... token (others removed), else at
 * the end; vm_cmdline_remove FILE NAME removes every NAME / NAME=... token. The value is written back double-quoted.
 * A missing file (a boot loader other than GRUB): said on stderr, nothing changed.
 */
const SH_CMDLINE = `vm_cmdline_edit() {
  [ -f "$1" ] || { echo "vmaudit: $1: no such file: edit the boot loader's kernel command line by hand ($2)" >&2; return 0; }
  tmp="$1.vmaudit-tmp.$$"
  VM_P="$2" VM_T="$3" awk '
    function edit(v,   n, i, t, out, done, name) {
      n = split(v, t, /[ \\t]+/); out = ""; done = 0
      for (i = 1; i <= n; i++) {
        if (t[i] == "") continue
        name = t[i]; sub(/=.*/, "", name)
        if (name == ENVIRON["VM_P"]) { if (ENVIRON["VM_T"] != "" && !done) { out = out (out == "" ? "" : " ") ENVIRON["VM_T"]; done = 1 } continue }
        out = out (out == "" ? "" : " ") t[i]
      }
      if (ENVIRON["VM_T"] != "" && !done) out = out (out == "" ? "" : " ") ENVIRON["VM_T"]
      return out
    }
    { lines[NR] = $0; if ($0 ~ /^[ \\t]*GRUB_CMDLINE_LINUX=/) last = NR }
    END {
      for (i = 1; i <= NR; i++) {
        if (i != last) { print lines[i]; continue }
        v = lines[i]; sub(/^[ \\t]*GRUB_CMDLINE_LINUX=/, "", v)
        q = substr(v, 1, 1)
        if (q == "\\"" || q == "\\047") { v = substr(v, 2); e = index(v, q); if (e) v = substr(v, 1, e - 1) }
        print "GRUB_CMDLINE_LINUX=\\"" edit(v) "\\""
      }
      if (!last && ENVIRON["VM_T"] != "") print "GRUB_CMDLINE_LINUX=\\"" ENVIRON["VM_T"] "\\""
    }' "$1" > "$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; return 0; fi
  cat "$tmp" > "$1" && rm -f "$tmp" && echo "changed: $1: GRUB_CMDLINE_LINUX \${3:-without $2}"
}
vm_cmdline_set() { vm_cmdline_edit "$1" "$2" "$3"; }
vm_cmdline_remove() { vm_cmdline_edit "$1" "$2" ""; }`;

const SH_FUNCTIONS = `${shSysfsFn()}
${SH_CMDLINE}
# vm_file PATH TEXT: PATH (its directory created) holds exactly TEXT.
vm_file() {
  mkdir -p "$(dirname "$1")"
  if [ -f "$1" ] && [ "$(cat "$1"; echo x)" = "$(printf %s "$2"; echo x)" ]; then return 0; fi
  printf %s "$2" > "$1" && chmod 0644 "$1" && echo "changed: $1"
}
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
        ...(a.cmdline ? [`vm_cmdline_set ${sq(prefix + GRUB_DEFAULT)} ${sq(paramName(a.cmdline))} ${sq(a.cmdline)}`] : []),
      ];
    case 'systemd-dropin':
      return [`vm_file ${sq(full)} ${sq(dropinText(a))}`];
    case 'kernel-cmdline':
      return [a.remove ? `vm_cmdline_remove ${sq(full)} ${sq(a.parameter!)}` : `vm_cmdline_set ${sq(full)} ${sq(a.parameter!)} ${sq(cmdlineToken(a))}`];
  }
}

/** The POSIX sh script of one host's fixes. */
export function renderSh(plan: HostPlan, prefixIn: string, header: string): string {
  const prefix = normalisePrefix(prefixIn);
  const out: string[] = ['#!/bin/sh', comment(header), `# ${plan.target.name}${prefix ? `: paths under ${prefix}` : ''}`, 'set -eu', SH_FUNCTIONS, ''];
  for (const a of plan.actions) {
    out.push(`# ${a.ruleIds.join(', ')}: ${describe(a)}`.replace(/\n/g, ' '), `# ${fixesLabel(a)}: ${a.fixes.join('; ')}`);
    const note = noteOf(a);
    if (a.choice) out.push(`# NEEDS A CHOICE: ${a.choice}`, ...shCommands(a, prefix).flatMap((c) => c.split('\n')).map((c) => `# ${c}`), ...(note ? [`# then run: ${note}`] : []));
    else if (!note) out.push(...shCommands(a, prefix));
    else {
      // The note is printed (never run) when the action changed something.
      out.push('vm_out=$(', ...shCommands(a, prefix).map((c) => `  ${c}`), ')', '[ -z "$vm_out" ] || printf "%s\\n%s\\n" "$vm_out" ' + sq(`then run: ${note}`));
    }
    out.push('');
  }
  for (const r of plan.remaining) out.push(`# not fixed here: ${r.finding} (${r.why})`);
  return `${out.join('\n')}\n`;
}
