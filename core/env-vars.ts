/**
 * Every service's host, port and URL as environment variables, e.g.
 * CIDX_QDRANT_HTTP_PORT=41234: what `cidx env` prints and what the
 * programmatic API's `stack.env()` returns, so both always agree.
 */
import type { PortReport } from './model.js';
import { hostOf } from './url-host.js';

const key = (...parts: string[]) => ['CIDX', ...parts].join('_').toUpperCase().replace(/[^A-Z0-9_]/g, '_');

/** A service and its ports: `cidx env` passes lookups, the API a report's services. */
export interface ServicePorts {
  service: { name: string };
  ports: PortReport[];
}

export function envVariables(services: ServicePorts[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const { service, ports } of services) {
    for (const port of ports) {
      if (port.host === null || !port.url) continue;
      vars[key(service.name, port.name, 'HOST')] = hostOf(port.url);
      vars[key(service.name, port.name, 'PORT')] = String(port.host);
      vars[key(service.name, port.name, 'URL')] = port.url;
    }
  }
  return vars;
}
