/**
 * Executes a plan: prepare what the services need (prepare.ts), start the
 * health probes of services that stay as they are, run the declared services
 * level by level (levels.ts, acting through act.ts and reporting through
 * outcome.ts), and assemble the project report. This module only sequences
 * those; each step's reasons live with it.
 */
import { CidxError } from '../errors.js';
import type { CidxHooks, ReportContext } from '../hooks.js';
import type { DesiredService, ProjectReport } from '../model.js';
import { runLevels } from './levels.js';
import { EarlyProbes } from './outcome.js';
import type { DeclaredStep, Step } from './plan.js';
import { prepare } from './prepare.js';
import { inReadingOrder, reportHeader } from './report.js';

export interface ExecuteContext extends ReportContext {
  hooks: CidxHooks;
  /** Progress for humans, per service: 'creating', 'waiting for health', … */
  onProgress?: (service: string, phase: string) => void;
  /** Services acted on at once; default `parallelChanges()` (CIDX_PARALLEL). */
  parallel?: number;
  /** How apply waits for health; default: each service's own health config. */
  waiting?: Waiting;
  /**
   * Work that must finish before any container is touched (apply's pull
   * phase); it runs alongside the network and volume set-up. A throw ends the
   * execute with that error, no container touched. Default: none.
   */
  beforeContainers?: () => Promise<void>;
}

export interface Waiting {
  /** Do not wait: a running container is reported with health not checked (`healthy: null`). Default: false. */
  skip?: boolean;
  /** Every service's health timeout, in ms, instead of its own (`--wait-timeout`). Default: none. */
  timeoutMs?: number;
}

/**
 * Services created, started or recreated at once per apply (CIDX_PARALLEL,
 * default 4; 0 for no limit). Engines serialise much of this work anyway
 * (on a lock, or on network and port set-up): thirty `run`s at
 * once only queue inside the engine, each holding a CLI process and memory.
 */
const DEFAULT_PARALLEL = 4;

export function parallelChanges(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.CIDX_PARALLEL === undefined || env.CIDX_PARALLEL === '' ? DEFAULT_PARALLEL : Number(env.CIDX_PARALLEL);
  if (!Number.isInteger(value) || value < 0) return DEFAULT_PARALLEL;
  return value === 0 ? Number.POSITIVE_INFINITY : value;
}

export async function executePlan(context: ExecuteContext, desired: DesiredService[], steps: Step[]): Promise<ProjectReport> {
  const declared = new Map<string, DeclaredStep>();
  for (const step of steps) if (step.op !== 'remove') declared.set(step.service, step);
  const stepOf = (service: DesiredService): DeclaredStep => {
    const step = declared.get(service.name);
    if (!step) throw new CidxError('INTERNAL', `the plan has no step for the declared service ${service.name}`);
    return step;
  };

  const prepared = await prepare(context, desired, steps);
  const early = new EarlyProbes(context, prepared.desired, stepOf);
  const reports = await runLevels(context, {
    desired: prepared.desired,
    stepOf,
    parallel: context.parallel ?? parallelChanges(),
    onDefaultNetwork: prepared.onDefaultNetwork,
    early,
  });
  return {
    ...reportHeader(context.project, context.runtime),
    services: [...prepared.desired.map((service) => reports.get(service.name)!), ...prepared.removed].map(inReadingOrder),
    ...(prepared.notes.length ? { notes: prepared.notes } : {}),
  };
}
