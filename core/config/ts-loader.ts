/**
 * cosmiconfig loader for `cidx.config.ts`. cosmiconfig's own `.ts` loader
 * loads the whole TypeScript compiler (~0.5 s); sucrase strips types in a few
 * milliseconds, and the result is cached by content hash so an unchanged
 * config costs neither sucrase nor a temporary file on the next run.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheDir } from '../state-dirs.js';

/** Our own entry point: `import { defineConfig } from 'cidx'` resolves here even when cidx is installed globally. */
const selfEntry = new URL('../index.js', import.meta.url).href;

export async function transpileConfig(source: string, filepath: string): Promise<string> {
  const { transform } = await import('sucrase'); // lazy: only on a cache miss
  const { code } = transform(source, { transforms: ['typescript'], disableESTransforms: true, filePath: filepath });
  return code.replace(/(\bfrom\s*|\bimport\s*\(\s*)(['"])cidx\2/g, (_match, lead: string, quote: string) => `${lead}${quote}${selfEntry}${quote}`);
}

/**
 * Code whose only imports are absolute (node: builtins, file: URLs) runs the
 * same from anywhere, so it can be imported straight from the cache. Anything
 * else (./helpers, a package) must sit next to the config to resolve.
 */
export function isLocationFree(code: string): boolean {
  const specifiers = [...code.matchAll(/\b(?:from|import)\s*\(?\s*(['"])([^'"]+)\1/g)].map((match) => match[2]!);
  return !/\brequire\s*\(/.test(code) && specifiers.every((specifier) => /^(node:|file:)/.test(specifier));
}

export async function loadTsConfig(filepath: string, content: string): Promise<unknown> {
  const key = createHash('sha256').update(selfEntry).update('\0').update(content).digest('hex').slice(0, 24);
  const cached = path.join(cacheDir(), 'config', `${key}.mjs`);
  if (existsSync(cached)) return importDefault(cached);

  const code = await transpileConfig(content, filepath);
  if (isLocationFree(code)) {
    await writeAtomically(cached, code).catch(() => undefined); // a read-only cache only costs speed
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

async function importDefault(file: string): Promise<unknown> {
  const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  return module.default;
}

async function writeAtomically(file: string, code: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomUUID().slice(0, 8)}.tmp`;
  await writeFile(temp, code);
  await rename(temp, file);
}
