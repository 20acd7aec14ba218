/**
 * The planner: a pure function of (desired services, observed containers) to
 * steps. `cidx plan` prints these steps; `cidx apply` executes exactly them.
 */
import type { DesiredService, ObservedContainer } from '../model.js';
import { LABELS, ON_DEFAULT_NETWORK } from '../project.js';
import { changedFields, SPEC_DIGEST_LABEL } from './desired.js';

/** The closed set of operations. */
export type StepOp = 'create' | 'start' | 'recreate' | 'remove' | 'noop';

export interface Step {
  service: string;
  op: StepOp;
  /** Why, for humans: "env changed", "container exited (code 1)", "not declared any more". */
  reason: string;
  /** The container the step acts on (all ops but create). */
  container?: ObservedContainer;
  /**
   * Extra containers of the same service to remove first (left by an
   * interrupted run). Removed without their anonymous volumes: one of them
   * may be the replacement those volumes were carried over to.
   */
  duplicates?: ObservedContainer[];
  /** `container` still has the temporary name of an interrupted recreate: rename it to the service's. */
  rename?: true;
}

/**
 * The temporary name of the replacement for `old` while a recreate swaps
 * them. Service names have no '.', so it is never another service's name;
 * the old container's id keeps the replacement of a replacement distinct.
 */
export function replacementName(canonical: string, old: Pick<ObservedContainer, 'id'>): string {
  return `${canonical}.next-${old.id.slice(0, 12)}`;
}

function isReplacementName(canonical: string, name: string): boolean {
  return name.startsWith(`${canonical}.next-`);
}

export function plan(desired: DesiredService[], observed: ObservedContainer[]): Step[] {
  const byService = new Map<string, ObservedContainer[]>();
  for (const container of observed) {
    const list = byService.get(container.service) ?? [];
    list.push(container);
    byService.set(container.service, list);
  }
  const steps: Step[] = desired.map((service) => planService(service, byService.get(service.name) ?? []));
  const declared = new Set(desired.map((service) => service.name));
  for (const [service, containers] of byService) {
    if (declared.has(service)) continue;
    for (const container of containers) steps.push({ service, op: 'remove', reason: 'not declared any more', container });
  }
  return steps;
}

function planService(service: DesiredService, containers: ObservedContainer[]): Step {
  const container = primary(service, containers);
  const duplicates = containers.filter((candidate) => candidate !== container);
  const step = stepFor(service, container, duplicates.length ? { duplicates } : {});
  if (!container || container.name === service.spec.name || !isReplacementName(service.spec.name, container.name)) return step;
  return { ...step, reason: `${step.reason}; the replacement left by an interrupted recreate`, rename: true };
}

function stepFor(service: DesiredService, container: ObservedContainer | undefined, extra: Pick<Step, 'duplicates'>): Step {
  if (!container) return { service: service.name, op: 'create', reason: 'not created yet', ...extra };
  if (container.configHash !== service.hash) {
    return { service: service.name, op: 'recreate', reason: driftReason(service, container), container, ...extra };
  }
  // Starting would let the runtime pick new host ports (an engine that picks them at start does); a new
  // container asks for the remembered ones instead, so URLs stay put.
  const keepPorts = container.ephemeralPorts === true && service.spec.ports.length > 0;
  switch (container.state) {
    case 'running':
      return { service: service.name, op: 'noop', reason: onDefaultNetwork(container) ? "up to date, on the runtime's default network" : 'up to date', container, ...extra };
    case 'exited':
    case 'created': {
      const why = container.state === 'created' ? 'container created but not started' : `container exited${container.exitCode === undefined ? '' : ` (code ${container.exitCode})`}`;
      return keepPorts
        ? { service: service.name, op: 'recreate', reason: `${why}; recreated to keep its host ports`, container, ...extra }
        : { service: service.name, op: 'start', reason: why, container, ...extra };
    }
    default:
      return { service: service.name, op: 'recreate', reason: `container is ${container.state}`, container, ...extra };
  }
}

/**
 * The container that serves the service, or best can: the one with the
 * service's name while it runs. A recreate killed half-way (see replace.ts)
 * may leave its replacement: running, it is the one that serves; stopped and
 * built from the desired spec, with no container of the service's name, it
 * is adopted rather than made again. Any other is a leftover.
 */
function primary(service: DesiredService, containers: ObservedContainer[]): ObservedContainer | undefined {
  const canonical = containers.find((container) => container.name === service.spec.name);
  if (canonical?.state === 'running') return canonical;
  const replacements = containers.filter((container) => isReplacementName(service.spec.name, container.name));
  const running = replacements.find((container) => container.state === 'running');
  if (running) return running;
  return canonical ?? replacements.find((container) => container.configHash === service.hash) ?? containers[0];
}

/** Created while the project network could not be (see reconcile/execute.ts). */
function onDefaultNetwork(container: ObservedContainer): boolean {
  return container.labels[LABELS.network] === ON_DEFAULT_NETWORK;
}

function driftReason(service: DesiredService, container: ObservedContainer): string {
  if (!container.configHash) return 'created without a config hash';
  const fields = changedFields(container.labels[SPEC_DIGEST_LABEL], service.spec);
  if (!fields || fields.length === 0) return 'config changed';
  return `${fields.join(', ')} changed`;
}
