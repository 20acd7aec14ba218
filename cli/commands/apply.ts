/** `cidx apply [service…]`: converge the project, or only the services named and what they depend on. */
import { CidxError, ExitCode } from '../../core/errors.js';
import { applyProject, type ApplyOptions } from '../../core/operations.js';
import { targetSession } from '../../core/targets.js';
import { parseDuration } from '../../schemas/duration.js';
import type { CommandContext } from '../context.js';
import { messages } from '../messages.js';
import { createProgress } from '../progress.js';
import { renderReport, reportNotes } from '../report.js';
import { cliSession } from '../session.js';

export async function apply(context: CommandContext): Promise<number> {
  const waiting = waitingOf(context);
  const session = targetSession(await cliSession(context, 'apply'), context.args);
  const progress = createProgress();
  const report = await applyProject(session, {
    onProgress: (service, phase) => progress.update(service, phase),
    onWait: (pid) => context.log(messages.waitingForLock(pid)),
    rerun: context.options.rerun,
    waiting,
  }).finally(() => progress.done());
  context.signal.throwIfAborted();
  process.stdout.write(context.options.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderReport(report, true)}\n`);
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
