import { EVIDENCE_LIMIT, type CommandEvidence, type EvidenceBundle, type FileEvidence } from '../../collect/evidence';
import type { SourceLocation } from '../../util/location';

/**
 * Reading an evidence bundle, shared by the host, platform and guest fact builders: the content of what could be
 * read, and — for what could not — the reason a rule is then reported as not evaluated.
 */

export const at = (file: string, line = 1, column = 1): SourceLocation => ({ file, line, column });

/** Pseudo file name for locations inside a command's output (`command:sasldblistusers2`). */
export const commandFile = (id: string): string => `command:${id}`;

/**
 * Content of a file that was read whole; undefined when it was not (or was only stat'ed). A file larger than the
 * evidence limit (state `too-large`, content truncated) gives no content: a verdict on its first part could be
 * wrong (a setting after the limit overrides the ones before), so its rules are not evaluated (fileReason).
 */
export function okText(f: FileEvidence): string | undefined {
  return f.state === 'ok' && !f.truncated && f.content !== undefined ? f.content : undefined;
}

/** stdout of a command that ran and exited 0, whole (a truncated output gives none: see commandReason). */
export function okStdout(c: CommandEvidence): string | undefined {
  return c.state === 'ok' && !c.truncated && (c.exitCode ?? 0) === 0 ? (c.stdout ?? '') : undefined;
}

const NEEDS_ROOT = ' (the check needs root; the scan ran unprivileged)';

/** Why a file item gives no facts; says so when an unprivileged scan was refused. */
export function fileReason(f: FileEvidence, privileged: boolean): string {
  const why: Record<string, string> = {
    missing: 'does not exist',
    denied: `permission denied${privileged ? '' : NEEDS_ROOT}`,
    'not-regular': 'is not a regular file',
    'too-large': `is larger than the ${EVIDENCE_LIMIT / 1048576} MiB evidence limit${f.size !== undefined ? ` (${f.size} bytes)` : ''}; not evaluated on a truncated copy`,
    error: f.error ?? 'could not be read',
  };
  return `${f.path}: ${why[f.state] ?? (f.state === 'ok' ? 'was not read (stat only)' : f.state)}`;
}

/** Why a directory listing gives no facts. */
export function dirReason(path: string, d: EvidenceBundle['dirs'][string] | undefined, privileged: boolean): string {
  if (!d) return `${path}: not collected`;
  if (d.state === 'denied') return `${path}: permission denied${privileged ? '' : NEEDS_ROOT}`;
  if (d.state === 'missing') return `${path}: does not exist`;
  return `${path}: ${d.error ?? d.state}`;
}

/** Why a command gives no facts; `what` is how the message names it (usually its command line). */
export function commandReason(c: CommandEvidence, what: string, privileged: boolean): string {
  if (c.state === 'ok' && c.truncated) return `${what}: output larger than the ${EVIDENCE_LIMIT / 1048576} MiB evidence limit; not evaluated on a truncated copy`;
  switch (c.state) {
    case 'not-found':
      return `${what}: program not installed (or not collected)`;
    case 'denied':
      return `${what}: not permitted${privileged ? '' : NEEDS_ROOT}`;
    case 'not-applicable':
      return `${what}: not available for an offline root or snapshot`;
    case 'timeout':
      return `${what}: timed out`;
    case 'error':
      return `${what}: ${c.error ?? 'failed'}`;
    default: {
      const first = (c.stderr ?? '').split('\n').find((l) => l.trim() !== '');
      return `${what}: exited with status ${c.exitCode ?? '?'}${first ? ` (${first.trim().slice(0, 120)})` : ''}`;
    }
  }
}
