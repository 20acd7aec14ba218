/**
 * What every command receives. Its own module so commands depend on this
 * small contract, not on the entry point that parses arguments and loads them.
 */
export interface CliOptions {
  config: string | undefined;
  runtime: string | undefined;
  json: boolean;
  volumes: boolean;
  dryRun: boolean;
  debug: boolean;
  format: string | undefined;
  tail: string | undefined;
  follow: boolean;
  force: boolean;
  /** `import`: print the config instead of writing it. */
  stdout: boolean;
  /** `--rerun <job>` (repeatable): jobs apply and plan run again. */
  rerun: string[];
  /** `--profile` (repeatable); undefined when not given (CIDX_PROFILES then applies). */
  profile: string[] | undefined;
}

export interface CommandContext {
  options: CliOptions;
  args: string[];
  signal: AbortSignal;
  /** Progress and notes, to stderr. */
  log: (line: string) => void;
}
