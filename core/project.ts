import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProjectIdentity } from './model.js';

/** Label keys: the runtime's labels are cidx's only state about containers. */
export const LABELS = Object.freeze({
  project: 'io.cidx.project',
  projectName: 'io.cidx.project-name',
  root: 'io.cidx.root',
  service: 'io.cidx.service',
  configHash: 'io.cidx.config-hash',
  /** `ON_DEFAULT_NETWORK` on a container that had to go on the runtime's default network (see reconcile/prepare.ts). */
  network: 'io.cidx.network',
  /**
   * The machine (os.hostname()) and user (uid) that created a container,
   * volume or network. `root` is a path on that machine, seen by that user:
   * only there can its absence prove the project gone (see core/prune.ts).
   */
  host: 'io.cidx.host',
  user: 'io.cidx.user',
});

/** Value of `LABELS.network` for a container created while the project network could not be. */
export const ON_DEFAULT_NETWORK = 'default';

/**
 * The directory as the file system knows it: one project reached through a
 * symlink (or a bind mount's alias) is still one project. A path that cannot
 * be resolved (not created yet) is taken as written.
 */
export function realRoot(root: string): string {
  const absolute = path.resolve(root);
  try {
    return realpathSync.native(absolute);
  } catch {
    return absolute;
  }
}

/** Short stable hash of the project's real root: the same directory always gives the same id. */
export function projectId(root: string): string {
  return createHash('sha256').update(realRoot(root)).digest('hex').slice(0, 8);
}

export function projectIdentity(root: string, configFile: string, name: string | undefined): ProjectIdentity {
  const real = realRoot(root);
  return {
    name: name ?? sanitizeName(path.basename(real)),
    id: projectId(real),
    root: real,
    configFile: path.resolve(configFile),
  };
}

/** Who is running cidx, as `LABELS.host` and `LABELS.user` record it. */
export function owner(): { host: string; user: string } {
  if (!me) {
    const { uid, username } = os.userInfo();
    me = { host: os.hostname(), user: uid >= 0 ? String(uid) : username };
  }
  return me;
}
let me: { host: string; user: string } | undefined;

/** The owner labels every resource cidx creates carries. */
export function ownerLabels(): Record<string, string> {
  const { host, user } = owner();
  return { [LABELS.host]: host, [LABELS.user]: user };
}

export function containerName(project: Pick<ProjectIdentity, 'id'>, service: string): string {
  return `cidx-${project.id}-${service}`;
}

/**
 * Volumes are scoped to the project and service so two checkouts never share
 * data by accident. `.` separates service and volume because neither name
 * may contain one: `db` + `main-data` and `db-main` + `data` stay apart.
 */
export function volumeName(project: Pick<ProjectIdentity, 'id'>, service: string, volume: string): string {
  return `cidx-${project.id}-${service}.${volume}`;
}

/**
 * A volume the config's top-level `volumes` declares, which several services
 * mount. No service name starts with '_', so it meets neither a private name
 * nor a legacy one, and it keeps the project's prefix (`down --volumes`, prune).
 */
export function sharedVolumeName(project: Pick<ProjectIdentity, 'id'>, volume: string): string {
  return `cidx-${project.id}-_shared.${volume}`;
}

/**
 * The name cidx gave a volume before `volumeName` used `.`: ambiguous, since
 * `-` may occur in both names. Kept in use where it exists (see reconcile/volumes.ts).
 */
export function legacyVolumeName(project: Pick<ProjectIdentity, 'id'>, service: string, volume: string): string {
  return `cidx-${project.id}-${service}-${volume}`;
}

const CURRENT_VOLUME = /^(cidx-[0-9a-f]{8}-[^.]+)\.([^.]+)$/;

/** `cidx-<id>-<svc>.<vol>` → `cidx-<id>-<svc>-<vol>`; any other name unchanged. */
export function asLegacyVolumeName(name: string): string {
  return name.replace(CURRENT_VOLUME, '$1-$2');
}

/** One network per project: services find each other by name, and projects stay apart. */
export function networkName(project: Pick<ProjectIdentity, 'id'>): string {
  return `cidx-${project.id}`;
}

/** Every volume name of the project, current and legacy, starts with this. */
export function volumePrefix(project: Pick<ProjectIdentity, 'id'>): string {
  return `cidx-${project.id}-`;
}

/** The project id in a cidx volume's name, for volumes of earlier versions, which carry no labels. */
export function projectIdOfVolume(name: string): string | undefined {
  return /^cidx-([0-9a-f]{8})-/.exec(name)?.[1];
}

function sanitizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+/, '') || 'project';
}
