/**
 * A ScriptRunner executes one POSIX sh script on a target and returns its raw output. Collection is always
 * "one script, one round trip": the evidence manifest is compiled into a single script (see manifest-script),
 * run locally with `sh` or remotely over a single SSH exec channel, and its framed stdout is decoded into an
 * EvidenceBundle. Runners never interpret the output.
 */
export interface ScriptResult {
  stdout: Buffer;
  stderr: string;
  exitCode: number | null;
  signal?: string | null;
  /** Set when stdout went over the runner's output limit: `stdout` holds only its first part, the rest was not read. */
  overflow?: string;
}

export interface ScriptRunOptions {
  /** Abort and reject with a ScanError('timeout') after this long. */
  timeoutMs?: number;
  /** Environment variables for the script (only names matching /^VMAUDIT_[A-Z0-9_]+$/ are passed remotely). */
  env?: Record<string, string>;
}

export interface ScriptRunner {
  /** A short human name for messages: `localhost`, `auditor@hv01:22`. Never contains secrets. */
  readonly label: string;
  run(script: string, options?: ScriptRunOptions): Promise<ScriptResult>;
  close?(): Promise<void>;
}

/** Why a target could not be scanned. Reported per target; other targets still complete. */
export type ScanErrorKind =
  | 'unreachable'
  | 'auth-failed'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'timeout'
  | 'connection-lost'
  | 'sudo-password-required'
  | 'protocol'
  | 'input'
  | 'internal';

export class ScanError extends Error {
  /** Evidence that arrived complete before the failure (an output over the limit): scanned, and the error reported too. */
  partial?: import('./evidence').EvidenceBundle;
  constructor(
    readonly kind: ScanErrorKind,
    message: string,
    readonly target?: string,
  ) {
    super(message);
    this.name = 'ScanError';
  }
}
