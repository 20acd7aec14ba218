/**
 * What the CLI's commands do, as functions of a session: observe → plan →
 * apply, status, down. They return data; printing is the CLI's job.
 */
import type { DesiredService, ObservedContainer, ProjectReport, ServiceReport } from './model.js';
import { volumePrefix } from './project.js';
import { desiredServices } from './reconcile/desired.js';
import { executePlan, type ExecuteContext } from './reconcile/execute.js';
import { plan, type Step } from './reconcile/plan.js';
import { inReadingOrder, portReports } from './reconcile/report.js';
import type { Session } from './session.js';

export interface ProjectPlan {
  desired: DesiredService[];
  observed: ObservedContainer[];
  steps: Step[];
}

/** Observes once and plans: a pure function of what is wanted and what is there. */
export async function planProject(session: Session): Promise<ProjectPlan> {
  const [desired, observed] = await Promise.all([desiredServices(session.hooks, session), session.runtime.listProject(session.project.id)]);
  return { desired, observed, steps: plan(desired, observed) };
}

export async function applyProject(session: Session, options: Pick<ExecuteContext, 'onProgress'> = {}): Promise<ProjectReport> {
  const { desired, steps } = await planProject(session);
  const report = await executePlan({ ...session, ...options }, desired, steps);
  await session.hooks.reported.promise(report, session);
  return report;
}

/** Observes and probes each service once; changes nothing. */
export async function statusProject(session: Session): Promise<ProjectReport> {
  const { desired, observed } = await planProject(session);
  const services = await Promise.all(
    desired.map(async (service): Promise<ServiceReport> => {
      const container = observed.find((candidate) => candidate.name === service.spec.name) ?? observed.find((candidate) => candidate.service === service.name);
      if (!container) return { name: service.name, state: 'missing', healthy: null, container: null, ports: portReports(service, undefined, session.runtime) };
      const ports = portReports(service, container, session.runtime);
      const report: ServiceReport = { name: service.name, state: container.state, healthy: null, container: { id: container.id, name: container.name }, ports };
      if (container.state === 'running') {
        const health = await session.hooks.checkHealth.promise({ ...session, service, container, ports, wait: false });
        report.healthy = health?.healthy ?? true;
        if (health) report.health = health;
      } else {
        report.healthy = false;
      }
      return report;
    }),
  );
  const report: ProjectReport = { project: { name: session.project.name, id: session.project.id, root: session.project.root }, runtime: session.runtime.name, services: services.map(inReadingOrder) };
  await session.hooks.reported.promise(report, session);
  return report;
}

export interface DownResult {
  containers: string[];
  volumes: string[];
}

/** Removes the project's containers; volumes only when asked. */
export async function downProject(session: Session, options: { volumes?: boolean } = {}): Promise<DownResult> {
  await session.hooks.beforeDown.promise(session);
  const containers = await session.runtime.listProject(session.project.id);
  if (containers.length) await session.runtime.remove(containers.map((container) => container.id));
  let volumes: string[] = [];
  if (options.volumes) {
    volumes = await session.runtime.listVolumes(volumePrefix(session.project));
    if (volumes.length) await session.runtime.removeVolumes(volumes);
  }
  return { containers: containers.map((container) => container.name), volumes };
}
