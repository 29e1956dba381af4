/** Domain facts, QEMU namespace: <qemu:commandline> args and env, <qemu:override> devices (matched by URI, any prefix). */
import { child, childrenNamed, type XmlElement } from '../xml';
import { attr, located } from './build-common';
import { QEMU_NS, type DomainFacts } from './model';

export function buildQemuNamespace(root: XmlElement): DomainFacts['qemu'] {
  // qemu namespace (matched by URI, any prefix)
  const qemu: DomainFacts['qemu'] = { blocks: [], args: [], listeners: [], env: [], overrideDevices: [], ignoredForeign: [] };
  for (const el of root.children) {
    if (el.ns === QEMU_NS && (el.local === 'commandline' || el.local === 'override')) {
      const colon = el.name.indexOf(':');
      qemu.blocks.push({
        ...located(el, `qemu:${el.local}[${qemu.blocks.filter((b) => b.element === el.local).length}]`),
        element: el.local,
        prefix: colon === -1 ? '' : el.name.slice(0, colon),
        entries: el.children.filter((c) => c.ns === QEMU_NS).length,
      });
    }
    if (el.ns === QEMU_NS && el.local === 'commandline') {
      for (const a of childrenNamed(el, 'arg', QEMU_NS)) qemu.args.push({ ...located(a, `qemu:arg[${qemu.args.length}]`), value: attr(a, 'value') ?? '' });
      for (const e of childrenNamed(el, 'env', QEMU_NS)) qemu.env.push({ ...located(e, `qemu:env[${attr(e, 'name')}]`), name: attr(e, 'name'), value: attr(e, 'value') });
    } else if (el.ns === QEMU_NS && el.local === 'override') {
      for (const d of childrenNamed(el, 'device', QEMU_NS)) {
        const props = childrenNamed(child(d, 'frontend', QEMU_NS), 'property', QEMU_NS);
        qemu.overrideDevices.push({
          ...located(d, `qemu:override/device[${attr(d, 'alias')}]`),
          alias: attr(d, 'alias'),
          properties: props.map((p) => ({ ...located(p, `qemu:override/device[${attr(d, 'alias')}]/property[${attr(p, 'name')}]`), name: attr(p, 'name'), type: attr(p, 'type'), value: attr(p, 'value') })),
        });
      }
    } else if (el.ns !== '' && el.ns !== QEMU_NS && (el.local === 'commandline' || el.local === 'override')) {
      qemu.ignoredForeign.push(located(el, `foreign:${el.name}`));
    }
  }
  return qemu;
}
