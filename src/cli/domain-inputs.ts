import * as path from 'node:path';
import { readDirectoryArg } from './directory-arg';
import type { Readable } from 'node:stream';
import { displayPath, type DomainInput } from '../engine/scan-domains';
import { decodeXmlBytes, MAX_XML_BYTES } from '../facts/xml';
import { describeReadError, formatLimit } from '../util/read-input';
import { UsageError } from './usage-error';

/** The target name (and location file) of a domain read from stdin (`-`). */
export const STDIN_NAME = '<stdin>';

/** What `scan domain ARGS...` audits: files to read (possibly in workers) and inputs already read (stdin, unlistable directories). */
export interface DomainArgs {
  files: string[];
  inputs: DomainInput[];
}

/**
 * Expands the arguments of `scan domain`:
 * - `-` is the domain XML on stdin (`virsh dumpxml VM | vmaudit scan domain -`), read up to the same limit as a file
 *   (MAX_XML_BYTES) and reported as `<stdin>`; given twice, or when stdin is a terminal, it is a usage error;
 * - a directory stands for the `*.xml` files directly in it (not its subdirectories: /etc/libvirt/qemu holds
 *   networks/ and autostart/ below the domains), hidden files skipped as the shell's glob does, in name order; a
 *   directory with none is a usage error; one that cannot be listed is a target that could not be scanned;
 * - anything else is a file, read later (a missing one is a target that could not be scanned).
 */
export async function expandDomainArgs(args: readonly string[], stdin: Readable & { isTTY?: boolean } = process.stdin): Promise<DomainArgs> {
  const files: string[] = [];
  const inputs: DomainInput[] = [];
  let stdinSeen = false;
  for (const arg of args) {
    if (arg === '-') {
      if (stdinSeen) throw new UsageError('"-" (the domain XML on stdin) is given more than once');
      stdinSeen = true;
      if (stdin.isTTY) throw new UsageError('"-" reads a domain XML from stdin, but stdin is a terminal: pipe one in, e.g. virsh dumpxml VM | vmaudit scan domain -');
      inputs.push(await readDomainStdin(stdin));
      continue;
    }
    const listed = readDirectoryArg(arg, (d) => d.name.endsWith('.xml') && !d.isDirectory());
    if (listed.kind === 'file') {
      files.push(arg);
      continue;
    }
    if (listed.kind === 'unlistable') {
      inputs.push({ file: displayPath(arg), readError: `is a directory that cannot be listed: ${describeReadError(listed.error)}` });
      continue;
    }
    const names = listed.names;
    if (names.length === 0) throw new UsageError(`${arg}: no *.xml file in this directory (subdirectories are not searched)`);
    for (const n of names) files.push(path.join(arg, n));
  }
  return { files, inputs };
}

/** Reads the domain XML on stdin, at most MAX_XML_BYTES (reading stops past the limit: `yes | vmaudit scan domain -` ends). */
export async function readDomainStdin(stdin: Readable, limit = MAX_XML_BYTES): Promise<DomainInput> {
  const chunks: Buffer[] = [];
  let len = 0;
  try {
    for await (const chunk of stdin) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      chunks.push(b);
      len += b.length;
      if (len > limit) {
        stdin.destroy();
        return { file: STDIN_NAME, readError: `larger than the ${formatLimit(limit)} limit for a domain XML file; not read` };
      }
    }
  } catch (err) {
    return { file: STDIN_NAME, readError: describeReadError(err) };
  }
  const decoded = decodeXmlBytes(Buffer.concat(chunks, len), STDIN_NAME);
  return decoded.ok ? { file: STDIN_NAME, text: decoded.text } : { file: STDIN_NAME, decodeError: decoded.problem };
}
