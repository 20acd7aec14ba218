/**
 * One-shot services (`job: true`): a migration, a seed, a model pull. A job
 * runs to completion; exit 0 is success. Its finished container is kept: its
 * config-hash label and its exit code are the record of "succeeded with this
 * config", so the next apply keeps it rather than restarting it, and `status`
 * and `logs` still show how it went. It runs again when its config or image
 * changed, when its last run failed, or when asked (`--rerun`).
 *
 * The planner's part is `planJob`; the apply's part is `runJob` (act, then
 * wait for the exit) and `finishJob` (the report); `jobReport` is what
 * `status` shows.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CidxError } from '../errors.js';
import type { DesiredService, JobReport, ObservedContainer, ServiceReport } from '../model.js';
import type { CidxConfig } from '../../schemas/config.js';
import { didYouMean } from '../../schemas/did-you-mean.js';
import { formatDuration } from '../../schemas/duration.js';
import { actOn, asCidxError, type Acted } from './act.js';
import type { ExecuteContext } from './execute.js';
import { OPS } from './ops.js';
import { finish } from './outcome.js';
import type { ContainerStep, DeclaredStep } from './plan.js';
import { describeError, portReports } from './report.js';

/** Log lines a failed job's error carries. */
const LOG_TAIL = 20;
/** Longest pause between looks at a running job: its end is noticed within this. */
const MAX_POLL_MS = 1_000;

/** States in which a job's container has not finished yet. */
const UNFINISHED = new Set<ObservedContainer['state']>(['running', 'restarting', 'paused', 'created']);

export interface JobPlanInput {
  /** Why the container differs from the desired spec ("command changed"); undefined when it does not. */
  drift: string | undefined;
  /** `--rerun` names this job. */
  forced: boolean;
}

/** The step for a job that has a container: keep a success, wait for a run in progress, rerun anything else. */
export function planJob(service: DesiredService, container: ObservedContainer, { drift, forced }: JobPlanInput): ContainerStep {
  const on = (op: ContainerStep['op'], reason: string): ContainerStep => ({ service: service.name, op, reason, container });
  if (drift) return on('rerun', drift);
  if (forced) return on('rerun', 'asked to (--rerun)');
  switch (container.state) {
    case 'exited':
      if (container.exitCode === 0) return on('noop', `succeeded${container.finishedAt ? ` at ${container.finishedAt}` : ''}`);
      return on('rerun', `last run failed${container.exitCode === undefined ? '' : ` (exit code ${container.exitCode})`}`);
    case 'running':
      return on('noop', 'still running: apply waits for it');
    case 'created':
      return on('start', 'created but not run yet');
    default:
      return on('rerun', `container is ${container.state}`);
  }
}

/**
 * What acting on a job did: `timedOut` when it ran past its timeout and was
 * stopped; `exited`, the container as the wait last saw it, finished (the
 * report needs no fresh `inspect`, and a job found running at plan time is
 * not reported by what the plan saw).
 */
export type JobActed = Acted & { timedOut?: true; exited?: ObservedContainer };

/**
 * Creates, starts or reruns a job's container as its step says, then waits
 * until it exits (or its timeout). Ctrl-C stops the job's container before
 * the apply ends, so nothing half-run goes on behind the user's back.
 */
export async function runJob(context: ExecuteContext, service: DesiredService, step: DeclaredStep, failed: ReadonlySet<string>): Promise<JobActed> {
  const finished = step.op === 'noop' && !UNFINISHED.has(step.container.state);
  if (finished && !step.rename) return { id: step.container.id };
  const acted = await actOn(context, service, step, failed);
  if ('error' in acted || finished) return acted; // a finished job left under a replacement's name is only renamed
  context.onProgress?.(service.name, 'running the job');
  try {
    const waited = await awaitExit(context, service, acted.id);
    return waited === 'timed out' ? { ...acted, timedOut: true } : { ...acted, ...(waited ? { exited: waited } : {}) };
  } catch (error) {
    if (context.signal.aborted) throw error;
    return { error: asCidxError(error) };
  }
}

/**
 * Polls until the container has finished: the finished container ('timed
 * out' when it had to be stopped at the job's timeout, undefined when it is
 * gone). Once Ctrl-C has aborted the apply, the job is stopped
 * whatever ended the wait: the sleep, or an in-flight `inspect` that the
 * terminal's SIGINT (sent to the whole process group) killed first.
 */
async function awaitExit(context: ExecuteContext, service: DesiredService, id: string): Promise<ObservedContainer | 'timed out' | undefined> {
  const { runtime, signal } = context;
  try {
    return await pollUntilExit(context, service, id);
  } catch (error) {
    if (!signal.aborted) throw error;
    // Interrupted: the job is stopped (the engine's grace period, then killed), not left running.
    await runtime.stop([id]).catch(() => undefined);
    throw signal.reason;
  }
}

async function pollUntilExit({ runtime, signal }: ExecuteContext, service: DesiredService, id: string): Promise<ObservedContainer | 'timed out' | undefined> {
  const deadline = Date.now() + (service.jobTimeoutMs ?? Number.POSITIVE_INFINITY);
  for (let pause = 25; ; pause = Math.min(pause * 2, MAX_POLL_MS)) {
    signal.throwIfAborted();
    const [container] = await runtime.inspect([id]);
    if (!container || !UNFINISHED.has(container.state)) return container;
    const left = deadline - Date.now();
    if (left <= 0) {
      await runtime.stop([id]);
      return 'timed out';
    }
    await sleep(Math.min(pause, left), undefined, { signal });
  }
}

/** The apply's report on a job: succeeded with exit 0, or failed with its exit code and last log lines. */
export async function finishJob(context: ExecuteContext, service: DesiredService, step: DeclaredStep, acted: JobActed, container: ObservedContainer | undefined): Promise<ServiceReport> {
  if ('error' in acted) return finish(context, service, step, acted, container, undefined);
  const base: ServiceReport = {
    name: service.name,
    action: OPS[step.op].action,
    reason: acted.renewed?.reason ?? step.reason,
    state: container?.state ?? 'missing',
    healthy: null,
    container: container ? { id: container.id, name: container.name } : { id: acted.id, name: service.spec.name },
    ports: portReports(service, container, context.runtime),
    job: jobReport(container),
  };
  if (container && container.state === 'exited' && container.exitCode === 0 && !acted.timedOut) {
    context.onProgress?.(service.name, 'succeeded');
    return base;
  }
  const error = await jobError(context, service, container, acted.timedOut === true);
  return { ...base, action: 'failed', healthy: false, error: describeError(error) };
}

async function jobError(context: ExecuteContext, service: DesiredService, container: ObservedContainer | undefined, timedOut: boolean): Promise<CidxError> {
  if (!container) return new CidxError('JOB_FAILED', `job ${service.name}: its container disappeared before it finished`);
  const logs = await context.runtime.logs(container.id, LOG_TAIL).catch(() => '');
  const details = logs.trim() ? logs.trimEnd().split('\n').slice(-LOG_TAIL) : ['(no log output)'];
  if (timedOut) {
    const limit = service.jobTimeoutMs === undefined ? 'its timeout' : `its timeout of ${formatDuration(service.jobTimeoutMs)}`;
    return new CidxError('JOB_TIMEOUT', `job ${service.name} ran longer than ${limit} and was stopped`, { details });
  }
  const how = container.state === 'exited' ? `failed with exit code ${container.exitCode ?? '?'}` : `is ${container.state}`;
  return new CidxError('JOB_FAILED', `job ${service.name} ${how}`, { details });
}

/** How a job's last run went, from its container (none: never run). */
export function jobReport(container: ObservedContainer | undefined): JobReport {
  if (!container || container.state === 'created') return { status: 'not run', exitCode: null, finishedAt: null };
  if (UNFINISHED.has(container.state)) return { status: 'running', exitCode: null, finishedAt: null };
  return {
    status: container.state === 'exited' && container.exitCode === 0 ? 'succeeded' : 'failed',
    exitCode: container.exitCode ?? null,
    finishedAt: container.finishedAt ?? null,
  };
}

/** A job's `status` line: its run's outcome instead of a health verdict. */
export function withJobStatus(report: ServiceReport, container: ObservedContainer | undefined): ServiceReport {
  const job = jobReport(container);
  return { ...report, healthy: job.status === 'failed' ? false : null, job };
}

/** The jobs `--rerun` names, checked: an unknown name or a service that is not a job is a usage error. */
export function rerunSet(config: Pick<CidxConfig, 'services'>, names: string[] | undefined): ReadonlySet<string> {
  const jobs = Object.keys(config.services).filter((name) => config.services[name]!.job);
  for (const name of names ?? []) {
    if (jobs.includes(name)) continue;
    if (Object.hasOwn(config.services, name)) {
      throw new CidxError('USAGE', `--rerun ${name}: ${name} is not a job (only a service with \`job: true\` runs once and can be rerun)`, {
        hint: jobs.length ? `Jobs in this config: ${jobs.join(', ')}.` : 'This config declares no jobs.',
      });
    }
    const suggestion = didYouMean(name, jobs);
    throw new CidxError('USAGE', `--rerun ${name}: no job named "${name}"${suggestion ? `; ${suggestion}` : ''}`, {
      hint: jobs.length ? `Jobs in this config: ${jobs.join(', ')}.` : 'This config declares no jobs.',
    });
  }
  return new Set(names ?? []);
}
