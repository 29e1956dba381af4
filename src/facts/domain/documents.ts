import { buildDomain, type DomainParseResult } from './build';
import { child, parseXmlDocuments, type XmlElement } from '../xml';

/**
 * The domains a file holds, as they come:
 * - a `<domain>` definition (`virsh dumpxml`, /etc/libvirt/qemu/NAME.xml);
 * - a `<domstatus>` document, libvirt's live state (/run/libvirt/qemu/NAME.xml: `state`, `pid`, monitor, vCPU
 *   threads, capabilities... around the running definition): audited as the `<domain>` it holds, which libvirt
 *   reads as `./domain` (the first one); that definition carries `id=`, so it is a live domain. Locations are
 *   those of the inner elements in the file (paths start `/domstatus[1]/domain[1]`);
 * - several documents one after the other (`virt-install --print-xml`): one result per document (see
 *   parseXmlDocuments). A file with one document gives one result, as parseDomainXml does.
 * Never throws for bad input.
 */
export function parseDomainDocuments(text: string, file: string): DomainParseResult[] {
  return parseXmlDocuments(text, file).map((parsed): DomainParseResult => {
    if (!parsed.ok) return parsed;
    let root: XmlElement = parsed.root;
    if (root.local === 'domstatus' && root.ns === '') {
      const inner = child(root, 'domain');
      if (!inner) {
        return { ok: false, problems: [{ code: 'xml.not-a-domain', level: 'error', message: 'libvirt status document <domstatus> holds no <domain> (libvirt: "no domain config")', location: root.loc }] };
      }
      root = inner;
    }
    if (root.local !== 'domain' || root.ns !== '') {
      return { ok: false, problems: [{ code: 'xml.not-a-domain', level: 'error', message: `root element is <${root.name}>, not a libvirt <domain>`, location: root.loc }] };
    }
    return buildDomain(root, file);
  });
}
