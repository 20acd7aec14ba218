/** `cidx down [service…] [-v]`: remove containers (all, or the services named); named volumes only with --volumes. */
import { ExitCode } from '../../core/errors.js';
import { downProject } from '../../core/operations.js';
import type { CommandContext } from '../context.js';
import { messages } from '../messages.js';
import { cliSession } from '../session.js';

export async function down(context: CommandContext): Promise<number> {
  const session = await cliSession(context, 'down');
  // Under the project's lock, like apply: a down never pulls containers out from under a running apply.
  const result = await downProject(session, { volumes: context.options.volumes === true, services: context.args, onWait: (pid) => context.log(messages.waitingForLock(pid)) });
  if (context.options.json) {
    process.stdout.write(`${JSON.stringify({ project: session.project, runtime: session.runtime.name, removed: result }, null, 2)}\n`);
  } else if (result.containers.length === 0 && result.volumes.length === 0) {
    process.stdout.write(`${messages.nothingToRemove}\n`);
  } else {
    process.stdout.write(`${messages.downDone(result.containers.length, result.volumes.length, !context.options.volumes)}\n`);
  }
  return ExitCode.ok;
}
