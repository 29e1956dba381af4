import { parseCpuidle, kernelBool, HALTPOLL_PARAM_DIR, CPUIDLE_DIR } from '../../../src/facts/guest/cpuidle';

/** Real values from a Firecracker/KVM x86 guest booted with `cpuidle_haltpoll.force=1 haltpoll.guest_halt_poll_ns=0`. */
const REAL: Record<string, string> = {
  [`${CPUIDLE_DIR}/current_driver`]: 'haltpoll\n',
  [`${HALTPOLL_PARAM_DIR}/guest_halt_poll_allow_shrink`]: 'Y\n',
  [`${HALTPOLL_PARAM_DIR}/guest_halt_poll_grow`]: '2\n',
  [`${HALTPOLL_PARAM_DIR}/guest_halt_poll_grow_start`]: '50000\n',
  [`${HALTPOLL_PARAM_DIR}/guest_halt_poll_ns`]: '0\n',
  [`${HALTPOLL_PARAM_DIR}/guest_halt_poll_shrink`]: '2\n',
};

describe('parseCpuidle', () => {
  it('reads the driver and parameters and reports deviations from the kernel defaults', () => {
    const r = parseCpuidle(REAL, { 'cpuidle_haltpoll.force': '1', 'haltpoll.guest_halt_poll_ns': '0' });
    expect(r.problems).toEqual([]);
    expect(r.value).toEqual({
      currentDriver: 'haltpoll',
      haltpollLoaded: true,
      params: { guest_halt_poll_ns: 0, guest_halt_poll_shrink: 2, guest_halt_poll_grow: 2, guest_halt_poll_grow_start: 50000, guest_halt_poll_allow_shrink: true },
      deviations: [{ param: 'guest_halt_poll_ns', value: 0, default: 200000, location: { file: `${HALTPOLL_PARAM_DIR}/guest_halt_poll_ns`, line: 1, column: 1 } }],
      pollingDisabled: true,
      growStartAboveMax: true,
      cmdlineForce: true,
    });
  });

  it('defaults produce no deviation; absent files are unknown; bad values are problems', () => {
    const d = parseCpuidle({ ...REAL, [`${HALTPOLL_PARAM_DIR}/guest_halt_poll_ns`]: '200000', [`${HALTPOLL_PARAM_DIR}/guest_halt_poll_allow_shrink`]: 'N' });
    expect(d.value.deviations.map((x) => x.param)).toEqual(['guest_halt_poll_allow_shrink']);
    expect(d.value.growStartAboveMax).toBe(false);
    const none = parseCpuidle({ [`${CPUIDLE_DIR}/current_driver`]: 'none\n' });
    expect(none.value).toEqual({ currentDriver: 'none', haltpollLoaded: false, params: {}, deviations: [] });
    const bad = parseCpuidle({ [`${HALTPOLL_PARAM_DIR}/guest_halt_poll_ns`]: '-1\n', [`${HALTPOLL_PARAM_DIR}/guest_halt_poll_allow_shrink`]: 'maybe' });
    expect(bad.problems.map((p) => p.code)).toEqual(['cpuidle.invalid-value', 'cpuidle.invalid-value']);
  });

  it('kernel booleans: Y/y/1/on true, N/n/0/off false, bare parameter true', () => {
    expect(['Y', 'y', '1', 'on', ''].map(kernelBool)).toEqual([true, true, true, true, true]);
    expect(['N', 'n', '0', 'off'].map(kernelBool)).toEqual([false, false, false, false]);
    expect(kernelBool('x')).toBeUndefined();
    expect(parseCpuidle({}, { 'cpuidle_haltpoll.force': 'Y', 'haltpoll.enable': 'N' }).value).toMatchObject({ cmdlineForce: true, cmdlineHaltpollEnable: false });
  });
});
