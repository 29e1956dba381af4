import * as fs from 'node:fs';
import { cmdlineAll, cmdlineBool, cmdlineHugepages, cmdlineLast, cmdlineOptions, memparse, parseKernelBool, parseKernelCmdline } from '../../../src/facts/common/cmdline';

const REAL =
  'mitigations=auto,no_guest_host,no_guest_guest console=ttyS0 quiet reboot=k panic=1 cpuidle_haltpoll.force=1 haltpoll.guest_halt_poll_ns=0 rdinit=/process_api -- --firecracker-init --addr 0.0.0.0:2024\n';

describe('parseKernelCmdline', () => {
  it('splits like next_arg(), stops at --', () => {
    const c = parseKernelCmdline(REAL).value;
    expect(c.params.map((p) => p.name)).toEqual(['mitigations', 'console', 'quiet', 'reboot', 'panic', 'cpuidle_haltpoll.force', 'haltpoll.guest_halt_poll_ns', 'rdinit']);
    expect(c.init).toEqual(['--firecracker-init', '--addr', '0.0.0.0:2024']);
    expect(cmdlineLast(c, 'quiet')).toEqual({ name: 'quiet', key: 'quiet', location: { file: '/proc/cmdline', line: 1, column: 61 } });
    expect(cmdlineBool(c, 'cpuidle-haltpoll.force')).toBe(true);
    expect(cmdlineOptions(cmdlineLast(c, 'mitigations')?.value)).toEqual(['auto', 'no_guest_host', 'no_guest_guest']);
  });

  it('handles quotes the way the kernel does', () => {
    const c = parseKernelCmdline('a="x y" "b=c d" e=f"g h"i "noval" dyndbg="file foo.c +p"').value;
    expect(c.params.map((p) => [p.name, p.value])).toEqual([
      ['a', 'x y'],
      ['b', 'c d'],
      ['e', 'f"g h"i'],
      ['noval', undefined],
      ['dyndbg', 'file foo.c +p'],
    ]);
  });

  it('treats - and _ as equal in names and lets the last occurrence win', () => {
    const c = parseKernelCmdline('intel_iommu=on,sm_on kvm-arm.vgic_v4_enable=1 intel-iommu=off').value;
    expect(cmdlineAll(c, 'intel_iommu').map((p) => p.value)).toEqual(['on,sm_on', 'off']);
    expect(cmdlineLast(c, 'intel_iommu')?.value).toBe('off');
    expect(cmdlineBool(c, 'kvm_arm.vgic-v4-enable')).toBe(true);
    expect(cmdlineBool(c, 'absent')).toBeUndefined();
  });

  it('parses kernel booleans', () => {
    expect(['Y', 'y', '1', 'on', 'ON', 'yes'].map(parseKernelBool)).toEqual([true, true, true, true, true, true]);
    expect(['N', 'n', '0', 'off', 'Off'].map(parseKernelBool)).toEqual([false, false, false, false, false]);
    expect(['', 'x', 'o', '2'].map(parseKernelBool)).toEqual([undefined, undefined, undefined, undefined]);
    expect(parseKernelBool(undefined)).toBe(true);
  });

  it('pairs hugepagesz= and hugepages= in order', () => {
    const c = parseKernelCmdline('hugepages=16 default_hugepagesz=1G hugepagesz=1G hugepages=4 hugepagesz=2M hugepages=512 hugepages=x').value;
    const h = cmdlineHugepages(c);
    expect(h.value.defaultSizeKiB).toBe(1048576);
    expect(h.value.pools.map((p) => [p.sizeKiB, p.count])).toEqual([
      [undefined, 16],
      [1048576, 4],
      [2048, 512],
    ]);
    expect(h.problems.map((p) => p.code)).toEqual(['cmdline.bad-count']);
    expect(memparse('64k')).toBe(65536);
    expect(memparse('0x10')).toBe(16);
    expect(memparse('2Q')).toBeUndefined();
  });

  it('survives odd input', () => {
    for (const t of ['', '   ', '"', '"=', 'a="', '=x', '-- --', '\0\0', 'a'.repeat(10000)]) expect(() => parseKernelCmdline(t)).not.toThrow();
    expect(parseKernelCmdline('=x').value.params[0]).toEqual({ name: '=x', key: '=x', location: { file: '/proc/cmdline', line: 1, column: 1 } });
    expect(parseKernelCmdline('"abc').problems[0].code).toBe('cmdline.unterminated-quote');
  });

  (fs.existsSync('/proc/cmdline') ? it : it.skip)("parses this machine's /proc/cmdline without problems", () => {
    const text = fs.readFileSync('/proc/cmdline', 'utf8');
    const r = parseKernelCmdline(text);
    expect(r.problems).toEqual([]);
    const words = text.trim().split(/\s+/).filter(Boolean);
    const dashes = words.indexOf('--');
    if (!text.includes('"')) expect(r.value.params.length).toBe(dashes === -1 ? words.length : dashes);
  });
});
