/**
 * A session is one command's view of one project: validated config, hooks
 * with every plugin applied, and the runtime that the plugins chose.
 *
 * Plugins are applied before validation, so that `extendConfig` taps can add
 * to the config the schema then checks: load the raw config → apply the
 * built-ins (minus `disable`) and the config's plugins to fresh hooks → run
 * `extendConfig` → validate. A config without plugins of its own skips the
 * hook (no built-in taps it) and keeps the validated-config cache.
 */
import { CidxError, hasCode } from './errors.js';
import path from 'node:path';
import { findConfig, type LoadedConfig, type RawConfig } from './config/load.js';
import { trackPlugin } from './config/plugin-tracking.js';
import { unwrapDefault } from './config/unwrap.js';
import { validateCached } from './config/validated-cache.js';
import { createHooks, isTapped, RENAMED_HOOKS, type CidxHooks, type ProjectContext } from './hooks.js';
import { quietLogger, type Logger } from './logger.js';
import type { CidxPlugin } from './plugin.js';
import type { ContainerRuntime } from './runtime.js';

export interface SessionOptions {
  /** The command being run, passed to every hook. */
  command: string;
  /** Built-in plugins, applied before the config's own (the CLI supplies them: the core knows no runtime). The config's `disable` switches them off by name. */
  plugins: CidxPlugin[];
  /** `-c`: explicit config file. Default: searched from `cwd` upwards. */
  configFile?: string | undefined;
  /** Default: process.cwd(). */
  cwd?: string;
  /** `--runtime`; overrides CIDX_RUNTIME, which overrides the config's `runtime`. */
  runtime?: string | undefined;
  signal?: AbortSignal;
  /** Every hook context's logger (each tap gets a child named after it). Default: one that drops every line. */
  logger?: Logger;
  /** For commands that need only a runtime (prune, doctor): without a config, use an empty project in `cwd`. */
  allowMissingConfig?: boolean;
  /** For `doctor`: do not load the config at all (it reports config problems itself). */
  ignoreConfig?: boolean;
  /** A config object not validated yet (the programmatic API's): used instead of searching for a file; `extendConfig` runs on it. */
  raw?: RawConfig;
  /** A config validated already: used as it is; `extendConfig` does not run. */
  loaded?: LoadedConfig;
}

/** A session before a runtime is chosen: what `doctor` needs, which must work when none answers. */
export interface ProjectSession extends ProjectContext {
  hooks: CidxHooks;
  warnings: string[];
}

export interface Session extends ProjectSession {
  runtime: ContainerRuntime;
  /** The services named on the command line (with their dependencies, for apply); absent: the whole project. See core/targets.ts. */
  targets?: string[];
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
  if (!runtime) throw noRuntime(requested, tried, session.config.disable.filter((name) => name.endsWith('-runtime')));
  return { ...session, runtime };
}

/**
 * Says what was tried: the names come from the runtime plugins (`request.tried`), the core knows none;
 * `off` are the runtime plugins the config's `disable` switched off.
 */
function noRuntime(requested: string, tried: string[], off: string[]): CidxError {
  const names = [...new Set(tried)];
  const disabled = off.length
    ? `The config's \`disable\` switches off ${off.join(', ')}: remove ${off.length === 1 ? 'it' : 'them'} from \`disable\`, or add a runtime plugin to \`plugins\`.`
    : undefined;
  if (requested === 'auto') {
    const message = names.length
      ? `no container runtime answered (tried ${names.join(', then ')})`
      : `no container runtime answered (${off.length ? 'none left to try' : "no runtime plugin takes part in `runtime: 'auto'`"})`;
    const hint = disabled ?? (names.length ? `Install ${names.join(' or ')}, start its daemon, or choose one with \`--runtime ${names.join('|')}\`.` : undefined);
    return new CidxError('RUNTIME_UNAVAILABLE', message, hint ? { hint } : {});
  }
  const known = names.length ? `Available: ${[...names, 'auto'].join(', ')}. ` : '';
  return new CidxError('RUNTIME_UNAVAILABLE', `no plugin provides the runtime "${requested}"`, {
    hint: disabled ?? `${known}Other names need a runtime plugin in the config's \`plugins\`.`,
  });
}

/** Config loaded, plugins applied, `extendConfig` and `afterConfigResolved` run; no runtime chosen yet. */
export async function openProjectSession(options: SessionOptions): Promise<ProjectSession> {
  const signal = options.signal ?? new AbortController().signal;
  const logger = options.logger ?? quietLogger;
  const hooks = createHooks();
  let loaded: LoadedConfig;
  if (options.loaded) {
    loaded = options.loaded;
    applyPlugins(hooks, enabled(options.plugins, loaded.config.disable), loaded.config.plugins.map(trackPlugin));
  } else {
    const { raw, filepath } = options.raw ?? (await findSource(options));
    // A config object handed in (the programmatic API) has no file to key a cache entry on: validated every time.
    const validate = options.raw ? async (value: unknown, file: string) => (await import('./config/validate.js')).validateConfig(value, file) : validateCached;
    const config = unwrapDefault(raw);
    const own = ownPlugins(config);
    applyPlugins(hooks, enabled(options.plugins, config && typeof config === 'object' ? (config as { disable?: unknown }).disable : undefined), own.map(trackPlugin));
    if (!isTapped(hooks.extendConfig)) {
      loaded = await validate(raw, filepath);
    } else {
      const context = { configFile: filepath, root: path.dirname(filepath), command: options.command, signal, logger };
      const extended: unknown = await hooks.extendConfig.promise(config as never, context);
      if (!extended || typeof extended !== 'object' || Array.isArray(extended)) {
        throw new CidxError('PLUGIN_INVALID', `an extendConfig tap returned ${Array.isArray(extended) ? 'a list' : String(extended)} instead of the config object`, {
          hint: 'An extendConfig tap must return the config it was given, changed or not.',
        });
      }
      loaded = await validate(extended, filepath);
    }
  }
  const context: ProjectContext = { project: loaded.project, config: loaded.config, command: options.command, signal, logger };
  await hooks.afterConfigResolved.promise(context);
  return { ...context, hooks, warnings: loaded.warnings };
}

async function findSource(options: SessionOptions): Promise<RawConfig> {
  const cwd = options.cwd ?? process.cwd();
  const empty: RawConfig = { raw: { services: {} }, filepath: path.join(cwd, 'cidx.config.ts') };
  if (options.ignoreConfig) return empty;
  return findConfig({ configFile: options.configFile, cwd }).catch((error: unknown) => {
    if (options.allowMissingConfig && hasCode(error, 'CONFIG_NOT_FOUND') && !options.configFile) return empty;
    throw error;
  });
}

/** The built-ins the config does not switch off. Unknown names are the schema's to report. */
function enabled(builtins: CidxPlugin[], disable: unknown): CidxPlugin[] {
  if (!Array.isArray(disable)) return builtins;
  return builtins.filter((plugin) => !disable.includes(plugin.name));
}

/** The config's plugins before validation: only what looks like one; validation reports the rest. */
function ownPlugins(config: unknown): CidxPlugin[] {
  const plugins = config && typeof config === 'object' ? (config as { plugins?: unknown }).plugins : undefined;
  if (!Array.isArray(plugins)) return [];
  return plugins.filter((plugin): plugin is CidxPlugin => !!plugin && typeof plugin === 'object' && typeof plugin.name === 'string' && typeof plugin.apply === 'function');
}

/**
 * Built-ins first, then the config's plugins, which see hooks that name a
 * hook of API v1 in the error instead of failing on `undefined.tap`.
 */
function applyPlugins(hooks: CidxHooks, builtins: CidxPlugin[], own: CidxPlugin[]): void {
  for (const plugin of builtins) plugin.apply(hooks);
  if (own.length === 0) return;
  const guarded = new Proxy(hooks, {
    get(target, key, receiver) {
      if (typeof key === 'string' && !Reflect.has(target, key) && key !== 'then' && key !== 'toJSON') throw new UnknownHook(key);
      return Reflect.get(target, key, receiver);
    },
  });
  for (const plugin of own) {
    try {
      plugin.apply(guarded);
    } catch (error) {
      if (error instanceof UnknownHook) {
        const renamed = Object.hasOwn(RENAMED_HOOKS, error.hook) ? RENAMED_HOOKS[error.hook] : undefined;
        throw new CidxError('PLUGIN_HOOK_UNKNOWN', `plugin ${plugin.name} taps the hook "${error.hook}", which ${renamed ? `hook API v2 calls "${renamed}"` : 'cidx does not have'}`);
      }
      throw error;
    }
  }
}

class UnknownHook extends Error {
  constructor(readonly hook: string) {
    super(`unknown hook ${hook}`);
  }
}
