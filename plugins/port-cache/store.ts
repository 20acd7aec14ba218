/**
 * The port cache file: last known host ports per service of one project.
 * Written atomically (temp file + rename) so concurrent writers never leave a
 * torn file; a corrupt or foreign file reads as empty and is rewritten.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.js';
import type { Protocol } from '../../core/model.js';

/**
 * service → port name → last known host port, its protocol and the runtime
 * that published it. Files written before UDP existed have no `protocol`: TCP.
 */
export type CachedPorts = Record<string, Record<string, { host: number; hostIp: string; protocol?: Protocol; runtime?: string }>>;

interface CacheFile {
  version: 1;
  root: string;
  updatedAt: string;
  services: CachedPorts;
}

/**
 * One file per project and engine (`engineKey`, see core/engine-endpoint.ts):
 * a port free on one engine says nothing about another. Files of earlier
 * versions (`<project>.json`, keyed by project only) are never read, so an
 * entry learnt on one engine is never asked for on another.
 */
export function cacheFile(dir: string, projectId: string, engineKey: string): string {
  return path.join(dir, 'ports', `${projectId}@${engineKey}.json`);
}

/**
 * Null-prototype maps, at both levels: they are looked up by service and port
 * name, and a service named `constructor` must find nothing, not Object.
 */
export async function readCache(file: string): Promise<CachedPorts> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<CacheFile>;
    if (parsed?.version !== 1 || typeof parsed.services !== 'object' || parsed.services === null) return Object.create(null);
    return sanitize(parsed.services);
  } catch {
    return Object.create(null); // missing, truncated or invalid: rebuilt on the next write
  }
}

export async function writeCache(file: string, root: string, services: CachedPorts): Promise<void> {
  const body: CacheFile = { version: 1, root, updatedAt: new Date().toISOString(), services };
  await writeFileAtomic(file, `${JSON.stringify(body, null, 2)}\n`);
}

/** Keeps only well-formed entries: the file is outside our control between runs. */
function sanitize(services: Record<string, unknown>): CachedPorts {
  const result: CachedPorts = Object.create(null);
  for (const [service, ports] of Object.entries(services)) {
    if (typeof ports !== 'object' || ports === null) continue;
    for (const [name, entry] of Object.entries(ports as Record<string, unknown>)) {
      const { host, hostIp, protocol, runtime } = (entry ?? {}) as { host?: unknown; hostIp?: unknown; protocol?: unknown; runtime?: unknown };
      if (typeof host !== 'number' || !Number.isInteger(host) || host < 1 || host > 65535) continue;
      (result[service] ??= Object.create(null))[name] = {
        host,
        hostIp: typeof hostIp === 'string' ? hostIp : '',
        // Absent or unknown reads as TCP: a cached port is only ever a request, the engine's answer is what counts.
        ...(protocol === 'tcp' || protocol === 'udp' ? { protocol } : {}),
        ...(typeof runtime === 'string' ? { runtime } : {}),
      };
    }
  }
  return result;
}
