/**
 * Validation of a loaded config object with the zod schema. Kept apart from
 * loading so the CLI imports zod only when the validated-config cache misses.
 */
import path from 'node:path';
import { configSchema, dependencyProblems } from '../../schemas/config.js';
import { CidxError } from '../errors.js';
import { projectIdentity } from '../project.js';
import { formatIssues } from './format-issues.js';
import { stripLegacySettings } from './legacy.js';
import type { LoadedConfig } from './load.js';
import { unwrapDefault } from './unwrap.js';

export { unwrapDefault };

/** Validates an already loaded config object; exported for tests and embedders. */
export function validateConfig(raw: unknown, filepath: string): LoadedConfig {
  const unwrapped = unwrapDefault(raw);
  const { config: stripped, warnings } = stripLegacySettings(unwrapped);
  const result = configSchema.safeParse(stripped);
  if (!result.success) {
    // zod skips cross-field checks when the shape is wrong; run the reference checks that can still run.
    const lines = [...new Set([...formatIssues(result.error.issues), ...referenceProblems(stripped)])];
    throw new CidxError('CONFIG_INVALID', `${path.basename(filepath)} has ${lines.length} problem${lines.length === 1 ? '' : 's'} (${filepath})`, {
      details: [...lines, ...warnings.map((warning) => `warning: ${warning}`)],
    });
  }
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
  const graph: Record<string, { dependsOn: string[] }> = {};
  for (const [name, service] of Object.entries(services as Record<string, unknown>)) {
    const deps = (service as { dependsOn?: unknown })?.dependsOn;
    graph[name] = { dependsOn: Array.isArray(deps) ? deps.filter((dep): dep is string => typeof dep === 'string') : [] };
  }
  return dependencyProblems(graph).map((problem) => `${problem.path.join('.')}: ${problem.message}`);
}
