/** `cidx restart [service…]`: stop and start existing containers, then wait for health like apply. */
import { ExitCode } from '../../core/errors.js';
import { restartProject } from '../../core/operations.js';
import { targetSession } from '../../core/targets.js';
import type { CommandContext } from '../context.js';
import { messages } from '../messages.js';
import { createProgress } from '../progress.js';
import { renderReport, reportNotes } from '../report.js';
import { cliSession } from '../session.js';

export async function restart(context: CommandContext): Promise<number> {
  // Only the services named: their dependencies keep running as they are.
  const session = targetSession(await cliSession(context, 'restart'), context.args, { withDependencies: false });
  const progress = createProgress();
  const report = await restartProject(session, {
    onProgress: (service, phase) => progress.update(service, phase),
    onWait: (pid) => context.log(messages.waitingForLock(pid)),
  }).finally(() => progress.done());
  context.signal.throwIfAborted();
  process.stdout.write(context.options.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderReport(report, true)}\n`);
  for (const line of reportNotes(report)) context.log(line);
  const failed = report.services.filter((service) => service.error || service.healthy === false);
  if (failed.length) {
    context.log(messages.applyFailed(failed.length));
    return ExitCode.failure;
  }
  return ExitCode.ok;
}
