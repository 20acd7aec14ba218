/**
 * `cidx prune`: removes what cidx left behind for projects that are gone,
 * and nothing that is not provably this user's and provably gone.
 *
 * - Ownership is proven by labels, not guessed: a container or volume is
 *   considered only when it carries this machine's host name and this user's
 *   uid (`io.cidx.host`, `io.cidx.user`). Another user's projects on a shared
 *   engine, another machine's (a shared remote engine, a devcontainer, WSL) and
 *   those of cidx versions that recorded no owner are kept, and said so.
 * - A path that cannot be read is not a path that is gone: a root counts as
 *   gone only when it does not exist while its parent directory does and can
 *   be read. A missing parent (a path of another machine or mount namespace)
 *   or an unreadable one keeps the project.
 * - A project whose directory is gone may have moved: its volumes (its data)
 *   are deleted only with `--volumes` and the project named by id.
 * - Each project is removed under its lock, after checking its root again.
 */
import { projectLockName } from './engine-endpoint.js';
import { access, lstat, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { acquireLock } from './lock.js';
import { CidxError, hasCode } from './errors.js';
import type { ObservedContainer } from './model.js';
import { LABELS, networkName, owner, projectIdOfVolume } from './project.js';
import type { ContainerRuntime, VolumeInfo } from './runtime.js';
import { requirePrivateCacheDir } from './state-dirs.js';

/** What one project left on the engine. */
export interface ProjectResources {
  projectId: string;
  projectName: string | undefined;
  /** The project directory as recorded by a container or volume label; undefined when none recorded it. */
  root: string | undefined;
  containers: ObservedContainer[];
  volumes: VolumeInfo[];
}

/** Every cidx container and volume on the engine, by project: two or three CLI calls however many there are. */
export async function inventory(runtime: ContainerRuntime): Promise<ProjectResources[]> {
  const [containers, volumes] = await Promise.all([
    runtime.listAll(),
    runtime.capabilities.labelledVolumes ? runtime.inspectVolumes!('cidx-') : runtime.listVolumes('cidx-').then((names) => names.map((name): VolumeInfo => ({ name, labels: {} }))),
  ]);
  const byId = new Map<string, ProjectResources>();
  const entry = (id: string) => {
    let found = byId.get(id);
    if (!found) byId.set(id, (found = { projectId: id, projectName: undefined, root: undefined, containers: [], volumes: [] }));
    return found;
  };
  for (const container of containers) {
    if (!container.projectId) continue;
    const project = entry(container.projectId);
    project.containers.push(container);
    project.root ??= container.labels[LABELS.root];
    project.projectName ??= container.labels[LABELS.projectName];
  }
  for (const volume of volumes) {
    const id = volume.labels[LABELS.project] ?? projectIdOfVolume(volume.name);
    if (!id) continue;
    const project = entry(id);
    project.volumes.push(volume);
    project.root ??= volume.labels[LABELS.root];
    project.projectName ??= volume.labels[LABELS.projectName];
  }
  return [...byId.values()];
}

/** What the file system says about a recorded project directory, as far as it can prove. */
export type RootState = 'present' | 'gone' | 'parent-gone' | 'unreadable' | 'unrecorded';

export interface RootFs {
  lstat(file: string): Promise<unknown>;
  stat(file: string): Promise<{ isDirectory(): boolean }>;
  access(file: string, mode: number): Promise<void>;
}

const realFs: RootFs = { lstat, stat, access };

/** `gone` only for ENOENT with a readable parent directory; EACCES, a missing parent and the like prove nothing. */
export async function rootState(root: string | undefined, fs: RootFs = realFs): Promise<RootState> {
  if (!root || !path.isAbsolute(root)) return 'unrecorded';
  try {
    await fs.lstat(root);
    return 'present';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return 'parent-gone';
    if (code !== 'ENOENT') return 'unreadable';
  }
  const parent = path.dirname(root);
  try {
    if (!(await fs.stat(parent)).isDirectory()) return 'parent-gone';
    await fs.access(parent, constants.R_OK | constants.X_OK);
    return 'gone';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'parent-gone' : 'unreadable';
  }
}

/** Why something was kept: stable words for `--json`; cli/messages.ts says them in full. */
export type KeepReason =
  | 'present'
  | 'other-host'
  | 'other-user'
  | 'no-owner'
  | 'parent-gone'
  | 'unreadable'
  | 'unrecorded'
  | 'volumes-not-named'
  | 'locked'
  | 'not-found';

export interface PruneEntry {
  projectId: string;
  projectName?: string | undefined;
  root: string | undefined;
  containers: string[];
  volumes: string[];
}

export interface KeptEntry extends PruneEntry {
  reason: KeepReason;
  /** The host or user a resource was created by, for `other-host` / `other-user`. */
  owner?: string;
}

export interface PruneResult {
  /** Removed (or, with `dryRun`, to be removed). */
  projects: PruneEntry[];
  /** Everything considered and kept, with the reason. */
  kept: KeptEntry[];
}

export interface PruneOptions {
  dryRun?: boolean;
  /** Also delete volumes: only those of `projects`. */
  volumes?: boolean;
  /** Project ids the user named: only these are considered, and their volumes may go with `volumes`. */
  projects?: string[];
  /** Injected for tests. */
  fs?: RootFs;
  /** How long to wait for a project's lock before keeping it. Default: 10 s. */
  lockTimeoutMs?: number;
  signal?: AbortSignal;
}

type Ownership = { ok: true } | { ok: false; reason: 'other-host' | 'other-user' | 'no-owner'; owner?: string };

function ownership(labelled: Array<{ labels: Record<string, string> }>): Ownership {
  const me = owner();
  for (const { labels } of labelled) {
    const host = labels[LABELS.host];
    const user = labels[LABELS.user];
    if (host === undefined || user === undefined) return { ok: false, reason: 'no-owner' };
    if (host !== me.host) return { ok: false, reason: 'other-host', owner: host };
    if (user !== me.user) return { ok: false, reason: 'other-user', owner: user };
  }
  return { ok: true };
}

const PROJECT_ID = /^[0-9a-f]{8}$/;

/** Decides, then (unless `dryRun`) removes, project by project under each project's lock. */
export async function pruneProjects(runtime: ContainerRuntime, options: PruneOptions = {}): Promise<PruneResult> {
  const named = options.projects ?? [];
  for (const id of named) {
    if (!PROJECT_ID.test(id)) throw new CidxError('USAGE', `"${id}" is not a project id: expected 8 hex digits, as \`cidx prune --dry-run\` lists them`);
  }
  const all = await inventory(runtime);
  const result: PruneResult = { projects: [], kept: [] };
  for (const id of named) {
    if (!all.some((project) => project.projectId === id)) result.kept.push({ projectId: id, root: undefined, containers: [], volumes: [], reason: 'not-found' });
  }
  for (const project of all) {
    if (named.length && !named.includes(project.projectId)) continue;
    const decision = await decide(project, named.includes(project.projectId), options);
    result.kept.push(...decision.kept);
    if (!decision.remove) continue;
    if (options.dryRun) {
      result.projects.push(decision.remove);
      continue;
    }
    const removed = await removeUnderLock(runtime, project, decision.remove, named.includes(project.projectId), options);
    if ('reason' in removed) result.kept.push(removed);
    else result.projects.push(removed);
  }
  return result;
}

interface Decision {
  remove: PruneEntry | undefined;
  kept: KeptEntry[];
}

async function decide(project: ProjectResources, isNamed: boolean, options: PruneOptions): Promise<Decision> {
  const base = { projectId: project.projectId, projectName: project.projectName, root: project.root };
  const containerNames = project.containers.map((container) => container.name);
  const volumeNames = project.volumes.map((volume) => volume.name);
  const keepAll = (reason: KeepReason, who?: string): Decision => ({
    remove: undefined,
    kept: [{ ...base, containers: containerNames, volumes: volumeNames, reason, ...(who ? { owner: who } : {}) }],
  });

  // A directory that exists keeps its project whoever made it: nothing to explain there.
  const state = await rootState(project.root, options.fs);
  if (state === 'present') return keepAll('present');
  const containersOwned = ownership(project.containers);
  if (!containersOwned.ok) return keepAll(containersOwned.reason, containersOwned.owner);
  // Naming a project settles the doubt a missing parent leaves (the user knows it is gone), never an unreadable one.
  if (state !== 'gone' && !(state === 'parent-gone' && isNamed)) return keepAll(state);

  const kept: KeptEntry[] = [];
  let volumes: string[] = [];
  if (project.volumes.length) {
    if (!options.volumes || !isNamed) {
      kept.push({ ...base, containers: [], volumes: volumeNames, reason: 'volumes-not-named' });
    } else {
      const byReason = new Map<string, { reason: KeepReason; owner?: string; names: string[] }>();
      for (const volume of project.volumes) {
        const owned = ownership([volume]);
        if (owned.ok) {
          volumes.push(volume.name);
          continue;
        }
        const key = `${owned.reason}:${owned.owner ?? ''}`;
        const group = byReason.get(key) ?? { reason: owned.reason, ...(owned.owner ? { owner: owned.owner } : {}), names: [] };
        group.names.push(volume.name);
        byReason.set(key, group);
      }
      for (const group of byReason.values()) kept.push({ ...base, containers: [], volumes: group.names, reason: group.reason, ...(group.owner ? { owner: group.owner } : {}) });
    }
  }
  if (containerNames.length === 0 && volumes.length === 0) return { remove: undefined, kept };
  volumes = volumes.sort();
  return { remove: { ...base, containers: containerNames, volumes }, kept };
}

async function removeUnderLock(
  runtime: ContainerRuntime,
  project: ProjectResources,
  entry: PruneEntry,
  isNamed: boolean,
  options: PruneOptions,
): Promise<PruneEntry | KeptEntry> {
  const lock = path.join(requirePrivateCacheDir('locks'), projectLockName(project.projectId, runtime));
  let release: () => Promise<void>;
  try {
    release = await acquireLock(lock, { timeoutMs: options.lockTimeoutMs ?? 10_000, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    if (hasCode(error, 'LOCKED')) return { ...entry, reason: 'locked' };
    throw error;
  }
  try {
    // The directory may have come back (a checkout restored) while this run looked elsewhere.
    const state = await rootState(project.root, options.fs);
    if (state !== 'gone' && !(state === 'parent-gone' && isNamed)) return { ...entry, reason: state === 'present' ? 'present' : state };
    const ids = project.containers.filter((container) => entry.containers.includes(container.name)).map((container) => container.id);
    if (ids.length) await runtime.remove(ids);
    if (entry.volumes.length) await runtime.removeVolumes(entry.volumes);
    if (ids.length && runtime.capabilities.networks) await runtime.removeNetwork!(networkName({ id: project.projectId }));
    return entry;
  } finally {
    await release();
  }
}
