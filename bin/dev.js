#!/usr/bin/env node
// Development entry point: same CLI, but fails early with a hint when dist/ is missing.
const fs = require('node:fs');
const path = require('node:path');
if (!fs.existsSync(path.join(__dirname, '..', 'dist', 'commands'))) {
  console.error('vmaudit: dist/ is missing; run `npm run build` first.');
  process.exit(2);
}
require('@oclif/core').execute({ development: true, dir: __dirname }).catch(require('@oclif/core/handle'));
