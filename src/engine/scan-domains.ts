import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DomainParseResult } from '../facts/domain/build';
import { parseDomainDocuments } from '../facts/domain/documents';
import type { DomainFacts } from '../facts/domain/model';
import { decodeXmlBytes, MAX_XML_BYTES } from '../facts/xml';
import type { Problem } from '../util/problem';
import { readRegularFile } from '../util/read-input';
import type { Rule } from './generated/rule';
import { ScanAccumulator, type RuleSelection } from './scan';
import type { Finding, TargetRef } from './findings';
import type { SourceLocation } from '../util/location';

export interface DomainInput {
  /** As shown to the user and used as the SARIF artifact URI (relative to the working directory). */
  file: string;
  text?: string;
  /** Why the text could not be read. */
  readError?: string;
  /** Why the bytes read are not text (not UTF-8, an unknown declared encoding): a well-formedness error. */
  decodeError?: Problem;
}

/**
 * Reads a domain XML file; never throws, never blocks and never reads more than the parser's size cap.
 * The file is opened non-blocking (a FIFO or device given by mistake does not hang the scan), then checked with
 * fstat on the open descriptor (no stat/open race): only regular files are read, at most MAX_XML_BYTES + 1 bytes.
 */
export function readDomainFile(file: string, shownAs = file): DomainInput {
  const r = readRegularFile(file, MAX_XML_BYTES, 'a domain XML file');
  if (r.ok) {
    // Decoded as libxml2 decodes it: invalid UTF-8 is a well-formedness error with its line, not U+FFFD.
    const decoded = decodeXmlBytes(r.data, shownAs);
    return decoded.ok ? { file, text: decoded.text } : { file, decodeError: decoded.problem };
  }
  return { file, readError: r.reason === 'is a directory' ? 'is a directory, not a domain XML file' : r.reason };
}

/**
 * Evaluates domain-scope rules against one domain XML file, adding to `acc`. Besides `domain`, rules see
 * `input.problems`: everything wrong with the input (unreadable, not well-formed, refused, values libvirt rejects,
 * duplicates it ignores), each with `loc` and `key`. A document that yields no domain is also a scan error.
 * A file holding several documents (`virt-install --print-xml`) is one target per document, `FILE#1`, `FILE#2`...;
 * their locations name FILE itself (line numbers into it), so SARIF results still point at the file.
 */
export function scanDomainInput(acc: ScanAccumulator, input: DomainInput): void {
  if (input.text === undefined && !input.decodeError) {
    // Nothing was read (missing, a directory that cannot be listed, a FIFO, over the size limit): one scan error for
    // the target and no rule evaluation; every rule "not evaluated" would only repeat that error once per rule.
    const location = { file: input.file, line: 1, column: 1 };
    acc.addError({ target: { kind: 'domain', name: input.file }, kind: 'input', message: `${input.file}:1:1: ${input.readError ?? 'cannot be read'}`, location });
    return;
  }
  if (input.text === undefined) {
    scanDomainDocument(acc, input.file, input.file, { ok: false, problems: [input.decodeError!] });
    return;
  }
  const docs = parseDomainDocuments(input.text, input.file);
  docs.forEach((parsed, k) => scanDomainDocument(acc, input.file, docs.length > 1 ? `${input.file}#${k + 1}` : input.file, parsed));
}

function scanDomainDocument(acc: ScanAccumulator, file: string, name: string, parsed: DomainParseResult): void {
  const target: TargetRef = { kind: 'domain', name };
  const domain: DomainFacts | null = parsed.ok ? parsed.domain : null;
  const problems: Problem[] = parsed.ok ? parsed.domain.problems : parsed.problems;
  const fileLoc = { file, line: 1, column: 1 };
  const fatal = domain === null ? (problems.find((p) => p.level === 'error') ?? problems[0]) : undefined;
  const unknown: Record<string, string> = {};
  if (domain === null) unknown.domain = `${name} could not be parsed (${fatal?.message ?? 'unknown error'})`;
  const added = acc.evaluate(
    ['domain'],
    {
      target,
      // No host in a domain-file scan: rules that use the host's facts in host scans check `host != null`.
      vars: { domain, host: null, domains: null, input: { file, problems: problems.map((p) => ({ ...p, loc: p.location ?? fileLoc, key: (p as { key?: string }).key ?? p.code })) } },
      unknown,
    },
    // A document that yields no domain is reported once: no rule is listed "not evaluated" because of it.
    { quietUnknown: domain === null },
  );
  if (domain === null && markFatal(added, fatal, fileLoc)) return;
  if (domain === null) {
    // Nothing reported why (DOM-XML-001 disabled by the policy or --rules, or no error-level problem): a target error.
    const at = fatal?.location ? `${fatal.location.file}:${fatal.location.line}:${fatal.location.column}` : file;
    acc.addError({ target, kind: 'input', message: `${at}: ${fatal?.message ?? 'no domain'}`, ...(fatal?.location ? { location: fatal.location } : {}) });
  }
}

/**
 * Marks `fatal` the finding that reports `problem` (a finding of a rule over `input.problems`, e.g. DOM-XML-001, at its
 * location): then that finding is the one report of an input that yields no domain (like a linter's fatal parse
 * error), and the input is not also a target error. False when none does.
 */
export function markFatal(findings: readonly Finding[], problem: Problem | undefined, fallback: SourceLocation): boolean {
  if (!problem) return false;
  const at = problem.location ?? fallback;
  const f = findings.find((x) => x.location !== null && x.location.file === at.file && x.location.line === at.line && x.location.column === at.column && x.message.startsWith(problem.message));
  if (f) f.fatal = true;
  return f !== undefined;
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
  const shown = displayPath(file);
  return { ...readDomainFile(file, shown), file: shown };
}

/** The rules a domain file scan runs: domain scope only (rules of other scopes cannot run on a file). */
export function domainFileRules(rules: readonly Rule[]): Rule[] {
  return rules.filter((r) => r.scope === 'domain');
}

/** Scans domain XML files, and inputs already read (`preread`: stdin), with the domain-scope rules. */
export function scanDomainFiles(files: readonly string[], rules: readonly Rule[], selection?: RuleSelection, preread: readonly DomainInput[] = []) {
  const acc = new ScanAccumulator(domainFileRules(rules), selection);
  for (const input of preread) scanDomainInput(acc, input);
  for (const f of files) scanDomainInput(acc, readDomainArg(f));
  return acc.result();
}
