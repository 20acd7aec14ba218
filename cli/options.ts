/**
 * The shape in which every command declares what it accepts: its options and
 * positional arguments. One declaration serves the parser (cli/parse.ts), the
 * per-command help (cli/usage.ts), the launcher (cli/launch.ts, which needs
 * the options that take a value) and shell completion. A command accepts
 * exactly what it declares: anything else is a usage error, never ignored.
 */
import type { CommandContext } from './context.js';

export type Command = (context: CommandContext) => Promise<number>;

export interface OptionSpec {
  /** A boolean flag, or an option taking one value (`--tail 20`, `--tail=20`). */
  type: 'boolean' | 'string';
  /** One-letter spelling, without the dash: 'c' for `-c`. */
  short?: string;
  /** Name of the value in help text: `--tail <n>`. Default: 'value'. */
  value?: string;
  /** Repeatable: the values collect into an array (`-e A=1 -e B=2`). Default: false. */
  multiple?: boolean;
  /** One line for help text. */
  description: string;
}

export interface ArgSpec {
  /** Name in help text: `service`. */
  name: string;
  /** Takes every remaining argument (`[service…]`). Default: false. */
  variadic?: boolean;
  /** Missing → usage error. Default: false. */
  required?: boolean;
  /**
   * From this argument on everything is taken as written, options too: the
   * command of `exec svc ls -la`. Default: false.
   */
  verbatim?: boolean;
}

export interface CommandSpec {
  /** One line for the command list of `cidx --help`. */
  summary: string;
  args: ArgSpec[];
  options: Record<string, OptionSpec>;
  /** Other names that run this command: compose's `up` for `apply`. Default: none. */
  aliases?: string[];
  /**
   * Spellings another tool's users type that mean something else here (or
   * nothing): refused with what to type instead, e.g. apply's `-f` → `-c`.
   */
  refuse?: Record<string, string>;
  /** Left out of `cidx --help` (a legacy command that only explains itself). Default: false. */
  hidden?: boolean;
  /** Imports the command's module: heavy code loads only for the command that runs. */
  load: () => Promise<Command>;
}

/** Every command reads these: `-h` for its help, `--debug` for stack traces. */
export const HELP_OPTIONS = {
  help: { type: 'boolean', short: 'h', description: 'show this help' },
  debug: { type: 'boolean', description: 'show stack traces (env CIDX_DEBUG=1)' },
} as const satisfies Record<string, OptionSpec>;

/** Which config and which engine: every command that works on a project. */
export const PROJECT_OPTIONS = {
  config: { type: 'string', short: 'c', value: 'file', description: 'config file (default: cidx.config.ts, searched upwards)' },
  runtime: { type: 'string', value: 'name', description: "docker | podman | auto (default: the config's runtime; env CIDX_RUNTIME)" },
} as const satisfies Record<string, OptionSpec>;

export const JSON_OPTION = {
  json: { type: 'boolean', description: 'machine-readable output on stdout' },
} as const satisfies Record<string, OptionSpec>;

/** Options that may come before the command word (`cidx -c other.ts apply`): the project options and --debug. */
export const LEADING_OPTIONS: Record<string, OptionSpec> = { ...PROJECT_OPTIONS, debug: HELP_OPTIONS.debug };

/** `dry-run` → `dryRun`: the key a command reads in `context.options`. */
export function optionKey(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
