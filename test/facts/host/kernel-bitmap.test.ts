import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { formatCpulist, formatKernelMask, parseCpulist, parseKernelMask } from '../../../src/facts/host/kernel-bitmap';
import { hasTool } from '../../helpers/oracle';

const L = { file: '/sys/devices/virtual/workqueue/cpumask', line: 1, column: 1 };

describe('kernel %*pb masks', () => {
  it('parses MSB-first 32-bit words', () => {
    expect(parseKernelMask('3\n').value).toEqual([0, 1]);
    expect(parseKernelMask('ff,ffffffff').value).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(parseKernelMask('0000,000000ff').value).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(parseKernelMask('00000000,000f0000,0000000f').value).toEqual([0, 1, 2, 3, 48, 49, 50, 51]);
    expect(parseKernelMask('80000000').value).toEqual([31]);
    expect(parseKernelMask('0').value).toEqual([]);
    expect(parseKernelMask('').value).toEqual([]);
  });

  it('formats back with the kernel padding rule', () => {
    expect(formatKernelMask([0, 1], 2)).toBe('3');
    expect(formatKernelMask(Array.from({ length: 40 }, (_, i) => i), 40)).toBe('ff,ffffffff');
    expect(formatKernelMask([0, 1, 2, 3, 4, 5, 6, 7], 48)).toBe('0000,000000ff');
    expect(formatKernelMask([0, 1, 2, 3, 48, 49, 50, 51], 96)).toBe('00000000,000f0000,0000000f');
    expect(formatKernelMask([31], 32)).toBe('80000000');
    expect(formatKernelMask([], 8)).toBe('00');
  });

  it('refuses bad and oversized input with a problem, without allocating', () => {
    for (const t of ['xyz', '3,', ',3', '123456789', '3 ,1', '-1']) {
      const r = parseKernelMask(t, { location: L });
      expect(r.value).toBeUndefined();
      expect(r.problems[0]).toMatchObject({ code: 'bitmap.bad-mask', level: 'error', location: L });
    }
    const huge = Array.from({ length: 100000 }, () => 'ffffffff').join(',');
    expect(parseKernelMask(huge).problems[0].code).toBe('bitmap.too-large');
    expect(parseKernelMask('1,00000000', { maxCpus: 32 }).problems[0].code).toBe('bitmap.too-large');
  });
});

describe('kernel cpulists', () => {
  it('parses ranges, singles, empty lists and strides', () => {
    expect(parseCpulist('0-3,8,10-11\n').value).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(parseCpulist('\n').value).toEqual([]);
    expect(parseCpulist('0-15:2/4').value).toEqual([0, 1, 4, 5, 8, 9, 12, 13]);
    expect(formatCpulist([11, 0, 1, 2, 3, 8, 10, 3])).toBe('0-3,8,10-11');
    expect(formatCpulist([])).toBe('');
  });
  it('refuses bad and oversized lists', () => {
    expect(parseCpulist('3-1').problems[0].code).toBe('bitmap.bad-cpulist');
    expect(parseCpulist('0-999999999').problems[0].code).toBe('bitmap.too-large');
    expect(parseCpulist('1,,2').value).toBeUndefined();
    expect(parseCpulist('0-3,x', { location: L }).problems[0].location).toEqual({ ...L, column: 5 });
  });
});

// The running kernel prints the same CPU set as a %*pb mask and a %*pbl list in /proc/<pid>/status.
const statusPair = (text: string) => ({
  mask: /^Cpus_allowed:\s*(\S+)$/m.exec(text)![1],
  list: /^Cpus_allowed_list:\s*(\S*)$/m.exec(text)![1],
});
(fs.existsSync('/proc/self/status') || process.env.CI === 'true' ? describe : describe.skip)('agrees with the running kernel (/proc/self/status Cpus_allowed)', () => {
  it('mask and list of this process describe the same CPUs', () => {
    const { mask, list } = statusPair(fs.readFileSync('/proc/self/status', 'utf8'));
    const fromMask = parseKernelMask(mask).value!;
    expect(fromMask).toEqual(parseCpulist(list).value);
    expect(formatCpulist(fromMask)).toBe(list);
    const nr = mask.split(',').length * 32 - (32 - ((mask.split(',')[0].length * 4) || 32));
    expect(formatKernelMask(fromMask, nr)).toBe(mask);
  });
  (hasTool('taskset') ? it : it.skip)('a process restricted with taskset -c 0', () => {
    const out = spawnSync('taskset', ['-c', '0', 'cat', '/proc/self/status'], { encoding: 'utf8' });
    const { mask, list } = statusPair(out.stdout);
    expect(list).toBe('0');
    expect(parseKernelMask(mask).value).toEqual([0]);
  });
});
