/**
 * From what acting on a service did to what the apply reports about it: its
 * state, its ports (marking those that fell back from the port asked for),
 * its health, and for a service that failed, an error that says why (with the
 * last log lines of a container that exited right after it started). Health
 * is awaited here too, including the probes started early for services that
 * stay as they are.
 */
import { CidxError } from '../errors.js';
import type { DesiredService, HealthResult, ObservedContainer, PortReport, ServiceReport } from '../model.js';
import { asCidxError, type Acted } from './act.js';
import type { ExecuteContext } from './execute.js';
import { OPS } from './ops.js';
import type { DeclaredStep } from './plan.js';
import { describeError, portReports, portsPublished } from './report.js';

const LOG_TAIL = 20;

export type HealthOutcome = { health: HealthResult | undefined } | { error: unknown } | { notChecked: true };

export async function finish(
  context: ExecuteContext,
  service: DesiredService,
  step: DeclaredStep,
  acted: Acted,
  container: ObservedContainer | undefined,
  early: Promise<HealthOutcome> | undefined,
): Promise<ServiceReport> {
  const base: Pick<ServiceReport, 'name' | 'action' | 'reason'> = { name: service.name, action: OPS[step.op].action, reason: step.reason };
  if ('error' in acted) {
    // A failed recreate or rerun puts the old container back as it was (see replace.ts): report that one.
    const kept =
      OPS[step.op].replaces && 'container' in step
        ? { state: step.container.state, container: { id: step.container.id, name: step.container.name } }
        : { state: step.op === 'create' ? ('missing' as const) : step.container.state, container: null };
    return { ...base, action: acted.error.code === 'DEPENDENCY_FAILED' ? 'skipped' : 'failed', ...kept, healthy: false, ports: [], error: describeError(acted.error) };
  }
  if (acted.renewed) Object.assign(base, { action: OPS[acted.renewed.op].action, reason: acted.renewed.reason });
  const ports = withFallback(portReports(service, container, context.runtime), acted.wanted);
  const identity = container ? { id: container.id, name: container.name } : { id: acted.id, name: service.spec.name };
  if (!container || container.state !== 'running') {
    const error = await exitedError(context, service, acted.id, container);
    return { ...base, action: 'failed', state: container?.state ?? 'missing', healthy: false, container: identity, ports, error: describeError(error) };
  }
  if (!early && !context.waiting?.skip) context.onProgress?.(service.name, 'waiting for health');
  const outcome = await (early ?? probeHealth(context, service, container, ports));
  if ('error' in outcome) {
    if (context.signal.aborted) throw outcome.error;
    return { ...base, action: 'failed', state: 'running', healthy: false, container: identity, ports, error: describeError(asCidxError(outcome.error)) };
  }
  if ('notChecked' in outcome) {
    context.onProgress?.(service.name, 'running (health not checked)');
    return { ...base, state: 'running', healthy: null, container: identity, ports };
  }
  const report: ServiceReport = { ...base, state: 'running', healthy: outcome.health?.healthy ?? true, container: identity, ports };
  if (outcome.health) report.health = outcome.health;
  context.onProgress?.(service.name, report.healthy ? 'healthy' : 'unhealthy');
  return report;
}

/**
 * Services that stay as they are need nothing from their dependencies: probe
 * them all at once, before the levels run. Each probe can be called off: a
 * service skipped because a dependency failed never reads its probe, which
 * would otherwise poll on until its health timeout and keep cidx from exiting.
 */
export class EarlyProbes {
  private readonly probes = new Map<string, Promise<HealthOutcome>>();
  private readonly controllers = new Map<string, AbortController>();

  constructor(context: ExecuteContext, desired: DesiredService[], stepOf: (service: DesiredService) => DeclaredStep) {
    for (const service of desired) {
      const step = stepOf(service);
      if (step.op !== 'noop' || service.spec.job || !portsPublished(service, step.container)) continue;
      const controller = new AbortController();
      this.controllers.set(service.name, controller);
      const probing = { ...context, signal: AbortSignal.any([context.signal, controller.signal]) };
      this.probes.set(service.name, probeHealth(probing, service, step.container, portReports(service, step.container, context.runtime)));
    }
  }

  get(service: string): Promise<HealthOutcome> | undefined {
    return this.probes.get(service);
  }

  /** Settled if its report read it; stopped if not. */
  callOff(service: string): void {
    this.controllers.get(service)?.abort();
  }

  callOffAll(): void {
    for (const controller of this.controllers.values()) controller.abort();
  }
}

/** A port that did not get the host port asked for first (preferred, previous or cached) moved: a fallback. */
function withFallback(ports: PortReport[], wanted: Record<string, number> | undefined): PortReport[] {
  if (!wanted) return ports;
  return ports.map((port) => (port.host !== null && wanted[port.name] !== undefined && wanted[port.name] !== port.host ? { ...port, fallback: true } : port));
}

/** Waits for health through the hook; settles with the error instead of rejecting, so early probes never go unhandled. */
function probeHealth(context: ExecuteContext, service: DesiredService, container: ObservedContainer, ports: PortReport[]): Promise<HealthOutcome> {
  const { skip, timeoutMs } = context.waiting ?? {};
  if (skip) return Promise.resolve({ notChecked: true });
  // `--wait-timeout`: the health config's own timeout is replaced for this wait only (health is not part of the spec hash).
  const waited = timeoutMs !== undefined && service.health ? { ...service, health: { ...service.health, timeout: timeoutMs } } : service;
  return context.hooks.checkHealth.promise({ ...context, service: waited, container, ports, wait: true }).then(
    (health) => ({ health }),
    (error: unknown) => ({ error }),
  );
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
