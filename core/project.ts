import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ProjectIdentity } from './model.js';

/** Label keys: the runtime's labels are cidx's only state about containers. */
export const LABELS = Object.freeze({
  project: 'io.cidx.project',
  projectName: 'io.cidx.project-name',
  root: 'io.cidx.root',
  service: 'io.cidx.service',
  configHash: 'io.cidx.config-hash',
  /** `ON_DEFAULT_NETWORK` on a container that had to go on the runtime's default network (see reconcile/execute.ts). */
  network: 'io.cidx.network',
});

/** Value of `LABELS.network` for a container created while the project network could not be. */
export const ON_DEFAULT_NETWORK = 'default';

/** Short stable hash of the project root: the same path always gives the same id. */
export function projectId(root: string): string {
  return createHash('sha256').update(path.resolve(root)).digest('hex').slice(0, 8);
}

export function projectIdentity(root: string, configFile: string, name: string | undefined): ProjectIdentity {
  const absolute = path.resolve(root);
  return {
    name: name ?? sanitizeName(path.basename(absolute)),
    id: projectId(absolute),
    root: absolute,
    configFile: path.resolve(configFile),
  };
}

export function containerName(project: Pick<ProjectIdentity, 'id'>, service: string): string {
  return `cidx-${project.id}-${service}`;
}

/** Volumes are scoped to the project (and service) so two checkouts never share data by accident. */
export function volumeName(project: Pick<ProjectIdentity, 'id'>, service: string, volume: string): string {
  return `cidx-${project.id}-${service}-${volume}`;
}

/** One network per project: services find each other by name, and projects stay apart. */
export function networkName(project: Pick<ProjectIdentity, 'id'>): string {
  return `cidx-${project.id}`;
}

export function volumePrefix(project: Pick<ProjectIdentity, 'id'>): string {
  return `cidx-${project.id}-`;
}

function sanitizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+/, '') || 'project';
}
