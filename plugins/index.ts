/**
 * The built-in plugins, in the order the CLI applies them (hook stages, not
 * this order, decide who runs first). Published as `cidx/plugins` for plugin
 * authors and embedders who compose their own list.
 */
import type { CidxPlugin } from '../core/plugin.js';
import { dockerRuntime } from './docker-runtime/index.js';
import { healthCheck } from './health-check/index.js';
import { podmanRuntime } from './podman-runtime/index.js';
import { portCache } from './port-cache/index.js';
import { preferredPortFallback } from './preferred-port-fallback/index.js';

export { dockerRuntime, podmanRuntime, portCache, preferredPortFallback, healthCheck };
export { dockerDialect, type DockerRuntimeOptions } from './docker-runtime/index.js';
export { podmanDialect, type PodmanRuntimeOptions } from './podman-runtime/index.js';
export type { PortCacheOptions } from './port-cache/index.js';

/** A fresh instance of every built-in plugin, with default options: the list the CLI and `up()` apply. */
export function builtinPlugins(): CidxPlugin[] {
  return [dockerRuntime(), podmanRuntime(), portCache(), preferredPortFallback(), healthCheck()];
}
