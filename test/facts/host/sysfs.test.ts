import * as fs from 'node:fs';
import { parseMeminfo, parseSelectedValue, parseSysfsBool, parseSysfsInt } from '../../../src/facts/host/sysfs';

const THP = '/sys/kernel/mm/transparent_hugepage/enabled';

describe('sysfs value files', () => {
  it('takes the bracketed token', () => {
    expect(parseSelectedValue('always [madvise] never\n', THP).value).toEqual({ selected: 'madvise', options: ['always', 'madvise', 'never'] });
    expect(parseSelectedValue('[always] madvise never', THP).value.selected).toBe('always');
    expect(parseSelectedValue('always defer defer+madvise [madvise] never\n', 'defrag').value.selected).toBe('madvise');
    expect(parseSelectedValue('[mq-deadline] kyber none', 'scheduler').value.selected).toBe('mq-deadline');
    const bad = parseSelectedValue('always madvise never', THP);
    expect(bad.value.selected).toBeUndefined();
    expect(bad.problems[0]).toMatchObject({ code: 'sysfs.no-selection', location: { file: THP, line: 1 } });
  });
  it('reads integers and Y/N', () => {
    expect(parseSysfsInt('200000\n', 'halt_poll_ns').value).toBe(200000);
    expect(parseSysfsInt('-1\n', 'numa_node').value).toBe(-1);
    expect(parseSysfsInt('', 'x').value).toBeUndefined();
    expect(parseSysfsInt('99999999999999999999', 'x').problems[0].code).toBe('sysfs.not-an-integer');
    expect(parseSysfsBool('Y\n', 'x').value).toBe(true);
    expect(parseSysfsBool('N\n', 'x').value).toBe(false);
    expect(parseSysfsBool('maybe', 'x').value).toBeUndefined();
  });
  (fs.existsSync(THP) ? it : it.skip)('reads the real THP file', () => {
    const r = parseSelectedValue(fs.readFileSync(THP, 'utf8'), THP);
    expect(r.problems).toEqual([]);
    expect(['always', 'madvise', 'never']).toContain(r.value.selected);
  });
});

describe('/proc/meminfo', () => {
  it('keeps counts and kB apart', () => {
    const r = parseMeminfo('MemTotal:       16367412 kB\nHugePages_Total:      48\nHugePages_Free:       40\nHugePages_Rsvd:        2\nHugePages_Surp:        0\nHugepagesize:    1048576 kB\nHugetlb:        50331648 kB\nActive(anon):     1234 kB\n');
    expect(r.problems).toEqual([]);
    expect(r.value.hugepages).toEqual({ total: 48, free: 40, rsvd: 2, surp: 0, pageSizeKiB: 1048576, hugetlbKiB: 50331648 });
    expect(r.value.fields.HugePages_Total).toEqual({ value: 48, location: { file: '/proc/meminfo', line: 2, column: 1 } });
    expect(r.value.fields.MemTotal.unit).toBe('kB');
    expect(r.value.fields['Active(anon)'].value).toBe(1234);
    expect(parseMeminfo('garbage\n').problems[0].code).toBe('meminfo.bad-line');
  });
  (fs.existsSync('/proc/meminfo') ? it : it.skip)('parses the real /proc/meminfo', () => {
    const r = parseMeminfo(fs.readFileSync('/proc/meminfo', 'utf8'));
    expect(r.problems).toEqual([]);
    expect(r.value.fields.MemTotal.value).toBeGreaterThan(0);
    expect(r.value.hugepages.pageSizeKiB).toBeGreaterThan(0);
  });
});
