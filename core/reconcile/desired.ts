/**
 * From config to desired state: one ContainerSpec per service, refined by the
 * `resolveSpec` hook, then hashed. The hash goes into a label on the
 * container; comparing it with the desired hash is how drift is detected.
 */
import { createHash } from 'node:crypto';
import type { CidxConfig, ServiceConfig } from '../../schemas/config.js';
import { DEFAULTS } from '../../schemas/defaults.js';
import { parseDuration } from '../../schemas/duration.js';
import { readEnvFiles } from '../config/dotenv.js';
import type { CidxHooks, ProjectContext } from '../hooks.js';
import type { ContainerSpec, DesiredService, ProjectIdentity } from '../model.js';
import { LABELS, asLegacyVolumeName, containerName, networkName, ownerLabels, sharedVolumeName, volumeName } from '../project.js';
import { CONTAINER_KEY_FIELDS, containerKeysOf, hashedContainerKeys } from '../container-keys.js';
import { byCodePoint, stableJson } from '../stable-json.js';
import { portSpecOf } from '../../schemas/port-spec.js';

/** Label holding a short digest per spec field, so a plan can say *what* changed. */
export const SPEC_DIGEST_LABEL = 'io.cidx.spec-digest';

/** The fields of a spec that, when changed, require a new container. Health and dependsOn are not among them. */
const HASHED_FIELDS = ['image', 'command', 'env', 'ports', 'bind', 'volumes', 'network', 'labels'] as const;
/**
 * Fields hashed and digested only when set, so a config that uses none of them
 * hashes as it did before they existed (no container is recreated by an
 * upgrade): `job`, and the container keys (mounts, user, …: container-keys.ts).
 */
const OPTIONAL_FIELDS = ['job'] as const;
export type SpecField = (typeof HASHED_FIELDS)[number] | (typeof CONTAINER_KEY_FIELDS)[number] | (typeof OPTIONAL_FIELDS)[number];

export function baseSpec(project: ProjectIdentity, config: CidxConfig, name: string, service: ServiceConfig): ContainerSpec {
  return {
    name: containerName(project, name),
    image: service.image,
    command: service.command,
    // An env file's variables first: the config's own `env` wins, as in Compose.
    env: service.envFile === undefined ? { ...service.env } : { ...readEnvFiles(project.root, name, service.envFile), ...service.env },
    labels: {
      ...service.labels,
      [LABELS.project]: project.id,
      [LABELS.projectName]: project.name,
      [LABELS.root]: project.root,
      [LABELS.service]: name,
      ...ownerLabels(),
    },
    ports: Object.entries(service.ports).map(([portName, value]) => {
      const { container, protocol } = portSpecOf(value);
      return protocol === 'udp' ? { name: portName, container, protocol } : { name: portName, container };
    }),
    hostIp: config.bind,
    // A name the top-level `volumes` declares is that shared volume; any other is the service's own.
    volumes: Object.entries(service.volumes).map(([volume, target]) => ({ source: config.volumes && Object.hasOwn(config.volumes, volume) ? sharedVolumeName(project, volume) : volumeName(project, name, volume), target })),
    network: { name: networkName(project), aliases: [name] },
    ...containerKeysOf(project, service),
    ...(service.job ? { job: true as const } : {}),
  };
}

const digest = (value: unknown, length: number) => createHash('sha256').update(stableJson(value)).digest('hex').slice(0, length);

function hashedFields(spec: ContainerSpec): Partial<Record<SpecField, unknown>> {
  // cidx's own identity labels are excluded: renaming a project must not recreate its containers.
  const userLabels = Object.fromEntries(Object.entries(spec.labels).filter(([key]) => !key.startsWith('io.cidx.')));
  return {
    image: spec.image,
    command: spec.command ?? null,
    env: spec.env,
    // A TCP port hashes as `{ name, container }`, as before UDP existed: no recreate on upgrade.
    ports: [...spec.ports]
      .map(({ name, container, protocol }) => (protocol === 'udp' ? { name, container, protocol } : { name, container }))
      .sort((a, b) => byCodePoint(a.name, b.name)),
    bind: spec.hostIp,
    // Hashed under the names earlier versions gave them: a volume kept in use under its legacy
    // name (reconcile/volumes.ts), and a project upgraded from them, must not count as drift.
    volumes: spec.volumes.map((volume) => ({ ...volume, source: asLegacyVolumeName(volume.source) })).sort((a, b) => byCodePoint(a.target, b.target)),
    // The network's name is identity (project-scoped, like the container's name); joining one, and the aliases, are not.
    network: spec.network ? { aliases: [...spec.network.aliases].sort(byCodePoint) } : null,
    labels: userLabels,
    ...hashedContainerKeys(spec),
    ...(spec.job ? { job: true } : {}),
  };
}

export function specHash(spec: ContainerSpec): string {
  return digest(hashedFields(spec), 16);
}

/** `image=1a2b3c;env=4d5e6f;…`: stored on the container to explain later drift. */
export function specDigest(spec: ContainerSpec): string {
  const fields = hashedFields(spec);
  return (Object.keys(fields) as SpecField[]).map((field) => `${field}=${digest(fields[field], 6)}`).join(';');
}

/** Which fields differ between a container's digest label and the desired spec. */
export function changedFields(observedDigest: string | undefined, desired: ContainerSpec): SpecField[] | undefined {
  if (!observedDigest) return undefined;
  const observed = new Map(observedDigest.split(';').map((pair) => pair.split('=') as [SpecField, string]));
  const wanted = new Map(specDigest(desired).split(';').map((pair) => pair.split('=') as [SpecField, string]));
  // A container key set on one side only (added or dropped) changed too.
  const fields = [...wanted.keys(), ...[...observed.keys()].filter((field) => !wanted.has(field))];
  return fields.filter((field) => observed.get(field) !== wanted.get(field));
}

/**
 * Normalises the config's preferred ports into port name → host port. Own
 * entries only, in a null-prototype object: a service or port named
 * `constructor` or `toString` must find nothing where nothing was preferred,
 * and every `preferred[portName]` lookup downstream stays safe.
 */
export function preferredPorts(config: CidxConfig, name: string): Record<string, number> {
  const preferred: Record<string, number> = Object.create(null);
  const preference = Object.hasOwn(config.preferredPorts, name) ? config.preferredPorts[name] : undefined;
  const service = Object.hasOwn(config.services, name) ? config.services[name] : undefined;
  if (preference === undefined || !service) return preferred;
  if (typeof preference === 'number') {
    const first = Object.keys(service.ports)[0];
    if (first) preferred[first] = preference;
    return preferred;
  }
  for (const [portName, port] of Object.entries(preference)) preferred[portName] = port;
  return preferred;
}

/** Default probe: TCP connect on the first TCP port, like Testcontainers' default wait; none without one (UDP cannot be probed), nor for a job (its exit is its verdict). */
function healthFor(service: ServiceConfig): DesiredService['health'] {
  if (service.health !== undefined) return service.health;
  if (service.job) return false;
  const first = Object.entries(service.ports).find(([, value]) => portSpecOf(value).protocol === 'tcp')?.[0];
  if (!first) return false;
  return {
    tcp: { port: first },
    timeout: parseDuration(DEFAULTS.healthTimeout)!,
    interval: parseDuration(DEFAULTS.healthInterval)!,
    successes: DEFAULTS.healthSuccesses,
  };
}

/** The desired state of every service, or of `only` those named (a lookup needs just one). */
export async function desiredServices(hooks: CidxHooks, context: ProjectContext, only?: string[]): Promise<DesiredService[]> {
  const { config, project } = context;
  return Promise.all(
    Object.entries(config.services)
      .filter(([name]) => !only || only.includes(name))
      .map(async ([name, service]) => {
      const refined = await hooks.resolveSpec.promise(baseSpec(project, config, name, service), { ...context, service: name, serviceConfig: service });
      const hash = specHash(refined);
      const spec: ContainerSpec = {
        ...refined,
        labels: { ...refined.labels, [LABELS.configHash]: hash, [SPEC_DIGEST_LABEL]: specDigest(refined) },
      };
      const job = service.job ? { jobTimeoutMs: jobTimeout(service.job) } : {};
      return { name, spec, hash, dependsOn: service.dependsOn, health: healthFor(service), preferred: preferredPorts(config, name), ...job };
    }),
  );
}

function jobTimeout(job: NonNullable<ServiceConfig['job']>): number {
  return typeof job === 'object' ? job.timeout : parseDuration(DEFAULTS.jobTimeout)!;
}
