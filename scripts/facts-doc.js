// docs/facts.md from schemas/facts/*.schema.json: every fact rules can read in CEL, with its type, meaning and the
// evidence it comes from. Written by `npm run gen` (scripts/gen-types.js), checked by its --check; never hand-edit.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const dir = path.join(root, 'schemas', 'facts');
const load = (f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));

function resolve(node, doc, docs) {
  if (!node.$ref) return { node, doc, name: undefined };
  const [file, pointer] = node.$ref.split('#');
  const d = file || doc;
  let n = docs[d];
  const parts = (pointer || '').split('/').filter(Boolean);
  for (const p of parts) n = n[p];
  return { node: n, doc: d, name: n.title || parts[parts.length - 1] };
}

/** One table cell: one line, `|` escaped, `<` and `>` escaped outside code spans (XML element names stay visible). */
const oneLine = (s) =>
  (s || '')
    .replace(/\s*\n\s*/g, ' ')
    .split('`')
    .map((part, i) => (i % 2 ? part : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('`')
    .replace(/\|/g, '\\|')
    .trim();

function factsDoc() {
  const docs = {};
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.schema.json')).sort()) docs[f] = load(f);
  const vars = docs['variables.schema.json'];
  const out = [
    '<!-- Generated from schemas/facts/*.schema.json by scripts/gen-types.js (npm run gen); do not edit. -->',
    '',
    '# Facts rules can read',
    '',
    'Rules are CEL expressions over these facts. The schemas in `schemas/facts/` are the one source: they generate the',
    "TypeScript types of the fact builders and this page, and every rule is type-checked against them when it is loaded (a",
    'field that does not exist, or a value of the wrong type, is a load error naming the file and line). Conventions: an',
    'absent element or attribute is `null` (never a missing key); numbers are plain numbers (CEL compares them with int',
    'literals; use `int(x)` for integer arithmetic); CPU/node sets are sorted lists; everything a finding can point at has',
    '`loc` (file, line, column) and `key` (its stable identity in fingerprints). A fact whose evidence could not be read is',
    '`null` and makes the rules that `requires` it *not evaluated*, never passed.',
    '',
    '## Variables per rule scope',
    '',
    '| scope | variable | type | meaning |',
    '| --- | --- | --- | --- |',
  ];
  for (const [scope, v] of Object.entries(vars['x-cel-variables'])) {
    for (const [name, node] of Object.entries(v)) out.push(`| ${scope} | \`${name}\` | ${typeText(node, 'variables.schema.json', docs)} | ${oneLine(node.description || resolve(node.allOf ? node.allOf[0] : node, 'variables.schema.json', docs).node.description)} |`);
    out.push(`| ${scope} | \`it\` | the element type of \`for-each\` | each subject (default: the scope's main object) |`);
    out.push(`| ${scope} | \`params\` | the rule's \`params\` | their values (defaults, or a policy's) |`);
  }
  out.push('');
  const expanded = new Map();
  const sections = [
    ['domain', 'domain.schema.json'],
    ['host', 'host.schema.json'],
    ['guest', 'guest.schema.json'],
  ];
  const rows = [];
  for (const [name, file] of sections) {
    const doc = docs[file];
    out.push(`## \`${name}\` (${doc.title})`, '', oneLine(doc.description), '', '| field | type | meaning | evidence |', '| --- | --- | --- | --- |');
    rows.length = 0;
    walk(doc, file, name, docs, expanded, rows, 0);
    out.push(...rows, '');
  }
  out.push('## Shared types', '', '| field | type | meaning |', '| --- | --- | --- |');
  const loc = docs['domain.schema.json'].definitions.SourceLocation;
  for (const [k, p] of Object.entries(loc.properties)) out.push(`| \`SourceLocation.${k}\` | ${typeText(p, 'domain.schema.json', docs)} | ${oneLine(p.description)} |`);
  out.push('');
  return out.join('\n');
}

/** The object node under allOf/anyOf/$ref/arrays, or undefined for scalars. */
function objectOf(node, doc, docs) {
  const r = resolve(node, doc, docs);
  node = r.node;
  doc = r.doc;
  if (node.allOf && node.allOf.length === 1) return objectOf(node.allOf[0], doc, docs);
  for (const alt of node.anyOf || node.oneOf || []) {
    const o = objectOf(alt, doc, docs);
    if (o) return o;
  }
  if (node.type === 'array' && node.items) return objectOf(node.items, doc, docs);
  if (node.properties && Object.keys(node.properties).length) return { node, doc, name: r.name || node.title };
  if (node.additionalProperties && typeof node.additionalProperties === 'object') return objectOf(node.additionalProperties, doc, docs);
  return undefined;
}

function walk(node, doc, prefix, docs, expanded, rows, depth) {
  const obj = objectOf(node, doc, docs);
  if (!obj) return;
  for (const [k, p] of Object.entries(obj.node.properties)) {
    const field = `${prefix}.${k}`;
    if (k === 'loc' || k === 'key') continue;
    const ev = (p['x-evidence'] || []).map((e) => oneLine(e)).join('<br>');
    rows.push(`| \`${field}\` | ${typeText(p, obj.doc, docs)} | ${oneLine(p.description || (objectOf(p, obj.doc, docs) || {}).node?.description)} | ${ev} |`);
    const inner = objectOf(p, obj.doc, docs);
    if (!inner) continue;
    const id = `${inner.doc}#${inner.name || field}`;
    const path = isList(p, obj.doc, docs) ? `${field}[]` : isMap(p, obj.doc, docs) ? `${field}[name]` : field;
    if (inner.name && expanded.has(id)) {
      rows.push(`| \`${path}.*\` | | as \`${expanded.get(id)}\` | |`);
      continue;
    }
    if (inner.name === 'SourceLocation') continue;
    if (inner.name) expanded.set(id, `${path}`);
    walk(p, obj.doc, path, docs, expanded, rows, depth + 1);
  }
}

function strip(node, doc, docs) {
  const r = resolve(node, doc, docs);
  node = r.node;
  if (node.allOf && node.allOf.length === 1) return strip(node.allOf[0], r.doc, docs);
  const alts = (node.anyOf || []).filter((a) => a.type !== 'null');
  if (alts.length === 1) return strip(alts[0], r.doc, docs);
  return { node, doc: r.doc };
}
const isList = (n, doc, docs) => strip(n, doc, docs).node.type === 'array' || (Array.isArray(strip(n, doc, docs).node.type) && strip(n, doc, docs).node.type.includes('array'));
const isMap = (n, doc, docs) => {
  const s = strip(n, doc, docs).node;
  return !Object.keys(s.properties || {}).length && typeof s.additionalProperties === 'object';
};

function typeText(node, doc, docs) {
  if (node.$ref) {
    const r = resolve(node, doc, docs);
    return r.name ? `${r.name}` : typeText(r.node, r.doc, docs);
  }
  if (node.allOf && node.allOf.length === 1) return typeText(node.allOf[0], doc, docs);
  if (node.anyOf || node.oneOf) return (node.anyOf || node.oneOf).map((a) => typeText(a, doc, docs)).join(' \\| ');
  if (node.enum) return node.enum.map((v) => (v === null ? 'null' : `'${v}'`)).join(' \\| ');
  if (node.const !== undefined) return `'${node.const}'`;
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  if (!types.length) return node.properties ? 'object' : 'any';
  return types
    .map((t) => {
      if (t === 'array') return `list of ${node.items ? typeText(node.items, doc, docs) : 'any'}`;
      if (t === 'object') {
        if (!Object.keys(node.properties || {}).length && typeof node.additionalProperties === 'object') return `map of name → ${typeText(node.additionalProperties, doc, docs)}`;
        return node.title || 'object';
      }
      return t === 'integer' ? 'number' : t;
    })
    .join(' \\| ');
}

module.exports = { factsDoc };
