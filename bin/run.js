#!/usr/bin/env node
// Production entry point: runs the compiled CLI in dist/. Subpath requires keep the @oclif/core index (help, ux,
// semver) off the start-up path; oclif.manifest.json (written by `npm run build`) spares loading every command.
require('@oclif/core/execute').execute({ dir: __dirname }).catch(require('@oclif/core/handle').handle);
