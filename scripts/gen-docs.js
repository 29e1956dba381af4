#!/usr/bin/env node
// Writes docs/rules/<ID>.md for every shipped rule and docs/rules/README.md (never hand-edit them).
// Needs the compiled sources: `npm run docs` builds first. `--check` exits 1 when a committed page is stale.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
let loadRules, ruleDocs;
try {
  ({ loadRules } = require(path.join(root, 'dist', 'engine', 'rule-loader.js')));
  ({ ruleDocs } = require(path.join(root, 'dist', 'report', 'docs.js')));
} catch (e) {
  console.error(`gen-docs: dist/ is missing or stale (${e.message.split('\n')[0]}); run npm run build first`);
  process.exit(2);
}
const { rules, errors } = loadRules();
if (errors.length) {
  for (const e of errors) console.error(`${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}`);
  process.exit(2);
}
const outDir = path.join(root, 'docs', 'rules');
const files = ruleDocs(rules.map((r) => r.rule));
const check = process.argv.includes('--check');
let stale = 0;
fs.mkdirSync(outDir, { recursive: true });
for (const [name, text] of files) {
  const p = path.join(outDir, name);
  const cur = fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined;
  if (cur === text) continue;
  if (check) {
    console.error(`stale: docs/rules/${name}`);
    stale++;
  } else fs.writeFileSync(p, text);
}
for (const name of fs.readdirSync(outDir)) {
  if (name.endsWith('.md') && !files.has(name)) {
    if (check) {
      console.error(`stale: docs/rules/${name} (no such rule)`);
      stale++;
    } else fs.unlinkSync(path.join(outDir, name));
  }
}
if (!check) console.log(`docs/rules: ${files.size} files`);
process.exit(stale ? 1 : 0);
