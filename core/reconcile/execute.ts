/**
 * Executes a plan. Services run level by level in dependency order; the
 * services of one level are acted on in parallel, their ports discovered with
 * one inspect call (none for a container that got the host ports it asked
 * for by number and is about to be probed), and their health checked in
 * parallel. A failed service stops its dependants and nothing else.
 */
import pRetry from 'p-retry';
import { CidxError, hasCode, isCidxError } from '../errors.js';
import type { CidxHooks, ReportContext } from '../hooks.js';
import type { ApplyAction, DesiredService, HealthResult, ObservedContainer, PortBinding, PortReport, ProjectReport, ServiceReport } from '../model.js';
import { limiter } from '../limit.js';
import { LABELS, ON_DEFAULT_NETWORK, ownerLabels } from '../project.js';
import type { PortRefusedError } from '../runtime.js';
import { dependencyLevels } from './order.js';
import type { Step, StepOp } from './plan.js';
import { inReadingOrder, portReports, portsPublished } from './report.js';
import { replace } from './replace.js';
import { runService, type RunOutcome } from './run-service.js';
import { prepareVolumes } from './volumes.js';

export interface ExecuteContext extends ReportContext {
  hooks: CidxHooks;
  /** Progress for humans, per service: 'creating', 'waiting for health', … */
  onProgress?: (service: string, phase: string) => void;
}

const ACTION: Record<StepOp, ApplyAction> = {
  create: 'created',
  start: 'started',
  recreate: 'recreated',
  noop: 'unchanged',
  remove: 'removed',
};

const LOG_TAIL = 20;

/**
 * Services created, started or recreated at once per apply (CIDX_PARALLEL,
 * default 4; 0 for no limit). Engines serialise much of this work anyway
 * (on a lock, or on network and port set-up): thirty `run`s at
 * once only queue inside the engine, each holding a CLI process and memory.
 */
const DEFAULT_PARALLEL = 4;

export function parallelChanges(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.CIDX_PARALLEL === undefined || env.CIDX_PARALLEL === '' ? DEFAULT_PARALLEL : Number(env.CIDX_PARALLEL);
  if (!Number.isInteger(value) || value < 0) return DEFAULT_PARALLEL;
  return value === 0 ? Number.POSITIVE_INFINITY : value;
}

export async function executePlan(context: ExecuteContext, desired: DesiredService[], steps: Step[]): Promise<ProjectReport> {
  const { runtime } = context;
  const reports = new Map<string, ServiceReport>();
  const stepOf = new Map(steps.filter((step) => step.op !== 'remove').map((step) => [step.service, step]));

  // Orphans and leftovers first: they may hold ports the others want. A leftover may be the
  // replacement an interrupted recreate carried anonymous volumes over to: keep every volume.
  const removals = steps.filter((step) => step.op === 'remove');
  const orphans = removals.map((step) => step.container!.id);
  const leftovers = steps.flatMap((step) => step.duplicates ?? []).map((container) => container.id);
  await Promise.all([
    orphans.length ? runtime.remove(orphans) : undefined,
    leftovers.length ? runtime.remove(leftovers, { keepVolumes: true }) : undefined,
  ]);
  // Labelled volumes, before any container mounts them; alongside the network (awaited below).
  const volumes = prepareVolumes(context, desired, steps);
  volumes.catch(() => undefined);
  // The project network must exist before any container joins it: once per apply that creates something.
  const notes: string[] = [];
  const network = desired.find((service) => service.spec.network)?.spec.network;
  let onDefaultNetwork = false;
  if (network && runtime.capabilities.networks && steps.some((step) => step.op === 'create' || step.op === 'recreate' || step.op === 'start')) {
    try {
      await runtime.ensureNetwork!(network.name, { [LABELS.project]: context.project.id, [LABELS.root]: context.project.root, ...ownerLabels() });
    } catch (error) {
      // An engine's default pools may hold only a few dozen networks. Any number of projects side by side
      // matters more than names between services: run on the default network, and say so.
      if (!hasCode(error, 'NETWORK_POOL_EXHAUSTED')) throw error;
      onDefaultNetwork = true;
      notes.push(
        `${error.message}, so ${network.name} could not be created: services created now run on ${runtime.name}'s default network, ` +
          `where they reach each other only by address, not by name. ${error.hint ?? ''}`.trim(),
      );
    }
  }
  const prepared = await volumes;
  desired = prepared.desired; // legacy-named volumes kept in use
  notes.push(...prepared.notes);
  const removed: ServiceReport[] = removals.map((step) => ({
    name: step.service,
    state: 'missing',
    healthy: null,
    action: 'removed',
    reason: step.reason,
    container: null,
    ports: [],
  }));

  // Services that stay as they are need nothing from their dependencies:
  // probe them all now, in parallel, instead of level by level.
  // Each can be called off: a service skipped because a dependency failed never reads its probe,
  // which would otherwise poll on until its health timeout and keep cidx from exiting.
  const earlyHealth = new Map<string, Promise<HealthOutcome>>();
  const callOff = new Map<string, AbortController>();
  for (const service of desired) {
    const step = stepOf.get(service.name)!;
    if (step.op === 'noop' && step.container && portsPublished(service, step.container)) {
      const controller = new AbortController();
      callOff.set(service.name, controller);
      const probing = { ...context, signal: AbortSignal.any([context.signal, controller.signal]) };
      earlyHealth.set(service.name, probeHealth(probing, service, step.container, portReports(service, step.container, runtime)));
    }
  }

  const failed = new Set<string>();
  const limit = limiter(parallelChanges());
  for (const level of dependencyLevels(desired)) {
    context.signal.throwIfAborted();
    const acted = await Promise.all(
      level.map((service) => limit(() => actOn(context, onDefaultNetwork ? withoutNetwork(service) : service, stepOf.get(service.name)!, failed))),
    );
    const containers = await discover(context, level, acted, (service, outcome) => {
      const step = stepOf.get(service.name)!;
      // Unchanged and running: this run's observation is fresh, no need to ask again.
      if (step.op === 'noop') return step.rename ? { ...step.container!, name: service.spec.name } : step.container;
      // Just created on ports it asked for by number, and about to be probed through them: a
      // passing probe proves it runs, and a failing one checks whether it exited.
      return outcome.published && service.health !== false ? justCreated(context, service, outcome.id, outcome.published) : undefined;
    }).catch((error: unknown) => {
      // The engine stopped answering: the apply ends here, and early probes must not poll on behind it.
      for (const controller of callOff.values()) controller.abort();
      throw error;
    });
    await Promise.all(
      level.map(async (service, index) => {
        const report = await finish(context, service, stepOf.get(service.name)!, acted[index]!, containers.get(service.name), earlyHealth.get(service.name));
        callOff.get(service.name)?.abort(); // settled if finish read it; stopped if not
        if (report.error) failed.add(service.name);
        reports.set(service.name, report);
      }),
    );
  }
  return {
    project: { name: context.project.name, id: context.project.id, root: context.project.root },
    runtime: runtime.name,
    services: [...desired.map((service) => reports.get(service.name)!), ...removed].map(inReadingOrder),
    ...(notes.length ? { notes } : {}),
  };
}

/**
 * The service as it must be created when the project network is unavailable.
 * Its labels keep the desired hash, so later applies leave it be instead of
 * recreating it (and failing the same way) every time; the label below lets
 * `plan` say where it runs. `cidx down` then `apply` puts it on the network.
 */
function withoutNetwork(service: DesiredService): DesiredService {
  return { ...service, spec: { ...service.spec, network: undefined, labels: { ...service.spec.labels, [LABELS.network]: ON_DEFAULT_NETWORK } } };
}

/** What acting on a service did: a container (and, when a start turned into a recreate, why), or an error. */
type Acted = (RunOutcome & { recreated?: string }) | { error: CidxError };

/** A container cidx has just started, as an inspect would describe it. */
function justCreated(context: ExecuteContext, service: DesiredService, id: string, published: PortBinding[]): ObservedContainer {
  return {
    id,
    name: service.spec.name,
    service: service.name,
    projectId: context.project.id,
    configHash: service.hash,
    image: service.spec.image,
    state: 'running',
    exitCode: undefined,
    startedAt: undefined,
    ports: published,
    labels: service.spec.labels,
  };
}

async function actOn(context: ExecuteContext, service: DesiredService, step: Step, failed: Set<string>): Promise<Acted> {
  const blockedBy = service.dependsOn.filter((dep) => failed.has(dep));
  if (blockedBy.length) {
    return { error: new CidxError('DEPENDENCY_FAILED', `not started: ${blockedBy.join(', ')} ${blockedBy.length === 1 ? 'is' : 'are'} not healthy`) };
  }
  try {
    const { runtime, hooks } = context;
    switch (step.op) {
      case 'noop':
        if (step.rename) await runtime.rename(step.container!.id, service.spec.name);
        return { id: step.container!.id };
      case 'start':
        context.onProgress?.(service.name, 'starting');
        try {
          await runtime.start([step.container!.id]);
        } catch (error) {
          // Its host port was taken while it was stopped: a new container negotiates ports as a create does.
          if (!hasCode(error, 'PORT_REFUSED')) throw error;
          context.onProgress?.(service.name, 'recreating: its host port is taken');
          const outcome = await replace(hooks, { ...context, service, previous: step.container! });
          const port = (error as PortRefusedError).port;
          const which = port ? `host port ${port}` : 'a host port';
          return { ...outcome, recreated: `${step.reason}; ${which} was taken meanwhile: recreated on free ports` };
        }
        if (step.rename) await runtime.rename(step.container!.id, service.spec.name);
        return { id: step.container!.id };
      case 'recreate':
        context.onProgress?.(service.name, 'recreating');
        return await replace(hooks, { ...context, service, previous: step.container! });
      case 'create':
        context.onProgress?.(service.name, 'creating');
        return await runService(hooks, { ...context, service, previous: undefined });
      default:
        throw new Error(`unexpected step ${step.op} for a declared service`);
    }
  } catch (error) {
    if (context.signal.aborted) throw error;
    return { error: asCidxError(error) };
  }
}

class NotYetPublished extends Error {
  constructor() {
    super('ports not published yet');
  }
}

/**
 * One inspect for every container of the level. Some engines publish ports only
 * once a container runs, so retry briefly (no fixed sleep) while a running
 * container still lacks a binding; stop as soon as all are known or exited.
 */
async function discover(
  context: ExecuteContext,
  level: DesiredService[],
  acted: Acted[],
  alreadyKnown: (service: DesiredService, outcome: RunOutcome) => ObservedContainer | undefined,
): Promise<Map<string, ObservedContainer>> {
  const found = new Map<string, ObservedContainer>();
  const wanted = level.flatMap((service, index) => {
    const outcome = acted[index]!;
    if (!('id' in outcome)) return [];
    const known = alreadyKnown(service, outcome);
    if (known && portsPublished(service, known)) {
      found.set(service.name, known);
      return [];
    }
    return [{ service, id: outcome.id }];
  });
  if (wanted.length === 0) return found;
  const total = found.size + wanted.length;
  await pRetry(
    async () => {
      const pending = wanted.filter(({ service }) => !found.has(service.name));
      const inspected = await context.runtime.inspect(pending.map(({ id }) => id));
      for (const { service, id } of pending) {
        const container = inspected.find((candidate) => candidate.id === id || candidate.id.startsWith(id) || id.startsWith(candidate.id));
        if (container && (container.state !== 'running' || portsPublished(service, container))) found.set(service.name, container);
      }
      if (found.size < total) throw new NotYetPublished();
    },
    // Only "not yet" is worth asking again: a failed inspect (an engine that stopped answering)
    // would fail the same way fifteen more times, then pass for a container that disappeared.
    { retries: 15, minTimeout: 10, factor: 2, maxTimeout: 250, signal: context.signal, shouldRetry: ({ error }) => error instanceof NotYetPublished },
  ).catch((error: unknown) => {
    if (!(error instanceof NotYetPublished)) throw error;
    // whatever is still unknown is reported as such below
  });
  return found;
}

async function finish(
  context: ExecuteContext,
  service: DesiredService,
  step: Step,
  acted: Acted,
  container: ObservedContainer | undefined,
  early: Promise<HealthOutcome> | undefined,
): Promise<ServiceReport> {
  const base = { name: service.name, action: ACTION[step.op], reason: step.reason };
  if ('error' in acted) {
    // A failed recreate puts the old container back as it was (see replace.ts): report that one.
    const kept = step.op === 'recreate' && step.container ? { state: step.container.state, container: { id: step.container.id, name: step.container.name } } : { ...stateOf(step), container: null };
    return { ...base, action: acted.error.code === 'DEPENDENCY_FAILED' ? 'skipped' : 'failed', ...kept, healthy: false, ports: [], error: describe(acted.error) };
  }
  if (acted.recreated) Object.assign(base, { action: 'recreated', reason: acted.recreated });
  const ports = withFallback(portReports(service, container, context.runtime), acted.wanted);
  const identity = container ? { id: container.id, name: container.name } : { id: acted.id, name: service.spec.name };
  if (!container || container.state !== 'running') {
    const error = await exitedError(context, service, acted.id, container);
    return { ...base, action: 'failed', state: container?.state ?? 'missing', healthy: false, container: identity, ports, error: describe(error) };
  }
  if (!early) context.onProgress?.(service.name, 'waiting for health');
  const outcome = await (early ?? probeHealth(context, service, container, ports));
  if ('error' in outcome) {
    if (context.signal.aborted) throw outcome.error;
    return { ...base, action: 'failed', state: 'running', healthy: false, container: identity, ports, error: describe(asCidxError(outcome.error)) };
  }
  const report: ServiceReport = { ...base, state: 'running', healthy: outcome.health?.healthy ?? true, container: identity, ports };
  if (outcome.health) report.health = outcome.health;
  context.onProgress?.(service.name, report.healthy ? 'healthy' : 'unhealthy');
  return report;
}

/** A port that did not get the host port asked for first (preferred, previous or cached) moved: a fallback. */
function withFallback(ports: PortReport[], wanted: Record<string, number> | undefined): PortReport[] {
  if (!wanted) return ports;
  return ports.map((port) => (port.host !== null && wanted[port.name] !== undefined && wanted[port.name] !== port.host ? { ...port, fallback: true } : port));
}

type HealthOutcome = { health: HealthResult | undefined } | { error: unknown };

/** Waits for health through the hook; settles with the error instead of rejecting, so early probes never go unhandled. */
function probeHealth(context: ExecuteContext, service: DesiredService, container: ObservedContainer, ports: PortReport[]): Promise<HealthOutcome> {
  return context.hooks.checkHealth.promise({ ...context, service, container, ports, wait: true }).then(
    (health) => ({ health }),
    (error: unknown) => ({ error }),
  );
}

function stateOf(step: Step): Pick<ServiceReport, 'state'> {
  return { state: step.op === 'create' || step.op === 'recreate' ? 'missing' : step.container?.state ?? 'missing' };
}

async function exitedError(context: ExecuteContext, service: DesiredService, id: string, container: ObservedContainer | undefined): Promise<CidxError> {
  if (!container) return new CidxError('SERVICE_EXITED', `${service.name}: container ${id.slice(0, 12)} disappeared right after it started`);
  const logs = await context.runtime.logs(container.id, LOG_TAIL).catch(() => '');
  return new CidxError(
    'SERVICE_EXITED',
    `${service.name} ${container.state === 'exited' ? `exited with code ${container.exitCode ?? '?'}` : `is ${container.state}`} right after it started`,
    { details: logs ? logs.trimEnd().split('\n').slice(-LOG_TAIL) : ['(no log output)'] },
  );
}

function describe(error: CidxError): NonNullable<ServiceReport['error']> {
  return {
    code: error.code,
    message: error.message,
    ...(error.details.length ? { details: error.details } : {}),
    ...(error.hint ? { hint: error.hint } : {}),
  };
}

function asCidxError(error: unknown): CidxError {
  if (isCidxError(error)) return error;
  return new CidxError('INTERNAL', error instanceof Error ? error.message : String(error), { cause: error });
}
