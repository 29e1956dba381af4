/**
 * Process labels: `ps -eZ` (procps-ng 4.0.2) and `/proc/<pid>/attr/current` + `/proc/<pid>/comm`.
 *
 * `ps -eZ` prints `LABEL PID TTY TIME CMD`; the label column has no fixed width and on AppArmor contains a
 * space (`libvirt-<uuid> (enforce)`), `-` means no LSM (real Debian 12 output). A row is therefore split on
 * its numeric PID followed by TTY and a `[DD-]HH:MM:SS` TIME; everything before is the label and the rest
 * is CMD (the comm, at most 15 characters for user processes: `qemu-system-x86`, `qemu-system-aar`).
 * `/proc/<pid>/attr/current` is NUL-terminated (SELinux) or newline-terminated (AppArmor).
 */
import type { SourceLocation } from '../../util/location';
import type { Problem } from '../../util/problem';
import type { ParseResult } from '../common/envfile';
import { classifyLabel, type LsmLabel } from './selinux';

export type ProcessRole = 'qemu' | 'swtpm' | 'libvirtd' | 'virtqemud' | 'other';

export interface ProcessLabel {
  pid: number;
  comm: string;
  /** Raw label text; `-` when the kernel has no LSM. */
  label: string;
  lsm: LsmLabel;
  role: ProcessRole;
  tty?: string;
  time?: string;
  location: SourceLocation;
}

/** QEMU: `qemu-kvm` (RHEL/openEuler) or `qemu-system-*` (comm truncated to 15 chars); helpers by name. */
export function processRole(comm: string): ProcessRole {
  if (comm === 'qemu-kvm' || comm.startsWith('qemu-system-')) return 'qemu';
  if (comm === 'swtpm') return 'swtpm';
  if (comm === 'libvirtd') return 'libvirtd';
  if (comm === 'virtqemud') return 'virtqemud';
  return 'other';
}

const ROW = /^(.*?)\s+(\d+)\s+(\S+)\s+((?:\d+-)?\d{2}:\d{2}:\d{2})\s(.*)$/;

export function parsePsEZ(text: string, file = 'ps -eZ'): ParseResult<ProcessLabel[]> {
  const problems: Problem[] = [];
  const rows: ProcessLabel[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (i === 0 && /^\s*LABEL\s+PID\b/.test(line)) continue;
    const m = ROW.exec(line);
    if (!m || m[1].trim() === '') {
      problems.push({ code: 'ps.bad-row', level: 'warning', message: `unexpected ps -eZ row: '${line.slice(0, 100)}'`, location: { file, line: i + 1, column: 1 } });
      continue;
    }
    const label = m[1].trim();
    const comm = m[5].trim();
    rows.push({ pid: Number(m[2]), comm, label, lsm: classifyLabel(label), role: processRole(comm), tty: m[3], time: m[4], location: { file, line: i + 1, column: 1 } });
  }
  return { value: rows, problems };
}

/** `/proc/<pid>/attr/current` content (drops the NUL / newline terminator). */
export function parseAttrCurrent(raw: string): string {
  return raw.replace(/\0.*$/s, '').replace(/\n+$/, '');
}

export interface ProcEntry {
  pid: number;
  /** `/proc/<pid>/attr/current` raw content; undefined when unreadable (no LSM: EINVAL). */
  attrCurrent?: string;
  /** `/proc/<pid>/comm` raw content. */
  comm?: string;
}

/** Builds process labels from `/proc` reads; processes without a comm are skipped (they exited). */
export function processesFromProc(entries: readonly ProcEntry[]): ProcessLabel[] {
  const out: ProcessLabel[] = [];
  for (const e of entries) {
    if (e.comm === undefined) continue;
    const comm = e.comm.replace(/\n$/, '');
    const label = e.attrCurrent === undefined ? '-' : parseAttrCurrent(e.attrCurrent) || '-';
    out.push({ pid: e.pid, comm, label, lsm: classifyLabel(label), role: processRole(comm), location: { file: `/proc/${e.pid}/attr/current`, line: 1, column: 1 } });
  }
  return out.sort((a, b) => a.pid - b.pid);
}
