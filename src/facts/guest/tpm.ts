/**
 * TPM 2.0 PCR listings and PCR classification (Trusted VM Boot checks GUEST-TPM-002/003/004).
 *
 * Accepted formats (all real-program formats differ; man pages of 4.x/5.x still show the 3.x one):
 * - tpm2-tools 5.x `tpm2_pcrread`: `  sha1:` then `    0 : 0x` + UPPER hex, index `%-2d` (`10:`) [verified 5.4];
 *   inactive banks are printed as an empty header.
 * - tpm2-tools 4.x `tpm2_pcrread`: `sha1:` then `  0 : 0x` + UPPER hex.
 * - tpm2-tools 3.x `tpm2_pcrlist`: `sha1 :` then `  0  : ` + lower hex without 0x.
 * - the best-practice guide's flattened listing: `sha1 :` then `0 : fffd…` (no indentation).
 * - sysfs (Linux >= 5.12): `/sys/class/tpm/tpm0/pcr-<alg>/<n>`, one upper-case hex line.
 * Digests are normalised to lower-case hex and their length checked against the bank's algorithm.
 */
import { createHash } from 'node:crypto';
import type { SourceLocation } from '../../util/location';
import type { Problem } from '../../util/problem';
import type { ParseResult } from '../common/envfile';

export const PCR_BANKS = ['sha1', 'sha256', 'sha384', 'sha512', 'sm3_256'] as const;
export type PcrBank = (typeof PCR_BANKS)[number];

/** Digest length in hex characters per bank. */
export const DIGEST_HEX_LENGTH: Record<PcrBank, number> = { sha1: 40, sha256: 64, sha384: 96, sha512: 128, sm3_256: 64 };

export type PcrListingFormat = 'tpm2-tools-5' | 'tpm2-tools-4' | 'tpm2-tools-3' | 'flat' | 'sysfs' | 'unknown';

export interface PcrEntry {
  bank: string;
  index: number;
  /** Lower-case hex. */
  digest: string;
  location: SourceLocation;
}

export interface PcrListing {
  format: PcrListingFormat;
  /** bank → PCR index (as a string key) → lower-case hex digest. */
  banks: Record<string, Record<string, string>>;
  /** Banks in listing order, including empty ones. */
  bankOrder: string[];
  /** Banks printed with a header but no values (inactive / not selected). */
  emptyBanks: string[];
  entries: PcrEntry[];
}

const HEADER = /^(\s*)(sha1|sha256|sha384|sha512|sm3_256)(\s*):\s*$/i;
const VALUE = /^(\s*)(\d{1,3})(\s*):\s*(0x)?([0-9A-Fa-f]*)\s*$/;

function addEntry(l: PcrListing, problems: Problem[], bank: string, index: number, hex: string, location: SourceLocation): void {
  const want = DIGEST_HEX_LENGTH[bank as PcrBank];
  if (index > 23) {
    problems.push({ code: 'tpm.pcr-index', level: 'warning', message: `PCR index ${index} is outside 0–23`, location });
  }
  if (want !== undefined && hex.length !== want) {
    problems.push({ code: 'tpm.digest-length', level: 'error', message: `${bank} PCR ${index}: digest has ${hex.length} hex digits, expected ${want}`, location });
    return;
  }
  const key = String(index);
  if (l.banks[bank][key] !== undefined) {
    problems.push({ code: 'tpm.duplicate-pcr', level: 'warning', message: `${bank} PCR ${index} listed twice; the first value is kept`, location });
    return;
  }
  const digest = hex.toLowerCase();
  l.banks[bank][key] = digest;
  l.entries.push({ bank, index, digest, location });
}

/** Parse `tpm2_pcrread` / `tpm2_pcrlist` output (any major version) or the guide's flattened listing. */
export function parsePcrListing(text: string, file: string): ParseResult<PcrListing> {
  const problems: Problem[] = [];
  const l: PcrListing = { format: 'unknown', banks: {}, bankOrder: [], emptyBanks: [], entries: [] };
  const lines = text.split('\n');
  let bank: string | undefined;
  let headerStyle: { indent: number; spaceBeforeColon: boolean } | undefined;
  let valueIndent: number | undefined;
  let valueHas0x: boolean | undefined;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].replace(/\r$/, '');
    if (line.trim() === '') continue;
    const location: SourceLocation = { file, line: n + 1, column: 1 };
    const h = HEADER.exec(line);
    if (h) {
      bank = h[2].toLowerCase();
      location.column = h[1].length + 1;
      headerStyle = headerStyle ?? { indent: h[1].length, spaceBeforeColon: h[3].length > 0 };
      if (l.banks[bank] === undefined) {
        l.banks[bank] = {};
        l.bankOrder.push(bank);
      } else {
        problems.push({ code: 'tpm.duplicate-bank', level: 'warning', message: `bank ${bank} listed twice`, location });
      }
      continue;
    }
    const v = VALUE.exec(line);
    if (v) {
      location.column = v[1].length + 1;
      if (bank === undefined) {
        problems.push({ code: 'tpm.value-without-bank', level: 'error', message: 'PCR value before any bank header', location });
        continue;
      }
      valueIndent = valueIndent ?? v[1].length;
      valueHas0x = valueHas0x ?? v[4] !== undefined;
      addEntry(l, problems, bank, Number(v[2]), v[5], location);
      continue;
    }
    problems.push({ code: 'tpm.unrecognized-line', level: 'warning', message: `unrecognized line: ${line.trim().slice(0, 80)}`, location });
  }
  for (const b of l.bankOrder) if (Object.keys(l.banks[b]).length === 0) l.emptyBanks.push(b);
  if (headerStyle) {
    if (headerStyle.spaceBeforeColon) l.format = valueIndent === 0 ? 'flat' : 'tpm2-tools-3';
    else if (headerStyle.indent >= 2) l.format = 'tpm2-tools-5';
    else l.format = valueHas0x === false ? 'unknown' : 'tpm2-tools-4';
  }
  if (l.bankOrder.length === 0) {
    problems.push({ code: 'tpm.empty-listing', level: 'error', message: 'no PCR bank in the listing', location: { file, line: 1, column: 1 } });
  }
  return { value: l, problems };
}

/**
 * PCRs from sysfs: `files` maps paths like `/sys/class/tpm/tpm0/pcr-sha256/7` to their content.
 * Only the given TPM (default tpm0) is read.
 */
export function parsePcrSysfs(files: Record<string, string>, tpm = 'tpm0'): ParseResult<PcrListing> {
  const problems: Problem[] = [];
  const l: PcrListing = { format: 'sysfs', banks: {}, bankOrder: [], emptyBanks: [], entries: [] };
  const re = new RegExp(`^/sys/class/tpm/${tpm}/pcr-([a-z0-9_]+)/(\\d+)$`);
  const found = Object.keys(files)
    .map((p) => ({ p, m: re.exec(p) }))
    .filter((x): x is { p: string; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => (a.m[1] === b.m[1] ? Number(a.m[2]) - Number(b.m[2]) : a.m[1] < b.m[1] ? -1 : 1));
  for (const { p, m } of found) {
    const bank = m[1];
    if (l.banks[bank] === undefined) {
      l.banks[bank] = {};
      l.bankOrder.push(bank);
    }
    const location: SourceLocation = { file: p, line: 1, column: 1 };
    const t = files[p].trim();
    if (!/^[0-9A-Fa-f]+$/.test(t)) {
      problems.push({ code: 'tpm.sysfs-value', level: 'error', message: `not a hex digest: ${t.slice(0, 40)}`, location });
      continue;
    }
    addEntry(l, problems, bank, Number(m[2]), t, location);
  }
  return { value: l, problems };
}

// ---------------------------------------------------------------------------------------------------------
// Classification.

const ALG: Record<PcrBank, string | undefined> = { sha1: 'sha1', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512', sm3_256: undefined };

/** PCR extend: H(old || digest), as the TPM does. Returns undefined for banks node cannot hash (sm3_256). */
export function extendPcr(bank: PcrBank, oldHex: string, digestHex: string): string | undefined {
  const alg = ALG[bank];
  if (!alg) return undefined;
  return createHash(alg).update(Buffer.concat([Buffer.from(oldHex, 'hex'), Buffer.from(digestHex, 'hex')])).digest('hex');
}

function digestOf(bank: PcrBank, dataHex: string): string | undefined {
  const alg = ALG[bank];
  return alg ? createHash(alg).update(Buffer.from(dataHex, 'hex')).digest('hex') : undefined;
}

/** The PCR value after only an EV_SEPARATOR (data 00000000, or ffffffff = firmware error) was measured. */
export function separatorOnlyValue(bank: PcrBank, error = false): string | undefined {
  const d = digestOf(bank, error ? 'ffffffff' : '00000000');
  return d === undefined ? undefined : extendPcr(bank, '0'.repeat(DIGEST_HEX_LENGTH[bank]), d);
}

export type PcrClass = 'zero' | 'all-ones' | 'separator-only' | 'separator-error' | 'measured';

export function classifyPcr(bank: string, digest: string): PcrClass {
  const d = digest.toLowerCase();
  if (/^0+$/.test(d)) return 'zero';
  if (/^f+$/.test(d)) return 'all-ones';
  if ((PCR_BANKS as readonly string[]).includes(bank)) {
    if (d === separatorOnlyValue(bank as PcrBank)) return 'separator-only';
    if (d === separatorOnlyValue(bank as PcrBank, true)) return 'separator-error';
  }
  return 'measured';
}

export interface PcrAssessment {
  /** The bank rules look at: sha256 if it has values, else the first bank with values. */
  bank?: string;
  /** Banks that have values. */
  activeBanks: string[];
  sha1Only: boolean;
  /** PCR 0–7 are present and all zero in `bank`: firmware measured nothing → measured boot not active. */
  firmwarePcrsZero: boolean;
  /** Class of every PCR of `bank`, keyed by index. */
  classes: Record<string, PcrClass>;
  /** PCR 0–16 or 23 equal to all-F (reset value is zero → anomaly). */
  allOnesAnomalies: number[];
  separatorOnly: number[];
  separatorError: number[];
}

/** GUEST-TPM-002/003/004 derived facts. */
export function assessPcrs(l: PcrListing): PcrAssessment {
  const activeBanks = l.bankOrder.filter((b) => Object.keys(l.banks[b]).length > 0);
  const bank = activeBanks.includes('sha256') ? 'sha256' : activeBanks[0];
  const classes: Record<string, PcrClass> = {};
  const res: PcrAssessment = {
    bank,
    activeBanks,
    sha1Only: activeBanks.length === 1 && activeBanks[0] === 'sha1',
    firmwarePcrsZero: false,
    classes,
    allOnesAnomalies: [],
    separatorOnly: [],
    separatorError: [],
  };
  if (!bank) return res;
  const values = l.banks[bank];
  for (const [k, d] of Object.entries(values)) classes[k] = classifyPcr(bank, d);
  const idx = Object.keys(values)
    .map(Number)
    .sort((a, b) => a - b);
  res.firmwarePcrsZero = [0, 1, 2, 3, 4, 5, 6, 7].every((i) => classes[String(i)] === 'zero');
  for (const i of idx) {
    const c = classes[String(i)];
    if (c === 'all-ones' && (i <= 16 || i === 23)) res.allOnesAnomalies.push(i);
    if (c === 'separator-only') res.separatorOnly.push(i);
    if (c === 'separator-error') res.separatorError.push(i);
  }
  return res;
}
