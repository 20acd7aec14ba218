/**
 * `cidx logs [service…] [-f] [--tail N] [--since T] [-t]`: the logs of the
 * services named, or of all, through the runtime's own logs command, each
 * line prefixed `service | ` (coloured per service on a terminal, as compose
 * does) and interleaved as they arrive.
 */
import { CidxError, ExitCode } from '../../core/errors.js';
import { observePorts } from '../../core/operations.js';
import { targetSession } from '../../core/targets.js';
import type { CommandContext } from '../context.js';
import { styler, type Style } from '../style.js';
import { cliSession } from '../session.js';

/** Colours given to services in turn; red is left for errors. */
const COLOURS: Style[] = ['cyan', 'yellow', 'green', 'magenta', 'blue'];
/** Without streaming (a runtime that only returns the last lines): this many per service. */
const DEFAULT_TAIL = 100;

export async function logs(context: CommandContext): Promise<number> {
  const { follow, since, timestamps } = context.options;
  const tail = context.options.tail === undefined ? undefined : Number(context.options.tail);
  if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) throw new CidxError('USAGE', `--tail expects a number of lines, got "${context.options.tail}"`);
  const session = targetSession(await cliSession(context, 'logs'), context.args, { withDependencies: false });
  const found = await observePorts(session);
  const running = found.filter((entry) => entry.container);
  const missing = found.filter((entry) => !entry.container).map((entry) => entry.service.name);
  // A service named without a container is an error; among all services, one not created yet is simply left out.
  if ((context.args.length && missing.length) || running.length === 0) {
    const names = context.args.length ? missing : found.map((entry) => entry.service.name);
    throw new CidxError('SERVICE_EXITED', `${names.join(', ') || 'no service'} ${names.length === 1 ? 'has' : 'have'} no container on ${session.runtime.name}`, {
      hint: 'Run `cidx apply` first, or pick the runtime it runs on with --runtime.',
    });
  }
  const out = styler(process.stdout);
  const width = Math.max(...running.map((entry) => entry.service.name.length));
  const prefixes = new Map(found.map((entry, index) => [entry.service.name, `${out(COLOURS[index % COLOURS.length]!, `${entry.service.name.padEnd(width)} |`)} `]));
  const write = (service: string, line: string) => process.stdout.write(`${prefixes.get(service)}${line}\n`);

  if (!session.runtime.capabilities.streamLogs) {
    if (follow || since !== undefined || timestamps) throw new CidxError('USAGE', `${session.runtime.name} cannot stream logs: --follow, --since and --timestamps need it`);
    for (const { service, container } of running) {
      for (const line of (await session.runtime.logs(container!.id, tail ?? DEFAULT_TAIL)).split('\n').filter(Boolean)) write(service.name, line);
    }
    return ExitCode.ok;
  }
  const codes = await Promise.all(
    running.map(({ service, container }) =>
      session.runtime.streamLogs!(container!.id, {
        follow: follow === true,
        tail,
        ...(typeof since === 'string' ? { since } : {}),
        ...(timestamps ? { timestamps: true } : {}),
        signal: context.signal,
        onLine: (line) => write(service.name, line),
      }),
    ),
  );
  return codes.every((code) => code === 0) ? ExitCode.ok : ExitCode.failure;
}
