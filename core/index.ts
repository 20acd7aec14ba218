/**
 * cidx's public API: what configs, embedders and third-party plugins import.
 *
 *   import { defineConfig, definePlugin } from 'cidx';
 */
export { defineConfig, definePlugin } from './define.js';

export type { CidxUserConfig, CidxConfig, ServiceConfig, UserServiceConfig, ServiceSections, HealthConfig } from '../schemas/config.js';
export type { SectionSchema } from './plugin.js';
export { configSchema, DEFAULTS } from '../schemas/config.js';
export type { CidxPlugin } from './plugin.js';
export {
  createHooks,
  STAGE,
  RENAMED_HOOKS,
  type CidxHooks,
  type ConfigContext,
  type PlanContext,
  type ReviewedStep,
  type Veto,
  type ProjectContext,
  type RuntimeRequest,
  type SpecContext,
  type ServiceContext,
  type PortRefusal,
  type HealthRequest,
  type ReportContext,
} from './hooks.js';
export type * from './model.js';
export { createLogger, quietLogger, type Logger, type LogLevel, type LogSink } from './logger.js';
export { type ContainerRuntime, type RuntimeCapabilities, type ExecOptions, type ExecResult, type RuntimeDescription, type StreamLogsOptions, type VolumeInfo, PortRefusedError, NameConflictError } from './runtime.js';
export { CidxError, isCidxError, hasCode, errorRegistry, ExitCode, type ErrorCode } from './errors.js';
export { loadConfig, type LoadedConfig } from './config/load.js';
export { validateConfig } from './config/validate.js';
export { openProjectSession, openSession, requestedRuntime, type ProjectSession, type Session, type SessionOptions } from './session.js';
export { applyProject, planProject, statusProject, downProject, type ProjectPlan, type DownResult } from './operations.js';
export { plan, type Step, type StepOp } from './reconcile/plan.js';
export { pickBinding, reachableHost } from './reconcile/report.js';
export { endpointFromUri, endpointKey, runtimeEndpoint, isLoopback, type EngineEndpoint } from './engine-endpoint.js';
export { LABELS, containerName, volumeName, projectId } from './project.js';
export { cacheDir } from './state-dirs.js';
export { parseDuration, formatDuration } from '../schemas/duration.js';
