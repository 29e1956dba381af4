/**
 * Guest facts from one guest's evidence (see model.ts for what each fact needs). Pure; never throws on bad input:
 * parse problems become `guest.problems` (and per-area problem lists), unreadable evidence becomes `unknown`.
 */
import { commandOf, fileOf, type CommandEvidence, type EvidenceBundle, type FileEvidence } from '../../collect/evidence';
import type { SourceLocation } from '../../util/location';
import type { Problem } from '../../util/problem';
import { parseEnvFile } from '../common/envfile';
import { resolveServiceExecStart, SYSTEM_UNIT_PATH, type ArgWord, type EnvVar, type UnitSources } from '../common/systemd';
import { parseCpuset } from '../cpuset';
import { parseKernelCmdline } from '../common/cmdline';
import { at, commandFile, commandReason, fileReason, okStdout, okText } from '../common/evidence';
import { problemFact as commonProblemFact } from '../common/facts';
import { CPUIDLE_DIR, HALTPOLL_PARAM_DIR, kernelBool, parseCpuidle } from './cpuidle';
import { parseKernelConfig, parsePvSpinDmesg } from './pvspin';
import {
  analyzeQgaFilter,
  parseGuestInfo,
  parseProcCmdline,
  parseQgaVersion,
  qgaSysconfigVars,
  QGA_72_PLATFORM_UNSUPPORTED,
  type QgaArg,
  type QgaFilterAnalysis,
  type QgaListItem,
} from './qga';
import { assessPcrs, classifyPcr, parsePcrListing, parsePcrSysfs, type PcrListing } from './tpm';
import type {
  CmdlineFacts,
  CpuidleFacts,
  FileModeFact,
  GuestCpuFact,
  GuestFacts,
  GuestFactsResult,
  NumaFacts,
  PciDeviceFact,
  PcrAnomalyFact,
  PcrFacts,
  ProblemFact,
  PvspinFacts,
  QgaFacts,
  QgaFixFact,
  QgaListDefectFact,
  QgaListItemFact,
  QgaSysconfigFacts,
  QgaSysconfigVarFact,
  TopologyFacts,
  TpmFacts,
} from './model';

export * from './model';

/** The kernel command line parser in use (swap point for src/facts/common/cmdline.ts). */

export const QGA_UNIT = 'qemu-guest-agent.service';
export const QGA_BINARIES = ['/usr/bin/qemu-ga', '/usr/sbin/qemu-ga'];
export const QGA_ENV_FILES = ['/etc/sysconfig/qemu-ga', '/etc/default/qemu-guest-agent'];
export const TPM_PCR_BANK_DIRS = ['sha1', 'sha256', 'sha384', 'sha512'];

const locKey = (l: SourceLocation | undefined | null): string => (l ? `${l.file}:${l.line}` : 'unknown');

const problemFact = (p: Problem, fallback: SourceLocation): ProblemFact => commonProblemFact(p, fallback, { keyColumn: false });

function dedupeProblems(ps: ProblemFact[]): ProblemFact[] {
  const seen = new Set<string>();
  return ps.filter((p) => {
    const k = `${p.code}\0${p.message}\0${locKey(p.loc)}:${p.loc.column}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Kernel command line

function buildCmdline(b: EvidenceBundle, unknown: Record<string, string>): CmdlineFacts | null {
  const f = fileOf(b, '/proc/cmdline');
  const text = okText(f);
  if (text === undefined) {
    unknown['guest.cmdline'] = fileReason(f, b.privileged);
    return null;
  }
  const parsed = parseKernelCmdline(text, f.path).value;
  // Keyed by the `-`/`_`-normalised name; later occurrences win, as in the kernel.
  const params: CmdlineFacts['params'] = {};
  for (const p of parsed.params) params[p.key] = { name: p.key, value: p.value ?? null, bool: kernelBool(p.value ?? '') ?? null, loc: p.location, key: `cmdline[${p.key}]` };
  return { text: text.replace(/\n$/, ''), params, loc: at(f.path), key: 'cmdline' };
}

// ---------------------------------------------------------------------------------------------------------
// qemu-ga

function modeFact(f: FileEvidence, key: string): FileModeFact {
  const mode = f.mode === undefined ? null : f.mode & 0o7777;
  const uid = f.uid ?? null;
  const gid = f.gid ?? null;
  let why: string | null = null;
  if (mode !== null) {
    if (mode & 0o002) why = 'world-writable';
    else if (uid !== null && uid !== 0 && mode & 0o200) why = `owned by ${f.owner ?? `uid ${uid}`} (not root)`;
    else if (gid !== null && gid !== 0 && mode & 0o020) why = `group-writable by ${f.group ?? `gid ${gid}`}`;
  }
  return {
    path: f.path,
    mode,
    modeText: mode === null ? null : '0' + mode.toString(8).padStart(3, '0'),
    uid,
    gid,
    owner: f.owner ?? null,
    group: f.group ?? null,
    writableByNonRoot: why !== null,
    why,
    loc: at(f.path),
    key,
  };
}

/** Where a word's value is defined: the variable's line when it came from one, else the word itself. */
function blameArg(a: QgaArg | undefined): SourceLocation | undefined {
  if (!a) return undefined;
  return a.vars?.find((v) => v.location)?.location ?? a.location;
}

const LIST_LONGS: { long: string; list: 'block' | 'allow' }[] = [
  { long: 'blacklist', list: 'block' },
  { long: 'block-rpcs', list: 'block' },
  { long: 'allow-rpcs', list: 'allow' },
];

/** Recognise a list option word: attached (`--blacklist=a`, `-ba`) or separate (`-b`, `--block-rpcs`). */
function listOption(w: string): { list: 'block' | 'allow'; option: string; value?: string } | undefined {
  if (w.startsWith('--')) {
    const eq = w.indexOf('=');
    const name = eq === -1 ? w.slice(2) : w.slice(2, eq);
    if (name.length < 2) return undefined;
    const m = LIST_LONGS.find((l) => l.long.startsWith(name));
    if (!m) return undefined;
    return { list: m.list, option: '--' + name, ...(eq === -1 ? {} : { value: w.slice(eq + 1) }) };
  }
  const s = /^-([ab])(.*)$/.exec(w);
  if (s) return { list: s[1] === 'b' ? 'block' : 'allow', option: '-' + s[1], ...(s[2] !== '' ? { value: s[2] } : {}) };
  return undefined;
}

const RPC_WORD = /^guest-[a-z0-9-]+$/;

function canonicalOption(list: 'block' | 'allow', version: string | null): string {
  if (list === 'allow') return '--allow-rpcs';
  const v = parseQgaVersion(version ?? undefined);
  return v && (v.major < 7 || (v.major === 7 && v.minor < 2)) ? '--blacklist' : '--block-rpcs';
}

/** GUEST-QGA-001: list options whose RPCs are separated by spaces (separate argv words) or `;`/spaces in one word. */
function listDefects(argv: readonly QgaArg[], analysis: QgaFilterAnalysis, version: string | null, envVars: Record<string, EnvVar> = {}): QgaListDefectFact[] {
  const strays = new Set(analysis.strayArguments);
  const consumed = new Set<QgaArg>();
  const out: QgaListDefectFact[] = [];
  for (let i = 1; i < argv.length; i++) {
    const w = argv[i];
    if (strays.has(w)) continue;
    const opt = listOption(w.value);
    if (!opt) continue;
    let valueArg: QgaArg = w;
    let value = opt.value;
    let j = i + 1;
    if (value === undefined) {
      if (i + 1 >= argv.length) continue;
      valueArg = argv[i + 1];
      value = valueArg.value;
      j = i + 2;
    }
    const following: QgaArg[] = [];
    for (; j < argv.length && strays.has(argv[j]) && RPC_WORD.test(argv[j].value); j++) following.push(argv[j]);
    const hasSep = /[\s;]/.test(value);
    if (following.length === 0 && !hasSep) continue;
    following.forEach((a) => consumed.add(a));
    const items = value.split(',').filter((x) => x !== '');
    const effective = items.filter((n) => !/[\s;]/.test(n));
    const names = [...value.split(/[\s,;]+/), ...following.map((a) => a.value)].filter((x) => x !== '');
    const words = valueArg === w ? [w] : [w, valueArg];
    const loc = blameArg(valueArg.vars?.length ? valueArg : (following.find((a) => a.vars?.length) ?? w)) ?? at('(unknown)');
    // `--blacklist=${BLACKLIST_RPC}`: the line to change is the variable's, so correct the variable itself.
    const onlyVar = valueArg.vars?.length === 1 && following.length === 0 ? envVars[valueArg.vars[0].name] : undefined;
    const fixed = uniq(names).join(',');
    out.push({
      kind: following.length ? 'space-separated' : 'separator-in-value',
      option: opt.option,
      list: opt.list,
      text: [...words, ...following].map((a) => a.value).join(' '),
      effective,
      ignored: names.filter((n) => !effective.includes(n)),
      corrected: onlyVar && onlyVar.value === value ? `${onlyVar.name}=${fixed}` : `${canonicalOption(opt.list, version)}=${fixed}`,
      loc,
      key: `list[${opt.list}]@${locKey(loc)}`,
    });
  }
  for (const s of analysis.strayArguments) {
    if (consumed.has(s) || !RPC_WORD.test(s.value)) continue;
    const loc = blameArg(s) ?? at('(unknown)');
    out.push({
      kind: 'stray-argument',
      option: null,
      list: 'block',
      text: s.value,
      effective: [],
      ignored: [s.value],
      corrected: `${canonicalOption('block', version)}=${s.value}`,
      loc,
      key: `stray[${s.value}]@${locKey(loc)}`,
    });
  }
  return out;
}

function itemFact(i: QgaListItem): QgaListItemFact {
  return { name: i.name, list: i.list, source: i.source, option: i.option, known: i.known, loc: i.location ?? null, key: `${i.list}[${i.name}]` };
}

function uniq(xs: string[]): string[] {
  return [...new Set(xs)];
}

function emptyQga(source: QgaFacts['source'], installed: boolean): QgaFacts {
  return {
    installed,
    source,
    version: null,
    running: null,
    pid: null,
    unit: null,
    argv: null,
    starts: null,
    exitReason: null,
    blockList: [],
    allowList: [],
    enabled: [],
    blocked: [],
    platformUnsupported: [],
    rpcs: {},
    fixAt: null,
    listDefects: [],
    config: null,
    sysconfig: null,
    problems: [],
    files: [],
    stale: null,
  };
}

function buildQga(b: EvidenceBundle, unknown: Record<string, string>): QgaFacts {
  // Everything collected, as systemd/qemu-ga would see the file system.
  const sources: UnitSources = { files: {}, links: {} };
  for (const [p, f] of Object.entries(b.files)) {
    const t = okText(f);
    if (t !== undefined) sources.files[p] = t;
    if (f.linkTarget !== undefined) sources.links![p] = f.linkTarget;
  }
  // Drop-in directories listed but whose files are unreadable make the unit unknown.
  const denied: string[] = [];
  for (const d of SYSTEM_UNIT_PATH) {
    const f = fileOf(b, `${d}/${QGA_UNIT}`);
    if (f.state === 'denied' || f.state === 'error' || f.state === 'too-large') denied.push(fileReason(f, b.privileged));
    for (const dir of [`${d}/${QGA_UNIT}.d`, `${d}/service.d`]) {
      const l = b.dirs[dir];
      if (l && (l.state === 'denied' || l.state === 'error')) denied.push(`${dir}: ${l.state === 'denied' ? 'permission denied' : (l.error ?? 'unreadable')}`);
      for (const e of l?.entries ?? []) {
        if (!e.endsWith('.conf')) continue;
        const df = fileOf(b, `${dir}/${e}`);
        if (okText(df) === undefined && df.linkTarget !== '/dev/null') denied.push(fileReason(df, b.privileged));
      }
    }
  }

  const vcmd = commandOf(b, 'qemu-ga.version');
  const versionOut = okStdout(vcmd);
  const version = parseQgaVersion(versionOut)?.text ?? null;
  const rpcsOut = okStdout(commandOf(b, 'qemu-ga.rpcs'));
  const knownRpcs = rpcsOut
    ?.split('\n')
    .map((s) => s.trim())
    .filter((s) => RPC_WORD.test(s));
  const known = knownRpcs && knownRpcs.length ? knownRpcs : undefined;

  const pcmd = commandOf(b, 'qemu-ga.pids');
  let running: boolean | null = null;
  let pid: number | null = null;
  if (pcmd.state === 'ok') {
    const pids = (pcmd.stdout ?? '')
      .split(/\s+/)
      .filter((s) => /^\d+$/.test(s))
      .map(Number);
    running = pids.length > 0;
    pid = pids[0] ?? null;
  }

  const svc = resolveServiceExecStart(QGA_UNIT, sources);
  const unitLoaded = svc.value.unit.fragment !== undefined;
  const masked = svc.value.unit.masked;
  const cmd0 = masked ? undefined : svc.value.commands[0];
  const unitArgv: ArgWord[] | undefined = cmd0?.argv;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.value.environment.vars)) if (k === 'QGA_CONF' || k === 'POSIXLY_CORRECT') env[k] = v.value;

  let procArgv: QgaArg[] | undefined;
  if (pid !== null) {
    const pf = fileOf(b, `/proc/${pid}/cmdline`);
    const t = okText(pf);
    if (t !== undefined && t !== '') procArgv = parseProcCmdline(t, pf.path);
    else if (pf.state !== 'missing') denied.push(fileReason(pf, b.privileged));
  }

  const binaryFound = QGA_BINARIES.some((p) => ['ok', 'not-regular', 'too-large'].includes(fileOf(b, p).state));
  const installed = binaryFound || versionOut !== undefined || unitLoaded || running === true;
  const qga = emptyQga(procArgv ? 'process' : unitArgv ? 'unit' : 'default', installed);
  qga.version = version;
  qga.running = running;
  qga.pid = pid;
  if (!installed) {
    if (denied.length) unknown['guest.qga'] = denied[0];
    return qga;
  }
  if (denied.length) unknown['guest.qga'] = denied[0];

  const run = (argv: readonly QgaArg[]) => analyzeQgaFilter({ argv, files: sources.files, env, version: version ?? undefined, knownRpcs: known });
  const unitA = unitArgv ? run(unitArgv) : undefined;
  const procA = procArgv ? run(procArgv) : undefined;
  const defaultArgv: QgaArg[] = [{ value: 'qemu-ga' }];
  const effective = procA ?? unitA ?? run(defaultArgv);
  const editable = unitA ?? procA ?? effective;
  const editableArgv = unitArgv ?? procArgv ?? defaultArgv;

  // The config file must be readable for the lists to be known.
  const cf = fileOf(b, effective.configPath);
  if (cf.state !== 'ok' && cf.state !== 'missing') unknown['guest.qga'] = unknown['guest.qga'] ?? fileReason(cf, b.privileged);
  for (const ef of svc.value.environment.files) {
    const f = fileOf(b, ef.path);
    if (f.state !== 'ok' && f.state !== 'missing') unknown['guest.qga'] = unknown['guest.qga'] ?? fileReason(f, b.privileged);
  }

  if (unitLoaded) {
    const frag = svc.value.unit.fragment!;
    const es = cmd0 ? { text: cmd0.argv.map((w) => w.value).join(' '), loc: cmd0.command.location, key: 'ExecStart' } : null;
    qga.unit = { name: QGA_UNIT, fragment: frag, dropins: svc.value.unit.dropins, masked, execStart: es, loc: es?.loc ?? at(frag), key: `unit[${QGA_UNIT}]` };
  }
  qga.argv = (procArgv ?? unitArgv ?? defaultArgv).map((a) => a.value);
  qga.starts = effective.starts;
  qga.exitReason = effective.exitReason ?? null;
  qga.blockList = effective.blockList.map(itemFact);
  qga.allowList = effective.allowList.map(itemFact);
  qga.enabled = effective.enabled;
  qga.blocked = effective.blocked;
  qga.platformUnsupported = effective.platformUnsupported;
  for (const r of effective.rpcs) qga.rpcs[r.name] = { enabled: r.enabled, reason: r.reason, loc: r.location ?? null };
  qga.listDefects = listDefects(editableArgv, editable, version, unitArgv ? svc.value.environment.vars : {});
  if (procA && unitA) qga.stale = procArgv!.map((a) => a.value).join('\0') !== unitArgv!.map((a) => a.value).join('\0');

  // Problems of every analysis (the unit's first: they carry the lines to change).
  const problems: ProblemFact[] = [];
  const fallback = qga.unit?.loc ?? at(effective.configPath);
  for (const p of svc.problems) problems.push(problemFact(p, fallback));
  for (const p of editable.problems) problems.push(problemFact(p, fallback));
  qga.problems = dedupeProblems(problems);

  // Config file.
  qga.config = {
    path: effective.configPath,
    found: effective.configFound,
    problems: qga.problems.filter((p) => p.loc.file === effective.configPath),
    loc: at(effective.configPath),
    key: `config[${effective.configPath}]`,
  };

  // Environment files with the RHEL/Fedora filtering variables.
  const envVars = svc.value.environment.vars;
  const envPaths = uniq([...svc.value.environment.files.filter((f) => f.found).map((f) => f.path), ...QGA_ENV_FILES.filter((p) => sources.files[p] !== undefined)]);
  let sysconfig: QgaSysconfigFacts | null = null;
  for (const p of envPaths) {
    const parsed = parseEnvFile(sources.files[p], p);
    const vars = qgaSysconfigVars(parsed.value, unitArgv);
    // A variable is used when ExecStart= references it, even if it expands to nothing (`$FILTER_RPC_ARGS` empty).
    const referenced = new Set<string>();
    for (const w of cmd0?.command.argv ?? []) for (const m of w.value.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) referenced.add(m[1]);
    if (vars.length === 0 && sysconfig !== null) continue;
    const onLine = (items: QgaListItem[], l: SourceLocation) => uniq(items.filter((i) => i.location?.file === l.file && i.location.line === l.line).map((i) => i.name));
    const facts: QgaSysconfigVarFact[] = vars.map((v) => ({
      name: v.name,
      value: v.value,
      used: unitArgv ? referenced.has(v.name) : null,
      blockItems: onLine(editable.blockList, v.location),
      allowItems: onLine(editable.allowList, v.location),
      loc: v.location,
      key: `${p}[${v.name}]`,
    }));
    sysconfig = { path: p, vars: facts, loc: at(p), key: `sysconfig[${p}]` };
    if (vars.length) break;
  }
  qga.sysconfig = sysconfig;

  // Where to fix the lists.
  qga.fixAt = fixAt(qga, editable, envVars, version);

  // Files whose modification changes the agent's behaviour.
  const paths = uniq([
    ...(qga.unit ? [qga.unit.fragment, ...qga.unit.dropins] : []),
    ...svc.value.environment.files.filter((f) => f.found).map((f) => f.path),
    ...(effective.configFound ? [effective.configPath] : []),
  ]);
  qga.files = paths.map((p) => modeFact(fileOf(b, p), `file[${p}]`));
  const noStat = qga.files.find((f) => f.mode === null);
  if (noStat) unknown['guest.qga.files'] = `${noStat.path}: no file mode collected`;
  return qga;
}

function fixAt(qga: QgaFacts, a: QgaFilterAnalysis, envVars: Record<string, EnvVar>, version: string | null): QgaFixFact | null {
  const mode: 'allow' | 'block' = a.allowList.length ? 'allow' : 'block';
  const list = mode === 'allow' ? a.allowList : a.blockList;
  const names = uniq(list.map((i) => i.name));
  const first = list.find((i) => i.location);
  const blockLong = canonicalOption('block', version);
  if (first?.location) {
    const loc = first.location;
    const varDef = Object.values(envVars).find((v) => v.source === 'EnvironmentFile' && v.location.file === loc.file && v.location.line === loc.line);
    const opt = mode === 'allow' ? '--allow-rpcs=' : `${blockLong}=`;
    if (first.source === 'config') return { kind: 'config', mode, prefix: `${mode === 'allow' ? 'allow-rpcs' : 'block-rpcs'}=`, suffix: '', names, loc, key: 'fix' };
    if (varDef) {
      const whole = varDef.value.trim();
      // BLACKLIST_RPC=a,b is only the list; FILTER_RPC_ARGS="--allow-rpcs=a,b" holds the option too.
      const opts = whole.startsWith('-');
      return { kind: 'sysconfig', mode, prefix: opts ? `${varDef.name}="${opt}` : `${varDef.name}=`, suffix: opts ? '"' : '', names, loc, key: 'fix' };
    }
    return { kind: loc.file.startsWith('/proc/') ? 'process' : 'unit', mode, prefix: opt, suffix: '', names, loc, key: 'fix' };
  }
  if (qga.unit?.execStart) return { kind: 'unit', mode: 'block', prefix: `${blockLong}=`, suffix: '', names: [], loc: qga.unit.execStart.loc, key: 'fix' };
  return { kind: 'config', mode: 'block', prefix: '[general] block-rpcs=', suffix: '', names: [], loc: at(a.configPath), key: 'fix' };
}

/** Host side: qemu-ga facts from a `guest-info` reply (`virsh qemu-agent-command DOM '{"execute":"guest-info"}'`). */
export function guestFactsFromAgentInfo(domainName: string, guestInfoJson: string): GuestFactsResult {
  const guest = emptyGuest(domainName, 'agent');
  const unknown: Record<string, string> = {};
  const noInGuest = `only the host-side guest-info reply is available for domain ${domainName} (no in-guest evidence)`;
  for (const k of ['guest.cmdline', 'guest.tpm', 'guest.cpuidle', 'guest.pvspin', 'guest.topology', 'guest.numa', 'guest.arch', 'guest.qga.files', 'guest.qga.listDefects', 'guest.qga.config', 'guest.qga.sysconfig', 'guest.qga.problems'])
    unknown[k] = noInGuest;
  const file = `guest-info:${domainName}`;
  const r = parseGuestInfo(guestInfoJson, file);
  guest.problems = r.problems.map((p) => problemFact(p, at(file)));
  if (!r.value) {
    unknown['guest.qga'] = `qemu-ga of domain ${domainName} gave no usable guest-info reply: ${r.problems[0]?.message ?? 'empty reply'}`;
    return { guest, unknown };
  }
  const info = r.value;
  const qga = emptyQga('guest-info', true);
  qga.version = parseQgaVersion(info.version)?.text ?? info.version ?? null;
  qga.running = true;
  qga.starts = true;
  qga.argv = null;
  qga.enabled = info.enabled;
  qga.blocked = info.filtered;
  qga.platformUnsupported = info.platformUnsupported;
  for (const c of info.commands)
    qga.rpcs[c.name] = { enabled: c.enabled, reason: c.enabled ? 'default' : info.platformUnsupported.includes(c.name) ? 'platform-unsupported' : 'disabled', loc: null };
  guest.qga = qga;
  return { guest, unknown };
}

/** The platform-unsupported commands assumed for agents older than 9.1 (re-exported for the host command). */
export const AGENT_PLATFORM_UNSUPPORTED = QGA_72_PLATFORM_UNSUPPORTED;

// ---------------------------------------------------------------------------------------------------------
// TPM

function buildTpm(b: EvidenceBundle, unknown: Record<string, string>, problems: ProblemFact[]): TpmFacts | null {
  const cls = b.dirs['/sys/class/tpm'];
  if (cls && cls.state !== 'ok' && cls.state !== 'missing') {
    unknown['guest.tpm'] = `/sys/class/tpm: ${cls.state === 'denied' ? 'permission denied' : (cls.error ?? cls.state)}`;
    return null;
  }
  const devices = (cls?.entries ?? []).filter((e) => /^tpm\d+$/.test(e));
  const dev = (p: string): boolean | null => {
    const s = fileOf(b, p).state;
    return s === 'missing' ? false : s === 'ok' || s === 'not-regular' ? true : null;
  };
  const devTpm0 = dev('/dev/tpm0');
  const devTpmrm0 = dev('/dev/tpmrm0');
  const vm = okText(fileOf(b, '/sys/class/tpm/tpm0/tpm_version_major'))?.trim();
  const modulesText = okText(fileOf(b, '/proc/modules'));
  const modules = (modulesText ?? '')
    .split('\n')
    .map((l) => l.split(/\s+/)[0])
    .filter((m) => /^tpm/.test(m));
  const link = fileOf(b, '/sys/class/tpm/tpm0/device/driver').linkTarget;
  const driver = link ? link.slice(link.lastIndexOf('/') + 1) : (modules.find((m) => m === 'tpm_crb' || m === 'tpm_tis' || m.startsWith('tpm_tis_')) ?? null);
  const present = devices.length > 0 || devTpm0 === true || devTpmrm0 === true;

  const pcrread = commandOf(b, 'tpm2_pcrread');
  const pcrlist = commandOf(b, 'tpm2_pcrlist');
  const toolsInstalled = pcrread.state === 'ok' || pcrlist.state === 'ok' ? true : pcrread.state === 'not-found' && pcrlist.state === 'not-found' ? false : null;

  const tpm: TpmFacts = {
    present,
    devices,
    versionMajor: vm && /^\d+$/.test(vm) ? Number(vm) : null,
    devTpm0,
    devTpmrm0,
    driver,
    modules,
    toolsInstalled,
    pcrs: null,
    loc: at(present ? (devices.length ? '/sys/class/tpm/tpm0' : '/dev/tpm0') : '/sys/class/tpm'),
    key: 'tpm',
  };
  if (!present) {
    unknown['guest.tpm.pcrs'] = 'the guest has no TPM device';
    return tpm;
  }

  let listing: PcrListing | undefined;
  let source: PcrFacts['source'] | undefined;
  let srcFile = '';
  const reasons: string[] = [];
  for (const [c, id] of [
    [pcrread, 'tpm2_pcrread'],
    [pcrlist, 'tpm2_pcrlist'],
  ] as const) {
    const out = okStdout(c);
    if (out !== undefined && out.trim() !== '') {
      const r = parsePcrListing(out, commandFile(id));
      problems.push(...r.problems.map((p) => problemFact(p, at(commandFile(id)))));
      listing = r.value;
      source = id;
      srcFile = commandFile(id);
      break;
    }
    if (c.state !== 'not-found' || id === 'tpm2_pcrread') reasons.push(commandReason(c, c.id, b.privileged));
  }
  if (!listing) {
    const sys: Record<string, string> = {};
    for (const [p, f] of Object.entries(b.files)) {
      const t = okText(f);
      if (t !== undefined && /^\/sys\/class\/tpm\/tpm0\/pcr-[a-z0-9_]+\/\d+$/.test(p)) sys[p] = t;
    }
    if (Object.keys(sys).length) {
      const r = parsePcrSysfs(sys);
      problems.push(...r.problems.map((p) => problemFact(p, at('/sys/class/tpm/tpm0'))));
      listing = r.value;
      source = 'sysfs';
      srcFile = '/sys/class/tpm/tpm0';
    } else reasons.push('/sys/class/tpm/tpm0/pcr-<alg>/<n> not available (Linux < 5.12 or not collected)');
  }
  if (!listing || !source) {
    unknown['guest.tpm.pcrs'] = reasons.join('; ');
    return tpm;
  }
  const a = assessPcrs(listing);
  const entries = listing.entries.map((e) => ({ bank: e.bank, index: e.index, id: String(e.index), digest: e.digest, class: classifyPcr(e.bank, e.digest), loc: e.location, key: `pcr[${e.bank}:${e.index}]` }));
  const anchor = entries.find((e) => e.bank === a.bank && e.index === 0) ?? entries.find((e) => e.bank === a.bank) ?? entries[0];
  const anomalies: PcrAnomalyFact[] = [];
  for (const e of entries) {
    if (e.bank !== a.bank) continue;
    if (a.allOnesAnomalies.includes(e.index)) anomalies.push({ kind: 'all-ones', bank: e.bank, index: e.index, message: `${e.bank} PCR ${e.index} is all-F, but it resets to zero: the TPM or firmware is misbehaving`, loc: e.loc, key: `anomaly[${e.bank}:${e.index}]` });
    if (a.separatorError.includes(e.index))
      anomalies.push({ kind: 'separator-error', bank: e.bank, index: e.index, message: `${e.bank} PCR ${e.index} holds only an error separator (0xFFFFFFFF): the firmware reported a measurement error`, loc: e.loc, key: `anomaly[${e.bank}:${e.index}]` });
  }
  for (const p of problems)
    if (p.code === 'tpm.digest-length' || p.code === 'tpm.sysfs-value')
      anomalies.push({ kind: p.code === 'tpm.digest-length' ? 'digest-length' : 'parse-error', bank: null, index: null, message: p.message, loc: p.loc, key: `anomaly@${locKey(p.loc)}` });
  tpm.pcrs = {
    source,
    format: listing.format,
    bank: a.bank ?? null,
    activeBanks: a.activeBanks,
    emptyBanks: listing.emptyBanks,
    hasSha256: a.activeBanks.includes('sha256'),
    sha1Only: a.sha1Only,
    firmwarePcrsZero: a.firmwarePcrsZero,
    separatorOnly: a.separatorOnly,
    anomalies,
    entries,
    loc: anchor?.loc ?? at(srcFile),
    key: 'pcrs',
  };
  return tpm;
}

// ---------------------------------------------------------------------------------------------------------
// cpuidle / haltpoll

function buildCpuidle(b: EvidenceBundle, cmdline: CmdlineFacts | null, unknown: Record<string, string>, problems: ProblemFact[]): CpuidleFacts | null {
  const drvFile = fileOf(b, `${CPUIDLE_DIR}/current_driver`);
  if (okText(drvFile) === undefined) {
    unknown['guest.cpuidle'] = fileReason(drvFile, b.privileged);
    return null;
  }
  const files: Record<string, string> = {};
  for (const [p, f] of Object.entries(b.files)) {
    const t = okText(f);
    if (t !== undefined && (p.startsWith(`${CPUIDLE_DIR}/`) || p.startsWith(`${HALTPOLL_PARAM_DIR}/`))) files[p] = t;
  }
  const cl: Record<string, string> = {};
  for (const n of ['cpuidle_haltpoll.force', 'haltpoll.enable']) {
    const p = cmdline?.params[n];
    if (p) cl[n] = p.value ?? '';
  }
  const r = parseCpuidle(files, cl);
  problems.push(...r.problems.map((p) => problemFact(p, at(HALTPOLL_PARAM_DIR))));
  const v = r.value;
  const cmdFact = (n: string) => {
    const p = cmdline?.params[n];
    return p ? { value: kernelBool(p.value ?? '') ?? null, loc: p.loc, key: p.key } : null;
  };
  return {
    currentDriver: v.currentDriver ?? null,
    currentGovernor: v.currentGovernor ?? null,
    haltpollLoaded: v.haltpollLoaded,
    params: v.params as Record<string, number | boolean>,
    deviations: v.deviations.map((d) => ({ param: d.param, value: d.value, default: d.default, loc: d.location, key: `haltpoll[${d.param}]` })),
    pollingDisabled: v.pollingDisabled ?? null,
    growStartAboveMax: v.growStartAboveMax ?? null,
    cmdlineForce: cmdFact('cpuidle_haltpoll.force'),
    cmdlineHaltpollEnable: cmdFact('haltpoll.enable'),
    loc: at(drvFile.path),
    key: 'cpuidle',
  };
}

// ---------------------------------------------------------------------------------------------------------
// PV spinlocks

function buildPvspin(b: EvidenceBundle, arch: string | null, release: string | null, cmdline: CmdlineFacts | null, unknown: Record<string, string>, problems: ProblemFact[]): PvspinFacts | null {
  let kconfig: PvspinFacts['kconfig'] = null;
  if (release) {
    const kf = fileOf(b, `/boot/config-${release}`);
    const t = okText(kf);
    if (t !== undefined) {
      const r = parseKernelConfig(t, kf.path);
      problems.push(...r.problems.map((p) => problemFact(p, at(kf.path))));
      const o = r.value.CONFIG_PARAVIRT_SPINLOCKS;
      if (o) kconfig = { value: o.value, loc: o.location, key: 'CONFIG_PARAVIRT_SPINLOCKS' };
    }
  }
  const armPvspin = cmdline?.params.arm_pvspin !== undefined;
  const nopvspin = cmdline?.params.nopvspin !== undefined;
  const dcmd = commandOf(b, 'dmesg');
  const dout = okStdout(dcmd);
  let log: PvspinFacts['log'] = null;
  let bootBanner = false;
  if (dout !== undefined) {
    const r = parsePvSpinDmesg(dout, commandFile('dmesg'));
    const l = r.value.lines[r.value.lines.length - 1];
    if (l) log = { state: l.state, reason: l.reason ?? null, text: l.text, loc: l.location, key: 'pvspin-log' };
    bootBanner = /Linux version \d/.test(dout);
  }
  let verdict: PvspinFacts['verdict'];
  if (log) verdict = log.state === 'enabled' ? 'enabled' : log.reason && /no host support/.test(log.reason) ? 'no-host-support' : 'disabled-intentionally';
  else if (kconfig?.value === 'n') verdict = 'not-built';
  else if (dout === undefined) {
    unknown['guest.pvspin'] = commandReason(dcmd, 'dmesg', b.privileged);
    return null;
  } else if (!bootBanner) {
    unknown['guest.pvspin'] = 'the kernel log no longer holds the boot messages (ring buffer wrapped)';
    return null;
  } else verdict = armPvspin ? 'requested-not-active' : 'no-log-line';
  const loc = log?.loc ?? (verdict === 'not-built' ? kconfig?.loc : undefined) ?? cmdline?.params.arm_pvspin?.loc ?? at(commandFile('dmesg'));
  return { arch, armPvspin, nopvspin, kconfig, log, verdict, loc, key: 'pvspin' };
}

// ---------------------------------------------------------------------------------------------------------
// Topology

function cpulist(text: string | undefined): number[] | null {
  if (text === undefined) return null;
  const t = text.trim();
  if (t === '') return [];
  const r = parseCpuset(t);
  return r.ok ? r.cpus : null;
}

function intFile(b: EvidenceBundle, p: string): number | null {
  const t = okText(fileOf(b, p))?.trim();
  return t !== undefined && /^-?\d+$/.test(t) ? Number(t) : null;
}

function buildTopology(b: EvidenceBundle, unknown: Record<string, string>): TopologyFacts | null {
  const of = fileOf(b, '/sys/devices/system/cpu/online');
  const online = cpulist(okText(of));
  if (online === null) {
    unknown['guest.topology'] = of.state === 'ok' ? `${of.path}: not a CPU list` : fileReason(of, b.privileged);
    return null;
  }
  const cpus: GuestCpuFact[] = [];
  for (const cpu of online) {
    const d = `/sys/devices/system/cpu/cpu${cpu}/topology`;
    const pkg = intFile(b, `${d}/physical_package_id`);
    const core = intFile(b, `${d}/core_id`);
    if (pkg === null || core === null) {
      unknown['guest.topology'] = fileReason(fileOf(b, `${d}/${pkg === null ? 'physical_package_id' : 'core_id'}`), b.privileged);
      return null;
    }
    cpus.push({
      cpu,
      package: pkg,
      die: intFile(b, `${d}/die_id`),
      cluster: intFile(b, `${d}/cluster_id`),
      core,
      threadSiblings: cpulist(okText(fileOf(b, `${d}/thread_siblings_list`))),
      loc: at(`${d}/core_id`),
      key: `cpu${cpu}`,
    });
  }
  const coreKey = (c: GuestCpuFact) => `${c.package}/${c.die ?? 0}/${c.cluster ?? 0}/${c.core}`;
  const packages = new Set(cpus.map((c) => c.package));
  const coreThreads = new Map<string, number>();
  for (const c of cpus) coreThreads.set(coreKey(c), (coreThreads.get(coreKey(c)) ?? 0) + 1);
  const coresPerPkg = new Map<number | null, number>();
  for (const k of coreThreads.keys()) {
    const p = Number(k.split('/')[0]);
    coresPerPkg.set(p, (coresPerPkg.get(p) ?? 0) + 1);
  }
  const threads = [...coreThreads.values()];
  const uniform = new Set(threads).size <= 1 && new Set(coresPerPkg.values()).size <= 1;
  return {
    onlineCpus: online,
    packages: packages.size,
    cores: coreThreads.size,
    threadsPerCore: threads.length ? Math.max(...threads) : 0,
    uniform,
    socketPerVcpu: online.length > 1 && packages.size === online.length,
    cpus,
    loc: at(of.path),
    key: 'topology',
  };
}

// ---------------------------------------------------------------------------------------------------------
// NUMA exposure of PCI devices

const EMULATED_VENDORS = new Set(['0x1af4', '0x1b36', '0x1234', '0x1013', '0x1414']);
const EMULATED_DEVICES = new Set(['0x8086:0x100e', '0x8086:0x10d3', '0x8086:0x1209', '0x8086:0x1229', '0x10ec:0x8139', '0x15ad:0x07b0']);

function buildNuma(b: EvidenceBundle, unknown: Record<string, string>): NumaFacts | null {
  const nf = fileOf(b, '/sys/devices/system/node/online');
  const nodes = nf.state === 'missing' ? [] : cpulist(okText(nf));
  if (nodes === null) {
    unknown['guest.numa'] = fileReason(nf, b.privileged);
    return null;
  }
  const dir = b.dirs['/sys/bus/pci/devices'];
  if (dir && dir.state !== 'ok' && dir.state !== 'missing') {
    unknown['guest.numa'] = `/sys/bus/pci/devices: ${dir.state === 'denied' ? 'permission denied' : (dir.error ?? dir.state)}`;
    return null;
  }
  const devices: PciDeviceFact[] = [];
  for (const bdf of dir?.entries ?? []) {
    const d = `/sys/bus/pci/devices/${bdf}`;
    const read = (n: string) => okText(fileOf(b, `${d}/${n}`))?.trim().toLowerCase() ?? null;
    const classCode = read('class');
    const vendor = read('vendor');
    const device = read('device');
    const cls = classCode ? parseInt(classCode, 16) : NaN;
    const interesting = !Number.isNaN(cls) && ((cls >> 16 === 0x02) || cls >> 8 === 0x0108 || cls >> 8 === 0x0302 || cls >> 16 === 0x12);
    const emulated = vendor !== null && (EMULATED_VENDORS.has(vendor) || EMULATED_DEVICES.has(`${vendor}:${device}`));
    devices.push({ bdf, numaNode: intFile(b, `${d}/numa_node`), classCode, vendor, device, passthrough: interesting && !emulated && vendor !== null, loc: at(`${d}/numa_node`), key: `pci[${bdf}]` });
  }
  return { nodes, devices, loc: at(nf.path), key: 'numa' };
}

// ---------------------------------------------------------------------------------------------------------

function emptyGuest(name: string, via: GuestFacts['via']): GuestFacts {
  return { name, via, arch: null, kernelRelease: null, cmdline: null, qga: null, tpm: null, cpuidle: null, pvspin: null, topology: null, numa: null, problems: [] };
}

/** Builds GuestFacts from a guest's evidence bundle. */
export function buildGuestFacts(bundle: EvidenceBundle): GuestFactsResult {
  const unknown: Record<string, string> = {};
  const guest = emptyGuest(bundle.target.name, 'in-guest');
  const problems: ProblemFact[] = [];
  const um = commandOf(bundle, 'uname.machine');
  guest.arch = okStdout(um)?.trim() || null;
  if (guest.arch === null) unknown['guest.arch'] = commandReason(um, 'uname -m', bundle.privileged);
  guest.kernelRelease = okStdout(commandOf(bundle, 'uname.release'))?.trim() || null;
  guest.cmdline = buildCmdline(bundle, unknown);
  guest.qga = buildQga(bundle, unknown);
  if (guest.qga.problems.length) problems.push(...guest.qga.problems);
  guest.tpm = buildTpm(bundle, unknown, problems);
  guest.cpuidle = buildCpuidle(bundle, guest.cmdline, unknown, problems);
  guest.pvspin = buildPvspin(bundle, guest.arch, guest.kernelRelease, guest.cmdline, unknown, problems);
  guest.topology = buildTopology(bundle, unknown);
  guest.numa = buildNuma(bundle, unknown);
  guest.problems = dedupeProblems(problems);
  return { guest, unknown };
}

