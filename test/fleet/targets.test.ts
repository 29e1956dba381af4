import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ScanError } from '../../src/collect/runner';
import { expandHostRange, inventoryTargets, parseIniInventory, parseInventory, parseTargetsFile, parseYamlInventory, type FleetTarget } from '../../src/fleet/inventory';
import { applyLimit, applyShard, loadTargets, parseShard, shardOf } from '../../src/fleet/targets';

const INI = `# production KVM hosts
bastion.example ansible_user=jump

[hypervisors]
hv[01:03].example
hv10.example ansible_host=10.0.0.10 ansible_port=2222 rack=r9

[storage]
st1.example:2200 ansible_user=store

[dc1:children]
hypervisors
storage

[dc1:vars]
ansible_user=ops
rack=r1

[hypervisors:vars]
rack=r2

[all:vars]
ansible_user=auditor
site="Main DC"
`;

const YAML = `all:
  vars:
    ansible_user: auditor
    site: Main DC
  hosts:
    bastion.example:
      ansible_user: jump
  children:
    dc1:
      vars:
        ansible_user: ops
        rack: r1
      children:
        hypervisors:
          vars:
            rack: r2
          hosts:
            hv[01:03].example:
            hv10.example:
              ansible_host: 10.0.0.10
              ansible_port: 2222
              rack: r9
        storage:
          hosts:
            st1.example:
              ansible_port: 2200
              ansible_user: store
`;

function byName(ts: FleetTarget[]): Record<string, FleetTarget> {
  return Object.fromEntries(ts.map((t) => [t.name, t]));
}

describe('Ansible inventories', () => {
  it('expands host ranges', () => {
    const r = expandHostRange('hv[01:20].example');
    expect(r.hosts).toHaveLength(20);
    expect(r.hosts[0]).toBe('hv01.example');
    expect(r.hosts[19]).toBe('hv20.example');
    expect(expandHostRange('n[a:c]').hosts).toEqual(['na', 'nb', 'nc']);
    expect(expandHostRange('x[1:9:4]').hosts).toEqual(['x1', 'x5', 'x9']);
    expect(expandHostRange('r[1:2]-[a:b]').hosts).toEqual(['r1-a', 'r1-b', 'r2-a', 'r2-b']);
    expect(expandHostRange('plain').hosts).toEqual(['plain']);
    expect(expandHostRange('x[5:1]').error).toBeDefined();
    expect(expandHostRange('x[1:z]').error).toBeDefined();
  });

  it('parses INI: groups, children, vars precedence, host:port, ungrouped', () => {
    const inv = parseIniInventory(INI, 'hosts.ini');
    expect(inv.problems).toEqual([]);
    const { targets, problems } = inventoryTargets(inv.value);
    expect(problems).toEqual([]);
    expect(targets.map((t) => t.name)).toEqual(['bastion.example', 'hv01.example', 'hv02.example', 'hv03.example', 'hv10.example', 'st1.example']);
    const t = byName(targets);
    expect(t['bastion.example']).toMatchObject({ address: 'bastion.example', overrides: { user: 'jump' }, groups: ['all', 'ungrouped'] });
    expect(t['hv02.example']).toMatchObject({ address: 'hv02.example', overrides: { user: 'ops', port: undefined }, groups: ['all', 'dc1', 'hypervisors'] });
    expect(t['hv02.example'].vars).toMatchObject({ rack: 'r2', site: 'Main DC' });
    expect(t['hv10.example']).toMatchObject({ address: '10.0.0.10', overrides: { user: 'ops', port: 2222 } });
    expect(t['hv10.example'].vars.rack).toBe('r9');
    expect(t['st1.example']).toMatchObject({ overrides: { user: 'store', port: 2200 }, groups: ['all', 'dc1', 'storage'] });
    expect(t['st1.example'].vars.rack).toBe('r1');
    expect(t['hv01.example'].location).toMatchObject({ file: 'hosts.ini', line: 5 });
  });

  it('parses the same inventory in YAML to the same targets', () => {
    const y = parseYamlInventory(YAML, 'hosts.yml');
    expect(y.problems).toEqual([]);
    const yt = byName(inventoryTargets(y.value).targets);
    const it = byName(inventoryTargets(parseIniInventory(INI, 'hosts.ini').value).targets);
    expect(Object.keys(yt).sort()).toEqual(Object.keys(it).sort());
    for (const name of Object.keys(it)) {
      expect({ name, address: yt[name].address, overrides: yt[name].overrides, groups: yt[name].groups, rack: yt[name].vars.rack, site: yt[name].vars.site }).toEqual({
        name,
        address: it[name].address,
        overrides: it[name].overrides,
        groups: it[name].groups,
        rack: it[name].vars.rack,
        site: it[name].vars.site,
      });
    }
    expect(yt['hv10.example'].location).toMatchObject({ file: 'hosts.yml', line: 19 });
  });

  it('detects the format by extension or content', () => {
    expect(inventoryTargets(parseInventory(YAML, 'inventory').value).targets).toHaveLength(6);
    expect(inventoryTargets(parseInventory(INI, 'inventory').value).targets).toHaveLength(6);
  });

  it('reports bad input with file and line, never throws', () => {
    const ini = parseIniInventory('[ok]\nh1 novalue\n[bad:section:x]\nh2\n[g]\nh[3:1]\n[g:vars]\nnoequals\nh4 "unterminated\n', 'inv');
    expect(ini.problems.map((p) => [p.code, p.location?.line])).toEqual([
      ['inventory.bad-var', 2],
      ['inventory.bad-section', 3],
      ['inventory.bad-range', 6],
      ['inventory.bad-var', 8],
      ['inventory.bad-var', 9],
    ]);
    const y = parseYamlInventory('all:\n  hosts: [a, b]\n  children:\n    g:\n      hosts:\n        "x[9:1]":\n      bogus: 1\n', 'inv.yml');
    expect(y.problems.map((p) => [p.code, p.location?.line])).toEqual([
      ['inventory.bad-hosts', 2],
      ['inventory.bad-range', 6],
      ['inventory.unknown-key', 7],
    ]);
    expect(parseYamlInventory('all: [\n', 'broken.yml').problems[0].code).toBe('inventory.yaml');
    expect(() => parseYamlInventory('- 1\n- 2\n', 'x.yml')).not.toThrow();
    const unsafe = inventoryTargets(parseIniInventory(`[g]\nh1 ansible_host="x'; reboot #"\nh2 ansible_host="{{ lookup('env','X') }}"\nh3 ansible_port=99999\nh4\n`, 'inv').value);
    expect(unsafe.targets.map((t) => t.name)).toEqual(['h4']);
    expect(unsafe.problems.map((p) => p.code)).toEqual(['inventory.bad-host', 'inventory.templated', 'inventory.bad-port']);
  });
});

describe('--limit (Ansible host patterns)', () => {
  const targets = inventoryTargets(parseIniInventory(INI, 'hosts.ini').value).targets;
  const names = (pattern: string): string[] => applyLimit(targets, pattern).targets.map((t) => t.name);

  it('selects groups (with children), hosts, globs and regexes', () => {
    expect(names('hypervisors')).toEqual(['hv01.example', 'hv02.example', 'hv03.example', 'hv10.example']);
    expect(names('dc1')).toHaveLength(5);
    expect(names('st1.example')).toEqual(['st1.example']);
    expect(names('hv0*')).toEqual(['hv01.example', 'hv02.example', 'hv03.example']);
    expect(names('~^hv1')).toEqual(['hv10.example']);
    expect(names('all')).toHaveLength(6);
    expect(names('ungrouped')).toEqual(['bastion.example']);
  });

  it('combines union, intersection and exclusion', () => {
    expect(names('storage:bastion.example')).toEqual(['bastion.example', 'st1.example']);
    expect(names('storage,bastion.example')).toEqual(['bastion.example', 'st1.example']);
    expect(names('dc1:!hypervisors')).toEqual(['st1.example']);
    expect(names('dc1:&hv*')).toEqual(['hv01.example', 'hv02.example', 'hv03.example', 'hv10.example']);
    expect(names('!hv0*')).toEqual(['bastion.example', 'hv10.example', 'st1.example']);
  });

  it('warns about terms that match nothing', () => {
    const r = applyLimit(targets, 'nosuch:storage');
    expect(r.targets.map((t) => t.name)).toEqual(['st1.example']);
    expect(r.problems).toMatchObject([{ code: 'limit.no-match', level: 'warning' }]);
  });
});

describe('--shard i/n', () => {
  const many: FleetTarget[] = [];
  for (let i = 0; i < 300; i++) many.push({ name: `host-${i}.example`, address: `host-${i}.example`, overrides: {}, groups: ['all'], vars: {} });

  it('parses i/n and refuses nonsense', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, total: 5 });
    for (const bad of ['0/3', '4/3', '1/0', 'x', '1/2/3', '-1/2']) expect(() => parseShard(bad)).toThrow(ScanError);
  });

  it.each([1, 2, 3, 7])('n=%i: shards are disjoint and cover every target', (n) => {
    const seen = new Map<string, number>();
    for (let i = 1; i <= n; i++) {
      for (const t of applyShard(many, { index: i, total: n })) {
        expect(seen.has(t.name)).toBe(false);
        seen.set(t.name, i);
      }
    }
    expect(seen.size).toBe(many.length);
    if (n > 1) {
      // every shard gets a fair share (a hash, not one bucket)
      for (let i = 1; i <= n; i++) expect([...seen.values()].filter((s) => s === i).length).toBeGreaterThan(many.length / n / 2);
    }
  });

  it('depends on the name only: order and other hosts do not move a target', () => {
    const before = new Map(many.map((t) => [t.name, shardOf(t.name, 5)]));
    const shuffled = [...many].reverse().slice(0, 120);
    const extra: FleetTarget[] = [{ name: 'new-host', address: 'new-host', overrides: {}, groups: ['all'], vars: {} }];
    for (let i = 1; i <= 5; i++) {
      for (const t of applyShard([...extra, ...shuffled], { index: i, total: 5 })) {
        if (t.name !== 'new-host') expect(before.get(t.name)).toBe(i);
      }
    }
    expect(shardOf('host-1.example', 5)).toBe(before.get('host-1.example'));
  });
});

describe('targets files and loadTargets', () => {
  it('parses one target per line with comments', () => {
    const r = parseTargetsFile(`# fleet\nhv01\n\n  auditor@hv02   # rack 2\nssh://root@hv03:2222\nbad'; reboot #\n`, 'targets.txt');
    expect(r.targets.map((t) => [t.name, t.location?.line])).toEqual([
      ['hv01', 2],
      ['auditor@hv02', 4],
      ['ssh://root@hv03:2222', 5],
    ]);
    expect(r.problems).toMatchObject([{ code: 'targets.invalid', location: { file: 'targets.txt', line: 6 } }]);
  });

  it('merges --target, targets files and inventories, then applies limit and shard', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-targets-'));
    try {
      fs.writeFileSync(path.join(dir, 'list'), 'hv01.example\nextra.example\n');
      fs.writeFileSync(path.join(dir, 'inv.ini'), INI);
      const r = loadTargets({ targets: ['cli.example'], targetsFiles: [path.join(dir, 'list')], inventories: [path.join(dir, 'inv.ini'), path.join(dir, 'missing.yml')] });
      expect(r.targets.map((t) => t.name)).toEqual(['cli.example', 'hv01.example', 'extra.example', 'bastion.example', 'hv02.example', 'hv03.example', 'hv10.example', 'st1.example']);
      expect(r.problems.map((p) => p.code).sort()).toEqual(['targets.duplicate', 'targets.unreadable']);
      const limited = loadTargets({ targets: ['cli.example'], inventories: [path.join(dir, 'inv.ini')], limit: 'hypervisors:cli*' });
      expect(limited.targets.map((t) => t.name)).toEqual(['cli.example', 'hv01.example', 'hv02.example', 'hv03.example', 'hv10.example']);
      const s1 = loadTargets({ inventories: [path.join(dir, 'inv.ini')], shard: '1/2' }).targets.map((t) => t.name);
      const s2 = loadTargets({ inventories: [path.join(dir, 'inv.ini')], shard: '2/2' }).targets.map((t) => t.name);
      expect([...s1, ...s2].sort()).toEqual(['bastion.example', 'hv01.example', 'hv02.example', 'hv03.example', 'hv10.example', 'st1.example']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
