import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, runCli } from '../helpers/cli';
import { reportValidator, schemaErrors } from '../report/validators';

/**
 * Issue 10, Tests: "every finding on the fixture hosts: its fix names the same file/element as its location". Through
 * the real CLI's JSON report (findings[].fix), for every fixture host (with its meta overlay, as hosts.test.ts) and
 * every fixture domain file:
 *  - a host fix writes the file of its finding's location; a drop-in overrides that very unit
 *    (/etc/systemd/system/<unit file's name>.d/); a kernel parameter read from /proc/cmdline is written to
 *    /etc/default/grub; a sysfs value is written to the sysfs file flagged;
 *  - a domain edit is in the location's file and starts inside the element the location points at (at or after
 *    its start tag, before its end), so it changes that element and nothing before it.
 */
interface JsonFinding {
  ruleId: string;
  subject: string;
  location: { file: string; line: number; column: number } | null;
  fix: { kind: string; status: string; file?: string | null; edit: { file: string; charOffset: number; startLine: number } | null } | null;
}
const HOSTS = fs
  .readdirSync(path.join(REPO_ROOT, 'fixtures', 'hosts'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
const DOMAINS = fs
  .readdirSync(path.join(REPO_ROOT, 'fixtures', 'domains'))
  .filter((f) => f.endsWith('.xml'))
  .sort();

const offsetOf = (text: string, line: number, column: number) => text.split('\n').slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;

function hostMismatch(f: JsonFinding): string | undefined {
  const fix = f.fix!;
  const loc = f.location!.file;
  const want =
    fix.kind === 'systemd-dropin' ? `/etc/systemd/system/${path.basename(loc)}.d/vmaudit-${f.ruleId}.conf` : fix.kind === 'kernel-cmdline' && loc === '/proc/cmdline' ? '/etc/default/grub' : loc;
  // A rule located at the daemon's setting (auth_unix_rw in libvirtd.conf) may fix the mode of that daemon's socket.
  const daemon = /^\/etc\/libvirt\/(\w+)\.conf$/.exec(loc)?.[1];
  if (fix.kind === 'systemd-dropin' && daemon && new RegExp(`^/etc/systemd/system/${daemon}(-\\w+)?\\.socket\\.d/vmaudit-${f.ruleId}\\.conf$`).test(fix.file ?? '')) return undefined;
  return fix.file === want ? undefined : `${f.ruleId} ${loc}:${f.location!.line}: the fix writes ${fix.file}, not ${want}`;
}

describe('every fix names the file/element of its finding', () => {
  let hostFindings: JsonFinding[] = [];
  let domainFindings: JsonFinding[] = [];
  beforeAll(async () => {
    const runs = await Promise.all(
      HOSTS.map((h) => runCli(['scan', 'host', '--root', `fixtures/hosts/${h}`, '-f', 'json', '--fail-on', 'none'], { env: { VMAUDIT_FIXTURE_META: `fixtures/hosts/${h}.meta.json`, VMAUDIT_WORKERS: undefined } })),
    );
    const reports = runs.map((r) => JSON.parse(r.stdout) as { findings: JsonFinding[] });
    for (const rep of reports) expect(schemaErrors(reportValidator(), rep)).toEqual([]);
    hostFindings = reports.flatMap((r) => r.findings);
    const d = await runCli(['scan', 'domain', ...DOMAINS.map((f) => `fixtures/domains/${f}`), '-f', 'json', '--fail-on', 'none']);
    const rep = JSON.parse(d.stdout) as { findings: JsonFinding[] };
    expect(schemaErrors(reportValidator(), rep)).toEqual([]);
    domainFindings = rep.findings;
  }, 180_000);

  it('host fixes: the file of the location (drop-in of that unit, /etc/default/grub for /proc/cmdline)', () => {
    const host = hostFindings.filter((f) => f.fix?.status === 'host' || (f.fix && ['conf-set', 'file-mode', 'sysfs-write', 'systemd-dropin', 'kernel-cmdline'].includes(f.fix.kind)));
    expect(new Set(host.map((f) => f.ruleId)).size).toBeGreaterThanOrEqual(8);
    expect(host.map(hostMismatch).filter((x) => x)).toEqual([]);
  });

  it('domain edits: in the location\'s file, inside the located element', () => {
    const withEdit = domainFindings.filter((f) => f.fix?.edit);
    expect(withEdit.length).toBeGreaterThanOrEqual(2);
    const bad: string[] = [];
    for (const f of withEdit) {
      const e = f.fix!.edit!;
      if (e.file !== f.location!.file) bad.push(`${f.ruleId}: edit in ${e.file}, location in ${f.location!.file}`);
      const text = fs.readFileSync(path.join(REPO_ROOT, e.file), 'utf8');
      const at = offsetOf(text, f.location!.line, f.location!.column);
      const name = /^<([\w:.-]+)/.exec(text.slice(at))?.[1];
      if (!name) bad.push(`${f.ruleId} ${f.subject}: no element at ${f.location!.line}:${f.location!.column}`);
      // The element's end: its self-closing tag or the matching end tag (fixtures do not nest same-name elements there).
      const selfClose = /^<[^>]*\/>/.exec(text.slice(at));
      const end = selfClose ? at + selfClose[0].length : text.indexOf(`</${name}>`, at) + `</${name}>`.length;
      if (e.charOffset < at || e.charOffset > end) bad.push(`${f.ruleId} ${f.subject}: edit at ${e.charOffset} outside <${name}> [${at}, ${end}]`);
    }
    expect(bad).toEqual([]);
  });

  it('every fix of a domain finding is an edit, a conflict, a choice or a named reason; never silently missing', () => {
    for (const f of domainFindings.filter((x) => x.fix)) expect(['edit', 'conflict', 'choice', 'not-computed']).toContain(f.fix!.status);
    expect(domainFindings.filter((x) => x.fix?.status === 'not-computed')).toEqual([]);
  });
});
