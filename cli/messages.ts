/** The parts of a kept prune entry the message needs (see core/prune.ts). */
export interface PruneKeptEntry {
  projectId: string;
  root: string | undefined;
  containers: string[];
  volumes: string[];
  reason: string;
  owner?: string;
}

function pruneReason(entry: PruneKeptEntry, runtime: string, me: { host: string; user: string }): string {
  const id = entry.projectId;
  const removeByHand = [
    entry.containers.length ? `\`${runtime} rm -f ${entry.containers.join(' ')}\`` : '',
    entry.volumes.length ? `\`${runtime} volume rm ${entry.volumes.join(' ')}\`` : '',
  ].filter(Boolean).join(' and ');
  switch (entry.reason) {
    case 'other-host':
      return `created on ${entry.owner}, not on ${me.host}: its directory can only be checked there. Run \`cidx prune\` on ${entry.owner}.`;
    case 'other-user':
      return `created by user ${entry.owner}, not by you (${me.user}): prune removes only your own projects.`;
    case 'no-owner':
      return `made by an earlier cidx, which did not record the machine and user: not provably yours, so prune never removes it. If it is yours and no longer needed: ${removeByHand}.`;
    case 'parent-gone':
      return `neither the directory nor its parent exists here: a path of another machine, container or mount namespace? If you know it is gone: \`cidx prune ${id}\`.`;
    case 'unreadable':
      return 'the directory cannot be checked (no permission to look): a path that cannot be read is not a path that is gone.';
    case 'unrecorded':
      return 'no project directory is recorded for it (volumes of an earlier cidx, or kept by `cidx down`): prune never removes them. ' + (removeByHand ? `If they are no longer needed: ${removeByHand}.` : '');
    case 'volumes-not-named':
      return `directory gone: moved or deleted? Volumes (your data) are kept unless you name the project: \`cidx prune --volumes ${id}\`.`;
    case 'locked':
      return 'another cidx process holds the project\'s lock: run prune again once it is done.';
    case 'not-found':
      return `nothing of this project on ${runtime}.`;
    default:
      return 'its directory exists.';
  }
}

/** Every user-facing sentence of the CLI that is not an error, in one place so tests can check them. */
export const messages = {
  /** `cidx --help`; the command list is generated from cli/commands/index.ts. */
  usage: (commands: string) => `cidx — container-native service provisioning

Usage: cidx <command> [options]      cidx <command> --help for its options

Commands:
${commands}

Options before the command:
  -c, --config <file>   config file (default: cidx.config.ts, searched upwards)
      --runtime <name>  docker | podman | auto (default: the config's runtime; env CIDX_RUNTIME)
      --debug           show stack traces (env CIDX_DEBUG=1)
  -h, --help            show this help
  -V, -v, --version     show the version (only here: after a command, -v is that command's)

The engine is the one your docker/podman CLI uses: DOCKER_HOST, DOCKER_CONTEXT or
\`docker context use\`; CONTAINER_HOST or CONTAINER_CONNECTION. On a remote engine,
publish with \`bind: '0.0.0.0'\` to reach services from here (docs/remote-engines.md).

Exit codes: 0 ok, 1 a service failed or is not healthy, 2 usage or config error, 130 interrupted.
Progress goes to stderr; results go to stdout.`,
  /** `cidx <command> --help`: what the command does; its usage line and options come from its declaration. */
  commandHelp: {
    apply: `Creates what is missing, starts what stopped, recreates what drifted and leaves
the rest alone; waits until every service is healthy and prints its ports and
URLs. Naming services applies only those and what they depend on: nothing
else is touched (no container of another service is removed).
Exits 0 only when every service is healthy, 1 when one is not, 2 for a
usage or config error. Concurrent applies on one project take turns.

A job (\`job: true\`) runs to completion before its dependants start; it runs
again only when its config or image changed, its last run failed, or
--rerun names it (repeatable).

A service with \`profiles\` runs only with --profile naming one of them (or
CIDX_PROFILES=a,b); one left out is listed as excluded and its container, if
an earlier apply made one, is left as it is (down removes it).

Images are pulled first, as a phase of their own, before any container is
touched: --pull missing (default) pulls what the engine lacks, always pulls
every image the apply uses, never fails naming the service and image.`,
    plan: `Prints what apply would do to each service (create, start, recreate or update,
rerun, remove, keep) and why, and which services the active profiles leave out. Changes
nothing. Naming services plans only those and their dependencies.
--json: { "steps": [{ "service", "op", "reason" }], "excluded": [{ "name", "profiles", "reason", "state" }] }.`,
    status: `Each service's state, health (one probe, no waiting) and ports. Changes nothing.
Naming services shows only those. --check exits 1 when a service shown is not
healthy, 0 when all are.`,
    down: `Removes the project's containers (those of services whose profile is not
active included), or only those of the services named. Named
volumes (your data) are kept unless --volumes (-v) is given; with services
named, only their volumes are removed.`,
    restart: `Stops and starts the existing containers of the services named (default: all),
then waits until they are healthy. Creates nothing: a service without a
container needs \`cidx apply\`. Exits 1 when a service is not healthy.`,
    prune: `Removes the cidx containers of projects whose directory no longer exists:
only those created on this machine by you, and only when the directory is
provably gone (it does not exist while its parent can be read). Everything
else is kept and listed with the reason: another user's or machine's
projects, those of cidx versions that did not record an owner, directories
that cannot be read. Each project is removed under its lock.

A directory that is gone may have moved, so volumes (your data) are deleted
only with --volumes and the project named by id: cidx prune --volumes 1f01a063.
Naming projects limits prune to them. --dry-run lists, removes nothing.`,
    init: `Writes a commented cidx.config.ts for Qdrant, Ollama and a data cleaner.
Refuses to overwrite an existing config unless --force is given.`,
    port: `Prints host:port (e.g. 127.0.0.1:41234) of a running service's port and
nothing else, for $(cidx port qdrant http). Default: the service's first port.
A number picks the TCP port; 53/udp the UDP one. --json adds protocol and url.`,
    env: `Prints CIDX_<SERVICE>_<PORT>_HOST, _PORT and _URL for every published port:
dotenv (default) for .env files, shell for eval "$(cidx env --format shell)",
or json. A UDP port's URL is udp://host:port, never http://.`,
    logs: `Shows the logs of the services named, or of every service, interleaved with a
"service | " prefix per line (coloured on a terminal), through the runtime's
own logs command.`,
    // cli-verbs: exec, run, pull, config, completion
    exec: `Runs a command in the service's running container and exits with its exit
code. Everything after the service is the command, options included
(cidx exec qdrant ls -la). A terminal when stdin and stdout are one (an
interactive shell works: cidx exec qdrant sh); none under CI or with pipes.
-e K=V sets a variable (-e K passes yours); values never appear in the
engine's command line. -i and -t are accepted as docker spells them; cidx
decides both itself.`,
    run: `Applies (progress and report on stderr), then runs the command (directly,
no shell) with every CIDX_<SERVICE>_<PORT>_HOST, _PORT and _URL that
\`cidx env\` prints added to its environment, and exits with its code.
When the apply fails the command does not run (exit 1). A signal sent to
cidx goes on to the command. --down removes the project's containers
afterwards (never volumes), even when the command fails or is interrupted.
  cidx run --down -- npm test`,
    pull: `Pulls the images of the named services (default: all), even those the
engine has: the way to refresh a moving tag. Progress per image on stderr.
apply pulls missing images itself, before it touches any container.`,
    config: `Prints the config as cidx resolved it, every default filled in: JSON
(default) or a cidx.config.ts (--format ts). Env values and HTTP header
values are shown as *** unless --show-secrets. Needs no container engine.`,
    completion: `Prints a completion script: commands, options, and service and port names
read from the config when you press Tab.
  bash: eval "$(cidx completion bash)"     (in ~/.bashrc)
  zsh:  eval "$(cidx completion zsh)"      (in ~/.zshrc, after compinit)
  fish: cidx completion fish > ~/.config/fish/completions/cidx.fish`,
    doctor: `Checks which runtimes are installed and answering (versions, rootless or not,
endpoint: the socket, host variable, Docker context or Podman connection the
CLI uses), whether the config loads, and that the cache dir is writable.
Exits 1 with a fix for each problem found.`,
    import: `Converts a Docker Compose file (default: compose.yaml, compose.yml,
docker-compose.yaml or docker-compose.yml here) into cidx.config.ts beside
it: services, images, commands, env and env_file, volumes and bind mounts,
ports (a fixed host port becomes a preferred port), depends_on, healthchecks,
profiles, restart, resources and GPUs. \${VAR:-default} stays a read of the
environment. Refuses to overwrite a config unless --force; --stdout prints
the config instead. Each setting cidx cannot express (build:, network_mode,
links, networks, …) is listed with the reason and left out.
Exits 0 when everything converted, 1 when something was left out.
--json: { "file", "written", "services": [...], "skipped": [{ "service", "key", "reason" }] }.`,
    'setup-global-registry': `Gone: cidx no longer keeps a global port registry. Nothing needs setting up.`,
  } as Record<string, string>,
  refuseComposeFile: 'cidx reads its config from -c/--config <file> (-f is compose\'s spelling; in cidx, -f is only `logs --follow`)',
  refuseDetach: 'apply always leaves the services running in the background: drop -d',
  legacyRegistry:
    'cidx no longer uses a global port registry: the container runtime chooses free host ports and cidx discovers them. There is nothing to set up.',
  downDone: (containers: number, volumes: number, keptVolumes: boolean) =>
    `removed ${containers} container${containers === 1 ? '' : 's'}` +
    (keptVolumes ? ' (volumes kept; `cidx down --volumes` removes them)' : `, ${volumes} volume${volumes === 1 ? '' : 's'}`),
  nothingToRemove: 'no containers of this project are running or stopped',
  fallback: (service: string, port: string, preferred: number, host: number) =>
    `${service}.${port}: preferred port ${preferred} was taken; using ${host} instead`,
  vetoed: (service: string, reason: string) => `note: ${service}: ${reason}; the container was kept as it was`,
  applyFailed: (count: number) => `${count} service${count === 1 ? '' : 's'} did not become healthy`,
  waitingForLock: (pid: number | undefined) =>
    `waiting for another cidx process${pid ? ` (pid ${pid})` : ''} working on this project…`,
  pruneNothing: 'nothing to prune: every cidx container belongs to a project directory that still exists',
  pruneEntry: (id: string, root: string | undefined, containers: string[], volumes: string[], dryRun: boolean) =>
    `${dryRun ? 'would remove' : 'removed'} project ${id} (${root ?? 'directory unrecorded'}, directory gone): ` +
    [containers.length ? containers.join(', ') : '', volumes.length ? `volumes ${volumes.join(', ')}` : ''].filter(Boolean).join('; '),
  /** One kept project (or part of one), with why and what the user can do. */
  pruneKept: (entry: PruneKeptEntry, runtime: string, me: { host: string; user: string }) => {
    const what = [entry.containers.length ? entry.containers.join(', ') : '', entry.volumes.length ? `volumes ${entry.volumes.join(', ')}` : ''].filter(Boolean).join('; ');
    const where = entry.root ? ` (${entry.root})` : '';
    return `kept project ${entry.projectId}${where}${what ? `: ${what}` : ''}\n  ${pruneReason(entry, runtime, me)}`;
  },
  /** `doctor`: this project's resources under another id. */
  doctorMoved: (found: { id: string; root: string; containers: string[]; volumes: string[]; aliased: boolean; runtime: string; current: string }) => {
    const what = [found.containers.length ? `containers ${found.containers.join(', ')}` : '', found.volumes.length ? `volumes ${found.volumes.join(', ')}` : '']
      .filter(Boolean)
      .join('; ');
    if (found.aliased) {
      return {
        detail: `${found.runtime} has ${what} of this project under id ${found.id}, made when it was reached as ${found.root}: earlier cidx versions keyed projects by the path as written, now by the real path (id ${found.current}).`,
        fix: `copy what you need from those volumes into this project's, then remove them by hand (${found.runtime} rm -f …, ${found.runtime} volume rm …): prune keeps them, since ${found.root} exists.`,
      };
    }
    return {
      detail: `${found.runtime} has ${what} of a project with this name under id ${found.id}, at ${found.root}, which is gone: moved or deleted? Its volumes are kept unless you name them.`,
      fix: `\`cidx prune ${found.id}\` removes its containers; copy any data you need from its volumes into this project's, then \`cidx prune --volumes ${found.id}\` deletes them.`,
    };
  },
  pruneLive: (count: number) => `left alone: ${count} project${count === 1 ? '' : 's'} whose directory exists`,
  /** `import`: one Compose setting left out. */
  importSkipped: (entry: { service: string; key: string; reason: string }) => `not imported: ${entry.service}: ${entry.key}: ${entry.reason}`,
  importDone: (written: string | undefined, services: number, skipped: number) =>
    `${written ? `wrote ${written}` : 'printed the config'}: ${services} service${services === 1 ? '' : 's'}` +
    (skipped ? `, ${skipped} setting${skipped === 1 ? '' : 's'} not imported (listed above)` : ', everything imported') +
    (written ? '; next: cidx plan' : ''),
  // cli-verbs: run
  runNotStarted: (command: string) => `not running ${command}: the services did not all become healthy`,
  interrupted: 'interrupted: stopped before finishing; run `cidx apply` again to converge',
} as const;
