/**
 * libvirt daemons: which ones are in use (systemd units enabled from `/etc/systemd/system/*.wants/`, masked
 * units, running processes), their configs (virConf via readDaemonConfig), the effective remote listening
 * (libvirt docs/daemons.rst, remote_daemon.c 9.0) and the UNIX sockets.
 *
 * Effective remote listening:
 *  - libvirtd under socket activation (libvirtd.socket not masked, and enabled or pulled in by the service's
 *    Wants=/Requires=): `listen_tcp`, `listen_tls`, `tcp_port`, `tls_port`, `listen_addr` and `unix_sock_*` are NOT
 *    honoured; `libvirtd-tcp.socket` / `libvirtd-tls.socket` decide, and `--listen` makes libvirtd exit with
 *    "--listen parameter not permitted with systemd activation sockets, see 'man libvirtd' for further guidance";
 *  - libvirtd without activation: nothing unless `--listen`; then `listen_tcp` (default 0) and `listen_tls`
 *    (default 1);
 *  - virtproxyd: under activation its -tcp/-tls sockets, otherwise `listen_tcp`/`listen_tls` (no --listen needed).
 */
import type { EvidenceBundle } from '../../../collect/evidence';
import { fileOf } from '../../../collect/evidence';
import { parseEnvFile } from '../../common/envfile';
import { loadUnit, resolveServiceExecStart, socketSettings, splitWords, unitList, type Unit, type UnitSources } from '../../common/systemd';
import type { SourceLocation } from '../../../util/location';
import { parseVirConf, readDaemonConfig, type DaemonConfig, type DaemonName } from '../virconf';
import type { DaemonConfigFacts, DaemonsFacts, GroupFacts, ListenWayFacts, RemoteFacts, SettingFact, TlsFacts, UnitFacts, UnixSocketFacts } from '../model-access';
import { at, fileReason, okText } from '../../common/evidence';
import { isWildcard, problemFact, statOf, unitSources, unreadable } from './common';
import type { TypedConfig } from '../virconf';

export const DAEMONS: readonly DaemonName[] = [
  'libvirtd',
  'virtproxyd',
  'virtqemud',
  'virtnetworkd',
  'virtstoraged',
  'virtnodedevd',
  'virtsecretd',
  'virtinterfaced',
  'virtnwfilterd',
  'virtlxcd',
  'virtchd',
];

const UNIT_SUFFIXES = ['.service', '.socket', '-ro.socket', '-admin.socket', '-tcp.socket', '-tls.socket'];

/** Settings of a typed config as CEL facts. */
export function settingFacts(cfg: TypedConfig, file: string, prefix: string): Record<string, SettingFact> {
  const out: Record<string, SettingFact> = {};
  for (const [name, s] of Object.entries(cfg.settings)) {
    out[name] = {
      name,
      value: s.value === undefined ? null : s.value,
      explicit: s.explicit,
      error: s.error ?? null,
      loc: s.location ?? at(file),
      key: `${prefix}:${name}`,
    };
  }
  return out;
}

export function confFacts(
  cfg: TypedConfig,
  file: string,
  present: boolean,
  prefix: string,
  printed: (m: string, socketMode: boolean) => string,
  /** The same reader on an empty file: the defaults, used when the file's settings are unknown. */
  defaults: () => TypedConfig,
) {
  const rej = cfg.rejection;
  return {
    file,
    present,
    accepted: cfg.accepted,
    known: cfg.known,
    rejection: rej
      ? { message: printed(rej.message, /^Failed to parse mode/.test(rej.message)), loc: rej.location ?? at(file), key: `${prefix}:rejection` }
      : null,
    settings: settingFacts(cfg.known ? cfg : defaults(), file, prefix),
    ignored: cfg.problems.filter((p) => p.level === 'warning').map((p) => problemFact(p, file)),
    loc: at(file),
    key: prefix,
  };
}

interface UnitState {
  facts: UnitFacts;
  unit: Unit | undefined;
}

function enabledMap(b: EvidenceBundle): { map: Map<string, string[]>; anyListing: boolean } {
  const map = new Map<string, string[]>();
  let anyListing = false;
  for (const [dir, d] of Object.entries(b.dirs)) {
    const m = /^\/etc\/systemd\/system\/([^/]+)\.(wants|requires)$/.exec(dir);
    if (!m || d.state !== 'ok') continue;
    anyListing = true;
    for (const e of d.entries ?? []) map.set(e, [...(map.get(e) ?? []), `${dir}/${e}`]);
  }
  // Symlinks collected as files (e.g. /etc/systemd/system/sockets.target.wants/libvirtd.socket) count as well.
  for (const p of Object.keys(b.files)) {
    const m = /^\/etc\/systemd\/system\/[^/]+\.(?:wants|requires)\/([^/]+)$/.exec(p);
    if (!m || b.files[p].state === 'missing') continue;
    anyListing = true;
    const list = map.get(m[1]) ?? [];
    if (!list.includes(p)) map.set(m[1], [...list, p]);
  }
  return { map, anyListing };
}

function unitState(name: string, sources: UnitSources, enabled: Map<string, string[]>): UnitState {
  const u = loadUnit(name, sources).value;
  const wantedBy = enabled.get(name) ?? [];
  const exists = u.fragment !== undefined && (u.masked || u.fragment in sources.files);
  const loc = u.fragment ? at(u.fragment) : wantedBy.length ? at(wantedBy[0]) : at(`/etc/systemd/system/${name}`);
  return {
    facts: { name, exists, masked: u.masked, enabled: wantedBy.length > 0 && !u.masked, wantedBy, loc, key: `unit:${name}` },
    unit: u.masked || u.fragment === undefined ? undefined : u,
  };
}

export interface DaemonContext {
  units: Record<string, UnitState>;
  daemons: DaemonsFacts | null;
  /** The daemons whose config and sockets are audited. */
  inUse: Set<DaemonName>;
  configs: Map<DaemonName, { facts: DaemonConfigFacts; cfg: DaemonConfig }>;
}

/** A daemon is socket-activated when its main .socket is not masked and is enabled or pulled in by its service. */
function socketActivated(ctx: DaemonContext, d: string): boolean {
  const sock = ctx.units[`${d}.socket`];
  if (!sock || sock.facts.masked) return false;
  if (sock.facts.enabled) return true;
  const svc = ctx.units[`${d}.service`]?.unit;
  if (!svc || !sock.facts.exists) return false;
  const pulled = ['Wants', 'Requires', 'BindsTo'].flatMap((k) => unitList(svc, 'Unit', k).flatMap((a) => a.value.split(/\s+/)));
  return pulled.includes(`${d}.socket`);
}

export function buildDaemons(b: EvidenceBundle, unknown: Record<string, string>, running: string[] | null): DaemonContext {
  const sources = unitSources(b);
  const { map, anyListing } = enabledMap(b);
  const units: Record<string, UnitState> = {};
  for (const d of DAEMONS) for (const s of UNIT_SUFFIXES) units[`${d}${s}`] = unitState(`${d}${s}`, sources, map);
  const ctx: DaemonContext = { units, daemons: null, inUse: new Set(), configs: new Map() };
  const live = (n: string): boolean => {
    const u = units[n]?.facts;
    return !!u && u.enabled && !u.masked;
  };
  const runningSet = new Set(running ?? []);
  const evidence = anyListing || running !== null;
  for (const d of DAEMONS) {
    if (live(`${d}.service`) || live(`${d}.socket`) || runningSet.has(d)) ctx.inUse.add(d);
  }
  if (ctx.inUse.size === 0) {
    // No enabled or running daemon known: audit the configs that exist; without any unit/process evidence at all,
    // assume the classic monolithic libvirtd.
    for (const d of DAEMONS) if (fileOf(b, `/etc/libvirt/${d}.conf`).state !== 'missing') ctx.inUse.add(d);
    if (ctx.inUse.size === 0 && !evidence) ctx.inUse.add('libvirtd');
  }
  if (!evidence) unknown['host.daemons'] = 'no /etc/systemd/system/*.wants listing and no process list collected';
  else {
    const monolithic = ctx.inUse.has('libvirtd');
    const modular = ctx.inUse.has('virtqemud');
    ctx.daemons = {
      units: Object.fromEntries(Object.entries(units).filter(([, u]) => u.facts.exists || u.facts.enabled || u.facts.masked).map(([n, u]) => [n, u.facts])),
      monolithic,
      modular,
      inUse: [...ctx.inUse].sort(),
      running: [...runningSet].sort(),
      loc: at('/etc/systemd/system'),
      key: 'daemons',
    };
  }
  for (const d of DAEMONS) {
    const file = `/etc/libvirt/${d}.conf`;
    const f = fileOf(b, file);
    if (unreadable(f) || f.state === 'not-regular') {
      if (ctx.inUse.has(d)) unknown[`host.${d}`] = fileReason(f, b.privileged);
      continue;
    }
    const present = f.state !== 'missing';
    if (!present && !ctx.inUse.has(d)) continue;
    const cfg = readDaemonConfig(parseVirConf(okText(f) ?? '', file), d);
    const base = confFacts(cfg, file, present, d, (m, sockMode) => (sockMode ? m : `Can't load config file: ${m}: ${file}`), () =>
      readDaemonConfig(parseVirConf('', file), d),
    );
    if (!cfg.known) unknown[`host.${d}`] = `${file}: libvirt refuses the file (${cfg.rejection?.message ?? 'syntax error'}), so no setting of it is in effect`;
    ctx.configs.set(d, { facts: { ...base, daemon: d, inUse: ctx.inUse.has(d), ip: d === 'libvirtd' || d === 'virtproxyd' }, cfg });
  }
  return ctx;
}

// ---------------------------------------------------------------------------------------------------------
// --listen

const SHORT_WITH_ARG = new Set(['f', 'p', 't']);

function hasListen(words: string[]): number {
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (w === '--') break;
    if (w === '--listen') return i;
    if (/^-[A-Za-z]+$/.test(w)) {
      for (const c of w.slice(1)) {
        if (c === 'l') return i;
        if (SHORT_WITH_ARG.has(c)) break;
      }
    }
  }
  return -1;
}

function listenFlag(b: EvidenceBundle): RemoteFacts['listenFlag'] {
  const sources = unitSources(b);
  const r = resolveServiceExecStart('libvirtd.service', sources).value;
  if (r.unit.fragment !== undefined && !r.unit.masked && r.commands.length) {
    const argv = r.commands[0].argv;
    const i = hasListen(argv.map((w) => w.value));
    if (i === -1) return null;
    const w = argv[i];
    const loc = w.vars?.find((v) => v.location)?.location ?? w.location;
    return { source: loc.file, loc, key: 'libvirtd:--listen' };
  }
  // No unit file collected: LIBVIRTD_ARGS from the environment file of the distribution.
  let found: RemoteFacts['listenFlag'] = null;
  for (const file of ['/etc/sysconfig/libvirtd', '/etc/default/libvirtd']) {
    const t = okText(fileOf(b, file));
    if (t === undefined) continue;
    const v = parseEnvFile(t, file).value.vars.LIBVIRTD_ARGS;
    if (!v) continue;
    const words = splitWords(v.value, { cunescape: false, relax: true }, undefined, file, v.location).words.map((w) => w.value);
    found = hasListen(['libvirtd', ...words]) === -1 ? null : { source: file, loc: v.location, key: 'libvirtd:--listen' };
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------
// Remote listening

function socketWay(ctx: DaemonContext, unitName: string, defaultPort: string): ListenWayFacts | null {
  const u = ctx.units[unitName];
  if (!u || !u.facts.enabled || u.facts.masked) return null;
  const s = u.unit ? socketSettings(u.unit).value : undefined;
  const l = s?.listen.find((x) => x.kind === 'ListenStream');
  let address: string | null = null;
  let port = defaultPort;
  if (l) {
    const m = /^(?:\[(.*)\]|(.*)):(\d+)$/.exec(l.address);
    if (m) {
      address = m[1] ?? m[2];
      port = m[3];
    } else if (/^\d+$/.test(l.address)) port = l.address;
    else address = l.address;
  }
  return { transport: unitName.endsWith('-tls.socket') ? 'tls' : 'tcp', via: 'socket', port, address, wildcard: isWildcard(address), loc: l?.location ?? u.facts.loc, key: `remote:${unitName}` };
}

function configWay(cfg: DaemonConfigFacts, which: 'tcp' | 'tls'): ListenWayFacts | null {
  const on = cfg.settings[`listen_${which}`];
  if (on?.value !== true) return null;
  const addr = cfg.settings.listen_addr?.value;
  const address = typeof addr === 'string' ? addr : null;
  const port = cfg.settings[`${which}_port`]?.value;
  return { transport: which, via: 'config', port: typeof port === 'string' ? port : null, address, wildcard: isWildcard(address), loc: on.loc, key: `remote:${cfg.daemon}:listen_${which}` };
}

export function buildRemote(b: EvidenceBundle, ctx: DaemonContext, unknown: Record<string, string>): RemoteFacts | null {
  const daemon: DaemonName | null = ctx.inUse.has('libvirtd') ? 'libvirtd' : ctx.inUse.has('virtproxyd') ? 'virtproxyd' : null;
  if (daemon && unknown[`host.${daemon}`]) {
    unknown['host.remote'] = unknown[`host.${daemon}`];
    unknown['host.tls'] = unknown[`host.${daemon}`];
    unknown['host.sasl.allowedUsernames'] = unknown[`host.${daemon}`];
    return null;
  }
  const cfg = daemon ? ctx.configs.get(daemon)?.facts ?? null : null;
  const activated = daemon ? socketActivated(ctx, daemon) : false;
  const flag = daemon === 'libvirtd' ? listenFlag(b) : null;
  let tcp: ListenWayFacts | null = null;
  let tls: ListenWayFacts | null = null;
  if (daemon && cfg) {
    if (activated) {
      tcp = socketWay(ctx, `${daemon}-tcp.socket`, '16509');
      tls = socketWay(ctx, `${daemon}-tls.socket`, '16514');
    } else if (daemon === 'virtproxyd' || flag) {
      tcp = configWay(cfg, 'tcp');
      tls = configWay(cfg, 'tls');
    }
  }
  const s = (n: string): SettingFact | null => cfg?.settings[n] ?? null;
  const authTcp = s('auth_tcp');
  const authTls = s('auth_tls');
  const sasl: string[] = [];
  if (tcp && authTcp?.value === 'sasl') sasl.push('tcp');
  if (tls && authTls?.value === 'sasl') sasl.push('tls');
  for (const d of ctx.inUse) {
    const c = ctx.configs.get(d)?.facts;
    if (c?.settings.auth_unix_rw?.value === 'sasl' && !sasl.includes('unix_rw')) sasl.push('unix_rw');
    if (c?.settings.auth_unix_ro?.value === 'sasl' && !sasl.includes('unix_ro')) sasl.push('unix_ro');
  }
  return {
    daemon,
    socketActivated: activated,
    listenFlag: flag,
    listenConflict: !!flag && activated,
    tcp,
    tls,
    authTcp,
    authTls,
    saslTransports: sasl,
    saslWithoutTls: sasl.some((t) => t !== 'tls'),
    config: cfg,
    loc: flag?.loc ?? cfg?.loc ?? at('/etc/libvirt/libvirtd.conf'),
    key: 'remote',
  };
}

// ---------------------------------------------------------------------------------------------------------
// TLS files

export function buildTls(b: EvidenceBundle, remote: RemoteFacts | null, unknown: Record<string, string>): TlsFacts | null {
  const cfg = remote?.config;
  if (!remote || !cfg || !remote.daemon) return null;
  const one = (name: 'ca_file' | 'cert_file' | 'key_file') => {
    const setting = cfg.settings[name];
    const path = typeof setting.value === 'string' ? setting.value : '';
    const f = fileOf(b, path);
    if (unreadable(f) && remote.tls) unknown['host.tls'] = fileReason(f, b.privileged);
    return { ...statOf(b, path, `tls:${name}`), setting, role: name.replace('_file', '') as 'ca' | 'cert' | 'key' };
  };
  return { daemon: remote.daemon, files: [one('ca_file'), one('cert_file'), one('key_file')], loc: cfg.loc, key: `tls:${remote.daemon}` };
}

// ---------------------------------------------------------------------------------------------------------
// UNIX sockets

const SOCKET_PATHS: Record<string, [string, string, string]> = {
  libvirtd: ['/run/libvirt/libvirt-sock', '/run/libvirt/libvirt-sock-ro', '/run/libvirt/libvirt-admin-sock'],
  virtproxyd: ['/run/libvirt/libvirt-sock', '/run/libvirt/libvirt-sock-ro', '/run/libvirt/virtproxyd-admin-sock'],
};

/** systemd's SocketMode= default, and what the shipped units set when the unit file itself was not collected. */
const SHIPPED_MODE: Record<'rw' | 'ro' | 'admin', number> = { rw: 0o666, ro: 0o666, admin: 0o600 };

export function buildUnixSockets(ctx: DaemonContext, groups: Record<string, GroupFacts> | null, unknown: Record<string, string>): UnixSocketFacts[] | null {
  const out: UnixSocketFacts[] = [];
  for (const d of [...ctx.inUse].sort()) {
    if (unknown[`host.${d}`]) {
      unknown['host.unixSockets'] = unknown[`host.${d}`];
      return null;
    }
    const c = ctx.configs.get(d);
    if (!c) continue;
    const cfg = c.facts;
    const activated = socketActivated(ctx, d);
    const paths = SOCKET_PATHS[d] ?? [`/run/libvirt/${d}-sock`, `/run/libvirt/${d}-sock-ro`, `/run/libvirt/${d}-admin-sock`];
    (['rw', 'ro', 'admin'] as const).forEach((kind, i) => {
      let mode: number | null;
      let group: string | null;
      let modeLoc: SourceLocation;
      if (activated) {
        const unitName = `${d}${kind === 'rw' ? '' : `-${kind}`}.socket`;
        const u = ctx.units[unitName];
        if (u?.facts.masked) return;
        const s = u?.unit ? socketSettings(u.unit).value : undefined;
        mode = s ? s.socketMode.value : SHIPPED_MODE[kind];
        group = s?.socketGroup?.value ?? null;
        modeLoc = s?.socketMode.location ?? u?.facts.loc ?? at(`/etc/systemd/system/${unitName}`);
      } else {
        mode = c.cfg.socketModes[kind] ?? null;
        const g = cfg.settings.unix_sock_group;
        group = typeof g?.value === 'string' ? g.value : null;
        modeLoc = cfg.settings[`unix_sock_${kind}_perms`]?.loc ?? cfg.loc;
      }
      const rootGroup = group === null || group === 'root' || group === '0' || group === '+0';
      const auth = kind === 'admin' ? null : (cfg.settings[`auth_unix_${kind}`] ?? null);
      const m = mode ?? 0;
      out.push({
        daemon: d,
        kind,
        path: paths[i],
        mode,
        modeText: mode === null ? null : '0' + mode.toString(8).padStart(3, '0'),
        group,
        source: activated ? 'socket-unit' : 'config',
        modeLoc,
        auth,
        nonRootCanConnect: mode !== null && ((m & 0o002) !== 0 || ((m & 0o020) !== 0 && !rootGroup)),
        worldAccessible: mode !== null && (m & 0o002) !== 0,
        groupCanConnect: mode !== null && (m & 0o020) !== 0 && !rootGroup,
        groupMembers: group === null || !groups ? null : (groups[group]?.members ?? []),
        loc: auth?.explicit ? auth.loc : modeLoc,
        key: `socket:${paths[i]}`,
      });
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// /etc/group + /etc/passwd

export function buildGroups(b: EvidenceBundle, unknown: Record<string, string>): Record<string, GroupFacts> | null {
  const gf = fileOf(b, '/etc/group');
  const text = okText(gf);
  if (text === undefined) {
    unknown['host.groups'] = fileReason(gf, b.privileged);
    return null;
  }
  const groups: Record<string, GroupFacts> = {};
  const byGid = new Map<number, GroupFacts>();
  for (const line of text.split('\n')) {
    const p = line.replace(/\r$/, '').split(':');
    if (p.length < 4 || p[0] === '' || line.startsWith('#')) continue;
    const g: GroupFacts = { name: p[0], gid: Number(p[2]), members: p[3].split(',').map((s) => s.trim()).filter(Boolean) };
    if (!groups[g.name]) groups[g.name] = g;
    if (!byGid.has(g.gid)) byGid.set(g.gid, g);
  }
  for (const line of (okText(fileOf(b, '/etc/passwd')) ?? '').split('\n')) {
    const p = line.split(':');
    if (p.length < 4 || p[0] === '') continue;
    const g = byGid.get(Number(p[3]));
    if (g && !g.members.includes(p[0])) g.members.push(p[0]);
  }
  for (const g of Object.values(groups)) g.members.sort();
  return groups;
}
