/**
 * What must happen before any service of a plan is acted on: containers that
 * are in the way go, the project network and labelled volumes come to exist.
 * Kept apart from acting on services because it is once per apply, not per
 * service, and because its failures are the apply's, not one service's.
 */
import { hasCode } from '../errors.js';
import type { DesiredService, ServiceReport } from '../model.js';
import { LABELS, ownerLabels } from '../project.js';
import type { ExecuteContext } from './execute.js';
import { OPS } from './ops.js';
import type { Step } from './plan.js';
import { prepareVolumes, type PreparedVolumes } from './volumes.js';

export interface Prepared {
  /** The desired services, with legacy-named volumes kept in use. */
  desired: DesiredService[];
  /** The project network could not be created: services created now go on the engine's default one. */
  onDefaultNetwork: boolean;
  /** Reports for the containers of services no longer declared, now removed. */
  removed: ServiceReport[];
  /** For humans: what was done differently from what the config asks, and why. */
  notes: string[];
}

export async function prepare(context: ExecuteContext, desired: DesiredService[], steps: Step[]): Promise<Prepared> {
  const { runtime } = context;
  // Labelled volumes and the network, alongside whatever must precede any container step (the pull
  // phase): none of them touches a container. Each is awaited, so a failure of one leaves nothing running.
  const notes: string[] = [];
  const [gate, network, volumes] = await Promise.allSettled([
    context.beforeContainers?.(),
    ensureNetwork(context, desired, steps, notes),
    prepareVolumes(context, desired, steps),
  ]);
  for (const outcome of [gate, network, volumes]) if (outcome.status === 'rejected') throw outcome.reason;
  const onDefaultNetwork = (network as PromiseFulfilledResult<boolean>).value;
  const prepared = (volumes as PromiseFulfilledResult<PreparedVolumes>).value;
  notes.push(...prepared.notes);
  // Then orphans and leftovers, before any service: they may hold ports the others want. A leftover may
  // be the replacement an interrupted recreate carried anonymous volumes over to: keep every volume.
  const removals = steps.filter((step) => step.op === 'remove');
  const orphans = removals.map((step) => step.container.id);
  const leftovers = steps.flatMap((step) => (step.op === 'remove' ? [] : step.duplicates ?? [])).map((container) => container.id);
  await Promise.all([
    orphans.length ? runtime.remove(orphans) : undefined,
    leftovers.length ? runtime.remove(leftovers, { keepVolumes: true }) : undefined,
  ]);
  const removed: ServiceReport[] = removals.map((step) => ({
    name: step.service,
    state: 'missing',
    healthy: null,
    action: 'removed',
    reason: step.reason,
    container: null,
    ports: [],
  }));
  return { desired: prepared.desired, onDefaultNetwork, removed, notes };
}

/**
 * The project network must exist before any container joins it: once per
 * apply that creates or starts something. True when it could not be made and
 * services go on the default network instead.
 */
async function ensureNetwork(context: ExecuteContext, desired: DesiredService[], steps: Step[], notes: string[]): Promise<boolean> {
  const { runtime } = context;
  const network = desired.find((service) => service.spec.network)?.spec.network;
  if (!network || !runtime.capabilities.networks || !steps.some((step) => OPS[step.op].makesContainer || step.op === 'start')) return false;
  try {
    await runtime.ensureNetwork!(network.name, { [LABELS.project]: context.project.id, [LABELS.root]: context.project.root, ...ownerLabels() });
    return false;
  } catch (error) {
    // An engine's default pools may hold only a few dozen networks. Any number of projects side by side
    // matters more than names between services: run on the default network, and say so.
    if (!hasCode(error, 'NETWORK_POOL_EXHAUSTED')) throw error;
    notes.push(
      `${error.message}, so ${network.name} could not be created: services created now run on ${runtime.name}'s default network, ` +
        `where they reach each other only by address, not by name. ${error.hint ?? ''}`.trim(),
    );
    return true;
  }
}
