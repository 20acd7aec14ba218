/** Opens a core session with the built-in plugins: the one place the CLI wires plugins into the core. */
import { createLogger, formatLogLine, type Logger } from '../core/logger.js';
import { openProjectSession, openSession, type ProjectSession, type Session, type SessionOptions } from '../core/session.js';
import { builtinPlugins } from '../plugins/index.js';
import type { CommandContext } from './context.js';
import { logLine } from './progress.js';
import { styler } from './style.js';

type Extra = Pick<SessionOptions, 'allowMissingConfig' | 'ignoreConfig'>;

export async function cliSession(context: CommandContext, command: string, extra: Extra = {}): Promise<Session> {
  return withWarningsLogged(context, await openSession(sessionOptions(context, command, extra)));
}

/** Without choosing a runtime: for `doctor`, which must report when none answers rather than stop. */
export async function cliProjectSession(context: CommandContext, command: string, extra: Extra = {}): Promise<ProjectSession> {
  return withWarningsLogged(context, await openProjectSession(sessionOptions(context, command, extra)));
}

function sessionOptions(context: CommandContext, command: string, extra: Extra): SessionOptions {
  return {
    ...extra,
    command,
    plugins: builtinPlugins(),
    configFile: context.options.config,
    runtime: context.options.runtime,
    profiles: context.options.profile,
    signal: context.signal,
    logger: cliLogger(context.options.debug === true),
  };
}

/**
 * Plugins' log lines on stderr, through the progress renderer: `--json`
 * output on stdout stays clean, and a live progress display stays intact.
 * Debug lines only with `--debug`.
 */
export function cliLogger(debug: boolean): Logger {
  const err = styler(process.stderr);
  const colour = { debug: 'dim', info: undefined, warn: 'yellow', error: 'red' } as const;
  return createLogger((level, message, name) => {
    if (level === 'debug' && !debug) return;
    const line = formatLogLine(level, message, name);
    const style = colour[level];
    logLine(style ? err(style, line) : line);
  });
}

function withWarningsLogged<T extends ProjectSession>(context: CommandContext, session: T): T {
  const err = styler(process.stderr);
  for (const warning of session.warnings) context.log(err('yellow', `warning: ${warning}`));
  return session;
}
