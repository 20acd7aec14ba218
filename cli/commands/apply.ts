import { ExitCode } from '../../core/errors.js';
import { applyProject } from '../../core/operations.js';
import type { CommandContext } from '../context.js';
import { messages } from '../messages.js';
import { createProgress } from '../progress.js';
import { renderReport, reportNotes } from '../report.js';
import { cliSession } from '../session.js';

export async function apply(context: CommandContext): Promise<number> {
  const session = await cliSession(context, 'apply');
  const progress = createProgress();
  const report = await applyProject(session, {
    onProgress: (service, phase) => progress.update(service, phase),
    onWait: (pid) => context.log(messages.waitingForLock(pid)),
    rerun: context.options.rerun,
  });
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
