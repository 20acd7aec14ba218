/**
 * Bundles the CLI into one CommonJS file, dist/bundle/cidx.cjs, after tsc.
 * Node 20 resolves and compiles each ESM file separately, and execa, zod and
 * cosmiconfig are hundreds of files; one file is also what lets the launcher
 * (cli/launch.ts) hand V8 a code cache, which ES modules cannot take on
 * Node 20. Modules a command imports lazily stay lazy: esbuild wraps them in
 * functions that run on first import. The library entry (dist/core/index.js)
 * stays unbundled ESM for plugins and embedders.
 */
import { build, type BuildOptions, type Plugin } from 'esbuild';
import path from 'node:path';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

await rm(new URL('../../dist/bundle/', import.meta.url), { recursive: true, force: true });

/**
 * What most runs never load stays out of the main file, so V8 has less to
 * read and deserialise on every start: the config validator (zod) runs only
 * when the config changed, the transpiler (sucrase) only when a .ts config
 * changed, `cidx import` (with its YAML parser, a fifth of the CLI) once per
 * project. The validator and the import command get bundles of their own;
 * sucrase loads from node_modules as it is.
 *
 * Both are imported with `import()`, which esbuild keeps as is for an
 * external module, and code compiled by the launcher cannot run. So the
 * import resolves to a small bundled module that `require()`s the outside
 * file: esbuild turns that import into a lazy `require`, and CommonJS
 * resolves the path relative to the bundle.
 */
const VALIDATOR = 'dist/core/config/validate.js';
const IMPORT_COMMAND = 'dist/cli/commands/import.js';
/** Each rarely used module's own bundle, by the module's path (built below, and required lazily by the main one). */
const SPLIT: Record<string, string> = { [VALIDATOR]: './validate.cjs', [IMPORT_COMMAND]: './import.cjs' };
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** What an import of one of them (or of sucrase) looks like before it is resolved: `…/validate.js`, `./import.js`. */
const SPLIT_IMPORT = new RegExp(`^(sucrase|.*(${Object.keys(SPLIT).map((module) => escape(path.basename(module))).join('|')}))$`);
const LAZY = 'lazy-require';
const splitRarelyUsed: Plugin = {
  name: 'split-rarely-used',
  setup(build) {
    build.onResolve({ filter: SPLIT_IMPORT }, (args) => {
      if (args.namespace === LAZY) return undefined; // the require() inside: external, below
      if (args.path === 'sucrase') return { path: 'sucrase', namespace: LAZY };
      const split = Object.entries(SPLIT).find(([module]) => path.resolve(args.resolveDir, args.path) === path.join(root, module));
      return split ? { path: split[1], namespace: LAZY } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: LAZY }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
    build.onResolve({ filter: /.*/, namespace: LAZY }, (args) => ({ path: args.path, external: true }));
  },
};

const common: BuildOptions = {
  absWorkingDir: root,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // cosmiconfig imports the TypeScript compiler for its own .ts loader, which cidx replaces.
  external: ['typescript'],
  // CommonJS has no import.meta; the modules that use it want the file they run from.
  define: { 'import.meta.url': '__cidxBundleUrl' },
  banner: { js: "var __cidxBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  // Smaller source is less for V8 to parse when the code cache is cold (a new build or Node).
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
};

for (const [module, bundle] of Object.entries(SPLIT)) await build({ ...common, entryPoints: [module], outfile: path.join('dist/bundle', bundle) });
// The launcher as CommonJS too: bin/cidx.js then starts without Node's ES module loader (~4 ms).
await build({ ...common, entryPoints: ['dist/cli/launch.js'], outfile: 'dist/bundle/launch.cjs' });
await build({ ...common, entryPoints: ['dist/cli/main.js'], outfile: 'dist/bundle/cidx.cjs', plugins: [splitRarelyUsed] });
