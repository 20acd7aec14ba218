/**
 * Remembers configs that passed validation. A hit skips zod entirely (~50 ms
 * of module loading on every command); a miss validates as usual. Configs
 * with plugins hold functions, which cannot be hashed or stored, so they are
 * always validated.
 *
 * No secret is stored. Env values and health-check header values are the
 * config's secrets (tokens, passwords), so the stored config has them blanked
 * out and a hit fills them in again from the config just loaded. The key is
 * a hash of the config with those values replaced by their type (what
 * validation depends on) and of this build of cidx: the values appear
 * neither in a file nor in a file name.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CidxConfig } from '../../schemas/config.js';
import { TEMP_SUFFIX, writeFileAtomic } from '../atomic-write.js';
import { projectIdentity } from '../project.js';
import { privateCacheDir, removeStaleFiles } from '../state-dirs.js';
import { plainJson } from '../stable-json.js';
import type { LoadedConfig } from './load.js';
import { unwrapDefault } from './unwrap.js';

interface Entry {
  config: CidxConfig;
  warnings: string[];
}

/** `validated/v2-<hash>.json`; entries of older versions (`<hash>.json`) held secrets and are removed on sight. */
const ENTRY = /^v2-[0-9a-f]{32}\.json$/;
const STALE = [
  { name: /^[0-9a-f]{32}\.json$/, olderThanMs: 0 },
  { name: ENTRY, olderThanMs: 7 * 24 * 3600 * 1000 },
  { name: TEMP_SUFFIX, olderThanMs: 3600 * 1000 },
];

/** Changes whenever cidx is rebuilt or upgraded: a new schema never trusts an old verdict. */
function buildFingerprint(): string {
  try {
    const self = fileURLToPath(import.meta.url);
    const { mtimeMs, size } = statSync(self);
    return `${self}:${mtimeMs}:${size}`;
  } catch {
    return `nostat:${Math.random()}`; // cannot fingerprint this build: never hit
  }
}

type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Calls `visit` with every secret-holding map of a config (each service's
 * `env`, each HTTP probe's `headers`) and where it sits. Works on the raw
 * config and on the validated one alike: both have the same shape there.
 */
function forEachSecretMap(config: unknown, visit: (map: Dict, where: string[]) => void): void {
  const services = isDict(config) ? config.services : undefined;
  if (!isDict(services)) return;
  for (const [name, service] of Object.entries(services)) {
    if (!isDict(service)) continue;
    if (isDict(service.env)) visit(service.env, [name, 'env']);
    const http = isDict(service.health) && isDict(service.health.http) ? service.health.http : undefined;
    if (http && isDict(http.headers)) visit(http.headers, [name, 'headers']);
  }
}

/** The (copied) raw config with its secret values replaced by their type: the cache key's input. */
function withoutSecrets(copy: unknown): unknown {
  forEachSecretMap(copy, (map) => {
    for (const key of Object.keys(map)) map[key] = `\0${typeof map[key]}`;
  });
  return copy;
}

/** The validated config with every secret value blanked: what is stored. */
function blanked(config: CidxConfig): CidxConfig {
  const copy = structuredClone({ ...config, plugins: [] });
  forEachSecretMap(copy, (map) => {
    for (const key of Object.keys(map)) map[key] = '';
  });
  return copy;
}

/** Fills the blanked values in from the raw config, as validation would have turned them (env: String()). */
function filledIn(stored: CidxConfig, raw: unknown): CidxConfig {
  const values = new Map<string, Dict>();
  forEachSecretMap(raw, (map, where) => values.set(where.join('\0'), map));
  forEachSecretMap(stored, (map, where) => {
    const from = values.get(where.join('\0')) ?? {};
    for (const key of Object.keys(map)) map[key] = String(from[key]);
  });
  return stored;
}

export async function validateCached(raw: unknown, filepath: string): Promise<LoadedConfig> {
  const unwrapped = unwrapDefault(raw);
  const plain = plainJson(unwrapped);
  const json = plain === undefined ? undefined : plainJson(withoutSecrets(JSON.parse(plain)));
  const { dir } = json === undefined ? {} : privateCacheDir('validated');
  const file = dir && json !== undefined ? path.join(dir, `v2-${createHash('sha256').update(buildFingerprint()).update('\0').update(json).digest('hex').slice(0, 32)}.json`) : undefined;
  if (file) {
    const hit = await readFile(file, 'utf8').then((text) => JSON.parse(text) as Entry, () => undefined);
    if (hit?.config && Array.isArray(hit.warnings)) {
      const config = filledIn({ ...hit.config, plugins: [] }, unwrapped);
      return { config, project: projectIdentity(path.dirname(filepath), filepath, config.project), warnings: hit.warnings };
    }
  }
  const { validateConfig } = await import('./validate.js'); // loads zod: only on a miss
  const loaded = validateConfig(raw, filepath); // throws CONFIG_INVALID: invalid configs are never cached
  if (dir && file && loaded.config.plugins.length === 0) {
    const stored = blanked(loaded.config);
    // Only when filling in reproduces the validated config exactly; otherwise this config is validated every time.
    if (JSON.stringify(filledIn(structuredClone(stored), unwrapped)) === JSON.stringify(loaded.config)) {
      await writeFileAtomic(file, JSON.stringify({ config: stored, warnings: loaded.warnings } satisfies Entry)).catch(() => undefined);
    }
    removeStaleFiles(dir, STALE);
  }
  return loaded;
}
