/**
 * The contract a runtime plugin implements. The core drives containers only
 * through this interface, so every engine, built in or a third party's, plugs
 * in the same way (see `resolveRuntime` in hooks.ts).
 */
import { CidxError } from './errors.js';
import type { EngineEndpoint } from './engine-endpoint.js';
import type { ContainerSpec, ObservedContainer, PortAssignment, VolumeMount } from './model.js';

export interface ContainerRuntime {
  /** Short name shown to users and in `--json`: the name a config's `runtime` asks for. */
  readonly name: string;
  /**
   * Host at which published ports are reachable from this machine, when it is
   * not the binding's own address (a remote engine the CLI reaches through its
   * host variable). Undefined for a local engine.
   */
  readonly engineHost: string | undefined;
  /**
   * Where the engine runs (see engine-endpoint.ts): its address, and whether
   * its published ports are this machine's. Optional for runtimes written
   * before it existed: the core then derives it from `engineHost`.
   */
  readonly endpoint?: EngineEndpoint;
  /**
   * Which optional parts of this contract the runtime provides, declared up
   * front: the core checks these, never whether a method happens to exist.
   */
  readonly capabilities: RuntimeCapabilities;

  /**
   * Every container of the project, found by the `io.cidx.project` label.
   * `expectedNames` are the containers the config declares: a runtime may
   * inspect them while it lists, so a converged project costs one round trip.
   */
  listProject(projectId: string, expectedNames?: string[]): Promise<ObservedContainer[]>;
  /** Every cidx container on this engine, for `prune`. */
  listAll(): Promise<ObservedContainer[]>;
  /** Fresh state of the given containers in one call; missing ones are left out. */
  inspect(ids: string[]): Promise<ObservedContainer[]>;
  /**
   * Creates and starts a container. Throws `PortRefusedError` when the engine
   * refuses a host port and `NameConflictError` when the name is taken; in
   * both cases it leaves no container of its own behind.
   */
  run(spec: ContainerSpec, ports: PortAssignment[]): Promise<{ id: string }>;
  /**
   * Creates a container without starting it, pulling the image first if it
   * is missing (as `run` does), so that a replacement is ready before the
   * container it replaces is touched. `carried` are existing volumes to
   * mount by name (a replaced container's anonymous ones). Throws like `run`
   * (`IMAGE_UNAVAILABLE`, `NameConflictError`, an engine rejection) and then
   * leaves no container of its own behind.
   */
  create(spec: ContainerSpec, ports: PortAssignment[], carried?: VolumeMount[]): Promise<{ id: string }>;
  /** Starts stopped containers. Throws `PortRefusedError` when a host port is taken. */
  start(ids: string[]): Promise<void>;
  /** Stops running containers gracefully (the engine's usual grace period); stopped ones are left as they are. */
  stop(ids: string[]): Promise<void>;
  /** Gives a container (running or not) a new name. */
  rename(id: string, name: string): Promise<void>;
  /**
   * Force-removes containers: anonymous volumes too (never named ones),
   * unless `keepVolumes`, which a recreate uses so that no volume is ever lost
   * to it. A container already gone counts as removed.
   */
  remove(ids: string[], options?: { keepVolumes?: boolean }): Promise<void>;
  /**
   * The anonymous volumes mounted in a container (those the engine named
   * itself, e.g. for an image's `VOLUME`), as `{ source: volume name, target }`:
   * a replacement mounts them by name so their data survives a recreate.
   */
  anonymousVolumes(id: string): Promise<VolumeMount[]>;
  /** Named volumes whose name starts with `prefix`. */
  listVolumes(prefix: string): Promise<string[]>;
  removeVolumes(names: string[]): Promise<void>;
  /**
   * With `capabilities.labelledVolumes`: creates a named volume carrying `labels` (owner and project, for `prune`);
   * one that exists already is left as it is. Without it, volumes are made
   * implicitly by `run` and carry no labels, so `prune` never deletes them.
   */
  createVolume?(name: string, labels: Record<string, string>): Promise<void>;
  /** With `capabilities.labelledVolumes`: named volumes whose name starts with `prefix`, with their labels (volumes made by earlier cidx versions have none). */
  inspectVolumes?(prefix: string): Promise<VolumeInfo[]>;
  /** With `capabilities.networks`: creates the network if it does not exist yet (labels mark it as the project's). */
  ensureNetwork?(name: string, labels: Record<string, string>): Promise<void>;
  /** With `capabilities.networks`: removes the network; a network still in use by others is left alone. */
  removeNetwork?(name: string): Promise<void>;
  /** The last `tail` lines of a container's output (stdout and stderr). */
  logs(id: string, tail: number): Promise<string>;
  /**
   * Runs a command in a running container, for `command` health probes.
   * With `timeoutMs`, a call still running then is ended and resolves with
   * `timedOut: true`; when `signal` aborts, the call is ended at once and the
   * promise rejects with the signal's reason. Either way the command may go
   * on inside the container: ending the CLI client does not reach it.
   */
  exec(id: string, command: string[], options?: ExecOptions): Promise<ExecResult>;
  /** The runtime's own HEALTHCHECK status, if the image defines one and the runtime runs it. */
  healthStatus(id: string): Promise<'healthy' | 'unhealthy' | 'starting' | undefined>;
  /**
   * With `capabilities.streamLogs`: streams a container's logs (`cidx logs`),
   * to this process's stdout/stderr, or line by line to `onLine` (stdout and
   * stderr alike) so several containers' lines can be interleaved with a
   * prefix. Resolves with the CLI's exit code once the stream ends.
   */
  streamLogs?(id: string, options: StreamLogsOptions): Promise<number>;
  /** With `capabilities.describe`: facts for `cidx doctor`. Throws (a CidxError) when the engine does not answer. */
  describe?(): Promise<RuntimeDescription>;
  /**
   * With `capabilities.interactiveExec`: runs a command in a running container
   * with this process's stdin, stdout and stderr (`cidx exec`); resolves with
   * the command's exit code. Values of `env` never appear in an argv.
   */
  execInteractive?(id: string, command: string[], options: InteractiveExecOptions): Promise<number>;
  /** With `capabilities.pull`: whether the engine has this image locally. */
  hasImage?(image: string): Promise<boolean>;
  /**
   * With `capabilities.pull`: pulls an image, handing each line of the
   * engine's progress output to `onLine` as it comes. Throws
   * `IMAGE_UNAVAILABLE` when the image cannot be had.
   */
  pullImage?(image: string, options: PullOptions): Promise<void>;
  /**
   * With `capabilities.updatesInPlace`: brings `previous` to `spec` itself, as
   * an orchestrator's rolling update does, instead of the core's
   * create-swap-remove (reconcile/replace.ts). Resolves once the updated
   * service runs; throws `PortRefusedError` when a requested host port is
   * taken (the core then retries with revised ports, as for `run`).
   */
  update?(previous: ObservedContainer, spec: ContainerSpec, ports: PortAssignment[]): Promise<{ id: string }>;
}

export interface InteractiveExecOptions {
  /** Allocate a pseudo-terminal (the caller's stdin is one). Default: false. */
  tty?: boolean;
  /** `user` or `uid[:gid]` to run as. Default: the image's. */
  user?: string;
  /** Working directory in the container. Default: the image's. */
  workdir?: string;
  /** Variables added for this command only. Default: none. */
  env?: Record<string, string>;
}

export interface PullOptions {
  /** One line of the engine's progress output (layers, bytes, digest). */
  onLine?: (line: string) => void;
  /** Ends the pull at once when aborted. */
  signal?: AbortSignal;
}

/** The optional parts of `ContainerRuntime` a runtime provides; each `true` promises the methods named. */
export interface RuntimeCapabilities {
  /** `ensureNetwork` and `removeNetwork`: services reach each other by name on a project network. Without: the engine's default network. */
  readonly networks: boolean;
  /** `createVolume` and `inspectVolumes`: named volumes carry owner labels, so `prune` can prove they are cidx's. Without: unlabelled volumes `prune` never deletes. */
  readonly labelledVolumes: boolean;
  /**
   * A volume `run`/`create` makes for a mount that carries `labels` gets those labels, so the core skips
   * `createVolume` (one engine call per volume on a cold apply). Needs `labelledVolumes` too. Default: false.
   */
  readonly volumeLabelsOnRun?: boolean;
  /** `streamLogs`: `cidx logs` streams (and follows). Without: the last lines from `logs`. */
  readonly streamLogs: boolean;
  /** `describe`: `cidx doctor` reports versions and where the engine listens. */
  readonly describe: boolean;
  /** `execInteractive`: `cidx exec` works. Optional for runtimes written before it: absent means false. */
  readonly interactiveExec?: boolean;
  /** `hasImage` and `pullImage`: apply pulls missing images as a phase of its own, `cidx pull` works. Absent means false: `run`/`create` pull implicitly. */
  readonly pull?: boolean;
  /** `update`: a changed service is updated by the runtime (Swarm's rolling update), not replaced by the core. Default: false. */
  readonly updatesInPlace?: boolean;
}

export interface StreamLogsOptions {
  /** Keep streaming new lines until the container stops or `signal` aborts. */
  follow: boolean;
  /** Only the last n lines. Default: all. */
  tail: number | undefined;
  /** Only lines since a time (RFC 3339 or Unix seconds) or for a duration ('10m'), as the engine's `--since` takes it. Default: all. */
  since?: string;
  /** Each line with the engine's timestamp in front. Default: false. */
  timestamps?: boolean;
  /** Each line (without its newline), instead of passing the output through. Default: passed through. */
  onLine?: (line: string) => void;
  /** Ends the stream (Ctrl-C). Default: none. */
  signal?: AbortSignal;
}

export interface ExecOptions {
  /** Ends the call after this long. Default: no limit. */
  timeoutMs?: number;
  /** Ends the call at once when aborted (Ctrl-C). Default: none. */
  signal?: AbortSignal;
}

export interface ExecResult {
  exitCode: number;
  /** stdout and stderr, as far as they came. */
  output: string;
  /** The call was ended at `timeoutMs`; `exitCode` then means nothing. */
  timedOut?: boolean;
}

export interface VolumeInfo {
  name: string;
  labels: Record<string, string>;
}

export interface RuntimeDescription {
  /** Client version, e.g. '28.2.2'. */
  clientVersion: string | undefined;
  /** Engine version, e.g. '20.10.24'. */
  serverVersion: string | undefined;
  rootless: boolean | undefined;
  /** Where the CLI sends its calls: a socket path or a remote address, and how it was chosen. */
  endpoint: string;
  /** The same endpoint as data: its address, host, and whether it is on this machine. */
  engine?: EngineEndpoint;
}

/** The engine refused a host port (taken by another container or process). */
export class PortRefusedError extends CidxError {
  /** The refused host port, when the engine's message names it. */
  readonly port: number | undefined;
  constructor(port: number | undefined, engineMessage: string) {
    super('PORT_REFUSED', port ? `host port ${port} is not available: ${engineMessage}` : `a host port is not available: ${engineMessage}`);
    this.port = port;
  }
}

/** A container with this name exists already: someone else is creating it. */
export class NameConflictError extends CidxError {
  readonly containerName: string;
  constructor(containerName: string, engineMessage: string) {
    super('NAME_CONFLICT', `container name ${containerName} is already in use: ${engineMessage}`);
    this.containerName = containerName;
  }
}
