import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeWithOracles } from '../../helpers/oracle';
import {
  assessPcrs,
  classifyPcr,
  extendPcr,
  parsePcrListing,
  parsePcrSysfs,
  separatorOnlyValue,
} from '../../../src/facts/guest/tpm';

const Z40 = '0'.repeat(40);
const F40 = 'F'.repeat(40);
const codes = (ps: { code: string }[]): string[] => ps.map((p) => p.code);

describe('parsePcrListing formats', () => {
  it('tpm2-tools 5.x: indented, 0x + upper case, %-2d indices, empty bank header', () => {
    const t = `  sha1:\n    0 : 0x${Z40}\n    9 : 0x${'AB'.repeat(20)}\n    10: 0x${F40}\n  sha256:\n  sha384:\n`;
    const r = parsePcrListing(t, 'pcrread');
    expect(r.problems).toEqual([]);
    expect(r.value.format).toBe('tpm2-tools-5');
    expect(r.value.banks).toEqual({ sha1: { '0': Z40, '9': 'ab'.repeat(20), '10': 'f'.repeat(40) }, sha256: {}, sha384: {} });
    expect(r.value.emptyBanks).toEqual(['sha256', 'sha384']);
    expect(r.value.entries[1].location).toEqual({ file: 'pcrread', line: 3, column: 5 });
  });

  it('tpm2-tools 4.x and 3.x formats', () => {
    const v4 = parsePcrListing(`sha1:\n  0 : 0x${Z40}\n  23: 0x${Z40}\n`, 'f');
    expect(v4.value.format).toBe('tpm2-tools-4');
    expect(Object.keys(v4.value.banks.sha1)).toEqual(['0', '23']);
    const v3 = parsePcrListing(`sha1 :\n  0  : ${'ab'.repeat(20)}\n  17 : ${'f'.repeat(40)}\nsha256 :\n  0  : ${'0'.repeat(64)}\n`, 'f');
    expect(v3.problems).toEqual([]);
    expect(v3.value.format).toBe('tpm2-tools-3');
    expect(v3.value.banks.sha256['0']).toBe('0'.repeat(64));
  });

  it("the guide's flattened listing", () => {
    const file = path.join(__dirname, 'fixtures/guide-pcrread.txt');
    const r = parsePcrListing(fs.readFileSync(file, 'utf8'), 'guide');
    expect(r.problems).toEqual([]);
    expect(r.value.format).toBe('flat');
    expect(r.value.bankOrder).toEqual(['sha1', 'sha256']);
    expect(Object.keys(r.value.banks.sha256)).toHaveLength(24);
    const a = assessPcrs(r.value);
    expect(a.bank).toBe('sha256');
    expect(a.firmwarePcrsZero).toBe(false);
    expect(a.separatorOnly).toEqual([2, 3, 6]);
    expect(a.allOnesAnomalies).toEqual([]);
    expect(a.classes['17']).toBe('all-ones');
    expect(classifyPcr('sha1', r.value.banks.sha1['2'])).toBe('separator-only');
  });

  it('reports digest length errors, values before a header, junk and duplicates with line numbers', () => {
    const r = parsePcrListing(`0 : 0x${Z40}\nsha256:\n  0 : 0x${Z40}\n  1 : 0x${'0'.repeat(64)}\n  1 : 0x${'1'.repeat(64)}\nERROR: something\n  30: 0x${'0'.repeat(64)}\n`, 'f');
    expect(r.problems.map((p) => [p.code, p.location?.line])).toEqual([
      ['tpm.value-without-bank', 1],
      ['tpm.digest-length', 3],
      ['tpm.duplicate-pcr', 5],
      ['tpm.unrecognized-line', 6],
      ['tpm.pcr-index', 7],
    ]);
    expect(r.value.banks.sha256).toEqual({ '1': '0'.repeat(64), '30': '0'.repeat(64) });
    expect(codes(parsePcrListing('', 'f').problems)).toEqual(['tpm.empty-listing']);
  });
});

describe('parsePcrSysfs and classification', () => {
  it('reads pcr-<alg>/<n> files (upper case) in index order', () => {
    const files: Record<string, string> = {
      '/sys/class/tpm/tpm0/pcr-sha256/10': '0'.repeat(64) + '\n',
      '/sys/class/tpm/tpm0/pcr-sha256/2': separatorOnlyValue('sha256')!.toUpperCase() + '\n',
      '/sys/class/tpm/tpm0/pcr-sha1/0': 'zz\n',
      '/sys/class/tpm/tpm1/pcr-sha256/0': '0'.repeat(64),
    };
    const r = parsePcrSysfs(files);
    expect(r.value.bankOrder).toEqual(['sha1', 'sha256']);
    expect(Object.keys(r.value.banks.sha256)).toEqual(['2', '10']);
    expect(codes(r.problems)).toEqual(['tpm.sysfs-value']);
    expect(assessPcrs(r.value).separatorOnly).toEqual([2]);
  });

  it('knows the separator digests and flags all-F anomalies and sha1-only TPMs', () => {
    expect(separatorOnlyValue('sha1')).toMatch(/^b2a83b0e/);
    expect(separatorOnlyValue('sha256')).toMatch(/^3d458cfe/);
    expect(separatorOnlyValue('sha1', true)).toMatch(/^3a3f780f/);
    const l = parsePcrListing(`sha1:\n  0 : 0x${F40}\n  7 : 0x${separatorOnlyValue('sha1', true)}\n  17: 0x${F40}\n`, 'f').value;
    const a = assessPcrs(l);
    expect(a).toMatchObject({ bank: 'sha1', sha1Only: true, allOnesAnomalies: [0], separatorError: [7] });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Oracle: a real swtpm + tpm2-tools.

/** Listen on `port` (0: any) and release it; resolves the port, or undefined if it is taken. */
async function probePort(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.on('error', () => resolve(undefined));
    s.listen(port, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** The swtpm TCTI talks to the control channel on port + 1, so both must be free. */
async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = await probePort(0);
    if (p !== undefined && p < 65535 && (await probePort(p + 1)) !== undefined) return p;
  }
  throw new Error('no free pair of TCP ports');
}

describeWithOracles(['swtpm', 'swtpm_setup', 'tpm2_pcrread', 'tpm2_pcrextend'], 'swtpm + tpm2-tools oracle', () => {
  let dir: string;
  let swtpm: ChildProcess | undefined;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-tpm-'));
    const setup = spawnSync('swtpm_setup', ['--tpm2', '--tpmstate', dir, '--pcr-banks', 'sha1,sha256', '--overwrite'], { encoding: 'utf8' });
    expect(setup.status).toBe(0);
    const port = await freePortPair();
    const ctrl = port + 1;
    swtpm = spawn(
      'swtpm',
      ['socket', '--tpm2', '--tpmstate', `dir=${dir}`, '--server', `type=tcp,port=${port},bindaddr=127.0.0.1`, '--ctrl', `type=tcp,port=${ctrl},bindaddr=127.0.0.1`, '--flags', 'not-need-init,startup-clear'],
      { stdio: 'ignore' },
    );
    env = { ...process.env, TPM2TOOLS_TCTI: `swtpm:host=127.0.0.1,port=${port}` };
    for (let i = 0; i < 100; i++) {
      const ok = await new Promise<boolean>((res) => {
        const c = net.createConnection(port, '127.0.0.1');
        c.on('connect', () => (c.destroy(), res(true)));
        c.on('error', () => res(false));
      });
      if (ok) break;
      await new Promise((r) => setTimeout(r, 30));
    }
  });

  afterAll(async () => {
    if (swtpm && swtpm.exitCode === null && swtpm.signalCode === null) {
      const gone = new Promise((r) => swtpm!.on('exit', r));
      swtpm.kill('SIGTERM');
      await gone;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const pcrread = (...args: string[]): string => {
    const r = spawnSync('tpm2_pcrread', args, { encoding: 'utf8', env });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return r.stdout;
  };

  it('fresh TPM: PCR 0–16 and 23 zero, 17–22 all-F, measured boot not active', () => {
    const r = parsePcrListing(pcrread(), 'tpm2_pcrread');
    expect(r.problems).toEqual([]);
    expect(r.value.format).toBe('tpm2-tools-5');
    expect(Object.keys(r.value.banks.sha1)).toHaveLength(24);
    expect(Object.keys(r.value.banks.sha256)).toHaveLength(24);
    const a = assessPcrs(r.value);
    expect(a.bank).toBe('sha256');
    expect(a.firmwarePcrsZero).toBe(true);
    expect(a.allOnesAnomalies).toEqual([]);
    for (let i = 17; i <= 22; i++) expect(a.classes[String(i)]).toBe('all-ones');
    expect(a.classes['23']).toBe('zero');
  });

  it('after tpm2_pcrextend the parsed values equal our own extend computation', () => {
    const d1 = randomBytes(20).toString('hex');
    const d256 = randomBytes(32).toString('hex');
    const sep = '9069ca78e7450a285173431b3e52c5c25299e473'; // sha1(00000000), the EV_SEPARATOR digest
    const before = parsePcrListing(pcrread('sha1:0,2,7+sha256:0,2,7'), 'before').value;
    let ex = spawnSync('tpm2_pcrextend', [`0:sha1=${d1},sha256=${d256}`], { env });
    expect(ex.status).toBe(0);
    ex = spawnSync('tpm2_pcrextend', [`2:sha1=${sep}`], { env });
    expect(ex.status).toBe(0);
    const r = parsePcrListing(pcrread('sha1:0,2,7+sha256:0,2,7'), 'after');
    expect(r.problems).toEqual([]);
    expect(r.value.banks.sha1['0']).toBe(extendPcr('sha1', before.banks.sha1['0'], d1));
    expect(r.value.banks.sha256['0']).toBe(extendPcr('sha256', before.banks.sha256['0'], d256));
    expect(r.value.banks.sha1['2']).toBe(separatorOnlyValue('sha1'));
    expect(r.value.banks.sha1['7']).toBe(before.banks.sha1['7']);
    const a = assessPcrs(r.value);
    expect(a.firmwarePcrsZero).toBe(false);
    expect(classifyPcr('sha1', r.value.banks.sha1['2'])).toBe('separator-only');
  });

  it('an inactive bank is printed as an empty header', () => {
    const r = parsePcrListing(pcrread('sha384:0'), 'f');
    expect(r.value.emptyBanks).toEqual(['sha384']);
    expect(r.problems).toEqual([]);
  });
});
