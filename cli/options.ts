/**
 * The CLI's options, in node:util parseArgs form. One table for the parser
 * (cli/main.ts) and the launcher (cli/launch.ts), which needs to know which
 * options take a value to find the command word before the CLI is loaded.
 */
export const OPTIONS = {
  config: { type: 'string', short: 'c' },
  runtime: { type: 'string' },
  json: { type: 'boolean', default: false },
  volumes: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  debug: { type: 'boolean', default: false },
  format: { type: 'string' },
  tail: { type: 'string' },
  follow: { type: 'boolean', short: 'f', default: false },
  force: { type: 'boolean', default: false },
  // cli-verbs: exec, run, pull, config (cli/commands/{exec,run,pull,config}.ts)
  user: { type: 'string', short: 'u' },
  env: { type: 'string', short: 'e', multiple: true },
  workdir: { type: 'string', short: 'w' },
  down: { type: 'boolean', default: false },
  pull: { type: 'string' },
  'show-secrets': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'v', default: false },
} as const;

/** `--config`, `-c`, `--runtime`, …: the spellings of every option that takes a value. */
export function valueOptionSpellings(): Set<string> {
  const spellings = new Set<string>();
  for (const [name, option] of Object.entries(OPTIONS)) {
    if (option.type !== 'string') continue;
    spellings.add(`--${name}`);
    if ('short' in option) spellings.add(`-${option.short}`);
  }
  return spellings;
}
