/**
 * The endpoint the podman CLI will talk to. On Linux, podman runs containers
 * itself unless told to be a client: CONTAINER_HOST (a URL) or
 * CONTAINER_CONNECTION (a name from `podman system connection add`), either
 * of which implies `--remote`. A connection is looked up where podman keeps
 * it: `podman-connections.json` (Podman 5) or the `[engine.service_destinations]`
 * tables of containers.conf (Podman 4), read as files rather than asked of
 * the CLI, so resolving costs no process.
 *
 * Not covered: `remote = true` in containers.conf with its `active_service`,
 * and the podman-remote binary's default connection (see docs/remote-engines.md).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { endpointFromUri, type EngineEndpoint } from '../../core/engine-endpoint.js';

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function configHome(env: NodeJS.ProcessEnv): string {
  return env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
}

/** containers.conf files in podman's order, later ones overriding earlier ones. */
export function containersConfFiles(env: NodeJS.ProcessEnv): string[] {
  if (env.CONTAINERS_CONF) return [env.CONTAINERS_CONF];
  return ['/usr/share/containers/containers.conf', '/etc/containers/containers.conf', path.join(configHome(env), 'containers', 'containers.conf')];
}

/**
 * The `uri` of `[engine.service_destinations.NAME]` in a containers.conf text.
 * A line-level reading of the one table shape podman writes, not a TOML parser.
 */
export function serviceDestinationUri(text: string, name: string): string | undefined {
  let inTable = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const header = /^\[\s*engine\.service_destinations\.(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*\]$/.exec(line);
    if (header) {
      inTable = (header[1] ?? header[2] ?? header[3]) === name;
      continue;
    }
    if (line.startsWith('[')) {
      inTable = false;
      continue;
    }
    const uri = inTable ? /^uri\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(line) : null;
    if (uri) return uri[1] ?? uri[2];
  }
  return undefined;
}

/** A named connection's URI: podman-connections.json first (Podman 5), then containers.conf (Podman 4), last file winning. */
export function connectionUri(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const json = read(path.join(configHome(env), 'containers', 'podman-connections.json'));
  if (json) {
    try {
      const uri = JSON.parse(json)?.Connection?.Connections?.[name]?.URI;
      if (typeof uri === 'string' && uri) return uri;
    } catch {
      // unreadable: podman itself will complain; fall through to containers.conf
    }
  }
  let found: string | undefined;
  for (const file of containersConfFiles(env)) {
    const text = read(file);
    const uri = text === undefined ? undefined : serviceDestinationUri(text, name);
    if (uri) found = uri;
  }
  return found;
}

/** A local podman has no socket of its own to name: its endpoint is this machine's podman. */
export const LOCAL_PODMAN = 'podman://local';

export function podmanEndpoint(env: NodeJS.ProcessEnv): EngineEndpoint {
  if (env.CONTAINER_HOST) return endpointFromUri(env.CONTAINER_HOST, 'CONTAINER_HOST');
  if (env.CONTAINER_CONNECTION) {
    const name = env.CONTAINER_CONNECTION;
    const uri = connectionUri(env, name);
    // An unknown connection fails every CLI call with podman's own message; name it meanwhile.
    if (uri === undefined) return { uri: `connection ${name}`, host: undefined, local: true, source: `connection ${name}` };
    return endpointFromUri(uri, `connection ${name}`);
  }
  return { uri: LOCAL_PODMAN, host: undefined, local: true, source: 'default' };
}
