/**
 * What cidx already knows about a project's volumes on one engine, so that
 * only the first apply pays for the legacy-name check.
 *
 * Before creating labelled volumes, `prepareVolumes` lists the project's
 * volumes to find ones named the way earlier versions named them (their data
 * must stay in use). On Podman every CLI call costs ~0.2 s and takes the
 * engine's lock, so that one list was most of what the labelled volumes added
 * to a cold apply. The answer can only change if an earlier cidx creates
 * volumes for this project again: this version never makes a legacy name.
 * So once a check found no legacy volume in use, it is recorded here and not
 * repeated; a project that does use legacy volumes is never recorded, and is
 * checked every time.
 *
 * The memo also lists the volumes cidx created: a recreate finds them in use by
 * the container it replaces and skips creating them again. A `create` always
 * creates its volumes (the memo cannot know about `volume rm` by hand), so a
 * wrong memo costs at most an unlabelled volume that `prune` then keeps, never
 * data.
 *
 * Not detected: going back to an earlier cidx that makes legacy-named volumes
 * again, then upgrading once more. Deleting `<cache>/volumes/` makes the next
 * apply check again.
 *
 * The memo is a speed cache: missing, unreadable or foreign, it reads as
 * absent, and an untrusted cache directory means no memo at all.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import { endpointKey, type EngineOf } from '../engine-endpoint.js';
import { privateCacheDir } from '../state-dirs.js';

export interface VolumeMemo {
  /** Current-scheme volume names known to exist (created or seen by cidx). */
  names: Set<string>;
}

interface MemoFile {
  version: 1;
  /** Set when a listing found no legacy-named volume of the project in use. */
  legacyChecked: true;
  names: string[];
}

/**
 * One file per (engine endpoint, project): `<cache>/volumes/<project id>@<engine key>.json`,
 * keyed like the port cache and the lock: a remote engine's volumes are not this machine's.
 */
function memoFile(engine: EngineOf, projectId: string): string | undefined {
  const { dir } = privateCacheDir('volumes');
  return dir ? path.join(dir, `${projectId}@${endpointKey(engine)}.json`) : undefined;
}

/** The memo of a project whose legacy check is done, or undefined: check (again). */
export async function readVolumeMemo(engine: EngineOf, projectId: string): Promise<VolumeMemo | undefined> {
  const file = memoFile(engine, projectId);
  if (!file) return undefined;
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<MemoFile>;
    if (parsed?.version !== 1 || parsed.legacyChecked !== true || !Array.isArray(parsed.names)) return undefined;
    return { names: new Set(parsed.names.filter((name): name is string => typeof name === 'string')) };
  } catch {
    return undefined;
  }
}

/** Records that no legacy volume is in use, and which volumes exist. Failing to write only costs the next apply a listing. */
export async function writeVolumeMemo(engine: EngineOf, projectId: string, names: Iterable<string>): Promise<void> {
  const file = memoFile(engine, projectId);
  if (!file) return;
  const body: MemoFile = { version: 1, legacyChecked: true, names: [...new Set(names)].sort() };
  await writeFileAtomic(file, `${JSON.stringify(body)}\n`).catch(() => undefined);
}
