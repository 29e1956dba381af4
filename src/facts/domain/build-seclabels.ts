/** Domain facts, <seclabel> elements (type, model, relabel, labels and their MCS level, as SELinux parses them). */
import { parseSelinuxContext, formatCategories } from '../host/selinux';
import { child, childrenNamed, type XmlElement } from '../xml';
import { attr, located } from './build-common';
import { type DomainFacts } from './model';

export function buildSeclabels(root: XmlElement): DomainFacts['seclabels'] {
  const mcsOf = (label: string | undefined): string | null => {
    const l = label === undefined ? undefined : parseSelinuxContext(label)?.level?.low;
    return l ? `s${l.sensitivity}${l.categories.length ? `:${formatCategories(l.categories)}` : ''}` : null;
  };
  const seclabels: DomainFacts['seclabels'] = childrenNamed(root, 'seclabel').map((s, i) => ({
    ...located(s, `seclabel[${attr(s, 'model') ?? `#${i}`}]`),
    type: attr(s, 'type'),
    model: attr(s, 'model'),
    relabel: attr(s, 'relabel'),
    label: child(s, 'label')?.text ?? null,
    mcs: mcsOf(child(s, 'label')?.text),
    imagelabel: child(s, 'imagelabel')?.text ?? null,
    baselabel: child(s, 'baselabel')?.text ?? null,
  }));
  return seclabels;
}
