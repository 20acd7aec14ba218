/**
 * One registry of every error cidx reports to a user. Each entry has a stable
 * code (scripts and docs refer to it), an exit code, and a hint that says what
 * to do. Commands throw; only the CLI's top-level catch turns these into
 * output and an exit status.
 */

/** Exit codes: 0 ok, 1 runtime or service failure, 2 usage or config error. */
export const ExitCode = Object.freeze({ ok: 0, failure: 1, usage: 2 });

interface ErrorSpec {
  exitCode: number;
  hint?: string;
}

export const errorRegistry = Object.freeze({
  CONFIG_NOT_FOUND: {
    exitCode: ExitCode.usage,
    hint: 'Create one with `cidx init`, or point at it with `-c path/to/cidx.config.ts`.',
  },
  CONFIG_LOAD: { exitCode: ExitCode.usage, hint: 'Fix the error above; the file must default-export the config object.' },
  CONFIG_EMPTY: {
    exitCode: ExitCode.usage,
    hint: 'Default-export the config: `export default defineConfig({ services: { … } })` (JSON: the whole file is the config). The nearest config file is the config: cidx does not look further up.',
  },
  CONFIG_UNTRUSTED: {
    exitCode: ExitCode.usage,
    hint: 'Loading a config runs its code as you. If you trust it, make it yours and not writable by others (`chown`, `chmod go-w`), or list it in CIDX_TRUSTED_CONFIGS (paths separated by ":", a directory trusts the configs below it, "*" trusts all).',
  },
  CONFIG_INVALID: { exitCode: ExitCode.usage, hint: 'Fix the entries above; nothing was changed.' },
  USAGE: { exitCode: ExitCode.usage, hint: 'Run `cidx --help` for the commands and options.' },
  COMPOSE_NOT_FOUND: {
    exitCode: ExitCode.usage,
    hint: 'Name the file: `cidx import path/to/docker-compose.yml`.',
  },
  COMPOSE_INVALID: { exitCode: ExitCode.usage, hint: 'Fix the Compose file (`docker compose config` checks it), then run `cidx import` again.' },
  LEGACY_COMMAND: {
    exitCode: ExitCode.usage,
    hint: 'Nothing needs setting up: run `cidx apply` in the project.',
  },
  /**
   * The engine never answered in this command: not installed, daemon not running, a wrong remote address.
   * The hints below are engine-neutral: a runtime's dialect supplies its engine's own at classification time.
   */
  RUNTIME_UNAVAILABLE: {
    exitCode: ExitCode.failure,
    hint: 'Install a container engine and start it, or choose another runtime with `--runtime <name>`.',
  },
  /**
   * The engine answered earlier in this command, then stopped: a daemon that died or was restarted
   * mid-apply. Reported at once, never retried as if ports were still being published.
   */
  ENGINE_UNAVAILABLE: {
    exitCode: ExitCode.failure,
    hint: 'Check that the engine is still running, then run `cidx apply` again: it picks up where this one stopped.',
  },
  RUNTIME_PERMISSION: {
    exitCode: ExitCode.failure,
    hint: 'Give your user access to the engine\'s socket, or use a rootless engine.',
  },
  RUNTIME_COMMAND: { exitCode: ExitCode.failure },
  NETWORK_POOL_EXHAUSTED: {
    exitCode: ExitCode.failure,
    hint: 'Remove networks nothing uses (`cidx prune`), or give the engine more, smaller address pools in its configuration.',
  },
  IMAGE_UNAVAILABLE: {
    exitCode: ExitCode.failure,
    hint: 'Check the image name and tag, your network, and the engine\'s registry login for private registries.',
  },
  PORT_REFUSED: {
    exitCode: ExitCode.failure,
    hint: 'Free the port, or drop it from `preferredPorts` and let the runtime choose one.',
  },
  /** A loopback-bound port on an engine on another machine: nothing here reaches it (core/remote-bind.ts). */
  REMOTE_LOOPBACK: {
    exitCode: ExitCode.usage,
    hint:
      "Publish on an address of the engine's machine: `bind: '0.0.0.0'` (all of its interfaces: anyone who reaches that machine reaches the services) " +
      'or its address on your network, at the top level or per service. Or run cidx on that machine, or point the runtime at a local engine. See docs/remote-engines.md.',
  },
  NAME_CONFLICT: { exitCode: ExitCode.failure, hint: 'Run `cidx apply` again; it adopts the existing container.' },
  SERVICE_EXITED: { exitCode: ExitCode.failure, hint: 'Read the log lines above; `cidx logs <service>` shows more.' },
  HEALTH_TIMEOUT: {
    exitCode: ExitCode.failure,
    hint: 'Raise `health.timeout` if the service is just slow, or check the probe path and port.',
  },
  DEPENDENCY_FAILED: { exitCode: ExitCode.failure, hint: 'Fix the service it depends on first.' },
  JOB_FAILED: { exitCode: ExitCode.failure, hint: 'Read the log lines above; fix the job and run `cidx apply` again (a failed job always runs again).' },
  JOB_TIMEOUT: { exitCode: ExitCode.failure, hint: "Raise the job's `timeout` (`job: { timeout: '30m' }`) if it is just slow." },
  SERVICE_NOT_FOUND: { exitCode: ExitCode.usage, hint: 'Run `cidx status` to list the services.' },
  LOCKED: { exitCode: ExitCode.failure },
  LOCK_DIR_UNWRITABLE: {
    exitCode: ExitCode.failure,
    hint: 'cidx keeps its project locks in its cache directory: make it writable, or set CIDX_CACHE_DIR (or XDG_CACHE_HOME) to a directory you own.',
  },
  CACHE_UNTRUSTED: {
    exitCode: ExitCode.failure,
    hint: 'Other users must not be able to write to cidx\'s cache: `chmod 700` it if it is yours, or point CIDX_CACHE_DIR at a directory of your own.',
  },
  UNSETTLED: {
    exitCode: ExitCode.failure,
    hint: 'A promise in the config or a plugin never resolved or rejected, and nothing else was left to wait for. Fix that code (a missing resolve() or await).',
  },
  PLUGIN_INVALID: {
    exitCode: ExitCode.usage,
    hint: 'Fix the plugin named above, or remove it from the config\'s `plugins`.',
  },
  PLUGIN_HOOK_UNKNOWN: {
    exitCode: ExitCode.usage,
    hint: 'Hook API v2 renamed some hooks: see "Migrating from v1" in docs/plugins.md.',
  },
  STEP_VETOED: { exitCode: ExitCode.failure, hint: 'A plugin in the config vetoed this step; change the config or the plugin to let it run.' },
  /** `cidx run`: the command to run is not on PATH (127, as shells say it). */
  COMMAND_NOT_FOUND: { exitCode: 127, hint: 'Check the command name and PATH; `cidx run` runs it directly, without a shell.' },
  INTERRUPTED: { exitCode: 130, hint: 'Run `cidx apply` again to finish converging.' },
  INTERNAL: {
    exitCode: ExitCode.failure,
    hint: 'This is a bug in cidx or a plugin. Please report it with the output of `cidx --debug`.',
  },
} satisfies Record<string, ErrorSpec>);

export type ErrorCode = keyof typeof errorRegistry;

export interface CidxErrorOptions {
  /** Replaces the registry's hint when the situation calls for a more specific one. */
  hint?: string;
  /** Extra lines (config problems, log tail) printed under the message. */
  details?: string[];
  cause?: unknown;
}

/**
 * Marks cidx errors across copies of this package (a bundled CLI and the
 * `cidx` a config or plugin imports are different module instances, so
 * `instanceof` alone would miss errors thrown by plugins).
 */
const BRAND = Symbol.for('cidx.error');

/** An error cidx expects and explains: printed without a stack trace. */
export class CidxError extends Error {
  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: string[];
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, options: CidxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CidxError';
    this.code = code;
    const spec: ErrorSpec = errorRegistry[code];
    this.hint = options.hint ?? spec.hint;
    this.details = options.details ?? [];
    this.exitCode = spec.exitCode;
  }
}

export function isCidxError(error: unknown): error is CidxError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}

/** True for a cidx error with this code, from whichever copy of cidx threw it. */
export function hasCode(error: unknown, code: ErrorCode): error is CidxError {
  return isCidxError(error) && error.code === code;
}
