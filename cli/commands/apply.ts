import { CidxError, ExitCode } from '../../core/errors.js';
import { applyProject } from '../../core/operations.js';
import { PULL_POLICIES, type PullPolicy } from '../../core/pull.js';
import type { CommandContext } from '../context.js';
import { messages } from '../messages.js';
import { createProgress } from '../progress.js';
import { pullDisplay } from '../pull-display.js';
import { renderReport, reportNotes } from '../report.js';
import type { Session } from '../../core/session.js';
import { cliSession } from '../session.js';

export async function apply(context: CommandContext): Promise<number> {
  return applyAndReport(context, process.stdout);
}

/** Apply, its report written to `out`: stdout for `apply`, stderr for `run` (whose stdout is the command's). */
export async function applyAndReport(context: CommandContext, out: NodeJS.WritableStream, opened?: Session): Promise<number> {
  const policy = pullPolicy(context.options.pull);
  const session = opened ?? (await cliSession(context, 'apply'));
  const progress = createProgress();
  const report = await applyProject(session, {
    onProgress: (service, phase) => progress.update(service, phase),
    onWait: (pid) => context.log(messages.waitingForLock(pid)),
    pull: { policy, ...pullDisplay(progress) },
  });
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
