/**
 * What apply does with the steps `reviewPlan` vetoed. The executor runs
 * exactly the steps it is given, one per declared service, so a veto is
 * turned into what the executor already knows, or taken out of its hands:
 *
 * - a vetoed `remove` is not executed: the container stays, reported `vetoed`;
 * - a vetoed `recreate` of a container that runs keeps it: executed as a
 *   keep (health is probed as usual), reported `vetoed`; apply does not fail
 *   for it;
 * - a vetoed `create` or `start` (or `recreate` of a container that does not
 *   run) leaves the service down: reported `vetoed` with STEP_VETOED, and its
 *   dependants are skipped, as after any failure; apply exits 1.
 */
import { CidxError } from './errors.js';
import type { ReviewedStep, Veto } from './hooks.js';
import type { DesiredService, ProjectReport, ServiceReport } from './model.js';
import type { Step } from './reconcile/plan.js';
import { inReadingOrder } from './reconcile/report.js';

export interface VetoedPlan {
  /** The services the executor acts on. */
  desired: DesiredService[];
  /** Their steps, vetoed ones turned into keeps. */
  steps: Step[];
  /** Reports of services the executor never sees, in no particular order. */
  reports: ServiceReport[];
  /** Vetoed steps turned into keeps, by service: their reports are marked after execution. */
  kept: Map<string, Required<Veto> & { op: string }>;
}

const signed = (veto: Veto) => ({ reason: veto.reason, by: veto.by ?? 'a plugin' });

export function describeVeto(op: string, veto: Veto): string {
  const { reason, by } = signed(veto);
  return `${op} vetoed by ${by}: ${reason}`;
}

export function applyVetoes(desired: DesiredService[], steps: ReviewedStep[]): VetoedPlan {
  const reports: ServiceReport[] = [];
  const kept = new Map<string, Required<Veto> & { op: string }>();
  const down = new Set<string>();
  const out: Step[] = [];
  for (const step of steps) {
    const { veto, ...plain } = step;
    if (!veto || step.op === 'noop') {
      out.push(plain as Step);
      continue;
    }
    const container = step.op === 'create' ? undefined : step.container;
    const record = { op: step.op, ...signed(veto) };
    // A vetoed step's report: the container as it is (kept), and why nothing was done.
    const vetoed = (healthy: boolean | null): ServiceReport => ({
      name: step.service,
      state: container?.state ?? 'missing',
      healthy,
      action: 'vetoed',
      reason: describeVeto(step.op, veto),
      container: container ? { id: container.id, name: container.name } : null,
      ports: [],
      veto: record,
    });
    if (step.op === 'remove') {
      reports.push(vetoed(null));
    } else if (((step.op === 'recreate' || step.op === 'update') && container?.state === 'running') || (step.op === 'rerun' && container?.state === 'exited' && container.exitCode === 0)) {
      // Kept as it is: a running service serves on, a job's earlier success stands.
      kept.set(step.service, record);
      out.push({ ...(plain as Step & { op: 'recreate' | 'update' | 'rerun' }), op: 'noop', reason: describeVeto(step.op, veto) });
    } else {
      down.add(step.service);
      const error = new CidxError('STEP_VETOED', `${step.service}: ${describeVeto(step.op, veto)}`);
      reports.push({ ...vetoed(false), error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) } });
    }
  }
  // Dependants of a service left down are skipped, transitively, as the executor skips those of a failed one.
  for (let grew = true; grew; ) {
    grew = false;
    for (const service of desired) {
      if (down.has(service.name)) continue;
      const blockedBy = service.dependsOn.filter((dep) => down.has(dep));
      if (!blockedBy.length) continue;
      down.add(service.name);
      grew = true;
      const step = steps.find((candidate) => candidate.service === service.name && candidate.op !== 'remove');
      const error = new CidxError('DEPENDENCY_FAILED', `not started: ${blockedBy.join(', ')} ${blockedBy.length === 1 ? 'is' : 'are'} not up (vetoed)`);
      reports.push({
        name: service.name,
        state: step?.op === 'noop' || step?.op === 'start' ? step.container.state : 'missing',
        healthy: false,
        action: 'skipped',
        ...(step ? { reason: step.reason } : {}),
        container: step && step.op !== 'create' ? { id: step.container.id, name: step.container.name } : null,
        ports: [],
        error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) },
      });
    }
  }
  return {
    desired: desired.filter((service) => !down.has(service.name)),
    steps: out.filter((step) => step.op === 'remove' || !down.has(step.service)),
    reports,
    kept,
  };
}

/** The executor's report with the vetoed services put back in the config's order. */
export function withVetoes(report: ProjectReport, plan: VetoedPlan, order: string[]): ProjectReport {
  const services = report.services.map((service) => {
    const veto = plan.kept.get(service.name);
    if (!veto || service.action !== 'unchanged') return service;
    return { ...service, action: 'vetoed' as const, reason: describeVeto(veto.op, veto), veto };
  });
  const all = [...services, ...plan.reports.map(inReadingOrder)];
  const rank = (name: string) => {
    const at = order.indexOf(name);
    return at === -1 ? order.length : at;
  };
  all.sort((a, b) => rank(a.name) - rank(b.name));
  return { ...report, services: all };
}
