/**
 * Decodes `podman ps --format json`: one JSON array with typed labels, ports
 * and states. It says everything the planner needs in one call, where
 * Docker's `ps` output (string-encoded labels and ports, no port bindings)
 * needs an `inspect` as well. It lacks the container's IP address; the
 * health-check plugin inspects for it only when a TCP probe needs it.
 */
import type { ObservedContainer, PortBinding } from '../../core/model.js';
import { identity, STATES } from './inspect.js';

interface RawPsPort {
  host_ip?: string;
  container_port?: number;
  host_port?: number;
  range?: number;
  protocol?: string;
}

interface RawPsContainer {
  Id: string;
  Names?: string[] | null;
  Image?: string;
  Labels?: Record<string, string> | null;
  State?: string;
  ExitCode?: number;
  StartedAt?: number;
  ExitedAt?: number;
  Ports?: RawPsPort[] | null;
}

export function parsePsJson(json: string): ObservedContainer[] {
  const raw = JSON.parse(json || '[]') as RawPsContainer[] | null;
  return (raw ?? []).map((container) => {
    const labels = container.Labels ?? {};
    const state = STATES[container.State ?? ''] ?? 'unknown';
    return {
      id: container.Id,
      name: container.Names?.[0] ?? '',
      ...identity(labels),
      image: container.Image ?? '',
      state,
      exitCode: container.ExitCode,
      startedAt: container.StartedAt && container.StartedAt > 0 ? new Date(container.StartedAt * 1000).toISOString() : undefined,
      finishedAt: container.ExitedAt && container.ExitedAt > 0 && state !== 'running' ? new Date(container.ExitedAt * 1000).toISOString() : undefined,
      ports: ports(container.Ports),
      labels,
      // Podman chooses host ports at create time and keeps them across restarts.
      ephemeralPorts: false,
    };
  });
}

function ports(list: RawPsPort[] | null | undefined): PortBinding[] {
  const result: PortBinding[] = [];
  for (const port of list ?? []) {
    // Podman names the protocol per entry ('tcp', 'udp'); a TCP and a UDP binding of one port are two entries.
    const protocol = port.protocol ?? 'tcp';
    if ((protocol !== 'tcp' && protocol !== 'udp') || !port.container_port || !port.host_port) continue;
    for (let offset = 0; offset < Math.max(1, port.range ?? 1); offset++) {
      result.push({ container: port.container_port + offset, hostIp: port.host_ip ?? '', hostPort: port.host_port + offset, ...(protocol === 'udp' ? { protocol } : {}) });
    }
  }
  return result;
}
