/**
 * Shared plumbing of the domain fact builders (build-*.ts): attribute and cpuset reading, and the per-document
 * context that records problems the way libvirt reports them (duplicate singletons, invalid numbers and sizes).
 */
import { parseCpuset } from '../cpuset';
import { parseCount, scaledToKiB } from '../units';
import { childrenNamed, type XmlElement } from '../xml';
import type { CpusetFact, DomainFacts } from './model';

export const attr = (el: XmlElement | undefined, name: string): string | null => (el && name in el.attrs ? el.attrs[name] : null);

export const located = (el: XmlElement, key: string) => ({ loc: el.loc, key });

export function cpuset(text: string | null): CpusetFact | null {
  if (text === null) return null;
  const r = parseCpuset(text);
  return r.ok ? { text, cpus: r.cpus, error: null } : { text, cpus: null, error: r.message };
}

/** One document's build context: its problem list and the readers that add to it. */
export function domainBuildContext() {
  const problems: DomainFacts['problems'] = [];

  /** libvirt reads singletons as `./name[1]`: the first wins; later ones are reported. */
  const single = (parent: XmlElement | undefined, local: string, ns = ''): XmlElement | undefined => {
    if (!parent) return undefined;
    const all = childrenNamed(parent, local, ns);
    for (const dup of all.slice(1)) {
      problems.push({
        code: 'domain.duplicate-element',
        level: 'warning',
        message: `duplicate <${dup.name}> element: libvirt uses the first one (line ${all[0].loc.line}) and ignores this one`,
        location: dup.loc,
        loc: dup.loc,
        key: `duplicate:${dup.loc.path}`,
      });
    }
    return all[0];
  };
  const count = (el: XmlElement, text: string | null, what: string): number | null => {
    if (text === null) return null;
    const n = parseCount(text);
    if (n === undefined) {
      problems.push({ code: 'domain.invalid-number', level: 'error', message: `Invalid value '${text}' for ${what}`, location: el.loc, loc: el.loc, key: `number:${el.loc.path}:${what}` });
      return null;
    }
    return n;
  };
  const scaled = (el: XmlElement | undefined) => {
    if (!el) return null;
    const r = scaledToKiB(el.text, attr(el, 'unit') ?? undefined);
    if (!r.ok) problems.push({ code: 'domain.invalid-number', level: 'error', message: `Invalid value for <${el.name}>: ${r.message}`, location: el.loc, loc: el.loc, key: `number:${el.loc.path}` });
    return { ...located(el, el.local), kib: r.ok ? r.kib : null, error: r.ok ? null : r.message };
  };
  return { problems, single, count, scaled };
}

export type DomainBuildContext = ReturnType<typeof domainBuildContext>;
