/**
 * The plugin shape every CLI runtime shares: claim a request for this
 * runtime by name outright, and an `auto` request when the engine answers.
 * A request it declines records the runtime's name (`request.tried`), so the
 * core can say what was tried without knowing any engine.
 */
import { STAGE } from '../../core/hooks.js';
import { definePlugin, type CidxPlugin } from '../../core/plugin.js';
import { CliRuntime } from './cli-runtime.js';
import type { Dialect } from './dialect.js';

export interface CliRuntimePluginOptions {
  /** Plugin name, used as the tap name. Default: `<dialect name>-runtime`. */
  name?: string;
  dialect: Dialect;
  /** Binary to run. Default: the dialect's name, from PATH. */
  binary?: string | undefined;
  /** Order among runtimes for `auto` (hook stage): lower is tried first. Default: `STAGE.fallback`, after the built-in runtimes. */
  stage?: number;
  /** Takes part in `runtime: 'auto'`: probed when no runtime before it answered. Default: true. */
  auto?: boolean;
  /** The environment the CLI runs with. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

export function cliRuntimePlugin({ dialect, binary, env, name = `${dialect.name}-runtime`, stage = STAGE.fallback, auto = true }: CliRuntimePluginOptions): CidxPlugin {
  return definePlugin({
    name,
    apply(hooks) {
      hooks.resolveRuntime.tapPromise({ name, stage }, async (request) => {
        const byName = request.requested === dialect.name;
        if (!byName && !(auto && request.requested === 'auto')) {
          if (request.requested !== 'auto') request.tried?.push(dialect.name);
          return undefined;
        }
        const runtime = new CliRuntime(dialect, binary, env);
        // Asked by name: no probe; the first real call reports an unreachable engine with its reason.
        if (byName) return runtime;
        request.tried?.push(dialect.name);
        return (await runtime.answers()) ? runtime : undefined;
      });
    },
  });
}
