/**
 * Remembers configs that passed validation, keyed by a hash of the evaluated
 * config object (not the file: a config may read env vars) and of this build
 * of cidx. A hit skips zod entirely (~50 ms of module loading on every
 * command); a miss validates as usual. Configs with plugins hold functions,
 * which cannot be hashed or stored, so they are always validated.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CidxConfig } from '../../schemas/config.js';
import { projectIdentity } from '../project.js';
import { cacheDir } from '../state-dirs.js';
import { writeFileAtomic } from '../atomic-write.js';
import type { LoadedConfig } from './load.js';

interface Entry {
  config: CidxConfig;
  warnings: string[];
}

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

/** Canonical JSON of plain data; undefined when the value holds functions or other non-data. */
function plainJson(value: unknown): string | undefined {
  let plain = true;
  const text = JSON.stringify(value, (_key, inner: unknown) => {
    if (typeof inner === 'function' || typeof inner === 'symbol' || typeof inner === 'bigint') plain = false;
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      const proto = Object.getPrototypeOf(inner);
      if (proto !== Object.prototype && proto !== null) plain = false;
      return Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return inner;
  });
  return plain ? text : undefined;
}

export async function validateCached(raw: unknown, filepath: string): Promise<LoadedConfig> {
  const json = plainJson(raw);
  const file = json === undefined ? undefined : path.join(cacheDir(), 'validated', `${createHash('sha256').update(buildFingerprint()).update('\0').update(json).digest('hex').slice(0, 32)}.json`);
  if (file) {
    const hit = await readFile(file, 'utf8').then((text) => JSON.parse(text) as Entry).catch(() => undefined);
    if (hit?.config && Array.isArray(hit.warnings)) {
      return { config: { ...hit.config, plugins: [] }, project: projectIdentity(path.dirname(filepath), filepath, hit.config.project), warnings: hit.warnings };
    }
  }
  const { validateConfig } = await import('./validate.js'); // loads zod: only on a miss
  const loaded = validateConfig(raw, filepath); // throws CONFIG_INVALID: invalid configs are never cached
  if (file && loaded.config.plugins.length === 0) {
    const entry: Entry = { config: loaded.config, warnings: loaded.warnings };
    await writeFileAtomic(file, JSON.stringify(entry)).catch(() => undefined); // a cache must never fail a command
  }
  return loaded;
}

