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
  usage: `cidx — container-native service provisioning

Usage: cidx <command> [options]

Commands:
  apply                 create, start or recreate services to match the config; wait until healthy
  plan                  show what apply would do, change nothing
  status                show each service's state, health and ports
  down                  remove the project's containers (volumes are kept)
  prune [id…]           remove your containers of projects whose directory no longer exists
  init                  write a commented cidx.config.ts (Qdrant, Ollama, a data cleaner)
  port <svc> [port]     print host:port of a service's port, e.g. $(cidx port qdrant http)
  env                   print every service's host, port and URL as variables
  logs <svc>            show a service's logs (--follow, --tail N)
  exec <svc> <cmd…>     run a command in a service's container (-u user, -e K=V, -w dir)
  run <cmd…>            apply, then run a command with the services' URLs in its env (--down)
  pull [svc…]           pull the services' images, with progress
  config                print the resolved config (--format json|ts, --show-secrets)
  completion <shell>    print a completion script for bash, zsh or fish
  doctor                check runtimes, config and cache; suggest fixes

Options:
  -c, --config <file>   config file (default: cidx.config.ts, searched upwards)
      --runtime <name>  docker | podman | auto (default: config's runtime; env CIDX_RUNTIME)
      --json            machine-readable output on stdout
      --volumes         with down, or prune naming projects: remove volumes too (deletes data)
      --dry-run         with prune: list, remove nothing
      --format <fmt>    with env: dotenv (default), shell or json
      --force           with init: overwrite an existing config
      --pull <when>     with apply, run: missing (default), always or never
      --debug           show stack traces (env CIDX_DEBUG=1)
  -h, --help            show this help
  -v, --version         show the version

Progress goes to stderr; results go to stdout.`,
  /** `cidx <command> --help`: what the command does and the options it reads. */
  commandHelp: {
    apply: `Usage: cidx apply [-c file] [--runtime name] [--json] [--pull missing|always|never]

Creates what is missing, starts what stopped, recreates what drifted and leaves
the rest alone; waits until every service is healthy and prints its ports and
URLs. Exits 0 only when every service is healthy, 1 when one is not, 2 for a
usage or config error. Concurrent applies on one project take turns.
Images are pulled first, as a phase of their own, before any container is
touched: --pull missing (default) pulls what the engine lacks, always pulls
every image the apply uses, never fails naming the service and image.`,
    plan: `Usage: cidx plan [-c file] [--runtime name] [--json]

Prints what apply would do to each service (create, start, recreate, remove,
keep) and why. Changes nothing. --json: { "steps": [{ "service", "op", "reason" }] }.`,
    status: `Usage: cidx status [-c file] [--runtime name] [--json]

Each service's state, health (one probe, no waiting) and ports. Changes nothing.`,
    down: `Usage: cidx down [-c file] [--runtime name] [--volumes] [--json]

Removes the project's containers. Named volumes (your data) are kept unless
--volumes is given.`,
    prune: `Usage: cidx prune [project-id…] [--runtime name] [--dry-run] [--volumes] [--json]

Removes the cidx containers of projects whose directory no longer exists:
only those created on this machine by you, and only when the directory is
provably gone (it does not exist while its parent can be read). Everything
else is kept and listed with the reason: another user's or machine's
projects, those of cidx versions that did not record an owner, directories
that cannot be read. Each project is removed under its lock.

A directory that is gone may have moved, so volumes (your data) are deleted
only with --volumes and the project named by id: cidx prune --volumes 1f01a063.
Naming projects limits prune to them. --dry-run lists, removes nothing.`,
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
    // cli-verbs: exec, run, pull, config, completion
    exec: `Usage: cidx exec [-u user] [-e K=V|-e K]… [-w dir] <service> [--] <command> [args…]

Runs a command in the service's running container and exits with its exit
code. Everything after the service is the command, options included
(cidx exec qdrant ls -la). A terminal when stdin and stdout are one (an
interactive shell works: cidx exec qdrant sh); none under CI or with pipes.
-e K=V sets a variable (-e K passes yours); values never appear in the
engine's command line. -u: user or uid[:gid]. -w: working directory.
-i and -t are accepted as docker spells them; cidx decides both itself.`,
    run: `Usage: cidx run [--down] [--pull missing|always|never] [--] <command> [args…]

Applies (progress and report on stderr), then runs the command (directly,
no shell) with every CIDX_<SERVICE>_<PORT>_HOST, _PORT and _URL that
\`cidx env\` prints added to its environment, and exits with its code.
When the apply fails the command does not run (exit 1). A signal sent to
cidx goes on to the command. --down removes the project's containers
afterwards (never volumes), even when the command fails or is interrupted.
  cidx run --down -- npm test`,
    pull: `Usage: cidx pull [service…] [--runtime name] [--json]

Pulls the images of the named services (default: all), even those the
engine has: the way to refresh a moving tag. Progress per image on stderr.
apply pulls missing images itself, before it touches any container.`,
    config: `Usage: cidx config [--format json|ts] [--show-secrets] [-c file]

Prints the config as cidx resolved it, every default filled in: JSON
(default) or a cidx.config.ts (--format ts). Env values and HTTP header
values are shown as *** unless --show-secrets. Needs no container engine.`,
    completion: `Usage: cidx completion bash|zsh|fish

Prints a completion script: commands, options, and service and port names
read from the config when you press Tab.
  bash: eval "$(cidx completion bash)"     (in ~/.bashrc)
  zsh:  eval "$(cidx completion zsh)"      (in ~/.zshrc, after compinit)
  fish: cidx completion fish > ~/.config/fish/completions/cidx.fish`,
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
  // cli-verbs: run, pull
  runNotStarted: (command: string) => `not running ${command}: the services did not all become healthy`,
  pulled: (image: string, services: string[], seconds: string) => `pulled ${image} (${services.join(', ')}) in ${seconds}`,
  nothingToPull: (count: number) => `nothing to pull: the engine has ${count === 1 ? 'the image' : `all ${count} images`}`,
  interrupted: 'interrupted: stopped before finishing; run `cidx apply` again to converge',
} as const;
