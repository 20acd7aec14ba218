/**
 * A CLI runtime's engine endpoint: the dialect's own resolution (contexts,
 * connections) when it has one, else what its older `engineHost` and
 * `engineAddress` say, so a third party's dialect keeps working unchanged.
 */
import type { EngineEndpoint } from '../../core/engine-endpoint.js';
import type { Dialect } from './dialect.js';

export function dialectEndpoint(dialect: Dialect, env: NodeJS.ProcessEnv): EngineEndpoint {
  if (dialect.endpoint) return dialect.endpoint(env);
  const host = dialect.engineHost(env);
  return { uri: dialect.engineAddress(env), host, local: host === undefined };
}

/** How `doctor` and error messages name the endpoint: `tcp://build-box:2375 (context build-box)`. */
export function endpointText(endpoint: EngineEndpoint): string {
  // A host variable shows its address itself; a context or connection is worth naming beside it.
  const how = endpoint.source && /^(context|connection) /.test(endpoint.source) && endpoint.uri !== endpoint.source ? ` (${endpoint.source})` : '';
  return `${endpoint.uri}${how}`;
}
