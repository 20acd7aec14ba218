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
  // cli-verbs: exec, run, pull, config
  /** exec -u: user in the container. */
  user?: string | undefined;
  /** exec -e K=V / -e K (the caller's value), repeatable. */
  env?: string[] | undefined;
  /** exec -w: working directory in the container. */
  workdir?: string | undefined;
  /** run --down: remove the containers once the command ends. */
  down?: boolean;
  /** apply/run --pull missing|always|never. */
  pull?: string | undefined;
  /** config --show-secrets. */
  showSecrets?: boolean;
}

export interface CommandContext {
  options: CliOptions;
  args: string[];
  signal: AbortSignal;
  /** Progress and notes, to stderr. */
  log: (line: string) => void;
}
