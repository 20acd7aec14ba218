/**
 * Reading what cidx printed: `apply --json` and `plan --json` reports, and the
 * assertions most integration tests start with.
 */
import type { ExecutionContext } from 'ava';
import type { PortReport, ProjectReport, ServiceReport } from '../../core/model.js';
import type { CidxRun, TestProject } from './project.js';
import { projectContainers, type Runtime } from './runtime.js';

/** One step of `cidx plan --json`, as the README documents it. */
export interface PlanStep {
  service: string;
  op: 'create' | 'start' | 'recreate' | 'remove' | 'noop';
  reason: string;
}

/** A stack frame line as V8 prints it: user errors must show none. */
export const STACK_LINE = /^\s{4}at /m;

/** Runs `cidx apply --json` on `runtime` and insists it exited 0. */
export async function applyOk(t: ExecutionContext, project: TestProject, runtime: Runtime): Promise<ProjectReport> {
  const run = await project.cidx(['apply', '--json', '--runtime', runtime]);
  t.is(run.exitCode, 0, run.describe());
  return run.json();
}

/** Runs `cidx plan --json` and returns its steps, insisting it exited 0. */
export async function planSteps(t: ExecutionContext, project: TestProject, runtime: Runtime): Promise<PlanStep[]> {
  const run = await project.cidx(['plan', '--json', '--runtime', runtime]);
  t.is(run.exitCode, 0, run.describe());
  const parsed = run.json<{ steps: PlanStep[] }>();
  t.deepEqual(Object.keys(parsed), ['steps'], 'plan --json prints { steps } and nothing else');
  for (const step of parsed.steps) t.deepEqual(Object.keys(step).sort(), ['op', 'reason', 'service'], JSON.stringify(step));
  return parsed.steps;
}

/** Steps keyed by service, for `t.like`; a service with two steps fails loudly. */
export function stepsByService(steps: PlanStep[]): Record<string, Omit<PlanStep, 'service'>> {
  const result: Record<string, Omit<PlanStep, 'service'>> = {};
  for (const { service, ...rest } of steps) {
    if (result[service]) throw new Error(`two plan steps for ${service}: ${JSON.stringify(steps)}`);
    result[service] = rest;
  }
  return result;
}

export function service(report: ProjectReport, name: string): ServiceReport {
  const found = report.services.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no service ${name} in ${JSON.stringify(report.services.map((s) => s.name))}`);
  return found;
}

/** service → port name → host port: what must not move across recreate and restarts. */
export function hostPorts(report: ProjectReport): Record<string, Record<string, number | null>> {
  return Object.fromEntries(report.services.map((entry) => [entry.name, Object.fromEntries(entry.ports.map((port: PortReport) => [port.name, port.host]))]));
}

/** service → container id. */
export function containerIds(report: ProjectReport): Record<string, string | undefined> {
  return Object.fromEntries(report.services.map((entry) => [entry.name, entry.container?.id]));
}

/** Runs `attempt` and returns its result with the wall-clock time it took. */
export async function timed<T>(attempt: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await attempt();
  return { value, ms: performance.now() - started };
}

export type { CidxRun };

/** Exactly one container per service, each running: what every converged project looks like. */
export async function assertOnePerService(t: ExecutionContext, runtime: Runtime, project: TestProject, names: string[]): Promise<void> {
  const containers = await projectContainers(runtime, project.id);
  t.deepEqual(
    containers.map((container) => `${container.Config.Labels?.['io.cidx.service']} ${container.State.Status}`).sort(),
    [...names].sort().map((name) => `${name} running`),
    'exactly one running container per service',
  );
}
