/**
 * The planner: a pure function of (desired services, observed containers) to
 * steps. `cidx plan` prints these steps; `cidx apply` executes exactly them.
 */
import type { DesiredService, ObservedContainer } from '../model.js';
import { LABELS, ON_DEFAULT_NETWORK } from '../project.js';
import { changedFields, SPEC_DIGEST_LABEL } from './desired.js';
import { planJob } from './jobs.js';
import { serviceContainer, isReplacementName } from './match.js';
import { OPS, type StepOp } from './ops.js';

export type { StepOp } from './ops.js';

interface StepBase {
  service: string;
  /** Why, for humans: "env changed", "container exited (code 1)", "not declared any more". */
  reason: string;
}

/** What a step for a declared service may carry besides its container. */
interface DeclaredExtras {
  /**
   * Extra containers of the same service to remove first (left by an
   * interrupted run). Removed without their anonymous volumes: one of them
   * may be the replacement those volumes were carried over to.
   */
  duplicates?: ObservedContainer[];
}

/** A declared service with no container yet. */
export interface CreateStep extends StepBase, DeclaredExtras {
  op: 'create';
}

/** A declared service whose container is acted on (or kept). */
export interface ContainerStep extends StepBase, DeclaredExtras {
  op: 'start' | 'recreate' | 'update' | 'rerun' | 'noop';
  container: ObservedContainer;
  /** `container` still has the temporary name of an interrupted recreate: rename it to the service's. */
  rename?: true;
}

/** A container of a service the config no longer declares. */
export interface RemoveStep extends StepBase {
  op: 'remove';
  container: ObservedContainer;
}

export type Step = CreateStep | ContainerStep | RemoveStep;
/** A step for a service the config declares. */
export type DeclaredStep = CreateStep | ContainerStep;

export interface PlanOptions {
  /** Jobs to run again even though their last run succeeded with this config (`--rerun`). Default: none. */
  rerun?: ReadonlySet<string>;
  /** How the runtime renews a changed service (`renewOp` in replace.ts): `update` when it updates in place. Default: 'recreate'. */
  renew?: 'recreate' | 'update';
}

export function plan(desired: DesiredService[], observed: ObservedContainer[], options: PlanOptions = {}): Step[] {
  const byService = new Map<string, ObservedContainer[]>();
  for (const container of observed) {
    const list = byService.get(container.service) ?? [];
    list.push(container);
    byService.set(container.service, list);
  }
  const steps: Step[] = desired.map((service) => planService(service, byService.get(service.name) ?? [], options));
  const declared = new Set(desired.map((service) => service.name));
  for (const [service, containers] of byService) {
    if (declared.has(service)) continue;
    for (const container of containers) steps.push({ service, op: 'remove', reason: 'not declared any more', container });
  }
  return steps;
}

function planService(service: DesiredService, containers: ObservedContainer[], options: PlanOptions): DeclaredStep {
  const container = serviceContainer(service, containers);
  const duplicates = containers.filter((candidate) => candidate !== container);
  const extra = duplicates.length ? { duplicates } : {};
  if (!container) return { service: service.name, op: 'create', reason: service.spec.job ? 'not run yet' : 'not created yet', ...extra };
  const drift = container.configHash === service.hash ? undefined : driftReason(service, container);
  const own = service.spec.job ? planJob(service, container, { drift, forced: options.rerun?.has(service.name) ?? false }) : stepFor(service, container, options.renew ?? 'recreate');
  const step: ContainerStep = { ...own, ...extra };
  if (container.name === service.spec.name || !isReplacementName(service.spec.name, container.name)) return step;
  return { ...step, reason: `${step.reason}; the replacement left by an interrupted recreate`, rename: true };
}

function stepFor(service: DesiredService, container: ObservedContainer, renew: 'recreate' | 'update'): ContainerStep {
  const on = (op: ContainerStep['op'], reason: string): ContainerStep => ({ service: service.name, op, reason, container });
  if (container.configHash !== service.hash) return on(renew, driftReason(service, container));
  // Starting would let the runtime pick new host ports (an engine that picks them at start does); a new
  // container asks for the remembered ones instead, so URLs stay put.
  const keepPorts = container.ephemeralPorts === true && service.spec.ports.length > 0;
  switch (container.state) {
    case 'running':
      return on('noop', onDefaultNetwork(container) ? "up to date, on the runtime's default network" : 'up to date');
    case 'exited':
    case 'created': {
      const why = container.state === 'created' ? 'container created but not started' : `container exited${container.exitCode === undefined ? '' : ` (code ${container.exitCode})`}`;
      return keepPorts ? on(renew, `${why}; ${OPS[renew].past} to keep its host ports`) : on('start', why);
    }
    default:
      return on(renew, `container is ${container.state}`);
  }
}

/** Created while the project network could not be (see reconcile/prepare.ts). */
function onDefaultNetwork(container: ObservedContainer): boolean {
  return container.labels[LABELS.network] === ON_DEFAULT_NETWORK;
}

function driftReason(service: DesiredService, container: ObservedContainer): string {
  if (!container.configHash) return 'created without a config hash';
  const fields = changedFields(container.labels[SPEC_DIGEST_LABEL], service.spec);
  if (!fields || fields.length === 0) return 'config changed';
  return `${fields.join(', ')} changed`;
}

/** Whether a step's operation is one of `ops` (narrows the step's type). */
export function isOp<O extends StepOp>(step: Step, ...ops: O[]): step is Extract<Step, { op: O }> {
  return (ops as StepOp[]).includes(step.op);
}
