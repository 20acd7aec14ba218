/**
 * Serves projects with the Docker CLI. Claims `runtime: 'docker'` outright and
 * `runtime: 'auto'` when the Docker engine answers (it is tried before Podman).
 * Everything Docker-specific is in this dialect; the CLI code is shared.
 */
import { STAGE } from '../../core/hooks.js';
import type { CidxPlugin } from '../../core/plugin.js';
import type { Dialect } from '../oci-cli/dialect.js';
import { endpointText } from '../oci-cli/endpoint.js';
import { dockerEndpoint } from './context.js';
import { cliRuntimePlugin } from '../oci-cli/runtime-plugin.js';

export const dockerDialect: Dialect = {
  name: 'docker',
  engineHost: (env) => dockerEndpoint(env).host,
  endpoint: dockerEndpoint,
  engineAddress: (env) => endpointText(dockerEndpoint(env)),
  // SecurityOptions holds "name=rootless" on a rootless daemon.
  parseInfo: (info) => ({
    serverVersion: info.ServerVersion,
    rootless: Array.isArray(info.SecurityOptions) ? info.SecurityOptions.some((option: string) => option.includes('rootless')) : undefined,
  }),
  cliEnvNames: /^(DOCKER|BUILDKIT)_/i,
  volumeLabelsOnRun: true,
  rmKeepsVolumesMountedByName: true,
  errors: {
    // `docker run` prefixes its errors with its own name: "docker: Error response from daemon: …".
    errorStart: /^docker: /i,
    unreachable: /cannot connect to the docker daemon|is the docker daemon running/i,
    permissionDenied: /permission denied.*(docker daemon socket|docker\.sock)/i,
    hints: {
      RUNTIME_UNAVAILABLE: 'Install Docker or Podman, start its daemon, or choose one with `--runtime docker|podman`.',
      ENGINE_UNAVAILABLE:
        'Check that the engine is still running (`docker info`, `systemctl status docker`), then run `cidx apply` again: it picks up where this one stopped.',
      RUNTIME_PERMISSION: 'Add your user to the `docker` group (then log in again), or use rootless Podman.',
      // Docker carves a /16 or /20 per network from a few default pools: about 30 networks in all.
      NETWORK_POOL_EXHAUSTED:
        'Remove networks nothing uses (`cidx prune`, `docker network prune`), or give the engine more, smaller pools: ' +
        '`default-address-pools` in /etc/docker/daemon.json (e.g. {"base":"10.201.0.0/16","size":24}).',
      IMAGE_UNAVAILABLE: 'Check the image name and tag, your network, and `docker login` for private registries.',
    },
  },
};

export interface DockerRuntimeOptions {
  /** The docker binary. Default: 'docker' from PATH. */
  binary?: string;
}

export function dockerRuntime(options: DockerRuntimeOptions = {}): CidxPlugin {
  return cliRuntimePlugin({ name: 'docker-runtime', dialect: dockerDialect, binary: options.binary, stage: STAGE.builtin });
}
