/**
 * Starts the bundled CLI (dist/bundle/cidx.cjs) with a V8 code cache.
 *
 * Node 20 parses and compiles every module on every start; its compile cache
 * only arrived in Node 22. For a short command such as `cidx port` that
 * compiling is a fifth of the whole process. V8 can serialise what it has
 * compiled, and handing that back skips the work: `vm.Script` accepts it as
 * `cachedData`, so the bundle is compiled here rather than `require`d.
 *
 * The cache is written once a command has run, so it also holds the functions
 * that command compiled lazily. It is kept per command (`port` and `apply`
 * compile different code) and per build: the directory is named after a
 * hash of the bundle, the Node version and the architecture. It lives in the
 * user's cache dir. Anything wrong with it (missing, rejected by V8, a
 * read-only dir) costs speed, never correctness.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { writeFileAtomicSync } from '../core/atomic-write.js';
import { IMPORT_HOOK } from '../core/import-module.js';
import { cacheDir } from '../core/state-dirs.js';
import { valueOptionSpellings } from './options.js';

const BUNDLE = fileURLToPath(new URL('../bundle/cidx.cjs', import.meta.url));
/** Options that take a value: the word after them is not the command. Only the cache key depends on this. */
const VALUE_OPTIONS = valueOptionSpellings();
/** Caches of other builds (an upgrade, another install) are deleted once this old. */
const STALE_MS = 7 * 24 * 3600 * 1000;

type Main = (argv: string[]) => Promise<number>;

export async function launch(argv: string[]): Promise<number> {
  let source: string;
  try {
    source = readFileSync(BUNDLE, 'utf8');
  } catch {
    process.stderr.write(`error: cidx is not built (${BUNDLE} is missing)\nhint: run \`npm run build\` in ${path.resolve(path.dirname(BUNDLE), '../..')}\n`);
    return 1;
  }
  const buildDir = path.join(cacheDir(), 'code', buildKey(source));
  const cacheFile = path.join(buildDir, `${commandOf(argv)}.v8`);
  const cachedData = readIfPresent(cacheFile);

  // The same wrapper Node gives a CommonJS module, so the bundle runs as if required.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: BUNDLE, cachedData });
  (globalThis as Record<symbol, unknown>)[IMPORT_HOOK] = (specifier: string) => import(specifier);
  const module = { exports: {} as { main?: Main } };
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, path.dirname(BUNDLE));

  const exitCode = await module.exports.main!(argv);
  if (!cachedData || script.cachedDataRejected) saveCache(buildDir, cacheFile, script.createCachedData());
  return exitCode;
}

function buildKey(source: string): string {
  return createHash('sha256').update(process.version).update(process.arch).update('\0').update(source).digest('hex').slice(0, 16);
}

/** The command word (`apply`, `port`, …), or `-` for none (`--help`, `--version`). */
export function commandOf(argv: string[]): string {
  const word = argv.find((arg, index) => !arg.startsWith('-') && !VALUE_OPTIONS.has(argv[index - 1] ?? ''));
  return word && /^[a-z][a-z-]{0,30}$/.test(word) ? word : '-';
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function saveCache(buildDir: string, file: string, data: Buffer): void {
  try {
    writeFileAtomicSync(file, data); // a concurrent reader sees the old cache or the new, never half
    removeStaleBuilds(path.dirname(buildDir), path.basename(buildDir));
  } catch {
    // A read-only or full cache dir only costs speed.
  }
}

function removeStaleBuilds(codeDir: string, current: string): void {
  for (const entry of readdirSync(codeDir)) {
    if (entry === current) continue;
    const dir = path.join(codeDir, entry);
    if (Date.now() - statSync(dir).mtimeMs > STALE_MS) rmSync(dir, { recursive: true, force: true });
  }
}
