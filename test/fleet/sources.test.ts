import * as path from 'node:path';
import { describeSources, UsageError, type SourceFlagValues } from '../../src/cli/sources';

const base: SourceFlagValues = { concurrency: 16, sudo: false, 'accept-new-host-keys': false, timeout: 600 };
const ROOT = path.resolve(__dirname, '..', '..');

function usage(flags: Partial<SourceFlagValues>): string {
  try {
    describeSources({ ...base, ...flags });
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('describeSources: --remote-root and fleet flags', () => {
  it('accepts --remote-root with SSH targets (absolute path)', () => {
    const d = describeSources({ ...base, target: ['hv01', 'hv02'], 'remote-root': '/mnt/image root' });
    expect(d.mode).toBe('ssh');
    expect(d.targets.map((t) => t.name)).toEqual(['hv01', 'hv02']);
  });
  it('refuses --remote-root without SSH targets, relative or with a newline', () => {
    expect(usage({ 'remote-root': '/mnt/x' })).toContain('--remote-root applies to SSH targets');
    expect(usage({ target: ['hv01'], 'remote-root': 'mnt/x' })).toContain('absolute path');
    expect(usage({ target: ['hv01'], 'remote-root': '/mnt/x\nreboot' })).toContain('absolute path');
    expect(usage({ root: path.join(ROOT, 'fixtures/hosts/guide-literal'), 'remote-root': '/mnt/x' })).toContain('--remote-root applies to SSH targets');
  });
  it('turns a bad --shard into a usage error (exit 2), not a crash', () => {
    expect(usage({ target: ['hv01'], shard: '3/2' })).toContain('--shard must be i/n');
    expect(usage({ target: ['hv01'], shard: 'x' })).toContain('--shard must be i/n');
  });
  it('--shard i/n over all shards partitions the targets', () => {
    const names = Array.from({ length: 40 }, (_, i) => `hv${String(i).padStart(2, '0')}`);
    const seen: string[] = [];
    for (let i = 1; i <= 4; i++) {
      try {
        seen.push(...describeSources({ ...base, target: names, shard: `${i}/4` }).targets.map((t) => t.name));
      } catch (e) {
        expect((e as Error).message).toContain('no targets left'); // an empty shard is possible in principle
      }
    }
    expect(seen.sort()).toEqual(names);
  });
});
