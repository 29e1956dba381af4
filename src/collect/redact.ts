import type { EvidenceBundle } from './evidence';

/**
 * Secrets that collected evidence can carry are masked when a bundle is collected, before it can reach a
 * snapshot, a report or a log:
 * - domain XML (files in /etc/libvirt/qemu/ and `virsh dumpxml --security-info`): graphics `passwd=`, and in
 *   `<qemu:commandline>` the secret parts of `<qemu:arg value=…>` (as for a QEMU command line, below) and the
 *   values of `<qemu:env>` whose name looks secret;
 * - libvirt's virConf files (/etc/libvirt/*.conf): `*_password` / `*_passwd` settings, quoted `"…"`, `'…'` or
 *   `"""…"""` (virConf's multi-line strings);
 * - QEMU (and other daemons') command lines from /proc/PID/cmdline: `password=`/`passwd=`, `data=` of
 *   `-object secret`, also in the JSON `-object {…}` form libvirt writes, `key=` of rbd pseudo-URLs, passwords in
 *   `scheme://user:password@` URLs, `--password=…`-style options and the argument after `--password`;
 * - Cyrus SASL configuration (/etc/sasl2/*.conf): `ldapdb_pw:`, `sql_passwd:` and other `*_pw`/`*passw*`/`*secret`
 *   keys;
 * - systemd units and drop-ins (`Environment=` assignments) and environment files (/etc/sysconfig/*,
 *   /etc/default/*): values whose variable name looks secret (PASSWORD, PASSWD, PASS, PW, SECRET, TOKEN, KEY,
 *   CREDENTIAL(S) as a word of the name, or a name ending in PASSWORD, PASSWD, SECRET or TOKEN).
 * Each masked character becomes `*` (XML entity references are kept as they are), so what the rules look at stays
 * exactly as it was: whether a password is set or empty, its length, every line and column of the file.
 */
export function redactSecrets(bundle: EvidenceBundle): void {
  for (const [path, f] of Object.entries(bundle.files)) {
    if (f.content !== undefined) f.content = maskEvidenceFile(path, f.content);
  }
  for (const [id, c] of Object.entries(bundle.commands)) {
    if (c.stdout !== undefined && id.startsWith('virsh.dumpxml')) c.stdout = maskXmlPasswords(c.stdout);
  }
}

const DOMAIN_XML_FILE = /^\/etc\/libvirt\/qemu\/[^/]+\.xml$/;
const LIBVIRT_CONF_FILE = /^\/etc\/libvirt\/[^/]+\.conf$/;
const PROC_CMDLINE = /^\/proc\/\d+\/cmdline$/;
const SASL_CONF = /^\/etc\/sasl2\/[^/]+\.conf$/;
const SYSTEMD_UNIT = /\/systemd\/(system|user)\/.+\.(service|socket|conf)$/;
const ENV_FILE = /^\/etc\/(sysconfig|default)\/[^/]+$/;

/** The masking that applies to one collected file, chosen by its path on the target. */
export function maskEvidenceFile(path: string, content: string): string {
  if (DOMAIN_XML_FILE.test(path)) return maskXmlPasswords(content);
  if (LIBVIRT_CONF_FILE.test(path)) return maskConfPasswords(content);
  if (PROC_CMDLINE.test(path)) return maskArgv(content);
  if (SASL_CONF.test(path)) return maskSaslConf(content);
  if (SYSTEMD_UNIT.test(path)) return maskUnitEnvironment(content);
  if (ENV_FILE.test(path)) return maskEnvFile(content);
  return content;
}

const stars = (s: string): string => '*'.repeat(s.length);

/** Every character but entity references (`&amp;` stays: its decoded length is 1, as the original's was). */
function maskXmlText(s: string): string {
  return s.replace(/&[^;\s&]*;|[^&]/g, (m) => (m.length > 1 ? m : '*'));
}

/**
 * Domain XML: graphics `passwd='…'` values; `<ns:arg value='…'/>` of `<qemu:commandline>` masked like one QEMU
 * argument; `<ns:env name='…' value='…'/>` values whose name looks secret.
 */
export function maskXmlPasswords(xml: string): string {
  const attr = (lead: string, dq: string | undefined, sq: string | undefined, f: (v: string) => string): string =>
    dq !== undefined ? `${lead}"${f(dq)}"` : `${lead}'${f(sq ?? '')}'`;
  let out = xml.replace(/(\spasswd\s*=\s*)(?:"([^"]*)"|'([^']*)')/g, (_m, lead: string, dq?: string, sq?: string) => attr(lead, dq, sq, maskXmlText));
  out = out.replace(/<[A-Za-z_][\w.-]*:arg\b[^>]*>/g, (el) =>
    el.replace(/(\svalue\s*=\s*)(?:"([^"]*)"|'([^']*)')/, (_m, lead: string, dq?: string, sq?: string) => attr(lead, dq, sq, (v) => maskArg(v, maskXmlText))),
  );
  out = out.replace(/<[A-Za-z_][\w.-]*:env\b[^>]*>/g, (el) => {
    const name = /\sname\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(el);
    if (!name || !isSecretName(name[1] ?? name[2])) return el;
    return el.replace(/(\svalue\s*=\s*)(?:"([^"]*)"|'([^']*)')/, (_m, lead: string, dq?: string, sq?: string) => attr(lead, dq, sq, maskXmlText));
  });
  return out;
}

/** `name_password = "…"` settings of virConf files (qemu.conf, libvirtd.conf...): `"…"`, `'…'` or `"""…"""`. */
export function maskConfPasswords(conf: string): string {
  return conf.replace(
    /^(\s*[A-Za-z0-9_]*(?:password|passwd)\s*=\s*)(?:"""([\s\S]*?)"""|"([^"\n]*)"|'([^'\n]*)')/gm,
    (_m, lead: string, tq?: string, dq?: string, sq?: string) =>
      tq !== undefined ? `${lead}"""${tq.replace(/[^\n]/g, '*')}"""` : dq !== undefined ? `${lead}"${stars(dq)}"` : `${lead}'${stars(sq ?? '')}'`,
  );
}

/** Words of a variable name that make its value a secret (DB_PASSWORD, API_TOKEN, SECRET_KEY, LDAP_PW...). */
const SECRET_WORDS = new Set(['PASSWORD', 'PASSWORDS', 'PASSWD', 'PASS', 'PASSPHRASE', 'PW', 'PWD', 'SECRET', 'SECRETS', 'TOKEN', 'TOKENS', 'KEY', 'APIKEY', 'CREDENTIAL', 'CREDENTIALS']);

export function isSecretName(name: string): boolean {
  const u = name.toUpperCase();
  if (/(PASSWORD|PASSWD|SECRET|TOKEN)$/.test(u)) return true;
  return u.split(/[^A-Z0-9]+/).some((w) => SECRET_WORDS.has(w));
}

/** QEMU option keys whose value is a secret (not `password-secret=`/`passwordid=`, which name a secret object). */
const SECRET_OPT_KEY = /^(?:[\w.-]*\.)?(password|passwd|pass|secret-data|key)$/i;

/**
 * One command-line argument: QemuOpts `k=v,k=v` (`,,` is a literal comma), a JSON object (`-object {…}`),
 * rbd pseudo-URLs (`rbd:pool/img:id=admin:key=…`), URLs with a password, `--password=…`.
 */
function maskArg(arg: string, mask: (s: string) => string = stars): string {
  let out = arg;
  if (/^\s*\{/.test(out)) {
    const isSecret = /"qom-type"\s*:\s*"secret"/.test(out);
    out = out.replace(/("([\w.-]+)"\s*:\s*")((?:[^"\\]|\\.)*)"/g, (m, lead: string, key: string, value: string) =>
      (isSecret && key === 'data') || SECRET_OPT_KEY.test(key) ? `${lead}${mask(value)}"` : m,
    );
  } else {
    // QemuOpts: split on single commas (",," escapes a comma inside a value).
    const segs = out.split(/(?<!,),(?!,)/);
    const type = segs[0];
    const isSecret = type === 'secret' || segs.some((s) => s === 'qom-type=secret');
    out = segs
      .map((s) => {
        const eq = s.indexOf('=');
        if (eq <= 0) return s;
        const key = s.slice(0, eq);
        return (isSecret && key === 'data') || SECRET_OPT_KEY.test(key) ? `${key}=${mask(s.slice(eq + 1))}` : s;
      })
      .join(',');
  }
  // rbd pseudo-filename options (`:key=…:`, `\:` escapes a colon), URL passwords, GNU-style options.
  out = out.replace(/(:key=)((?:\\.|[^:,\\])*)/g, (_m, lead: string, v: string) => lead + mask(v));
  out = out.replace(/([A-Za-z][\w+.-]*:\/\/[^/@:\s]*:)([^/@\s]*)(@)/g, (_m, a: string, p: string, b: string) => a + mask(p) + b);
  out = out.replace(/^(--?[\w-]*(?:password|passwd|secret|token)=)(.*)$/i, (m, lead: string, v: string) => (/-(file|path|id)=$/i.test(lead) ? m : lead + mask(v)));
  return out;
}

/** A NUL-separated argv (/proc/PID/cmdline): every argument masked, and the one following `--password`-like flags. */
export function maskArgv(cmdline: string): string {
  const args = cmdline.split('\0');
  return args
    .map((a, i) => {
      if (i > 0 && /^--?[\w-]*(password|passwd|secret|token)$/i.test(args[i - 1]) && !/^-/.test(a)) return stars(a);
      return maskArg(a);
    })
    .join('\0');
}

/** Cyrus SASL `key: value` lines: `ldapdb_pw`, `sql_passwd` and other password/secret keys. */
export function maskSaslConf(text: string): string {
  return text.replace(/^(\s*([A-Za-z0-9_]+)\s*:[ \t]*)(.*?)([ \t]*)$/gm, (m, lead: string, key: string, value: string, trail: string) =>
    /(_pw|passwd|password|secret)$/i.test(key) || isSecretName(key) ? lead + stars(value) + trail : m,
  );
}

/**
 * Masks the value of each `NAME=value` word whose NAME looks secret, in a run of shell/systemd words (double and
 * single quotes, backslash escapes); quotes stay, so the words keep their boundaries.
 */
function maskAssignments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ' || text[i] === '\t') {
      out += text[i++];
      continue;
    }
    if (text[i] === '#' && (i === 0 || /\s/.test(text[i - 1]))) return out + text.slice(i);
    // one word: find its end and the first unquoted/quoted '=' position
    let j = i;
    let quote: string | null = null;
    let name = '';
    let eq = -1;
    while (j < text.length && (quote !== null || (text[j] !== ' ' && text[j] !== '\t'))) {
      const c = text[j];
      if (c === '\\' && quote !== "'" && j + 1 < text.length) {
        if (eq < 0) name += text[j + 1];
        j += 2;
        continue;
      }
      if (quote === null && (c === '"' || c === "'")) quote = c;
      else if (quote !== null && c === quote) quote = null;
      else if (eq < 0 && c === '=') eq = j;
      else if (eq < 0) name += c;
      j++;
    }
    const word = text.slice(i, j);
    if (eq >= 0 && isSecretName(name)) {
      let masked = text.slice(i, eq + 1);
      let q: string | null = null;
      for (let k = eq + 1; k < j; k++) {
        const c = text[k];
        if (q === null && (c === '"' || c === "'")) q = c;
        else if (q !== null && c === q) q = null;
        else {
          masked += '*';
          continue;
        }
        masked += c;
      }
      out += masked;
    } else {
      out += word;
    }
    i = j;
  }
  return out;
}

/** systemd units and drop-ins: the assignments of `Environment=` lines; `--password=…` words of `Exec*=` lines. */
export function maskUnitEnvironment(unit: string): string {
  return unit
    .split('\n')
    .map((line) => {
      const env = /^(\s*Environment\s*=\s*)(.*)$/.exec(line);
      if (env) return env[1] + maskAssignments(env[2]);
      const exec = /^(\s*Exec[A-Za-z]*\s*=)(.*)$/.exec(line);
      if (exec) return exec[1] + exec[2].replace(/(\s|^)(--?[\w-]*(?:password|passwd|secret|token)=)(\S*)/gi, (m, sp: string, lead: string, v: string) => (/-(file|path|id)=$/i.test(lead) ? m : sp + lead + stars(v)));
      return line;
    })
    .join('\n');
}

/** Shell-style environment files (/etc/sysconfig/*, /etc/default/*): `[export] NAME=value` with a secret NAME. */
export function maskEnvFile(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const m = /^(\s*(?:export\s+)?)(.*)$/.exec(line)!;
      return /^\s*#/.test(line) ? line : m[1] + maskAssignments(m[2]);
    })
    .join('\n');
}
