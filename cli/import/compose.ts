/**
 * A Compose file → a cidx config model (see model.ts) and the list of what
 * was left out. Pure: parsing YAML is the only step that can throw. The
 * emitter (emit.ts) turns the model into TypeScript.
 */
import { parseDocument } from 'yaml';
import { CidxError } from '../../core/errors.js';
import { hasVariables } from './interpolate.js';
import { Commented, type Conversion, FILE_LEVEL, type Skipped, type Value } from './model.js';
import { convertService } from './service.js';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses Compose YAML with merge keys (`<<: *defaults`) and anchors, as Compose does. */
export function parseCompose(text: string, file: string): Record<string, unknown> {
  const document = parseDocument(text, { merge: true, prettyErrors: true });
  if (document.errors.length) {
    throw new CidxError('COMPOSE_INVALID', `${file} is not valid YAML`, { details: document.errors.map((error) => error.message.split('\n')[0]!) });
  }
  const value: unknown = document.toJS({ maxAliasCount: 10_000 });
  if (!isRecord(value) || !isRecord(value.services)) {
    throw new CidxError('COMPOSE_INVALID', `${file} has no \`services\` mapping`, { hint: 'Point `cidx import` at a Compose file (compose.yaml or docker-compose.yml).' });
  }
  return value;
}

/** A name as cidx accepts it: letters, digits, '-' and '_', starting with a letter or digit. */
export function cidxName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 63) || 'service';
}

const TOP_LEVEL_IGNORED = new Set(['version', 'name', 'services', 'volumes', 'networks', 'secrets', 'configs']);

export interface ConvertOptions {
  /** The project name when the file has no `name:`: the directory's name, as Compose uses. */
  directoryName: string;
}

export function convertCompose(compose: Record<string, unknown>, options: ConvertOptions): Conversion {
  const skipped: Skipped[] = [];
  const services = compose.services as Record<string, unknown>;
  const topVolumes = isRecord(compose.volumes) ? compose.volumes : {};
  const project = typeof compose.name === 'string' && !hasVariables(compose.name) ? compose.name : options.directoryName;

  const names = new Map<string, string>();
  const used = new Set<string>();
  for (const name of Object.keys(services)) {
    let candidate = cidxName(name);
    for (let n = 2; used.has(candidate); n++) candidate = `${cidxName(name)}-${n}`;
    used.add(candidate);
    names.set(name, candidate);
    if (candidate !== name) skipped.push({ service: name, key: 'name', reason: `renamed to "${candidate}": cidx service names are letters, digits, '-' and '_'` });
  }

  const out: Record<string, Record<string, Value>> = {};
  const preferredPorts: Record<string, Value> = {};
  const volumeUsers = new Map<string, Set<string>>();
  const jobs = new Set<string>();
  for (const [composeName, name] of names) {
    const skip = (key: string, reason: string) => skipped.push({ service: composeName, key, reason });
    const raw = resolveExtends(services, composeName, skip, []);
    const converted = convertService({ composeName, raw, names, builtImage: `${cidxName(project).toLowerCase()}-${name.toLowerCase()}`, topVolumes, skip });
    out[name] = converted.service;
    if (Object.keys(converted.preferred).length) preferredPorts[name] = converted.preferred;
    for (const volume of converted.volumes.keys()) {
      if (!volumeUsers.has(volume)) volumeUsers.set(volume, new Set());
      volumeUsers.get(volume)!.add(name);
    }
    for (const dependency of converted.completedDependencies) jobs.add(dependency);
  }
  // Compose's `service_completed_successfully` is cidx's one-shot service: it runs to exit 0 before its dependants start.
  for (const name of jobs) out[name]!.job = true;

  for (const key of Object.keys(compose)) {
    if (TOP_LEVEL_IGNORED.has(key) || key.startsWith('x-')) continue;
    skipped.push({ service: FILE_LEVEL, key, reason: key === 'include' ? 'import each included file on its own' : 'not supported by cidx' });
  }

  const config: Record<string, Value> = {};
  if (typeof compose.name === 'string' && project === compose.name) config.project = cidxName(project);
  config.services = Object.fromEntries(
    [...names].map(([composeName, name]) => {
      const reasons = skipped.filter((entry) => entry.service === composeName).map((entry) => `${entry.key}: ${entry.reason}`);
      // Commented even without comments: the emitter writes a service one setting per line.
      return [name, new Commented(reasons.map((reason) => `not imported: ${reason}`), out[name]!)];
    }),
  );
  // A volume several services mount is shared: declared once at the top. One used by a single service stays its own.
  const shared = [...volumeUsers].filter(([, users]) => users.size > 1).map(([volume]) => volume);
  if (shared.length) config.volumes = Object.fromEntries(shared.map((volume) => [volume, {}]));
  if (Object.keys(preferredPorts).length) config.preferredPorts = preferredPorts;
  return { config, services: [...names.values()], skipped };
}

/** A service with its same-file `extends` applied: the base's keys, overridden by its own (maps of env and labels merged). */
function resolveExtends(services: Record<string, unknown>, name: string, skip: (key: string, reason: string) => void, chain: string[]): Record<string, unknown> {
  const raw = isRecord(services[name]) ? services[name] : {};
  const extend = raw.extends;
  if (extend === undefined) return raw;
  const { extends: _, ...own } = raw;
  const base = typeof extend === 'string' ? extend : isRecord(extend) && typeof extend.service === 'string' ? extend.service : undefined;
  if (isRecord(extend) && extend.file !== undefined) {
    skip('extends', `extends a service of another file (${String(extend.file)}): import that file, or copy the settings in`);
    return own;
  }
  if (!base || !isRecord(services[base]) || chain.includes(base)) {
    skip('extends', `cannot extend "${String(base)}": no such service, or a cycle`);
    return own;
  }
  const inherited = resolveExtends(services, base, skip, [...chain, name]);
  const merged: Record<string, unknown> = { ...inherited, ...own };
  for (const key of ['environment', 'labels']) {
    if (isRecord(inherited[key]) && isRecord(own[key])) merged[key] = { ...inherited[key], ...own[key] };
  }
  return merged;
}
