/**
 * Which cidx is being measured: the commit, and whether the code bin/cidx.js
 * runs is older than the last `tsc` (the CLI may run a bundle built by a
 * separate step; a stale one would make every number a lie).
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CIDX_BIN, timed } from './exec.js';

export interface BuildInfo {
  /** `git describe --always --dirty`, or null outside a checkout. */
  revision: string | null;
  /** What bin/cidx.js loads, relative to the repo. */
  entry: string | null;
  warnings: string[];
}

const repo = fileURLToPath(new URL('../../../', import.meta.url));

export async function buildInfo(): Promise<BuildInfo> {
  const git = await timed('git', ['describe', '--always', '--dirty', '--abbrev=12'], { cwd: repo, timeout: 10_000 }).catch(() => undefined);
  const info: BuildInfo = { revision: git?.exitCode === 0 ? git.stdout.trim() : null, entry: null, warnings: [] };
  const launcher = readFileSync(CIDX_BIN, 'utf8');
  const imported = /(?:from\s+|require\()['"](\.[^'"]+)['"]/.exec(launcher)?.[1];
  if (!imported) return info;
  const entry = path.resolve(path.dirname(CIDX_BIN), imported);
  info.entry = path.relative(repo, entry);
  const compiled = path.join(repo, 'dist', 'cli', 'main.js');
  // The launcher runs the bundle, which a separate step builds from what tsc wrote.
  for (const built of [entry, path.join(repo, 'dist', 'bundle', 'cidx.cjs')]) {
    const name = path.relative(repo, built);
    try {
      if (built !== compiled && statSync(built).mtimeMs + 1_000 < statSync(compiled).mtimeMs) {
        info.warnings.push(`${name} is older than dist/cli/main.js: run \`npm run build\` so the benchmark measures the current code`);
      }
    } catch (error) {
      info.warnings.push(`cannot check ${name}: ${(error as Error).message}`);
    }
  }
  return info;
}
