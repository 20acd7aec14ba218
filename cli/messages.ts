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
