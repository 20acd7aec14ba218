/**
 * `cidx/oci-cli`: the base for runtime plugins over an OCI engine's CLI
 * (nerdctl, a remote engine's client, a wrapper script). Docker and Podman
 * are built from these same parts: a `Dialect` object and `cliRuntimePlugin`.
 *
 *   import { cliRuntimePlugin, remoteHost, type Dialect } from 'cidx/oci-cli';
 *   const dialect: Dialect = { name: 'nerd', engineHost: …, engineAddress: …, parseInfo: … };
 *   export const nerdRuntime = () => cliRuntimePlugin({ dialect });
 */
export { CliRuntime, publishArg, type CliOptions, type CliResult } from './cli-runtime.js';
export type { Dialect, EngineErrors, EngineInfo } from './dialect.js';
export { cliRuntimePlugin, type CliRuntimePluginOptions } from './runtime-plugin.js';
export { classifyFailure, engineError, namesMissingImage, portRefusal, type Failure } from './failures.js';
export { passEnv, fitsEnvFile, type PassedEnv } from './env-passing.js';
export { remoteHost } from './engine-host.js';
export { parseInspect, parseAnonymousVolumes } from './inspect.js';
export { parsePsJson } from './ps-json.js';
export { cdiGpuArgs, dockerGpuArgs, containerKeyArgs } from './run-args.js';
