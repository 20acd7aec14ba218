/**
 * Where the engine a runtime talks to runs, as far as the core needs to know
 * it: on this machine, or on another one whose published ports this machine
 * reaches at `host`. The runtime resolves it (the engine's host variable, a
 * Docker context, a Podman connection); the core only reads it, to build
 * URLs that work from here and to key per-engine state (the port cache, the
 * project lock), so one project on two engines never shares either.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';

export interface EngineEndpoint {
  /** Where the engine's CLI sends its calls: `unix:///var/run/docker.sock`, `tcp://build-box:2375`, `ssh://me@build-box`. */
  uri: string;
  /** The engine's machine as URLs to its published ports name it (`build-box`); undefined for a local engine. */
  host: string | undefined;
  /** The engine runs on this machine: its published ports are this machine's ports. */
  local: boolean;
  /** How the endpoint was chosen, for `doctor`: `DOCKER_HOST`, `context build-box`, `connection vm`, `default`. */
  source?: string;
}

/** What of a runtime tells where its engine is; `name` tells two derived endpoints apart. */
export interface EngineOf {
  name?: string;
  engineHost: string | undefined;
  endpoint?: EngineEndpoint;
}

/** Host names and addresses that always mean this machine. */
const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '::1', '']);

/** True for an address only this machine's own processes reach: 127.0.0.0/8, ::1. */
export function isLoopback(address: string): boolean {
  return address === '::1' || address === 'localhost' || /^127\./.test(address) || /^::ffff:127\./i.test(address);
}

/** True when `host` names this machine: loopback, its host name, or an address of one of its interfaces. */
export function isThisMachine(host: string): boolean {
  if (LOCAL_NAMES.has(host) || isLoopback(host)) return true;
  if (host.toLowerCase() === os.hostname().toLowerCase()) return true;
  return Object.values(os.networkInterfaces()).some((addresses) => addresses?.some((entry) => entry.address === host));
}

/**
 * The endpoint for an engine address (`tcp://…`, `ssh://…`, `unix://…`):
 * a socket is local; a network address is local only when it names this
 * machine. `source` says where the address came from.
 */
export function endpointFromUri(uri: string, source?: string): EngineEndpoint {
  const how = source ? { source } : {};
  if (/^(unix|npipe|fd):/i.test(uri) || !uri.includes('://')) return { uri, host: undefined, local: true, ...how };
  let host: string;
  try {
    host = new URL(uri).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return { uri, host: undefined, local: true, ...how };
  }
  return isThisMachine(host) ? { uri, host: undefined, local: true, ...how } : { uri, host, local: false, ...how };
}

/**
 * The runtime's endpoint. Runtimes written before endpoints existed report
 * only `engineHost`; their endpoint is derived from it (named by the runtime,
 * so two such runtimes never share a key).
 */
export function runtimeEndpoint(runtime: EngineOf): EngineEndpoint {
  if (runtime.endpoint) return runtime.endpoint;
  return runtime.engineHost ? { uri: `${runtime.name ?? 'engine'}://${runtime.engineHost}`, host: runtime.engineHost, local: false } : { uri: `${runtime.name ?? 'engine'}://local`, host: undefined, local: true };
}

/**
 * A short, file-name-safe key for per-engine state. The runtime's name is
 * part of it: the same socket spoken to by two CLIs is rare, and two
 * runtimes' local engines ("local") must not collide.
 */
export function endpointKey(runtime: EngineOf): string {
  const { uri } = runtimeEndpoint(runtime);
  return createHash('sha256').update(`${runtime.name ?? ''}\n${uri}`).digest('hex').slice(0, 12);
}

/**
 * The project lock's file name: one lock per project and engine, so applies
 * of one project to two engines run side by side, and two to one take turns.
 */
export function projectLockName(projectId: string, runtime: EngineOf): string {
  return `${projectId}@${endpointKey(runtime)}.lock`;
}
