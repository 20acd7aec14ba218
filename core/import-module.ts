/**
 * `import()` for files outside the CLI bundle (the user's config, plugins it
 * names). The launcher compiles the bundle with `vm.Script` to reuse V8's
 * code cache (see cli/launch.ts), and code compiled that way has no module
 * loader of its own: a bare `import()` there fails. The launcher therefore
 * lends its own `import()`; everywhere else (tests, embedders importing
 * dist/core) the native one runs.
 */
export const IMPORT_HOOK = Symbol.for('cidx.importModule');

type Importer = (specifier: string) => Promise<Record<string, unknown>>;

export function importModule(specifier: string): Promise<Record<string, unknown>> {
  const lent = (globalThis as Record<symbol, unknown>)[IMPORT_HOOK] as Importer | undefined;
  return lent ? lent(specifier) : import(specifier);
}
