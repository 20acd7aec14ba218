/**
 * `cidx exec SVC CMD…` and `cidx run CMD…` end with another program's
 * command line, whose options are that program's, not cidx's: like
 * `docker exec`, everything after the service (exec) or from the first
 * word (run) is passed on untouched. `--` may mark the start explicitly.
 * The option parser sees only what comes before.
 */

/** Commands that end with a command line of their own, and how many words of theirs precede it. */
const TRAILING: Record<string, number> = { exec: 1, run: 0 };

/** Docker's spelling for "interactive with a terminal": cidx decides both itself, so these are accepted and mean nothing more. */
const DOCKER_TTY_FLAGS = new Set(['-i', '-t', '-it', '-ti', '--interactive', '--tty']);

export interface SplitArgv {
  /** What cidx parses: its options, the command word, its own positionals. */
  own: string[];
  /** The passed-on command line; empty for other commands or when none was given. */
  trailing: string[];
}

/** `valueOptions`: spellings of cidx options that take a value (`-c`, `--config`, …), whose value is not a word. */
export function splitTrailingCommand(argv: string[], valueOptions: ReadonlySet<string>): SplitArgv {
  let index = 0;
  let command: string | undefined;
  // Find the command word.
  for (; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--') return { own: argv, trailing: [] };
    if (arg.startsWith('-')) {
      if (valueOptions.has(arg)) index++;
      continue;
    }
    command = arg;
    break;
  }
  if (command === undefined || !Object.hasOwn(TRAILING, command)) return { own: argv, trailing: [] };
  const own = argv.slice(0, index + 1);
  let words = TRAILING[command]!;
  // exec: the command line starts right after the service, options and all (as in `docker exec`).
  // run: cidx's options may come first; the command line starts at the first word or after `--`.
  const startsAfterWords = words > 0;
  for (index++; index < argv.length; index++) {
    const arg = argv[index]!;
    if (words === 0 && startsAfterWords) return { own, trailing: arg === '--' ? argv.slice(index + 1) : argv.slice(index) };
    if (arg === '--') {
      if (words === 0) return { own, trailing: argv.slice(index + 1) };
      continue; // `exec -- svc cmd`: the service still comes first
    }
    if (arg.startsWith('-') && arg !== '-') {
      if (command === 'exec' && DOCKER_TTY_FLAGS.has(arg)) continue;
      own.push(arg);
      if (valueOptions.has(arg) && index + 1 < argv.length) own.push(argv[++index]!);
      continue;
    }
    if (words === 0) return { own, trailing: argv.slice(index) };
    own.push(arg);
    words--;
  }
  return { own, trailing: [] };
}
