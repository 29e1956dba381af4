#!/usr/bin/env node
'use strict';
/**
 * Writes dist/rules.bundle.json (run by `npm run build`, after tsc): every built-in rule under rules/, loaded with
 * the same code as at run time (YAML → JSON Schema → CEL compile). Any invalid rule fails the build. At run time
 * the CLI reads this bundle instead of parsing YAML and compiling the schema validator, as long as the digest of
 * the rule files still matches (src/engine/rule-loader.ts, loadBuiltinRules); user `--rules` directories are
 * always validated at run time.
 */
const fs = require('node:fs');
const path = require('node:path');
const { isDeepStrictEqual } = require('node:util');
const loader = require('../dist/engine/rule-loader');

const { rules, errors } = loader.loadRuleDir(loader.BUILTIN_RULES_DIR);
const seen = new Map();
for (const r of rules) {
  if (seen.has(r.rule.id)) errors.push({ file: r.file, path: '/id', message: `duplicate rule id ${r.rule.id} (also in ${seen.get(r.rule.id)})` });
  seen.set(r.rule.id, r.file);
}
if (errors.length) {
  for (const e of errors) process.stderr.write(`invalid rule: ${e.file}${e.line ? `:${e.line}` : ''}${e.path ? ` ${e.path}` : ''}: ${e.message}\n`);
  fs.rmSync(loader.RULES_BUNDLE_PATH, { force: true });
  process.exit(1);
}
const bundle = {
  format: 'vmaudit-rules-bundle',
  version: 1,
  digest: loader.rulesDigest(loader.BUILTIN_RULES_DIR),
  stamp: loader.rulesStamp(rules.map((r) => r.file)),
  rules: rules.map((r) => ({ file: path.relative(loader.PACKAGE_ROOT, r.file).split(path.sep).join('/'), rule: r.rule })),
};
// The bundle must give the rules back exactly as the YAML loader does (no Dates, undefined or other non-JSON values).
const text = JSON.stringify(bundle);
if (!isDeepStrictEqual(JSON.parse(text).rules.map((r) => r.rule), rules.map((r) => r.rule))) {
  process.stderr.write('build-rules-bundle: a rule does not survive a JSON round trip\n');
  process.exit(1);
}
fs.writeFileSync(loader.RULES_BUNDLE_PATH, text + '\n');
process.stdout.write(`${path.relative(loader.PACKAGE_ROOT, loader.RULES_BUNDLE_PATH)}: ${rules.length} rules\n`);

// Shipped policies, validated now with the run-time code (src/engine/policy.ts reads them by text digest).
const policy = require('../dist/engine/policy');
const policies = {};
for (const name of policy.shippedPolicyNames()) {
  const { policy: resolved, errors: perr } = policy.loadPolicy(name);
  const checked = resolved ? resolved.check(rules.map((r) => r.rule)) : [];
  if (perr.length || checked.length) {
    for (const e of [...perr, ...checked]) process.stderr.write(`invalid shipped policy: ${policy.formatPolicyError(e)}\n`);
    fs.rmSync(policy.POLICIES_BUNDLE_PATH, { force: true });
    process.exit(1);
  }
  const file = path.join(loader.PACKAGE_ROOT, 'policies', `${name}.yaml`);
  const text = fs.readFileSync(file, 'utf8');
  const parsed = policy.parsePolicyText(text, file);
  policies[policy.policyTextDigest(text)] = parsed.layer.policy;
}
fs.writeFileSync(policy.POLICIES_BUNDLE_PATH, JSON.stringify({ format: 'vmaudit-policies-bundle', version: 1, policies }) + '\n');
process.stdout.write(`${path.relative(loader.PACKAGE_ROOT, policy.POLICIES_BUNDLE_PATH)}: ${Object.keys(policies).length} shipped policies\n`);
