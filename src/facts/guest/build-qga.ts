/**
 * Guest facts, qemu-ga area (`guest.qga`): the agent's unit, argv, environment and config files read with
 * qemu-ga's own rules (qga.ts), the RPCs it really enables, list defects and a computed fix. Pure; never throws.
 */
import { commandOf, fileOf, type EvidenceBundle, type FileEvidence } from '../../collect/evidence';
import type { SourceLocation } from '../../util/location';
import { parseEnvFile } from '../common/envfile';
import { resolveServiceExecStart, SYSTEM_UNIT_PATH, type ArgWord, type EnvVar, type UnitSources } from '../common/systemd';
import { at, fileReason, okStdout, okText } from '../common/evidence';
import {
  analyzeQgaFilter,
  parseProcCmdline,
  parseQgaVersion,
  qgaSysconfigVars,
  type QgaArg,
  type QgaFilterAnalysis,
  type QgaListItem,
} from './qga';
import type {
  FileModeFact,
  ProblemFact,
  QgaFacts,
  QgaFixFact,
  QgaListDefectFact,
  QgaListItemFact,
  QgaSysconfigFacts,
  QgaSysconfigVarFact,
} from './model';
import { dedupeProblems, locKey, problemFact } from './build-common';

/** The agent's unit, binaries and environment files (the manifest collects exactly these). */
export const QGA_UNIT = 'qemu-guest-agent.service';
export const QGA_BINARIES = ['/usr/bin/qemu-ga', '/usr/sbin/qemu-ga'];
export const QGA_ENV_FILES = ['/etc/sysconfig/qemu-ga', '/etc/default/qemu-guest-agent'];

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

export function emptyQga(source: QgaFacts['source'], installed: boolean): QgaFacts {
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

export function buildQga(b: EvidenceBundle, unknown: Record<string, string>): QgaFacts {
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
