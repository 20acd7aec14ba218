/**
 * The config schema: the single source of truth for what `cidx.config.ts` may
 * say. TypeScript types (`CidxUserConfig` for what users write, `CidxConfig`
 * for what the core sees) and `cidx.config.schema.json` are derived from it.
 *
 * Layers, as in Astro: shape (this file's objects) → defaults (DEFAULTS) →
 * cross-field checks (`checkReferences`), so every problem is reported at once.
 */
import { z } from 'zod';
import type { CidxPlugin } from '../core/plugin.js';
import { formatDuration, parseDuration } from './duration.js';

import { DEFAULTS } from './defaults.js';
import { didYouMean } from './did-you-mean.js';
import { ENV_SUFFIXES, envPrefix } from './env-names.js';
import { containerKeys, mountTargetProblems, sharedVolumesSchema } from './service-container.js';
import { portLabel, portSpecOf, portValueSchema } from './ports.js';

export { DEFAULTS };

/** The built-in plugins' names, which `disable` may list (plugins/index.ts must match: a unit test checks). */
export const BUILTIN_PLUGINS = ['docker-runtime', 'podman-runtime', 'port-cache', 'preferred-port-fallback', 'health-check'] as const;

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/i;
const nameRule = (what: string) =>
  z.string().regex(NAME, {
    error: (issue) =>
      `expected a ${what} of letters, digits, '-' and '_' (starting with a letter or digit), got ${JSON.stringify(issue.input)}`,
  });

/**
 * A wrong value, as a message may show it: scalars as written (shortened),
 * lists and objects by kind only, since they may hold env or header values.
 */
const describeInput = (input: unknown): string => {
  if (Array.isArray(input)) return `a list of ${input.length}`;
  if (input === null) return 'null';
  if (typeof input === 'object') return 'an object';
  if (typeof input === 'function') return 'a function';
  const text = JSON.stringify(input) ?? String(input);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** What zod calls a kind of value, as a person would: 'record' → 'an object'. */
const KINDS: Record<string, string> = {
  record: 'an object',
  object: 'an object',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  function: 'a function',
};

/**
 * The fallback for every issue the schema gives no message of its own, so
 * zod's wording ("Invalid input: expected record, received array") never
 * reaches a user. Pass it to `safeParse(input, { error: configErrorMap })`:
 * schema-level messages still win. Values are described by kind or shortened
 * (describeInput), never dumped.
 */
export function configErrorMap(issue: z.core.$ZodRawIssue): string | undefined {
  const got = 'input' in issue ? `, got ${describeInput(issue.input)}` : '';
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${KINDS[issue.expected] ?? issue.expected}${got}`;
    case 'invalid_value':
      return `expected ${issue.values.map((value) => JSON.stringify(value)).join(' or ')}${got}`;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'expected a non-empty string' : `expected at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `expected at least ${issue.minimum} item${Number(issue.minimum) === 1 ? '' : 's'}`;
      return `expected ${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}${got}`;
    case 'too_big':
      if (issue.origin === 'string') return `expected at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `expected at most ${issue.maximum} items`;
      return `expected ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}${got}`;
    case 'invalid_format':
      return `expected ${issue.format === 'regex' ? 'a value of the documented form' : `a valid ${issue.format}`}${got}`;
    case 'invalid_union':
      return `expected one of the documented forms${got}`;
    default:
      return undefined;
  }
}

export const portNumber = z
  .number({ error: (issue) => `expected a port number 1-65535, got ${describeInput(issue.input)}` })
  .int({ error: (issue) => `expected a whole port number 1-65535, got ${issue.input}` })
  .min(1, { error: (issue) => `expected a port number 1-65535, got ${issue.input}` })
  .max(65535, { error: (issue) => `expected a port number 1-65535, got ${issue.input}` });

const DURATION_EXAMPLE = "expected a duration such as '60s', '500ms' or '2m'";

/** A duration schema: '60s', '500ms', '2m', or a number of milliseconds; at least `minMs`, explained by `why`. */
function durationSchema(minMs = 0, why = '') {
  return z
    .union([z.string(), z.number().nonnegative({ error: (issue) => `${DURATION_EXAMPLE}, got ${describeInput(issue.input)}` })], {
      error: (issue) => `${DURATION_EXAMPLE}, got ${describeInput(issue.input)}`,
    })
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `${DURATION_EXAMPLE}, got ${describeInput(value)}` });
        return z.NEVER;
      }
      if (ms < minMs) {
        ctx.addIssue({ code: 'custom', message: `expected at least ${formatDuration(minMs)}${why}, got ${formatDuration(ms)}` });
        return z.NEVER;
      }
      return ms;
    });
}

/** '60s', '500ms', '2m', or a number of milliseconds. */
export const duration = durationSchema();

/** Shortest `health.timeout`: below it not even one probe (a TCP connect that must stay open) can pass. */
export const MIN_HEALTH_TIMEOUT_MS = 100;
/** Shortest `health.interval`: a zero pause would start probes (a `docker exec` each) in a busy loop. */
export const MIN_HEALTH_INTERVAL_MS = 10;

/** A port of this service, by name (`'http'`) or container port number (`6333`). */
const portRef = z.union([z.string().min(1), portNumber], {
  error: 'expected a port name declared in `ports`, or a container port number',
});

/** An HTTP token (RFC 9110), as node:http checks header names. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What node:http accepts in a header value: no CR, LF, NUL or other control characters but tab. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

const healthSchema = z
  .strictObject({
    /** Probe over HTTP from the host through the published port; 2xx/3xx is healthy unless `status` says otherwise. */
    http: z
      .strictObject({
        port: portRef,
        /** Default: '/'. */
        path: z
          .string()
          .startsWith('/', { error: "expected a path starting with '/'" })
          // What node:http accepts in a request line; anything else would make the probe throw.
          .regex(/^[\x21-\x7e]*$/, { error: 'expected a path of printable ASCII without spaces or control characters; percent-encode the rest (a space is %20)' })
          .default('/')
          .describe("Default: '/'."),
        /** Exact status to expect. Default: any 2xx or 3xx. */
        status: z.number().int().min(100).max(599).optional().describe('Exact status to expect. Default: any 2xx or 3xx.'),
        /** Request headers, e.g. { Authorization: 'Bearer …' }. Values are never printed. Default: none. */
        headers: z
          .record(
            z.string().regex(HEADER_NAME, { error: "expected a header name: letters, digits and !#$%&'*+-.^_`|~" }),
            z.string().regex(HEADER_VALUE, {
              // Never echo the value: headers carry tokens.
              error: 'expected a header value without line breaks or control characters (the value is not shown)',
            }),
          )
          .optional()
          .describe('Request headers, e.g. { Authorization: "Bearer …" }. Values are never printed. Default: none.'),
      })
      .optional().describe('Probe over HTTP from the host through the published port; 2xx/3xx is healthy unless `status` says otherwise.'),
    /** Probe with a TCP connect from the host through the published port. */
    tcp: z.strictObject({ port: portRef }).optional().describe('Probe with a TCP connect from the host through the published port.'),
    /** Run a command inside the container; exit 0 is healthy. */
    command: z.array(z.string()).min(1).optional().describe('Run a command inside the container; exit 0 is healthy.'),
    /** Trust the image's own HEALTHCHECK, where the runtime runs it. */
    runtime: z.literal(true).optional().describe("Trust the image's own HEALTHCHECK, where the runtime runs it."),
    /** How long apply waits for health. Default: '60s'. */
    timeout: durationSchema(MIN_HEALTH_TIMEOUT_MS, ' for a probe to answer').prefault(DEFAULTS.healthTimeout).describe("How long apply waits for health. Default: '60s'."),
    /** Longest pause between probes (backoff starts lower). Default: '50ms'. */
    interval: durationSchema(MIN_HEALTH_INTERVAL_MS, ', so probes do not run in a busy loop').prefault(DEFAULTS.healthInterval).describe("Longest pause between probes (backoff starts lower). Default: '50ms'."),
    /** Consecutive passing probes required. Default: 1. */
    successes: z.number().int().min(1).default(DEFAULTS.healthSuccesses).describe('Consecutive passing probes required. Default: 1.'),
  })
  .superRefine((health, ctx) => {
    const kinds = (['http', 'tcp', 'command', 'runtime'] as const).filter((kind) => health[kind] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          kinds.length === 0
            ? 'expected one probe: `http`, `tcp`, `command` or `runtime` (or `health: false` for none)'
            : `expected one probe, got ${kinds.join(' and ')}`,
      });
    }
  });

/** One `envFile` entry: a path, or Compose's long form with `required`. */
const envFileEntry = z.union([
  z.string().min(1),
  z.strictObject({ path: z.string().min(1), required: z.boolean().default(true).describe('A missing file is an error. Default: true.') }),
]);

export const serviceSchema = z.strictObject({
  /** Image reference, e.g. 'qdrant/qdrant:v1.12.4'. */
  image: z.string({ error: 'expected an image reference such as "qdrant/qdrant:v1.12.4"' }).min(1).describe("Image reference, e.g. 'qdrant/qdrant:v1.12.4'."),
  /** Port name → container port: 6333 (TCP), '53/udp', or { port: 53, protocol: 'udp' }. Host ports are chosen by the runtime. Default: none. */
  ports: z
    .record(nameRule('port name'), portValueSchema(portNumber), {
      error: (issue) =>
        Array.isArray(issue.input)
          ? 'expected an object of port name → container port, e.g. { http: 6333 }; got a compose-style list. ' +
            'cidx lets the runtime choose host ports; put a wanted host port in `preferredPorts`'
          : `expected an object of port name → container port, e.g. { http: 6333 }, got ${describeInput(issue.input)}`,
    })
    .default({}).describe("Port name → container port: 6333 (TCP), '53/udp', or { port: 53, protocol: 'udp' }. Host ports are chosen by the runtime. Default: none."),
  /** Environment variables. Default: none. */
  env: z
    .record(
      z.string().regex(/^[^=\0]+$/, { error: 'expected a variable name without "=" or NUL bytes' }),
      z.union(
        [
          // No process environment can hold a NUL byte. Never echo the value: env values may be secrets.
          z.string().refine((value) => !value.includes('\0'), { error: 'the value contains a NUL byte, which no environment can hold (the value is not shown)' }),
          z.number(),
          z.boolean(),
        ],
        { error: 'expected a string, number or boolean (the value is not shown)' },
      ),
      {
        error: (issue) =>
          Array.isArray(issue.input)
            ? 'expected an object of variable name → value, e.g. { LOG_LEVEL: "debug" }; got a compose-style list: write ["KEY=value"] as { KEY: "value" }'
            : `expected an object of variable name → value, e.g. { LOG_LEVEL: "debug" }, got ${describeInput(issue.input)}`,
      },
    )
    .transform((env) => Object.fromEntries(Object.entries(env).map(([key, value]) => [key, String(value)])))
    .default({}).describe('Environment variables. Default: none.'),
  /** Command (argv, no shell) replacing the image's CMD. Default: the image's. */
  command: z.array(z.string()).min(1).optional().describe("Command (argv, no shell) replacing the image's CMD. Default: the image's."),
  /** Volume name → container path. Private to the service unless the name is declared in the top-level `volumes` (then shared). Volumes survive `down`. Default: none. */
  volumes: z
    .record(nameRule('volume name'), z.string().startsWith('/', { error: 'expected an absolute container path' }))
    .default({}).describe('Volume name → container path. Private to the service unless the name is declared in the top-level `volumes` (then shared). Volumes survive `down`. Default: none.'),
  /** Readiness probe; `false` for none. Default: TCP connect on the first port (none without ports). */
  health: z
    .union([z.literal(false), healthSchema], {
      error: (issue) => `expected false or a probe such as { http: { port: 'http', path: '/healthz' } }, got ${describeInput(issue.input)}`,
    })
    .optional().describe('Readiness probe; `false` for none. Default: TCP connect on the first port (none without ports).'),
  /** Profiles this service belongs to: it runs only when one of them is active (`--profile`, CIDX_PROFILES). Default: none, always runs. */
  profiles: z.array(nameRule('profile name')).optional().describe('Profiles this service belongs to: it runs only when one of them is active (`--profile`, CIDX_PROFILES). Default: none, always runs.'),
  /** Services that must be healthy (a job: have succeeded) before this one starts. Default: none. */
  dependsOn: z.array(z.string()).default([]).describe('Services that must be healthy (a job: have succeeded) before this one starts. Default: none.'),
  /**
   * A one-shot service (migration, seed, model pull): apply waits until it exits; exit 0 is success.
   * It runs again only when its config or image changes, or with `--rerun`. `{ timeout }` bounds a run. Default: false.
   */
  job: z
    .union([z.boolean(), z.strictObject({ timeout: durationSchema(1000, ' for a job to run').prefault(DEFAULTS.jobTimeout).describe("How long a run may take before it is stopped. Default: '10m'.") })], {
      error: (issue) => `expected true, false or { timeout: '10m' }, got ${describeInput(issue.input)}`,
    })
    .optional()
    .describe("A one-shot service: apply waits for it to exit (0 is success) and reruns it only when its config changes or with --rerun. `{ timeout: '10m' }` bounds a run. Default: false."),
  /** Env files (relative to the config file) whose variables the container gets; `env` wins. `{ path, required: false }` may be missing. Default: none. */
  envFile: z
    .union([envFileEntry, z.array(envFileEntry)], {
      error: (issue) => `expected a path such as '.env.local', { path, required: false }, or a list of them, got ${describeInput(issue.input)}`,
    })
    .optional()
    .describe("Env files (relative to the config file) whose variables the container gets; `env` wins. `{ path, required: false }` may be missing. Default: none."),
  // mounts, tmpfs, entrypoint, user, workdir, labels, extraHosts, restart, resources, gpus.
  ...containerKeys,
});

const isPlugin = (value: unknown): value is CidxPlugin =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as CidxPlugin).name === 'string' &&
  typeof (value as CidxPlugin).apply === 'function';

const configShape = z.strictObject({
  /** Editor hint for the JSON Schema; ignored. */
  $schema: z.string().optional().describe('Editor hint for the JSON Schema; ignored.'),
  /** Project name for humans. Default: the config directory's name. */
  project: nameRule('project name').optional().describe("Project name for humans. Default: the config directory's name."),
  /** Which runtime to use: 'auto' (docker, then podman), 'docker', 'podman', or the name a runtime plugin claims. Default: 'auto'. */
  runtime: z.union(
    [
      z.enum(['auto', 'docker', 'podman']),
      z.string().regex(/^[a-z][a-z0-9-]*$/, { error: (issue) => `expected 'auto', 'docker', 'podman' or a runtime plugin's name, got ${describeInput(issue.input)}` }),
    ],
    { error: (issue) => `expected 'auto', 'docker', 'podman' or a runtime plugin's name, got ${describeInput(issue.input)}` },
  ).default(DEFAULTS.runtime).describe("Which runtime to use: 'auto' (docker, then podman), 'docker', 'podman', or the name a runtime plugin claims. Default: 'auto'."),
  /** Host address ports are published on. Default: '127.0.0.1' (loopback only). */
  bind: z.union([z.ipv4(), z.ipv6()], { error: 'expected an IP address such as "127.0.0.1" or "0.0.0.0"' }).default(DEFAULTS.bind).describe("Host address ports are published on. Default: '127.0.0.1' (loopback only)."),
  /** The services, by name. */
  services: z.record(nameRule('service name'), serviceSchema, {
    error: 'expected an object of service name → service, e.g. { qdrant: { image: "qdrant/qdrant" } }',
  }).describe('The services, by name.'),
  /** Volumes several services share, by name (service-container.ts). Default: none. */
  volumes: sharedVolumesSchema,
  /** Host ports to ask for first: { svc: { portName: hostPort } }, or { svc: hostPort } for its first port. Default: none. */
  preferredPorts: z
    .record(
      z.string(),
      z.union([portNumber, z.record(z.string(), portNumber)], {
        error: (issue) => `expected a host port number, or an object of port name → host port such as { http: 6333 }, got ${describeInput(issue.input)}`,
      }),
    )
    .default({}).describe('Host ports to ask for first: { svc: { portName: hostPort } }, or { svc: hostPort } for its first port. Default: none.'),
  /** Built-in plugins to switch off, by name (see BUILTIN_PLUGINS). Default: none. */
  disable: z
    .array(
      z.enum(BUILTIN_PLUGINS, {
        error: (issue) => {
          const hint = typeof issue.input === 'string' ? didYouMean(issue.input, [...BUILTIN_PLUGINS]) : undefined;
          return `expected the name of a built-in plugin (${BUILTIN_PLUGINS.join(', ')}), got ${describeInput(issue.input)}${hint ? `; ${hint}` : ''}`;
        },
      }),
      { error: (issue) => `expected a list of built-in plugin names such as ["health-check"], got ${describeInput(issue.input)}` },
    )
    .default([]).describe(`Built-in plugins to switch off, by name: ${BUILTIN_PLUGINS.join(', ')}. Default: none.`),
  /** Third-party plugins, applied after the built-in ones. Default: none. */
  plugins: z
    .array(z.custom<CidxPlugin>(isPlugin, { error: 'expected a plugin: an object with `name` and `apply(hooks)`' }))
    .default([]).describe('Third-party plugins, applied after the built-in ones. Default: none.'),
});

type Shape = z.output<typeof configShape>;

/** `obj[key]` for a key the user wrote: own entries only, never `constructor` or `toString` inherited from Object. */
const own = <T>(record: Record<string, T>, key: string): T | undefined => (Object.hasOwn(record, key) ? record[key] : undefined);

/** Cross-field checks: references between services, ports and preferences, and names `cidx env` would merge. */
function checkReferences(config: Shape, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const names = Object.keys(config.services);
  /** `cidx env` prefix → the first port that claims it. */
  const envNames = new Map<string, { service: string; port: string }>();
  for (const [name, service] of Object.entries(config.services)) {
    for (const problem of mountTargetProblems(name, service)) issue(problem.path, problem.message);
    const portNames = Object.keys(service.ports);
    // Health probes connect over TCP: only TCP ports can be probed.
    const tcpPorts = new Map(Object.entries(service.ports).map(([portName, value]) => [portName, portSpecOf(value)] as const).filter(([, spec]) => spec.protocol === 'tcp'));
    const containerPorts = [...tcpPorts.values()].map((spec) => spec.container);
    // 53/tcp and 53/udp are two ports: one number may be declared once per protocol.
    const declared = new Map<string, string>();
    for (const [portName, value] of Object.entries(service.ports)) {
      const { container, protocol } = portSpecOf(value);
      const key = portLabel(container, protocol);
      const first = declared.get(key);
      if (first !== undefined) {
        issue(['services', name, 'ports', portName], `container port ${protocol === 'udp' ? key : container} is already declared as "${first}"; declare each container port once`);
      } else declared.set(key, portName);
      const prefix = envPrefix(name, portName);
      const claimed = envNames.get(prefix);
      if (claimed) {
        const other = claimed.service === name ? `port "${claimed.port}"` : `port "${claimed.port}" of service "${claimed.service}"`;
        issue(
          ['services', name, 'ports', portName],
          `\`cidx env\` would name this port and ${other} both ${prefix}_${ENV_SUFFIXES.join('/')}; rename one (names that differ only in case or in '-' and '_' collide)`,
        );
      } else envNames.set(prefix, { service: name, port: portName });
    }
    if (service.job && service.health) {
      issue(['services', name, 'health'], 'a job has no health probe: it is done when it exits (exit 0 is success); remove `health`');
    }
    // An engine that restarts a finished job would run it again and again, behind cidx's back.
    if (service.job && service.restart !== undefined && service.restart !== 'no') {
      issue(['services', name, 'restart'], `a job runs once per apply that needs it; restart '${service.restart}' would make the engine run it again after it exits: remove \`restart\` (or set 'no')`);
    }
    if (service.health) {
      for (const kind of ['http', 'tcp'] as const) {
        const ref = service.health[kind]?.port;
        if (ref === undefined) continue;
        const known = typeof ref === 'number' ? containerPorts.includes(ref) : portNames.includes(ref);
        if (typeof ref === 'string' && portNames.includes(ref) && !tcpPorts.has(ref)) {
          issue(['services', name, 'health', kind, 'port'], `port "${ref}" is UDP; ${kind} probes connect over TCP: name a TCP port, or probe with \`command\``);
        } else if (!known) {
          issue(
            ['services', name, 'health', kind, 'port'],
            portNames.length
              ? `unknown port ${JSON.stringify(ref)}; declared: ${portNames.join(', ')}`
              : `unknown port ${JSON.stringify(ref)}; the service declares no ports`,
          );
        }
      }
    }
  }
  for (const [name, preference] of Object.entries(config.preferredPorts)) {
    const service = own(config.services, name);
    if (!service) {
      issue(['preferredPorts', name], `unknown service "${name}"; known: ${names.join(', ') || 'none'}`);
      continue;
    }
    const portNames = Object.keys(service.ports);
    if (typeof preference === 'number') {
      if (portNames.length === 0) issue(['preferredPorts', name], `service "${name}" declares no ports`);
      continue;
    }
    for (const portName of Object.keys(preference)) {
      if (!portNames.includes(portName)) {
        issue(['preferredPorts', name, portName], `unknown port "${portName}" of service "${name}"; declared: ${portNames.join(', ') || 'none'}`);
      }
    }
  }
  for (const problem of dependencyProblems(config.services)) issue(problem.path, problem.message);
}

/**
 * What is wrong with the services' `dependsOn`: self-references, unknown
 * services, a cycle. Shared by the schema and by the best-effort report on
 * a config whose shape is already invalid (core/config/validate.ts).
 */
export function dependencyProblems(services: Record<string, { dependsOn: string[] }>): Array<{ path: (string | number)[]; message: string }> {
  const names = Object.keys(services);
  const problems: Array<{ path: (string | number)[]; message: string }> = [];
  for (const [name, service] of Object.entries(services)) {
    service.dependsOn.forEach((dep, index) => {
      if (dep === name) problems.push({ path: ['services', name, 'dependsOn', index], message: 'a service cannot depend on itself' });
      else if (!Object.hasOwn(services, dep)) problems.push({ path: ['services', name, 'dependsOn', index], message: `unknown service "${dep}"; known: ${names.join(', ')}` });
    });
  }
  const cycle = findCycle(services);
  if (cycle) problems.push({ path: ['services', cycle[0]!, 'dependsOn'], message: `dependency cycle: ${cycle.join(' → ')}` });
  return problems;
}

/** Returns one dependency cycle as a closed path (a → b → a), if any. */
export function findCycle(services: Record<string, { dependsOn: string[] }>): string[] | undefined {
  const visiting = new Set<string>();
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const service = own(services, name);
    if (done.has(name) || !service) return undefined;
    if (visiting.has(name)) return [...stack.slice(stack.indexOf(name)), name];
    visiting.add(name);
    stack.push(name);
    for (const dep of service.dependsOn) {
      if (dep === name) continue; // reported as "cannot depend on itself"
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    visiting.delete(name);
    done.add(name);
    return undefined;
  };
  for (const name of Object.keys(services)) {
    const found = visit(name);
    if (found) return found;
  }
  return undefined;
}

export const configSchema = configShape.superRefine(checkReferences);

/**
 * Sections plugins add to a service, by key: `swarm: { replicas: 2 }` for the
 * swarm runtime. A plugin owns a key by naming it, with the schema that
 * validates it, in `CidxPlugin.serviceSections`; validation then accepts the
 * key when that plugin is in the config and hands the parsed value on under
 * the same key (core/config/sections.ts). For editor help, the plugin adds
 * the key to this interface (optional, as every section is):
 *
 *   declare module 'cidx' { interface ServiceSections { swarm?: SwarmSection } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by plugins through declaration merging
export interface ServiceSections {}

/** A service as users write it: the built-in keys and the sections plugins add. */
export type UserServiceConfig = z.input<typeof serviceSchema> & ServiceSections;
/** What users write in `cidx.config.ts`. */
export type CidxUserConfig = Omit<z.input<typeof configSchema>, 'services'> & { services: Record<string, UserServiceConfig> };
/** A validated service with defaults applied, plugin sections included. */
export type ServiceConfig = z.output<typeof serviceSchema> & ServiceSections;
/** The validated config with defaults applied, as the core and plugins see it. */
export type CidxConfig = Omit<z.output<typeof configSchema>, 'services'> & { services: Record<string, ServiceConfig> };
export type HealthConfig = z.output<typeof healthSchema>;
