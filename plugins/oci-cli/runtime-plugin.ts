/**
 * The plugin shape both CLI runtimes share: claim a request for this runtime
 * by name outright, and an `auto` request when the engine answers.
 */
import { definePlugin, type CidxPlugin } from '../../core/plugin.js';
import { CliRuntime, type Dialect } from './cli-runtime.js';

export interface CliRuntimePluginOptions {
  /** Plugin name, used as the tap name. */
  name: string;
  dialect: Dialect;
  /** Binary to run. Default: the dialect's name, from PATH. */
  binary: string | undefined;
  /** Order among runtimes for `auto`: lower is tried first. */
  stage: number;
}

export function cliRuntimePlugin({ name, dialect, binary, stage }: CliRuntimePluginOptions): CidxPlugin {
  return definePlugin({
    name,
    apply(hooks) {
      hooks.resolveRuntime.tapPromise({ name, stage }, async (request) => {
        if (request.requested !== dialect.name && request.requested !== 'auto') return undefined;
        const runtime = new CliRuntime(dialect, binary);
        // Asked by name: no probe; the first real call reports an unreachable engine with its reason.
        if (request.requested === dialect.name) return runtime;
        return (await runtime.answers()) ? runtime : undefined;
      });
    },
  });
}
