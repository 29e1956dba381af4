/**
 * SELinux / AppArmor state and the labels of QEMU, swtpm and libvirt daemon processes.
 * Runtime SELinux mode: `getenforce`, else `/sys/fs/selinux/enforce` (absent = disabled on a live host, or on an offline
 * root whose `/sys/kernel/security/lsm` does not list selinux).
 * Processes: `ps -eZ`, else `/proc/<pid>/attr/current` + `/proc/<pid>/comm`; `/proc/<pid>/cmdline` names the domain.
 */
import { commandOf, fileOf, type EvidenceBundle } from '../../../collect/evidence';
import { cmdlineAll, parseKernelBool, parseKernelCmdline } from '../../common/cmdline';
import { parsePsEZ, processesFromProc, type ProcEntry, type ProcessLabel } from '../ps';
import { formatCategories, parseGetenforce, parseSelinuxConfig, parseSelinuxEnforceFile, type SelinuxMode } from '../selinux';
import type { LsmFacts, ProcessFacts, SelinuxFacts } from '../model-access';
import { at, commandReason, fileReason, okText } from '../../common/evidence';
import { unreadable } from './common';

const LSM_FILE = '/sys/kernel/security/lsm';

/** The active LSMs from securityfs (`lockdown,capability,yama,apparmor`); null when the file was not read. */
function activeLsms(b: EvidenceBundle): string[] | null {
  const t = okText(fileOf(b, LSM_FILE));
  return t === undefined ? null : t.replace(/\0/g, '').trim().split(',').filter(Boolean);
}

export function buildLsm(b: EvidenceBundle, unknown: Record<string, string>): LsmFacts {
  const f = fileOf(b, LSM_FILE);
  const active = activeLsms(b);
  if (active === null && f.state !== 'missing') unknown['host.lsm.active'] = fileReason(f, b.privileged);
  const aa = okText(fileOf(b, '/sys/module/apparmor/parameters/enabled'))?.trim();
  const enforce = fileOf(b, '/sys/fs/selinux/enforce');
  return {
    active,
    selinux: active ? active.includes('selinux') : enforce.state === 'ok',
    apparmor: active ? active.includes('apparmor') : aa === 'Y',
    loc: at(LSM_FILE),
    key: 'lsm',
  };
}

export function buildSelinux(b: EvidenceBundle, unknown: Record<string, string>): SelinuxFacts {
  let runtime: SelinuxMode | null = null;
  let runtimeSource: string | null = null;
  const ge = commandOf(b, 'getenforce');
  const ef = fileOf(b, '/sys/fs/selinux/enforce');
  if (ge.state === 'ok' && (ge.exitCode ?? 0) === 0 && parseGetenforce(ge.stdout ?? '').value) {
    runtime = parseGetenforce(ge.stdout ?? '').value ?? null;
    runtimeSource = 'getenforce';
  } else if (ef.state === 'ok') {
    runtime = parseSelinuxEnforceFile(ef.content ?? '').value ?? null;
    runtimeSource = ef.path;
    if (runtime === null) unknown['host.selinux.runtime'] = `${ef.path}: unexpected content`;
  } else if (ef.state === 'missing' && ge.state !== 'not-applicable') {
    // No selinuxfs on a live host: SELinux is disabled (or not built in).
    runtime = 'disabled';
    runtimeSource = ef.path;
  } else if (ef.state === 'missing' && activeLsms(b)?.includes('selinux') === false) {
    // Offline root or snapshot: the kernel's list of active LSMs (securityfs, Linux >= 4.15) was collected and does
    // not name SELinux: it is not running (getenforce would print Disabled).
    runtime = 'disabled';
    runtimeSource = LSM_FILE;
  } else {
    unknown['host.selinux.runtime'] = ge.state === 'not-applicable' ? commandReason(ge, 'getenforce', b.privileged) : fileReason(ef, b.privileged);
  }
  const cf = fileOf(b, '/etc/selinux/config');
  const ct = okText(cf);
  let config: SelinuxFacts['config'] = null;
  if (ct !== undefined) {
    const c = parseSelinuxConfig(ct, cf.path).value;
    config = { mode: c.mode ?? null, type: c.type ?? null, loc: c.modeLocation ?? at(cf.path), key: 'selinux:config' };
  } else if (unreadable(cf)) unknown['host.selinux.config'] = fileReason(cf, b.privileged);

  const cmdOverrides: SelinuxFacts['cmdlineOverrides'] = [];
  const kf = fileOf(b, '/proc/cmdline');
  const kt = okText(kf);
  if (kt === undefined) unknown['host.selinux.cmdlineOverrides'] = fileReason(kf, b.privileged);
  else {
    const cmd = parseKernelCmdline(kt, kf.path).value;
    const push = (p: { name: string; value?: string; location: import('../../../util/location').SourceLocation }) =>
      cmdOverrides.push({ name: p.name, value: p.value ?? null, loc: p.location, key: `cmdline:${p.name}` });
    const last = (n: string) => cmdlineAll(cmd, n).slice(-1)[0];
    const sel = last('selinux');
    if (sel && parseKernelBool(sel.value) === false) push(sel);
    const enf = last('enforcing');
    if (enf && parseKernelBool(enf.value) === false) push(enf);
    const sec = last('security');
    if (sec && sec.value !== undefined && sec.value !== 'selinux') push(sec);
    const lsm = last('lsm');
    if (lsm && lsm.value !== undefined && !lsm.value.split(',').includes('selinux')) push(lsm);
  }
  return {
    installed: config !== null || runtime === 'enforcing' || runtime === 'permissive',
    runtime,
    runtimeSource,
    config,
    cmdlineOverrides: cmdOverrides,
    loc: config?.loc ?? at(runtimeSource === 'getenforce' ? 'command:getenforce' : '/sys/fs/selinux/enforce'),
    key: 'selinux',
  };
}

const DAEMON_COMMS = new Set(['libvirtd', 'virtqemud', 'virtproxyd']);

/** `-name guest=X,debug-threads=on` / `-name X` and `-uuid U` from a NUL-separated QEMU argv. */
function qemuIdentity(raw: string | undefined): { name: string | null; uuid: string | null } {
  if (raw === undefined) return { name: null, uuid: null };
  const argv = raw.split('\0');
  let name: string | null = null;
  let uuid: string | null = null;
  for (let i = 0; i < argv.length - 1; i++) {
    if (argv[i] === '-name') {
      const v = argv[i + 1];
      // QEMU option syntax: ",," escapes a comma.
      const parts = v.replace(/,,/g, '\u0001').split(',').map((s) => s.replace(/\u0001/g, ','));
      const g = parts.find((p) => p.startsWith('guest='));
      name = g ? g.slice(6) : parts[0].includes('=') ? null : parts[0];
    } else if (argv[i] === '-uuid') uuid = argv[i + 1].toLowerCase();
  }
  return { name, uuid };
}

export function buildProcesses(b: EvidenceBundle, unknown: Record<string, string>): ProcessFacts[] | null {
  let rows: ProcessLabel[] | null = null;
  const ps = commandOf(b, 'ps.eZ');
  if (ps.state === 'ok' && (ps.exitCode ?? 0) === 0) rows = parsePsEZ(ps.stdout ?? '', 'command:ps.eZ').value;
  else {
    const entries: ProcEntry[] = [];
    for (const [p, f] of Object.entries(b.files)) {
      const m = /^\/proc\/(\d+)\/comm$/.exec(p);
      if (!m || f.state !== 'ok') continue;
      const attr = fileOf(b, `/proc/${m[1]}/attr/current`);
      entries.push({ pid: Number(m[1]), comm: f.content, attrCurrent: attr.state === 'ok' ? attr.content : undefined });
    }
    if (entries.length) rows = processesFromProc(entries);
    else {
      unknown['host.processes'] = commandReason(ps, 'ps -eZ', b.privileged);
      return null;
    }
  }
  const out: ProcessFacts[] = [];
  for (const r of rows) {
    if (r.role === 'other' && !DAEMON_COMMS.has(r.comm)) continue;
    const id = r.role === 'qemu' ? qemuIdentity(okText(fileOf(b, `/proc/${r.pid}/cmdline`))) : { name: null, uuid: null };
    const sel = r.lsm.kind === 'selinux' ? r.lsm.context : null;
    const aa = r.lsm.kind === 'apparmor' ? r.lsm.apparmor : null;
    out.push({
      pid: r.pid,
      comm: r.comm,
      role: r.role === 'other' ? r.comm : r.role,
      label: r.label,
      lsm: r.lsm.kind,
      type: sel?.type ?? null,
      mcs: sel?.level ? `s${sel.level.low.sensitivity}${sel.level.low.categories.length ? `:${formatCategories(sel.level.low.categories)}` : ''}` : null,
      categories: sel?.level?.low.categories ?? [],
      profile: aa?.profile ?? null,
      mode: aa?.mode ?? null,
      profileUuid: aa?.domainUuid ?? null,
      domainName: id.name,
      domainUuid: id.uuid,
      sharesMcsWith: [],
      loc: r.location,
      key: `process:${r.comm}:${id.name ?? r.pid}`,
    });
  }
  // QEMU processes sharing an MCS category set (helpers like swtpm legitimately share their VM's label).
  const qemu = out.filter((p) => p.role === 'qemu' && p.lsm === 'selinux' && p.categories.length > 0);
  for (const p of qemu) p.sharesMcsWith = qemu.filter((q) => q !== p && q.mcs === p.mcs).map((q) => q.pid);
  return out.sort((a, b2) => a.pid - b2.pid);
}
