/**
 * Serves projects with the Docker CLI. Claims `runtime: 'docker'` outright and
 * `runtime: 'auto'` when the Docker engine answers (it is tried before Podman).
 */
import { STAGE } from '../../core/hooks.js';
import type { CidxPlugin } from '../../core/plugin.js';
import type { Dialect } from '../oci-cli/cli-runtime.js';
import { remoteHost } from '../oci-cli/engine-host.js';
import { cliRuntimePlugin } from '../oci-cli/runtime-plugin.js';

export const dockerDialect: Dialect = {
  name: 'docker',
  engineHost: (env) => remoteHost(env.DOCKER_HOST),
};

export interface DockerRuntimeOptions {
  /** The docker binary. Default: 'docker' from PATH. */
  binary?: string;
}

export function dockerRuntime(options: DockerRuntimeOptions = {}): CidxPlugin {
  return cliRuntimePlugin({ name: 'docker-runtime', dialect: dockerDialect, binary: options.binary, stage: STAGE.builtin });
}
