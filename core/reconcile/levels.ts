/**
 * Runs the declared services level by level in dependency order. The
 * services of one level are acted on in parallel, at most `parallel` at once
 * (engines serialise much of this work anyway); then their ports are
 * discovered with one inspect call for the whole level, none at all for a
 * container whose ports are already known; then their health is awaited in
 * parallel. A failed service skips its dependants and nothing else.
 */
import pRetry from 'p-retry';
import { limiter } from '../limit.js';
import type { DesiredService, ObservedContainer, PortBinding, ServiceReport } from '../model.js';
import { actOn, withoutNetwork } from './act.js';
import type { ExecuteContext } from './execute.js';
import { dependencyLevels } from './order.js';
import { finishJob, runJob, type JobActed } from './jobs.js';
import { finish, type EarlyProbes } from './outcome.js';
import type { DeclaredStep } from './plan.js';
import { portsPublished } from './report.js';
import type { RunOutcome } from './run-service.js';

export interface LevelPlan {
  desired: DesiredService[];
  stepOf: (service: DesiredService) => DeclaredStep;
  /** Services at once per level; Infinity for no cap. */
  parallel: number;
  onDefaultNetwork: boolean;
  early: EarlyProbes;
}

export async function runLevels(context: ExecuteContext, { desired, stepOf, parallel, onDefaultNetwork, early }: LevelPlan): Promise<Map<string, ServiceReport>> {
  const reports = new Map<string, ServiceReport>();
  const failed = new Set<string>();
  const limit = limiter(parallel);
  for (const level of dependencyLevels(desired)) {
    context.signal.throwIfAborted();
    const acted: JobActed[] = await Promise.all(
      level.map((service) => {
        const act = service.spec.job ? runJob : actOn; // a job is waited for until it exits
        return limit(() => act(context, onDefaultNetwork ? withoutNetwork(service) : service, stepOf(service), failed));
      }),
    );
    const containers = await discover(context, level, acted, (service, outcome) => {
      const step = stepOf(service);
      // A job the apply waited for: as the wait last saw it, exited (the plan may have seen it running).
      if (outcome.exited) return outcome.exited;
      // Unchanged and running: this run's observation is fresh, no need to ask again.
      if (step.op === 'noop') return step.rename ? { ...step.container, name: service.spec.name } : step.container;
      // Just created on ports it asked for by number, and about to be probed through them: a
      // passing probe proves it runs, and a failing one checks whether it exited.
      return outcome.published && service.health !== false ? justCreated(context, service, outcome.id, outcome.published) : undefined;
    }).catch((error: unknown) => {
      // The engine stopped answering: the apply ends here, and early probes must not poll on behind it.
      early.callOffAll();
      throw error;
    });
    await Promise.all(
      level.map(async (service, index) => {
        const report = service.spec.job
          ? await finishJob(context, service, stepOf(service), acted[index]!, containers.get(service.name))
          : await finish(context, service, stepOf(service), acted[index]!, containers.get(service.name), early.get(service.name));
        early.callOff(service.name);
        if (report.error) failed.add(service.name);
        reports.set(service.name, report);
      }),
    );
  }
  return reports;
}

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
  acted: JobActed[],
  alreadyKnown: (service: DesiredService, outcome: RunOutcome & Pick<JobActed, 'exited'>) => ObservedContainer | undefined,
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
