/**
 * `cidx exec [-u user] [-e K=V|-e K] [-w dir] SVC [--] CMD…`: runs CMD in the
 * service's running container, attached to this terminal, and exits with
 * CMD's exit code. Container names carry the project's hash, so this is the
 * lookup `docker exec` would need first.
 *
 * A TTY when stdin is one (an interactive shell works), none under CI or when
 * stdin is a pipe or file (output stays byte-exact for scripts).
 */
import { CidxError } from '../../core/errors.js';
import { lookupService } from '../../core/operations.js';
import { whileChildRuns } from '../child-signals.js';
import { isCI } from '../progress.js';
import type { CommandContext } from '../context.js';
import { cliSession } from '../session.js';

const USAGE = 'usage: cidx exec [-u user] [-e K=V] [-w dir] <service> [--] <command> [args…]';

export async function exec(context: CommandContext): Promise<number> {
  const [serviceName, ...rest] = context.args;
  // `cidx exec qdrant -- sh`: the parser keeps everything after the service as written, `--` included.
  const command = rest[0] === '--' ? rest.slice(1) : rest;
  if (!serviceName) throw new CidxError('USAGE', USAGE);
  if (command.length === 0) throw new CidxError('USAGE', `${USAGE}\nno command given for ${serviceName}`, { hint: `e.g. cidx exec ${serviceName} -- sh` });
  const env = execEnv(context.options.env ?? [], process.env);
  const session = await cliSession(context, 'exec');
  const { runtime } = session;
  if (!runtime.capabilities.interactiveExec || !runtime.execInteractive) {
    throw new CidxError('USAGE', `the ${runtime.name} runtime cannot run commands attached to a terminal`, { hint: 'Use a runtime that can (docker, podman) with --runtime.' });
  }
  const { container } = await lookupService(session, serviceName);
  if (!container || container.state !== 'running') {
    throw new CidxError('SERVICE_EXITED', `${serviceName} is not running on ${runtime.name}${container ? ` (${container.state})` : ''}`, {
      hint: 'Run `cidx apply` first, or pick the runtime it runs on with --runtime.',
    });
  }
  const tty = Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY) && !isCI();
  const options = {
    tty,
    env,
    ...(context.options.user !== undefined ? { user: context.options.user } : {}),
    ...(context.options.workdir !== undefined ? { workdir: context.options.workdir } : {}),
  };
  // The terminal's Ctrl-C reaches the engine's client as well; a signal sent to cidx alone is ignored
  // here and the command's own ending decides the exit code.
  return whileChildRuns(() => undefined, () => runtime.execInteractive!(container.id, command, options));
}

/**
 * `-e K=V` as given; `-e K` takes the caller's value (and is left out when the
 * caller has none, as `docker exec` does).
 */
export function execEnv(entries: string[], callerEnv: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const name = at === -1 ? entry : entry.slice(0, at);
    if (!name || name.includes('\0')) throw new CidxError('USAGE', `-e expects NAME=value or NAME, got "${at === -1 ? entry : `${name}=…`}"`);
    if (at !== -1) env[name] = entry.slice(at + 1);
    else if (callerEnv[name] !== undefined) env[name] = callerEnv[name]!;
  }
  return env;
}
