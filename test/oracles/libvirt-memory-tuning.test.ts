import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDomainXml } from '../../src/facts/domain/build';
import type { DomainFacts } from '../../src/facts/domain/model';
import { describeWithOracles } from '../helpers/oracle';

/**
 * Derived memory-tuning facts against libvirt itself (`virsh -c test:///default define`, one virsh process per
 * suite): every combination of a small grid of `<hugepages>` pages, and of `<numatune>` policies, is defined, and the
 * first refusal the facts predict (document order, as libvirt checks) must be libvirt's error text word for word;
 * a domain the facts find nothing wrong with must be accepted.
 */
const NUMA = "<cpu><numa><cell id='0' cpus='0' memory='2' unit='GiB'/><cell id='1' cpus='1' memory='2' unit='GiB'/></numa></cpu>";

interface Case {
  label: string;
  xml: string;
  file: string;
}

function domain(name: string, parts: { vcpu?: string; memoryBacking?: string; numatune?: string; numa: boolean }): string {
  return [
    "<domain type='kvm'>",
    `  <name>${name}</name>`,
    "  <memory unit='GiB'>4</memory>",
    `  ${parts.vcpu ?? '<vcpu>2</vcpu>'}`,
    parts.memoryBacking ? `  <memoryBacking>${parts.memoryBacking}</memoryBacking>` : '',
    parts.numatune ? `  <numatune>${parts.numatune}</numatune>` : '',
    "  <os><type arch='x86_64'>hvm</type></os>",
    parts.numa ? `  ${NUMA}` : '',
    '</domain>',
    '',
  ].join('\n');
}

/** Defines every case in one virsh process; returns file -> libvirt's error (null: defined). */
function defineAll(cases: Case[]): Map<string, string | null> {
  const r = spawnSync('virsh', ['-c', 'test:///default', cases.map((c) => `define ${c.file}`).join(' ; ')], {
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C' },
    maxBuffer: 16 << 20,
  });
  const verdict = new Map<string, string | null>();
  for (const m of r.stdout.matchAll(/^Domain '[^']*' defined from (\S+)$/gm)) verdict.set(m[1], null);
  for (const m of r.stderr.matchAll(/^error: Failed to define domain from (\S+)\nerror: (.*)$/gm)) verdict.set(m[1], m[2]);
  return verdict;
}

function suite(name: string, build: (add: (label: string, parts: Parameters<typeof domain>[1]) => void) => void, predicted: (d: DomainFacts) => string | null) {
  describeWithOracles(['virsh'], name, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-memtune-'));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    const cases: Case[] = [];
    build((label, parts) => {
      const n = `m${cases.length}`;
      const file = path.join(dir, `${n}.xml`);
      const xml = domain(n, parts);
      fs.writeFileSync(file, xml);
      cases.push({ label, xml, file });
    });
    const verdict = defineAll(cases);

    it('got a verdict for every domain', () => {
      expect(cases.filter((c) => !verdict.has(c.file)).map((c) => c.label)).toEqual([]);
    });

    it.each(cases.map((c) => [c.label, c]))('%s', (_l, c) => {
      const parsed = parseDomainXml(c.xml, c.file);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
      const v = verdict.get(c.file);
      // libvirt prefixes some messages with the error class ("XML error: ", "unsupported configuration: ").
      const got = predicted(parsed.domain);
      if (got === null) expect(v).toBeNull();
      else expect(v === null || v === undefined ? v : v.replace(/^(XML error|unsupported configuration): /, '')).toBe(got);
    });
  });
}

// <hugepages>: up to two pages (2 MiB / 1 GiB; nodeset none / 0 / 1 / 0-1 / 2), without and with two guest NUMA cells.
const SIZES = ["size='2' unit='MiB'", "size='1' unit='GiB'"];
const NODESETS = [null, '0', '1', '0-1', '2'];
const PAGES = SIZES.flatMap((s) => NODESETS.map((n) => `<page ${s}${n === null ? '' : ` nodeset='${n}'`}/>`));
suite(
  'hugepage page sets against libvirt (virsh -c test:///default define)',
  (add) => {
    for (const numa of [false, true]) {
      for (const pages of [...PAGES.map((p) => [p]), ...PAGES.flatMap((a) => PAGES.map((b) => [a, b]))])
        add(`${numa ? '2 cells' : 'no cells'}: ${pages.join(' ')}`, { memoryBacking: `<hugepages>${pages.join('')}</hugepages>`, numa });
    }
  },
  (d) => (d.hugepages?.pages ?? []).find((p) => p.conflict !== null)?.conflict ?? null,
);

// <numatune>: <memory> variants x <memnode> variants x <vcpu placement>, with two guest NUMA cells.
const MEMORY = [
  null,
  '<memory/>',
  "<memory mode='strict'/>",
  "<memory mode='restrictive'/>",
  "<memory mode='Strict' nodeset='0'/>",
  "<memory placement='auto'/>",
  "<memory placement='static'/>",
  "<memory placement='default'/>",
  "<memory placement='numad'/>",
  "<memory nodeset='0'/>",
  "<memory mode='restrictive' nodeset='0'/>",
  "<memory mode='interleave' placement='auto' nodeset='0'/>",
];
const MEMNODES = [null, "<memnode cellid='0' nodeset='0'/>", "<memnode cellid='0' mode='restrictive' nodeset='1'/>", "<memnode cellid='1' mode='preferred' nodeset='0'/>"];
suite(
  'numatune policies against libvirt (virsh -c test:///default define)',
  (add) => {
    for (const vcpu of ['<vcpu>2</vcpu>', "<vcpu placement='auto'>2</vcpu>"]) {
      for (const memory of MEMORY) {
        for (const memnode of MEMNODES) {
          const numatune = `${memory ?? ''}${memnode ?? ''}`;
          add(`${vcpu} <numatune>${numatune}</numatune>`, { vcpu, numatune: numatune || undefined, numa: true });
        }
      }
    }
  },
  (d) => d.numatune?.conflicts[0]?.message ?? null,
);
