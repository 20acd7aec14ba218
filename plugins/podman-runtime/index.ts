/**
 * Serves projects with the Podman CLI. Claims `runtime: 'podman'` outright and
 * `runtime: 'auto'` when Docker did not answer and Podman does.
 */
import { definePlugin, type CidxPlugin } from '../../core/plugin.js';
import { CliRuntime, type Dialect } from '../oci-cli/cli-runtime.js';
import { remoteHost } from '../oci-cli/engine-host.js';

export const podmanDialect: Dialect = {
  name: 'podman',
  engineHost: (env) => remoteHost(env.CONTAINER_HOST),
};

export interface PodmanRuntimeOptions {
  /** The podman binary. Default: 'podman' from PATH. */
  binary?: string;
}

export function podmanRuntime(options: PodmanRuntimeOptions = {}): CidxPlugin {
  return definePlugin({
    name: 'podman-runtime',
    apply(hooks) {
      hooks.resolveRuntime.tapPromise({ name: 'podman-runtime', stage: 10 }, async (request) => {
        if (request.requested !== 'podman' && request.requested !== 'auto') return undefined;
        const runtime = new CliRuntime(podmanDialect, options.binary);
        if (request.requested === 'podman') return runtime;
        return (await runtime.answers()) ? runtime : undefined;
      });
    },
  });
}
