/**
 * Serves projects with the Docker CLI. Claims `runtime: 'docker'` outright and
 * `runtime: 'auto'` when the Docker engine answers (it is tried before Podman).
 */
import { definePlugin, type CidxPlugin } from '../../core/plugin.js';
import { CliRuntime, type Dialect } from '../oci-cli/cli-runtime.js';
import { remoteHost } from '../oci-cli/engine-host.js';

export const dockerDialect: Dialect = {
  name: 'docker',
  engineHost: (env) => remoteHost(env.DOCKER_HOST),
};

export interface DockerRuntimeOptions {
  /** The docker binary. Default: 'docker' from PATH. */
  binary?: string;
}

export function dockerRuntime(options: DockerRuntimeOptions = {}): CidxPlugin {
  return definePlugin({
    name: 'docker-runtime',
    apply(hooks) {
      hooks.resolveRuntime.tapPromise({ name: 'docker-runtime', stage: 0 }, async (request) => {
        if (request.requested !== 'docker' && request.requested !== 'auto') return undefined;
        const runtime = new CliRuntime(dockerDialect, options.binary);
        // Asked by name: no probe, the first real call reports an unreachable engine with its reason.
        if (request.requested === 'docker') return runtime;
        return (await runtime.answers()) ? runtime : undefined;
      });
    },
  });
}
