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
 * read-only dir) costs speed, never correctness. V8 runs what it finds in
 * the cache, so a cache directory others can write to is not used at all
 * (core/state-dirs.ts).
 *
 * The launcher also owns the end of the process: when the command's promise
 * is still pending but Node has nothing left to do (a config or plugin
 * promise that never settles), Node would exit 0 with the work unfinished.
 * It exits 1 instead and says what was pending.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, rmdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { writeFileAtomicSync } from '../core/atomic-write.js';
import { CidxError } from '../core/errors.js';
import { IMPORT_HOOK } from '../core/import-module.js';
import { pendingNow } from '../core/pending.js';
import { isOwnCache, privateCacheDir, removeStaleFiles } from '../core/state-dirs.js';
import { LEADING_OPTIONS } from './options.js';

const BUNDLE = fileURLToPath(new URL('../bundle/cidx.cjs', import.meta.url));
/**
 * Options that take a value: the word after them is not the command. Only the
 * options accepted before the command word count (cli/parse.ts refuses any
 * other there), so the launcher reads their declaration alone, not the command
 * registry, whose lazy imports would pull every command into this small file.
 * Only the cache key depends on this.
 */
const VALUE_OPTIONS = new Set(
  Object.entries(LEADING_OPTIONS)
    .filter(([, option]) => option.type === 'string')
    .flatMap(([name, option]) => [`--${name}`, ...(option.short ? [`-${option.short}`] : [])]),
);
/** Caches of other builds (an upgrade, another install) are deleted once this old. */
const STALE_MS = 7 * 24 * 3600 * 1000;
/** The only names the launcher writes: `code/<build>/<command>.v8`, and their temp files. */
const BUILD_NAME = /^[0-9a-f]{16}$/;
const CACHE_FILES = [{ name: /^(-|[a-z][a-z-]{0,30})\.v8(\.[0-9a-f]{8}\.tmp)?$/, olderThanMs: 0 }];

interface CliModule {
  main?: (argv: string[]) => Promise<number>;
  reportError?: (error: unknown, debug: boolean) => number;
}

export async function launch(argv: string[]): Promise<number> {
  let source: string;
  try {
    source = readFileSync(BUNDLE, 'utf8');
  } catch {
    process.stderr.write(`error: cidx is not built (${BUNDLE} is missing)\nhint: run \`npm run build\` in ${path.resolve(path.dirname(BUNDLE), '../..')}\n`);
    return 1;
  }
  const codeDir = privateCacheDir('code').dir; // none: run without a code cache
  const buildDir = codeDir && path.join(codeDir, buildKey(source));
  const cacheFile = buildDir && path.join(buildDir, `${commandOf(argv)}.v8`);
  const cachedData = cacheFile ? readIfPresent(cacheFile) : undefined;

  // The same wrapper Node gives a CommonJS module, so the bundle runs as if required.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: BUNDLE, cachedData });
  (globalThis as Record<symbol, unknown>)[IMPORT_HOOK] = (specifier: string) => import(specifier);
  const module = { exports: {} as CliModule };
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, path.dirname(BUNDLE));

  const exitCode = await failIfAbandoned(module.exports.main!(argv), module.exports, argv);
  if (buildDir && cacheFile && (!cachedData || script.cachedDataRejected)) saveCache(buildDir, cacheFile, script.createCachedData());
  return exitCode;
}

/**
 * `work`, watched for the moment Node runs out of things to do while it is
 * still pending: 'beforeExit' fires then, and nothing is left that could
 * ever settle it. Report it as an error and exit 1.
 */
export function failIfAbandoned(work: Promise<number>, cli: CliModule, argv: string[]): Promise<number> {
  let settled = false;
  const onBeforeExit = () => {
    if (settled) return;
    settled = true;
    const pending = pendingNow();
    const error = new CidxError(
      'UNSETTLED',
      pending.length
        ? `cidx stopped unfinished: nothing was left to run, but it was still waiting for ${pending.join(', ')}`
        : 'cidx stopped unfinished: nothing was left to run, but the command had not completed (a promise never settled)',
    );
    const debug = argv.includes('--debug') || process.env.CIDX_DEBUG === '1';
    process.exitCode = cli.reportError ? cli.reportError(error, debug) : (process.stderr.write(`error[${error.code}] ${error.message}\nhint: ${error.hint}\n`), error.exitCode);
  };
  process.on('beforeExit', onBeforeExit);
  return work.finally(() => {
    settled = true;
    process.off('beforeExit', onBeforeExit);
  });
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

/**
 * Deletes the code caches of other builds once unused for STALE_MS: only in a
 * cache root marked as cidx's, only directories named like a build key, and
 * in them only files named like a command's cache, one by one. A build
 * directory holding anything else stays.
 */
export function removeStaleBuilds(codeDir: string, current: string, root = path.dirname(codeDir)): void {
  if (!isOwnCache(root)) return;
  for (const entry of readdirSync(codeDir)) {
    if (entry === current || !BUILD_NAME.test(entry)) continue;
    const dir = path.join(codeDir, entry);
    try {
      const info = lstatSync(dir);
      if (!info.isDirectory() || Date.now() - info.mtimeMs <= STALE_MS) continue;
      removeStaleFiles(dir, CACHE_FILES, root);
      rmdirSync(dir); // fails, and keeps it, when anything else is inside
    } catch {
      // in use by another cidx, or not removable: only costs space
    }
  }
}
