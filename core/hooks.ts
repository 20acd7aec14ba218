/**
 * Every hook of cidx's lifecycle, declared once. This object is the public
 * plugin API: built-in plugins (plugins/) and third-party ones tap the same
 * hooks with the same types. Order taps with `stage`, never by registration.
 *
 * Lifecycle of `cidx apply`:
 *   configResolved → resolveRuntime → containerSpec (per service) → observe →
 *   plan → per service, in dependency order: requestPorts → run
 *   (→ portRefused → run …) → checkHealth → reported
 */
import { AsyncParallelHook, AsyncSeriesBailHook, AsyncSeriesHook, AsyncSeriesWaterfallHook } from 'tapable';
import type { CidxConfig, ServiceConfig } from '../schemas/config.js';
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
import type { ContainerRuntime } from './runtime.js';

/** Shared by every hook: who, with what config, for which command. */
export interface ProjectContext {
  project: ProjectIdentity;
  config: CidxConfig;
  /** The CLI command being run: 'apply', 'status', 'down', … */
  command: string;
  /** Aborted on Ctrl-C or SIGTERM: long waits should stop early. */
  signal: AbortSignal;
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

export function createHooks() {
  return Object.freeze({
    /** Series, once per command after validation. Taps may read the config and remember it; they must not mutate it. */
    configResolved: new AsyncSeriesHook<[ProjectContext]>(['context']),

    /** Bail: which runtime serves this project. Return a ContainerRuntime to claim the request, undefined to pass; throw when asked by name but unusable. */
    resolveRuntime: new AsyncSeriesBailHook<[RuntimeRequest], ContainerRuntime | undefined>(['request']),

    /** Waterfall per service: refine the container spec (labels, env, command). The result is hashed, so changes here count as drift. */
    containerSpec: new AsyncSeriesWaterfallHook<[ContainerSpec, SpecContext]>(['spec', 'context']),

    /** Waterfall per service before a container is created: the host ports to ask for. port-cache adds last known ports (stage -10), preferred-port-fallback puts configured ones first (stage 0). */
    requestPorts: new AsyncSeriesWaterfallHook<[PortRequest[], ServiceContext]>(['requests', 'context']),

    /** Bail when the engine refused a host port: return revised requests to retry with, or undefined to fail the service. */
    portRefused: new AsyncSeriesBailHook<[PortRequest[], PortRefusal], PortRequest[] | undefined>(['requests', 'refusal']),

    /** Bail per running service: answer with its health. The first answer wins; with none the service counts as healthy once running. */
    checkHealth: new AsyncSeriesBailHook<[HealthRequest], HealthResult | undefined>(['request']),

    /** Parallel observers of a finished apply or status report (port-cache saves ports here). Must not throw for the report's sake. */
    reported: new AsyncParallelHook<[ProjectReport, ReportContext]>(['report', 'context']),

    /** Series before `down` removes the project's containers. */
    beforeDown: new AsyncSeriesHook<[ReportContext]>(['context']),
  });
}

export type CidxHooks = ReturnType<typeof createHooks>;
