import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadRules } from '../../src/engine/rule-loader';
import { ScanAccumulator } from '../../src/engine/scan';
import { domainFileRules, readDomainArg, scanDomainFiles, scanDomainInput } from '../../src/engine/scan-domains';
import { workerCount } from '../../src/engine/scan-parallel';

/**
 * Worker threads each fill their own accumulator; the main thread absorbs their states in whatever order they
 * arrive. The merged result must equal a single-threaded scan exactly, whatever the split and arrival order.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const gen = require('../../bench/generate.js') as { generate: (o: { dir: string; count: number; seed: number }) => { files: string[] } };

const ROOT = path.resolve(__dirname, '..', '..');

describe('parallel domain scan merge', () => {
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'vmaudit-par-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives the single-threaded result for any split of the files and any order of absorbing', () => {
    // 600 generated domains include a malformed one (every 500th) and many findings; plus the fixtures.
    const generated = gen.generate({ dir, count: 600, seed: 3 }).files;
    const fixtures = fs.readdirSync(path.join(ROOT, 'fixtures', 'domains')).filter((f) => f.endsWith('.xml')).map((f) => path.join(ROOT, 'fixtures', 'domains', f));
    const files = [...generated.slice(0, 300), ...fixtures, ...generated.slice(300), 'no/such/file.xml'];
    const rules = loadRules().rules.map((r) => r.rule);
    const expected = scanDomainFiles(files, rules);
    expect(expected.findings.length).toBeGreaterThan(100);
    expect(expected.errors.length).toBeGreaterThanOrEqual(1); // the missing file
    expect(expected.findings.filter((f) => f.fatal).length).toBeGreaterThanOrEqual(1); // the malformed ones: one fatal DOM-XML-001 each

    for (const [parts, seed] of [[2, 1], [3, 2], [7, 3]]) {
      const workers = Array.from({ length: parts }, () => new ScanAccumulator(domainFileRules(rules)));
      const states = [];
      // Uneven batches, handed round-robin; a worker hands over its state after each batch.
      for (let i = 0, b = 0; i < files.length; b++) {
        const size = 17 + ((b * 31 + seed) % 60);
        const w = workers[b % parts];
        for (const f of files.slice(i, i + size)) scanDomainInput(w, readDomainArg(f));
        states.push(w.takeState());
        i += size;
      }
      const main = new ScanAccumulator(domainFileRules(rules));
      // Absorb in another order: reversed, then rotated.
      for (let k = 0; k < states.length; k++) main.absorb(states[(states.length - 1 - k + seed) % states.length]);
      const merged = main.result();
      expect(JSON.stringify(merged)).toBe(JSON.stringify(expected));
    }
  });

  it('reads VMAUDIT_WORKERS, and uses one thread for small batches', () => {
    expect(workerCount(10000, { VMAUDIT_WORKERS: '3' })).toBe(3);
    expect(workerCount(5, { VMAUDIT_WORKERS: '2' })).toBe(2);
    expect(workerCount(10, {})).toBe(1);
    expect(workerCount(10000, { VMAUDIT_WORKERS: 'lots' })).toBeGreaterThanOrEqual(1);
  });
});
