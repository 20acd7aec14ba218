/**
 * A remote engine publishes ports on its own machine. One bound to that
 * machine's loopback (the default `bind: '127.0.0.1'`) has no URL here: the
 * same port number on this machine is another process's, so a probe there
 * could even report a healthy service that is not. apply refuses such a
 * config before it changes anything, and says what to do.
 */
import { isLoopback, runtimeEndpoint, type EngineOf } from './engine-endpoint.js';
import { CidxError } from './errors.js';
import type { DesiredService } from './model.js';

export function assertReachablePorts(desired: readonly DesiredService[], runtime: EngineOf): void {
  const endpoint = runtimeEndpoint(runtime);
  if (endpoint.local) return;
  const bound = desired.filter((service) => service.spec.ports.length > 0 && isLoopback(service.spec.hostIp));
  if (!bound.length) return;
  const names = bound.map((service) => service.name).join(', ');
  const address = bound[0]!.spec.hostIp;
  throw new CidxError(
    'REMOTE_LOOPBACK',
    `${names} would publish ${bound.length === 1 ? 'its ports' : 'their ports'} on ${address} of ${endpoint.host} (${endpoint.uri}), ` +
      `that machine's own loopback: no URL from this machine reaches ${bound.length === 1 ? 'it' : 'them'}, and a probe here could meet an unrelated local process on the same port`,
  );
}
