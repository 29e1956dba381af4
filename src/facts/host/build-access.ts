import type { EvidenceBundle } from '../../collect/evidence';
import type { AccessFacts } from './model-access';
import { buildDaemons, buildGroups, buildRemote, buildTls, buildUnixSockets } from './access/daemons';
import { buildLsm, buildProcesses, buildSelinux } from './access/lsm';
import { buildQemuConf } from './access/qemu';
import { buildSasl } from './access/sasl';
import { buildSwtpm } from './access/swtpm';

/**
 * Builds the access-control half of HostFacts; records unknown fact paths (with reasons) in `unknown`.
 * The evidence it reads is listed in model-access.ts.
 */
export function buildAccessFacts(bundle: EvidenceBundle, unknown: Record<string, string>): AccessFacts {
  const processes = buildProcesses(bundle, unknown);
  const running = processes ? [...new Set(processes.filter((p) => ['libvirtd', 'virtqemud', 'virtproxyd'].includes(p.comm)).map((p) => p.comm))] : null;
  const ctx = buildDaemons(bundle, unknown, running);
  const groups = buildGroups(bundle, unknown);
  const remote = buildRemote(bundle, ctx, unknown);
  const cfg = (d: string) => ctx.configs.get(d as never)?.facts ?? null;
  return {
    daemons: ctx.daemons,
    daemonConfigs: [...ctx.configs.values()].map((c) => c.facts),
    libvirtd: cfg('libvirtd'),
    virtproxyd: cfg('virtproxyd'),
    virtqemud: cfg('virtqemud'),
    remote,
    tls: buildTls(bundle, remote, unknown),
    unixSockets: buildUnixSockets(ctx, groups, unknown),
    sasl: buildSasl(bundle, remote, unknown),
    qemuConf: buildQemuConf(bundle, unknown),
    selinux: buildSelinux(bundle, unknown),
    lsm: buildLsm(bundle, unknown),
    processes,
    groups,
    swtpm: buildSwtpm(bundle, processes, unknown),
  };
}
