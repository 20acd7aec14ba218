/**
 * Bundles the CLI into dist/bundle/ after tsc. Node 20 resolves and compiles
 * each ESM file separately and execa, zod and cosmiconfig are hundreds of
 * files; one bundle (with lazily loaded chunks per command) halves the CPU
 * time of a short command such as `cidx port`. The library entry
 * (dist/core/index.js) stays unbundled for plugins and embedders.
 */
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

// Chunk names carry content hashes: clear old ones so dist/bundle holds one build.
await rm(new URL('../../dist/bundle/', import.meta.url), { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: { cidx: 'dist/cli/main.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // cosmiconfig imports the TypeScript compiler for its own .ts loader, which cidx replaces.
  external: ['typescript'],
  // Bundled CommonJS dependencies call require(); ESM output has none of its own.
  banner: { js: "import { createRequire as __cidxCreateRequire } from 'node:module'; const require = __cidxCreateRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
});
