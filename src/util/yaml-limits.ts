import type { Document } from 'yaml';

/**
 * `doc.toJS()` that never throws: the yaml package refuses documents whose aliases expand too much (a "billion
 * laughs" document: maxAliasCount, default 100) by throwing a ReferenceError; that becomes a reason the caller
 * reports as `FILE: YAML: reason`.
 */
export function yamlToJs(doc: Pick<Document, 'toJS'>): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) };
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { ok: false, reason: /alias/i.test(msg) ? `${msg} (aliases are limited to 100 expansions)` : msg };
  }
}
