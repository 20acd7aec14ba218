/**
 * What shell completion offers, read from the command declarations
 * (cli/commands/index.ts): each command's options, and what its positional
 * arguments are by their declared names (`service` → the config's service
 * names, `port` → that service's port names, `shell` → bash, zsh, fish).
 * Only the fixed option values are listed here.
 */
import { COMMANDS, findCommand } from './commands/index.js';
import { LEADING_OPTIONS, type OptionSpec } from './options.js';

export type ArgKind = 'service' | 'services' | 'port' | 'command' | { values: readonly string[] } | undefined;

const spellings = (options: Record<string, OptionSpec>) =>
  Object.entries(options).flatMap(([name, option]) => [`--${name}`, ...(option.short ? [`-${option.short}`] : [])]);

/** Every command name and alias, for the first word; hidden commands are not offered. */
export function commandNames(): string[] {
  return Object.entries(COMMANDS)
    .filter(([, spec]) => !spec.hidden)
    .flatMap(([name, spec]) => [name, ...(spec.aliases ?? [])])
    .concat('help');
}

/** The options a command takes (before a command: the leading ones, help and version). */
export function optionSpellings(command: string | undefined): string[] {
  const found = command === undefined ? undefined : findCommand(command);
  if (!found) return [...spellings(LEADING_OPTIONS), '--help', '-h', '--version', '-V'];
  return spellings(found.spec.options);
}

/** Whether `spelling` takes a value (its next word is not a positional), for `command` or before any. */
export function takesValue(spelling: string, command: string | undefined): boolean {
  const found = command === undefined ? undefined : findCommand(command);
  const options = found ? found.spec.options : LEADING_OPTIONS;
  return Object.entries(options).some(([name, option]) => option.type === 'string' && (spelling === `--${name}` || spelling === `-${option.short}`));
}

/** What the positional argument at `index` of `command` is; undefined: nothing to offer (a command line follows, or none is taken). */
export function argKind(command: string, index: number): ArgKind {
  if (command === 'help') return index === 0 ? 'command' : undefined;
  const found = findCommand(command);
  if (!found) return undefined;
  const { args } = found.spec;
  const arg = args[index] ?? (args.at(-1)?.variadic ? args.at(-1) : undefined);
  if (!arg) return undefined;
  if (arg.name === 'service') return arg.variadic ? 'services' : 'service';
  if (arg.name === 'port') return 'port';
  if (arg.name === 'shell') return { values: ['bash', 'zsh', 'fish'] };
  return undefined;
}

/** Options whose value is a fixed list; `--format`'s depends on the command. */
export function optionValues(option: string, command: string | undefined): readonly string[] | undefined {
  switch (option) {
    case '--runtime':
      return ['auto', 'docker', 'podman'];
    case '--pull':
      return ['missing', 'always', 'never'];
    case '--format':
      return findCommand(command ?? '')?.name === 'config' ? ['json', 'ts'] : ['dotenv', 'shell', 'json'];
    default:
      return undefined;
  }
}
