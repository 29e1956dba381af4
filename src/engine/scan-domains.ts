import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDomainXml } from '../facts/domain/build';
import type { DomainFacts } from '../facts/domain/model';
import { MAX_XML_BYTES } from '../facts/xml';
import type { Problem } from '../util/problem';
import { readRegularFile } from '../util/read-input';
import type { Rule } from './generated/rule';
import { ScanAccumulator, type RuleSelection } from './scan';
import type { TargetRef } from './findings';

export interface DomainInput {
  /** As shown to the user and used as the SARIF artifact URI (relative to the working directory). */
  file: string;
  text?: string;
  /** Why the text could not be read. */
  readError?: string;
}

/**
 * Reads a domain XML file; never throws, never blocks and never reads more than the parser's size cap.
 * The file is opened non-blocking (a FIFO or device given by mistake does not hang the scan), then checked with
 * fstat on the open descriptor (no stat/open race): only regular files are read, at most MAX_XML_BYTES + 1 bytes.
 */
export function readDomainFile(file: string): DomainInput {
  const r = readRegularFile(file, MAX_XML_BYTES, 'a domain XML file');
  if (r.ok) return { file, text: r.data.toString('utf8') };
  return { file, readError: r.reason === 'is a directory' ? 'is a directory, not a domain XML file' : r.reason };
}

/**
 * Evaluates domain-scope rules against one domain XML text, adding to `acc`. Besides `domain`, rules see
 * `input.problems`: everything wrong with the input (unreadable, not well-formed, refused, values libvirt rejects,
 * duplicates it ignores), each with `loc` and `key`. A document that yields no domain is also a scan error.
 */
export function scanDomainInput(acc: ScanAccumulator, input: DomainInput): void {
  const target: TargetRef = { kind: 'domain', name: input.file };
  let problems: Problem[];
  let domain: DomainFacts | null = null;
  if (input.text === undefined) {
    problems = [{ code: 'input.unreadable', level: 'error', message: input.readError ?? 'unreadable', location: { file: input.file, line: 1, column: 1 } }];
  } else {
    const parsed = parseDomainXml(input.text, input.file);
    if (parsed.ok) {
      domain = parsed.domain;
      problems = parsed.domain.problems;
    } else problems = parsed.problems;
  }
  const fatal = domain === null ? (problems.find((p) => p.level === 'error') ?? problems[0]) : undefined;
  if (domain === null) {
    const at = fatal?.location ? `${fatal.location.file}:${fatal.location.line}:${fatal.location.column}` : input.file;
    acc.addError({ target, kind: 'input', message: `${at}: ${fatal?.message ?? 'no domain'}`, ...(fatal?.location ? { location: fatal.location } : {}) });
  }
  const unknown: Record<string, string> = {};
  if (domain === null) unknown.domain = `${input.file} could not be parsed (${fatal?.message ?? 'unknown error'})`;
  const fileLoc = { file: input.file, line: 1, column: 1 };
  acc.evaluate(['domain'], {
    target,
    vars: { domain, input: { file: input.file, problems: problems.map((p) => ({ ...p, loc: p.location ?? fileLoc, key: (p as { key?: string }).key ?? p.code })) } },
    unknown,
  });
}

/**
 * The name a domain file is reported under (target name, finding location, SARIF artifact URI): a path below the
 * working directory becomes relative (`./vms/a.xml` and `/cwd/vms/a.xml` both `vms/a.xml`), so fingerprints do not
 * depend on how the path was typed; a path elsewhere stays absolute.
 */
export function displayPath(file: string, cwd = process.cwd()): string {
  const abs = path.resolve(cwd, file);
  const rel = path.relative(cwd, abs);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : abs;
}

/** Reads a domain file given on the command line, named as the reports show it (see displayPath). */
export function readDomainArg(file: string): DomainInput {
  return { ...readDomainFile(file), file: displayPath(file) };
}

/** The rules a domain file scan runs: domain scope only (rules of other scopes cannot run on a file). */
export function domainFileRules(rules: readonly Rule[]): Rule[] {
  return rules.filter((r) => r.scope === 'domain');
}

/** Scans domain XML files with the domain-scope rules. */
export function scanDomainFiles(files: readonly string[], rules: readonly Rule[], selection?: RuleSelection) {
  const acc = new ScanAccumulator(domainFileRules(rules), selection);
  for (const f of files) scanDomainInput(acc, readDomainArg(f));
  return acc.result();
}
