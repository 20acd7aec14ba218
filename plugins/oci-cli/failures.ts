/**
 * Turns a failed CLI call into the error a user can act on. The engine's own
 * words are kept in the message; the class and code decide exit status and hint.
 */
import { CidxError } from '../../core/errors.js';
import { NameConflictError, PortRefusedError } from '../../core/runtime.js';

export interface Failure {
  runtime: string;
  binary: string;
  args: string[];
  /** What cidx was doing, for the message: "starting cidx-1a2b-qdrant". */
  what: string;
  /** The image a `run` was given, to name it when it cannot be had. */
  image?: string | undefined;
  stderr: string;
  spawnError: string | undefined;
  timedOut: boolean;
  env: NodeJS.ProcessEnv;
}

const PORT_PATTERNS = [
  /Bind for \S*?:(\d+) failed: port is already allocated/i,
  /:(\d+): bind: address already in use/i,
  /port (\d+) is already (?:allocated|in use)/i,
];

/** Engine address the CLI talks to, for messages about an unreachable daemon. */
export function engineAddress(runtime: string, env: NodeJS.ProcessEnv): string {
  if (runtime === 'podman') return env.CONTAINER_HOST ?? 'the local Podman engine';
  return env.DOCKER_HOST ?? (env.DOCKER_CONTEXT ? `context ${env.DOCKER_CONTEXT}` : 'unix:///var/run/docker.sock');
}

export function classifyFailure(failure: Failure): CidxError {
  const { runtime, stderr } = failure;
  const text = stderr.trim();
  // The engine's last meaningful lines, without the CLI's "Run 'docker run --help'" trailer.
  const short = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^(run|see) '.*--help'/i.test(line))
    .slice(-3)
    .join(' ')
    .slice(0, 600);

  if (failure.spawnError === 'ENOENT') {
    return new CidxError('RUNTIME_UNAVAILABLE', `${runtime} is not installed: \`${failure.binary}\` was not found on PATH`);
  }
  if (/permission denied.*(docker daemon socket|docker\.sock|podman\.sock)|connect: permission denied/i.test(text)) {
    return new CidxError('RUNTIME_PERMISSION', `permission denied on the ${runtime} socket (${engineAddress(runtime, failure.env)})`, {
      details: [short],
    });
  }
  if (
    failure.timedOut ||
    /cannot connect to the docker daemon|error during connect|is the docker daemon running|cannot connect to podman|unable to connect to podman|connection refused.*(sock|:\d+)|no such host|dial (unix|tcp)/i.test(text)
  ) {
    // An image pull that fails on DNS also says "no such host": tell the two apart by the command.
    if (!(createsContainer(failure) && /pull|manifest|registry|image/i.test(text))) {
      return new CidxError(
        'RUNTIME_UNAVAILABLE',
        `cannot reach the ${runtime} engine at ${engineAddress(runtime, failure.env)}${failure.timedOut ? ' (timed out)' : ''}`,
        { details: short ? [short] : [] },
      );
    }
  }
  // Docker carves a /16 or /20 per network from a few default pools: about 30 networks in all.
  if (/non-overlapping IPv4 address pool|could not find free subnet|no available subnet/i.test(text)) {
    return new CidxError('NETWORK_POOL_EXHAUSTED', `${runtime} has no address range left for another network`, { details: [short] });
  }
  if (/port is already allocated|address already in use/i.test(text)) {
    const port = PORT_PATTERNS.map((pattern) => pattern.exec(text)?.[1]).find(Boolean);
    return new PortRefusedError(port ? Number(port) : undefined, short);
  }
  if (/is already in use by container|the container name .* is already in use|name .* is in use|that name is already in use/i.test(text)) {
    const name = failure.args[failure.args.indexOf('--name') + 1] ?? '?';
    return new NameConflictError(name, short);
  }
  if (
    createsContainer(failure) &&
    /unable to find image|pull access denied|manifest unknown|not found: manifest|repository does not exist|initializing source|image not known|failed to resolve reference|short-name|error pulling image|trying to pull|requested access to the resource is denied/i.test(text)
  ) {
    return new CidxError('IMAGE_UNAVAILABLE', `image ${failure.image ?? '?'} is not available to ${runtime} and could not be pulled`, { details: [short] });
  }
  return new CidxError('RUNTIME_COMMAND', `${failure.what} failed (${runtime} exited with an error)`, { details: short ? [short] : [] });
}


/** `run` and `create` both pull a missing image: their failures may name it. */
function createsContainer(failure: Failure): boolean {
  return failure.args[0] === 'run' || failure.args[0] === 'create';
}
