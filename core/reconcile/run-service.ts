/**
 * Creates one service's container, negotiating host ports with the engine:
 * ask for what `requestPorts` produced; when the engine refuses a port, let
 * `retryPorts` revise the request (preferred-port-fallback drops the taken
 * port) and try again. The engine's answer is the truth; nothing is checked
 * beforehand, because checking then binding is a race.
 */
import pRetry from 'p-retry';
import type { CidxHooks, ServiceContext } from '../hooks.js';
import type { PortAssignment, PortBinding, PortRequest } from '../model.js';
import { hasCode } from '../errors.js';
import { NameConflictError, type PortRefusedError } from '../runtime.js';

/** Refusals tolerated per service before giving up: each one removes at least one candidate. */
const MAX_ATTEMPTS = 8;

export interface RunOutcome {
  id: string;
  /**
   * The bindings, when every port was asked for by number: the engine binds
   * exactly those or refuses, so they are known without asking it again.
   * Absent when it chose any port itself, or the container was adopted.
   */
  published?: PortBinding[];
  /**
   * Per port name, the host port asked for first (preferred, the replaced
   * container's, or cached): a container that ends up elsewhere is reported
   * as a fallback. Absent for ports left to the engine from the start.
   */
  wanted?: Record<string, number>;
}

export async function runService(hooks: CidxHooks, context: ServiceContext): Promise<RunOutcome> {
  const { service, runtime } = context;
  try {
    return await negotiatePorts(hooks, context, async (assignments) => {
      context.signal.throwIfAborted();
      return (await runtime.run(service.spec, assignments)).id;
    });
  } catch (error) {
    if (hasCode(error, 'NAME_CONFLICT')) return { id: await adopt(context) };
    throw error;
  }
}

/**
 * Asks `requestPorts` what to ask for, then calls `attempt` with it; when the
 * engine refuses a port (`PortRefusedError` from `attempt`), lets
 * `retryPorts` revise the request and calls `attempt` again. `attempt`
 * decides itself whether an abort may stop it: a recreate half-way through
 * its swap must not be. Resolves with the container id `attempt` returned.
 */
export async function negotiatePorts(hooks: CidxHooks, context: ServiceContext, attempt: (assignments: PortAssignment[]) => Promise<string>): Promise<RunOutcome> {
  const { service } = context;
  const initial: PortRequest[] = service.spec.ports.map(({ name, container, protocol }) => ({
    name,
    container,
    ...(protocol === 'udp' ? { protocol } : {}),
    hostIp: service.spec.hostIp,
    candidates: [],
  }));
  let requests = await hooks.requestPorts.promise(initial, context);
  const wanted = Object.fromEntries(requests.filter((request) => request.candidates.length).map((request) => [request.name, request.candidates[0]!.port]));
  const extra = Object.keys(wanted).length ? { wanted } : {};
  for (let count = 1; ; count++) {
    try {
      const assignments = toAssignments(requests);
      const id = await attempt(assignments);
      const explicit = assignments.every((assignment) => assignment.hostPort !== undefined);
      return explicit ? { id, published: assignments.map(({ container, protocol, hostIp, hostPort }) => ({ container, hostIp, hostPort: hostPort!, ...(protocol ? { protocol } : {}) })), ...extra } : { id, ...extra };
    } catch (error) {
      if (!hasCode(error, 'PORT_REFUSED') || count >= MAX_ATTEMPTS) throw error;
      const refused = (error as PortRefusedError).port;
      const revised = await hooks.retryPorts.promise(requests, { ...context, port: refused, message: error.message });
      if (revised) {
        requests = revised;
      } else if (requests.some((request) => request.candidates.length > 0)) {
        throw error; // a specific port was refused and no plugin offered another
      }
      // Only runtime-chosen ports were asked for: an ephemeral-port race in the engine. Ask again.
    }
  }
}

function toAssignments(requests: PortRequest[]): PortAssignment[] {
  return requests.map((request) => ({
    container: request.container,
    ...(request.protocol === 'udp' ? { protocol: request.protocol } : {}),
    hostIp: request.hostIp,
    hostPort: request.candidates[0]?.port,
  }));
}

/**
 * The name is taken: another cidx process is creating this very service.
 * Wait until its container runs and adopt it, if it was built from the same
 * spec; otherwise report the conflict.
 */
async function adopt(context: ServiceContext): Promise<string> {
  const { runtime, service, project } = context;
  return pRetry(
    async () => {
      const containers = await runtime.listProject(project.id);
      const existing = containers.find((container) => container.name === service.spec.name);
      if (!existing) throw new Error(`container ${service.spec.name} vanished while adopting it`);
      if (existing.configHash !== service.hash) {
        throw new NameConflictError(service.spec.name, 'it was created from a different config; run `cidx apply` again');
      }
      if (existing.state === 'running') return existing.id;
      if (existing.state === 'exited') {
        await runtime.start([existing.id]);
        return existing.id;
      }
      throw new Error(`container ${service.spec.name} is ${existing.state}`);
    },
    {
      retries: 20,
      minTimeout: 50,
      maxTimeout: 500,
      signal: context.signal,
      shouldRetry: ({ error }) => !hasCode(error, 'NAME_CONFLICT'),
    },
  );
}
