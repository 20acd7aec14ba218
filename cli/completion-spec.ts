/**
 * What shell completion offers: each command's options and what its
 * positional arguments are (service names, a service's port names, a fixed
 * list). One table beside the parser's: when commands declare their own
 * options, this is the table to derive from them.
 */

export type ArgKind = 'service' | 'services' | 'port' | 'command' | { values: readonly string[] };

export interface CommandCompletion {
  options: readonly string[];
  /** Positional arguments in order; the last `services` repeats. Default: none. */
  args?: readonly ArgKind[];
}

/** Every command takes these. */
export const GLOBAL_OPTIONS = ['--config', '-c', '--runtime', '--json', '--debug', '--help', '-h'] as const;

export const COMMAND_COMPLETION: Readonly<Record<string, CommandCompletion>> = {
  apply: { options: ['--pull'], args: ['services'] },
  plan: { options: [], args: ['services'] },
  status: { options: [], args: ['services'] },
  down: { options: ['--volumes'], args: ['services'] },
  prune: { options: ['--dry-run', '--volumes'] },
  init: { options: ['--force'] },
  port: { options: [], args: ['service', 'port'] },
  env: { options: ['--format'] },
  logs: { options: ['--follow', '-f', '--tail'], args: ['services'] },
  doctor: { options: [] },
  exec: { options: ['--user', '-u', '--env', '-e', '--workdir', '-w'], args: ['service'] },
  run: { options: ['--down', '--pull'] },
  pull: { options: [], args: ['services'] },
  config: { options: ['--format', '--show-secrets'] },
  completion: { options: [], args: [{ values: ['bash', 'zsh', 'fish'] }] },
  help: { options: [], args: ['command'] },
};

/** Options whose value is a fixed list; `--format`'s depends on the command. */
export function optionValues(option: string, command: string | undefined): readonly string[] | undefined {
  switch (option) {
    case '--runtime':
      return ['auto', 'docker', 'podman'];
    case '--pull':
      return ['missing', 'always', 'never'];
    case '--format':
      return command === 'config' ? ['json', 'ts'] : ['dotenv', 'shell', 'json'];
    default:
      return undefined;
  }
}

/** Options that take a value (its word is not a positional). */
export const VALUE_OPTIONS = new Set(['--config', '-c', '--runtime', '--format', '--tail', '--pull', '--user', '-u', '--env', '-e', '--workdir', '-w']);
