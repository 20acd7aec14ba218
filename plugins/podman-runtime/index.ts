/**
 * Serves projects with the Podman CLI. Claims `runtime: 'podman'` outright and
 * `runtime: 'auto'` when Docker did not answer and Podman does.
 */
import { STAGE } from '../../core/hooks.js';
import type { CidxPlugin } from '../../core/plugin.js';
import type { Dialect } from '../oci-cli/cli-runtime.js';
import { remoteHost } from '../oci-cli/engine-host.js';
import { cliRuntimePlugin } from '../oci-cli/runtime-plugin.js';

export const podmanDialect: Dialect = {
  name: 'podman',
  listsWithPsJson: true,
  engineHost: (env) => remoteHost(env.CONTAINER_HOST),
};

export interface PodmanRuntimeOptions {
  /** The podman binary. Default: 'podman' from PATH. */
  binary?: string;
}

export function podmanRuntime(options: PodmanRuntimeOptions = {}): CidxPlugin {
  return cliRuntimePlugin({ name: 'podman-runtime', dialect: podmanDialect, binary: options.binary, stage: STAGE.fallback });
}
