/** Help text generated from the command declarations, with the prose from cli/messages.ts. */
import { COMMANDS } from './commands/index.js';
import { messages } from './messages.js';
import type { CommandSpec, OptionSpec } from './options.js';

/** `cidx down [service…] [options]` */
export function usageLine(name: string, spec: CommandSpec): string {
  const args = spec.args.map((arg) => {
    const text = `<${arg.name}>${arg.variadic || arg.verbatim ? '…' : ''}`;
    return arg.required ? text : `[${text}]`;
  });
  return `usage: cidx ${[name, ...args, '[options]'].join(' ')}`;
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  // The command's own options first; -h and --debug, which every command has, last.
  const common = (name: string) => (name === 'help' || name === 'debug' ? 1 : 0);
  const entries = Object.entries(options).sort(([a], [b]) => common(a) - common(b));
  const rows = entries.map(([name, option]) => {
    const spelling = `${option.short ? `-${option.short}, ` : '    '}--${name}${option.type === 'string' ? ` <${option.value ?? 'value'}>` : ''}`;
    return [spelling, option.description + (option.multiple ? ' (repeatable)' : '')] as const;
  });
  const width = Math.max(...rows.map(([spelling]) => spelling.length));
  return rows.map(([spelling, description]) => `  ${spelling.padEnd(width)}  ${description}`);
}

/** `cidx <command> --help`. */
export function commandHelp(name: string): string {
  const spec = COMMANDS[name]!;
  const prose = Object.hasOwn(messages.commandHelp, name) ? messages.commandHelp[name] : spec.summary;
  const aliases = spec.aliases?.length ? `\nAlias: ${spec.aliases.map((alias) => `cidx ${alias}`).join(', ')}\n` : '';
  return `${usageLine(name, spec).replace(/^usage/, 'Usage')}\n\n${prose}\n${aliases}\nOptions:\n${optionLines(spec.options).join('\n')}`;
}

/** `cidx --help`: every command with its one-line summary. */
export function overview(): string {
  const rows = Object.entries(COMMANDS)
    .filter(([, spec]) => !spec.hidden)
    .map(([name, spec]) => [`${name}${spec.aliases?.length ? ` (${spec.aliases.join(', ')})` : ''}`, spec.summary] as const);
  const width = Math.max(...rows.map(([name]) => name.length));
  const commands = rows.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`).join('\n');
  return messages.usage(commands);
}
