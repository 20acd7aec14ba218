#!/usr/bin/env node
// Thin launcher for the bundled CLI, built by `npm run build` (which `npm ci` runs through `prepare`).
import { launch } from '../dist/cli/launch.js';

process.exitCode = await launch(process.argv.slice(2));
