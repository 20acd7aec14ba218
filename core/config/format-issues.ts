/**
 * Turns zod issues into lines a person can act on: `path.to.key: message`,
 * every problem at once, with the closest known key for a typo.
 */
import type { z } from 'zod';
import { configSchema, serviceSchema } from '../../schemas/config.js';
import { didYouMean } from '../../schemas/did-you-mean.js';

/** Known keys by position in the config, for "did you mean" hints; the top level and a service's keys come from the schema itself. */
const KNOWN_KEYS: Array<[RegExp, string[]]> = [
  [/^$/, Object.keys(configSchema.shape)],
  [/^services\.[^.]+$/, Object.keys(serviceSchema.shape)],
  [/^services\.[^.]+\.health$/, ['http', 'tcp', 'command', 'runtime', 'timeout', 'interval', 'successes']],
  [/^services\.[^.]+\.health\.http$/, ['port', 'path', 'status', 'headers']],
];

/** Compose and old-cidx spellings that deserve a specific explanation. */
const KEY_HINTS: Record<string, string> = {
  depends_on: 'cidx spells it `dependsOn: ["other-service"]`',
  environment: 'cidx spells it `env: { KEY: "value" }`',
  healthcheck: 'cidx probes from the host: `health: { http: { port: "http", path: "/healthz" } }`',
  container_name: 'cidx names containers itself (cidx-<project id>-<service>) so projects never collide',
  working_dir: 'cidx spells it `workdir: "/app"`',
  extra_hosts: 'cidx spells it `extraHosts: { "host.docker.internal": "host-gateway" }`',
  env_file: 'cidx spells it `envFile: [".env.local"]`',
  mem_limit: 'cidx spells it `resources: { memory: "2g" }`',
  shm_size: 'cidx spells it `resources: { shmSize: "1g" }`',
  cpus: 'cidx spells it `resources: { cpus: 1.5 }`',
  deploy: 'cidx spells limits `resources: { memory: "2g", cpus: 1.5 }` and GPUs `gpus: "all"`',
};

/** Control characters (a NUL in a key) shown escaped, so a path never garbles the terminal. */
const CONTROL = /[\u0000-\u001f\u007f]/g;

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((segment) => String(segment).replace(CONTROL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)).join('.');
}

/**
 * An env key with '=' is usually a whole `NAME=value` assignment written as
 * the key: show the name only, since the value may be a secret.
 */
function maskEnvKey(path: PropertyKey[]): PropertyKey[] {
  const key = path[path.length - 1];
  if (path.length === 4 && path[0] === 'services' && path[2] === 'env' && typeof key === 'string' && key.includes('=')) {
    return [...path.slice(0, -1), `${key.slice(0, key.indexOf('='))}=…`];
  }
  return path;
}

type Issue = z.core.$ZodIssue;

/** Codes meaning "this branch is the wrong kind of value altogether". */
const WRONG_KIND = new Set(['invalid_type', 'invalid_value']);

/**
 * Replaces zod's generic wrappers by the issues inside them: a failed union
 * by the branch that got past the type check (so `timeout: 'soon'` reports
 * the duration problem, not "Invalid input"), a bad record key by the key
 * rule's own message.
 */
function unwrap(issue: Issue, prefix: PropertyKey[] = []): Issue[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union') {
    const branches = issue.errors.filter((branch) => !branch.some((inner) => inner.path.length === 0 && WRONG_KIND.has(inner.code)));
    if (branches.length === 1) return branches[0]!.flatMap((inner) => unwrap(inner, path));
    // Several branches fit the kind of value (ipv4 or ipv6): the union's own message says it best, if it has one.
    if (branches.length > 1 && issue.message === 'Invalid input') return branches[0]!.flatMap((inner) => unwrap(inner, path));
    return [{ ...issue, path }];
  }
  if (issue.code === 'invalid_key') {
    return [{ ...issue, path: maskEnvKey(path), message: issue.issues.map((inner) => inner.message).join('; ') }];
  }
  return [{ ...issue, path }];
}

export function formatIssues(input: ReadonlyArray<Issue>): string[] {
  const lines: string[] = [];
  const issues = input.flatMap((issue) => unwrap(issue));
  const shapePaths = new Set(issues.filter((issue) => issue.code !== 'custom').map((issue) => formatPath(issue.path)));
  for (const issue of issues) {
    const where = formatPath(issue.path);
    // A cross-field check on a value whose shape is already wrong only repeats the problem.
    if (issue.code === 'custom' && shapePaths.has(where)) continue;
    if (issue.code === 'unrecognized_keys') {
      const known = KNOWN_KEYS.find(([pattern]) => pattern.test(where))?.[1] ?? [];
      for (const key of issue.keys) {
        const at = where ? `${where}.${formatPath([key])}` : formatPath([key]);
        // Own entries only: an unknown key named `constructor` must not find Object's.
        const suggestion = (Object.hasOwn(KEY_HINTS, key) ? KEY_HINTS[key] : undefined) ?? didYouMean(key, known);
        lines.push(`${at}: unknown key${suggestion ? `; ${suggestion}` : known.length ? `; expected one of ${known.join(', ')}` : ''}`);
      }
      continue;
    }
    lines.push(`${where || '(config)'}: ${issue.message}`);
  }
  return lines;
}

export { didYouMean };
