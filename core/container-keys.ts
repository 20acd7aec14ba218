/**
 * The per-service container keys (schemas/service-container.ts) as the core
 * carries them: in the spec, in the spec hash, and checked before a plan.
 *
 * Each key is absent from a spec whose config leaves it unset, and an absent
 * key is absent from the hash and the digest label too: a config that uses
 * none of them hashes exactly as it did before they existed, so upgrading
 * cidx recreates nothing.
 */
import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ServiceConfig } from '../schemas/config.js';
import { CidxError } from './errors.js';
import type { ProjectIdentity } from './model.js';
import { byCodePoint } from './stable-json.js';

/** A host path mounted into the container. */
export interface BindMount {
  /** Absolute host path. */
  source: string;
  target: string;
  readOnly?: boolean;
  /** SELinux relabelling: 'shared' is `:z`, 'private' is `:Z`. */
  selinux?: 'shared' | 'private';
}

export type RestartPolicy = 'no' | 'on-failure' | 'unless-stopped' | 'always';

/** What the container keys ask of a runtime; each absent when the config leaves it unset (the engine's default). */
export interface ContainerKeys {
  mounts?: BindMount[];
  tmpfs?: Array<{ target: string; size?: string }>;
  /** Program and leading arguments; replaces the image's ENTRYPOINT and CMD (unless `command` is set). */
  entrypoint?: string[];
  user?: string;
  workdir?: string;
  /** Host name → IP address, or 'host-gateway' (the host, as the container reaches it). */
  extraHosts?: Record<string, string>;
  restart?: RestartPolicy;
  resources?: { memory?: string; cpus?: number; shmSize?: string };
  /** 'all', a count, or device ids. */
  gpus?: 'all' | number | string[];
}

/** The keys, in the order the digest label lists them after the original fields. */
export const CONTAINER_KEY_FIELDS = ['mounts', 'tmpfs', 'entrypoint', 'user', 'workdir', 'extraHosts', 'restart', 'resources', 'gpus'] as const;
export type ContainerKeyField = (typeof CONTAINER_KEY_FIELDS)[number];

/** `~/x` is the user's home; anything else relative is the config file's directory's. */
function hostPath(root: string, source: string): string {
  if (source === '~' || source.startsWith('~/')) return path.join(os.homedir(), source.slice(1));
  return path.resolve(root, source);
}

/** The spec fields for one service's container keys; only those the config sets. */
export function containerKeysOf(project: ProjectIdentity, service: ServiceConfig): ContainerKeys {
  const keys: ContainerKeys = {};
  if (service.mounts) keys.mounts = service.mounts.map((mount) => ({ ...mount, source: hostPath(project.root, mount.source) }));
  if (service.tmpfs) keys.tmpfs = service.tmpfs;
  if (service.entrypoint) keys.entrypoint = service.entrypoint;
  if (service.user !== undefined) keys.user = service.user;
  if (service.workdir !== undefined) keys.workdir = service.workdir;
  if (service.extraHosts) keys.extraHosts = service.extraHosts;
  if (service.restart !== undefined) keys.restart = service.restart;
  if (service.resources) keys.resources = service.resources;
  if (service.gpus !== undefined) keys.gpus = service.gpus;
  return keys;
}

/** The keys a spec sets, as the hash sees them: lists whose order means nothing are sorted. */
export function hashedContainerKeys(spec: ContainerKeys): Partial<Record<ContainerKeyField, unknown>> {
  const fields: Partial<Record<ContainerKeyField, unknown>> = {};
  for (const field of CONTAINER_KEY_FIELDS) {
    const value = spec[field];
    if (value === undefined) continue;
    fields[field] = field === 'mounts' || field === 'tmpfs' ? [...(value as Array<{ target: string }>)].sort((a, b) => byCodePoint(a.target, b.target)) : value;
  }
  return fields;
}

/**
 * Every bind mount's host path must exist before a plan: an engine given a
 * missing path creates it (as root, as a directory, even for what was meant
 * to be a file). One error names every missing path.
 */
export async function checkMountSources(services: Array<{ name: string; spec: ContainerKeys }>): Promise<void> {
  const wanted = services.flatMap((service) => (service.spec.mounts ?? []).map((mount) => ({ service: service.name, mount })));
  if (wanted.length === 0) return;
  const missing = (
    await Promise.all(
      wanted.map(async ({ service, mount }) => {
        const found = await stat(mount.source).then(() => true, (error: NodeJS.ErrnoException) => error.code !== 'ENOENT' && error.code !== 'ENOTDIR');
        return found ? [] : [`services.${service}.mounts  host path ${mount.source} does not exist (mounted at ${mount.target})`];
      }),
    )
  ).flat();
  if (missing.length === 0) return;
  throw new CidxError('CONFIG_INVALID', `${missing.length === 1 ? 'a bind mount\'s host path is' : `${missing.length} bind mounts' host paths are`} missing`, {
    details: missing,
    hint: "Create the file or directory, or fix the path (relative paths start at the config file's directory); cidx never lets the engine create it, as it would, owned by root.",
  });
}
