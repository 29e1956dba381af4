/**
 * qemu-guest-agent RPC filtering: what the agent really blocks, computed the way qemu-ga computes it
 * (qga/main.c `config_load`, `config_parse`, `initialize_agent` / `ga_apply_command_filters`):
 *
 * - argv is parsed with glibc getopt_long (src/facts/common/getopt.ts: permuting, abbreviated long options, `--` ends options);
 *   `--blacklist=a b` in a systemd ExecStart= is two words, so only `a` is blocked and `b` is a stray
 *   positional argument that qemu-ga silently ignores [verified with qemu-ga 7.2].
 * - `-b/--block-rpcs` (7.2+; `--blacklist` deprecated in 7.2, removed in 9.1), `-a/--allow-rpcs` (8.1+),
 *   `-c/--config` (9.1+, otherwise only `QGA_CONF`), lists are split on `,` only, items compared exactly.
 * - The config file is a GLib key file (src/facts/common/keyfile.ts); keys are read from `[general]` only: `block-rpcs` (7.2+), legacy
 *   `blacklist` (which, in 7.2–9.0, replaces `block-rpcs` when present; ignored from 9.1), `allow-rpcs` (8.1+).
 *   Config lists come first, argv lists are appended (lists accumulate).
 * - Effective state: allow-list present → everything not on it is disabled; then every block-list entry is
 *   disabled; commands the platform does not implement are disabled in every configuration (7.2 Linux:
 *   `guest-get-devices`). In 8.1–9.0 giving both lists on the command line, or both keys in the config file,
 *   makes the agent exit.
 *
 * All results are plain JSON (rules read them via CEL).
 */
import type { SourceLocation } from '../../util/location';
import { getoptLong, type OptSpec as GetoptSpec } from '../common/getopt';
import { keyFileGet, keyFileUnescape, parseKeyFile, type KeyFileEntry } from '../common/keyfile';
import type { Problem } from '../../util/problem';
import type { ParseResult } from '../common/envfile';
import type { EnvFile } from '../common/envfile';
import rpcData from './data/qemu-ga-7.2-rpcs.json';

/** RPC names of qemu-ga 7.2.22 (Linux), in the agent's own order. Source: see data/qemu-ga-7.2-rpcs.json. */
export const QGA_72_RPCS: readonly string[] = rpcData.rpcs;
/** Commands qemu-ga 7.2 on Linux registers but never enables. */
export const QGA_72_PLATFORM_UNSUPPORTED: readonly string[] = rpcData.platformUnsupported;

export const QGA_DEFAULT_CONFIG = '/etc/qemu/qemu-ga.conf';

/** One argv word, optionally with where it was written (ExecStart line, /proc cmdline) and variables used. */
export interface QgaArg {
  value: string;
  location?: SourceLocation;
  vars?: { name: string; location?: SourceLocation }[];
}

export interface QgaVersion {
  major: number;
  minor: number;
  micro: number;
  text: string;
}

/** Parse `7.2.22`, `QEMU Guest Agent 7.2.22`, `7.2.22 (Debian ...)`. */
export function parseQgaVersion(s: string | undefined): QgaVersion | undefined {
  if (!s) return undefined;
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(s);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), micro: Number(m[3] ?? 0), text: m[0] };
}

function atLeast(v: QgaVersion | undefined, major: number, minor: number): boolean | undefined {
  if (!v) return undefined;
  return v.major > major || (v.major === major && v.minor >= minor);
}

/** `/proc/<pid>/cmdline`: NUL-separated argv (a trailing NUL ends the last word). */
export function parseProcCmdline(raw: string, file: string): QgaArg[] {
  const out: QgaArg[] = [];
  if (raw === '') return out;
  const body = raw.endsWith('\0') ? raw.slice(0, -1) : raw;
  let offset = 0;
  for (const w of body.split('\0')) {
    out.push({ value: w, location: { file, line: 1, column: offset + 1 } });
    offset += w.length + 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// qemu-ga's option table for getopt_long (src/facts/common/getopt.ts)

type OptId = 'help' | 'version' | 'dump-conf' | 'logfile' | 'pidfile' | 'fsfreeze-hook' | 'verbose' | 'method' | 'path' | 'daemonize' | 'block' | 'allow' | 'statedir' | 'retry-path' | 'config';

type OptSpec = GetoptSpec<OptId>;

function optionTable(v: QgaVersion | undefined): OptSpec[] {
  const known = v !== undefined;
  const ge72 = atLeast(v, 7, 2) ?? true;
  const ge81 = atLeast(v, 8, 1) ?? true;
  const ge91 = atLeast(v, 9, 1) ?? false;
  const blockLongs: string[] = [];
  if (ge72) blockLongs.push('block-rpcs');
  if (!ge91 || !known) blockLongs.push('blacklist');
  const t: OptSpec[] = [
    { id: 'help', short: 'h', longs: ['help'], arg: 0 },
    { id: 'version', short: 'V', longs: ['version'], arg: 0 },
    { id: 'dump-conf', short: 'D', longs: ['dump-conf'], arg: 0 },
    { id: 'logfile', short: 'l', longs: ['logfile'], arg: 1 },
    { id: 'pidfile', short: 'f', longs: ['pidfile'], arg: 1 },
    { id: 'fsfreeze-hook', short: 'F', longs: ['fsfreeze-hook'], arg: 2 },
    { id: 'verbose', short: 'v', longs: ['verbose'], arg: 0 },
    { id: 'method', short: 'm', longs: ['method'], arg: 1 },
    { id: 'path', short: 'p', longs: ['path'], arg: 1 },
    { id: 'daemonize', short: 'd', longs: ['daemonize'], arg: 0 },
    { id: 'block', short: 'b', longs: blockLongs, arg: 1 },
    { id: 'statedir', short: 't', longs: ['statedir'], arg: 1 },
    { id: 'retry-path', short: 'r', longs: ['retry-path'], arg: 0 },
  ];
  if (ge81) t.push({ id: 'allow', short: 'a', longs: ['allow-rpcs'], arg: 1 });
  if (ge91 || !known) t.push({ id: 'config', short: 'c', longs: ['config'], arg: 1 });
  return t;
}

// ---------------------------------------------------------------------------------------------------------
// The analysis.

export interface QgaListItem {
  name: string;
  list: 'block' | 'allow';
  source: 'argv' | 'config';
  /** `--blacklist`, `-b`, `--block-rpcs`, `-a`, `--allow-rpcs`, or the config key `block-rpcs`... */
  option: string;
  known: boolean;
  /** The line to change: the variable definition when the word came from one, else where it is written. */
  location?: SourceLocation;
}

export type QgaRpcReason = 'default' | 'allow-listed' | 'not-allow-listed' | 'blocked' | 'platform-unsupported';

export interface QgaRpcState {
  name: string;
  enabled: boolean;
  reason: QgaRpcReason;
  /** For `blocked` / `allow-listed`: where the (first) list entry is. */
  location?: SourceLocation;
}

export interface QgaFilterInput {
  /** Full argv including argv[0] (strings or words with locations, e.g. from systemd's expandExecArgv). */
  argv: readonly (string | QgaArg)[];
  /** Collected files by absolute path (the config file is looked up here). */
  files?: Record<string, string>;
  /** Process environment (QGA_CONF, POSIXLY_CORRECT). */
  env?: Record<string, string>;
  /** qemu-ga version (`qemu-ga -V` or guest-info's version); unknown → union of all versions' options. */
  version?: string;
  /** RPC names the agent knows (default: 7.2 list; or the names from guest-info). */
  knownRpcs?: readonly string[];
  /** Commands the platform never enables (default: 7.2 Linux list for versions before 9.1, else none). */
  platformUnsupported?: readonly string[];
}

export interface QgaFilterAnalysis {
  version?: string;
  /** Whether the agent would start and serve requests with this configuration. */
  starts: boolean;
  exitReason?: string;
  configPath: string;
  configRequired: boolean;
  configFound: boolean;
  blockList: QgaListItem[];
  allowList: QgaListItem[];
  rpcs: QgaRpcState[];
  enabled: string[];
  /** Disabled by the block/allow lists (admin choice). */
  blocked: string[];
  /** Disabled because the platform does not implement them. */
  platformUnsupported: string[];
  /** Positional arguments qemu-ga ignores (e.g. the second RPC of a space-separated list). */
  strayArguments: QgaArg[];
  problems: Problem[];
}

function toArg(a: string | QgaArg): QgaArg {
  return typeof a === 'string' ? { value: a } : a;
}

/** Where to point a finding about a word: the variable definition it came from, else the word itself. */
function blame(a: QgaArg | undefined): SourceLocation | undefined {
  if (!a) return undefined;
  const v = a.vars?.find((x) => x.location);
  return v?.location ?? a.location;
}

const RPC_LIKE = /^guest-[a-z0-9-]+$/;

export function analyzeQgaFilter(input: QgaFilterInput): QgaFilterAnalysis {
  const problems: Problem[] = [];
  const v = parseQgaVersion(input.version);
  const ge72 = atLeast(v, 7, 2);
  const ge81 = atLeast(v, 8, 1);
  const ge91 = atLeast(v, 9, 1);
  const known = new Set(input.knownRpcs ?? QGA_72_RPCS);
  const platform = input.platformUnsupported ?? (ge91 ? [] : QGA_72_PLATFORM_UNSUPPORTED);
  const argv = input.argv.map(toArg);
  const env = input.env ?? {};
  const files = input.files ?? {};
  let exitReason: string | undefined;
  const exit = (reason: string): void => {
    exitReason = exitReason ?? reason;
  };

  const go = getoptLong(argv, optionTable(v), env.POSIXLY_CORRECT !== undefined);
  for (const e of go.errors) {
    problems.push({ code: 'qga.invalid-option', level: 'error', message: `qemu-ga: ${e.message} — the agent exits with "Unknown option"`, location: blame(e.arg) });
  }
  if (go.errors.length) exit(`command line error: ${go.errors[0].message}`);

  // Config path (9.1+: -c, last one wins, then required).
  let configPath = env.QGA_CONF ?? QGA_DEFAULT_CONFIG;
  let configRequired = false;
  for (const o of go.options) if (o.id === 'config' && o.value !== undefined) {
    configPath = o.value;
    configRequired = true;
  }
  const blockList: QgaListItem[] = [];
  const allowList: QgaListItem[] = [];

  const addItems = (value: string, list: 'block' | 'allow', source: 'argv' | 'config', option: string, where: QgaArg | undefined, cfgLoc?: SourceLocation): void => {
    const location = cfgLoc ?? blame(where);
    if (value === '') {
      problems.push({ code: 'qga.empty-list', level: 'warning', message: `${option} is given an empty list: it ${list === 'block' ? 'blocks' : 'allows'} nothing`, location });
      return;
    }
    if (/[\s;]/.test(value)) {
      const sep = /;/.test(value) ? 'semicolons' : 'spaces';
      problems.push({
        code: sep === 'spaces' ? 'qga.list-space-separated' : 'qga.list-semicolon-separated',
        level: 'warning',
        message: `${option} value ${JSON.stringify(value)} contains ${sep}: qemu-ga splits lists on commas only and compares names exactly, so these entries match no RPC`,
        location,
      });
    }
    for (const name of value.split(',')) {
      if (name === '') continue;
      const item: QgaListItem = { name, list, source, option, known: known.has(name), location };
      (list === 'block' ? blockList : allowList).push(item);
      if (!item.known && !/[\s;]/.test(name))
        problems.push({ code: 'qga.unknown-rpc', level: 'warning', message: `${option}: '${name}' is not an RPC of this qemu-ga; the entry has no effect`, location });
    }
  };

  // ---- config file (loaded before the command line's lists are appended)
  const text = files[configPath];
  const configFound = text !== undefined;
  if (!configFound && configRequired) {
    problems.push({ code: 'qga.config-missing', level: 'error', message: `config file ${configPath} given with -c does not exist (or was not collected); the agent exits` });
    exit(`config file ${configPath} missing`);
  }
  if (configFound) {
    const kf = parseKeyFile(text, configPath);
    if (kf.loadError) {
      problems.push({ code: 'qga.config-syntax', level: 'error', message: `${kf.loadError.message} — qemu-ga exits: "error loading configuration from path: ${configPath}"`, location: kf.loadError.location });
      exit(`config file error: ${kf.loadError.message}`);
    } else {
      if (!kf.entries.some((e) => e.group === 'general') && kf.entries.length > 0) {
        problems.push({ code: 'qga.config-no-general', level: 'warning', message: 'the config file has no [general] group (group names are case-sensitive): qemu-ga ignores all of its keys', location: kf.entries[0].location });
      }
      const readString = (key: string): { value: string; entry: KeyFileEntry } | undefined => {
        const e = keyFileGet(kf, 'general', key);
        if (!e) return undefined;
        const value = keyFileUnescape(e.raw);
        if (value === undefined) {
          problems.push({ code: 'qga.config-invalid-value', level: 'error', message: `key '${key}' has a value GLib cannot interpret (only \\s \\n \\t \\r \\\\ escapes are valid); qemu-ga exits`, location: e.location });
          exit(`config key ${key} invalid`);
          return undefined;
        }
        if (value.includes('\uFFFD')) {
          problems.push({ code: 'qga.config-invalid-utf8', level: 'error', message: `key '${key}' is not valid UTF-8; qemu-ga 7.2 crashes on it`, location: e.location });
          exit(`config key ${key} not UTF-8`);
          return undefined;
        }
        return { value, entry: e };
      };
      for (const b of ['daemon', 'verbose', 'retry-path']) {
        const e = keyFileGet(kf, 'general', b);
        if (e && !/^(true|false|1|0)\s*$/.test(e.raw)) {
          problems.push({ code: 'qga.config-invalid-value', level: 'error', message: `key '${b}' is not a boolean (true/false/1/0); qemu-ga exits`, location: e.location });
          exit(`config key ${b} invalid`);
        }
      }
      for (const s of ['method', 'path', 'logfile', 'pidfile', 'fsfreeze-hook', 'statedir']) readString(s);
      const hasBlacklist = keyFileGet(kf, 'general', 'blacklist') !== undefined;
      const hasBlockRpcs = keyFileGet(kf, 'general', 'block-rpcs') !== undefined;
      let blockKey: string | undefined;
      if (ge72 === false) {
        blockKey = 'blacklist';
        if (hasBlockRpcs) problems.push({ code: 'qga.config-key-unsupported', level: 'warning', message: `qemu-ga ${v?.text} does not know 'block-rpcs' (7.2+): the key is ignored`, location: keyFileGet(kf, 'general', 'block-rpcs')?.location });
      } else if (ge91 === true) {
        blockKey = 'block-rpcs';
        if (hasBlacklist) problems.push({ code: 'qga.config-key-removed', level: 'warning', message: `the 'blacklist' key was removed in qemu-ga 9.1 and is ignored: nothing in it is blocked; use 'block-rpcs'`, location: keyFileGet(kf, 'general', 'blacklist')?.location });
      } else {
        blockKey = hasBlacklist ? 'blacklist' : 'block-rpcs';
        if (hasBlacklist) {
          problems.push({ code: 'qga.config-key-deprecated', level: 'warning', message: `the 'blacklist' key is deprecated since qemu-ga 7.2 and ignored from 9.1; rename it to 'block-rpcs'`, location: keyFileGet(kf, 'general', 'blacklist')?.location });
          if (hasBlockRpcs) problems.push({ code: 'qga.config-blacklist-shadows', level: 'warning', message: `'blacklist' is present, so qemu-ga ignores 'block-rpcs' in the same file`, location: keyFileGet(kf, 'general', 'block-rpcs')?.location });
        }
      }
      const bl = readString(blockKey);
      if (bl) addItems(bl.value, 'block', 'config', blockKey, undefined, bl.entry.location);
      const allowEntry = keyFileGet(kf, 'general', 'allow-rpcs');
      if (allowEntry) {
        if (ge81 === false) {
          problems.push({ code: 'qga.config-key-unsupported', level: 'warning', message: `qemu-ga ${v?.text} does not know 'allow-rpcs' (8.1+): the key is ignored`, location: allowEntry.location });
        } else {
          const al = readString('allow-rpcs');
          if (al) addItems(al.value, 'allow', 'config', 'allow-rpcs', undefined, al.entry.location);
          if (ge81 === true && ge91 === false && keyFileGet(kf, 'general', blockKey)) {
            problems.push({ code: 'qga.block-and-allow', level: 'error', message: 'qemu-ga 8.1–9.0 refuses a config file with both a block list and allow-rpcs ("wrong config")', location: allowEntry.location });
            exit('config has both block and allow lists');
          }
        }
      }
    }
  }

  // ---- command line
  let sawBlockArg = false;
  let sawAllowArg = false;
  for (const o of go.options) {
    const isList = o.id === 'block' || o.id === 'allow';
    if (isList && (o.value === '?' || o.value === 'help')) {
      problems.push({ code: 'qga.help-option', level: 'error', message: `${o.spelled} ${o.value} makes qemu-ga print the RPC list and exit`, location: blame(o.arg) });
      exit('help option');
      continue;
    }
    if (o.id === 'help' || o.id === 'version') {
      problems.push({ code: 'qga.exits-immediately', level: 'error', message: `${o.spelled} makes qemu-ga print and exit`, location: blame(o.arg) });
      exit(`${o.spelled} given`);
    }
    if (o.id === 'dump-conf') {
      problems.push({ code: 'qga.exits-immediately', level: 'error', message: `${o.spelled} makes qemu-ga dump its config and exit`, location: blame(o.arg) });
      exit('-D given');
    }
    if (o.id === 'block') {
      sawBlockArg = true;
      if (o.longName === 'blacklist') {
        if (ge91 === true) {
          /* not in the table: reported as an unrecognized option above */
        } else if (ge72 !== false) {
          problems.push({ code: 'qga.option-deprecated', level: 'warning', message: `--blacklist is deprecated since qemu-ga 7.2 and removed in 9.1 (the agent then refuses to start); use --block-rpcs or -b`, location: o.arg.location });
        }
      }
      addItems(o.value ?? '', 'block', 'argv', o.spelled, o.valueArg ?? o.arg);
    }
    if (o.id === 'allow') {
      sawAllowArg = true;
      addItems(o.value ?? '', 'allow', 'argv', o.spelled, o.valueArg ?? o.arg);
    }
  }
  if (ge91 === true) {
    for (const e of go.errors) {
      const name = e.arg.value.startsWith('--') ? e.arg.value.slice(2).split('=')[0] : '';
      if (name.length >= 3 && 'blacklist'.startsWith(name)) {
        problems.push({ code: 'qga.option-removed', level: 'error', message: `--blacklist was removed in qemu-ga 9.1: the agent does not start; use --block-rpcs`, location: e.arg.location });
      }
    }
  }
  if (sawBlockArg && sawAllowArg && ge81 === true && ge91 === false) {
    problems.push({ code: 'qga.block-and-allow', level: 'error', message: 'qemu-ga 8.1–9.0 refuses --block-rpcs together with --allow-rpcs ("wrong commandline")' });
    exit('block and allow on the command line');
  }

  // ---- stray positional arguments (qemu-ga ignores them silently)
  for (const p of go.positional) {
    const looksRpc = known.has(p.value) || RPC_LIKE.test(p.value);
    problems.push(
      looksRpc
        ? {
            code: 'qga.list-space-separated',
            level: 'warning',
            message: `'${p.value}' is a separate argument that qemu-ga ignores, so it is NOT ${sawAllowArg && !sawBlockArg ? 'allowed' : 'blocked'}: RPC lists must be comma-separated without spaces`,
            location: blame(p),
          }
        : { code: 'qga.stray-argument', level: 'warning', message: `qemu-ga ignores the positional argument '${p.value}'`, location: blame(p) },
    );
  }

  // ---- effective state
  const names = [...known];
  for (const n of platform) if (!known.has(n)) names.push(n);
  const allowMap = new Map<string, QgaListItem>();
  for (const i of allowList) if (!allowMap.has(i.name)) allowMap.set(i.name, i);
  const blockMap = new Map<string, QgaListItem>();
  for (const i of blockList) if (!blockMap.has(i.name)) blockMap.set(i.name, i);
  const rpcs: QgaRpcState[] = names.map((name) => {
    const b = blockMap.get(name);
    if (b) return { name, enabled: false, reason: 'blocked', location: b.location };
    if (platform.includes(name)) return { name, enabled: false, reason: 'platform-unsupported' };
    if (allowList.length > 0) {
      const a = allowMap.get(name);
      return a ? { name, enabled: true, reason: 'allow-listed', location: a.location } : { name, enabled: false, reason: 'not-allow-listed' };
    }
    return { name, enabled: true, reason: 'default' };
  });
  const starts = exitReason === undefined;
  return {
    version: v?.text,
    starts,
    ...(exitReason ? { exitReason } : {}),
    configPath,
    configRequired,
    configFound,
    blockList,
    allowList,
    rpcs,
    enabled: rpcs.filter((r) => r.enabled).map((r) => r.name),
    blocked: rpcs.filter((r) => r.reason === 'blocked' || r.reason === 'not-allow-listed').map((r) => r.name),
    platformUnsupported: rpcs.filter((r) => r.reason === 'platform-unsupported').map((r) => r.name),
    strayArguments: go.positional,
    problems,
  };
}

// ---------------------------------------------------------------------------------------------------------
// /etc/sysconfig/qemu-ga variables.

export interface QgaSysconfigVar {
  name: 'BLACKLIST_RPC' | 'FILTER_RPC_ARGS' | 'QEMU_GA_ARGS';
  value: string;
  location: SourceLocation;
  /** Whether the (expanded) ExecStart used the variable; undefined when no argv was given. */
  usedByExecStart?: boolean;
}

/** The filtering variables RHEL/Fedora units read from /etc/sysconfig/qemu-ga, and whether ExecStart uses them. */
export function qgaSysconfigVars(envFile: EnvFile, argv?: readonly QgaArg[]): QgaSysconfigVar[] {
  const out: QgaSysconfigVar[] = [];
  for (const name of ['BLACKLIST_RPC', 'FILTER_RPC_ARGS', 'QEMU_GA_ARGS'] as const) {
    const a = envFile.vars[name];
    if (!a) continue;
    const r: QgaSysconfigVar = { name, value: a.value, location: a.location };
    if (argv) r.usedByExecStart = argv.some((w) => w.vars?.some((x) => x.name === name));
    out.push(r);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// guest-info replies.

export interface GuestInfoCommand {
  name: string;
  enabled: boolean;
  successResponse: boolean;
}

export interface GuestInfo {
  version?: string;
  commands: GuestInfoCommand[];
  enabled: string[];
  disabled: string[];
  /** Disabled because the platform does not implement them (known per version), not by the administrator. */
  platformUnsupported: string[];
  /** Disabled for any other reason: block/allow lists (or a frozen filesystem). */
  filtered: string[];
}

/**
 * Parse a `guest-info` reply: the agent's raw line (`{"return": {...}}`), what `virsh qemu-agent-command`
 * prints (compact or --pretty), or the bare return object. An `{"error": ...}` reply is a problem.
 */
export function parseGuestInfo(json: string, file = 'guest-info', platformUnsupported?: readonly string[]): ParseResult<GuestInfo | undefined> {
  const problems: Problem[] = [];
  let doc: unknown;
  try {
    doc = JSON.parse(json.replace(/^\uFEFF/, '').trim());
  } catch (e) {
    problems.push({ code: 'qga.guest-info-json', level: 'error', message: `guest-info reply is not JSON: ${(e as Error).message}`, location: { file, line: 1, column: 1 } });
    return { value: undefined, problems };
  }
  const obj = doc as Record<string, unknown> | null;
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
    problems.push({ code: 'qga.guest-info-shape', level: 'error', message: 'guest-info reply is not a JSON object', location: { file, line: 1, column: 1 } });
    return { value: undefined, problems };
  }
  if ('error' in obj) {
    const err = obj.error as { class?: string; desc?: string } | undefined;
    problems.push({ code: 'qga.guest-info-error', level: 'error', message: `agent replied with an error: ${err?.class ?? '?'}: ${err?.desc ?? ''}`, location: { file, line: 1, column: 1 } });
    return { value: undefined, problems };
  }
  const ret = ('return' in obj ? obj.return : obj) as Record<string, unknown> | null;
  const list = ret && typeof ret === 'object' ? ret.supported_commands : undefined;
  if (!Array.isArray(list)) {
    problems.push({ code: 'qga.guest-info-shape', level: 'error', message: 'guest-info reply has no supported_commands array', location: { file, line: 1, column: 1 } });
    return { value: undefined, problems };
  }
  const version = typeof ret!.version === 'string' ? ret!.version : undefined;
  const commands: GuestInfoCommand[] = [];
  for (const c of list) {
    const cc = c as Record<string, unknown> | null;
    if (!cc || typeof cc.name !== 'string' || typeof cc.enabled !== 'boolean') {
      problems.push({ code: 'qga.guest-info-shape', level: 'warning', message: 'guest-info command entry without name/enabled ignored', location: { file, line: 1, column: 1 } });
      continue;
    }
    commands.push({ name: cc.name, enabled: cc.enabled, successResponse: cc['success-response'] !== false });
  }
  const v = parseQgaVersion(version);
  const plat = platformUnsupported ?? (v && atLeast(v, 9, 1) ? [] : QGA_72_PLATFORM_UNSUPPORTED);
  const disabled = commands.filter((c) => !c.enabled).map((c) => c.name);
  return {
    value: {
      version,
      commands,
      enabled: commands.filter((c) => c.enabled).map((c) => c.name),
      disabled,
      platformUnsupported: disabled.filter((n) => plat.includes(n)),
      filtered: disabled.filter((n) => !plat.includes(n)),
    },
    problems,
  };
}
