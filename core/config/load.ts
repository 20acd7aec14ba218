/**
 * Finds, loads and validates the project's config. Every problem is collected
 * and thrown as one CONFIG_INVALID error before any container is touched.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cosmiconfig } from 'cosmiconfig';
import { configSchema, findCycle, type CidxConfig } from '../../schemas/config.js';
import { CidxError, isCidxError } from '../errors.js';
import type { ProjectIdentity } from '../model.js';
import { projectIdentity } from '../project.js';
import { formatIssues } from './format-issues.js';
import { stripLegacySettings } from './legacy.js';
import { loadTsConfig } from './ts-loader.js';

export const CONFIG_FILES = [
  'cidx.config.ts',
  'cidx.config.mts',
  'cidx.config.js',
  'cidx.config.mjs',
  'cidx.config.cjs',
  'cidx.config.json',
  'package.json',
];

export interface LoadedConfig {
  config: CidxConfig;
  project: ProjectIdentity;
  /** Non-fatal notes for stderr (legacy settings that were ignored). */
  warnings: string[];
}

export interface LoadOptions {
  /** Explicit config file (`-c`); otherwise searched from `cwd` upwards. */
  configFile?: string | undefined;
  cwd?: string;
}

export async function loadConfig(options: LoadOptions = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const explorer = cosmiconfig('cidx', {
    searchPlaces: CONFIG_FILES,
    searchStrategy: 'global',
    stopDir: os.homedir(),
    loaders: { '.ts': loadTsConfig, '.mts': loadTsConfig },
    cache: false,
  });
  let found: { config: unknown; filepath: string; isEmpty?: boolean } | null;
  const explicit = options.configFile ? path.resolve(cwd, options.configFile) : undefined;
  if (explicit && !existsSync(explicit)) {
    throw new CidxError('CONFIG_NOT_FOUND', `config file not found: ${explicit}`);
  }
  try {
    found = explicit ? await explorer.load(explicit) : await explorer.search(cwd);
  } catch (error) {
    if (isCidxError(error)) throw error; // a plugin factory in the config explained itself already
    const where = explicit ?? cwd;
    throw new CidxError('CONFIG_LOAD', `could not load the config (${where}): ${firstLine(error)}`, { cause: error });
  }
  if (!found) {
    throw new CidxError('CONFIG_NOT_FOUND', `no cidx config found in ${cwd} or its parent directories (looked for ${CONFIG_FILES.slice(0, 6).join(', ')} and package.json#cidx)`);
  }
  return validateConfig(found.config, found.filepath);
}

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
  const names = Object.keys(services);
  const problems: string[] = [];
  const graph: Record<string, { dependsOn: string[] }> = {};
  for (const [name, service] of Object.entries(services as Record<string, unknown>)) {
    const deps = (service as { dependsOn?: unknown })?.dependsOn;
    const list = Array.isArray(deps) ? deps.filter((dep): dep is string => typeof dep === 'string') : [];
    graph[name] = { dependsOn: list };
    list.forEach((dep, index) => {
      if (dep === name) problems.push(`services.${name}.dependsOn.${index}: a service cannot depend on itself`);
      else if (!names.includes(dep)) problems.push(`services.${name}.dependsOn.${index}: unknown service "${dep}"; known: ${names.join(', ')}`);
    });
  }
  const cycle = findCycle(graph);
  if (cycle) problems.push(`services.${cycle[0]}.dependsOn: dependency cycle: ${cycle.join(' → ')}`);
  return problems;
}

/** A CommonJS-compiled config may arrive as `{ default: {...} }`. */
function unwrapDefault(raw: unknown): unknown {
  if (raw && typeof raw === 'object' && 'default' in raw && Object.keys(raw).length === 1) {
    return (raw as { default: unknown }).default;
  }
  return raw;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').find((line) => line.trim()) ?? message;
}
