/** Every user-facing sentence of the CLI that is not an error, in one place so tests can check them. */
export const messages = {
  usage: `cidx — container-native service provisioning

Usage: cidx <command> [options]

Commands:
  apply                 create, start or recreate services to match the config; wait until healthy
  plan                  show what apply would do, change nothing
  status                show each service's state, health and ports
  down                  remove the project's containers (volumes are kept)
  prune                 remove containers of projects whose directory no longer exists
  init                  write a commented cidx.config.ts (Qdrant, Ollama, a data cleaner)
  port <svc> [port]     print host:port of a service's port, e.g. $(cidx port qdrant http)
  env                   print every service's host, port and URL as variables
  logs <svc>            show a service's logs (--follow, --tail N)
  doctor                check runtimes, config and cache; suggest fixes

Options:
  -c, --config <file>   config file (default: cidx.config.ts, searched upwards)
      --runtime <name>  docker | podman | auto (default: config's runtime; env CIDX_RUNTIME)
      --json            machine-readable output on stdout
      --volumes         with down/prune: remove volumes too (deletes data)
      --dry-run         with prune: list, remove nothing
      --format <fmt>    with env: dotenv (default), shell or json
      --force           with init: overwrite an existing config
      --debug           show stack traces (env CIDX_DEBUG=1)
  -h, --help            show this help
  -v, --version         show the version

Progress goes to stderr; results go to stdout.`,
  /** `cidx <command> --help`: what the command does and the options it reads. */
  commandHelp: {
    apply: `Usage: cidx apply [-c file] [--runtime name] [--json]

Creates what is missing, starts what stopped, recreates what drifted and leaves
the rest alone; waits until every service is healthy and prints its ports and
URLs. Exits 0 only when every service is healthy, 1 when one is not, 2 for a
usage or config error. Concurrent applies on one project take turns.`,
    plan: `Usage: cidx plan [-c file] [--runtime name] [--json]

Prints what apply would do to each service (create, start, recreate, remove,
keep) and why. Changes nothing. --json: { "steps": [{ "service", "op", "reason" }] }.`,
    status: `Usage: cidx status [-c file] [--runtime name] [--json]

Each service's state, health (one probe, no waiting) and ports. Changes nothing.`,
    down: `Usage: cidx down [-c file] [--runtime name] [--volumes] [--json]

Removes the project's containers. Named volumes (your data) are kept unless
--volumes is given.`,
    prune: `Usage: cidx prune [--runtime name] [--dry-run] [--volumes] [--json]

Removes cidx containers (of any project on this engine) whose project
directory no longer exists. --dry-run lists them only; --volumes removes their
volumes too.`,
    init: `Usage: cidx init [-c file] [--force]

Writes a commented cidx.config.ts for Qdrant, Ollama and a data cleaner.
Refuses to overwrite an existing config unless --force is given.`,
    port: `Usage: cidx port <service> [port-name|container-port] [--runtime name] [--json]

Prints host:port (e.g. 127.0.0.1:41234) of a running service's port and
nothing else, for $(cidx port qdrant http). Default: the service's first port.`,
    env: `Usage: cidx env [--format dotenv|shell|json] [--runtime name]

Prints CIDX_<SERVICE>_<PORT>_HOST, _PORT and _URL for every published port:
dotenv (default) for .env files, shell for eval "$(cidx env --format shell)",
or json.`,
    logs: `Usage: cidx logs <service> [--follow] [--tail N] [--runtime name]

Shows a service's container logs, through the runtime's own logs command.`,
    doctor: `Usage: cidx doctor [-c file] [--runtime name] [--json]

Checks which runtimes are installed and answering (versions, rootless or not,
endpoint), whether the config loads, and that the cache dir is writable.
Exits 1 with a fix for each problem found.`,
    'setup-global-registry': `Usage: cidx setup-global-registry

Gone: cidx no longer keeps a global port registry. Nothing needs setting up.`,
  } as Record<string, string>,
  legacyRegistry:
    'cidx no longer uses a global port registry: the container runtime chooses free host ports and cidx discovers them. There is nothing to set up.',
  downDone: (containers: number, volumes: number, keptVolumes: boolean) =>
    `removed ${containers} container${containers === 1 ? '' : 's'}` +
    (keptVolumes ? ' (volumes kept; `cidx down --volumes` removes them)' : `, ${volumes} volume${volumes === 1 ? '' : 's'}`),
  nothingToRemove: 'no containers of this project are running or stopped',
  fallback: (service: string, port: string, preferred: number, host: number) =>
    `${service}.${port}: preferred port ${preferred} was taken; using ${host} instead`,
  applyFailed: (count: number) => `${count} service${count === 1 ? '' : 's'} did not become healthy`,
  waitingForLock: (pid: number | undefined) =>
    `waiting for another cidx process${pid ? ` (pid ${pid})` : ''} working on this project…`,
  pruneNothing: 'nothing to prune: every cidx container belongs to a project directory that still exists',
  pruneEntry: (id: string, root: string, containers: string[], volumes: string[], dryRun: boolean) =>
    `${dryRun ? 'would remove' : 'removed'} project ${id} (${root}, directory gone): ${containers.join(', ')}` +
    (volumes.length ? `; volumes ${volumes.join(', ')}` : ''),
  interrupted: 'interrupted: stopped before finishing; run `cidx apply` again to converge',
} as const;
