/** `cidx logs <service> [--follow] [--tail N]`: passes through to the runtime's own logs command. */
import { CidxError } from '../../core/errors.js';
import { lookupService } from '../../core/operations.js';
import type { CommandContext } from '../context.js';
import { cliSession } from '../session.js';

export async function logs(context: CommandContext): Promise<number> {
  const [serviceName] = context.args;
  if (!serviceName) throw new CidxError('USAGE', 'usage: cidx logs <service> [--follow] [--tail N]');
  const session = await cliSession(context, 'logs');
  const { container } = await lookupService(session, serviceName);
  if (!container) throw new CidxError('SERVICE_EXITED', `${serviceName} has no container on ${session.runtime.name}`, {
      hint: 'Run `cidx apply` first, or pick the runtime it runs on with --runtime.',
    });
  const tail = context.options.tail === undefined ? undefined : Number(context.options.tail);
  if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) throw new CidxError('USAGE', `--tail expects a number of lines, got "${context.options.tail}"`);
  if (session.runtime.capabilities.streamLogs) return session.runtime.streamLogs!(container.id, { follow: context.options.follow === true, tail });
  process.stdout.write(await session.runtime.logs(container.id, tail ?? 100));
  return 0;
}
