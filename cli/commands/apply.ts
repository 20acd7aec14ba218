/** `cidx apply [service…]`: converge the project, or only the services named and what they depend on. */
import { CidxError, ExitCode } from '../../core/errors.js';
import { applyProject, type ApplyOptions } from '../../core/operations.js';
import { targetSession } from '../../core/targets.js';
import { parseDuration } from '../../schemas/duration.js';
import { PULL_POLICIES, type PullPolicy } from '../../core/pull.js';
import type { CommandContext } from '../context.js';
import { messages } from '../messages.js';
import { createProgress } from '../progress.js';
import { pullDisplay } from '../pull-display.js';
import { renderReport, reportNotes } from '../report.js';
import type { ProjectReport } from '../../core/model.js';
import type { Session } from '../../core/session.js';
import { cliSession } from '../session.js';

export async function apply(context: CommandContext): Promise<number> {
  return (await applyAndReport(context, process.stdout)).code;
}

/**
 * Apply, its report written to `out`: stdout for `apply`, stderr for `run` (whose stdout is the command's).
 * `targets`: the services named (`run` names none: its arguments are the command). Returns the exit
 * code and the report (whose ports `run` hands its command).
 */
export async function applyAndReport(context: CommandContext, out: NodeJS.WritableStream, opened?: Session, targets = context.args): Promise<{ code: number; report: ProjectReport }> {
  const policy = pullPolicy(context.options.pull);
  const waiting = waitingOf(context);
  const session = targetSession(opened ?? (await cliSession(context, 'apply')), targets);
  const progress = createProgress();
  const report = await applyProject(session, {
    onProgress: (service, phase) => progress.update(service, phase),
    onWait: (pid) => context.log(messages.waitingForLock(pid)),
    rerun: context.options.rerun,
    waiting,
    pull: { policy, ...pullDisplay(progress) },
  }).finally(() => progress.done());
  return { code: reportApplied(context, out, report), report };
}

/** An apply's (or restart's) report on `out`, its notes and vetoes on the log; exit 1 when a service failed. */
export function reportApplied(context: CommandContext, out: NodeJS.WritableStream, report: ProjectReport): number {
  context.signal.throwIfAborted();
  out.write(context.options.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderReport(report, true)}\n`);
  for (const line of reportNotes(report)) context.log(line);
  // A vetoed step that kept a container is no failure, but must not go unseen.
  for (const service of report.services) if (service.veto && !service.error) context.log(messages.vetoed(service.name, service.reason ?? ''));
  const failed = report.services.filter((service) => service.action !== 'removed' && (service.error || service.healthy === false));
  if (failed.length) {
    context.log(messages.applyFailed(failed.length));
    return ExitCode.failure;
  }
  return ExitCode.ok;
}

/** `--pull missing|always|never`; default missing. */
export function pullPolicy(value: string | undefined): PullPolicy {
  if (value === undefined) return 'missing';
  if ((PULL_POLICIES as readonly string[]).includes(value)) return value as PullPolicy;
  throw new CidxError('USAGE', `--pull expects ${PULL_POLICIES.join(', ')}, got "${value}"`);
}

/** `--no-wait` and `--wait-timeout 2m`, checked before anything is loaded. */
export function waitingOf(context: CommandContext): ApplyOptions['waiting'] {
  const { noWait, waitTimeout } = context.options;
  if (noWait && waitTimeout !== undefined) throw new CidxError('USAGE', '--no-wait and --wait-timeout exclude each other', { hint: 'Pass one of them.' });
  if (noWait) return { skip: true };
  if (waitTimeout === undefined) return undefined;
  const timeoutMs = parseDuration(waitTimeout);
  if (timeoutMs === undefined || timeoutMs <= 0) {
    throw new CidxError('USAGE', `--wait-timeout expects a duration such as 90s, 2m or 500ms, got "${waitTimeout}"`);
  }
  return { timeoutMs };
}
