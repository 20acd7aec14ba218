/** Opens a core session with the built-in plugins: the one place the CLI wires plugins into the core. */
import { openSession, type Session, type SessionOptions } from '../core/session.js';
import { builtinPlugins } from '../plugins/index.js';
import type { CommandContext } from './main.js';
import { styler } from './style.js';

export async function cliSession(context: CommandContext, command: string, extra: Pick<SessionOptions, 'allowMissingConfig' | 'ignoreConfig'> = {}): Promise<Session> {
  const session = await openSession({
    ...extra,
    command,
    plugins: builtinPlugins(),
    configFile: context.options.config,
    runtime: context.options.runtime,
    signal: context.signal,
  });
  const err = styler(process.stderr);
  for (const warning of session.warnings) context.log(err('yellow', `warning: ${warning}`));
  return session;
}
