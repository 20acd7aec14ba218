/**
 * With a remote engine (DOCKER_HOST=tcp://build-box:2375, ssh://me@build-box,
 * CONTAINER_HOST=ssh://…) published ports live on that machine, so URLs must
 * use its host name, not the binding's loopback address. An address that
 * names this machine (loopback, its host name, an interface's address) is local.
 */
import { endpointFromUri } from '../../core/engine-endpoint.js';

export function remoteHost(address: string | undefined): string | undefined {
  return address ? endpointFromUri(address).host : undefined;
}
