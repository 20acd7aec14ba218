/**
 * Opens a core session for the programmatic API with the CLI's built-in
 * plugins: the one place the API wires plugins into the core, as
 * cli/session.ts is for the CLI. The plugins are imported on first use, so
 * `import { defineConfig } from 'cidx'` in a config or a test file costs
 * nothing of theirs (execa and the runtimes load when a stack comes up).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSession, type Session } from '../core/session.js';
import type { Logger } from '../core/logger.js';
import type { CidxUserConfig } from '../schemas/config.js';

/** Which project, and on which runtime: shared by `up()` and `down()`. */
export interface ProjectOptions {
  /**
   * Where the config is searched from (upwards, as the CLI does), and the
   * project root of a config object. Default: `process.cwd()`.
   */
  cwd?: string;
  /**
   * A config file (a path relative to `cwd`, or a file URL such as
   * `new URL('./cidx.config.ts', import.meta.url)`), or a config object,
   * validated exactly as a file's default export. An object's project root is
   * `cwd`. Default: `cidx.config.*` searched from `cwd` upwards.
   */
  config?: string | URL | CidxUserConfig;
  /**
   * `'docker'`, `'podman'`, `'auto'` or a runtime plugin's name.
   * Default: `$CIDX_RUNTIME`, else the config's `runtime` (itself `'auto'` by default).
   */
  runtime?: string;
  /**
   * Where plugins' log lines (`context.logger`) go: pass your test runner's
   * logger, or `createLogger((level, message, name) => …)`.
   * Default: none are written (stderr belongs to the program embedding cidx).
   */
  logger?: Logger;
  /**
   * Active profiles, as `--profile`: services with `profiles` run only when one of theirs is here.
   * Default: `$CIDX_PROFILES` (comma-separated), else none.
   */
  profiles?: string[];
}

/** The name a config object goes by in messages and in `project.configFile`: it has no file. */
export const CONFIG_OBJECT_NAME = '<config object>';

export async function apiSession(options: ProjectOptions, command: string, signal: AbortSignal): Promise<Session> {
  const { builtinPlugins } = await import('../plugins/index.js');
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const base = { command, plugins: builtinPlugins(), cwd, runtime: options.runtime, profiles: options.profiles, signal, ...(options.logger ? { logger: options.logger } : {}) };
  const { config } = options;
  if (config === undefined || typeof config === 'string' || config instanceof URL) {
    return openSession({ ...base, configFile: config instanceof URL ? fileURLToPath(config) : config });
  }
  // Validated in the session, after the config's plugins' `extendConfig` taps, exactly as a file's export.
  return openSession({ ...base, raw: { raw: config, filepath: path.join(cwd, CONFIG_OBJECT_NAME) } });
}
