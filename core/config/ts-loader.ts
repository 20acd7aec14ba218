/**
 * Loads `cidx.config.ts`. sucrase strips the types in a few milliseconds
 * (the TypeScript compiler takes ~0.5 s), but loading sucrase itself costs
 * ~80 ms, so an edit script (edit-script.ts) that rebuilds the transpiled code
 * from the source is cached by the source's hash.
 *
 * Nothing is written next to the config or anywhere else as code: the
 * transpiled module is imported from a `data:` URL, its relative imports
 * rewritten to absolute `file:` URLs. Code that still depends on where it
 * lives (a package import, a computed `import()`, `import.meta.resolve`) is
 * served from memory at the config's own URL by a module loader hook
 * (`module.register`), which costs a loader thread (~0.1 s) but no file.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isBuiltin, register } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TEMP_SUFFIX, writeFileAtomic } from '../atomic-write.js';
import { importModule } from '../import-module.js';
import { privateCacheDir, removeStaleFiles } from '../state-dirs.js';
import { applyEditScript, editScript, type EditOp } from './edit-script.js';

/** The package's other public entry points (package.json "exports"), for runtime plugins written in the config. */
const SUBPATHS: Record<string, string> = {
  'cidx/plugins': 'dist/plugins/index.js',
  'cidx/oci-cli': 'dist/plugins/oci-cli/index.js',
  'cidx/swarm': 'dist/plugins/swarm-runtime/index.js',
};
/** An import or export of `cidx`, one of SUBPATHS, or a path relative to the config: keyword, clause, quote, specifier. */
const IMPORT = new RegExp(
  `\\b(import|export)(\\s*\\{[^}]*\\}\\s*from\\s*|\\s+[^'"();]*?\\s+from\\s*|\\s*\\(\\s*|\\s*)(['"])(${[...Object.keys(SUBPATHS), 'cidx'].join('|')}|\\.{1,2}\\/[^'"\\n]*)\\3`,
  'g',
);

/**
 * Where `import … from 'cidx'` in a config resolves: our own package, even
 * when cidx is installed globally and the project has no node_modules. A
 * config importing only defineConfig/definePlugin gets the dependency-free
 * module; anything else gets the full public API.
 */
let selfEntriesMemo: { light: string; full: string; subpaths: Map<string, string> } | undefined;

function selfEntries(): { light: string; full: string; subpaths: Map<string, string> } {
  if (selfEntriesMemo) return selfEntriesMemo;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  // Walk up to our package root: this file runs from dist/core/config/ or from a bundle chunk.
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const url = (file: string) => pathToFileURL(path.join(dir, file)).href;
  selfEntriesMemo = {
    light: url('dist/core/define.js'),
    full: url('dist/core/index.js'),
    subpaths: new Map(Object.entries(SUBPATHS).map(([specifier, file]) => [specifier, url(file)])),
  };
  return selfEntriesMemo;
}

const LIGHT_NAMES = new Set(['defineConfig', 'definePlugin']);
/** Bump when the cached edit scripts change meaning, so old entries are not reused. */
const LOADER_VERSION = '5';
/** Cache entries: `config/e<LOADER_VERSION>-<hash>.json`; the `.mjs` copies older versions kept are removed on sight. */
const ENTRY = /^e[0-9]+-[0-9a-f]{24}\.json$/;
const STALE = [
  { name: /^[0-9a-f]{24}\.mjs$/, olderThanMs: 0 },
  { name: ENTRY, olderThanMs: 7 * 24 * 3600 * 1000 },
  { name: TEMP_SUFFIX, olderThanMs: 3600 * 1000 },
];

/**
 * Gives every static specifier that depends on the config's location an
 * absolute one: `'cidx'` becomes cidx's own code (light or full entry),
 * `'cidx/plugins'`, `'cidx/oci-cli'` and `'cidx/swarm'` its other public entry points (so a
 * config works with a global cidx, and shares the running cidx's classes),
 * `'./x'` and `'../x'` the file next to the config. `import.meta.url`,
 * `.filename` and `.dirname` become the config's own.
 */
export function rewriteImports(code: string, filepath: string): string {
  const entries = selfEntries();
  const base = pathToFileURL(filepath);
  return code
    .replace(
      IMPORT,
      (_match, keyword: string, clause: string, quote: string, specifier: string) => {
        const subpath = entries.subpaths.get(specifier);
        if (subpath) return `${keyword}${clause}${quote}${subpath}${quote}`;
        if (specifier !== 'cidx') return `${keyword}${clause}${quote}${new URL(specifier, base).href}${quote}`;
        const names = /^\s*\{([^}]*)\}/.exec(clause)?.[1]?.split(',').map((name) => name.trim().split(/\s+as\s+/)[0]!).filter(Boolean);
        const light = names !== undefined && names.every((name) => LIGHT_NAMES.has(name));
        return `${keyword}${clause}${quote}${light ? entries.light : entries.full}${quote}`;
      },
    )
    .replace(/\bimport\.meta\.(url|filename|dirname)\b/g, (_match, field: string) =>
      JSON.stringify(field === 'url' ? base.href : field === 'filename' ? filepath : path.dirname(filepath)),
    );
}

/** Types stripped, nothing else: what the edit script reproduces. */
async function stripTypes(source: string, filepath: string): Promise<string> {
  const sucrase = await import('sucrase'); // lazy: only on a cache miss
  // CommonJS interop differs between plain Node (named exports) and a bundle (default only).
  const transform = sucrase.transform ?? (sucrase as unknown as { default: typeof sucrase }).default.transform;
  return transform(source, { transforms: ['typescript'], disableESTransforms: true, filePath: filepath }).code;
}

export async function transpileConfig(source: string, filepath: string): Promise<string> {
  return rewriteImports(await stripTypes(source, filepath), filepath);
}

/**
 * Code whose only imports are absolute (file: URLs) or Node's own modules
 * runs the same from anywhere, so it can be imported from a `data:` URL.
 * Anything else (a package, a computed import) must be resolved from the
 * config's place.
 */
export function isLocationFree(code: string): boolean {
  const specifiers = [...code.matchAll(/\b(?:from|import)\s*\(?\s*(['"])([^'"]+)\1/g)].map((match) => match[2]!);

  // import.meta (resolve) must keep naming the config's own module; an import() of a computed
  // specifier (a template or a variable) cannot be checked, so it may be relative.
  return !/\brequire\s*\(|\bimport\.meta\b|\bimport\s*\(\s*[^'"\s]/.test(code) && specifiers.every((specifier) => specifier.startsWith('file:') || isBuiltin(specifier));
}

export async function loadTsConfig(filepath: string, content: string): Promise<unknown> {
  const stripped = await cachedStrip(filepath, content);
  const code = rewriteImports(stripped, filepath);
  // sourceURL: a stack through the config names the user's file and line, not a data: URL.
  const named = `${code}\n//# sourceURL=${pathToFileURL(filepath).href}\n`;
  if (isLocationFree(code)) return (await importModule(`data:text/javascript;base64,${Buffer.from(named).toString('base64')}`)).default;
  return importServed(filepath, code);
}

/** The source with its types stripped: rebuilt from a cached edit script, or by sucrase (and the script cached). */
async function cachedStrip(filepath: string, content: string): Promise<string> {
  const { dir } = privateCacheDir('config');
  const key = createHash('sha256').update(LOADER_VERSION).update('\0').update(content).digest('hex').slice(0, 24);
  const entry = dir && path.join(dir, `e${LOADER_VERSION}-${key}.json`);
  if (entry) {
    const ops = await readFile(entry, 'utf8').then((text) => JSON.parse(text) as { ops?: EditOp[] }, () => undefined);
    const rebuilt = Array.isArray(ops?.ops) ? applyEditScript(content, ops.ops) : undefined;
    if (rebuilt !== undefined) return rebuilt;
  }
  const stripped = await stripTypes(content, filepath);
  if (dir && entry) {
    const ops = editScript(content, stripped);
    // A cache must never fail a command: a read-only or full disk only costs speed.
    if (ops) await writeFileAtomic(entry, JSON.stringify({ ops })).catch(() => undefined);
    removeStaleFiles(dir, STALE);
  }
  return stripped;
}

/** Loader hooks that serve registered sources at their URLs; everything else resolves and loads as usual. */
const SERVE_HOOKS = `data:text/javascript,${encodeURIComponent(`
const served = new Map();
export function initialize(data) { served.set(data.url, data.source); }
export async function load(url, context, nextLoad) {
  const source = served.get(url);
  return source === undefined ? nextLoad(url, context) : { format: 'module', source, shortCircuit: true };
}`)}`;

/** Imports `code` as if it were the module at `filepath`, without writing it anywhere. */
async function importServed(filepath: string, code: string): Promise<unknown> {
  // A fresh query per load: the module cache must not hand back an earlier version of the config.
  const url = `${pathToFileURL(filepath).href}?cidx-config=${randomUUID()}`;
  register(SERVE_HOOKS, { parentURL: pathToFileURL(filepath).href, data: { url, source: code } });
  return (await importModule(url)).default;
}

/** The default export of a module file: .js, .mjs and .cjs configs. */
export async function importDefault(file: string): Promise<unknown> {
  const module = await importModule(pathToFileURL(file).href);
  return module.default;
}
