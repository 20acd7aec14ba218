/**
 * Replaces a service's container without ever leaving the service with none,
 * or losing a volume. As compose does, the replacement is made first,
 * under a temporary name: image present (pulled if need be) and the spec
 * accepted by the engine, before the old container is touched. Then the swap:
 * stop the old one, start the new one (negotiating host ports as a create
 * does), remove the old one, give the new one the service's name.
 *
 * Any failure before the old one is removed removes the replacement and
 * starts the old one again if it was running. An abort (Ctrl-C) is honoured
 * only before the old container is stopped; once it is, the swap is finished
 * or rolled back first. No removal here deletes a volume: the old container's
 * anonymous volumes are mounted into the new one by name.
 *
 * A runtime that `updatesInPlace` (an orchestrator such as Swarm) is handed
 * the new spec instead and rolls the service itself, ports negotiated alike.
 */
import { isCidxError } from '../errors.js';
import type { CidxHooks, ServiceContext } from '../hooks.js';
import type { ObservedContainer } from '../model.js';
import type { ContainerRuntime } from '../runtime.js';
import { replacementName } from './match.js';
import { negotiatePorts, type RunOutcome } from './run-service.js';

/** The runtime rolls changed services itself: it declares so and has the method. */
function updatesInPlace(runtime: Pick<ContainerRuntime, 'capabilities' | 'update'>): boolean {
  return runtime.capabilities.updatesInPlace === true && typeof runtime.update === 'function';
}

/** How a service is renewed on this runtime: replaced by the core, or updated by the runtime (the plan's word too). */
export function renewOp(runtime: Pick<ContainerRuntime, 'capabilities' | 'update'>): 'recreate' | 'update' {
  return updatesInPlace(runtime) ? 'update' : 'recreate';
}

export async function replace(hooks: CidxHooks, context: ServiceContext & { previous: ObservedContainer }): Promise<RunOutcome> {
  const { runtime, service, previous: old, signal } = context;
  signal.throwIfAborted();
  // An orchestrator updates its services itself (rolling, with its own rollback): hand it the new spec.
  if (updatesInPlace(runtime)) {
    return negotiatePorts(hooks, context, async (assignments) => (await runtime.update!(old, service.spec, assignments)).id);
  }
  const declared = new Set(service.spec.volumes.map((volume) => volume.target));
  const carried = (await runtime.anonymousVolumes(old.id)).filter((volume) => !declared.has(volume.target));
  const spec = { ...service.spec, name: replacementName(service.spec.name, old) };
  const wasRunning = old.state === 'running';
  // A paused or restarting container holds its ports too; `stop` ends either.
  const mustStop = wasRunning || old.state === 'paused' || old.state === 'restarting';
  let replacement: string | undefined;
  let stopped = false;
  let outcome: RunOutcome;
  try {
    outcome = await negotiatePorts(hooks, context, async (assignments) => {
      // A port refused at start: make the replacement again with the revised ports.
      if (replacement) await runtime.remove([replacement], { keepVolumes: true });
      replacement = undefined;
      if (!stopped) signal.throwIfAborted();
      replacement = (await runtime.create(spec, assignments, carried)).id;
      if (!stopped) {
        signal.throwIfAborted(); // the last moment an abort leaves the old container as it was
        // Set first: a stop that fails half-way may still have stopped it, and starting a running container is harmless.
        stopped = true;
        if (mustStop) await runtime.stop([old.id]);
      }
      await runtime.start([replacement]);
      return replacement;
    });
    await runtime.remove([old.id], { keepVolumes: true });
  } catch (error) {
    const problems = await rollBack(context, replacement, stopped && wasRunning);
    if (isCidxError(error)) error.details.push(...problems);
    throw error;
  }
  // The old container is gone: from here on the new one serves, whatever happens. A failed
  // rename is reported; the next apply finds the replacement and renames it (see plan.ts).
  await runtime.rename(outcome.id, service.spec.name);
  return outcome;
}

/** Puts things back as they were; says what could not be. */
async function rollBack(context: ServiceContext & { previous: ObservedContainer }, replacement: string | undefined, restart: boolean): Promise<string[]> {
  const { runtime, previous: old } = context;
  const problems: string[] = [];
  const why = (error: unknown) => (error instanceof Error ? error.message : String(error));
  if (replacement) {
    await runtime.remove([replacement], { keepVolumes: true }).catch((error: unknown) => problems.push(`the replacement ${replacement.slice(0, 12)} could not be removed: ${why(error)}`));
  }
  if (restart) {
    await runtime.start([old.id]).catch((error: unknown) => problems.push(`the old container ${old.name} could not be started again: ${why(error)}`));
  }
  return problems;
}
