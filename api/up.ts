/**
 * `up()` and `down()`: what `cidx apply` and `cidx down` do, as functions a
 * test suite awaits. Same engine, lock, caches, hooks and built-in plugins
 * as the CLI; failures are the CLI's coded errors, thrown instead of printed.
 */
import { CidxError, errorRegistry, isCidxError, type ErrorCode } from '../core/errors.js';
import type { ProjectReport, ServiceReport } from '../core/model.js';
import { applyProject, downProject, type DownResult } from '../core/operations.js';
import { targetSession } from '../core/targets.js';
import { apiSession, type ProjectOptions } from './session.js';
import { createStack, type Stack } from './stack.js';

/** `logger` (from ProjectOptions): plugins' log lines; quiet by default, so a test run's output stays the test runner's. */
export interface UpOptions extends ProjectOptions {
  /**
   * Bring up only these services and what they depend on (`dependsOn`, transitively);
   * the project's other containers are left as they are, never removed.
   * Default: every service of the config.
   */
  services?: string[];
  /**
   * Stops the apply: nothing new is started once the runtime calls in flight
   * return, and `up()` rejects with INTERRUPTED. What did come up stays up.
   * Default: none.
   */
  signal?: AbortSignal;
}

/** `up()` rejected because a service did not come up healthy: the error is that service's, the report the whole apply's. */
export class ServiceFailedError extends CidxError {
  /** The report `cidx apply --json` would have printed. */
  readonly report: ProjectReport;
  /** The service whose error this is (the first to fail, not one skipped because of it). */
  readonly service: string;

  constructor(report: ProjectReport, failed: ServiceReport[]) {
    const first = failed.find((service) => service.action !== 'skipped') ?? failed[0]!;
    const others = failed.filter((service) => service !== first).map((service) => service.name);
    const error = first.error ?? { code: 'HEALTH_TIMEOUT', message: `${first.name} is not healthy: ${first.health?.detail ?? 'no detail'}` };
    const code: ErrorCode = error.code in errorRegistry ? (error.code as ErrorCode) : 'INTERNAL';
    super(code, error.message, {
      ...(error.hint ? { hint: error.hint } : {}),
      details: [...(error.details ?? []), ...(others.length ? [`not healthy either: ${others.join(', ')}`] : [])],
    });
    this.name = 'ServiceFailedError';
    this.report = report;
    this.service = first.name;
  }
}

/**
 * Applies the project, as `cidx apply` does, and resolves once every service
 * is healthy. Rejects with the CLI's coded `CidxError`s: CONFIG_INVALID for a
 * bad config (nothing is created), a `ServiceFailedError` carrying the report
 * when a service fails, INTERRUPTED when `signal` fires. On rejection what did
 * come up stays up, as after a failed `cidx apply`: `down()` removes it.
 */
export async function up(options: UpOptions = {}): Promise<Stack> {
  const signal = options.signal ?? new AbortController().signal;
  try {
    const session = await apiSession(options, 'apply', signal);
    const report = await applyProject(targetSession(session, options.services ?? []));
    signal.throwIfAborted();
    const failed = report.services.filter((service) => service.action !== 'removed' && (service.error || service.healthy === false));
    if (failed.length) throw new ServiceFailedError(report, failed);
    return createStack(session, report);
  } catch (error) {
    // As in the CLI: once interrupted, whatever failed afterwards failed because of the interruption.
    if (!signal.aborted) throw error;
    throw isCidxError(signal.reason)
      ? signal.reason
      : new CidxError('INTERRUPTED', 'up() was aborted before every service was healthy', {
          cause: signal.reason,
          hint: 'Call up() again to finish converging, or down() to remove what came up.',
        });
  }
}

export interface DownOptions extends ProjectOptions {
  /** Remove the project's named volumes too (deletes their data), like `cidx down --volumes`. Default: false. */
  volumes?: boolean;
  /** Stops waiting for another cidx process's lock on the project. Default: none. */
  signal?: AbortSignal;
}

/** `cidx down` for a project found as `up()` finds it: for a teardown that has no stack (its `up()` rejected). */
export async function down(options: DownOptions = {}): Promise<DownResult> {
  const session = await apiSession(options, 'down', options.signal ?? new AbortController().signal);
  return downProject(session, { volumes: options.volumes ?? false });
}
