/**
 * One Compose service → one cidx service, plus what belongs elsewhere in the
 * config (preferred host ports, the named volumes it uses, the dependencies
 * that must run to completion). Pure: what cannot be expressed is handed to
 * `skip` with the reason, never thrown.
 */
import { convertHealth } from './health.js';
import { interpolate } from './interpolate.js';
import { Code, Entries, type Value } from './model.js';
import { parsePort, portName, type PortSpec } from './ports.js';
import { resources } from './resources.js';
import { GENERIC_REASON, IGNORED, UNSUPPORTED } from './unsupported.js';
import { parseVolume, volumeName } from './volumes.js';
import { splitWords } from './words.js';

export interface ServiceInput {
  /** The service's name in the Compose file (a health check may address it by that name). */
  composeName: string;
  /** The Compose service, after `extends` and merge keys. */
  raw: Record<string, unknown>;
  /** Compose service name → cidx service name, for `depends_on`. */
  names: Map<string, string>;
  /** The image a `build:`-only service gets: Compose's own default tag, `<project>-<service>`. */
  builtImage: string;
  /** Top-level `volumes` definitions, to spot external ones. */
  topVolumes: Record<string, unknown>;
  skip: (key: string, reason: string) => void;
}

export interface ServiceOutput {
  service: Record<string, Value>;
  /** Port name → host port Compose fixed. */
  preferred: Record<string, number | Code>;
  /** cidx volume name → Compose volume name, for the ones this service mounts. */
  volumes: Map<string, string>;
  /** Dependencies (cidx names) Compose waits on to complete successfully: they become jobs. */
  completedDependencies: string[];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === 'string' ? value : String(value));
/** Compose envs: `env.VAR` as a property access, the name quoted when it is not an identifier. */
const envRead = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? `process.env.${name}` : `process.env[${JSON.stringify(name)}]`);

/** `command`/`entrypoint`: a list stays a list; a string is split into words as Compose does. */
function argv(value: unknown): Value[] | undefined {
  const words = typeof value === 'string' ? splitWords(value) : Array.isArray(value) ? value.map(text) : undefined;
  return words?.map((word) => interpolate(word));
}

/** `KEY=value` lists and maps alike → a record; `split` cuts one list entry into key and value. */
function keyValues(value: unknown, split: (entry: string) => [string, string | undefined]): Array<[string, unknown]> {
  if (Array.isArray(value)) return value.map((entry) => split(text(entry)));
  if (isRecord(value)) return Object.entries(value);
  return [];
}

const atEquals = (entry: string): [string, string | undefined] => {
  const at = entry.indexOf('=');
  return at === -1 ? [entry, undefined] : [entry.slice(0, at), entry.slice(at + 1)];
};

function environment(value: unknown): Record<string, Value> {
  const env: Record<string, Value> = {};
  for (const [key, raw] of keyValues(value, atEquals)) {
    // A bare `KEY` (or `KEY:` with no value) passes the variable through from the shell.
    if (raw === undefined || raw === null) env[key] = new Code(`${envRead(key)} ?? ''`);
    else if (typeof raw === 'number' || typeof raw === 'boolean') env[key] = raw;
    else env[key] = interpolate(text(raw));
  }
  return env;
}

const RESTART = new Set(['no', 'always', 'on-failure', 'unless-stopped']);

export function convertService(input: ServiceInput): ServiceOutput {
  const { raw, skip } = input;
  const out: Record<string, Value> = {};
  const preferred: Record<string, number | Code> = {};
  const volumes = new Map<string, string>();
  const completedDependencies: string[] = [];

  if (typeof raw.image === 'string' && raw.image) out.image = interpolate(raw.image);
  else out.image = input.builtImage;
  if (raw.build !== undefined && typeof raw.image !== 'string') {
    skip('build', `${UNSUPPORTED.build}; the config names the image \`${input.builtImage}\`, Compose's default tag for it`);
  } else if (raw.build !== undefined) skip('build', UNSUPPORTED.build!);

  const entrypoint = raw.entrypoint === undefined || raw.entrypoint === null ? undefined : argv(raw.entrypoint);
  if (entrypoint && entrypoint.length) out.entrypoint = entrypoint;
  else if (entrypoint) skip('entrypoint', 'an empty entrypoint (clearing the image\'s) is not supported');
  const command = raw.command === undefined || raw.command === null ? undefined : argv(raw.command);
  if (command && command.length) out.command = command;

  // Ports first: health probes refer to them by name.
  const ports: Record<string, Value> = {};
  const byContainer = new Map<string, string>();
  const taken = new Set<string>();
  const rawPorts = Array.isArray(raw.ports) ? raw.ports : raw.ports === undefined ? [] : [raw.ports];
  rawPorts.forEach((entry, index) => {
    const parsed = parsePort(entry);
    if ('error' in parsed) return skip(`ports[${index}]`, parsed.error);
    if (parsed.note) skip(`ports[${index}]`, parsed.note);
    for (const spec of parsed.ports) addPort(spec, index);
  });
  function addPort(spec: PortSpec, index: number): void {
    const key = `${spec.container}/${spec.protocol}`;
    const existing = byContainer.get(key);
    if (existing) {
      skip(`ports[${index}]`, `container port ${key} is published twice; cidx publishes each container port once (kept as "${existing}")`);
      return;
    }
    const name = portName(spec, taken);
    taken.add(name);
    byContainer.set(key, name);
    ports[name] = spec.protocol === 'udp' ? `${spec.container}/udp` : spec.container;
    if (spec.host !== undefined) preferred[name] = spec.host;
    if (spec.hostIp && !['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost'].includes(spec.hostIp)) {
      skip(`ports[${index}]`, `bound to ${spec.hostIp} in Compose; cidx publishes every port on \`bind\` (127.0.0.1 unless the config says otherwise)`);
    }
  }
  if (Object.keys(ports).length) out.ports = ports;

  if (raw.environment !== undefined) {
    const env = environment(raw.environment);
    if (Object.keys(env).length) out.env = env;
  }
  if (raw.env_file !== undefined) {
    const files = (Array.isArray(raw.env_file) ? raw.env_file : [raw.env_file]).map((entry) => (isRecord(entry) ? entry.path : entry));
    out.envFile = files.filter((file): file is string => typeof file === 'string').map((file) => interpolate(file));
  }

  const named: Record<string, Value> = {};
  const mounts: Array<[string | Code, Value]> = [];
  const tmpfs: Value[] = [];
  const rawVolumes = Array.isArray(raw.volumes) ? raw.volumes : [];
  rawVolumes.forEach((entry, index) => {
    const volume = parseVolume(entry);
    const key = `volumes[${index}]`;
    switch (volume.kind) {
      case 'error':
        return skip(key, volume.error);
      case 'anonymous':
        return skip(key, `an anonymous volume at ${volume.target}: cidx has named volumes only; name one under \`volumes\` if its data should survive a recreate`);
      case 'tmpfs':
        tmpfs.push(volume.size ? `${volume.target}:size=${volume.size}` : volume.target);
        return;
      case 'bind':
        mounts.push([volume.source, volume.readOnly ? `${volume.target}:ro` : volume.target]);
        return;
      case 'volume': {
        const name = volumeName(volume.name);
        named[name] = volume.target;
        volumes.set(name, volume.name);
        if (volume.readOnly) skip(key, `volume "${volume.name}" is mounted read-write: cidx has no read-only named volumes`);
        const declared = input.topVolumes[volume.name];
        if (isRecord(declared) && declared.external) {
          skip(key, `"${volume.name}" is an external volume: cidx creates its own project-scoped volume "${name}"; copy the data over if you need it`);
        } else if (isRecord(declared) && (declared.driver_opts || (declared.driver && declared.driver !== 'local'))) {
          skip(key, `volume "${volume.name}" has a driver or driver_opts: cidx creates plain local volumes (for a host directory, use \`mounts\`)`);
        }
        return;
      }
    }
  });
  if (Object.keys(named).length) out.volumes = named;
  if (mounts.length) out.mounts = mounts.every(([source]) => typeof source === 'string') ? Object.fromEntries(mounts as Array<[string, Value]>) : new Entries(mounts);
  const rawTmpfs = raw.tmpfs === undefined ? [] : Array.isArray(raw.tmpfs) ? raw.tmpfs : [raw.tmpfs];
  tmpfs.push(...rawTmpfs.map(text));
  if (tmpfs.length) out.tmpfs = tmpfs;

  if (isRecord(raw.healthcheck)) {
    const result = convertHealth(raw.healthcheck, (port) => byContainer.get(`${port}/tcp`), input.composeName);
    if (result.error) skip('healthcheck', result.error);
    if (result.health !== undefined) out.health = result.health;
  }

  const dependsOn: string[] = [];
  for (const [dependency, spec] of Array.isArray(raw.depends_on) ? raw.depends_on.map((name) => [text(name), {}] as const) : Object.entries(isRecord(raw.depends_on) ? raw.depends_on : {})) {
    const name = input.names.get(dependency);
    if (!name) {
      skip('depends_on', `unknown service "${dependency}"`);
      continue;
    }
    dependsOn.push(name);
    if (isRecord(spec) && spec.condition === 'service_completed_successfully') completedDependencies.push(name);
  }
  if (dependsOn.length) out.dependsOn = dependsOn;

  if (Array.isArray(raw.profiles) && raw.profiles.length) out.profiles = raw.profiles.map(text);

  const restart = restartPolicy(raw, skip);
  if (restart) out.restart = restart;
  if (raw.user !== undefined) out.user = interpolate(text(raw.user));
  if (raw.working_dir !== undefined) out.workdir = interpolate(text(raw.working_dir));

  const labels = keyValues(raw.labels, atEquals);
  if (labels.length) out.labels = Object.fromEntries(labels.map(([key, value]) => [key, interpolate(value === undefined || value === null ? '' : text(value))]));
  const hosts = keyValues(raw.extra_hosts, (entry) => {
    // "host:ip" or "host=ip"; an IPv6 address holds colons, a host name never does.
    const at = entry.search(/[=:]/);
    return at === -1 ? [entry, undefined] : [entry.slice(0, at), entry.slice(at + 1)];
  });
  if (hosts.length) out.extraHosts = Object.fromEntries(hosts.map(([host, ip]) => [host, interpolate(text(ip ?? '').replace(/^\[(.*)\]$/, '$1'))]));

  const limits = resources(raw, skip);
  if (limits.resources) out.resources = limits.resources;
  if (limits.gpus !== undefined) out.gpus = limits.gpus;

  const handled = new Set([
    'image', 'build', 'entrypoint', 'command', 'ports', 'environment', 'env_file', 'volumes', 'tmpfs', 'healthcheck', 'depends_on',
    'profiles', 'restart', 'user', 'working_dir', 'labels', 'extra_hosts', 'deploy', 'mem_limit', 'cpus', 'shm_size', 'gpus', 'extends',
  ]);
  for (const [key, value] of Object.entries(raw)) {
    if (handled.has(key) || key.startsWith('x-') || IGNORED.has(key)) continue;
    if (key === 'networks' && isDefaultNetworkOnly(value)) continue;
    if (key === 'network_mode' && value === 'bridge') continue;
    if (key === 'init' && value === false) continue;
    const reason = Object.hasOwn(UNSUPPORTED, key) ? UNSUPPORTED[key]! : GENERIC_REASON;
    skip(key, key === 'network_mode' ? `network_mode: ${text(value)}: ${reason}` : reason);
  }
  return { service: out, preferred, volumes, completedDependencies };
}

function isDefaultNetworkOnly(value: unknown): boolean {
  const names = Array.isArray(value) ? value.map(text) : isRecord(value) ? Object.keys(value) : [];
  return names.every((name) => name === 'default');
}

function restartPolicy(raw: Record<string, unknown>, skip: ServiceInput['skip']): string | undefined {
  const condition = isRecord(raw.deploy) && isRecord(raw.deploy.restart_policy) ? raw.deploy.restart_policy.condition : undefined;
  if (raw.restart === undefined && condition !== undefined) {
    const mapped = ({ any: 'always', 'on-failure': 'on-failure', none: 'no' } as Record<string, string>)[text(condition)];
    if (!mapped) skip('deploy.restart_policy', `unknown condition ${JSON.stringify(condition)}`);
    return mapped;
  }
  if (raw.restart === undefined) return undefined;
  // YAML 1.1 writers sometimes leave `restart: no` as a boolean.
  const value = raw.restart === false ? 'no' : text(raw.restart);
  const [policy, retries] = value.split(':');
  if (!RESTART.has(policy!)) {
    skip('restart', `unknown policy "${value}"; expected no, always, on-failure or unless-stopped`);
    return undefined;
  }
  if (retries !== undefined) skip('restart', `"${value}": cidx has no retry count; kept as on-failure`);
  return policy;
}
