/**
 * Fleet inventories: targets from repeated `--target`, a targets file (one per line, `#` comments) and Ansible
 * inventories (INI and YAML). Selection (`--limit`, `--shard`) and loading are in targets.ts.
 *
 * Ansible semantics mirrored (ansible/plugins/inventory/ini.py, yaml.py, inventory/helpers.py):
 * - INI: `[group]` host lines `name [key=value ...]` (also `name:port`), `[group:vars]` `key=value`,
 *   `[group:children]` group names; hosts before any section are in `ungrouped`; `#`/`;` comments;
 * - YAML: top-level groups (usually `all`), each with `hosts:` (name → vars), `vars:` and `children:`;
 * - ranges `hv[01:20].example`, `[a:f]`, `[1:9:2]` (leading zeros keep the width);
 * - every group is below `all`; variables: group vars by depth (all < parent < child, ties by name), then host
 *   vars; `ansible_host`, `ansible_user`, `ansible_port` (and the older `ansible_ssh_*`) pick the SSH endpoint.
 * Parsers are pure and return problems (file + line).
 */
import { isMap, isScalar, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { parseTargetSpec } from '../collect/ssh/config';
import type { SourceLocation } from '../util/location';
import type { Problem } from '../util/problem';

export interface FleetTarget {
  /** Stable name (inventory host name, or the target as written): reports, sharding and --limit use it. */
  name: string;
  /** What to connect to: a host, alias, `user@host` or `ssh://…` for resolveSshTarget(). */
  address: string;
  /** Values that win over ssh_config (ansible_user / ansible_port). */
  overrides: { user?: string; port?: number };
  /** Every group the host is in, ancestors included (`all` always). */
  groups: string[];
  /** Effective inventory variables (group vars by depth, then host vars). */
  vars: Record<string, unknown>;
  location?: SourceLocation;
}

interface InvGroup {
  name: string;
  hosts: string[];
  children: string[];
  vars: Record<string, unknown>;
}
interface InvHost {
  name: string;
  vars: Record<string, unknown>;
  location: SourceLocation;
}
export interface Inventory {
  groups: Map<string, InvGroup>;
  hosts: Map<string, InvHost>;
}

function newInventory(): Inventory {
  const inv: Inventory = { groups: new Map(), hosts: new Map() };
  group(inv, 'all');
  group(inv, 'ungrouped');
  return inv;
}

function group(inv: Inventory, name: string): InvGroup {
  let g = inv.groups.get(name);
  if (!g) {
    g = { name, hosts: [], children: [], vars: {} };
    inv.groups.set(name, g);
  }
  return g;
}

function addHost(inv: Inventory, groupName: string, name: string, vars: Record<string, unknown>, location: SourceLocation): void {
  let h = inv.hosts.get(name);
  if (!h) {
    h = { name, vars: {}, location };
    inv.hosts.set(name, h);
  }
  Object.assign(h.vars, vars);
  const g = group(inv, groupName);
  if (!g.hosts.includes(name)) g.hosts.push(name);
}

/** At most this many hosts from one range pattern (the product of all its ranges) and from all sources together. */
export const MAX_RANGE_HOSTS = 100_000;

/**
 * Expands Ansible host ranges: `hv[01:03].x` → hv01.x hv02.x hv03.x; `[a:c]`; `[1:9:4]`. Returns the problem
 * message for a bad range instead of throwing. Several ranges multiply (`[0:9][0:9]` is 100 hosts): the product
 * is checked against MAX_RANGE_HOSTS before anything is expanded.
 */
export function expandHostRange(pattern: string, budget = MAX_RANGE_HOSTS): { hosts: string[]; error?: string } {
  const m = /^(.*?)\[([^\]]*)\](.*)$/.exec(pattern);
  if (!m || !m[2].includes(':')) return { hosts: [pattern] };
  const [, head, range, tail] = m;
  const parts = range.split(':');
  if (parts.length < 2 || parts.length > 3) return { hosts: [], error: `bad range [${range}]` };
  const [beg, end, stepText] = parts;
  const step = stepText === undefined || stepText === '' ? 1 : Number(stepText);
  if (!Number.isInteger(step) || step < 1) return { hosts: [], error: `bad range step in [${range}]` };
  const values: string[] = [];
  if (/^[a-zA-Z]$/.test(beg || 'a') && /^[a-zA-Z]$/.test(end)) {
    const b = (beg || 'a').charCodeAt(0);
    const e = end.charCodeAt(0);
    if (b > e) return { hosts: [], error: `range start is after its end in [${range}]` };
    for (let c = b; c <= e; c += step) values.push(String.fromCharCode(c));
  } else if (/^\d*$/.test(beg) && /^\d+$/.test(end)) {
    const width = beg.length > 1 && beg.startsWith('0') ? beg.length : 0;
    const b = Number(beg || '0');
    const e = Number(end);
    if (b > e) return { hosts: [], error: `range start is after its end in [${range}]` };
    if (Math.floor((e - b) / step) + 1 > budget) return { hosts: [], error: `range [${range}] is too large (more than ${MAX_RANGE_HOSTS} hosts in one inventory)` };
    for (let i = b; i <= e; i += step) values.push(String(i).padStart(width, '0'));
  } else {
    return { hosts: [], error: `bad range [${range}]` };
  }
  if (values.length > budget) return { hosts: [], error: `range [${range}] is too large (more than ${MAX_RANGE_HOSTS} hosts in one inventory)` };
  const hosts: string[] = [];
  // The tail's own ranges may expand to at most budget / values.length hosts each.
  const inner = Math.floor(budget / values.length);
  for (const v of values) {
    const rest = expandHostRange(`${head}${v}${tail}`, inner);
    if (rest.error) return { hosts: [], error: rest.error.includes('too large') ? `the ranges together are too large (more than ${MAX_RANGE_HOSTS} hosts in one inventory)` : rest.error };
    for (const h of rest.hosts) hosts.push(h);
  }
  return { hosts };
}

/** shlex-like split (quotes, backslash), stopping at an unquoted `#` that starts a word. */
function shlexSplit(line: string): { words: string[]; error?: string } {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length || line[i] === '#') break;
    let w = '';
    let quote: string | null = null;
    for (; i < line.length; i++) {
      const c = line[i];
      if (quote === null && /\s/.test(c)) break;
      if (quote === null && (c === '"' || c === "'")) quote = c;
      else if (quote !== null && c === quote) quote = null;
      else if (c === '\\' && quote !== "'" && i + 1 < line.length) w += line[++i];
      else w += c;
    }
    if (quote !== null) return { words, error: 'unterminated quote' };
    words.push(w);
  }
  return { words };
}

/** Ansible's INI values go through literal_eval: numbers become numbers, True/False booleans; else strings. */
function iniValue(v: string): unknown {
  const q = /^(["'])(.*)\1$/s.exec(v);
  if (q) return q[2].replace(/\\(.)/g, '$1');
  if (/^-?\d+$/.test(v)) return Number(v);
  if (v === 'True' || v === 'true') return true;
  if (v === 'False' || v === 'false') return false;
  return v;
}

/** Parses an INI inventory. Pure; never throws. */
export function parseIniInventory(text: string, file: string): { value: Inventory; problems: Problem[] } {
  const inv = newInventory();
  let expandedTotal = 0;
  const problems: Problem[] = [];
  let section = 'ungrouped';
  let kind: 'hosts' | 'vars' | 'children' = 'hosts';
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '').trim();
    const location: SourceLocation = { file, line: index + 1, column: 1 };
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const sec = /^\[([^\]]+)\]\s*(?:[#;].*)?$/.exec(line);
    if (sec) {
      const [name, suffix] = sec[1].split(':');
      if (!/^[^\s:]+$/.test(name) || (suffix !== undefined && !['vars', 'children'].includes(suffix)) || sec[1].split(':').length > 2) {
        problems.push({ code: 'inventory.bad-section', level: 'error', message: `invalid section [${sec[1]}]`, location });
        section = '';
        return;
      }
      section = name;
      kind = (suffix as 'vars' | 'children' | undefined) ?? 'hosts';
      group(inv, name);
      return;
    }
    if (section === '') return; // inside a rejected section
    if (kind === 'vars') {
      const eq = line.indexOf('=');
      if (eq <= 0) {
        problems.push({ code: 'inventory.bad-var', level: 'error', message: `expected key=value in [${section}:vars]`, location });
        return;
      }
      group(inv, section).vars[line.slice(0, eq).trim()] = iniValue(line.slice(eq + 1).trim());
      return;
    }
    const { words, error } = shlexSplit(line);
    if (error || words.length === 0) {
      problems.push({ code: 'inventory.bad-line', level: 'error', message: error ?? 'empty entry', location });
      return;
    }
    if (kind === 'children') {
      const g = group(inv, section);
      group(inv, words[0]);
      if (!g.children.includes(words[0])) g.children.push(words[0]);
      return;
    }
    let hostPattern = words[0];
    const vars: Record<string, unknown> = {};
    // `host:port` (ranges like [01:20] contain colons too, so look outside the brackets)
    const port = /^[^:]+:(\d+)$/.exec(hostPattern.replace(/\[[^\]]*\]/g, ''));
    if (port) {
      hostPattern = hostPattern.slice(0, hostPattern.lastIndexOf(':'));
      vars.ansible_port = Number(port[1]);
    }
    for (const w of words.slice(1)) {
      const eq = w.indexOf('=');
      if (eq <= 0) {
        problems.push({ code: 'inventory.bad-var', level: 'error', message: `expected key=value after the host name, got "${w}"`, location });
        return;
      }
      vars[w.slice(0, eq)] = iniValue(w.slice(eq + 1));
    }
    const expanded = expandHostRange(hostPattern, MAX_RANGE_HOSTS - expandedTotal);
    expandedTotal += expanded.hosts.length;
    if (expanded.error) {
      problems.push({ code: 'inventory.bad-range', level: 'error', message: `${hostPattern}: ${expanded.error}`, location });
      return;
    }
    for (const h of expanded.hosts) addHost(inv, section, h, vars, location);
  });
  return { value: inv, problems };
}

/** Parses a YAML inventory. Pure; never throws. */
export function parseYamlInventory(text: string, file: string): { value: Inventory; problems: Problem[] } {
  const inv = newInventory();
  let expandedTotal = 0;
  const problems: Problem[] = [];
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const at = (node: Node | null | undefined): SourceLocation => {
    const pos = node?.range ? lc.linePos(node.range[0]) : { line: 1, col: 1 };
    return { file, line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      problems.push({ code: 'inventory.yaml', level: 'error', message: `YAML: ${e.message.split('\n')[0]}`, location: { file, line: e.linePos?.[0]?.line ?? 1, column: e.linePos?.[0]?.col ?? 1 } });
    }
    return { value: inv, problems };
  }
  const toVars = (node: unknown, where: Node | null | undefined): Record<string, unknown> => {
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) return {};
    if (!isMap(node)) {
      problems.push({ code: 'inventory.bad-vars', level: 'error', message: 'expected a mapping of variables', location: at(where) });
      return {};
    }
    let js: Record<string, unknown>;
    try {
      js = (node as YAMLMap).toJS(doc, { maxAliasCount: 100 }) as Record<string, unknown>;
    } catch (e) {
      problems.push({ code: 'inventory.yaml', level: 'error', message: `YAML: ${(e as Error).message.split('\n')[0]}`, location: at(where) });
      return {};
    }
    return js && typeof js === 'object' ? js : {};
  };
  const walkGroup = (name: string, node: unknown, keyNode: Node | null | undefined, depth: number): void => {
    group(inv, name);
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) return;
    if (!isMap(node)) {
      problems.push({ code: 'inventory.bad-group', level: 'error', message: `group ${name}: expected a mapping with hosts, vars or children`, location: at(keyNode) });
      return;
    }
    for (const pair of (node as YAMLMap).items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const keyN = pair.key as Node;
      if (key === 'hosts') {
        if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) continue;
        if (!isMap(pair.value)) {
          problems.push({ code: 'inventory.bad-hosts', level: 'error', message: `group ${name}: hosts must be a mapping (host: vars)`, location: at(keyN) });
          continue;
        }
        for (const hp of (pair.value as YAMLMap).items) {
          const hostPattern = isScalar(hp.key) ? String(hp.key.value) : '';
          const loc = at(hp.key as Node);
          const expanded = expandHostRange(hostPattern, MAX_RANGE_HOSTS - expandedTotal);
          expandedTotal += expanded.hosts.length;
          if (!hostPattern || expanded.error) {
            problems.push({ code: 'inventory.bad-range', level: 'error', message: `${hostPattern}: ${expanded.error ?? 'empty host name'}`, location: loc });
            continue;
          }
          const vars = toVars(hp.value, hp.key as Node);
          for (const h of expanded.hosts) addHost(inv, name, h, vars, loc);
        }
      } else if (key === 'vars') {
        Object.assign(group(inv, name).vars, toVars(pair.value, keyN));
      } else if (key === 'children') {
        if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) continue;
        if (!isMap(pair.value)) {
          problems.push({ code: 'inventory.bad-children', level: 'error', message: `group ${name}: children must be a mapping`, location: at(keyN) });
          continue;
        }
        if (depth > 64) continue;
        for (const cp of (pair.value as YAMLMap).items) {
          const child = isScalar(cp.key) ? String(cp.key.value) : '';
          const g = group(inv, name);
          if (!g.children.includes(child)) g.children.push(child);
          walkGroup(child, cp.value, cp.key as Node, depth + 1);
        }
      } else {
        problems.push({ code: 'inventory.unknown-key', level: 'warning', message: `group ${name}: unknown key "${key}" (expected hosts, vars or children)`, location: at(keyN) });
      }
    }
  };
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { value: inv, problems };
  if (!isMap(root)) {
    problems.push({ code: 'inventory.bad-root', level: 'error', message: 'a YAML inventory is a mapping of groups (e.g. all:)', location: at(root as Node) });
    return { value: inv, problems };
  }
  for (const pair of (root as YAMLMap).items) {
    walkGroup(isScalar(pair.key) ? String(pair.key.value) : '', pair.value, pair.key as Node, 0);
  }
  return { value: inv, problems };
}

/** Parses an inventory file, INI or YAML by extension (`.yml`/`.yaml`) or, failing that, by content. */
export function parseInventory(text: string, file: string): { value: Inventory; problems: Problem[] } {
  const yamlish = /\.ya?ml$/i.test(file) || (!/\.(ini|cfg)$/i.test(file) && /^\s*[A-Za-z0-9_.-]+:\s*(#.*)?$/m.test(text.split('\n').find((l) => l.trim() && !l.trim().startsWith('#')) ?? ''));
  return yamlish ? parseYamlInventory(text, file) : parseIniInventory(text, file);
}

/** All groups containing each group (itself included), plus depth (all = 0). */
function groupClosure(inv: Inventory): { parents: Map<string, Set<string>>; depth: Map<string, number> } {
  const parentOf = new Map<string, Set<string>>();
  for (const g of inv.groups.values()) {
    for (const c of g.children) {
      if (!parentOf.has(c)) parentOf.set(c, new Set());
      parentOf.get(c)!.add(g.name);
    }
  }
  const parents = new Map<string, Set<string>>();
  const depth = new Map<string, number>();
  const visit = (name: string, seen: Set<string>): Set<string> => {
    const cached = parents.get(name);
    if (cached) return cached;
    const out = new Set<string>([name, 'all']);
    let d = name === 'all' ? 0 : 1;
    for (const p of parentOf.get(name) ?? []) {
      if (seen.has(p)) continue; // a cycle: ignore the back edge
      const pp = visit(p, new Set([...seen, p]));
      for (const x of pp) out.add(x);
      d = Math.max(d, (depth.get(p) ?? 0) + 1);
    }
    parents.set(name, out);
    depth.set(name, d);
    return out;
  };
  for (const name of inv.groups.keys()) visit(name, new Set([name]));
  return { parents, depth };
}

/** Turns an inventory into targets, in inventory order; problems for hosts that cannot be used. */
export function inventoryTargets(inv: Inventory): { targets: FleetTarget[]; problems: Problem[] } {
  const { parents, depth } = groupClosure(inv);
  const problems: Problem[] = [];
  const targets: FleetTarget[] = [];
  const directGroups = new Map<string, Set<string>>();
  for (const g of inv.groups.values()) {
    for (const h of g.hosts) {
      if (!directGroups.has(h)) directGroups.set(h, new Set());
      directGroups.get(h)!.add(g.name);
    }
  }
  for (const host of inv.hosts.values()) {
    const groups = new Set<string>(['all']);
    const direct = [...(directGroups.get(host.name) ?? [])].filter((g) => g !== 'all');
    if (direct.length === 0) direct.push('ungrouped'); // as Ansible's reconcile_inventory() does
    for (const g of direct) for (const p of parents.get(g) ?? [g, 'all']) groups.add(p);
    const ordered = [...groups].sort((a, b) => (depth.get(a) ?? 0) - (depth.get(b) ?? 0) || a.localeCompare(b));
    const vars: Record<string, unknown> = {};
    for (const g of ordered) Object.assign(vars, inv.groups.get(g)?.vars ?? {});
    Object.assign(vars, host.vars);
    const str = (k: string): string | undefined => (vars[k] === undefined || vars[k] === null ? undefined : String(vars[k]));
    let address = str('ansible_host') ?? str('ansible_ssh_host') ?? host.name;
    const user = str('ansible_user') ?? str('ansible_ssh_user');
    const portText = str('ansible_port') ?? str('ansible_ssh_port');
    if (address.includes('{{') || user?.includes('{{') || portText?.includes('{{')) {
      problems.push({ code: 'inventory.templated', level: 'error', message: `${host.name}: Jinja2 templates in ansible_host/user/port are not evaluated by vmaudit`, location: host.location });
      continue;
    }
    let port: number | undefined;
    if (portText !== undefined) {
      if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
        problems.push({ code: 'inventory.bad-port', level: 'error', message: `${host.name}: invalid ansible_port "${portText}"`, location: host.location });
        continue;
      }
      port = Number(portText);
    }
    try {
      const spec = parseTargetSpec(address);
      if (spec.port !== undefined && port === undefined) port = spec.port;
      address = spec.host;
      if (user !== undefined) parseTargetSpec(`${user}@x`);
    } catch (e) {
      problems.push({ code: 'inventory.bad-host', level: 'error', message: `${host.name}: ${(e as Error).message}`, location: host.location });
      continue;
    }
    targets.push({ name: host.name, address, overrides: { user, port }, groups: ordered, vars, location: host.location });
  }
  return { targets, problems };
}

/** Targets file: one target per line, `#` comments, blank lines ignored. Pure. */
export function parseTargetsFile(text: string, file: string): { targets: FleetTarget[]; problems: Problem[] } {
  const targets: FleetTarget[] = [];
  const problems: Problem[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) return;
    const location: SourceLocation = { file, line: index + 1, column: raw.indexOf(line) + 1 };
    const t = targetFromArg(line, location);
    if ('problem' in t) problems.push(t.problem);
    else targets.push(t);
  });
  return { targets, problems };
}

/** A `--target` value (host, alias, user@host, ssh://user@host:port). */
export function targetFromArg(arg: string, location?: SourceLocation): FleetTarget | { problem: Problem } {
  try {
    parseTargetSpec(arg);
  } catch (e) {
    return { problem: { code: 'targets.invalid', level: 'error', message: (e as Error).message, location } };
  }
  return { name: arg, address: arg, overrides: {}, groups: ['all'], vars: {}, location };
}
