/**
 * A session is one command's view of one project: validated config, hooks
 * with every plugin applied, and the runtime that the plugins chose.
 */
import { CidxError, hasCode } from './errors.js';
import path from 'node:path';
import { loadConfig, type LoadedConfig } from './config/load.js';
import { createHooks, type CidxHooks, type ProjectContext } from './hooks.js';
import type { CidxPlugin } from './plugin.js';
import type { ContainerRuntime } from './runtime.js';

export interface SessionOptions {
  /** The command being run, passed to every hook. */
  command: string;
  /** Built-in plugins, applied before the config's own (the CLI supplies them: the core knows no runtime). */
  plugins: CidxPlugin[];
  /** `-c`: explicit config file. Default: searched from `cwd` upwards. */
  configFile?: string | undefined;
  /** Default: process.cwd(). */
  cwd?: string;
  /** `--runtime`; overrides CIDX_RUNTIME, which overrides the config's `runtime`. */
  runtime?: string | undefined;
  signal?: AbortSignal;
  /** For commands that need only a runtime (prune, doctor): without a config, use an empty project in `cwd`. */
  allowMissingConfig?: boolean;
  /** For `doctor`: do not load the config at all (it reports config problems itself). */
  ignoreConfig?: boolean;
  /** A config validated already (the programmatic API's config object): used instead of searching for a file. */
  loaded?: LoadedConfig;
}

/** A session before a runtime is chosen: what `doctor` needs, which must work when none answers. */
export interface ProjectSession extends ProjectContext {
  hooks: CidxHooks;
  warnings: string[];
}

export interface Session extends ProjectSession {
  runtime: ContainerRuntime;
}

/** The runtime asked for: `--runtime`, else CIDX_RUNTIME, else the config's `runtime`. */
export function requestedRuntime(flag: string | undefined, configured: string): string {
  return flag ?? process.env.CIDX_RUNTIME ?? configured;
}

export async function openSession(options: SessionOptions): Promise<Session> {
  const session = await openProjectSession(options);
  const requested = requestedRuntime(options.runtime, session.config.runtime);
  const tried: string[] = [];
  const runtime = await session.hooks.resolveRuntime.promise({ ...session, requested, tried });
  if (!runtime) throw noRuntime(requested, tried);
  return { ...session, runtime };
}

/** Says what was tried: the names come from the runtime plugins (`request.tried`), the core knows none. */
function noRuntime(requested: string, tried: string[]): CidxError {
  const names = [...new Set(tried)];
  if (requested === 'auto') {
    const message = names.length ? `no container runtime answered (tried ${names.join(', then ')})` : 'no runtime plugin takes part in `runtime: \'auto\'`';
    const hint = names.length ? `Install ${names.join(' or ')}, start its daemon, or choose one with \`--runtime ${names.join('|')}\`.` : undefined;
    return new CidxError('RUNTIME_UNAVAILABLE', message, hint ? { hint } : {});
  }
  const known = names.length ? `Available: ${[...names, 'auto'].join(', ')}. ` : '';
  return new CidxError('RUNTIME_UNAVAILABLE', `no plugin provides the runtime "${requested}"`, {
    hint: `${known}Other names need a runtime plugin in the config's \`plugins\`.`,
  });
}

/** Config loaded, plugins applied, `configResolved` run; no runtime chosen yet. */
export async function openProjectSession(options: SessionOptions): Promise<ProjectSession> {
  const emptyProject = async () =>
    (await import('./config/validate.js')).validateConfig({ services: {} }, path.join(options.cwd ?? process.cwd(), 'cidx.config.ts'));
  const { config, project, warnings } = options.loaded ?? await (options.ignoreConfig ? emptyProject() : loadConfig({ configFile: options.configFile, cwd: options.cwd ?? process.cwd() }).catch(
    (error: unknown) => {
      if (options.allowMissingConfig && hasCode(error, 'CONFIG_NOT_FOUND') && !options.configFile) {
        return emptyProject();
      }
      throw error;
    },
  ));
  const hooks = createHooks();
  for (const plugin of [...options.plugins, ...config.plugins]) plugin.apply(hooks);
  const context: ProjectContext = {
    project,
    config,
    command: options.command,
    signal: options.signal ?? new AbortController().signal,
  };
  await hooks.configResolved.promise(context);
  return { ...context, hooks, warnings };
}
