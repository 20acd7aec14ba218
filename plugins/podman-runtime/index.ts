/**
 * Serves projects with the Podman CLI. Claims `runtime: 'podman'` outright and
 * `runtime: 'auto'` when Docker did not answer and Podman does. Everything
 * Podman-specific is in this dialect; the CLI code is shared.
 */
import { STAGE } from '../../core/hooks.js';
import type { CidxPlugin } from '../../core/plugin.js';
import type { Dialect } from '../oci-cli/dialect.js';
import { cdiGpuArgs } from '../oci-cli/run-args.js';
import { endpointText } from '../oci-cli/endpoint.js';
import { LOCAL_PODMAN, podmanEndpoint } from './connection.js';
import { cliRuntimePlugin } from '../oci-cli/runtime-plugin.js';

/**
 * Podman picks a free subnet by listing the host's interfaces; one removed
 * meanwhile (another project's network going away) fails the create with
 * Go's "route ip+net: no such network interface". Asking again succeeds.
 */
const INTERFACE_VANISHED = /no such network interface/i;

export const podmanDialect: Dialect = {
  name: 'podman',
  // Podman serialises concurrent calls on its lock, so one `ps --format json` beats `ps` plus `inspect`.
  listsWithPsJson: true,
  engineHost: (env) => podmanEndpoint(env).host,
  endpoint: podmanEndpoint,
  engineAddress: (env) => {
    const endpoint = podmanEndpoint(env);
    return endpoint.uri === LOCAL_PODMAN ? 'the local Podman engine' : endpointText(endpoint);
  },
  parseInfo: (info) => ({ serverVersion: info.version?.Version, rootless: info.host?.security?.rootless }),
  // Podman expands `--env NAME*` from its own environment, so a `*` is no plain name either.
  cliEnvNames: /^(CONTAINER|CONTAINERS|PODMAN|BUILDAH|STORAGE|_CONTAINERS)_|^REGISTRY_AUTH_FILE$|\*/i,
  // Podman 4 refuses `--add-host name:host-gateway` ("invalid IP address"), and takes `--gpus` but ignores it.
  hostGateway: 'network',
  defaultNetwork: 'podman',
  gpuArgs: cdiGpuArgs,
  retries: (args, error) => args[0] === 'network' && args[1] === 'create' && INTERFACE_VANISHED.test(error.details.join('\n')),
  errors: {
    unreachable: /cannot connect to podman|unable to connect to podman/i,
    permissionDenied: /permission denied.*podman\.sock/i,
    hints: {
      RUNTIME_UNAVAILABLE: 'Install Docker or Podman, start its daemon, or choose one with `--runtime docker|podman`.',
      ENGINE_UNAVAILABLE:
        'Check that the engine is still running (`podman info`), then run `cidx apply` again: it picks up where this one stopped.',
      RUNTIME_PERMISSION: 'Use rootless Podman, or run cidx as a user who may open the Podman socket.',
      NETWORK_POOL_EXHAUSTED:
        'Remove networks nothing uses (`cidx prune`, `podman network prune`), or give the engine more, smaller pools: ' +
        '`default_subnet_pools` in containers.conf (e.g. {"base"="10.201.0.0/16", "size"=24}).',
      IMAGE_UNAVAILABLE: 'Check the image name and tag, your network, and `podman login` for private registries.',
    },
  },
};

export interface PodmanRuntimeOptions {
  /** The podman binary. Default: 'podman' from PATH. */
  binary?: string;
}

export function podmanRuntime(options: PodmanRuntimeOptions = {}): CidxPlugin {
  return cliRuntimePlugin({ name: 'podman-runtime', dialect: podmanDialect, binary: options.binary, stage: STAGE.fallback });
}
