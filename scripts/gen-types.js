#!/usr/bin/env node
// Generates TypeScript types from the JSON Schemas in schemas/, and docs/facts.md from schemas/facts (never hand-edit the outputs).
// `node scripts/gen-types.js` writes them; `--check` exits 1 when a committed file is stale.
const fs = require('node:fs');
const path = require('node:path');
const { compile } = require('json-schema-to-typescript');

const root = path.join(__dirname, '..');
const targets = [
  { schema: 'schemas/rule.schema.json', out: 'src/engine/generated/rule.ts' },
  { schema: 'schemas/policy.schema.json', out: 'src/engine/generated/policy.ts' },
  // The fact model (what rules see in CEL): src/facts/*/model*.ts re-export these types.
  { schema: 'schemas/facts/domain.schema.json', out: 'src/facts/generated/domain.ts', all: true },
  { schema: 'schemas/facts/host.schema.json', out: 'src/facts/generated/host.ts', all: true },
  { schema: 'schemas/facts/guest.schema.json', out: 'src/facts/generated/guest.ts', all: true },
];

async function generate(t) {
  const schema = JSON.parse(fs.readFileSync(path.join(root, t.schema), 'utf8'));
  return compile(schema, schema.title, {
    bannerComment: `/* Generated from ${t.schema} by scripts/gen-types.js — do not edit. */`,
    additionalProperties: false,
    // Fact schemas: every definition becomes an exported type, referenced or not.
    unreachableDefinitions: !!t.all,
    style: { singleQuote: true, printWidth: 120 },
  });
}

async function main() {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const t of targets) {
    if (!fs.existsSync(path.join(root, t.schema))) continue;
    const ts = await generate(t);
    const out = path.join(root, t.out);
    if (check) {
      if (!fs.existsSync(out) || fs.readFileSync(out, 'utf8') !== ts) {
        console.error(`stale: ${t.out} (run npm run gen)`);
        stale++;
      }
    } else {
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, ts);
      console.log(`wrote ${t.out}`);
    }
  }
  // docs/facts.md: the fact model as a page (field, type, meaning, evidence), from the same schemas.
  const doc = require('./facts-doc.js').factsDoc();
  const docPath = path.join(root, 'docs', 'facts.md');
  if (check) {
    if (!fs.existsSync(docPath) || fs.readFileSync(docPath, 'utf8') !== doc) {
      console.error('stale: docs/facts.md (run npm run gen)');
      stale++;
    }
  } else {
    fs.writeFileSync(docPath, doc);
    console.log('wrote docs/facts.md');
  }
  process.exit(stale ? 1 : 0);
}
main().catch((e) => {
  console.error(e.message);
  process.exit(2);
});
module.exports = { generate, targets };
