#!/usr/bin/env node
// Thin launcher for the bundled CLI, built by `npm run build` (which `npm ci` runs through `prepare`).
// CommonJS (see bin/package.json), like the bundle: starting without the ES module loader is faster.
'use strict';

require('../dist/bundle/launch.cjs')
  .launch(process.argv.slice(2))
  .then((exitCode) => {
    process.exitCode = exitCode;
  });
