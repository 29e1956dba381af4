import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, runCli, type CliRun } from '../helpers/cli';

/**
 * CLI conventions (issue 12), through the real CLI (./bin/run.js): -h and `help CMD` give the same help as --help;
 * enum values are case-insensitive everywhere; a repeatable flag never swallows the arguments after it.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-conv-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const cli = (args: string[]): Promise<CliRun> => runCli(args);

// A domain with a critical finding (a QEMU gdb stub) and one with nothing above info: gates that differ by level.
const CRIT = path.join(tmp, 'crit.xml');
fs.writeFileSync(
  CRIT,
  "<domain type='kvm'>\n  <name>crit</name>\n  <memory>1048576</memory>\n  <os><type>hvm</type></os>\n  <seclabel type='dynamic' model='selinux' relabel='yes'/>\n" +
    "  <qemu:commandline xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n    <qemu:arg value='-gdb'/>\n    <qemu:arg value='tcp::1234'/>\n  </qemu:commandline>\n</domain>\n",
);

describe('help: -h, --help and help CMD', () => {
  it('the root help is the same for -h, --help, help and no arguments, and lists the help command', async () => {
    const [h, long, word, none] = await Promise.all([cli(['-h']), cli(['--help']), cli(['help']), cli([])]);
    for (const r of [h, long, word, none]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(long.stdout);
    }
    expect(long.stdout).toMatch(/^USAGE\n {2}\$ vmaudit \[COMMAND\]$/m);
    expect(long.stdout).toMatch(/^ {2}help +Show help for vmaudit, a topic or a command$/m);
  });

  it.each([
    [['scan', 'host'], 'Audit a KVM host'],
    [['scan', 'domain'], 'Audit libvirt domain XML files'],
    [['rules', 'list'], 'List every rule'],
    [['collect'], 'Collect evidence'],
  ])('help %j = %j -h = --help (the command help, exit 0)', async (words, summary) => {
    const [viaHelp, short, long] = await Promise.all([cli(['help', ...words]), cli([...words, '-h']), cli([...words, '--help'])]);
    expect(long.code).toBe(0);
    expect(long.stdout.startsWith(summary)).toBe(true);
    expect(long.stdout).toContain(`USAGE\n  $ vmaudit ${words.join(' ')}`);
    for (const r of [viaHelp, short]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(long.stdout);
    }
  });

  it('-h anywhere among the flags shows the help instead of running the command', async () => {
    const r = await cli(['scan', 'domain', CRIT, '-f', 'json', '-h']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('USAGE\n  $ vmaudit scan domain FILES...');
    expect(r.stdout).not.toContain('"findings"');
  });

  it('help TOPIC lists the topic\'s commands, as `vmaudit TOPIC` does', async () => {
    const [viaHelp, bare] = await Promise.all([cli(['help', 'scan']), cli(['scan'])]);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(bare.stdout);
    for (const c of ['domain', 'guest', 'host']) expect(viaHelp.stdout).toMatch(new RegExp(`^ {2}scan ${c} +\\S`, 'm'));
  });

  it('help of an unknown command is a usage error (exit 2), not the root help', async () => {
    const r = await cli(['help', 'scan', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('vmaudit: no command or topic "scan nope" (vmaudit help lists them)\n');
  });
});

describe('enum values are case-insensitive', () => {
  it('--fail-on HIGH / Critical gate as high / critical do; -f JSON and -o SARIF=FILE write what json / sarif= write', async () => {
    const upper = path.join(tmp, 'upper.sarif');
    const lower = path.join(tmp, 'lower.sarif');
    const [a, b, c, d] = await Promise.all([
      cli(['scan', 'domain', CRIT, '--fail-on', 'CRITICAL', '-f', 'JSON', '-o', `SARIF=${upper}`, '-o', '-']),
      cli(['scan', 'domain', CRIT, '--fail-on', 'critical', '-f', 'json', '-o', `sarif=${lower}`, '-o', '-']),
      cli(['scan', 'domain', CRIT, '--fail-on', 'None', '-q']),
      cli(['scan', 'domain', CRIT, '--fail-on', 'none', '-q']),
    ]);
    expect(b.code).toBe(1);
    expect(a.code).toBe(1);
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(a.stdout).findings.some((f: { severity: string }) => f.severity === 'critical')).toBe(true);
    expect(fs.readFileSync(upper, 'utf8')).toBe(fs.readFileSync(lower, 'utf8'));
    expect(JSON.parse(fs.readFileSync(upper, 'utf8')).version).toBe('2.1.0');
    expect(a.stderr).toBe(b.stderr.replace(lower, upper));
    expect(d.code).toBe(0);
    expect(c.code).toBe(0);
    expect(c.stdout).toBe(d.stdout);
  });

  it('a value outside the list is still a usage error naming the accepted values', async () => {
    const r = await cli(['scan', 'domain', CRIT, '--fail-on', 'severe']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    // oclif wraps its error box to the terminal width: compare the words.
    const flat = (t: string) => t.replace(/[\s›]+/g, ' ');
    expect(flat(r.stderr)).toContain('Expected --fail-on=severe to be one of: critical, high, medium, low, info, none');
    const s = await cli(['rules', 'list', '--scope', 'vm']);
    expect(s.code).toBe(2);
    expect(flat(s.stderr)).toContain('Expected --scope=vm to be one of: domain, host, guest, cross');
  });

  it('rules list --scope Domain --area SECURITY = --scope domain --area security (and narrower than no filter)', async () => {
    const [mixed, lower, all] = await Promise.all([cli(['rules', 'list', '--scope', 'Domain', '--area', 'SECURITY', '--json']), cli(['rules', 'list', '--scope', 'domain', '--area', 'security', '--json']), cli(['rules', 'list', '--json'])]);
    expect(mixed.code).toBe(0);
    expect(mixed.stdout).toBe(lower.stdout);
    const shown = JSON.parse(mixed.stdout) as { scope: string; area: string }[];
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((r) => r.scope === 'domain' && r.area === 'security')).toBe(true);
    expect(shown.length).toBeLessThan((JSON.parse(all.stdout) as unknown[]).length);
  });

  it('--policy STRICT is the shipped policy strict (its gate at medium, not the default policy\'s high)', async () => {
    const medium = 'fixtures/domains/guide-rdm-physical.xml'; // one medium finding
    const [upper, lower, byDefault] = await Promise.all([cli(['scan', 'domain', medium, '--policy', 'STRICT', '-f', 'json']), cli(['scan', 'domain', medium, '--policy', 'strict', '-f', 'json']), cli(['scan', 'domain', medium, '-f', 'json'])]);
    expect(lower.code).toBe(1);
    expect(byDefault.code).toBe(0);
    expect(upper.code).toBe(1);
    expect(upper.stdout).toBe(lower.stdout);
  });

  it('policy init --extends STRICT writes extends: strict', async () => {
    const [upper, lower] = await Promise.all([cli(['policy', 'init', '--extends', 'STRICT']), cli(['policy', 'init', '--extends', 'strict'])]);
    expect(upper.code).toBe(0);
    expect(upper.stdout).toBe(lower.stdout);
    expect(upper.stdout).toMatch(/^extends: strict$/m);
  });

  it('fix host --format SH writes the shell script --format sh writes', async () => {
    const root = 'fixtures/hosts/debian-default';
    const [upper, lower] = await Promise.all([cli(['fix', 'host', '--root', root, '--format', 'SH']), cli(['fix', 'host', '--root', root, '--format', 'sh'])]);
    expect(upper.code).toBe(lower.code);
    expect(upper.stdout.startsWith('#!/bin/sh\n')).toBe(true);
    expect(upper.stdout).toBe(lower.stdout);
  });
});

describe('repeatable flags take one value each (never the arguments after them)', () => {
  it('every repeatable flag of every command is non-greedy (multipleNonGreedy)', () => {
    // The compiled commands, loaded by plain node (as the CLI loads them).
    const script = `
      const fs = require('node:fs'), path = require('node:path');
      const dir = path.join(process.argv[1], 'dist', 'commands');
      const out = { commands: 0, greedy: [] };
      for (const f of fs.readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.js'))) {
        out.commands++;
        for (const [name, flag] of Object.entries(require(path.join(dir, f)).default.flags ?? {}))
          if (flag.multiple && !flag.multipleNonGreedy) out.greedy.push(f.replace(/\\.js$/, '').split(path.sep).join(' ') + ' --' + name);
      }
      process.stdout.write(JSON.stringify(out));`;
    const r = JSON.parse(execFileSync(process.execPath, ['-e', script, REPO_ROOT], { encoding: 'utf8' })) as { commands: number; greedy: string[] };
    expect(r.commands).toBeGreaterThan(5);
    expect(r.greedy).toEqual([]);
  });

  const rules = path.join(tmp, 'site-rules');
  fs.mkdirSync(rules);
  fs.writeFileSync(
    path.join(rules, 'SITE-NAME-001.yaml'),
    'id: SITE-NAME-001\ntitle: Domain names follow the site convention\narea: availability\nscope: domain\nseverity: medium\nguide: [beyond-guide]\n' +
      "location: domain\nassert: domain.name.startsWith('prod-')\nmessage: \"domain name {{ domain.name }} does not start with prod-\"\nrationale: Site convention.\nremediation:\n  text: Rename the domain.\n",
  );

  it('rules show --rules DIR ID shows the rule from DIR', async () => {
    const r = await cli(['rules', 'show', '--rules', rules, 'SITE-NAME-001']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('SITE-NAME-001');
    expect(r.stdout).toContain('Domain names follow the site convention');
  });

  it('rules list --rules DIR EXTRA: EXTRA is an unexpected argument (exit 2), not a second rules directory', async () => {
    const [one, extra] = await Promise.all([cli(['rules', 'list', '--rules', rules]), cli(['rules', 'list', '--rules', rules, 'rules/domain'])]);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^SITE-NAME-001 /m);
    expect(extra.code).toBe(2);
    expect(extra.stdout).toBe('');
    expect(extra.stderr).toContain('Unexpected argument: rules/domain');
  });

  it('policy validate --rules DIR FILE validates FILE against the rules of DIR too', async () => {
    const policy = path.join(tmp, 'site-policy.yaml');
    fs.writeFileSync(policy, 'extends: default\nseverity:\n  SITE-NAME-001: high\n');
    const [withRules, without] = await Promise.all([cli(['policy', 'validate', '--rules', rules, policy]), cli(['policy', 'validate', policy])]);
    expect(withRules.stderr).toBe('');
    expect(withRules.code).toBe(0);
    expect(withRules.stdout).toContain(`${policy}: ok`);
    // Without DIR the rule id is unknown: proof that FILE was validated against DIR's rules above.
    expect(without.code).toBe(2);
  });

  it("scan domain --rules DIR FILE: FILE is scanned with DIR's rules", async () => {
    const r = await cli(['scan', 'domain', '--rules', rules, CRIT, '-f', 'json']);
    expect(r.code).toBe(1);
    const ids = (JSON.parse(r.stdout).findings as { ruleId: string }[]).map((f) => f.ruleId);
    expect(ids).toContain('SITE-NAME-001');
  });
});
