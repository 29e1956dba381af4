/** Guest facts, TPM area (`guest.tpm`): devices, driver, modules, PCR banks and measured-boot anomalies (tpm.ts parses). */
import { commandOf, fileOf, type EvidenceBundle } from '../../collect/evidence';
import { at, commandFile, commandReason, okStdout, okText } from '../common/evidence';
import { assessPcrs, classifyPcr, parsePcrListing, parsePcrSysfs, type PcrListing } from './tpm';
import type { PcrAnomalyFact, PcrFacts, ProblemFact, TpmFacts } from './model';
import { locKey, problemFact } from './build-common';

/** The PCR banks read from sysfs when tpm2-tools is missing. */
export const TPM_PCR_BANK_DIRS = ['sha1', 'sha256', 'sha384', 'sha512'];

// ---------------------------------------------------------------------------------------------------------
// TPM

export function buildTpm(b: EvidenceBundle, unknown: Record<string, string>, problems: ProblemFact[]): TpmFacts | null {
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
