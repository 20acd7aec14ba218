/**
 * Strict command-line parsing against each command's declaration
 * (cli/commands/index.ts). An unknown option, an option of another command,
 * a missing value or an extra argument is a usage error (exit 2) with the
 * command's usage line and a did-you-mean; nothing typed is ever ignored.
 *
 * Before the command word only the version, help, and the project options
 * (`cidx -c other.ts apply`) are accepted; those are then checked against
 * the command like any other option. `-v`/`-V`/`--version` print the version
 * only there: after a command, `-v` is whatever that command declares
 * (`down -v` is `--volumes`), or an error.
 */
import { CidxError } from '../core/errors.js';
import { didYouMean } from '../schemas/did-you-mean.js';
import { COMMANDS, findCommand } from './commands/index.js';
import { LEADING_OPTIONS, optionKey, type CommandSpec, type OptionSpec } from './options.js';
import { usageLine } from './usage.js';

export type ParsedLine =
  | { kind: 'version' }
  /** `cidx --help`, `cidx help [command]`, `cidx <command> --help`; no command: the overview. */
  | { kind: 'help'; command?: string }
  /** `cidx` alone: the overview, exit 2. */
  | { kind: 'none' }
  | { kind: 'run'; command: string; spec: CommandSpec; options: Record<string, string | boolean | string[]>; args: string[] };

const VERSION = new Set(['-v', '-V', '--version']);
const HELP = new Set(['-h', '--help']);

export function parseCommandLine(argv: string[]): ParsedLine {
  const leading: string[] = [];
  let index = 0;
  let help = false;
  for (; index < argv.length; index++) {
    const arg = argv[index]!;
    if (!arg.startsWith('-') || arg === '-') break;
    if (VERSION.has(arg)) return { kind: 'version' };
    if (HELP.has(arg)) {
      help = true;
      continue;
    }
    const option = findOption(LEADING_OPTIONS, arg);
    if (!option) throw usageError(undefined, `unknown option ${arg.split('=')[0]}`, suggestOption(arg, LEADING_OPTIONS, ['--help', '--version']));
    leading.push(arg);
    // `-c file`, `--config file`: the value is the next word (not in `--config=file` or `-cfile`).
    const separate = arg === `--${option.name}` || (option.short !== undefined && arg === `-${option.short}`);
    if (option.type === 'string' && separate && index + 1 < argv.length) leading.push(argv[++index]!);
  }
  const word = argv[index];
  if (word === undefined) return help ? { kind: 'help' } : { kind: 'none' };
  if (word === 'help') {
    const topic = argv[index + 1];
    if (argv.length > index + 2) throw usageError(undefined, `unexpected argument "${argv[index + 2]}"`, 'usage: cidx help [command]');
    if (topic === undefined) return { kind: 'help' };
    return { kind: 'help', command: commandNamed(topic).name };
  }
  const { name, spec } = commandNamed(word);
  const parsed = parseFor(name, spec, [...leading, ...argv.slice(index + 1)]);
  if (help || parsed.options.help === true) return { kind: 'help', command: name };
  return { kind: 'run', command: name, spec, ...parsed };
}

function commandNamed(word: string): { name: string; spec: CommandSpec } {
  const found = findCommand(word);
  if (found) return found;
  const known = Object.entries(COMMANDS).filter(([, spec]) => !spec.hidden).flatMap(([name, spec]) => [name, ...(spec.aliases ?? [])]);
  throw new CidxError('USAGE', `unknown command "${word}"`, { hint: `${didYouMean(word, known) ?? ''} Run \`cidx --help\` for the commands.`.trim() });
}

/** Parses the words after the command against its declaration. */
export function parseFor(name: string, spec: CommandSpec, words: string[]): { options: Record<string, string | boolean | string[]>; args: string[] } {
  const options: Record<string, string | boolean | string[]> = {};
  const args: string[] = [];
  const set = (option: NamedOption, value: string | true) => {
    const key = optionKey(option.name);
    if (option.multiple) options[key] = [...((options[key] as string[] | undefined) ?? []), value as string];
    else options[key] = value;
  };
  let verbatim = false;
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    if (verbatim) {
      args.push(word);
      continue;
    }
    if (word === '--') {
      args.push(...words.slice(index + 1));
      break;
    }
    if (!word.startsWith('-') || word === '-' || /^-\d/.test(word)) {
      args.push(word);
      verbatim = spec.args[Math.min(args.length - 1, spec.args.length - 1)]?.verbatim === true;
      continue;
    }
    const spelling = word.split('=')[0]!;
    if (spec.refuse && Object.hasOwn(spec.refuse, spelling)) throw usageError(name, `${spelling} is not an option of ${name}`, spec.refuse[spelling]);
    if (word.startsWith('--')) {
      const option = findOption(spec.options, spelling);
      if (!option) throw usageError(name, `unknown option ${spelling}`, suggestOption(spelling, spec.options));
      const inline = word.includes('=') ? word.slice(word.indexOf('=') + 1) : undefined;
      if (option.type === 'boolean') {
        if (inline !== undefined) throw usageError(name, `${spelling} takes no value`);
        set(option, true);
      } else {
        const value = inline ?? words[++index];
        if (value === undefined) throw usageError(name, `${spelling} needs a value (${spelling} <${option.value ?? 'value'}>)`);
        set(option, value);
      }
      continue;
    }
    // `-fv`: boolean flags may be bundled; a value option takes the rest of the word or the next one (`-c x`, `-cx`).
    for (let at = 1; at < word.length; at++) {
      const short = `-${word[at]}`;
      const option = findOption(spec.options, short);
      if (!option) {
        if (spec.refuse && Object.hasOwn(spec.refuse, short)) throw usageError(name, `${short} is not an option of ${name}`, spec.refuse[short]);
        throw usageError(name, `unknown option ${short}${word.length > 2 ? ` (in ${word})` : ''}`, suggestOption(short, spec.options));
      }
      if (option.type === 'boolean') {
        set(option, true);
        continue;
      }
      const value = at + 1 < word.length ? word.slice(at + 1).replace(/^=/, '') : words[++index];
      if (value === undefined) throw usageError(name, `${short} needs a value (${short} <${option.value ?? 'value'}>)`);
      set(option, value);
      break;
    }
  }
  if (options.help !== true) checkArgs(name, spec, args); // `cidx port --help` is help, not a missing <service>
  return { options, args };
}

function checkArgs(name: string, spec: CommandSpec, args: string[]): void {
  const variadic = spec.args.some((arg) => arg.variadic || arg.verbatim);
  if (!variadic && args.length > spec.args.length) {
    const extra = args[spec.args.length]!;
    const hint = spec.args.length === 0 ? `${name} takes no arguments.` : undefined;
    throw usageError(name, `unexpected argument "${extra}"`, hint);
  }
  spec.args.forEach((arg, index) => {
    if (arg.required && args[index] === undefined) throw usageError(name, `missing <${arg.name}>`);
  });
}

interface NamedOption extends OptionSpec {
  name: string;
}

/** The option `--name`, `--name=value` or `-x` spells, or undefined. */
function findOption(options: Record<string, OptionSpec>, spelling: string): NamedOption | undefined {
  const bare = spelling.split('=')[0]!;
  if (bare.startsWith('--')) {
    const name = bare.slice(2);
    return Object.hasOwn(options, name) ? { ...options[name]!, name } : undefined;
  }
  const found = Object.entries(options).find(([, option]) => option.short !== undefined && `-${option.short}` === bare.slice(0, 2));
  return found && { ...found[1], name: found[0] };
}

function suggestOption(spelling: string, options: Record<string, OptionSpec>, extra: string[] = []): string | undefined {
  const known = [...Object.keys(options).map((name) => `--${name}`), ...extra];
  // `-volumes`, `volumes` typed with one dash: compare without dashes.
  const bare = spelling.split('=')[0]!.replace(/^-+/, '');
  const suggestion = bare.length > 1 ? didYouMean(bare, known.map((name) => name.slice(2))) : undefined;
  return suggestion?.replace(/"([^"]+)"/, '--$1');
}

function usageError(command: string | undefined, message: string, hint?: string): CidxError {
  const more = command ? `\`cidx ${command} --help\` lists its options and arguments.` : 'Run `cidx --help` for the commands and options.';
  return new CidxError('USAGE', command ? `${command}: ${message}` : message, {
    details: command ? [usageLine(command, COMMANDS[command]!)] : [],
    hint: hint ? `${/[.?!]$/.test(hint) ? hint : `${hint}.`} ${more}` : more,
  });
}
