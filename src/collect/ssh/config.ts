/**
 * SSH target resolution: what `ssh -G` would use to connect to a target, from the parsed configuration files
 * (config-file.ts). Mirrors OpenSSH's readconf.c where it matters for connecting:
 * - for every option the FIRST obtained value wins (command-line values such as `user@` or `:port` come first);
 *   IdentityFile/CertificateFile accumulate;
 * - `Host` patterns (`*`, `?`, `!negation`: OpenSSH match_pattern_list, src/util/patterns.ts) are matched
 *   case-sensitively against the host as given on the command line; the resulting host name is lower-cased;
 *   `Match` supports `all`, `host` (after HostName substitution), `originalhost`, `user`, `localuser` and `!`;
 *   `Match exec`/`canonical`/`final`/... are never executed: the block is treated as not matching (warning);
 * - an `Include` inside a non-matching block never matches;
 * - `HostName` expands `%h`/`%%`; IdentityFile, UserKnownHostsFile, IdentityAgent expand `~` and
 *   `%d %h %i %k %L %l %n %p %r %u %%`.
 * Checked against `ssh -G` in test/collect/ssh/config.test.ts. Resolution throws ScanError('input') for targets that
 * cannot be used.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { SourceLocation } from '../../util/location';
import { matchPatternList } from '../../util/patterns';
import type { Problem } from '../../util/problem';
import { ScanError } from '../runner';
import { expandTildeOnly, loadSshConfig, type LoadOptions, type SshConfigFile } from './config-file';

// ---------------------------------------------------------------------------------------------------------------
// Targets

export interface TargetSpec {
  /** Host or alias as written (what `Host` patterns are matched against). */
  host: string;
  user?: string;
  port?: number;
}

/** OpenSSH's valid_hostname(): no shell metacharacters, whitespace, control characters or leading '-'. */
export function isValidHostname(s: string): boolean {
  if (s.length === 0 || s.startsWith('-')) return false;
  return !/[\s'`"$\\;&<>|(){},\x00-\x1f\x7f]/.test(s);
}

/** OpenSSH's valid_ruser() plus '@' and ':' (which would be ambiguous in a target). */
export function isValidUser(s: string): boolean {
  if (s.length === 0 || s.startsWith('-')) return false;
  return !/[\s'`"$\\;&<>|(){}@:\x00-\x1f\x7f]/.test(s);
}

function parsePort(s: string, target: string): number {
  if (!/^\d{1,5}$/.test(s) || Number(s) < 1 || Number(s) > 65535) throw new ScanError('input', `invalid port "${s}" in target ${JSON.stringify(target)}`, target);
  return Number(s);
}

/**
 * Parses `ssh://[user@]host[:port]`, `[user@]host`, `[user@][v6addr]:port` or `user@host:port` (the colon form
 * is accepted as a convenience; OpenSSH itself only takes it in ProxyJump). Throws ScanError('input').
 */
export function parseTargetSpec(target: string): TargetSpec {
  let rest = target.trim();
  const uri = /^ssh:\/\//i.test(rest);
  if (uri) rest = rest.slice(6).replace(/\/$/, '');
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (uri) user = user.replace(/;.*$/, ''); // ssh URI connection parameters (RFC draft) are ignored
    if (!isValidUser(user)) throw new ScanError('input', `invalid user name in target ${JSON.stringify(target)}`, target);
  }
  let host = rest;
  let port: number | undefined;
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (bracket) {
    host = bracket[1];
    if (bracket[2] !== undefined) port = parsePort(bracket[2], target);
  } else if ((rest.match(/:/g) ?? []).length === 1) {
    const c = rest.indexOf(':');
    host = rest.slice(0, c);
    port = parsePort(rest.slice(c + 1), target);
  }
  if (!isValidHostname(host)) throw new ScanError('input', `invalid host name in target ${JSON.stringify(target)}: it contains characters that cannot be in a host name`, target);
  return { host, user, port };
}

/**
 * glibc inet_aton_exact() (what getaddrinfo(AI_NUMERICHOST) accepts for IPv4): 1 to 4 parts, each decimal,
 * 0-octal or 0x-hex, the last one filling the remaining bytes. Returns the 32-bit value or undefined.
 */
function inetAton(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length > 4) return undefined;
  const vals: number[] = [];
  for (const p of parts) {
    const m = /^(?:0[xX]([0-9a-fA-F]*)|(0[0-7]*)|([1-9][0-9]*))$/.exec(p);
    if (!m) return undefined;
    const v = m[1] !== undefined ? (m[1] === '' ? NaN : parseInt(m[1], 16)) : m[2] !== undefined ? parseInt(m[2], 8) : Number(m[3]);
    if (!Number.isFinite(v) || v > 0xffffffff) return undefined;
    vals.push(v);
  }
  const last = vals.pop()!;
  if (vals.some((v) => v > 0xff) || last >= 2 ** (8 * (4 - vals.length))) return undefined;
  return vals.reduce((acc, v, i) => acc + v * 2 ** (8 * (3 - i)), 0) + last;
}

/**
 * ssh replaces a host name that is a numeric address by its canonical form (getaddrinfo(AI_NUMERICHOST) then
 * getnameinfo(NI_NUMERICHOST)): `3221225986` and `0xc0000202` become `192.0.2.2`, `0:0::1` becomes `::1`; the
 * known_hosts lookups and CheckHostIP use that form. Other names are returned unchanged.
 */
export function canonicalAddress(host: string): string {
  const v4 = inetAton(host);
  if (v4 !== undefined) return [24, 16, 8, 0].map((b) => Math.floor(v4 / 2 ** b) % 256).join('.');
  if (!host.includes(':') || !/^[0-9a-fA-F:.]+$/.test(host)) return host;
  let url: URL;
  try {
    url = new URL(`http://[${host}]/`);
  } catch {
    return host;
  }
  const v6 = url.hostname.slice(1, -1);
  // inet_ntop() writes IPv4-mapped and IPv4-compatible addresses with a dotted quad, WHATWG in hex.
  const m = /^::(ffff:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (m) {
    const hi = parseInt(m[2], 16);
    const lo = parseInt(m[3], 16);
    if (m[1] || hi !== 0) return `::${m[1] ?? ''}${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return v6;
}

export type StrictHostKeyChecking = 'yes' | 'ask' | 'accept-new' | 'no';

export interface ResolvedSshTarget {
  /** The target as the user wrote it (for messages and reports). */
  name: string;
  /** Host as given (alias), what `Host` blocks matched. */
  originalHost: string;
  /** Address to connect to (after HostName). */
  hostname: string;
  port: number;
  user: string;
  /** Expanded identity file paths, in the order they are tried. */
  identityFiles: string[];
  /** True when IdentityFile came from the config; false when these are OpenSSH's defaults. */
  identityFilesConfigured: boolean;
  identitiesOnly: boolean;
  /** ssh-agent socket: IdentityAgent, else $SSH_AUTH_SOCK; undefined = no agent. */
  agentSocket?: string;
  strictHostKeyChecking: StrictHostKeyChecking;
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  /** HashKnownHosts: new known_hosts entries are written hashed. */
  hashKnownHosts: boolean;
  /** Name used for known_hosts lookups instead of the host name (and its port). */
  hostKeyAlias?: string;
  /** CheckHostIP: also check the peer address's key in known_hosts (OpenSSH default: no). */
  checkHostIp: boolean;
  connectTimeoutMs?: number;
  serverAliveIntervalMs?: number;
  serverAliveCountMax?: number;
  /** One jump host (ProxyJump), itself resolved through the same configuration. */
  proxyJump?: ResolvedSshTarget;
  /** Where each value came from, for messages (`hostname` → ~/.ssh/config:12). */
  origins: Record<string, SourceLocation>;
}

export interface ResolveOptions extends LoadOptions {
  /** `--ssh-config FILE`: used instead of ~/.ssh/config and /etc/ssh/ssh_config (like `ssh -F`). */
  configFile?: string;
  /** Already loaded configuration files (in order); when given, nothing is read from disk. */
  configs?: SshConfigFile[];
  /** Local user name (default os.userInfo().username). */
  localUser?: string;
  /** Environment for SSH_AUTH_SOCK (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Overrides that win over the config (Ansible's ansible_user / ansible_port / ansible_host). */
  overrides?: { user?: string; port?: number };
}

const DEFAULT_IDENTITIES = ['~/.ssh/id_rsa', '~/.ssh/id_ecdsa', '~/.ssh/id_ecdsa_sk', '~/.ssh/id_ed25519', '~/.ssh/id_ed25519_sk', '~/.ssh/id_xmss', '~/.ssh/id_dsa'];

interface Collected {
  values: Map<string, { args: string[]; location: SourceLocation }>;
  identityFiles: { arg: string; location: SourceLocation }[];
  problems: Problem[];
}

function evaluate(configs: SshConfigFile[], originalHost: string, localUser: string, collected: Collected, preset: Map<string, string[]>): void {
  const currentHost = (): string => {
    const hn = collected.values.get('hostname')?.args[0] ?? preset.get('hostname')?.[0];
    return hn ? hn.replace(/%(.)/g, (_, t: string) => (t === 'h' ? originalHost : t === '%' ? '%' : `%${t}`)) : originalHost;
  };
  const currentUser = (): string => preset.get('user')?.[0] ?? collected.values.get('user')?.args[0] ?? localUser;
  const walk = (file: SshConfigFile, active: boolean, neverMatch: boolean): void => {
    for (const item of file.items) {
      switch (item.type) {
        case 'host':
          active = !neverMatch && matchPatternList(originalHost, item.patterns) === 1;
          break;
        case 'match': {
          let ok = !neverMatch;
          for (const c of item.criteria) {
            let r: boolean;
            switch (c.name) {
              case 'all':
                r = true;
                break;
              case 'host':
                r = matchPatternList(currentHost().toLowerCase(), c.arg ?? '', true) === 1;
                break;
              case 'originalhost':
                r = matchPatternList(originalHost.toLowerCase(), c.arg ?? '', true) === 1;
                break;
              case 'user':
                r = matchPatternList(currentUser(), c.arg ?? '') === 1;
                break;
              case 'localuser':
                r = matchPatternList(localUser, c.arg ?? '') === 1;
                break;
              default:
                if (c.arg !== '' && !neverMatch) {
                  collected.problems.push({ code: 'ssh-config.match-unsupported', level: 'warning', message: `Match ${c.name} is not evaluated by vmaudit; the block is ignored`, location: item.location });
                }
                r = c.negated; // treated as "does not match" (so that the block is skipped)
            }
            if (c.negated) r = !r;
            if (!r) ok = false;
          }
          active = ok;
          break;
        }
        case 'include':
          for (const f of item.files ?? []) walk(f, active, neverMatch || !active);
          break;
        case 'option':
          if (!active) break;
          if (item.keyword === 'identityfile') collected.identityFiles.push({ arg: item.args[0], location: item.location });
          else if (!collected.values.has(item.keyword)) collected.values.set(item.keyword, { args: item.args, location: item.location });
          break;
      }
    }
  };
  for (const f of configs) walk(f, true, false);
}

interface TokenContext {
  home: string;
  hostname: string;
  originalHost: string;
  port: number;
  user: string;
  localUser: string;
  hostKeyAlias?: string;
}

/** Expands `~` and OpenSSH % tokens in a path; throws ScanError('input') on an unknown token. */
export function expandPath(value: string, ctx: TokenContext, target: string): string {
  let v = expandTildeOnly(value, ctx.home);
  v = v.replace(/%(.)/g, (_, t: string) => {
    switch (t) {
      case '%':
        return '%';
      case 'd':
        return ctx.home;
      case 'h':
        return ctx.hostname;
      case 'n':
        return ctx.originalHost;
      case 'p':
        return String(ctx.port);
      case 'r':
        return ctx.user;
      case 'u':
        return ctx.localUser;
      case 'i':
        return String(typeof process.getuid === 'function' ? process.getuid() : 0);
      case 'k':
        return ctx.hostKeyAlias ?? ctx.hostname;
      case 'l':
        return os.hostname();
      case 'L':
        return os.hostname().split('.')[0];
      default:
        throw new ScanError('input', `${target}: unknown token %${t} in "${value}" in the ssh configuration`, target);
    }
  });
  return v;
}

/**
 * The configuration files a resolution would read (`--ssh-config FILE`, else ~/.ssh/config then
 * /etc/ssh/ssh_config), loaded once: pass the result as `configs` to resolve many targets without re-reading.
 */
export function loadDefaultConfigs(options: ResolveOptions = {}): { configs: SshConfigFile[]; problems: Problem[] } {
  return defaultConfigs(options, options.home ?? os.homedir());
}

function defaultConfigs(options: ResolveOptions, home: string): { configs: SshConfigFile[]; problems: Problem[] } {
  if (options.configs) return { configs: options.configs, problems: [] };
  if (options.configFile) {
    if (options.configFile === 'none') return { configs: [], problems: [] };
    const r = loadSshConfig(options.configFile, { home });
    return { configs: [r.value], problems: r.problems };
  }
  const user = loadSshConfig(path.join(home, '.ssh', 'config'), { home, optional: true });
  const system = loadSshConfig('/etc/ssh/ssh_config', { home, optional: true, system: true });
  return { configs: [user.value, system.value], problems: [...user.problems, ...system.problems] };
}

/**
 * Resolves a target through the ssh configuration, as `ssh -G` would. Throws ScanError('input') for a target
 * or configuration vmaudit cannot honour (invalid names, ProxyCommand, more than one ProxyJump hop).
 */
export function resolveSshTarget(target: string, options: ResolveOptions = {}): { target: ResolvedSshTarget; problems: Problem[] } {
  const home = options.home ?? os.homedir();
  const { configs, problems } = defaultConfigs(options, home);
  const resolved = resolveWith(target, configs, { ...options, home }, problems, 0);
  return { target: resolved, problems };
}

function resolveWith(target: string, configs: SshConfigFile[], options: ResolveOptions & { home: string }, problems: Problem[], depth: number): ResolvedSshTarget {
  const spec = parseTargetSpec(target);
  let localUser = options.localUser;
  if (localUser === undefined) {
    try {
      localUser = os.userInfo().username;
    } catch {
      localUser = process.env.USER ?? 'root';
    }
  }
  const preset = new Map<string, string[]>();
  const user0 = depth === 0 ? (options.overrides?.user ?? spec.user) : spec.user;
  const port0 = depth === 0 ? (options.overrides?.port ?? spec.port) : spec.port;
  if (user0 !== undefined) preset.set('user', [user0]);
  const collected: Collected = { values: new Map(), identityFiles: [], problems };
  evaluate(configs, spec.host, localUser, collected, preset);
  const get = (k: string): { args: string[]; location: SourceLocation } | undefined => collected.values.get(k);
  const origins: Record<string, SourceLocation> = {};
  for (const [k, v] of collected.values) origins[k] = v.location;

  if (get('proxycommand') && get('proxycommand')!.args[0].toLowerCase() !== 'none') {
    throw new ScanError('input', `${target}: ProxyCommand (${fmtLoc(get('proxycommand')!.location)}) is not supported by vmaudit; use ProxyJump`, target);
  }
  const hnRaw = get('hostname')?.args[0];
  const hostname = canonicalAddress((hnRaw ? hnRaw.replace(/%(.)/g, (_, t: string) => (t === 'h' ? spec.host : t === '%' ? '%' : `%${t}`)) : spec.host).toLowerCase());
  if (!isValidHostname(hostname) || hostname.includes('%')) {
    throw new ScanError('input', `${target}: invalid HostName "${hostname}"${hnRaw ? ` (${fmtLoc(get('hostname')!.location)})` : ''}`, target);
  }
  let port = port0;
  if (port === undefined && get('port')) {
    const p = get('port')!.args[0];
    if (!/^\d{1,5}$/.test(p) || Number(p) < 1 || Number(p) > 65535) throw new ScanError('input', `${target}: invalid Port "${p}" (${fmtLoc(get('port')!.location)})`, target);
    port = Number(p);
  }
  port ??= 22;
  const user = user0 ?? get('user')?.args[0] ?? localUser;
  if (!isValidUser(user)) throw new ScanError('input', `${target}: invalid user name ${JSON.stringify(user)}`, target);
  // ssh.c lower-cases HostKeyAlias (`ssh -G` shows it), like the host name.
  const hostKeyAlias = get('hostkeyalias')?.args[0]?.toLowerCase();
  const ctx: TokenContext = { home: options.home, hostname, originalHost: spec.host, port, user, localUser, hostKeyAlias };

  const identityFilesConfigured = collected.identityFiles.length > 0;
  const idArgs = identityFilesConfigured ? collected.identityFiles.map((i) => i.arg) : DEFAULT_IDENTITIES;
  const identityFiles = [...new Set(idArgs.filter((a) => a.toLowerCase() !== 'none').map((a) => expandPath(a, ctx, target)))];

  const shkc = (get('stricthostkeychecking')?.args[0] ?? 'ask').toLowerCase();
  const strictHostKeyChecking: StrictHostKeyChecking =
    shkc === 'yes' || shkc === 'true' ? 'yes' : shkc === 'no' || shkc === 'false' || shkc === 'off' ? 'no' : shkc === 'accept-new' ? 'accept-new' : 'ask';

  const ukh = get('userknownhostsfile')?.args ?? ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'];
  const gkh = get('globalknownhostsfile')?.args ?? ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];
  const userKnownHostsFiles = ukh.filter((f) => f.toLowerCase() !== 'none').map((f) => expandPath(f, ctx, target));
  const globalKnownHostsFiles = gkh.filter((f) => f.toLowerCase() !== 'none').map((f) => expandPath(f, ctx, target));

  const seconds = (k: string): number | undefined => {
    const v = get(k)?.args[0];
    if (v === undefined || v.toLowerCase() === 'none') return undefined;
    if (!/^\d+$/.test(v)) {
      problems.push({ code: 'ssh-config.bad-number', level: 'error', message: `${k}: "${v}" is not a number of seconds`, location: get(k)!.location });
      return undefined;
    }
    return Number(v) * 1000;
  };
  const countMax = get('serveralivecountmax')?.args[0];

  const env = options.env ?? process.env;
  const ia = get('identityagent')?.args[0];
  let agentSocket: string | undefined;
  if (ia === undefined || ia === 'SSH_AUTH_SOCK') agentSocket = env.SSH_AUTH_SOCK || undefined;
  else if (ia.toLowerCase() === 'none') agentSocket = undefined;
  else if (ia.startsWith('$')) agentSocket = env[ia.slice(1)] || undefined;
  else agentSocket = expandPath(ia, ctx, target);

  let proxyJump: ResolvedSshTarget | undefined;
  const pj = get('proxyjump')?.args[0];
  if (pj !== undefined && pj.toLowerCase() !== 'none') {
    const hops = pj.split(',');
    if (hops.length > 1 || depth > 0) {
      throw new ScanError('input', `${target}: ProxyJump with more than one hop is not supported (${pj})`, target);
    }
    proxyJump = resolveWith(hops[0], configs, options, problems, depth + 1);
  }

  return {
    name: target,
    originalHost: spec.host,
    hostname,
    port,
    user,
    identityFiles,
    identityFilesConfigured,
    identitiesOnly: (get('identitiesonly')?.args[0] ?? 'no').toLowerCase() === 'yes',
    agentSocket,
    strictHostKeyChecking,
    userKnownHostsFiles,
    globalKnownHostsFiles,
    hashKnownHosts: (get('hashknownhosts')?.args[0] ?? 'no').toLowerCase() === 'yes',
    hostKeyAlias,
    checkHostIp: yesNo(get('checkhostip')?.args[0], false),
    connectTimeoutMs: seconds('connecttimeout'),
    serverAliveIntervalMs: seconds('serveraliveinterval'),
    serverAliveCountMax: countMax && /^\d+$/.test(countMax) ? Number(countMax) : undefined,
    proxyJump,
    origins,
  };
}

/** readconf.c multistate_flag: yes/true → on, no/false → off (other values: the default). */
function yesNo(v: string | undefined, dflt: boolean): boolean {
  const l = v?.toLowerCase();
  return l === 'yes' || l === 'true' ? true : l === 'no' || l === 'false' ? false : dflt;
}

function fmtLoc(l: SourceLocation): string {
  return `${l.file}:${l.line}`;
}
