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
import { existsSync, realpathSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CidxConfig } from '../../schemas/config.js';
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

/** A config file found, with its text when reading it was needed to decide (package.json). */
interface Found {
  file: string;
  text?: string;
}

export async function loadConfig(options: LoadOptions = {}): Promise<LoadedConfig> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  let found: Found | undefined;
  if (options.configFile) {
    const file = path.resolve(cwd, options.configFile);
    if (!existsSync(file)) throw new CidxError('CONFIG_NOT_FOUND', `config file not found: ${file}`);
    found = { file };
  } else {
    const dirs = searchDirs(cwd);
    found = await findConfig(dirs);
    if (!found) {
      const where = dirs.length === 1 ? `in ${cwd}` : `in ${cwd} or its parent directories up to ${dirs.at(-1)}`;
      throw new CidxError('CONFIG_NOT_FOUND', `no cidx config found ${where} (looked for ${CONFIG_FILES.slice(0, 6).join(', ')} and package.json#cidx)`);
    }
  }
  const raw = await whilePending(`the config ${found.file} to load`, readConfig(found));
  const loaded = await validateCached(raw, found.file);
  return { ...loaded, config: trackPluginHooks(loaded.config) };
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

/** The nearest config file: the first of CONFIG_FILES in the nearest directory that has one. */
async function findConfig(dirs: string[]): Promise<Found | undefined> {
  for (const dir of dirs) {
    for (const name of CONFIG_FILES) {
      const file = path.join(dir, name);
      if (!existsSync(file)) continue;
      if (name !== 'package.json') return { file };
      // A package.json is a config only with a `cidx` key; otherwise it is just the package's.
      const text = await readText(file);
      if (parseJson(file, text)?.cidx !== undefined) return { file, text };
    }
  }
  return undefined;
}

/** Runs (or parses) the config file and returns what it exports; trust is checked first, on the file as opened. */
async function readConfig({ file, text: known }: Found): Promise<unknown> {
  const name = path.basename(file);
  const extension = path.extname(file);
  let text: string;
  try {
    const handle = await open(file, 'r');
    try {
      // fstat the open file: what is checked is what is read.
      assertTrustedConfig(file, await handle.stat());
      text = known ?? (await handle.readFile('utf8'));
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (isCidxError(error)) throw error;
    throw loadError(file, error);
  }
  if (!text.trim()) throw new CidxError('CONFIG_EMPTY', `${name} is empty (${file})`);

  let value: unknown;
  if (name === 'package.json') {
    value = parseJson(file, text)?.cidx;
    if (value === undefined) throw new CidxError('CONFIG_EMPTY', `package.json has no "cidx" key (${file})`);
    return value;
  }
  if (extension === '.json') {
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw loadError(file, error);
    }
  } else if (extension === '.ts' || extension === '.mts' || ['.js', '.mjs', '.cjs'].includes(extension)) {
    try {
      value = extension === '.ts' || extension === '.mts' ? await loadTsConfig(file, text) : await importDefault(file);
    } catch (error) {
      if (isCidxError(error)) throw error; // a plugin factory in the config explained itself already
      throw loadError(file, error);
    }
  } else {
    throw new CidxError('CONFIG_LOAD', `cannot load ${file}: cidx reads .ts, .mts, .js, .mjs, .cjs and .json config files`);
  }
  if (value === undefined || value === null) {
    throw new CidxError('CONFIG_EMPTY', extension === '.json' ? `${name} holds no config (${file})` : `${name} has no default export (${file})`);
  }
  return value;
}

function parseJson(file: string, text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch (error) {
    throw loadError(file, error);
  }
}

async function readText(file: string): Promise<string> {
  try {
    const handle = await open(file, 'r');
    try {
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw loadError(file, error);
  }
}

function loadError(file: string, error: unknown): CidxError {
  return new CidxError('CONFIG_LOAD', `could not load the config (${file}): ${firstLine(error)}`, { cause: error });
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
