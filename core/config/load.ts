/**
 * Finds, loads and validates the project's config. Every problem is collected
 * and thrown as one CONFIG_INVALID error before any container is touched.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cosmiconfig } from 'cosmiconfig';
import type { CidxConfig } from '../../schemas/config.js';
import { CidxError, isCidxError } from '../errors.js';
import type { ProjectIdentity } from '../model.js';
import { importDefault, loadTsConfig } from './ts-loader.js';
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
  /** Explicit config file (`-c`); otherwise searched from `cwd` upwards. */
  configFile?: string | undefined;
  cwd?: string;
}

export async function loadConfig(options: LoadOptions = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const explorer = cosmiconfig('cidx', {
    searchPlaces: CONFIG_FILES,
    searchStrategy: 'global',
    stopDir: os.homedir(),
    // Our own import for JavaScript configs too: cosmiconfig's uses a bare import(), which the
    // code-cached CLI bundle cannot run (core/import-module.ts explains).
    loaders: { '.ts': loadTsConfig, '.mts': loadTsConfig, '.js': importDefault, '.mjs': importDefault, '.cjs': importDefault },
    cache: false,
  });
  let found: { config: unknown; filepath: string; isEmpty?: boolean } | null;
  const explicit = options.configFile ? path.resolve(cwd, options.configFile) : undefined;
  if (explicit && !existsSync(explicit)) {
    throw new CidxError('CONFIG_NOT_FOUND', `config file not found: ${explicit}`);
  }
  try {
    found = explicit ? await explorer.load(explicit) : await explorer.search(cwd);
  } catch (error) {
    if (isCidxError(error)) throw error; // a plugin factory in the config explained itself already
    const where = explicit ?? cwd;
    throw new CidxError('CONFIG_LOAD', `could not load the config (${where}): ${firstLine(error)}`, { cause: error });
  }
  if (!found) {
    throw new CidxError('CONFIG_NOT_FOUND', `no cidx config found in ${cwd} or its parent directories (looked for ${CONFIG_FILES.slice(0, 6).join(', ')} and package.json#cidx)`);
  }
  return validateCached(found.config, found.filepath);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').find((line) => line.trim()) ?? message;
}
