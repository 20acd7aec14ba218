/**
 * The endpoint the docker CLI will talk to, resolved the way the CLI resolves
 * it (docker/cli `resolveContextName`, unchanged from 20.10 to 28): DOCKER_HOST
 * (the default context at that host), then DOCKER_CONTEXT, then the config
 * file's `currentContext` (`docker context use`), then the default socket.
 *
 * A context is read from the CLI's context store, not asked of the CLI: two
 * small files (`config.json`, `contexts/meta/<sha256 of the name>/meta.json`),
 * a well-defined layout the CLI itself reads, so resolving costs no process
 * on the hot path of `cidx port` or a no-op apply.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { endpointFromUri, type EngineEndpoint } from '../../core/engine-endpoint.js';

export const DEFAULT_DOCKER_SOCKET = 'unix:///var/run/docker.sock';

function readJson(file: string): Record<string, any> | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, any>) : undefined;
  } catch {
    return undefined;
  }
}

/** The CLI's config directory: DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), '.docker');
}

/** Which context the CLI uses, and why (`DOCKER_HOST`, `context NAME`, `default`): undefined name means the default context. */
export function dockerContextName(env: NodeJS.ProcessEnv): { name: string | undefined; source: string } {
  if (env.DOCKER_HOST) return { name: undefined, source: 'DOCKER_HOST' };
  if (env.DOCKER_CONTEXT) return env.DOCKER_CONTEXT === 'default' ? { name: undefined, source: 'context default' } : { name: env.DOCKER_CONTEXT, source: `context ${env.DOCKER_CONTEXT}` };
  const current = readJson(path.join(dockerConfigDir(env), 'config.json'))?.currentContext;
  if (typeof current === 'string' && current !== '' && current !== 'default') return { name: current, source: `context ${current}` };
  return { name: undefined, source: 'default' };
}

/** A context's Docker endpoint (`Endpoints.docker.Host` of its meta.json), or undefined if the store has no such context. */
export function contextHost(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const digest = createHash('sha256').update(name).digest('hex');
  const meta = readJson(path.join(dockerConfigDir(env), 'contexts', 'meta', digest, 'meta.json'));
  const host = meta?.Endpoints?.docker?.Host;
  return typeof host === 'string' && host !== '' ? host : undefined;
}

export function dockerEndpoint(env: NodeJS.ProcessEnv): EngineEndpoint {
  const { name, source } = dockerContextName(env);
  if (name === undefined) return endpointFromUri(env.DOCKER_HOST || DEFAULT_DOCKER_SOCKET, source);
  const host = contextHost(env, name);
  // A context the store lacks fails every CLI call with the CLI's own message; name it meanwhile.
  if (host === undefined) return { uri: `context ${name}`, host: undefined, local: true, source };
  return endpointFromUri(host, source);
}
