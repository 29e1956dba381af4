import type { EvidenceBundle } from '../collect/evidence';
import { parseDomainXml } from '../facts/domain/build';
import type { DomainFacts } from '../facts/domain/model';
import { buildHostFacts } from '../facts/host/build';
import type { TargetRef } from './findings';
import type { ScanAccumulator } from './scan';

/**
 * Audits one host from its evidence: every domain defined on it (domain rules, subjects prefixed with the domain
 * name), the host itself (host rules), and the joins of both (cross rules see `host` and `domains`).
 * A domain definition that cannot be parsed is reported (DOM-XML-001 and a target error) without stopping the rest.
 */
export function scanHostBundle(acc: ScanAccumulator, bundle: EvidenceBundle): void {
  const target: TargetRef = { kind: 'host', name: bundle.target.name };
  const { host, unknown, domains: texts } = buildHostFacts(bundle);
  const domains: DomainFacts[] = [];
  for (const d of texts) {
    const parsed = d.text === undefined ? undefined : parseDomainXml(d.text, d.file);
    // input.problems: why the file yields no domain, or (parsed) the values libvirt refuses and duplicates it ignores.
    const problems = parsed === undefined ? [{ code: 'input.unreadable', level: 'error' as const, message: d.readError ?? 'unreadable', location: { file: d.file, line: 1, column: 1 } }] : parsed.ok ? parsed.domain.problems : parsed.problems;
    if (parsed?.ok) domains.push(parsed.domain);
    const label = parsed?.ok && parsed.domain.name ? parsed.domain.name : d.file;
    if (!parsed?.ok && problems.length) acc.addError({ target, kind: 'input', message: `${d.file}: ${problems[0].message}`, location: problems[0].location });
    acc.evaluate(['domain'], {
      target,
      vars: { domain: parsed?.ok ? parsed.domain : null, input: { file: d.file, problems: problems.map((p) => ({ ...p, loc: p.location ?? { file: d.file, line: 1, column: 1 }, key: (p as { key?: string }).key ?? p.code })) } },
      unknown: parsed?.ok ? {} : { domain: `${d.file} could not be parsed (${problems[0]?.message})` },
      subjectPrefix: `domain[${label}]/`,
    });
  }
  acc.evaluate(['host'], { target, vars: { host }, unknown });
  acc.evaluate(['cross'], { target, vars: { host, domains }, unknown });
}
