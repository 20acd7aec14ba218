/**
 * Turns a failed CLI call into the error a user can act on. The engine's own
 * words are kept in the message; the class and code decide exit status and hint.
 */
import { CidxError, type CidxErrorOptions, type ErrorCode } from '../../core/errors.js';
import { NameConflictError, PortRefusedError } from '../../core/runtime.js';
import type { EngineErrors } from './dialect.js';

export interface Failure {
  runtime: string;
  binary: string;
  args: string[];
  /** What cidx was doing, for the message: "starting cidx-1a2b-qdrant". */
  what: string;
  /** The image a `run` was given, to name it when it cannot be had. */
  image?: string | undefined;
  /** The service whose container this call acts on, when the caller knows it. */
  service?: string | undefined;
  stderr: string;
  spawnError: string | undefined;
  timedOut: boolean;
  /** Where the CLI sends its calls (the dialect's `engineAddress`), for messages about an unreachable engine. */
  address: string;
  /** The engine answered an earlier call of this command: unreachable now means it went away. */
  answeredBefore?: boolean;
}

const PORT_PATTERNS = [
  /Bind for \S*?:(\d+) failed: port is already allocated/i,
  /:(\d+): bind: address already in use/i,
  /port (\d+) is already (?:allocated|in use)/i,
];

/**
 * Lines a `run` prints on the way to its error: pull progress (both
 * progress formats Go engines print), logged warnings (pull retries), the
 * CLI's help trailer.
 * They are never the error itself: a run that pulled and then hit a port
 * conflict is a port conflict.
 */
const NOT_THE_ERROR = new RegExp(
  [
    String.raw`^unable to find image '.*' locally$`,
    String.raw`^trying to pull \S+`,
    String.raw`^\S+: pulling from \S+`,
    String.raw`^[0-9a-f]{12}: (pulling fs layer|waiting|downloading|verifying checksum|download complete|extracting|pull complete|already exists)`,
    String.raw`^digest: sha256:`,
    String.raw`^status: (downloaded newer image|image is up to date) `,
    String.raw`^(getting image source signatures|writing manifest to image destination|storing signatures)$`,
    String.raw`^copying (blob|config) `,
    String.raw`^time=".*" level=(debug|info|warning)`,
    String.raw`^(DEBU|INFO|WARN)\[\d+\] `,
    String.raw`^(run|see) '.*--help'`,
    // A CLI's closing summary of a failed `start`: the cause is the line before it.
    String.raw`^error: failed to start containers?: `,
  ].join('|'),
  'i',
);
/** Where an engine's error starts: "Error response from daemon: …", "Error: …"; a dialect adds its CLI's own prefix. */
const ERROR_START = /^(error response from daemon|error: |error )/i;
/** The run had to pull (or tried to): its own error may be the registry's. */
const PULLED = /^(unable to find image '.*' locally|trying to pull )/im;
/** Words any Go engine client uses for a daemon it cannot reach; a dialect adds its own (`errors.unreachable`). */
const ENGINE_UNREACHABLE = /error during connect/i;
/** A socket the user may not use; a dialect adds its socket's own words (`errors.permissionDenied`). */
const PERMISSION_DENIED = /connect: permission denied/i;
/** Lower-level words that also fit a registry that cannot be reached. */
const DIAL_FAILED = /connection refused.*(sock|:\d+)|no such host|dial (unix|tcp)/i;
const IMAGE_WORDS =
  /no such image|pull access denied|manifest unknown|not found: manifest|repository does not exist|initializing source|image not known|failed to resolve reference|short-name|error pulling image|requested access to the resource is denied/i;
/** An engine without the NVIDIA toolkit refusing `gpus`: Docker's `--gpus`, and CDI devices (Podman, Docker 25+). */
const GPU_REFUSED = /could not select device driver .*capabilities: \[\[gpu\]\]|unresolvable CDI devices|CDI device injection failed/i;
const GPU_HINT =
  'Install the NVIDIA driver and the NVIDIA Container Toolkit: for Docker, `nvidia-ctk runtime configure --runtime=docker` and restart dockerd; ' +
  'for Podman, write the CDI spec with `nvidia-ctk cdi generate --output=/etc/cdi/nvidia.yaml`. Or drop `gpus` from the service (e.g. put it in a profile).';
/** A pulling run's error about fetching from a registry. */
const REGISTRY_FETCH = /\/v2\/|registry|manifest|unauthorized|no such host|dial tcp|x509|tls|toomanyrequests/i;

/**
 * The engine's error, from the last line that starts one to the end, without
 * the progress and warnings before it; the last three lines when no line
 * starts like an error (some engines' "Cannot connect ..." does not).
 */
export function engineError(stderr: string, errorStart?: RegExp): string[] {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !NOT_THE_ERROR.test(line));
  let start = lines.length;
  const starts = (line: string) => ERROR_START.test(line) || Boolean(errorStart?.test(line));
  while (start > 0 && !starts(lines[start - 1]!)) start--;
  return start > 0 ? lines.slice(start - 1) : lines.slice(-3);
}

/**
 * The shared rules, after the dialect's own `classify` (when it has one);
 * the dialect's words widen the unreachable and permission rules, and its
 * hints replace the registry's engine-neutral ones.
 */
export function classifyFailure(failure: Failure, engine: EngineErrors = {}): CidxError {
  const { runtime, address } = failure;
  // Classified by the engine's error alone: pull progress earlier on says nothing about why the run failed.
  const error = engineError(failure.stderr, engine.errorStart);
  const text = error.join('\n');
  const short = error.join(' ').slice(0, 600);
  // `run` and `create` both pull a missing image (and `pull` only pulls): their failures may name it.
  const isRun = createsContainer(failure);
  const pulled = isRun && (failure.args[0] === 'pull' || PULLED.test(failure.stderr));
  const fail = (code: ErrorCode, message: string, options: CidxErrorOptions = {}) =>
    new CidxError(code, message, engine.hints?.[code] === undefined ? options : { hint: engine.hints[code], ...options });

  if (failure.spawnError === 'ENOENT') {
    return fail('RUNTIME_UNAVAILABLE', `${runtime} is not installed: \`${failure.binary}\` was not found on PATH`);
  }
  const own = engine.classify?.(failure, error);
  if (own) return own;
  if (PERMISSION_DENIED.test(text) || engine.permissionDenied?.test(text)) {
    return fail('RUNTIME_PERMISSION', `permission denied on the ${runtime} socket (${address})`, { details: [short] });
  }
  // "no such host" or a refused dial in a run's error may be the registry's, not the engine's.
  const registryTrouble = isRun && (pulled || /pull|manifest|registry|image|\/v2\//i.test(text));
  const unreachable = ENGINE_UNREACHABLE.test(text) || Boolean(engine.unreachable?.test(text));
  if (failure.timedOut || unreachable || (DIAL_FAILED.test(text) && !registryTrouble)) {
    const where = `the ${runtime} engine at ${address}`;
    const how = failure.timedOut ? ' (timed out)' : '';
    const details = short ? [short] : [];
    // It answered earlier in this command: not a missing install but an engine that went away.
    if (failure.answeredBefore) return fail('ENGINE_UNAVAILABLE', `${where} stopped answering${how}: it answered earlier in this command`, { details });
    return fail('RUNTIME_UNAVAILABLE', `cannot reach ${where}${how}`, { details });
  }
  // Engines carve each network's subnet from a few default pools: a few dozen networks in all.
  if (/non-overlapping IPv4 address pool|could not find free subnet|no available subnet/i.test(text)) {
    return fail('NETWORK_POOL_EXHAUSTED', `${runtime} has no address range left for another network`, { details: [short] });
  }
  const refused = portRefusal(text);
  if (refused) return new PortRefusedError(refused.port, short);
  if (/is already in use by container|the container name .* is already in use|name .* is in use|that name is already in use/i.test(text)) {
    const name = failure.args[failure.args.indexOf('--name') + 1] ?? '?';
    return new NameConflictError(name, short);
  }
  // Docker refuses `--gpus` at create or run, Podman its CDI devices at start: name the service either way.
  if (GPU_REFUSED.test(text)) {
    const service = failure.service ?? failure.args.find((arg, index) => failure.args[index - 1] === '--label' && arg.startsWith('io.cidx.service='))?.slice('io.cidx.service='.length);
    const who = service === undefined ? 'a service' : `service "${service}"`;
    return fail('RUNTIME_COMMAND', `${who} asks for GPUs (\`gpus\`), but ${runtime} has none it can give`, { details: [short], hint: GPU_HINT });
  }
  if (isRun && (namesMissingImage(text) || (pulled && REGISTRY_FETCH.test(text)))) {
    return fail('IMAGE_UNAVAILABLE', `image ${failure.image ?? '?'} is not available to ${runtime} and could not be pulled`, { details: [short] });
  }
  return fail('RUNTIME_COMMAND', `${failure.what} failed (${runtime} exited with an error)`, { details: short ? [short] : [] });
}

/**
 * An engine's words for a host port it cannot publish, with the port when
 * they name it; undefined for any other error. Also for errors that do not
 * come from a CLI call (an orchestrator's task error).
 */
export function portRefusal(text: string): { port: number | undefined } | undefined {
  if (!/port is already allocated|address already in use/i.test(text)) return undefined;
  const port = PORT_PATTERNS.map((pattern) => pattern.exec(text)?.[1]).find(Boolean);
  return { port: port ? Number(port) : undefined };
}

/** An engine's words for an image it does not have and could not pull. */
export function namesMissingImage(text: string): boolean {
  return IMAGE_WORDS.test(text);
}

/** `run` and `create` both pull a missing image, `pull` does nothing else: their failures may name it. */
function createsContainer(failure: Failure): boolean {
  return failure.args[0] === 'run' || failure.args[0] === 'create' || failure.args[0] === 'pull';
}
