import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { EvidenceBundle } from '../../src/collect/evidence';
import { ScanError } from '../../src/collect/runner';
import { jsonSyntaxError, loadSnapshot, parseSnapshot, saveSnapshot, serializeSnapshot } from '../../src/collect/snapshot';
import { tempDir } from './helpers';

const bundle: EvidenceBundle = {
  format: 'vmaudit-evidence',
  version: 1,
  target: { kind: 'host', name: 'hv01', transport: 'ssh' },
  collectedAt: '2025-01-02T03:04:05.000Z',
  collector: { name: 'vmaudit', version: '0.1.0' },
  privileged: true,
  files: {
    '/proc/cmdline': { path: '/proc/cmdline', state: 'ok', content: 'ro quiet\n', mode: 0o100444, uid: 0, gid: 0, size: 0 },
    '/etc/a': { path: '/etc/a', state: 'too-large', truncated: true, content: 'x' },
    '/etc/b': { path: '/etc/b', state: 'missing' },
  },
  dirs: { '/sys/class/iommu': { state: 'ok', entries: [], mode: 0o40755 } },
  commands: { getenforce: { id: 'getenforce', state: 'ok', exitCode: 0, stdout: 'Enforcing\n', stderr: '' } },
};

let dir: string;
beforeAll(() => {
  dir = tempDir('vmaudit-snap-');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function inputError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ScanError);
    expect((e as ScanError).kind).toBe('input');
    return (e as Error).message;
  }
  throw new Error('expected a ScanError');
}

describe('snapshots', () => {
  it('round-trips through a file; the loaded target says snapshot', () => {
    const f = path.join(dir, 'hv01.json');
    saveSnapshot(f, bundle);
    const back = loadSnapshot(f);
    expect(back).toEqual({ ...bundle, target: { ...bundle.target, transport: 'snapshot' } });
  });

  it('serialises deterministically with sorted keys', () => {
    const text = serializeSnapshot(bundle);
    expect(text.indexOf('"/etc/a"')).toBeLessThan(text.indexOf('"/proc/cmdline"'));
    expect(serializeSnapshot({ ...bundle, files: Object.fromEntries(Object.entries(bundle.files).reverse()) })).toBe(text);
  });

  it('names file, line and column for JSON syntax errors', () => {
    const text = serializeSnapshot(bundle).replace('"privileged": true', '"privileged": tru');
    const line = text.split('\n').findIndex((l) => l.includes('"privileged"')) + 1;
    expect(inputError(() => parseSnapshot(text, 'hv01.json'))).toMatch(new RegExp(`^hv01\\.json:${line}:\\d+: not a vmaudit snapshot: invalid JSON`));
    expect(inputError(() => parseSnapshot('{"format": "vmaudit-evidence",\n  "version": 1,\n', 'cut.json'))).toMatch(/^cut\.json:3:1: .*unexpected end of input/);
    expect(inputError(() => parseSnapshot('', 'empty.json'))).toMatch(/^empty\.json:1:1: /);
  });

  it('rejects other formats and versions clearly', () => {
    expect(inputError(() => parseSnapshot('{"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0"}', 'r.sarif'))).toBe(
      'r.sarif: not a vmaudit snapshot: format is undefined (expected "vmaudit-evidence")',
    );
    expect(inputError(() => parseSnapshot(JSON.stringify({ ...bundle, version: 2 }), 'new.json'))).toBe('new.json: unsupported snapshot version 2 (this vmaudit reads version 1)');
    expect(inputError(() => parseSnapshot('[1,2]', 'a.json'))).toMatch(/a\.json: not a vmaudit snapshot: expected a JSON object/);
  });

  it('rejects corrupt bundles with the JSON path of the problem', () => {
    const bad = JSON.parse(serializeSnapshot(bundle)) as { files: Record<string, { state: string }> };
    bad.files['/etc/b'].state = 'gone';
    expect(inputError(() => parseSnapshot(JSON.stringify(bad), 'c.json'))).toMatch(/^c\.json: corrupt snapshot: \/files\/~1etc~1b\/state must be equal to one of the allowed values/);
    const extra = { ...bundle, secret: 1 };
    expect(inputError(() => parseSnapshot(JSON.stringify(extra), 'd.json'))).toMatch(/must NOT have additional properties \(secret\)/);
  });

  it('reports a missing file by name', () => {
    expect(inputError(() => loadSnapshot(path.join(dir, 'nope.json')))).toMatch(/nope\.json: cannot read snapshot: no such file/);
    writeFileSync(path.join(dir, 'bom.json'), `\ufeff${serializeSnapshot(bundle)}`);
    expect(loadSnapshot(path.join(dir, 'bom.json')).target.name).toBe('hv01');
  });

  it('jsonSyntaxError finds the offending offset', () => {
    expect(jsonSyntaxError('{"a":1,}')).toEqual({ offset: 7, message: 'expected a property name in double quotes' });
    expect(jsonSyntaxError('{"a":"x\ny"}').message).toBe('control character in string');
    expect(jsonSyntaxError('[1 2]').offset).toBe(3);
    expect(jsonSyntaxError('{} x').message).toBe('unexpected data after the JSON value');
  });
});
