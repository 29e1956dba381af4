#!/usr/bin/env node
// Production entry point: runs the compiled CLI in dist/.
require('@oclif/core').execute({ dir: __dirname }).catch(require('@oclif/core/handle'));
