/**
 * Every hook of cidx's lifecycle, declared once (hook API v2). This object is
 * the public plugin API: built-in plugins (plugins/) and third-party ones tap
 * the same hooks with the same types. Order taps with `stage` (see STAGE),
 * never by registration.
 *
 * Naming rule: a hook whose taps answer or refine a value is named for what
 * the tap does, as an imperative verb (`resolveRuntime`, `resolveSpec`,
 * `requestPorts`, `retryPorts`, `checkHealth`, `extendConfig`, `reviewPlan`);
 * a hook that only tells taps something happened is `before*` / `after*`, or
 * `*Failed` for the failure of a `before*`/`after*` pair. The context is
 * always the last argument and carries `logger`, named after the tap.
 *
 * Lifecycle of `cidx apply`:
 *   extendConfig → (validation) → afterConfigResolved → resolveRuntime →
 *   beforeApply → resolveSpec (per service) → observe → plan → reviewPlan →
 *   per service, in dependency order: requestPorts → run (→ retryPorts → run …)
 *   → checkHealth → afterReport → afterApply (or applyFailed)
 */
import { AsyncParallelHook, AsyncSeriesBailHook, AsyncSeriesHook, AsyncSeriesWaterfallHook } from 'tapable';
import type { CidxConfig, CidxUserConfig, ServiceConfig } from '../schemas/config.js';
import { CidxError } from './errors.js';
import type { Logger } from './logger.js';
import type {
  ContainerSpec,
  DesiredService,
  HealthResult,
  ObservedContainer,
  PortReport,
  PortRequest,
  ProjectIdentity,
  ProjectReport,
} from './model.js';
import type { Step } from './reconcile/plan.js';
import type { ContainerRuntime } from './runtime.js';

/**
 * Stages for `tap({ name, stage }, …)`. Taps run in ascending stage; a
 * third-party tap without a stage is at `STAGE.default`. Built-ins sit where
 * a plugin at the default stage can still act: before their answer on bail
 * hooks, after their base value on waterfalls.
 */
export const STAGE = Object.freeze({
  /** Built-in taps that lay down the value a waterfall's other taps refine (port-cache's remembered ports). */
  base: -100,
  /** A tap without a stage. */
  default: 0,
  /** Built-in answers of bail hooks (health-check, the first built-in runtime, preferred-port-fallback's retry): any earlier answer wins. */
  builtin: 100,
  /** Built-in answers tried after the others (the second built-in runtime, asked for `auto` after the first). */
  fallback: 200,
});

/** Shared by every hook: who, with what config, for which command. */
export interface ProjectContext {
  project: ProjectIdentity;
  config: CidxConfig;
  /** The CLI command being run: 'apply', 'status', 'down', … */
  command: string;
  /** Aborted on Ctrl-C or SIGTERM: long waits should stop early. */
  signal: AbortSignal;
  /** Named after the tap it is handed to; the CLI shows its lines without garbling progress, on stderr. */
  logger: Logger;
}

/** `extendConfig`'s context: the config is not validated yet, so there is no project identity. */
export interface ConfigContext {
  /** The config file the object came from. */
  configFile: string;
  /** The project root: the config file's directory. */
  root: string;
  command: string;
  signal: AbortSignal;
  logger: Logger;
}

export interface RuntimeRequest extends ProjectContext {
  /** 'auto', or the name of a runtime a runtime plugin provides. */
  requested: string;
  /**
   * Runtimes that declined this request, in the order asked: a runtime plugin
   * adds its runtime's name when it was probed for `auto` and did not answer,
   * or when another name was asked for. The core's "no runtime" error lists
   * them, so it needs to know no engine. Undefined: nobody is collecting.
   */
  tried?: string[];
}

export interface SpecContext extends ProjectContext {
  service: string;
  serviceConfig: ServiceConfig;
}

export interface ServiceContext extends ProjectContext {
  runtime: ContainerRuntime;
  service: DesiredService;
  /** The container being replaced, if any: its ports are the ones to keep. */
  previous: ObservedContainer | undefined;
}

export interface PortRefusal extends ServiceContext {
  /** The refused host port, when the engine named it. */
  port: number | undefined;
  /** The engine's own words. */
  message: string;
}

export interface HealthRequest extends ProjectContext {
  runtime: ContainerRuntime;
  service: DesiredService;
  container: ObservedContainer;
  /** Published ports, with the host address to reach each one at. */
  ports: PortReport[];
  /** true: retry until healthy or timed out (apply). false: probe once (status). */
  wait: boolean;
}

export interface ReportContext extends ProjectContext {
  runtime: ContainerRuntime;
}

/** A plugin's refusal of a planned step: the step is not executed, and plan and apply say why and who. */
export interface Veto {
  reason: string;
  /** The vetoing tap's name; cidx fills it in. */
  by?: string;
}

/** A planned step as `reviewPlan` sees it: the planner's step, vetoed or not. */
export type ReviewedStep = Step & { veto?: Veto };

export interface PlanContext extends ReportContext {
  desired: DesiredService[];
  observed: ObservedContainer[];
}

export interface DownResult {
  /** Names of the containers removed. */
  containers: string[];
  volumes: string[];
}

export function createHooks() {
  const hooks = Object.freeze({
    /** Waterfall, once per command, over the user's config object before validation: return it with services or defaults added; the result is validated. */
    extendConfig: new AsyncSeriesWaterfallHook<[CidxUserConfig, ConfigContext]>(['config', 'context']),

    /** Series, once per command after validation. Taps may read the config and remember it; they must not mutate it. */
    afterConfigResolved: new AsyncSeriesHook<[ProjectContext]>(['context']),

    /** Bail: which runtime serves this project. Return a ContainerRuntime to claim the request, undefined to pass; throw when asked by name but unusable. */
    resolveRuntime: new AsyncSeriesBailHook<[RuntimeRequest], ContainerRuntime | undefined>(['request']),

    /** Waterfall per service: refine the container spec (labels, env, command). The result is hashed, so changes here count as drift. */
    resolveSpec: new AsyncSeriesWaterfallHook<[ContainerSpec, SpecContext]>(['spec', 'context']),

    /** Waterfall after the planner (plan and apply): return the steps with some vetoed (`veto: { reason }`) or left out; a left-out step of a declared service counts as vetoed. */
    reviewPlan: new AsyncSeriesWaterfallHook<[ReviewedStep[], PlanContext]>(['steps', 'context']),

    /** Series, in apply with the project's lock held, before anything is observed. Throwing stops the apply. */
    beforeApply: new AsyncSeriesHook<[ReportContext]>(['context']),

    /** Waterfall per service before a container is created: the host ports to ask for. Built-ins (stage base) add preferred, then the old container's, then cached ports. */
    requestPorts: new AsyncSeriesWaterfallHook<[PortRequest[], ServiceContext]>(['requests', 'context']),

    /** Bail when the engine refused a host port while creating a container: return revised requests to retry with (up to 8 attempts), or undefined to fail the service. */
    retryPorts: new AsyncSeriesBailHook<[PortRequest[], PortRefusal], PortRequest[] | undefined>(['requests', 'refusal']),

    /** Bail per running service: answer with its health. The first answer wins; with none the service counts as healthy once running. */
    checkHealth: new AsyncSeriesBailHook<[HealthRequest], HealthResult | undefined>(['request']),

    /** Parallel observers of a finished apply or status report (port-cache saves ports here). Must not throw for the report's sake. */
    afterReport: new AsyncParallelHook<[ProjectReport, ReportContext]>(['report', 'context']),

    /** Series after an apply ran to the end, failed services included (the report says which). */
    afterApply: new AsyncSeriesHook<[ProjectReport, ReportContext]>(['report', 'context']),

    /** Series when an apply could not finish (engine gone, interrupted, a tap threw): gets the error, which is then rethrown. */
    applyFailed: new AsyncSeriesHook<[unknown, ReportContext]>(['error', 'context']),

    /** Series before `down` removes the project's containers. Throwing stops the down. */
    beforeDown: new AsyncSeriesHook<[ReportContext]>(['context']),

    /** Series after `down` removed them: what was removed. */
    afterDown: new AsyncSeriesHook<[DownResult, ReportContext]>(['result', 'context']),
  });
  for (const hook of Object.values(hooks)) hook.intercept({ register: (tap) => ({ ...tap, fn: withTapLogger(tap as unknown as Tap, hook as unknown as { _args?: unknown }) }) });
  hooks.reviewPlan.intercept({ register: (tap) => ({ ...tap, fn: withVetoesSigned(tap as unknown as Tap) }) });
  return hooks;
}

export type CidxHooks = ReturnType<typeof createHooks>;

/** Whether any plugin tapped `hook` (tapable's isUsed() counts cidx's own interceptors too). */
export function isTapped(hook: { taps: readonly unknown[] }): boolean {
  return hook.taps.length > 0;
}

/** The hook names of API v1, for the error a v1 plugin meets. */
export const RENAMED_HOOKS: Readonly<Record<string, keyof CidxHooks>> = Object.freeze({
  configResolved: 'afterConfigResolved',
  containerSpec: 'resolveSpec',
  portRefused: 'retryPorts',
  reported: 'afterReport',
});

type Tap = { type: 'sync' | 'async' | 'promise'; name: string; fn: (...args: any[]) => any };

/** Hands the tap its context with `logger` named after it (`logger.child(tap.name)`). */
function withTapLogger(tap: Tap, hook: { _args?: unknown }): Tap['fn'] {
  const arity = Array.isArray(hook._args) ? hook._args.length : 1;
  const { fn } = tap;
  return (...args) => {
    const at = arity - 1; // the context is the last declared argument (a callback may follow)
    const context = args[at] as { logger?: Logger } | undefined;
    if (context && typeof context === 'object' && context.logger) args[at] = { ...context, logger: context.logger.child(tap.name) };
    return fn(...args);
  };
}

/** Signs each new veto with the tap's name, and turns a declared service's step the tap left out into a veto. */
function withVetoesSigned(tap: Tap): Tap['fn'] {
  const { fn } = tap;
  const sign = (before: ReviewedStep[], after: unknown): ReviewedStep[] => {
    if (!Array.isArray(after)) throw new CidxError('PLUGIN_INVALID', `plugin ${tap.name}'s reviewPlan tap returned ${typeof after}, not the list of steps`);
    const signed = after.map((step: ReviewedStep) => {
      if (!before.some((known) => known.service === step?.service && known.op === step.op)) {
        throw new CidxError('PLUGIN_INVALID', `plugin ${tap.name}'s reviewPlan tap returned a step cidx did not plan (${step?.op} ${step?.service})`, {
          hint: 'A reviewPlan tap may veto steps or leave them out; it cannot add or change them.',
        });
      }
      return step.veto && !step.veto.by ? { ...step, veto: { ...step.veto, by: tap.name } } : step;
    });
    const dropped = before.filter((step) => step.op !== 'remove' && !signed.some((kept) => kept.service === step.service && kept.op === step.op));
    return [...signed, ...dropped.map((step) => ({ ...step, veto: step.veto ?? { reason: 'left out of the plan', by: tap.name } }))];
  };
  if (tap.type === 'promise') return (steps: ReviewedStep[], ...rest) => Promise.resolve(fn(steps, ...rest)).then((after) => sign(steps, after));
  if (tap.type === 'async') {
    return (steps: ReviewedStep[], ...rest) => {
      const callback = rest.pop() as (error: unknown, result?: unknown) => void;
      return fn(steps, ...rest, (error: unknown, after: unknown) => {
        if (error) return callback(error);
        try {
          callback(null, sign(steps, after));
        } catch (signError) {
          callback(signError);
        }
      });
    };
  }
  return (steps: ReviewedStep[], ...rest) => sign(steps, fn(steps, ...rest));
}
