import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUILTIN_RULES_DIR, listRuleFiles, loadRuleFile } from '../../src/engine/rule-loader';
import { checkRuleTypes, pathType } from '../../src/engine/cel-check';
import { celEnvironment } from '../../src/engine/cel';
import type { Rule } from '../../src/engine/generated/rule';
import { REPO_ROOT, runCli } from '../helpers/cli';

// Rules are type-checked against schemas/facts when they are loaded (src/engine/cel-check.ts).

const DOM_TPM_002 = path.join(BUILTIN_RULES_DIR, 'domain', 'DOM-TPM-002.yaml');

/** The first example: DOM-TPM-002 with `it.encrypted` misspelt (only its cases reaching the assert noticed). */
function misspeltTpm(id = 'DOM-TPM-002'): string {
  const text = fs.readFileSync(DOM_TPM_002, 'utf8');
  expect(text).toContain('assert: it.encrypted\n');
  return text.replace('assert: it.encrypted\n', 'assert: it.encryptd\n').replace(/^id: DOM-TPM-002$/m, `id: ${id}`);
}

/** The second example: a user's rule reading `it.drivr.cache`. */
const USER_RULE = `id: ACME-DISK-001
title: Disks bypass the host page cache
area: performance
scope: domain
severity: low
for-each: domain.disks
where: it.driver != null
assert: it.drivr.cache == 'none'
message: "disk {{ it.dev }} uses cache={{ it.driver.cache }}"
rationale: Our standard asks for cache=none.
remediation:
  text: Set cache='none' on the disk's driver.
`;

/** A minimal domain rule around one assert (and optional for-each / params). */
function rule(assert: string, extra: Partial<Rule> = {}): Rule {
  return { id: 'T-CHK-001', title: 'type check', area: 'security', scope: 'domain', severity: 'low', guide: ['beyond-guide'], assert, message: 'm', rationale: 'r', remediation: { text: 't' }, ...extra } as Rule;
}
const errorsOf = (r: Rule) => checkRuleTypes(r).map((e) => `${e.path}: ${e.message}`);

describe('load-time type check of CEL against the fact model', () => {
  it('the misspelt DOM-TPM-002 is a load error at the assert line', () => {
    const text = misspeltTpm();
    const line = text.split('\n').findIndex((l) => l.startsWith('assert:')) + 1;
    const r = loadRuleFile(DOM_TPM_002, text);
    expect(r.rule).toBeUndefined();
    expect(r.errors).toEqual([{ file: DOM_TPM_002, path: '/assert', line, message: "CEL: undefined field 'encryptd' of TpmFacts (did you mean 'encrypted'?) in `it.encryptd`" }]);
    // The unchanged rule loads.
    expect(loadRuleFile(DOM_TPM_002).errors).toEqual([]);
  });

  it("a user's rule reading it.drivr.cache is a load error naming the field and line 8", () => {
    const r = loadRuleFile('/rules/ACME-DISK-001.yaml', USER_RULE);
    expect(r.errors).toEqual([{ file: '/rules/ACME-DISK-001.yaml', path: '/assert', line: 8, message: "CEL: undefined field 'drivr' of DiskFacts (did you mean 'driver'?) in `it.drivr`" }]);
    expect(loadRuleFile('/rules/ACME-DISK-001.yaml', USER_RULE.replace('it.drivr.cache', 'it.driver.cache')).errors).toEqual([]);
  });

  it('a line inside a block scalar is the line of the offending expression', () => {
    const text = USER_RULE.replace("assert: it.drivr.cache == 'none'", "assert: |\n  it.driver.cache == 'none' ||\n  it.driver.io == 'native' ||\n  it.driver.iothred != null");
    expect(loadRuleFile('/r/ACME-DISK-001.yaml', text).errors.map((e) => [e.line, e.message])).toEqual([[11, "CEL: undefined field 'iothred' of DiskFacts.driver (did you mean 'iothread'?) in `it.driver.iothred`"]]);
  });

  it('message and remediation templates are checked, at their {{ }} expression', () => {
    expect(errorsOf(rule('true', { message: 'disk {{ domain.disks[0].devv }}' }))).toEqual([
      "/message: undefined field 'devv' of DiskFacts (did you mean 'dev'?) in `domain.disks[0].devv`",
    ]);
    const r = rule('true', { 'for-each': 'domain.graphics', remediation: { text: 'listen on {{ it.listenAdresses }}' } });
    expect(errorsOf(r)).toEqual(["/remediation/text: undefined field 'listenAdresses' of GraphicsFacts (did you mean 'listenAddresses'?) in `it.listenAdresses`"]);
  });

  it('every template field of a fix is compiled and checked, host ones included (note, settings, unit, parameter...)', () => {
    const host = (fix: Record<string, string>) => ({ ...rule('true'), scope: 'host', remediation: { text: 't', fix: { kind: 'systemd-dropin', ...fix } } }) as unknown as Rule;
    expect(errorsOf(host({ unit: 'libvirtd.socket', section: 'Socket', settings: 'SocketMode=0600', note: 'run {{ host.libvirtd.nme }}' }))).toEqual([
      expect.stringMatching(/^\/remediation\/fix\/note: undefined field 'nme' of /),
    ]);
    const text = `id: T-CHK-002\ntitle: A kernel parameter fix with a broken template\narea: security\nscope: host\nseverity: low\nguide: [beyond-guide]\nassert: 'true'\nmessage: m\nrationale: r\nremediation:\n  text: t\n  fix:\n    kind: kernel-cmdline\n    parameter: "{{ 1 + }}"\n`;
    expect(loadRuleFile('/x/T-CHK-002.yaml', text).errors.map((e) => `${e.path} line ${e.line}`)).toEqual(['/remediation/fix/parameter line 14']);
  });

  it('macros bind their variable to the element type (nested all/exists/map/filter, cel.bind)', () => {
    expect(errorsOf(rule("domain.disks.exists(d, d.driver != null && d.driver.cach == 'none')"))[0]).toContain("undefined field 'cach'");
    expect(errorsOf(rule('domain.cputune.vcpupins.map(p, p.cpuset).all(c, c.cpu == null)'))[0]).toContain("undefined field 'cpu' of CpusetFact");
    expect(errorsOf(rule("domain.graphics.filter(g, g.type == 'vnc').all(g, g.listenAddresses.all(a, a.size() > 0))"))).toEqual([]);
    expect(errorsOf(rule('cel.bind(t, domain.tpms, t.all(x, x.encrypted) && t.size() > 0 && t[0].mdl != null)'))[0]).toContain("undefined field 'mdl' of TpmFacts");
    // The variable goes out of scope after its macro.
    expect(errorsOf(rule('domain.disks.all(d, d.shareable) && d.shareable'))[0]).toContain("undeclared reference to 'd'");
  });

  it('has() checks the field it tests', () => {
    expect(errorsOf(rule('has(domain.os.firmwre)'))[0]).toContain("undefined field 'firmwre'");
    expect(errorsOf(rule('has(domain.os.firmware)'))).toEqual([]);
  });

  it('wrong types are load errors: comparisons, operators, overloads, field selection on scalars', () => {
    expect(errorsOf(rule('domain.graphics.exists(g, g.port == 5900)'))[0]).toContain("no matching overload for '_==_' applied to '(string | null, number)'");
    expect(errorsOf(rule("domain.vcpu.max > '4'"))[0]).toContain("'_>_'");
    expect(errorsOf(rule('domain.name.startsWith(1)'))[0]).toContain("found no matching overload for 'string | null.startsWith(number)'");
    expect(errorsOf(rule('domain.live.value'))[0]).toContain("type 'bool' does not support field selection");
    expect(errorsOf(rule('size(domain.live) > 0'))[0]).toContain("found no matching overload for 'size(bool)'");
    expect(errorsOf(rule('domain.disks.size() + "x" == 2'))[0]).toContain("'_+_'");
    expect(errorsOf(rule('domain.name'))).toEqual(['/assert: assert must be a bool, not string | null']);
    expect(errorsOf(rule('true', { 'for-each': 'domain.name' }))).toEqual(['/for-each: for-each must yield a list, not string | null']);
    expect(errorsOf(rule('nosuchfn(domain.disks)'))[0]).toContain("undeclared reference to 'nosuchfn'");
    expect(errorsOf(rule('overlaps(domain.vcpuPinnedCpus)'))[0]).toContain("no overload of 'overlaps' takes 1 argument(s)");
  });

  it('for-each gives `it` its element type; nested lists are flattened once', () => {
    expect(errorsOf(rule('it.shareable', { 'for-each': 'domain.disks' }))).toEqual([]);
    expect(errorsOf(rule('it.sharable', { 'for-each': 'domain.disks' }))[0]).toContain("(did you mean 'shareable'?)");
    expect(errorsOf(rule('it.id != null', { 'for-each': 'domain.cputune == null ? [] : [domain.cputune.vcpupins, domain.cputune.iothreadpins]' }))).toEqual([]);
    expect(errorsOf(rule('it.idd != null', { 'for-each': '[domain.cputune.vcpupins]' }))[0]).toContain("undefined field 'idd' of PinFacts");
    // Without for-each, `it` is the scope's main object.
    expect(errorsOf(rule('it.nme != null'))[0]).toContain("undefined field 'nme' of DomainFacts");
  });

  it('maps (Record<string, …>) accept any key and type their values', () => {
    const host = (assert: string) => rule(assert, { scope: 'host' });
    expect(errorsOf(host('host.kvm.params.halt_poll_ns.int > 0'))).toEqual([]);
    expect(errorsOf(host("host.kvm.params['halt_poll_ns'].bool == true"))).toEqual([]);
    expect(errorsOf(host('host.kvm.params.halt_poll_ns.intt > 0'))[0]).toContain("undefined field 'intt' of SysfsValueFact (did you mean 'int'?)");
  });

  it('variables follow the scope; params are the rule own, typed by declaration or default', () => {
    expect(errorsOf(rule('host == null || host.selinux != null'))).toEqual([]);
    expect(errorsOf(rule('guest.qga != null'))[0]).toContain("undeclared reference to 'guest'");
    expect(errorsOf(rule('domains.all(d, d.name != null)', { scope: 'cross' }))).toEqual([]);
    expect(errorsOf(rule('domain.name != null', { scope: 'cross' }))[0]).toContain("undeclared reference to 'domain'");
    expect(errorsOf(rule('platform.libvirt == null || platform.libvirt.startsWith("9")'))).toEqual([]);
    const p = { max: { description: 'd', default: 4 }, names: { description: 'd', type: 'string-list' as const, default: [] } };
    expect(errorsOf(rule('domain.vcpu.max <= params.max && !(domain.name in params.names)', { params: p }))).toEqual([]);
    expect(errorsOf(rule('domain.vcpu.max <= params.maxx', { params: p }))[0]).toContain("undefined field 'maxx' of the rule's params (did you mean 'max'?)");
    expect(errorsOf(rule("params.max == 'x'", { params: p }))[0]).toContain("'_==_' applied to '(number, string)'");
  });

  it('requires paths are checked against the schema', () => {
    expect(errorsOf(rule('true', { scope: 'host', requires: ['host.selinux.runtime', 'host.kvm.params.halt_poll_ns'] }))).toEqual([]);
    expect(errorsOf(rule('true', { scope: 'host', requires: ['host.selinux.runtme'] }))).toEqual([
      "/requires/0: requires: undefined field 'runtme' of SelinuxFacts (did you mean 'runtime'?) in 'host.selinux.runtme'",
    ]);
    expect(pathType('guest', 'host.kvm').error).toContain("'host' is not a variable of guest rules");
  });

  it('a user rule directory with a typo exits 2 at load, naming file:line (CLI)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-celcheck-'));
    try {
      fs.mkdirSync(path.join(dir, 'a'));
      fs.mkdirSync(path.join(dir, 'b'));
      fs.writeFileSync(path.join(dir, 'a', 'ACME-TPM-002.yaml'), misspeltTpm('ACME-TPM-002'));
      fs.writeFileSync(path.join(dir, 'b', 'ACME-DISK-001.yaml'), USER_RULE);
      const xml = path.join(REPO_ROOT, 'fixtures', 'domains', 'good-hugepages.xml');
      const tpm = await runCli(['scan', 'domain', xml, '--rules', path.join(dir, 'a')]);
      expect(tpm.code).toBe(2);
      const line = misspeltTpm().split('\n').findIndex((l) => l.startsWith('assert:')) + 1;
      expect(tpm.stderr).toContain(`${path.join(dir, 'a', 'ACME-TPM-002.yaml')}:${line} /assert: CEL: undefined field 'encryptd' of TpmFacts (did you mean 'encrypted'?)`);
      const disk = await runCli(['scan', 'domain', xml, '--rules', path.join(dir, 'b')]);
      expect(disk.code).toBe(2);
      expect(disk.stderr).toContain(`${path.join(dir, 'b', 'ACME-DISK-001.yaml')}:8 /assert: CEL: undefined field 'drivr' of DiskFacts (did you mean 'driver'?)`);
      expect(disk.stdout).toBe('');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Every `.field` selection in the built-in rules' expressions, with the rule it is in. */
function selections(): { file: string; key: string; src: string; start: number; end: number }[] {
  const env = celEnvironment();
  const out: { file: string; key: string; src: string; start: number; end: number }[] = [];
  for (const file of listRuleFiles(BUILTIN_RULES_DIR)) {
    const r = loadRuleFile(file).rule as Rule;
    for (const key of ['for-each', 'where', 'assert'] as const) {
      const src = r[key];
      if (!src) continue;
      const walk = (n: unknown): void => {
        if (!n || typeof n !== 'object') return;
        const node = n as { op?: string; args?: unknown; range?: { start: number; end: number } };
        if (node.op === '.' && node.range && Array.isArray(node.args)) out.push({ file, key, src, start: node.range.end - String(node.args[1]).length, end: node.range.end });
        if (Array.isArray(node.args)) node.args.forEach((a) => (Array.isArray(a) ? a.forEach(walk) : walk(a)));
      };
      walk((env.parse(src) as unknown as { ast: unknown }).ast);
    }
  }
  return out;
}

describe('mutation: a misspelt field in a built-in rule is caught', () => {
  // Each field a built-in rule selects, misspelt in turn: the checker must refuse it unless the value is a map
  // (Record<string, …>: any key is allowed) or of unknown type (dyn).
  it('refuses at least 95% of single-field misspellings across the built-in rules', () => {
    const all = selections();
    let caught = 0;
    const missed: string[] = [];
    for (const s of all) {
      const mutated = `${s.src.slice(0, s.start)}zz${s.src.slice(s.start, s.end)}${s.src.slice(s.end)}`;
      const r = loadRuleFile(s.file).rule as Rule;
      const errs = checkRuleTypes({ ...r, [s.key]: mutated } as Rule);
      if (errs.some((e) => e.message.includes("undefined field 'zz"))) caught++;
      else missed.push(`${path.basename(s.file)} ${s.key}: ${mutated.slice(Math.max(0, s.start - 30), s.end + 2)}`);
    }
    expect(all.length).toBeGreaterThan(500);
    if (process.env.SHOW_MISSED) console.log(missed.join('\n'));
    expect({ caught, total: all.length, ratio: caught / all.length >= 0.95 }).toEqual({ caught, total: all.length, ratio: true });
    // What is not caught reads maps or params (whose keys are data, not schema).
    for (const m of missed) expect(m).toMatch(/params|settings|units|devices|rpcs|groups|byPath|attrs|\.text\./);
  });
});
