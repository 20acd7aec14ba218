/**
 * Profiles: a service with `profiles: ['gpu']` runs only when one of its
 * profiles is active (`--profile gpu`, or CIDX_PROFILES=gpu,debug); a service
 * without profiles always runs. The session narrows the config to the
 * selected services; what was left out, and why, is kept for `plan`,
 * `status` and `--json`.
 *
 * Choices (documented in docs/ports-and-profiles.md):
 * - A selected service that depends on a left-out one is an error naming the
 *   profile to enable. Compose enables a dependency's profile implicitly only
 *   when that service is named on the command line; one rule is clearer.
 *   Only commands that plan raise it: `down` must always work.
 * - A left-out service's container from an earlier apply is left as it is:
 *   never an orphan to remove because its profile is off. `down` removes it.
 */
import type { CidxConfig } from '../schemas/config.js';
import { CidxError } from './errors.js';

/** A service the active profiles leave out. */
export interface ExcludedService {
  name: string;
  /** The service's profiles, none of them active. */
  profiles: string[];
  /** "profile gpu not active", for humans. */
  reason: string;
}

export interface ProfileSelection {
  /** The active profiles, as given. */
  active: string[];
  excluded: ExcludedService[];
  /** A selected service depends on an excluded one: thrown by the commands that plan. */
  problem?: CidxError;
  /** Active profiles no service names (a typo?), for the session's warnings. */
  unknown: string[];
}

/**
 * The active profiles: `--profile` (repeatable, each may be `a,b`) when
 * given, else CIDX_PROFILES, as `--runtime` overrides CIDX_RUNTIME.
 */
export function activeProfiles(flag: readonly string[] | undefined, env: string | undefined = process.env.CIDX_PROFILES): string[] {
  const given = flag && flag.length ? flag : [env ?? ''];
  return [...new Set(given.flatMap((entry) => entry.split(',')).map((name) => name.trim()).filter(Boolean))];
}

const listOf = (names: string[]) => names.join(' or ');

/** Splits the config's services into selected and excluded; the returned config holds the selected ones only. */
export function selectProfiles(config: CidxConfig, active: string[]): { config: CidxConfig; selection: ProfileSelection } {
  const on = new Set(active);
  const excluded: ExcludedService[] = [];
  const services: CidxConfig['services'] = {};
  const known = new Set<string>();
  for (const [name, service] of Object.entries(config.services)) {
    const profiles = service.profiles ?? [];
    profiles.forEach((profile) => known.add(profile));
    if (profiles.length === 0 || profiles.some((profile) => on.has(profile))) services[name] = service;
    else excluded.push({ name, profiles, reason: `profile ${listOf(profiles)} not active` });
  }
  const selection: ProfileSelection = { active, excluded, unknown: active.filter((profile) => !known.has(profile)) };
  const problem = dependencyOnExcluded(services, excluded);
  if (problem) selection.problem = problem;
  // Unchanged when nothing is left out: the same object, so nothing downstream sees a difference.
  return { config: excluded.length ? { ...config, services } : config, selection };
}

function dependencyOnExcluded(services: CidxConfig['services'], excluded: ExcludedService[]): CidxError | undefined {
  const byName = new Map(excluded.map((service) => [service.name, service]));
  const lines: string[] = [];
  const needed = new Set<string>();
  for (const [name, service] of Object.entries(services)) {
    for (const dependency of service.dependsOn) {
      const off = byName.get(dependency);
      if (!off) continue;
      lines.push(`services.${name}.dependsOn: "${dependency}" is left out (${off.reason})`);
      needed.add(off.profiles[0]!);
    }
  }
  if (!lines.length) return undefined;
  const flags = [...needed].map((profile) => `--profile ${profile}`).join(' ');
  return new CidxError('CONFIG_INVALID', `a service depends on a service whose profile is not active`, {
    details: lines,
    hint: `Enable it with \`${flags}\` (or CIDX_PROFILES=${[...needed].join(',')}), or give the dependent service the same profiles.`,
  });
}

/** `plan`/`status` rows: `- excluded  ollama  profile gpu not active`. */
export function excludedLine(service: ExcludedService, running: boolean): string {
  return `${service.reason}${running ? '; its container from an earlier apply is left as it is (`cidx down` removes it)' : ''}`;
}
