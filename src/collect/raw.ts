import { statSync } from 'node:fs';
import * as path from 'node:path';
import { applyFixtureMeta, collectorVersion, loadFixtureMeta, resolveOwnerNames } from './collect';
import type { EvidenceBundle } from './evidence';
import { EVIDENCE_FORMAT, EVIDENCE_VERSION } from './evidence';
import { decodeFrames } from './frames';
import { manifestFor } from './manifest';
import { redactSecrets } from './redact';
import { ScanError } from './runner';
import { compileScript, SCRIPT_VERSION } from './script';

/**
 * The raw output of the collection script as any runner saved it (`vmaudit collect --script`, run by Ansible, Salt,
 * SSM, Rundeck... with its stdout saved per host), read as a snapshot: decoded exactly as vmaudit's own runners decode
 * it. The host is named by the file, as the runner named it (`out/hv01`, `out/hv01.out` → `hv01`).
 * Output that is not complete and clean is an input error naming the file and line: never a verdict.
 */
const BEGIN = /^(VMA[0-9a-f]{8,64}:) BEGIN (\S+) ([01]) ([01]) (-?\d+) ?(\S*)\r?$/;
const OUTPUT_EXTENSIONS = /\.(out|txt|raw|log|stdout)$/;

/** Whether text looks like collector output (a BEGIN line) rather than a JSON snapshot. */
export function isRawOutput(text: string): boolean {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  return !t.startsWith('{') && /^VMA[0-9a-f]{8,64}: BEGIN /m.test(t);
}

export function targetNameOf(file: string): string {
  return path.basename(file).replace(OUTPUT_EXTENSIONS, '') || file;
}

export function parseRawOutput(text: string, file: string): EvidenceBundle {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => BEGIN.test(l));
  const bad = (line: number, why: string): never => {
    throw new ScanError('input', `${file}:${line}: collector output ${why}; not scanned`, file);
  };
  if (at < 0) bad(1, 'has no BEGIN line (not vmaudit collect --script output)');
  const m = BEGIN.exec(lines[at])!;
  const [, nonce, version, , , , kind] = m;
  if (version !== String(SCRIPT_VERSION)) bad(at + 1, `is from script version ${version}; this vmaudit reads version ${SCRIPT_VERSION} (print the script again with vmaudit collect --script)`);
  if (kind !== 'host' && kind !== 'guest') bad(at + 1, `does not say whether it is host or guest evidence (BEGIN line ends in ${JSON.stringify(kind)})`);
  const k = kind as 'host' | 'guest';
  const done = lines.findIndex((l, i) => i > at && l.replace(/\r$/, '') === `${nonce} DONE`);
  const decoded = decodeFrames(Buffer.from(text, 'utf8'), nonce, manifestFor(k));
  if (done < 0) bad(lines.length - (lines[lines.length - 1] === '' ? 1 : 0), `ends before its DONE line (cut short: ${decoded.problems.join('; ') || 'incomplete'})`);
  if (decoded.badLine !== undefined) bad(decoded.badLine, `is damaged: ${decoded.problems.join('; ')}`);
  if (!decoded.complete || decoded.problems.length > 0) bad(done + 1, `is corrupt between lines ${at + 1} and ${done + 1}: ${decoded.problems.join('; ') || 'the stream does not reach its end'}`);
  const bundle: EvidenceBundle = {
    format: EVIDENCE_FORMAT,
    version: EVIDENCE_VERSION,
    target: { kind: k, name: targetNameOf(file), transport: 'snapshot' },
    collectedAt: savedAt(file),
    collector: { name: 'vmaudit', version: `script ${version}` },
    privileged: decoded.uid === 0,
    files: decoded.files,
    dirs: decoded.dirs,
    commands: decoded.commands,
  };
  redactSecrets(bundle);
  if (!decoded.live) {
    // an offline root (VMAUDIT_ROOT on the target): as collectEvidence does for --root / --remote-root
    if (process.env.VMAUDIT_FIXTURE_META) applyFixtureMeta(bundle, loadFixtureMeta(process.env.VMAUDIT_FIXTURE_META));
    resolveOwnerNames(bundle);
  }
  return bundle;
}

/** When the runner saved the output (its mtime): the collection time the file can tell. */
function savedAt(file: string): string {
  try {
    return statSync(file).mtime.toISOString();
  } catch {
    return new Date().toISOString();
  }
}

/** The script `collect --script` prints: the one vmaudit's own runners send, with a header saying what it is. */
export function collectorScript(kind: 'host' | 'guest'): string {
  const header = [
    '#!/bin/sh',
    `# vmaudit ${collectorVersion()} collect --script${kind === 'guest' ? ' --guest' : ''}: ${kind} evidence, collector script version ${SCRIPT_VERSION}.`,
    '# Run it with sh on the target (as root for complete evidence); it reads the evidence listed by',
    `# \`vmaudit collect${kind === 'guest' ? ' --guest' : ''} --list\`, writes nothing, and prints it on stdout. Save that output per host`,
    `# (e.g. out/hv01) and audit it with: vmaudit scan ${kind} --snapshot out/hv01 ...`,
    '# VMAUDIT_ROOT=DIR in its environment audits a root filesystem mounted at DIR instead of the running system.',
  ];
  return compileScript(manifestFor(kind), undefined, kind, header).script;
}
