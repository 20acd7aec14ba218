/** `cidx restart [service…]`: stop and start existing containers, then wait for health like apply. */
import { restartProject } from '../../core/operations.js';
import { targetSession } from '../../core/targets.js';
import type { CommandContext } from '../context.js';
import { messages } from '../messages.js';
import { createProgress } from '../progress.js';
import { reportApplied } from './apply.js';
import { cliSession } from '../session.js';

export async function restart(context: CommandContext): Promise<number> {
  // Only the services named: their dependencies keep running as they are.
  const session = targetSession(await cliSession(context, 'restart'), context.args, { withDependencies: false });
  const progress = createProgress();
  const report = await restartProject(session, {
    onProgress: (service, phase) => progress.update(service, phase),
    onWait: (pid) => context.log(messages.waitingForLock(pid)),
  }).finally(() => progress.done());
  return reportApplied(context, process.stdout, report);
}
