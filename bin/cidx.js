#!/usr/bin/env node
// Thin launcher for the bundled CLI, built by `npm run build` (which `npm ci` runs through `prepare`).
import { main } from '../dist/bundle/cidx.js';

process.exitCode = await main(process.argv.slice(2));
