import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import Collect from '../../src/commands/collect';
import { loadSnapshot } from '../../src/collect/snapshot';
import { tempDir } from '../collect/helpers';

const ROOT = path.resolve(__dirname, '../..');
const HOST = path.join(ROOT, 'fixtures/hosts/debian-default');

function capture(): { out: () => string; err: () => string; restore: () => void } {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  const ce = jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    err += `${a.join(' ')}\n`;
  });
  return { out: () => out, err: () => err, restore: () => (o.mockRestore(), e.mockRestore(), ce.mockRestore()) };
}

describe('vmaudit collect', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('vmaudit-cmd-');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--list shows every item with its reason, reading nothing', async () => {
    const c = capture();
    try {
      await Collect.run(['--list'], ROOT);
    } finally {
      c.restore();
    }
    expect(c.out()).toContain('- file /etc/libvirt/libvirtd.conf');
    expect(c.out()).toContain('why: monolithic daemon config');
    expect(c.out()).toMatch(/run sasldblistusers2: `sasldblistusers2 -f "\$1"` with \$SASLDB \(needs root\)/);
  });

  it('--root --output writes a snapshot that loads; progress goes to stderr', async () => {
    const out = path.join(dir, 'deb.json');
    const c = capture();
    try {
      await Collect.run(['--root', HOST, '--output', out, '--name', 'deb12'], ROOT);
    } finally {
      c.restore();
    }
    expect(c.out()).toBe('');
    expect(c.err()).toMatch(/collecting host evidence from deb12/);
    const b = loadSnapshot(out);
    expect(b.target).toEqual({ kind: 'host', name: 'deb12', transport: 'snapshot' });
    expect(JSON.parse(readFileSync(out, 'utf8')).target.transport).toBe('root');
    expect(b.files['/etc/libvirt/libvirtd.conf'].state).toBe('ok');
  });

  it('prints the snapshot on stdout by default (--guest)', async () => {
    const c = capture();
    try {
      await Collect.run(['--guest', '--root', HOST], ROOT);
    } finally {
      c.restore();
    }
    const b = JSON.parse(c.out());
    expect(b.format).toBe('vmaudit-evidence');
    expect(b.target.kind).toBe('guest');
    expect(b.commands['qemu-ga.version'].state).toBe('not-applicable');
  });

  it('a bad --root is a usage error (exit 2)', async () => {
    const c = capture();
    try {
      await expect(Collect.run(['--root', path.join(dir, 'missing')], ROOT)).rejects.toMatchObject({ oclif: { exit: 2 } });
    } finally {
      // oclif's Command.catch also sets process.exitCode (for the CLI's own exit); here the process is jest's.
      process.exitCode = undefined;
      c.restore();
    }
  });
});
