/**
 * Per-service container keys beyond image, ports, env and volumes: bind
 * mounts, tmpfs, entrypoint, user, workdir, labels, extra hosts, restart
 * policy, resources and GPUs; and the top-level shared volumes services
 * refer to by name. Kept apart from config.ts so the service schema stays
 * one readable object: it spreads `containerKeys` in.
 *
 * Every key is optional with no default: a service that sets none of them
 * validates to exactly what it did before, so its spec hash (and the
 * containers created from it) stay as they were.
 */
import { z } from 'zod';

/** A label key cidx keeps for its own state (project, config hash…). */
export const RESERVED_LABEL_PREFIX = 'io.cidx.';

const brief = (input: unknown): string => {
  if (Array.isArray(input)) return `a list of ${input.length}`;
  if (input === null) return 'null';
  if (typeof input === 'object') return 'an object';
  const text = JSON.stringify(input) ?? String(input);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

const absolute = (what: string) =>
  z.string({ error: (issue) => `expected an absolute ${what} such as '/data', got ${brief(issue.input)}` })
    .startsWith('/', { error: (issue) => `expected an absolute ${what} (starting with '/'), got ${brief(issue.input)}` })
    // `--volume src:dst:opts` is split at ':'; a ',' would end a `--tmpfs` path.
    .regex(/^[^:,\0\n]+$/, { error: (issue) => `expected a ${what} without ':' or ',', got ${brief(issue.input)}` });

/** '512m', '2g', '1.5g' or a number of bytes: what both engines' size parsers accept, as written. */
const SIZE = /^\d+(\.\d+)?[bkmg]?$/i;
const size = (what: string) =>
  z.union([z.string(), z.number().int().positive()], { error: (issue) => `expected ${what} such as '512m' or '2g', got ${brief(issue.input)}` })
    .transform((value, ctx) => {
      const text = String(value).trim();
      if (!SIZE.test(text)) {
        ctx.addIssue({ code: 'custom', message: `expected ${what} such as '512m' or '2g' (b, k, m or g), got ${brief(value)}` });
        return z.NEVER;
      }
      return text.toLowerCase();
    });

/** SELinux relabelling of a bind mount (Podman and Docker on SELinux hosts): `z` shared, `Z` private to this container. */
const selinux = z.enum(['shared', 'private'], { error: "expected 'shared' (like :z) or 'private' (like :Z)" });

const mountObject = z.strictObject({
  /** Container path. */
  target: absolute('container path'),
  /** Mount read-only. Default: false. */
  readOnly: z.boolean().optional().describe('Mount read-only. Default: false.'),
  /** Relabel for SELinux: 'shared' (:z) or 'private' (:Z). Default: no relabelling. */
  selinux: selinux.optional().describe("Relabel for SELinux: 'shared' (:z) or 'private' (:Z). Default: no relabelling."),
});

/** '/etc/app', '/etc/app:ro', '/etc/app:ro,z' → target and options. */
const mountShort = z.string().transform((value, ctx) => {
  const [target = '', options, ...rest] = value.split(':');
  const flags = options === undefined ? [] : options.split(',');
  const bad = flags.filter((flag) => !['ro', 'rw', 'z', 'Z'].includes(flag));
  if (!target.startsWith('/') || rest.length || bad.length || target.includes(',')) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a container path with optional ':ro', ':z' or ':Z' (e.g. '/etc/app:ro'), got ${brief(value)}`,
    });
    return z.NEVER;
  }
  return {
    target,
    ...(flags.includes('ro') ? { readOnly: true } : {}),
    ...(flags.includes('Z') ? { selinux: 'private' as const } : flags.includes('z') ? { selinux: 'shared' as const } : {}),
  };
});

const hostPath = z.string().min(1, { error: 'expected a host path' })
  .regex(/^[^:\0\n]+$/, { error: (issue) => `expected a host path without ':', got ${brief(issue.input)}` });

const mountList = z.array(
  z.strictObject({ ...mountObject.shape, /** Host path, relative to the config file's directory. */ source: hostPath }, {
    error: (issue) =>
      typeof issue.input === 'string'
        ? `expected { source, target, readOnly }; a compose-style 'host:container' string is written as an object of host path → container path: { './conf': '/etc/app' }`
        : `expected { source, target, readOnly }, got ${brief(issue.input)}`,
  }),
);

/** Host path → container path, or a list of { source, target, readOnly, selinux }. */
export const mountsSchema = z
  .union([z.record(hostPath, z.union([mountShort, mountObject])), mountList], {
    error: (issue) =>
      `expected an object of host path → container path, e.g. { './init.sql': '/docker-entrypoint-initdb.d/init.sql:ro' }, or a list of { source, target, readOnly }, got ${brief(issue.input)}`,
  })
  .transform((mounts) => (Array.isArray(mounts) ? mounts : Object.entries(mounts).map(([source, mount]) => ({ source, ...mount }))));

/** '/tmp' or { target: '/cache', size: '64m' }. */
export const tmpfsSchema = z
  .array(z.union([absolute('container path'), z.strictObject({ target: absolute('container path'), size: size('a size').optional() })], {
    error: (issue) => `expected a container path or { target, size }, got ${brief(issue.input)}`,
  }), { error: (issue) => `expected a list of container paths such as ['/tmp', { target: '/cache', size: '64m' }], got ${brief(issue.input)}` })
  .transform((list) => list.map((entry) => (typeof entry === 'string' ? { target: entry } : entry)));

export const entrypointSchema = z
  .union([
    z.string().min(1).regex(/^\S+$/, {
      error: (issue) => `a string entrypoint is one program, run without a shell; got ${brief(issue.input)}: write a list such as ['sh', '-c'] for a program with arguments`,
    }),
    z.array(z.string()).min(1, { error: 'expected at least the program to run' }),
  ], { error: (issue) => `expected a program ('/entry.sh') or a list (['sh', '-c']), got ${brief(issue.input)}` })
  .transform((value) => (typeof value === 'string' ? [value] : value));

const labelKey = z.string().min(1).regex(/^[^=\s\0]+$/, { error: 'expected a label key without "=" or blanks' })
  .refine((key) => !key.toLowerCase().startsWith(RESERVED_LABEL_PREFIX), {
    error: (issue) => `label ${brief(issue.input)} uses the prefix '${RESERVED_LABEL_PREFIX}', which cidx keeps for its own state; choose another prefix (e.g. 'com.example.')`,
  });

const HOST_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

export const extraHostsSchema = z.record(
  z.string().regex(HOST_NAME, { error: (issue) => `expected a host name such as 'db.local', got ${brief(issue.input)}` }),
  z.union([z.ipv4(), z.ipv6(), z.literal('host-gateway')], { error: (issue) => `expected an IP address or 'host-gateway', got ${brief(issue.input)}` }),
  {
    error: (issue) =>
      Array.isArray(issue.input)
        ? "expected an object of host name → address, e.g. { 'host.docker.internal': 'host-gateway' }; got a compose-style list"
        : `expected an object of host name → address, got ${brief(issue.input)}`,
  },
);

export const RESTART_POLICIES = ['no', 'on-failure', 'unless-stopped', 'always'] as const;

export const resourcesSchema = z.strictObject({
  /** Memory limit, e.g. '2g'. Default: none. */
  memory: size('a memory size').optional().describe("Memory limit, e.g. '2g'. Default: none."),
  /** CPUs the container may use, e.g. 1.5. Default: all. */
  cpus: z.number({ error: 'expected a number of CPUs such as 1.5' }).positive({ error: 'expected a positive number of CPUs' }).optional().describe('CPUs the container may use, e.g. 1.5. Default: all.'),
  /** Size of /dev/shm, e.g. '1g'. Default: the engine\'s (64m). */
  shmSize: size('a size').optional().describe("Size of /dev/shm, e.g. '1g'. Default: the engine's (64m)."),
}, { error: (issue) => `expected { memory, cpus, shmSize }, e.g. { memory: '2g', cpus: 1.5 }, got ${brief(issue.input)}` });

export const gpusSchema = z.union([
  z.literal('all'),
  z.number().int().positive(),
  z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, { error: 'expected a GPU id such as "0" or "GPU-3a…"' })).min(1),
], { error: (issue) => `expected 'all', a number of GPUs, or a list of GPU ids such as ['0', '1'], got ${brief(issue.input)}` });

/** The keys, spread into the service schema (schemas/config.ts). */
export const containerKeys = {
  /** Bind mounts: host path (relative to the config file's directory) → container path ('/etc/app:ro'). Default: none. */
  mounts: mountsSchema.optional().describe("Bind mounts: host path (relative to the config file's directory) → container path, e.g. { './init.sql': '/docker-entrypoint-initdb.d/init.sql:ro' }, or a list of { source, target, readOnly, selinux }. The host path must exist. Default: none."),
  /** In-memory file systems: container paths, or { target, size }. Default: none. */
  tmpfs: tmpfsSchema.optional().describe("In-memory file systems: container paths, or { target, size }. Default: none."),
  /** Replaces the image's ENTRYPOINT (and, as in Compose, its CMD unless `command` is set). Default: the image's. */
  entrypoint: entrypointSchema.optional().describe("Replaces the image's ENTRYPOINT (and its CMD unless `command` is set): a program, or a list. Default: the image's."),
  /** User (name or uid, optionally ':group') the process runs as. Default: the image's. */
  user: z.string().regex(/^[^\s:]+(:[^\s:]+)?$/, { error: (issue) => `expected a user such as 'postgres', '1000' or '1000:1000', got ${brief(issue.input)}` }).optional().describe("User (name or uid, optionally ':group') the process runs as. Default: the image's."),
  /** Working directory inside the container. Default: the image's. */
  workdir: absolute('container path').optional().describe("Working directory inside the container. Default: the image's."),
  /** Labels on the container (not 'io.cidx.'). Default: none. */
  labels: z.record(labelKey, z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional().describe("Labels on the container; the 'io.cidx.' prefix is cidx's. Default: none."),
  /** Host name → IP address (or 'host-gateway': the host, from the container) in /etc/hosts. Default: none. */
  extraHosts: extraHostsSchema.optional().describe("Host name → IP address, or 'host-gateway' for the host itself, added to /etc/hosts. Default: none."),
  /** What the engine does when the container stops: 'no', 'on-failure', 'unless-stopped', 'always'. Default: 'no' (the next apply starts it). */
  restart: z.enum(RESTART_POLICIES, { error: (issue) => `expected one of ${RESTART_POLICIES.map((p) => `'${p}'`).join(', ')}, got ${brief(issue.input)}` }).optional().describe("What the engine does when the container stops: 'no', 'on-failure', 'unless-stopped' or 'always'. Default: 'no' (the next `cidx apply` starts it)."),
  /** Limits: { memory: '2g', cpus: 1.5, shmSize: '1g' }. Default: none. */
  resources: resourcesSchema.optional().describe("Limits: { memory: '2g', cpus: 1.5, shmSize: '1g' }. Default: none."),
  /** GPUs: 'all', a count, or device ids (NVIDIA: Docker --gpus, Podman CDI nvidia.com/gpu). Default: none. */
  gpus: gpusSchema.optional().describe("GPUs: 'all', a count, or a list of device ids (NVIDIA; Docker `--gpus`, Podman CDI `nvidia.com/gpu`). Default: none."),
};

/** Top-level `volumes`: named volumes several services share; a service mounts one by naming it in its `volumes`. */
export const sharedVolumesSchema = z
  .record(
    z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/i, { error: (issue) => `expected a volume name of letters, digits, '-' and '_', got ${brief(issue.input)}` }),
    z.strictObject({}, { error: 'expected {} (shared volumes take no options yet)' }),
  )
  .optional()
  .describe('Volumes shared by the services that name them in their `volumes`, e.g. { seed: {} } and a service\'s volumes: { seed: \'/data\' }. Survive `down`; `down --volumes` removes them. Default: none.');

/**
 * Two things mounted at one container path (a bind mount, a volume, a
 * tmpfs): the engines refuse the container ("Duplicate mount point"), so it
 * is a config error naming both, before anything runs.
 */
export function mountTargetProblems(
  service: string,
  config: { volumes: Record<string, string>; mounts?: Array<{ source: string; target: string }> | undefined; tmpfs?: Array<{ target: string }> | undefined },
): Array<{ path: (string | number)[]; message: string }> {
  const seen = new Map<string, string>();
  const problems: Array<{ path: (string | number)[]; message: string }> = [];
  const claim = (target: string, what: string, path: (string | number)[]) => {
    // A volume target may carry ':ro'; the path is what collides.
    const at = target.split(':')[0]!.replace(/\/+$/, '') || '/';
    const first = seen.get(at);
    if (first === undefined) seen.set(at, what);
    else problems.push({ path: ['services', service, ...path], message: `${what} and ${first} are both mounted at ${at}; mount one thing per container path` });
  };
  for (const [name, target] of Object.entries(config.volumes)) claim(target, `volume "${name}"`, ['volumes', name]);
  (config.mounts ?? []).forEach((mount, index) => claim(mount.target, `host path "${mount.source}"`, ['mounts', index]));
  (config.tmpfs ?? []).forEach((tmpfs, index) => claim(tmpfs.target, 'a tmpfs', ['tmpfs', index]));
  return problems;
}
