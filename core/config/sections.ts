/**
 * Plugin-owned service sections (`CidxPlugin.serviceSections`): a key such
 * as `swarm` is taken out of each service before the built-in schema checks
 * it (that schema refuses unknown keys, so a typo never passes), validated
 * with the owning plugin's own schema, and put back parsed. A key no plugin
 * in the config owns stays in, and is reported as unknown as before.
 */
import { serviceSchema } from '../../schemas/config.js';
import type { SectionResult, SectionSchema } from '../plugin.js';
import { formatPath } from './format-issues.js';

type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict => typeof value === 'object' && value !== null && !Array.isArray(value);

interface Owner {
  plugin: string;
  schema: SectionSchema;
}

export interface SplitSections {
  /** The raw config without plugin-owned keys: what the built-in schema checks. */
  config: unknown;
  /** Problems with the plugins' claims or their sections, as `path: message` lines. */
  problems: string[];
  /** Puts the parsed sections into the validated config's services. */
  fill(services: Record<string, Dict>): void;
}

/** Splits the plugin-owned sections off `raw` (an unwrapped, not yet validated config) and validates them. */
export function splitSections(raw: unknown): SplitSections {
  const owners = sectionOwners(raw);
  const none: SplitSections = { config: raw, problems: owners.problems, fill: () => undefined };
  if (owners.byKey.size === 0 || !isDict(raw) || !isDict(raw.services)) return none;
  const problems = [...owners.problems];
  const parsed = new Map<string, Dict>();
  const services: Dict = {};
  for (const [name, service] of Object.entries(raw.services)) {
    if (!isDict(service)) {
      services[name] = service;
      continue;
    }
    const rest: Dict = {};
    for (const [key, value] of Object.entries(service)) {
      const owner = Object.hasOwn(service, key) ? owners.byKey.get(key) : undefined;
      if (!owner) {
        rest[key] = value;
        continue;
      }
      const result = validateSection(owner, value);
      if (result.issues) {
        for (const issue of result.issues) problems.push(`${formatPath(['services', name, key, ...(issue.path ?? []).map(pathKey)])}: ${issue.message}`);
      } else {
        parsed.set(name, { ...parsed.get(name), [key]: result.value });
      }
    }
    services[name] = rest;
  }
  return {
    config: { ...raw, services },
    problems,
    fill(validated) {
      for (const [name, sections] of parsed) if (Object.hasOwn(validated, name)) Object.assign(validated[name]!, sections);
    },
  };
}

/** Which plugin owns which key; claims on a built-in key or a key another plugin owns are problems. */
function sectionOwners(raw: unknown): { byKey: Map<string, Owner>; problems: string[] } {
  const byKey = new Map<string, Owner>();
  const problems: string[] = [];
  const plugins = isDict(raw) && Array.isArray(raw.plugins) ? raw.plugins : [];
  const builtin = new Set(Object.keys(serviceSchema.shape));
  plugins.forEach((plugin: unknown, index) => {
    if (!isDict(plugin) || plugin.serviceSections === undefined) return;
    const name = typeof plugin.name === 'string' ? plugin.name : `#${index}`;
    if (!isDict(plugin.serviceSections)) {
      problems.push(`plugins.${index}: plugin ${name}'s serviceSections must be an object of key → schema`);
      return;
    }
    for (const [key, schema] of Object.entries(plugin.serviceSections)) {
      const validate = isDict(schema) && isDict(schema['~standard']) ? schema['~standard'].validate : undefined;
      if (typeof validate !== 'function') problems.push(`plugins.${index}: plugin ${name}'s section "${key}" has no Standard Schema validator (\`~standard.validate\`), e.g. a zod schema`);
      else if (builtin.has(key)) problems.push(`plugins.${index}: plugin ${name} claims the service key "${key}", which cidx itself uses`);
      else if (byKey.has(key)) problems.push(`plugins.${index}: plugin ${name} claims the service key "${key}", which plugin ${byKey.get(key)!.plugin} owns`);
      else byKey.set(key, { plugin: name, schema: schema as unknown as SectionSchema });
    }
  });
  return { byKey, problems };
}

function validateSection(owner: Owner, value: unknown): SectionResult {
  let result: SectionResult | Promise<SectionResult>;
  try {
    result = owner.schema['~standard'].validate(value);
  } catch (error) {
    return { issues: [{ message: `plugin ${owner.plugin}'s schema threw: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  if (result instanceof Promise) {
    result.catch(() => undefined);
    return { issues: [{ message: `plugin ${owner.plugin}'s schema validates asynchronously; cidx needs a synchronous schema` }] };
  }
  return result;
}

const pathKey = (segment: PropertyKey | { readonly key: PropertyKey }): PropertyKey => (typeof segment === 'object' ? segment.key : segment);
