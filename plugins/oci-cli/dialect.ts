/**
 * What makes one OCI CLI engine differ from another. The shared code
 * (cli-runtime.ts, failures.ts, env-passing.ts) never asks which engine it
 * runs: every difference is a field here, so a new engine (nerdctl, a remote
 * engine's CLI, a wrapper) is one object plus `cliRuntimePlugin(...)`.
 */
import type { EngineEndpoint } from '../../core/engine-endpoint.js';
import type { CidxError, ErrorCode } from '../../core/errors.js';
import type { ContainerKeys } from '../../core/container-keys.js';
import type { Failure } from './failures.js';

export interface Dialect {
  /** The name users choose (`runtime: 'docker'`), see in messages, and the binary's default name. */
  name: string;
  /**
   * `ps --format json` describes containers fully: list in one call instead
   * of `ps` plus `inspect`. An engine that serialises concurrent calls on a
   * lock answers one call sooner than two in parallel. Default: false.
   */
  listsWithPsJson?: boolean;
  /** Host at which published ports live when the engine is remote (from its CLI's env), else undefined. */
  engineHost(env: NodeJS.ProcessEnv): string | undefined;
  /**
   * Where the CLI will send its calls, resolved as the CLI resolves it (host
   * variables, contexts, connections). Default: derived from `engineHost` and
   * `engineAddress`.
   */
  endpoint?(env: NodeJS.ProcessEnv): EngineEndpoint;
  /** Where the CLI sends its calls, for messages and `doctor`: an address, a context, "the local … engine". */
  engineAddress(env: NodeJS.ProcessEnv): string;
  /** How this engine words its failures, and what to do about them. Default: the shared rules only. */
  errors?: EngineErrors;
  /**
   * A failed call worth asking again as it was (up to 4 more times, 50 ms
   * apart and doubling): an engine's known transient failure. `args` are the
   * CLI arguments (`['network', 'create', …]`). Default: never.
   */
  retries?(args: readonly string[], error: CidxError): boolean;
  /** Engine facts from `info --format '{{json .}}'`, for `doctor`. */
  parseInfo(info: Record<string, any>): EngineInfo;
  /**
   * Variable names this CLI reads from its own environment (its host,
   * config, storage settings). Such a name cannot be passed as `--env NAME`
   * with the value in the CLI's environment; the shared list (HOME, PATH,
   * proxies, Go, ssh, locale, …) applies to every engine. Default: none.
   */
  cliEnvNames?: RegExp;
  /**
   * How `extraHosts: { name: 'host-gateway' }` reaches the engine: 'native'
   * passes the word on (Docker 20.10+ resolves it); 'network' puts the
   * gateway of the container's network there instead, for an engine that
   * refuses the word (Podman 4). Default: 'native'.
   */
  hostGateway?: 'native' | 'network';
  /** The network a container joins when cidx names none (for `hostGateway: 'network'`). Default: 'bridge'. */
  defaultNetwork?: string;
  /**
   * `run --mount type=volume,…,volume-label=k=v` labels the volume it creates (Docker); Podman 4
   * refuses the option, so its volumes are created first with `volume create`. Default: false.
   */
  volumeLabelsOnRun?: boolean;
  /**
   * `rm -v` removes only the anonymous volumes the engine mounted itself; one
   * mounted by name stays behind (Docker). A recreate mounts the replaced
   * container's anonymous volumes by name (core/reconcile/replace.ts), so
   * `remove` then finds them first and removes them after. Default: false.
   */
  rmKeepsVolumesMountedByName?: boolean;
  /** The `run` arguments for `gpus`. Default: Docker's `--gpus` (run-args.ts). */
  gpuArgs?(gpus: NonNullable<ContainerKeys['gpus']>): string[];
}

export interface EngineErrors {
  /** A line where this CLI's error starts beyond the shared "Error: …" (e.g. its own name as a prefix). */
  errorStart?: RegExp;
  /** The engine's own words for an engine it cannot reach (beyond the shared dial errors). */
  unreachable?: RegExp;
  /** The engine's words for a socket the user may not use (beyond the shared "connect: permission denied"). */
  permissionDenied?: RegExp;
  /**
   * Hints by error code, replacing the registry's engine-neutral ones on the
   * errors this engine's calls raise: the group to join, the file that sets
   * the address pools, the login command.
   */
  hints?: Partial<Record<ErrorCode, string>>;
  /**
   * Asked before the shared rules: an error for a failure this engine words
   * its own way, or undefined to let the shared rules classify it. The
   * dialect's `hints` are applied to what it returns too.
   */
  classify?(failure: Failure, error: string[]): CidxError | undefined;
}

export interface EngineInfo {
  serverVersion: string | undefined;
  rootless: boolean | undefined;
}
