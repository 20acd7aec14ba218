/** Builds what users see of a service's ports: host port, address, URL, fallback. */
import type { CidxError } from '../errors.js';
import type { DesiredService, ObservedContainer, PortBinding, PortReport, ProjectIdentity, ProjectReport, ServiceReport } from '../model.js';
import { isLoopback, runtimeEndpoint, type EngineOf } from '../engine-endpoint.js';
import type { Protocol } from '../../schemas/port-spec.js';

const WILDCARD = new Set(['', '0.0.0.0', '::']);

/**
 * Picks the binding to connect to. Some engine versions give the IPv4 and
 * IPv6 bindings of one port different host ports: prefer the one on the
 * configured address, then IPv4.
 */
export function pickBinding(bindings: PortBinding[], container: number, hostIp: string, protocol: Protocol = 'tcp'): PortBinding | undefined {
  // 53/tcp and 53/udp are different ports, with different host ports on some engines.
  const candidates = bindings.filter((binding) => binding.container === container && (binding.protocol ?? 'tcp') === protocol);
  return (
    candidates.find((binding) => binding.hostIp === hostIp) ??
    candidates.find((binding) => !binding.hostIp.includes(':')) ??
    candidates[0]
  );
}

/**
 * Where a client on this machine reaches a binding; undefined when nothing
 * here can: a loopback binding on another machine's engine listens on that
 * machine's loopback, and the same port number here is someone else's.
 */
export function reachableHost(binding: PortBinding, runtime: EngineOf): string | undefined {
  const endpoint = runtimeEndpoint(runtime);
  if (!endpoint.local) {
    if (isLoopback(binding.hostIp)) return undefined;
    // A wildcard listens on every address of the engine's machine, so on the one the engine is reached at.
    return WILDCARD.has(binding.hostIp) ? endpoint.host : binding.hostIp;
  }
  if (WILDCARD.has(binding.hostIp)) return binding.hostIp === '::' ? '::1' : '127.0.0.1';
  return binding.hostIp;
}

/** Why a port of a remote engine has no URL here, and what to do: for `status`, `port` and the health probes. */
export function unreachableReason(hostIp: string, runtime: EngineOf): string {
  const endpoint = runtimeEndpoint(runtime);
  return (
    `published on ${hostIp} of ${endpoint.host ?? endpoint.uri}, the engine's own loopback: nothing on this machine can reach it. ` +
    "Set `bind: '0.0.0.0'` (or an address of that machine) to reach it from here"
  );
}

export function portReports(
  service: DesiredService,
  container: ObservedContainer | undefined,
  runtime: EngineOf,
): PortReport[] {
  return service.spec.ports.map(({ name, container: containerPort, protocol = 'tcp' }) => {
    const binding = container ? pickBinding(container.ports, containerPort, service.spec.hostIp, protocol) : undefined;
    const preferred = service.preferred[name] ?? null;
    if (!binding) {
      return { name, container: containerPort, protocol, host: null, hostIp: null, preferred, fallback: false, url: null };
    }
    const hostIp = addressOf(binding, service);
    const report: PortReport = {
      name,
      container: containerPort,
      protocol,
      host: binding.hostPort,
      hostIp,
      preferred,
      fallback: preferred !== null && preferred !== binding.hostPort,
      ...whereReached(binding, hostIp, protocol, runtime),
    };
    // Several copies (Swarm replicas): each one's URL, so health reaches them all and `--json` lists them.
    if (container?.instances && container.instances.length > 1) {
      report.instances = container.instances.map((instance) => {
        const own = pickBinding(instance.ports, containerPort, service.spec.hostIp, protocol);
        if (!own) return { name: instance.name, host: null, url: null };
        return { name: instance.name, host: own.hostPort, ...whereReached(own, addressOf(own, service), protocol, runtime) };
      });
    }
    return report;
  });
}

/** The address a binding is published on: Podman leaves it empty for the configured one. */
function addressOf(binding: PortBinding, service: DesiredService): string {
  return binding.hostIp === '' ? service.spec.hostIp : binding.hostIp;
}

/** A binding's URL from this machine, or why there is none. */
function whereReached(binding: PortBinding, hostIp: string, protocol: Protocol, runtime: EngineOf): { url: string | null; unreachable?: string } {
  const host = reachableHost(binding, runtime);
  // No HTTP over UDP: a UDP port's URL names its protocol, which clients of `cidx env` can tell apart.
  if (host !== undefined) return { url: `${protocol === 'udp' ? 'udp' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${binding.hostPort}` };
  return { url: null, unreachable: unreachableReason(hostIp, runtime) };
}

/** True when every declared port has a published host port: an engine that publishes at start shows them only once running. */
export function portsPublished(service: DesiredService, container: ObservedContainer): boolean {
  return service.spec.ports.every(({ container: port, protocol }) => pickBinding(container.ports, port, service.spec.hostIp, protocol) !== undefined);
}

/** The same service report with keys in the documented order, so `--json` reads top-down. */
export function inReadingOrder(report: ServiceReport): ServiceReport {
  const { name, state, healthy, health, action, reason, container, ports, job, error } = report;
  return Object.fromEntries(
    Object.entries({ name, state, healthy, action, reason, health, container, ports, job, error }).filter(([, value]) => value !== undefined),
  ) as unknown as ServiceReport;
}

/** What every project report starts with: the project, and the runtime and engine it was observed on. */
export function reportHeader(project: Pick<ProjectIdentity, 'name' | 'id' | 'root'>, runtime: EngineOf & { name: string }): Pick<ProjectReport, 'project' | 'runtime' | 'endpoint'> {
  return { project: { name: project.name, id: project.id, root: project.root }, runtime: runtime.name, endpoint: runtimeEndpoint(runtime) };
}

/** A service's error as the report (and `--json`) carries it: details and hint only when there are some. */
export function describeError(error: CidxError): NonNullable<ServiceReport['error']> {
  return {
    code: error.code,
    message: error.message,
    ...(error.details.length ? { details: error.details } : {}),
    ...(error.hint ? { hint: error.hint } : {}),
  };
}
