#!/usr/bin/env node
// Production entry point: runs the compiled CLI in dist/. Subpath requires keep the @oclif/core index (help, ux,
// semver) off the start-up path; oclif.manifest.json (written by `npm run build`) spares loading every command.
// dist/cli/compile-cache.js loads modules with the V8 code cache and the CommonJS copy of the CEL library that the
// build made (start-up time, issue 14); without them everything loads the ordinary way.
try {
  require('../dist/cli/compile-cache').install(require('node:path').join(__dirname, '..'));
} catch {
  /* not built: oclif reports it */
}
// Never the TypeScript sources: under NODE_ENV=development or test, oclif would otherwise look for typescript and
// src/ (and warn on stderr when, as in an npm install, there are none).
require('@oclif/core/settings').settings.enableAutoTranspile = false;
require('@oclif/core/execute').execute({ dir: __dirname }).catch(require('@oclif/core/handle').handle);
