/**
 * What every command receives. Its own module so commands depend on this
 * small contract, not on the entry point that parses arguments and loads them.
 */

/**
 * The parsed options, keyed by the camelCase of their declared name
 * (`--dry-run` → `dryRun`). A command sees only the options it declares
 * (cli/commands/index.ts); a flag not given is undefined (false for booleans).
 */
export interface CliOptions {
  config?: string;
  runtime?: string;
  json?: boolean;
  volumes?: boolean;
  dryRun?: boolean;
  debug?: boolean;
  format?: string;
  tail?: string;
  follow?: boolean;
  force?: boolean;
  since?: string;
  timestamps?: boolean;
  waitTimeout?: string;
  noWait?: boolean;
  check?: boolean;
  /** `import`: print the config instead of writing it. */
  stdout?: boolean;
  /** `--rerun <job>` (repeatable): jobs apply and plan run again. */
  rerun?: string[];
  /** `--profile` (repeatable); undefined when not given (CIDX_PROFILES then applies). */
  profile?: string[];
  // cli-verbs: exec -u/-e/-w, run --down, apply/run --pull, config --show-secrets
  user?: string;
  env?: string[];
  workdir?: string;
  down?: boolean;
  pull?: string;
  showSecrets?: boolean;
  /** Options declared by newer commands, read as `context.options[key]`. */
  [key: string]: string | boolean | string[] | undefined;
}

export interface CommandContext {
  /** The command's name as declared (`apply`, also when run as its alias `up`). */
  command: string;
  options: CliOptions;
  /** Positional arguments after the command word, as declared by the command. */
  args: string[];
  signal: AbortSignal;
  /** Progress and notes, to stderr. */
  log: (line: string) => void;
}
