/**
 * The logger every hook context carries. Plugins log through it instead of
 * writing to stderr themselves: the CLI routes it through the progress
 * renderer (a line written behind the renderer's back garbles the live
 * redraw), and the programmatic API keeps it quiet unless given one.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** The same sink, with `name` added to the prefix: `[my-plugin] message`. */
  child(name: string): Logger;
}

/** Where log lines end up: `name` is the chain of child names, empty for cidx's own lines. */
export type LogSink = (level: LogLevel, message: string, name: string[]) => void;

export function createLogger(sink: LogSink, name: string[] = []): Logger {
  const at = (level: LogLevel) => (message: string) => sink(level, String(message), name);
  return Object.freeze({
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (child: string) => createLogger(sink, [...name, child]),
  });
}

/** Drops every line: the programmatic API's default, where stderr belongs to the embedding program. */
export const quietLogger: Logger = createLogger(() => undefined);

/** `[a/b] message`: the prefix a plain-text sink puts before a named logger's line. */
export function formatLogLine(level: LogLevel, message: string, name: string[]): string {
  const prefix = name.length ? `[${name.join('/')}] ` : '';
  return `${level === 'info' ? '' : `${level}: `}${prefix}${message}`;
}
