/**
 * Decodes `container inspect` JSON, which Docker and Podman print in nearly
 * the same shape. Known differences handled here: Docker's names start with
 * '/'; Podman may have null Labels, says 'configured'/'stopped' for states,
 * may leave HostIp empty, and keeps chosen ports in HostConfig.PortBindings
 * while a container is stopped.
 */
import type { ContainerState, ObservedContainer, PortBinding, VolumeMount } from '../../core/model.js';
import { LABELS } from '../../core/project.js';

interface RawBinding {
  HostIp?: string;
  HostPort?: string;
}

interface RawContainer {
  Id: string;
  Name?: string;
  ImageName?: string;
  Config?: { Image?: string; Labels?: Record<string, string> | null };
  State?: {
    Status?: string;
    ExitCode?: number;
    StartedAt?: string;
    FinishedAt?: string;
    Health?: { Status?: string };
    Healthcheck?: { Status?: string };
  };
  NetworkSettings?: {
    Ports?: Record<string, RawBinding[] | null> | null;
    IPAddress?: string;
    Networks?: Record<string, { IPAddress?: string } | null> | null;
  };
  HostConfig?: { PortBindings?: Record<string, RawBinding[] | null> | null };
}

/** Both runtimes' state words, mapped to cidx's; Podman says 'configured' and 'stopped'. */
export const STATES: Record<string, ContainerState> = {
  running: 'running',
  created: 'created',
  configured: 'created',
  initialized: 'created',
  exited: 'exited',
  stopped: 'exited',
  paused: 'paused',
  restarting: 'restarting',
  removing: 'removing',
  stopping: 'running',
  dead: 'dead',
};

/** Which project and service a container belongs to, and its config hash: read from cidx's labels. */
export function identity(labels: Record<string, string>): Pick<ObservedContainer, 'service' | 'projectId' | 'configHash'> {
  return { service: labels[LABELS.service] ?? '', projectId: labels[LABELS.project] ?? '', configHash: labels[LABELS.configHash] };
}

export function parseInspect(json: string): ObservedContainer[] {
  return parseInspectWithVolumes(json).containers;
}

/** `parseInspect`, and each container's anonymous volume names by id, from one parse of the JSON. */
export function parseInspectWithVolumes(json: string): { containers: ObservedContainer[]; anonymous: Map<string, string[]> } {
  const raws = JSON.parse(json) as Array<RawContainer & { Mounts?: RawMount[] | null }>;
  return { containers: raws.map(toObserved), anonymous: anonymousById(raws) };
}

function toObserved(raw: RawContainer): ObservedContainer {
  const labels = raw.Config?.Labels ?? {};
  const startedAt = raw.State?.StartedAt;
  const finishedAt = raw.State?.FinishedAt;
  const health = raw.State?.Health?.Status || raw.State?.Healthcheck?.Status;
  return {
    id: raw.Id,
    name: (raw.Name ?? '').replace(/^\//, ''),
    ...identity(labels),
    image: raw.Config?.Image ?? raw.ImageName ?? '',
    state: STATES[raw.State?.Status ?? ''] ?? 'unknown',
    exitCode: raw.State?.ExitCode,
    startedAt: startedAt && !startedAt.startsWith('0001-') ? startedAt : undefined,
    finishedAt: finishedAt && !finishedAt.startsWith('0001-') ? finishedAt : undefined,
    ports: bindings(raw),
    labels,
    ephemeralPorts: Object.values(raw.HostConfig?.PortBindings ?? {}).some((list) => (list ?? []).some((binding) => !binding.HostPort)),
    ipAddress: raw.NetworkSettings?.IPAddress || Object.values(raw.NetworkSettings?.Networks ?? {}).find((network) => network?.IPAddress)?.IPAddress || undefined,
    runtimeHealth: health === 'healthy' || health === 'unhealthy' || health === 'starting' ? health : undefined,
  };
}

function bindings(raw: RawContainer): PortBinding[] {
  const live = decode(raw.NetworkSettings?.Ports);
  if (live.length) return live;
  // Podman chooses ports at create time and records them here; Docker leaves HostPort empty until start.
  return decode(raw.HostConfig?.PortBindings);
}

function decode(ports: Record<string, RawBinding[] | null> | null | undefined): PortBinding[] {
  const result: PortBinding[] = [];
  for (const [key, list] of Object.entries(ports ?? {})) {
    // Both engines key bindings as `53/udp`; SCTP is not a protocol cidx publishes.
    const [port, protocol = 'tcp'] = key.split('/');
    if ((protocol !== 'tcp' && protocol !== 'udp') || !list) continue;
    for (const binding of list) {
      const hostPort = Number(binding.HostPort);
      if (!binding.HostPort || !Number.isInteger(hostPort) || hostPort <= 0) continue;
      result.push({ container: Number(port), hostIp: binding.HostIp ?? '', hostPort, ...(protocol === 'udp' ? { protocol } : {}) });
    }
  }
  return result;
}

interface RawMount {
  Type?: string;
  Name?: string;
  Destination?: string;
}

/**
 * Both engines name an anonymous volume with 64 random hex digits, which no
 * `--volume name:path` of cidx's (`cidx-<project>-<service>-<volume>`) can be.
 */
const ENGINE_NAMED = /^[0-9a-f]{64}$/;

/** The anonymous volume mounts of the first container in `container inspect` JSON. */
export function parseAnonymousVolumes(json: string): VolumeMount[] {
  const [raw] = JSON.parse(json) as Array<{ Mounts?: RawMount[] | null }>;
  return anonymousMounts(raw?.Mounts);
}

/** Each container's anonymous volume names, by container id, from `container inspect` JSON. */
export function parseAnonymousVolumeNames(json: string): Map<string, string[]> {
  return anonymousById(JSON.parse(json) as Array<{ Id?: string; Mounts?: RawMount[] | null }>);
}

function anonymousById(raws: Array<{ Id?: string; Mounts?: RawMount[] | null }>): Map<string, string[]> {
  return new Map(raws.filter((raw) => typeof raw.Id === 'string').map((raw) => [raw.Id!, anonymousMounts(raw.Mounts).map((mount) => mount.source)]));
}

function anonymousMounts(mounts: RawMount[] | null | undefined): VolumeMount[] {
  return (mounts ?? [])
    .filter((mount) => mount.Type === 'volume' && ENGINE_NAMED.test(mount.Name ?? '') && mount.Destination)
    .map((mount) => ({ source: mount.Name!, target: mount.Destination! }));
}
