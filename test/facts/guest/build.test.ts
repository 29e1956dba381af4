import { buildGuestFacts, guestFactsFromAgentInfo } from '../../../src/facts/guest/build';
import { bundleFromCase } from '../../../src/engine/testing/evidence-case';
import { ScanAccumulator } from '../../../src/engine/scan';
import { scanGuestAgentInfo } from '../../../src/engine/scan-guest';

const V = { 'qemu-ga.version': { stdout: 'QEMU Guest Agent 7.2.22\n' } };

describe('buildGuestFacts', () => {
  it('records why each area is unknown instead of guessing', () => {
    const { guest, unknown } = buildGuestFacts(
      bundleFromCase('guest', {
        commands: { ...V, dmesg: { exitCode: 1, stderr: 'dmesg: read kernel buffer failed: Operation not permitted\n' }, 'uname.machine': { state: 'not-applicable' } },
        files: { '/usr/lib/systemd/system/qemu-guest-agent.service': '[Service]\nExecStart=/usr/bin/qemu-ga\n', '/etc/qemu/qemu-ga.conf': { state: 'denied' } },
        dirs: { '/sys/class/tpm': { state: 'denied' } },
      }),
    );
    expect(unknown).toEqual({
      'guest.arch': 'uname -m: not available for an offline root or snapshot',
      'guest.cmdline': '/proc/cmdline: does not exist',
      'guest.qga': '/etc/qemu/qemu-ga.conf: permission denied',
      'guest.tpm': '/sys/class/tpm: permission denied',
      'guest.cpuidle': '/sys/devices/system/cpu/cpuidle/current_driver: does not exist',
      'guest.pvspin': 'dmesg: exited with status 1 (dmesg: read kernel buffer failed: Operation not permitted)',
      'guest.topology': '/sys/devices/system/cpu/online: does not exist',
    });
    expect(guest.tpm).toBeNull();
    expect(guest.numa).toEqual({ nodes: [], devices: [], loc: { file: '/sys/devices/system/node/online', line: 1, column: 1 }, key: 'numa' });
  });

  it('an absent qemu-ga is a known fact (installed: false), not an unknown one', () => {
    const { guest, unknown } = buildGuestFacts(bundleFromCase('guest', {}));
    expect(guest.qga).toMatchObject({ installed: false, enabled: [], listDefects: [], files: [] });
    expect(unknown['guest.qga']).toBeUndefined();
  });

  it('follows QGA_CONF from Environment= and drop-ins that replace ExecStart=', () => {
    const { guest } = buildGuestFacts(
      bundleFromCase('guest', {
        commands: V,
        dirs: { '/etc/systemd/system/qemu-guest-agent.service.d': ['10-conf.conf'] },
        files: {
          '/usr/lib/systemd/system/qemu-guest-agent.service': '[Service]\nExecStart=/usr/bin/qemu-ga --blacklist=guest-exec\n',
          '/etc/systemd/system/qemu-guest-agent.service.d/10-conf.conf': '[Service]\nEnvironment=QGA_CONF=/etc/qga-local.conf\nExecStart=\nExecStart=/usr/bin/qemu-ga\n',
          '/etc/qga-local.conf': '[general]\nblock-rpcs=guest-file-open,guest-file-read\n',
        },
      }),
    );
    const q = guest.qga!;
    expect(q.source).toBe('unit');
    expect(q.unit?.dropins).toEqual(['/etc/systemd/system/qemu-guest-agent.service.d/10-conf.conf']);
    expect(q.argv).toEqual(['/usr/bin/qemu-ga']);
    expect(q.config).toMatchObject({ path: '/etc/qga-local.conf', found: true });
    expect(q.blocked).toEqual(['guest-file-open', 'guest-file-read']);
    expect(q.fixAt).toMatchObject({ kind: 'config', mode: 'block', prefix: 'block-rpcs=', names: ['guest-file-open', 'guest-file-read'], loc: { file: '/etc/qga-local.conf', line: 2 } });
    expect(q.files.map((f) => f.path)).toEqual(['/usr/lib/systemd/system/qemu-guest-agent.service', '/etc/systemd/system/qemu-guest-agent.service.d/10-conf.conf', '/etc/qga-local.conf']);
  });

  it('uses the RPC list of the installed agent (qemu-ga -b ?) and flags names it does not know', () => {
    const { guest } = buildGuestFacts(
      bundleFromCase('guest', {
        commands: { ...V, 'qemu-ga.rpcs': { stdout: 'guest-sync\nguest-ping\nguest-exec\nguest-file-open\n' } },
        files: { '/usr/lib/systemd/system/qemu-guest-agent.service': '[Service]\nExecStart=/usr/bin/qemu-ga -b guest-exec,guest-get-cpustats\n' },
      }),
    );
    expect(guest.qga!.enabled).toEqual(['guest-sync', 'guest-ping', 'guest-file-open']);
    expect(guest.qga!.blockList.map((i) => [i.name, i.known])).toEqual([
      ['guest-exec', true],
      ['guest-get-cpustats', false],
    ]);
  });

  it('reads TPM PCRs from sysfs when tpm2-tools is absent, and marks a stale running agent', () => {
    const { guest } = buildGuestFacts(
      bundleFromCase('guest', {
        commands: { ...V, 'qemu-ga.pids': { stdout: '99\n' } },
        dirs: { '/sys/class/tpm': ['tpm0'] },
        files: {
          '/sys/class/tpm/tpm0/pcr-sha1/0': 'B2A83B0EBF2F8374299A5B2BDFC31EA955AD7236\n',
          '/usr/lib/systemd/system/qemu-guest-agent.service': '[Service]\nExecStart=/usr/bin/qemu-ga -b guest-exec\n',
          '/proc/99/cmdline': '/usr/bin/qemu-ga\0',
        },
      }),
    );
    expect(guest.tpm).toMatchObject({ present: true, toolsInstalled: false, pcrs: { source: 'sysfs', bank: 'sha1', sha1Only: true, hasSha256: false } });
    expect(guest.tpm!.pcrs!.entries[0]).toMatchObject({ bank: 'sha1', id: '0', class: 'separator-only', loc: { file: '/sys/class/tpm/tpm0/pcr-sha1/0', line: 1 } });
    expect(guest.qga).toMatchObject({ source: 'process', running: true, pid: 99, stale: true });
    expect(guest.qga!.enabled).toContain('guest-exec');
  });
});

describe('host side: guest-info replies', () => {
  const reply = JSON.stringify({
    return: {
      version: '7.2.22',
      supported_commands: [
        { enabled: true, name: 'guest-exec', 'success-response': true },
        { enabled: false, name: 'guest-file-open', 'success-response': true },
        { enabled: false, name: 'guest-get-devices', 'success-response': true },
        { enabled: true, name: 'guest-ping', 'success-response': true },
      ],
    },
  });

  it('separates admin blocks from platform-unsupported commands; in-guest facts are unknown', () => {
    const { guest, unknown } = guestFactsFromAgentInfo('vm01', reply);
    expect(guest).toMatchObject({ name: 'vm01', via: 'agent', qga: { source: 'guest-info', version: '7.2.22', enabled: ['guest-exec', 'guest-ping'], blocked: ['guest-file-open'], platformUnsupported: ['guest-get-devices'] } });
    expect(guest.qga!.rpcs['guest-get-devices']).toEqual({ enabled: false, reason: 'platform-unsupported', loc: null });
    expect(Object.keys(unknown)).toContain('guest.tpm');
    expect(Object.keys(unknown)).toContain('guest.qga.files');
  });

  it('an error reply makes qemu-ga unknown; no channel / no answer are target errors', () => {
    const e = guestFactsFromAgentInfo('vm02', '{"error": {"class": "CommandNotFound", "desc": "Command guest-info has been disabled"}}');
    expect(e.guest.qga).toBeNull();
    expect(e.unknown['guest.qga']).toContain('CommandNotFound');
    const acc = new ScanAccumulator([]);
    scanGuestAgentInfo(acc, 'vm03', { noChannel: true });
    scanGuestAgentInfo(acc, 'vm04', { error: 'error: Guest agent is not responding: QEMU guest agent is not connected' });
    expect(acc.result().errors.map((x) => [x.target.name, x.kind])).toEqual([
      ['vm03', 'no-agent-channel'],
      ['vm04', 'agent-unresponsive'],
    ]);
  });
});
