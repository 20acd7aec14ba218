/**
 * What the CLI's commands do, as functions of a session: observe → plan →
 * apply, status, down. They return data; printing is the CLI's job.
 */
import path from 'node:path';
import { projectLockName } from './engine-endpoint.js';
import { assertReachablePorts } from './remote-bind.js';
import { acquireLock } from './lock.js';
import { requirePrivateCacheDir } from './state-dirs.js';
import { CidxError } from './errors.js';
import type { DesiredService, ExcludedReport, ObservedContainer, PortReport, ProjectReport, ServiceReport } from './model.js';
import { containerName, legacyVolumeName, networkName, volumeName, volumePrefix } from './project.js';
import { pruneProjects as prune, type PruneOptions, type PruneResult } from './prune.js';
import { checkMountSources } from './container-keys.js';
import { desiredServices } from './reconcile/desired.js';
import { rerunSet, withJobStatus } from './reconcile/jobs.js';
import { executePlan, type ExecuteContext } from './reconcile/execute.js';
import { serviceContainer } from './reconcile/match.js';
import { OPS } from './reconcile/ops.js';
import { plan, type Step } from './reconcile/plan.js';
import { renewOp } from './reconcile/replace.js';
import { forgetUnavailableImages, pullUnseenImages, type PullOutcome, type PullPhaseOptions, type PullPolicy } from './pull.js';
import { pullFailedReport } from './reconcile/pull-report.js';
import { inReadingOrder, portReports, reportHeader } from './reconcile/report.js';
import { isTapped, type DownResult, type ReviewedStep } from './hooks.js';
import { applyVetoes, withVetoes } from './plan-review.js';
import type { Session } from './session.js';
import { checkServiceNames, targetSession } from './targets.js';

export interface ProjectPlan {
  desired: DesiredService[];
  observed: ObservedContainer[];
  /** The planner's steps as `reviewPlan` taps left them: some may carry a `veto`. */
  steps: ReviewedStep[];
  /** Services the active profiles leave out; their containers are in no step. Absent: none. */
  excluded?: ExcludedReport[];
}

/** Observes once and plans (a pure function of what is wanted and what is there), then lets plugins review the steps. */
export async function planProject(session: Session, options: PlanProjectOptions = {}): Promise<ProjectPlan> {
  const planned = await observeAndPlan(session, options);
  // Before any step (plan and apply only; status and lookups need no host path): an engine creates a missing one as root.
  await checkMountSources(planned.desired);
  if (!isTapped(session.hooks.reviewPlan)) return planned;
  const steps = await session.hooks.reviewPlan.promise(planned.steps, { ...session, desired: planned.desired, observed: planned.observed });
  return { ...planned, steps };
}

async function observeAndPlan(session: Session, options: PlanProjectOptions = {}): Promise<ProjectPlan> {
  if (session.profiles?.problem) throw session.profiles.problem;
  const rerun = rerunSet(session.config, options.rerun); // a misspelt name fails before anything is observed
  const names = Object.keys(session.config.services).map((name) => containerName(session.project, name));
  // The engine call first: resolving the specs reads env files synchronously, and must not hold up its start.
  const listing = session.runtime.listProject(session.project.id, names);
  const [all, desired] = await Promise.all([listing, desiredServices(session.hooks, session)]);
  const planning = { rerun, renew: renewOp(session.runtime) };
  const excluded = session.profiles?.excluded ?? [];
  if (!excluded.length) return { desired, observed: all, steps: plan(desired, all, planning) };
  // A left-out service's container is not an orphan: the planner never sees it, so it is neither removed nor changed.
  const off = new Set(excluded.map((service) => service.name));
  const observed = all.filter((container) => !off.has(container.service));
  const reports = excluded.map((service) => ({ ...service, state: all.find((container) => container.service === service.name)?.state ?? ('missing' as const) }));
  return { desired, observed, steps: plan(desired, observed, planning), excluded: reports };
}

export interface PlanProjectOptions {
  /** Jobs to run again although their last run succeeded with this config (`--rerun`). Default: none. */
  rerun?: string[];
}

export interface ApplyOptions extends Pick<ExecuteContext, 'onProgress' | 'waiting'>, PlanProjectOptions {
  /** Called when another cidx process holds the project's lock and this one waits. */
  onWait?: (pid: number | undefined) => void;
  /** The pull phase (core/pull.ts): policy (default 'missing') and progress events. */
  pull?: Omit<PullPhaseOptions, 'signal'>;
}

/**
 * Converges the project. Holds the project's lock from observe to report, so
 * concurrent applies take turns; the later one then finds nothing to do.
 */
export async function applyProject(session: Session, options: ApplyOptions = {}): Promise<ProjectReport> {
  return withProjectLock(session, options.onWait, () => applyLocked(session, options));
}

/**
 * Stops the services' containers and applies them again, which starts them
 * and waits for health. Creates nothing: a service without a container is an
 * error that says to apply it. One lock from the stop to the report.
 */
export async function restartProject(session: Session, options: ApplyOptions = {}): Promise<ProjectReport> {
  return withProjectLock(session, options.onWait, async () => {
    const { desired, observed } = await observeAndPlan(session);
    const containers = desired.map((service) => ({ service, container: serviceContainer(service, observed) }));
    const missing = containers.filter(({ container }) => !container).map(({ service }) => service.name);
    if (missing.length) {
      throw new CidxError('SERVICE_EXITED', `${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no container to restart`, {
        hint: `Run \`cidx apply ${missing.join(' ')}\` to create ${missing.length === 1 ? 'it' : 'them'}.`,
      });
    }
    for (const { service } of containers) options.onProgress?.(service.name, 'stopping');
    await session.runtime.stop(containers.map(({ container }) => container!.id));
    return applyLocked(session, options);
  });
}

/** Ends an execute whose pull phase failed; the failures are reported per service instead. */
const PULL_FAILED = Symbol('pull failed');

async function applyLocked(session: Session, options: ApplyOptions): Promise<ProjectReport> {
  try {
    await session.hooks.beforeApply.promise(session);
    const { desired, steps, excluded } = await planProject(session, options);
    assertReachablePorts(desired, session.runtime);
    const vetoed = applyVetoes(desired, steps);
    // Before any container is touched: an image that cannot be had fails its services here, and nothing runs.
    // The phase runs alongside the network and volume set-up (prepare.ts); a failed pull ends the execute
    // before its first container step.
    let failedPulls: PullOutcome['failed'] = [];
    const pullPhase = async () => {
      const wanted = imagesToPull(vetoed.desired, vetoed.steps, options.pull?.policy);
      failedPulls = (await pullUnseenImages(session.runtime, wanted, { ...options.pull, signal: session.signal })).failed;
      if (failedPulls.length) throw PULL_FAILED;
    };
    const executed = await executePlan({ ...session, onProgress: options.onProgress, waiting: options.waiting, beforeContainers: pullPhase }, vetoed.desired, vetoed.steps).catch((error: unknown) => {
      if (error !== PULL_FAILED) throw error;
      return pullFailedReport(session, vetoed.desired, vetoed.steps, failedPulls);
    });
    await forgetUnavailableImages(session.runtime, vetoed.desired, executed);
    const reviewed = vetoed.reports.length || vetoed.kept.size ? withVetoes(executed, vetoed, desired.map((service) => service.name)) : executed;
    const report = excluded ? { ...reviewed, excluded } : reviewed;
    await session.hooks.afterReport.promise(report, session);
    await session.hooks.afterApply.promise(report, session);
    return report;
  } catch (error) {
    // Observers only: the apply's own error is what the caller gets, whatever a tap does.
    await session.hooks.applyFailed.promise(error, session).catch(() => undefined);
    throw error;
  }
}

/** What an apply needs pulled: images of services it creates or recreates; with `always`, of every service it declares. */
function imagesToPull(desired: DesiredService[], steps: Step[], policy: PullPolicy = 'missing'): Array<{ name: string; image: string }> {
  const needed = new Set(steps.filter((step) => policy === 'always' ? step.op !== 'remove' : OPS[step.op].makesContainer).map((step) => step.service));
  return desired.filter((service) => needed.has(service.name)).map((service) => ({ name: service.name, image: service.spec.image }));
}

async function withProjectLock<T>(session: Session, onWait: ApplyOptions['onWait'], work: () => Promise<T>): Promise<T> {
  // A lock directory others can write to would let them fake or hold our lock: CACHE_UNTRUSTED instead.
  // Keyed by engine too: one project on two engines is two sets of containers, converged independently.
  const file = path.join(requirePrivateCacheDir('locks'), projectLockName(session.project.id, session.runtime));
  const release = await acquireLock(file, { signal: session.signal, ...(onWait ? { onWait } : {}) });
  try {
    return await work();
  } finally {
    await release();
  }
}

/** Observes and probes each service once; changes nothing. */
export async function statusProject(session: Session): Promise<ProjectReport> {
  const { desired, observed, excluded } = await observeAndPlan(session);
  const services = await Promise.all(
    desired.map(async (service): Promise<ServiceReport> => {
      const container = serviceContainer(service, observed);
      if (!container) {
        const missing: ServiceReport = { name: service.name, state: 'missing', healthy: null, container: null, ports: portReports(service, undefined, session.runtime) };
        return service.spec.job ? withJobStatus(missing, undefined) : missing;
      }
      const ports = portReports(service, container, session.runtime);
      const report: ServiceReport = { name: service.name, state: container.state, healthy: null, container: { id: container.id, name: container.name }, ports };
      if (container.state === 'running') {
        const health = await session.hooks.checkHealth.promise({ ...session, service, container, ports, wait: false });
        report.healthy = health?.healthy ?? true;
        if (health) report.health = health;
      } else {
        report.healthy = false;
      }
      return service.spec.job ? withJobStatus(report, container) : report;
    }),
  );
  const report: ProjectReport = {
    ...reportHeader(session.project, session.runtime),
    services: services.map(inReadingOrder),
    ...(excluded ? { excluded } : {}),
  };
  await session.hooks.afterReport.promise(report, session);
  return report;
}

export type { DownResult };

export interface DownOptions {
  /** Remove named volumes too (deletes data). Default: false. */
  volumes?: boolean;
  /** Only these services' containers (and, with `volumes`, their volumes); the network stays. Default: every service. */
  services?: string[];
  onWait?: ApplyOptions['onWait'];
}

/** Removes the project's containers, or only the services named; volumes only when asked. */
export async function downProject(session: Session, options: DownOptions = {}): Promise<DownResult> {
  const services = options.services ?? [];
  const narrowed = targetSession(session, services, { withDependencies: false });
  const ownVolume = services.length ? ownVolumeOf(session, new Set(narrowed.targets)) : () => true;
  return withProjectLock(session, options.onWait, () => removeProject(narrowed, options.volumes ?? false, ownVolume));
}

async function removeProject(session: Session, withVolumes: boolean, ownVolume: (name: string) => boolean): Promise<DownResult> {
  await session.hooks.beforeDown.promise(session);
  const containers = await session.runtime.listProject(session.project.id);
  if (containers.length) await session.runtime.remove(containers.map((container) => container.id));
  // The network serves the services left running when only some were named.
  if (session.runtime.capabilities.networks && !session.targets) await session.runtime.removeNetwork!(networkName(session.project));
  let volumes: string[] = [];
  if (withVolumes) {
    volumes = await session.runtime.listVolumes(volumePrefix(session.project));
    volumes = volumes.filter(ownVolume);
    if (volumes.length) await session.runtime.removeVolumes(volumes);
  }
  const result = { containers: containers.map((container) => container.name), volumes };
  await session.hooks.afterDown.promise(result, session);
  return result;
}

/**
 * With services named, only their volumes: the names the config gives their
 * volumes, current or legacy, and a legacy name only when no other service's
 * volume could have it too (see project.ts: `-` occurs in both names).
 */
function ownVolumeOf(session: Session, targets: Set<string>): (name: string) => boolean {
  const services = Object.entries(session.config.services);
  const names = (mine: boolean, legacy: boolean) =>
    services
      .filter(([name]) => targets.has(name) === mine)
      .flatMap(([service, config]) => Object.keys(config.volumes ?? {}).map((volume) => (legacy ? legacyVolumeName : volumeName)(session.project, service, volume)));
  const own = new Set(names(true, false));
  const legacy = new Set(names(true, true));
  const others = new Set(names(false, true));
  return (name) => own.has(name) || (legacy.has(name) && !others.has(name));
}

/**
 * Removes what cidx left for projects that are provably this user's and
 * provably gone; lists everything it keeps, with the reason (see prune.ts).
 */
export async function pruneProjects(session: Session, options: Omit<PruneOptions, 'signal'> = {}): Promise<PruneResult> {
  return prune(session.runtime, { ...options, signal: session.signal });
}

export interface ServiceLookup {
  service: DesiredService;
  container: ObservedContainer | undefined;
  ports: PortReport[];
}

/** One service's container and ports, with a single inspect call by name: the fast path of `cidx port`. */
export async function lookupService(session: Session, name: string): Promise<ServiceLookup> {
  checkServiceNames(session, [name]); // own entries only: `cidx port constructor` must not find Object's
  const [service] = await desiredServices(session.hooks, session, [name]);
  if (!service) throw new CidxError('INTERNAL', `service ${name} vanished from the desired state`);
  // One inspect by name serves a running service. Anything else (stopped, or swapped half-way
  // by an interrupted recreate) is looked up among all its containers, by the planner's rule.
  const [named] = await session.runtime.inspect([service.spec.name]);
  const container = named?.state === 'running' ? named : serviceContainer(service, await session.runtime.listProject(session.project.id, [service.spec.name]));
  return { service, container, ports: portReports(service, container, session.runtime) };
}

/** Every service's ports as observed now, without probing health: for `cidx env`. */
export async function observePorts(session: Session): Promise<ServiceLookup[]> {
  const { desired, observed } = await observeAndPlan(session);
  return desired.map((service) => {
    const container = serviceContainer(service, observed);
    return { service, container, ports: portReports(service, container, session.runtime) };
  });
}
