/**
 * Every command, with what it accepts. Adding a command is one entry here
 * (plus its module and its help prose in cli/messages.ts); the parser, the
 * help text, the launcher and completion read this table. Modules are
 * imported only when their command runs, so `cidx port` stays fast.
 */
import { CidxError } from '../../core/errors.js';
import { messages } from '../messages.js';
import { HELP_OPTIONS, JSON_OPTION, PROJECT_OPTIONS, type CommandSpec, type OptionSpec } from '../options.js';

const project = { ...PROJECT_OPTIONS, ...JSON_OPTION, ...HELP_OPTIONS };
/** apply and run: when to pull images (core/pull.ts). */
const PULL_OPTION = {
  pull: { type: 'string', value: 'when', description: 'missing (default): pull images the engine lacks; always; never (fail naming the image)' },
} as const satisfies Record<string, OptionSpec>;
const services = [{ name: 'service', variadic: true }];
/** Services with `profiles` run only when one is active: every command that selects services reads it. */
const profile = {
  profile: { type: 'string', value: 'name', multiple: true, description: 'also run services of this profile (repeatable, or a,b; env CIDX_PROFILES)' },
} as const satisfies Record<string, OptionSpec>;
/** Jobs that succeeded run again only when asked. */
const rerun = {
  rerun: { type: 'string', value: 'job', multiple: true, description: 'run this job again although it succeeded with this config (repeatable)' },
} as const satisfies Record<string, OptionSpec>;
/** Compose's `-f file`: cidx's config flag is `-c`. */
const composeFile = {
  '-f': messages.refuseComposeFile,
  '--file': messages.refuseComposeFile,
};

export const COMMANDS: Record<string, CommandSpec> = {
  apply: {
    summary: 'create, start or recreate services to match the config; wait until healthy',
    aliases: ['up'],
    args: services,
    options: {
      ...project,
      ...profile,
      ...rerun,
      ...PULL_OPTION,
      'wait-timeout': { type: 'string', value: 'duration', description: "wait at most this long for each service's health (e.g. 90s, 2m), instead of its own timeout" },
      'no-wait': { type: 'boolean', description: 'return once the containers run; health is not checked' },
    },
    refuse: { ...composeFile, '-d': messages.refuseDetach, '--detach': messages.refuseDetach },
    load: async () => (await import('./apply.js')).apply,
  },
  plan: {
    summary: 'show what apply would do, change nothing',
    args: services,
    options: { ...project, ...profile, ...rerun },
    refuse: composeFile,
    load: async () => (await import('./plan.js')).plan,
  },
  status: {
    summary: "show each service's state, health and ports",
    aliases: ['ps'],
    args: services,
    options: { ...project, ...profile, check: { type: 'boolean', description: 'exit 1 when a service shown is not healthy (for scripts)' } },
    refuse: composeFile,
    load: async () => (await import('./status.js')).status,
  },
  down: {
    summary: 'remove containers (volumes are kept unless --volumes)',
    args: services,
    options: { ...project, ...profile, volumes: { type: 'boolean', short: 'v', description: "remove the services' named volumes too (deletes data)" } },
    refuse: composeFile,
    load: async () => (await import('./down.js')).down,
  },
  restart: {
    summary: "stop and start services' existing containers, wait until healthy",
    args: services,
    options: { ...project, ...profile },
    refuse: composeFile,
    load: async () => (await import('./restart.js')).restart,
  },
  logs: {
    summary: "show services' logs, all services by default",
    args: services,
    options: {
      ...PROJECT_OPTIONS,
      ...HELP_OPTIONS,
      follow: { type: 'boolean', short: 'f', description: 'keep printing new lines until Ctrl-C' },
      tail: { type: 'string', value: 'n', description: 'only the last n lines of each service' },
      since: { type: 'string', value: 'time', description: 'only lines since a time (2026-01-02T15:04:05) or for a duration (10m)' },
      timestamps: { type: 'boolean', short: 't', description: 'prefix each line with its time' },
    },
    load: async () => (await import('./logs.js')).logs,
  },
  port: {
    summary: "print host:port of a service's port, e.g. $(cidx port qdrant http)",
    args: [{ name: 'service', required: true }, { name: 'port' }],
    options: { ...project, ...profile },
    load: async () => (await import('./port.js')).port,
  },
  env: {
    summary: "print every service's host, port and URL as variables",
    args: [],
    options: { ...project, ...profile, format: { type: 'string', value: 'fmt', description: 'dotenv (default), shell or json' } },
    load: async () => (await import('./env.js')).env,
  },
  init: {
    summary: 'write a commented cidx.config.ts (Qdrant, Ollama, a data cleaner)',
    args: [],
    options: {
      config: { ...PROJECT_OPTIONS.config, description: 'where to write it (default: ./cidx.config.ts)' },
      force: { type: 'boolean', description: 'overwrite an existing config' },
      ...JSON_OPTION,
      ...HELP_OPTIONS,
    },
    load: async () => (await import('./init.js')).init,
  },
  import: {
    summary: 'write a cidx.config.ts from a docker-compose.yml',
    args: [{ name: 'compose-file' }],
    options: {
      force: { type: 'boolean', description: 'overwrite an existing cidx.config.ts' },
      stdout: { type: 'boolean', description: 'print the config instead of writing it' },
      ...JSON_OPTION,
      ...HELP_OPTIONS,
    },
    load: async () => (await import('./import.js')).importCompose,
  },
  prune: {
    summary: 'remove your containers of projects whose directory no longer exists',
    args: [{ name: 'project-id', variadic: true }],
    options: {
      runtime: PROJECT_OPTIONS.runtime,
      'dry-run': { type: 'boolean', description: 'list what would be removed, remove nothing' },
      volumes: { type: 'boolean', description: 'remove the volumes of the projects named too (deletes data)' },
      ...JSON_OPTION,
      ...HELP_OPTIONS,
    },
    load: async () => (await import('./prune.js')).prune,
  },
  doctor: {
    summary: 'check runtimes, config and cache; suggest fixes',
    args: [],
    options: project,
    load: async () => (await import('./doctor.js')).doctor,
  },
  // cli-verbs: exec, run, pull, config, completion (their modules hold the logic)
  exec: {
    summary: "run a command in a service's container, e.g. cidx exec qdrant sh",
    // Verbatim from the command on: `cidx exec qdrant ls -la` passes -la to ls.
    args: [{ name: 'service', required: true }, { name: 'command', required: true, verbatim: true }],
    options: {
      ...PROJECT_OPTIONS,
      ...profile,
      ...HELP_OPTIONS,
      user: { type: 'string', short: 'u', value: 'user', description: 'user or uid[:gid] in the container' },
      env: { type: 'string', short: 'e', value: 'K=V', multiple: true, description: "set a variable; -e K passes yours (values never reach the engine's command line)" },
      workdir: { type: 'string', short: 'w', value: 'dir', description: 'working directory in the container' },
      interactive: { type: 'boolean', short: 'i', description: "accepted as docker spells it: stdin is always passed" },
      tty: { type: 'boolean', short: 't', description: 'accepted as docker spells it: a terminal when stdin and stdout are one (not under CI)' },
    },
    load: async () => (await import('./exec.js')).exec,
  },
  run: {
    summary: "apply, then run a command with the services' URLs in its environment",
    args: [{ name: 'command', required: true, verbatim: true }],
    // No --json: stdout is the command's.
    options: {
      ...PROJECT_OPTIONS,
      ...HELP_OPTIONS,
      ...PULL_OPTION,
      ...profile,
      ...rerun,
      down: { type: 'boolean', description: "remove the project's containers afterwards (never volumes), even when the command fails" },
    },
    load: async () => (await import('./run.js')).run,
  },
  pull: {
    summary: "pull the services' images, with progress",
    args: services,
    options: { ...project, ...profile },
    load: async () => (await import('./pull.js')).pull,
  },
  config: {
    summary: 'print the resolved config, secrets redacted',
    args: [],
    options: {
      config: PROJECT_OPTIONS.config,
      ...profile,
      ...HELP_OPTIONS,
      format: { type: 'string', value: 'fmt', description: 'json (default) or ts' },
      'show-secrets': { type: 'boolean', description: 'print env and header values instead of ***' },
    },
    load: async () => (await import('./config.js')).config,
  },
  completion: {
    summary: 'print a completion script for bash, zsh or fish',
    args: [{ name: 'shell', required: true }],
    options: HELP_OPTIONS,
    load: async () => (await import('./completion.js')).completion,
  },
  'setup-global-registry': {
    summary: 'gone: cidx keeps no global port registry',
    args: [],
    options: HELP_OPTIONS,
    hidden: true,
    load: async () => async () => {
      throw new CidxError('LEGACY_COMMAND', messages.legacyRegistry);
    },
  },
};

/** The command a word names, by name or alias; own entries only (`cidx constructor` is unknown). */
export function findCommand(word: string): { name: string; spec: CommandSpec } | undefined {
  if (Object.hasOwn(COMMANDS, word)) return { name: word, spec: COMMANDS[word]! };
  const found = Object.entries(COMMANDS).find(([, spec]) => spec.aliases?.includes(word));
  return found && { name: found[0], spec: found[1] };
}
