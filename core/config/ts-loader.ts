/**
 * cosmiconfig loader for `cidx.config.ts`. cosmiconfig's own `.ts` loader
 * loads the whole TypeScript compiler (~0.5 s); sucrase strips types in a few
 * milliseconds, which matters for a command run on every checkout.
 */
import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

/** Our own entry point: `import { defineConfig } from 'cidx'` resolves here even when cidx is installed globally. */
const selfEntry = new URL('../index.js', import.meta.url).href;

export function transpileConfig(source: string, filepath: string): Promise<string> {
  return import('sucrase').then(({ transform }) => {
    const { code } = transform(source, { transforms: ['typescript'], disableESTransforms: true, filePath: filepath });
    return code.replace(/(\bfrom\s*|\bimport\s*\(\s*)(['"])cidx\2/g, (_match, lead: string, quote: string) => `${lead}${quote}${selfEntry}${quote}`);
  });
}

/**
 * Transpiles to a sibling `.mjs` file, so the config's relative imports and
 * its node_modules resolve as they would for the `.ts` file, imports it, and
 * removes the temporary file whatever happens.
 */
export async function loadTsConfig(filepath: string, content: string): Promise<unknown> {
  const code = await transpileConfig(content, filepath);
  const compiled = `${filepath}.${randomUUID().slice(0, 8)}.mjs`;
  try {
    await writeFile(compiled, code);
    const module = (await import(pathToFileURL(compiled).href)) as { default?: unknown };
    return module.default;
  } finally {
    await rm(compiled, { force: true });
  }
}
