/**
 * Every service's host, port and URL as environment variables, e.g.
 * CIDX_QDRANT_HTTP_PORT=41234: what `cidx env` prints and what the
 * programmatic API's `stack.env()` returns, so both always agree.
 */
import { ENV_SUFFIXES, envPrefix } from '../schemas/env-names.js';
import { CidxError } from './errors.js';
import type { PortReport } from './model.js';
import { hostOf } from './url-host.js';

/** A service and its ports: `cidx env` passes lookups, the API a report's services. */
export interface ServicePorts {
  service: { name: string };
  ports: PortReport[];
}

/**
 * The variables, in a null-prototype object (names come from the config).
 * Config validation refuses two ports with one prefix; should two still meet
 * (a config validated by an older cidx), this refuses rather than let one
 * port's values silently replace the other's.
 */
export function envVariables(services: ServicePorts[]): Record<string, string> {
  const vars: Record<string, string> = Object.create(null);
  const owners = new Map<string, string>();
  for (const { service, ports } of services) {
    for (const port of ports) {
      if (port.host === null || !port.url) continue;
      const prefix = envPrefix(service.name, port.name);
      const owner = `port "${port.name}" of service "${service.name}"`;
      const earlier = owners.get(prefix);
      if (earlier) {
        throw new CidxError('CONFIG_INVALID', `${earlier} and ${owner} would both be ${prefix}_${ENV_SUFFIXES.join('/')}`, {
          hint: 'Rename one of them: names that differ only in case or in "-" and "_" give the same variables.',
        });
      }
      owners.set(prefix, owner);
      const values: Record<(typeof ENV_SUFFIXES)[number], string> = { HOST: hostOf(port.url), PORT: String(port.host), URL: port.url };
      for (const suffix of ENV_SUFFIXES) vars[`${prefix}_${suffix}`] = values[suffix];
    }
  }
  return vars;
}
