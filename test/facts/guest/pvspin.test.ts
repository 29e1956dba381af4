import { parsePvSpinDmesg, parseKernelConfig, paravirtSpinlocksConfig } from '../../../src/facts/guest/pvspin';

/** Real dmesg lines of an x86 KVM guest (Linux 6.x). */
const X86_REAL = `[    0.096016] kvm-guest: PV spinlocks enabled
[    0.096024] PV qspinlock hash table entries: 256 (order: 0, 4096 bytes, linear)
[    0.407715] cpuidle: using governor haltpoll
`;

describe('parsePvSpinDmesg', () => {
  it('x86 enabled (and does not mistake the qspinlock hash-table line for anything)', () => {
    const r = parsePvSpinDmesg(X86_REAL, 'dmesg');
    expect(r.value).toEqual({
      state: 'enabled',
      arch: 'x86',
      location: { file: 'dmesg', line: 1, column: 16 },
      lines: [{ arch: 'x86', state: 'enabled', text: '[    0.096016] kvm-guest: PV spinlocks enabled', location: { file: 'dmesg', line: 1, column: 16 } }],
    });
  });

  it('x86 disabled variants with reasons; the last line wins', () => {
    const t = [
      '[    0.1] kvm-guest: PV spinlocks disabled, no host support',
      'kvm-guest: PV spinlocks disabled, single CPU.',
      'Jan 01 host kernel: kvm-guest: PV spinlocks disabled with KVM_HINTS_REALTIME hints',
      '[    0.2] kvm-guest: PV spinlocks disabled, forced by "nopvspin" parameter',
    ].join('\n');
    const r = parsePvSpinDmesg(t, 'd');
    expect(r.value.lines.map((l) => l.reason)).toEqual(['no host support', 'single CPU', 'with KVM_HINTS_REALTIME hints', 'forced by "nopvspin" parameter']);
    expect(r.value).toMatchObject({ state: 'disabled', reason: 'forced by "nopvspin" parameter', location: { line: 4 } });
  });

  it("arm64 openEuler line, also as flattened in the guide", () => {
    const r = parsePvSpinDmesg('[ 0.000000] arm-pv: PV qspinlocks enabledPV-qspinlock is supported only when', 'd');
    expect(r.value).toMatchObject({ state: 'enabled', arch: 'arm64', location: { line: 1, column: 13 } });
    expect(parsePvSpinDmesg('nothing here\n', 'd').value).toEqual({ lines: [] });
  });
});

describe('kernel config', () => {
  it('reads =y, is-not-set and quoted strings; last wins; absent is undefined', () => {
    const t = '#\n# Automatically generated file\nCONFIG_PARAVIRT=y\n# CONFIG_PARAVIRT_SPINLOCKS is not set\nCONFIG_LOCALVERSION="-x \\"y\\""\nCONFIG_PARAVIRT_SPINLOCKS=y\ngarbage\n';
    const r = parseKernelConfig(t, '/boot/config-6.1');
    expect(r.value.CONFIG_LOCALVERSION.value).toBe('-x "y"');
    expect(r.problems.map((p) => [p.code, p.location?.line])).toEqual([['kconfig.unrecognized-line', 7]]);
    expect(paravirtSpinlocksConfig(t, 'c').value).toEqual({ value: 'y', location: { file: 'c', line: 6, column: 1 } });
    expect(paravirtSpinlocksConfig('# CONFIG_PARAVIRT_SPINLOCKS is not set\n', 'c').value?.value).toBe('n');
    expect(paravirtSpinlocksConfig('CONFIG_X=y\n', 'c').value).toBeUndefined();
  });
});
