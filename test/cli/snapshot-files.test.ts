import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { snapshotFiles } from '../../src/cli/sources';
import { runCli } from '../helpers/cli';

// `--snapshot DIR`: the per-host outputs a runner fetched into one directory, one target each.

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmaudit-snapdir-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('snapshotFiles', () => {
  it('a directory gives its regular files in name order (not recursive, dot-files and sub-directories skipped); files pass as given', () => {
    const d = path.join(dir, 'out');
    fs.mkdirSync(path.join(d, 'sub'), { recursive: true });
    for (const n of ['hv02', 'hv01', '.hidden', 'sub/hv03']) fs.writeFileSync(path.join(d, n), 'x');
    fs.symlinkSync(path.join(d, 'hv01'), path.join(d, 'hv00'));
    const bad: string[] = [];
    expect(snapshotFiles([d, '/no/such/file'], (p, why) => bad.push(`${p}: ${why}`))).toEqual([path.join(d, 'hv00'), path.join(d, 'hv01'), path.join(d, 'hv02'), '/no/such/file']);
    expect(bad).toEqual([]);
  });

  it('an empty directory is a target error naming it (exit 3), never a silent pass', async () => {
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    const r = await runCli(['scan', 'host', '--snapshot', empty, '--format', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(3);
    const rep = JSON.parse(r.stdout) as { errors: { message: string }[] };
    expect(rep.errors.map((e) => e.message)).toEqual([`${empty}: no snapshot file in this directory`]);
  });
});
