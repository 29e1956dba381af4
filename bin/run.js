#!/usr/bin/env node
// Production entry point: runs the compiled CLI in dist/. Subpath requires keep the @oclif/core index (help, ux,
// semver) off the start-up path; oclif.manifest.json (written by `npm run build`) spares loading every command.
// Never the TypeScript sources: under NODE_ENV=development or test, oclif would otherwise look for typescript and
// src/ (and warn on stderr when, as in an npm install, there are none).
require('@oclif/core/settings').settings.enableAutoTranspile = false;
require('@oclif/core/execute').execute({ dir: __dirname }).catch(require('@oclif/core/handle').handle);
