/**
 * SASL facts: `/etc/sasl2/libvirt.conf` (Cyrus SASL 2.1.28 rules, see ../sasl.ts), the sasldb stat and its users
 * (`sasldblistusers2 -f <sasldb>`), the GSSAPI keytab stat and the installed mechanism plugins.
 * No libvirt.conf = Cyrus defaults: every installed plugin is offered, sasldb `/etc/sasldb2`, keytab `/etc/krb5.keytab`.
 */
import { commandOf, fileOf, type EvidenceBundle } from '../../../collect/evidence';
import { parseSaslConf, parseSasldbList } from '../sasl';
import type { RemoteFacts, SaslFacts } from '../model-access';
import { at, commandFile, commandReason, fileReason, okText } from '../../common/evidence';
import { problemFact, statOf, unreadable } from './common';

export const SASL_CONF = '/etc/sasl2/libvirt.conf';
export const DEFAULT_SASLDB = '/etc/sasldb2';
export const DEFAULT_KEYTAB = '/etc/krb5.keytab';

/** Directories Cyrus loads plugins from on the distributions we know. */
export const SASL_PLUGIN_DIRS = [
  '/usr/lib/sasl2',
  '/usr/lib64/sasl2',
  '/usr/lib/x86_64-linux-gnu/sasl2',
  '/usr/lib/aarch64-linux-gnu/sasl2',
  '/usr/lib/riscv64-linux-gnu/sasl2',
  '/usr/lib/powerpc64le-linux-gnu/sasl2',
  '/usr/lib/s390x-linux-gnu/sasl2',
];

/** Plugin library base name → mechanisms it provides (Cyrus 2.1.28). */
const PLUGIN_MECHS: Record<string, string[]> = {
  anonymous: ['ANONYMOUS'],
  crammd5: ['CRAM-MD5'],
  digestmd5: ['DIGEST-MD5'],
  gssapiv2: ['GSSAPI', 'GSS-SPNEGO'],
  gs2: ['GS2-KRB5', 'GS2-IAKERB'],
  login: ['LOGIN'],
  ntlm: ['NTLM'],
  plain: ['PLAIN'],
  scram: ['SCRAM-SHA-1', 'SCRAM-SHA-224', 'SCRAM-SHA-256', 'SCRAM-SHA-384', 'SCRAM-SHA-512'],
  otp: ['OTP'],
  srp: ['SRP'],
  external: ['EXTERNAL'],
};

function plugins(b: EvidenceBundle): string[] | null {
  let seen = false;
  const mechs = new Set<string>();
  for (const dir of SASL_PLUGIN_DIRS) {
    const d = b.dirs[dir];
    if (!d || d.state !== 'ok') continue;
    seen = true;
    for (const e of d.entries ?? []) {
      const m = /^lib([a-z0-9]+)\.so/.exec(e);
      for (const mech of (m && PLUGIN_MECHS[m[1]]) ?? []) mechs.add(mech);
    }
  }
  return seen ? [...mechs].sort() : null;
}

export function buildSasl(b: EvidenceBundle, remote: RemoteFacts | null, unknown: Record<string, string>): SaslFacts | null {
  const f = fileOf(b, SASL_CONF);
  if (f.state !== 'missing' && okText(f) === undefined) {
    unknown['host.sasl'] = fileReason(f, b.privileged);
    return null;
  }
  const present = f.state !== 'missing';
  const parsed = parseSaslConf(okText(f) ?? '', SASL_CONF);
  const conf = parsed.value;
  const ml = conf.mechList;
  const mlEntry = conf.entries.mech_list;
  const mechList: SaslFacts['mechList'] =
    ml && mlEntry
      ? {
          value: mlEntry.value,
          tokens: ml.tokens.map((t, i) => {
            const info = t.mech;
            return {
              token: t.token,
              mech: info ? info.name : null,
              ssf: info?.ssf ?? false,
              cleartext: info?.cleartext ?? false,
              anonymous: info?.anonymous ?? false,
              obsolete: info?.obsolete ?? false,
              loc: t.location,
              key: `sasl:mech_list[${i}]`,
            };
          }),
          mechs: ml.mechs,
          anySsf: ml.anySsf,
          loc: mlEntry.valueLocation,
          key: 'sasl:mech_list',
        }
      : null;
  const pathSetting = (k: string, dflt: string) => {
    const e = conf.entries[k];
    return e ? { value: e.value, explicit: true, loc: e.valueLocation, key: `sasl:${k}` } : { value: dflt, explicit: false, loc: at(SASL_CONF), key: `sasl:${k}` };
  };
  const sasldbPath = pathSetting('sasldb_path', DEFAULT_SASLDB);
  const keytabPath = pathSetting('keytab', DEFAULT_KEYTAB);
  const dbFile = fileOf(b, sasldbPath.value);
  if (unreadable(dbFile) && dbFile.mode === undefined) unknown['host.sasl.sasldb'] = fileReason(dbFile, b.privileged);
  const ktFile = fileOf(b, keytabPath.value);
  if (unreadable(ktFile) && ktFile.mode === undefined) unknown['host.sasl.keytab'] = fileReason(ktFile, b.privileged);

  // Users: no database means no users; otherwise sasldblistusers2 must have listed it.
  let users: SaslFacts['users'] = null;
  const cmd = commandOf(b, 'sasldblistusers2');
  const what = `sasldblistusers2 -f ${sasldbPath.value}`;
  if (dbFile.state === 'missing') users = [];
  else if (cmd.state !== 'ok') unknown['host.sasl.users'] = commandReason(cmd, what, b.privileged);
  else {
    const r = parseSasldbList(cmd, commandFile('sasldblistusers2'));
    if (r.value.state === 'error') {
      const why = r.value.error ?? 'listusers failed';
      unknown['host.sasl.users'] = `${what}: ${why}${!b.privileged ? ' (the check needs root; the scan ran unprivileged)' : ''}`;
    } else users = r.value.users.map((u) => ({ user: u.user, realm: u.realm, id: u.id, loc: u.location, key: `sasl-user:${u.id}` }));
  }
  return {
    file: SASL_CONF,
    present,
    ok: conf.ok,
    mechList,
    problems: parsed.problems.map((p) => problemFact(p, SASL_CONF)),
    sasldbPath,
    sasldb: statOf(b, sasldbPath.value, 'sasldb'),
    keytabPath,
    keytab: statOf(b, keytabPath.value, 'keytab'),
    plugins: plugins(b),
    users,
    allowedUsernames: remote?.config?.settings.sasl_allowed_username_list ?? null,
    loc: at(SASL_CONF),
    key: 'sasl',
  };
}
