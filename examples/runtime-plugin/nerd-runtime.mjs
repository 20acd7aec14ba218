/**
 * nerd-runtime: a runtime plugin for a third engine, built only from cidx's
 * public exports. `runtime: 'nerd'` in a config (or `--runtime nerd`) runs
 * every container through the `nerd` CLI; the shared OCI-CLI code does the
 * rest, and this file says only how `nerd` differs: its dialect.
 *
 *   plugins: [nerdRuntime({ binary: '/opt/nerd/bin/nerd' })]
 */
import { cliRuntimePlugin, remoteHost } from 'cidx/oci-cli';

/** @type {import('cidx/oci-cli').Dialect} */
export const nerdDialect = {
  name: 'nerd',
  // `nerd` reaches its engine as the Docker CLI does: published ports of a remote engine live on its host.
  engineHost: (env) => remoteHost(env.DOCKER_HOST),
  engineAddress: (env) => env.DOCKER_HOST ?? 'unix:///var/run/docker.sock',
  parseInfo: (info) => ({
    serverVersion: info.ServerVersion,
    rootless: Array.isArray(info.SecurityOptions) ? info.SecurityOptions.some((/** @type {string} */ o) => o.includes('rootless')) : undefined,
  }),
  // Variables the CLI reads itself: never handed to it as a service's `--env NAME`.
  cliEnvNames: /^(DOCKER|NERD)_/i,
  errors: {
    errorStart: /^docker: /i,
    unreachable: /cannot connect to the docker daemon/i,
    hints: {
      RUNTIME_UNAVAILABLE: 'Put `nerd` on PATH (or pass `binary` to nerdRuntime) and start the engine behind it.',
      IMAGE_UNAVAILABLE: 'Check the image name and tag, and `nerd login` for private registries.',
    },
  },
};

/**
 * @typedef {object} NerdRuntimeOptions
 * @property {string} [binary] The `nerd` CLI. Default: 'nerd' from PATH.
 * @property {boolean} [auto] Try `nerd` for `runtime: 'auto'`, after the built-in runtimes. Default: false.
 */

/**
 * @param {NerdRuntimeOptions} [options]
 * @returns {import('cidx').CidxPlugin}
 */
export function nerdRuntime(options = {}) {
  return cliRuntimePlugin({ name: 'nerd-runtime', dialect: nerdDialect, binary: options.binary, auto: options.auto ?? false });
}
