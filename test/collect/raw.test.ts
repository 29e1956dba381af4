import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { collectEvidence } from '../../src/collect/collect';
import { LocalRunner } from '../../src/collect/local';
import { collectorScript, isRawOutput, parseRawOutput, targetNameOf } from '../../src/collect/raw';
import { ScanError } from '../../src/collect/runner';
import { loadSnapshot } from '../../src/collect/snapshot';
import { tempDir } from './helpers';

const FIXTURE = path.resolve(__dirname, '..', '..', 'fixtures', 'hosts', 'openeuler-hardened');
const META = `${FIXTURE}.meta.json`;

let dir: string;
let raw: string;
beforeAll(() => {
  dir = tempDir('vmaudit-raw-');
  // what any runner does with `vmaudit collect --script`: sh on the target, stdout saved per host
  raw = execFileSync('sh', [], { input: collectorScript('host'), env: { ...process.env, VMAUDIT_ROOT: FIXTURE } }).toString('latin1');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const save = (name: string, text: string): string => {
  const f = path.join(dir, name);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, text, 'latin1');
  return f;
};

const inputError = (f: () => unknown): ScanError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ScanError);
    expect((e as ScanError).kind).toBe('input');
    return e as ScanError;
  }
  throw new Error('no error');
};

describe('collect --script output read as a snapshot', () => {
  it('the printed script says what it is and which version', () => {
    const s = collectorScript('host');
    expect(s.split('\n')[0]).toBe('#!/bin/sh');
    expect(s).toMatch(/^# vmaudit \S+ collect --script: host evidence, collector script version 2\.$/m);
    expect(collectorScript('guest')).toMatch(/collect --script --guest: guest evidence/);
  });

  it('decodes to the evidence vmaudit collects itself, the host named by the file', async () => {
    process.env.VMAUDIT_FIXTURE_META = META;
    try {
      const own = await collectEvidence(new LocalRunner(), { kind: 'host', root: FIXTURE, live: false, name: 'x' });
      const b = loadSnapshot(save('out/hv01.out', raw));
      expect(b.target).toEqual({ kind: 'host', name: 'hv01', transport: 'snapshot' });
      expect(b.files).toEqual(own.files);
      expect(b.dirs).toEqual(own.dirs);
      expect(b.commands).toEqual(own.commands);
      expect(b.privileged).toBe(own.privileged);
    } finally {
      delete process.env.VMAUDIT_FIXTURE_META;
    }
  });

  it('an orchestrator capture with CRLF line ends and lines of its own around the output is the same evidence', () => {
    const clean = parseRawOutput(raw, 'hv01');
    const noisy = `Warning: Permanently added 'hv01' to the list of known hosts.\r\n${raw.replace(/\n/g, '\r\n')}Shared connection to hv01 closed.\r\n`;
    const b = parseRawOutput(noisy, 'hv01');
    expect(b.files).toEqual(clean.files);
    expect(b.commands).toEqual(clean.commands);
  });

  it('output cut anywhere is an input error naming the file and line, never a bundle', () => {
    const lines = raw.split('\n');
    for (const n of [0, 1, 2, Math.floor(lines.length / 3), lines.length - 3, lines.length - 2]) {
      const f = save(`cut/hv-${n}`, lines.slice(0, n).join('\n') + (n ? '\n' : ''));
      const e = inputError(() => loadSnapshot(f));
      expect(e.message).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+(:\\d+)?: `));
    }
  });

  it('a damaged line inside is an input error at that line; a foreign script version at its BEGIN line', () => {
    const lines = raw.split('\n');
    const mid = Math.floor(lines.length / 2);
    for (const damage of [(l: string) => l.slice(0, 40) + l.slice(44), (l: string) => `${l}QUJD`]) {
      const corrupt = [...lines];
      corrupt[mid] = damage(corrupt[mid]);
      expect(inputError(() => parseRawOutput(corrupt.join('\n'), 'f')).message).toMatch(new RegExp(`^f:${mid + 1}: collector output is damaged`));
    }
    const v1 = raw.replace(/ BEGIN 2 /, ' BEGIN 1 ');
    expect(inputError(() => parseRawOutput(v1, 'f')).message).toMatch(/^f:1: collector output is from script version 1/);
  });

  it('tells raw output from JSON snapshots by content; names hosts by file', () => {
    expect(isRawOutput(raw)).toBe(true);
    expect(isRawOutput('{"format":"vmaudit-evidence"}')).toBe(false);
    expect(isRawOutput('hello\n')).toBe(false);
    expect(targetNameOf('/x/out/hv01.example.com')).toBe('hv01.example.com');
    expect(targetNameOf('out/hv01.out')).toBe('hv01');
    expect(inputError(() => loadSnapshot(save('junk', 'motd\nnothing here\n'))).message).toMatch(/junk:1:1: not a vmaudit snapshot/);
  });
});
