/**
 * Finds, loads and validates the project's config. Every problem is collected
 * and thrown as one CONFIG_INVALID error before any container is touched.
 *
 * Which file is the config matters as much as what it says: `down --volumes`
 * deletes the data of whichever project it names. So the nearest config file
 * is the config, even when it exports nothing (that is an error, not a reason
 * to look further up), and the search never leaves the user's own ground: it
 * stops at the repository root (the nearest directory with a `.git`) or
 * `$HOME`, whichever comes first, and looks in `cwd` only when neither is
 * above it. A config file someone else could have written is refused before
 * it runs (trust.ts).
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cosmiconfig, defaultLoaders } from 'cosmiconfig';
import type { CidxConfig } from '../../schemas/config.js';
import { errorLocation, fileFrame, syntaxMessage } from './code-frame.js';
import { CidxError, isCidxError } from '../errors.js';
import type { ProjectIdentity } from '../model.js';
import { whilePending } from '../pending.js';
import { trackPluginHooks } from './plugin-tracking.js';
import { importDefault, loadTsConfig } from './ts-loader.js';
import { assertTrustedConfig } from './trust.js';
import { validateCached } from './validated-cache.js';

export const CONFIG_FILES = [
  'cidx.config.ts',
  'cidx.config.mts',
  'cidx.config.js',
  'cidx.config.mjs',
  'cidx.config.cjs',
  'cidx.config.json',
  'package.json',
];

export interface LoadedConfig {
  config: CidxConfig;
  project: ProjectIdentity;
  /** Non-fatal notes for stderr (legacy settings that were ignored). */
  warnings: string[];
}

export interface LoadOptions {
  /** Explicit config file (`-c`); otherwise searched from `cwd` up to the repository root or $HOME. */
  configFile?: string | undefined;
  cwd?: string;
}

export async function loadConfig(options: LoadOptions = {}): Promise<LoadedConfig> {
  const found = await findConfig(options);
  const loaded = await validateCached(found.raw, found.filepath);
  return { ...loaded, config: trackPluginHooks(loaded.config) };
}

/** The config file's default export, as loaded and not yet validated: what `extendConfig` taps see. */
export interface RawConfig {
  raw: unknown;
  filepath: string;
}

/** Finds and loads the nearest config file (or the explicit one); validation is the caller's. */
export async function findConfig(options: LoadOptions = {}): Promise<RawConfig> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const explorer = cosmiconfig('cidx', {
    searchPlaces: CONFIG_FILES,
    // One directory per search: the walk (searchDirs) is ours, so it never leaves the user's ground,
    // and never reaches cosmiconfig's global config directories.
    searchStrategy: 'none',
    // An empty file, or one that exports nothing, is the answer (an error), not a reason to look further up.
    ignoreEmptySearchPlaces: false,
    // Our own import for JavaScript configs too: cosmiconfig's uses a bare import(), which the
    // code-cached CLI bundle cannot run (core/import-module.ts explains). Every loader checks trust first.
    loaders: {
      '.ts': trusted(loadTsConfig),
      '.mts': trusted(loadTsConfig),
      '.js': trusted(importDefault),
      '.mjs': trusted(importDefault),
      '.cjs': trusted(importDefault),
      '.json': trusted(defaultLoaders['.json']),
    },
    cache: false,
  });
  const explicit = options.configFile ? path.resolve(cwd, options.configFile) : undefined;
  if (explicit && !existsSync(explicit)) throw new CidxError('CONFIG_NOT_FOUND', `config file not found: ${explicit}`);
  const dirs = explicit ? [] : searchDirs(cwd);
  let found: Found | null;
  try {
    found = explicit ? await explorer.load(explicit) : await searchNearest(explorer, dirs);
  } catch (error) {
    if (isCidxError(error)) throw error; // untrusted, or a plugin factory in the config explained itself already
    throw loadError((error as { filepath?: string }).filepath ?? explicit ?? cwd, error);
  }
  if (!found) {
    const where = dirs.length === 1 ? `in ${cwd}` : `in ${cwd} or its parent directories up to ${dirs.at(-1)}`;
    throw new CidxError('CONFIG_NOT_FOUND', `no cidx config found ${where} (looked for ${CONFIG_FILES.slice(0, 6).join(', ')} and package.json#cidx)`);
  }
  if (found.isEmpty || found.config === undefined || found.config === null) throw emptyConfig(found.filepath);
  return { raw: found.config, filepath: found.filepath };
}

/**
 * The directories searched, nearest first: from `cwd` up to and including
 * the first that is a repository root or $HOME; only `cwd` when neither is
 * above it (a directory such as /tmp, where anyone may leave a config).
 */
export function searchDirs(cwd: string, home: string = os.homedir()): string[] {
  const homes = new Set([path.resolve(home), realOrSelf(home)]);
  const dirs: string[] = [];
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    dirs.push(dir);
    if (homes.has(dir) || existsSync(path.join(dir, '.git'))) return dirs;
    if (path.dirname(dir) === dir) return [cwd];
  }
}

type Explorer = ReturnType<typeof cosmiconfig>;
type Found = NonNullable<Awaited<ReturnType<Explorer['search']>>>;

/**
 * The nearest config file, loaded. cosmiconfig passes over a file it cannot
 * read or one that holds JSON `null`, and a package.json without a `cidx`
 * key; only the last is right here, so a config file it skipped in the
 * directory where the search stopped is an error naming that file.
 */
async function searchNearest(explorer: Explorer, dirs: string[]): Promise<Found | null> {
  for (const dir of dirs) {
    const result = await explorer.search(dir);
    const passedOver = CONFIG_FILES.slice(0, result ? CONFIG_FILES.indexOf(path.basename(result.filepath)) : CONFIG_FILES.length)
      .filter((name) => name !== 'package.json')
      .map((name) => path.join(dir, name))
      .find((file) => existsSync(file));
    if (passedOver) throw emptyConfig(passedOver, 'could not be read, or holds no config');
    if (result) return result;
  }
  return null;
}

/** A cosmiconfig loader that refuses a file someone else could have written before running it. */
function trusted(loader: (filepath: string, content: string) => unknown): (filepath: string, content: string) => Promise<unknown> {
  return async (filepath, content) => {
    assertTrustedConfig(filepath, statSync(filepath));
    return whilePending(`the config ${filepath} to load`, Promise.resolve(loader(filepath, content)));
  };
}

function emptyConfig(file: string, why?: string): CidxError {
  const name = path.basename(file);
  const what = why ?? (name === 'package.json' ? 'has no "cidx" key' : isBlank(file) ? 'is empty' : /\.json$/.test(name) ? 'holds no config' : 'has no default export');
  return new CidxError('CONFIG_EMPTY', `${name} ${what} (${file})`);
}

function isBlank(file: string): boolean {
  try {
    return readFileSync(file, 'utf8').trim() === '';
  } catch {
    return false;
  }
}

/**
 * A config that does not parse or throws while it runs: the user's file,
 * line and column and a code frame, never the cache's path or the loader's.
 */
function loadError(file: string, error: unknown): CidxError {
  const found = errorLocation(error, file);
  if (!found) return new CidxError('CONFIG_LOAD', `could not load the config (${file}): ${firstLine(error)}`, { cause: error });
  const where = `${file}:${found.location.line}:${found.location.column}`;
  const message = found.syntax ? `syntax error in ${where}: ${syntaxMessage(error as Error)}` : `the config threw at ${where}: ${firstLine(error)}`;
  return new CidxError('CONFIG_LOAD', message, { cause: error, details: fileFrame(file, found.location) });
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').find((line) => line.trim()) ?? message;
}

function realOrSelf(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}
