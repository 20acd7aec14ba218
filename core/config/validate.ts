/**
 * Validation of a loaded config object with the zod schema. Kept apart from
 * loading so the CLI imports zod only when the validated-config cache misses.
 */
import path from 'node:path';
import { configErrorMap, configSchema, dependencyProblems } from '../../schemas/config.js';
import { CidxError } from '../errors.js';
import { projectIdentity } from '../project.js';
import { formatIssues, formatPath } from './format-issues.js';
import { stripLegacySettings } from './legacy.js';
import { splitSections } from './sections.js';
import type { LoadedConfig } from './load.js';
import { unwrapDefault } from './unwrap.js';

export { unwrapDefault };

/** Validates an already loaded config object; exported for tests and embedders. */
export function validateConfig(raw: unknown, filepath: string): LoadedConfig {
  const unwrapped = unwrapDefault(raw);
  const { config: legacyFree, warnings } = stripLegacySettings(unwrapped);
  // Plugin-owned service sections are validated by their plugins' schemas, not the built-in one.
  const sections = splitSections(legacyFree);
  const stripped = sections.config;
  const result = configSchema.safeParse(stripped, { error: configErrorMap });
  const invalid = (lines: string[]) =>
    new CidxError('CONFIG_INVALID', `${path.basename(filepath)} has ${lines.length} problem${lines.length === 1 ? '' : 's'} (${filepath})`, {
      details: [...lines, ...warnings.map((warning) => `warning: ${warning}`)],
    });
  if (!result.success) {
    // zod skips cross-field checks when the shape is wrong; run the reference checks that can still run.
    const lines = [...new Set([...formatIssues(result.error.issues), ...sections.problems, ...referenceProblems(stripped)])];
    // An own `__proto__` key zod already reported (an unknown key of a strict object) is not repeated.
    lines.push(...protoKeyProblems(stripped).filter((line) => !lines.some((known) => known.startsWith(line.slice(0, line.indexOf(': ') + 1)))));
    throw invalid(lines);
  }
  const protoKeys = protoKeyProblems(stripped);
  if (protoKeys.length || sections.problems.length) throw invalid([...sections.problems, ...protoKeys]);
  sections.fill(result.data.services);
  const project = projectIdentity(path.dirname(filepath), filepath, result.data.project);
  return { config: result.data, project, warnings };
}

/**
 * Best-effort cross-field checks on a config whose shape failed validation,
 * so a bad port and a misspelt dependency are reported in the same run.
 */
function referenceProblems(raw: unknown): string[] {
  const services = (raw as { services?: unknown })?.services;
  if (!services || typeof services !== 'object' || Array.isArray(services)) return [];
  // Null prototype: a service named `__proto__` (possible in JSON) must be an entry, not the prototype.
  const graph: Record<string, { dependsOn: string[] }> = Object.create(null);
  for (const [name, service] of Object.entries(services as Record<string, unknown>)) {
    const deps = (service as { dependsOn?: unknown })?.dependsOn;
    graph[name] = { dependsOn: Array.isArray(deps) ? deps.filter((dep): dep is string => typeof dep === 'string') : [] };
  }
  return dependencyProblems(graph).map((problem) => `${problem.path.join('.')}: ${problem.message}`);
}

/**
 * Own `__proto__` keys (JSON, or a computed `['__proto__']` key, can write
 * them) anywhere in the config. zod skips them in records, so without this
 * `env: { ['__proto__']: 'x' }` would vanish without a word.
 */
function protoKeyProblems(raw: unknown): string[] {
  const found: string[] = [];
  const seen = new Set<object>();
  const walk = (value: unknown, at: PropertyKey[]) => {
    if (typeof value !== 'object' || value === null || seen.has(value) || at.length > 8) return;
    const proto = Object.getPrototypeOf(value);
    if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return; // a plugin instance: not config data
    seen.add(value);
    for (const [key, inner] of Object.entries(value)) {
      if (key === '__proto__') found.push(`${formatPath([...at, key])}: "__proto__" cannot be used as a name: JavaScript objects cannot hold it as an entry`);
      else walk(inner, [...at, Array.isArray(value) ? Number(key) : key]);
    }
  };
  walk(raw, []);
  return found;
}

