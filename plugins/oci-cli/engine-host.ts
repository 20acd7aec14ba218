/**
 * With a remote engine (DOCKER_HOST=tcp://build-box:2375, ssh://me@build-box,
 * CONTAINER_HOST=ssh://…) published ports live on that machine, so URLs must
 * use its host name, not the binding's loopback address.
 */
import { hostOf } from '../../core/url-host.js';

const LOCAL = new Set(['localhost', '127.0.0.1', '::1', '']);

export function remoteHost(address: string | undefined): string | undefined {
  if (!address || address.startsWith('unix:') || address.startsWith('npipe:')) return undefined;
  try {
    const host = hostOf(address);
    return LOCAL.has(host) ? undefined : host;
  } catch {
    return undefined;
  }
}
