/**
 * The images cidx has seen present on one engine, so an apply's pull phase
 * (core/pull.ts) does not ask the engine again for each one.
 *
 * With `--pull missing` (the default) the phase asks the engine whether each
 * image of a service it creates is present: one more CLI call on every cold
 * apply, and on Podman one that contends with `network create` and `volume
 * create` for the same two cores (~0.1 s before the first container starts).
 * An image the phase found present or pulled is recorded here, and later
 * applies skip asking for it.
 *
 * A memo can go stale: the image removed since (`docker image prune -a`).
 * Then the engine's `run`/`create` pulls it as it did before the phase
 * existed: the service still comes up, and a replacement is still created
 * before its old container stops, so a pull that fails leaves that service's
 * container as it was. What a stale memo costs is the visible progress of
 * that one pull, and a failure then is reported by the service it hit, not
 * before every container. Any IMAGE_UNAVAILABLE takes the image out of the
 * memo, and `--pull never`/`always` never consult it.
 *
 * A speed cache: missing, unreadable or foreign, it reads as empty; an
 * untrusted cache directory means no memo at all.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { endpointKey, type EngineOf } from './engine-endpoint.js';
import { privateCacheDir } from './state-dirs.js';

/** Enough for every image of many projects; the oldest go first. */
const MAX_IMAGES = 256;

interface MemoFile {
  version: 1;
  images: string[];
}

/** One file per engine endpoint: `<cache>/images/<endpoint key>.json`. */
function memoFile(runtime: EngineOf): string | undefined {
  const { dir } = privateCacheDir('images');
  return dir ? path.join(dir, `${endpointKey(runtime)}.json`) : undefined;
}

/** The images known present on the runtime's engine, oldest first. */
export async function readImageMemo(runtime: EngineOf): Promise<string[]> {
  const file = memoFile(runtime);
  if (!file) return [];
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<MemoFile>;
    if (parsed?.version !== 1 || !Array.isArray(parsed.images)) return [];
    return parsed.images.filter((image): image is string => typeof image === 'string');
  } catch {
    return [];
  }
}

/**
 * Adds `present` to the memo and takes `gone` out; writes only when that
 * changes it. Failing to write only costs the next apply its checks.
 */
export async function updateImageMemo(runtime: EngineOf, change: { present?: string[]; gone?: string[] }): Promise<void> {
  const present = change.present ?? [];
  const gone = new Set(change.gone ?? []);
  if (present.length === 0 && gone.size === 0) return;
  const file = memoFile(runtime);
  if (!file) return;
  const before = await readImageMemo(runtime);
  const kept = before.filter((image) => !gone.has(image) && !present.includes(image));
  const after = [...kept, ...present.filter((image) => !gone.has(image))].slice(-MAX_IMAGES);
  if (after.length === before.length && after.every((image) => before.includes(image))) return;
  const body: MemoFile = { version: 1, images: [...new Set(after)] };
  await writeFileAtomic(file, `${JSON.stringify(body)}\n`).catch(() => undefined);
}
