/**
 * cosmiconfig loader for `cidx.config.ts`. cosmiconfig's own `.ts` loader
 * loads the whole TypeScript compiler (~0.5 s); sucrase strips types in a few
 * milliseconds, and the result is cached by content hash so an unchanged
 * config costs neither sucrase nor a temporary file on the next run.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { importModule } from '../import-module.js';
import { writeFileAtomic } from '../atomic-write.js';
import { cacheDir } from '../state-dirs.js';

/**
 * Where `import … from 'cidx'` in a config resolves: our own package, even
 * when cidx is installed globally and the project has no node_modules. A
 * config importing only defineConfig/definePlugin gets the dependency-free
 * module; anything else gets the full public API.
 */
let selfEntriesMemo: { light: string; full: string } | undefined;

function selfEntries(): { light: string; full: string } {
  if (selfEntriesMemo) return selfEntriesMemo;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  // Walk up to our package root: this file runs from dist/core/config/ or from a bundle chunk.
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  selfEntriesMemo = {
    light: pathToFileURL(path.join(dir, 'dist/core/define.js')).href,
    full: pathToFileURL(path.join(dir, 'dist/core/index.js')).href,
  };
  return selfEntriesMemo;
}

const LIGHT_NAMES = new Set(['defineConfig', 'definePlugin']);
/** Bump when the transpiled output changes shape, so old cache entries are not reused. */
const LOADER_VERSION = '3';

function rewriteSelfImports(code: string): string {
  const entries = selfEntries();
  return code.replace(
    /\b(import|export)(\s*\{[^}]*\}\s*from\s*|\s+[^'"();]*?\s+from\s*|\s*\(\s*|\s*)(['"])cidx\3/g,
    (_match, keyword: string, clause: string, quote: string) => {
      const names = /^\s*\{([^}]*)\}/.exec(clause)?.[1]?.split(',').map((name) => name.trim().split(/\s+as\s+/)[0]!).filter(Boolean);
      const light = names !== undefined && names.every((name) => LIGHT_NAMES.has(name));
      return `${keyword}${clause}${quote}${light ? entries.light : entries.full}${quote}`;
    },
  );
}

export async function transpileConfig(source: string, filepath: string): Promise<string> {
  const sucrase = await import('sucrase'); // lazy: only on a cache miss
  // CommonJS interop differs between plain Node (named exports) and a bundle (default only).
  const transform = sucrase.transform ?? (sucrase as unknown as { default: typeof sucrase }).default.transform;
  const { code } = transform(source, { transforms: ['typescript'], disableESTransforms: true, filePath: filepath });
  return rewriteSelfImports(code);
}

/**
 * Code whose only imports are absolute (node: builtins, file: URLs) runs the
 * same from anywhere, so it can be imported straight from the cache. Anything
 * else (./helpers, a package) must sit next to the config to resolve.
 */
export function isLocationFree(code: string): boolean {
  const specifiers = [...code.matchAll(/\b(?:from|import)\s*\(?\s*(['"])([^'"]+)\1/g)].map((match) => match[2]!);

  // import.meta.url must keep naming the config's own directory; an import() of a computed
  // specifier (a template or a variable) cannot be checked, so it may be relative.
  return !/\brequire\s*\(|\bimport\.meta\b|\bimport\s*\(\s*[^'"\s]/.test(code) && specifiers.every((specifier) => /^(node:|file:)/.test(specifier));
}

export async function loadTsConfig(filepath: string, content: string): Promise<unknown> {
  const key = createHash('sha256').update(LOADER_VERSION).update(selfEntries().full).update('\0').update(content).digest('hex').slice(0, 24);
  const cached = path.join(cacheDir(), 'config', `${key}.mjs`);
  if (existsSync(cached)) return importDefault(cached);

  const code = await transpileConfig(content, filepath);
  if (isLocationFree(code)) {
    await writeFileAtomic(cached, code).catch(() => undefined); // a read-only cache only costs speed
    if (existsSync(cached)) return importDefault(cached);
  }
  // Transpile next to the config so its relative imports and node_modules resolve as for the .ts file.
  const sibling = `${filepath}.${randomUUID().slice(0, 8)}.mjs`;
  try {
    await writeFile(sibling, code);
    return await importDefault(sibling);
  } finally {
    await rm(sibling, { force: true });
  }
}

/** The default export of a module file; also cosmiconfig's loader for .js, .mjs and .cjs configs. */
export async function importDefault(file: string): Promise<unknown> {
  const module = await importModule(pathToFileURL(file).href);
  return module.default;
}

