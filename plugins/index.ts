/** The built-in plugins, in the order the CLI applies them (hook stages, not this order, decide who runs first). */
import type { CidxPlugin } from '../core/plugin.js';
import { dockerRuntime } from './docker-runtime/index.js';
import { healthCheck } from './health-check/index.js';
import { podmanRuntime } from './podman-runtime/index.js';
import { portCache } from './port-cache/index.js';
import { preferredPortFallback } from './preferred-port-fallback/index.js';

export { dockerRuntime, podmanRuntime, portCache, preferredPortFallback, healthCheck };

export function builtinPlugins(): CidxPlugin[] {
  return [dockerRuntime(), podmanRuntime(), portCache(), preferredPortFallback(), healthCheck()];
}
