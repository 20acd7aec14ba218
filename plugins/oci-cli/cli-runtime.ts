/**
 * A ContainerRuntime over an OCI engine's CLI. The engines cidx knows share
 * argument syntax for everything cidx does; their differences live in a
 * `Dialect` (dialect.ts), never in a branch here. This is a library runtime
 * plugins use (published as `cidx/oci-cli`), not a plugin: it taps no hook.
 *
 * Every call passes an argument array to execa: no shell, no quoting bugs.
 */
import { closeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ContainerSpec, ObservedContainer, PortAssignment, VolumeMount } from '../../core/model.js';
import pRetry from 'p-retry';
import { CidxError, hasCode, isCidxError } from '../../core/errors.js';
import { LABELS } from '../../core/project.js';
import type { ContainerRuntime, ExecOptions, ExecResult, InteractiveExecOptions, PullOptions, RuntimeCapabilities, RuntimeDescription, StreamLogsOptions, VolumeInfo } from '../../core/runtime.js';
import { execAttached, pullAttached } from './attached.js';
import type { Dialect } from './dialect.js';
import { dialectEndpoint } from './endpoint.js';
import type { EngineEndpoint } from '../../core/engine-endpoint.js';
import { parseAnonymousVolumes, parseAnonymousVolumeNames, parseInspect, parseInspectWithVolumes } from './inspect.js';
import { parsePsJson } from './ps-json.js';
import { passEnv, unlinkedFile } from './env-passing.js';
import { classifyFailure } from './failures.js';
import { commandArgs, containerKeyArgs, needsHostGateway, parseNetworkGateway, volumeArgs } from './run-args.js';

export type { Dialect } from './dialect.js';

export interface CliOptions {
  /** Kill the call after this long. Default: no limit (calls that change something). */
  timeout?: number;
  /** Resolve with the failed result instead of throwing. Default: false. */
  allowFailure?: boolean;
  /** A failure whose stderr matches is an answer, not an error. */
  expected?: RegExp;
  /** What cidx was doing, for the error message. Default: "<runtime> <subcommand>". */
  what?: string;
  /** The image a `run` was given, to name it when it cannot be had. */
  image?: string;
  /** The service the call acts on, to name it in an error. */
  service?: string;
  /** The CLI's stdin (an env file), from an unlinked file: see env-passing.ts. Default: stdin ignored. */
  input?: string;
  /** Added to the CLI's own environment (values of `--env NAME`). Default: none. */
  cliEnv?: Record<string, string>;
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** How long a read-only call may take before the engine counts as unreachable. */
const QUERY_TIMEOUT_MS = 30_000;
/** Node's timers overflow past this (about 24.8 days) and fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const PROJECT_LABEL = LABELS.project;
/** A call the dialect calls transient is asked again this many times, 50 ms apart and doubling. */
const RETRIES = 4;

export class CliRuntime implements ContainerRuntime {
  readonly name: string;
  readonly engineHost: string | undefined;
  readonly endpoint: EngineEndpoint;
  /** Every optional part of the contract: networks, labelled volumes, streamed logs, `doctor` facts, `cidx exec`, visible pulls. */
  readonly capabilities: RuntimeCapabilities;
  /** Some call of this command succeeded: an engine unreachable now has gone away (ENGINE_UNAVAILABLE). */
  private answered = false;
  /** Anonymous volume names of the containers inspected so far, by id (see `remove`). */
  private readonly anonymousById = new Map<string, string[]>();
  /** Service of each container this runtime created, so a failed start can name it (a refused GPU). */
  private readonly serviceOf = new Map<string, string>();

  constructor(
    private readonly dialect: Dialect,
    private readonly binary: string = dialect.name,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.name = dialect.name;
    this.capabilities = Object.freeze({ networks: true, labelledVolumes: true, volumeLabelsOnRun: dialect.volumeLabelsOnRun === true, streamLogs: true, describe: true, interactiveExec: true, pull: true });
    this.endpoint = dialectEndpoint(dialect, env);
    this.engineHost = this.endpoint.host;
  }

  /**
   * Runs the CLI; throws a classified CidxError unless `allowFailure`, or
   * unless the failure's stderr matches `expected` (an answer, not an error:
   * "no such container" to a remove). Classified from this one call: a
   * failing command is never run again just to get its error.
   */
  async cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
    const { retries } = this.dialect;
    if (!retries) return this.cliOnce(args, options);
    return pRetry(() => this.cliOnce(args, options), {
      retries: RETRIES,
      minTimeout: 50,
      factor: 2,
      shouldRetry: ({ error }) => isCidxError(error) && retries(args, error),
    });
  }

  private async cliOnce(args: string[], options: CliOptions): Promise<CliResult> {
    const { execa } = await import('execa'); // lazy: execa costs ~30 ms to load and `--help` needs none of it
    const stdin = options.input === undefined ? 'ignore' : await unlinkedFile(options.input);
    const result = await execa(this.binary, args, {
      reject: false,
      env: options.cliEnv ? { ...this.env, ...options.cliEnv } : this.env,
      extendEnv: false,
      stdin: stdin as 'ignore', // execa takes any descriptor; its types name only 0 and 3-9
      // Own process group: the terminal's Ctrl-C is cidx's to handle. Otherwise it also reaches
      // the CLI's `run`, which may forward it to the container it just started and stop the service.
      detached: true,
      ...(options.timeout ? { timeout: options.timeout } : {}),
    }).finally(() => typeof stdin === 'number' && closeSync(stdin));
    if (!result.failed) this.answered = true;
    const outcome: CliResult = {
      exitCode: result.exitCode ?? -1,
      stdout: typeof result.stdout === 'string' ? result.stdout : '',
      stderr: typeof result.stderr === 'string' ? result.stderr : '',
    };
    if (result.failed && !options.allowFailure && !options.expected?.test(outcome.stderr)) {
      const spawnError = (result as { code?: string }).code ?? (result.cause as NodeJS.ErrnoException | undefined)?.code;
      throw classifyFailure(
        {
          runtime: this.name,
          binary: this.binary,
          args,
          what: options.what ?? `${this.name} ${args[0]}`,
          image: options.image,
          service: options.service,
          stderr: outcome.stderr || (result.message ?? ''),
          spawnError,
          timedOut: Boolean(result.timedOut),
          address: this.dialect.engineAddress(this.env),
          answeredBefore: this.answered,
        },
        this.dialect.errors,
      );
    }
    return outcome;
  }

  /** Cheap liveness check for `runtime: 'auto'`: does the engine answer at all? */
  async answers(timeout = 3_000): Promise<boolean> {
    try {
      const result = await this.cli(['version', '--format', '{{.Server.Version}}'], { timeout, allowFailure: true });
      return result.exitCode === 0 && result.stdout.trim() !== '';
    } catch {
      return false;
    }
  }

  /**
   * Lists by label and, at the same time, inspects the containers the config
   * declares by name: for a converged project both answers arrive in one
   * round trip. Containers the listing finds beyond those (orphans,
   * leftovers) get one more inspect.
   */
  async listProject(projectId: string, expectedNames: string[] = []): Promise<ObservedContainer[]> {
    if (this.dialect.listsWithPsJson) return this.listByLabel(`${PROJECT_LABEL}=${projectId}`);
    const [ids, named] = await Promise.all([
      this.idsByLabel(`${PROJECT_LABEL}=${projectId}`),
      this.inspect(expectedNames),
    ]);
    const listed = new Set(ids);
    const known = named.filter((container) => listed.has(container.id) && container.projectId === projectId);
    const seen = new Set(known.map((container) => container.id));
    const rest = ids.filter((id) => !seen.has(id));
    return rest.length ? [...known, ...(await this.inspect(rest))] : known;
  }

  async listAll(): Promise<ObservedContainer[]> {
    return this.listByLabel(PROJECT_LABEL);
  }

  /** One `ps` for the ids, one `inspect` for the details: two calls, however many containers. */
  private async listByLabel(filter: string): Promise<ObservedContainer[]> {
    if (this.dialect.listsWithPsJson) return this.listWithPsJson(filter);
    return this.inspect(await this.idsByLabel(filter));
  }

  private async listWithPsJson(filter: string): Promise<ObservedContainer[]> {
    const { stdout } = await this.cli(['ps', '-a', '--filter', `label=${filter}`, '--format', 'json'], {
      timeout: QUERY_TIMEOUT_MS,
      what: `listing containers with ${this.name}`,
    });
    return parsePsJson(stdout);
  }

  private async idsByLabel(filter: string): Promise<string[]> {
    const { stdout } = await this.cli(['ps', '-a', '-q', '--no-trunc', '--filter', `label=${filter}`], {
      timeout: QUERY_TIMEOUT_MS,
      what: `listing containers with ${this.name}`,
    });
    return stdout.split('\n').map((line) => line.trim()).filter(Boolean);
  }

  async inspect(ids: string[]): Promise<ObservedContainer[]> {
    if (ids.length === 0) return [];
    // A container removed between ps and inspect makes inspect exit 1 but still print the others.
    const result = await this.cli(['container', 'inspect', ...ids], { timeout: QUERY_TIMEOUT_MS, expected: /no such (container|object)/i });
    const json = result.stdout.trim() || '[]';
    if (!this.dialect.rmKeepsVolumesMountedByName) return parseInspect(json);
    // One parse for both: the containers, and the volumes `remove` will need to know about.
    const { containers, anonymous } = parseInspectWithVolumes(json);
    for (const [id, names] of anonymous) this.anonymousById.set(id, names);
    return containers;
  }

  async run(spec: ContainerSpec, ports: PortAssignment[]): Promise<{ id: string }> {
    return this.createOrRun(['run', '-d'], spec, ports, []);
  }

  async create(spec: ContainerSpec, ports: PortAssignment[], carried: VolumeMount[] = []): Promise<{ id: string }> {
    return this.createOrRun(['create'], spec, ports, carried);
  }

  /** `run -d` and `create` take the same arguments: one place builds them for both. */
  private async createOrRun(verb: string[], spec: ContainerSpec, ports: PortAssignment[], carried: VolumeMount[]): Promise<{ id: string }> {
    const args = [...verb, '--name', spec.name];
    for (const [key, value] of Object.entries(spec.labels)) args.push('--label', `${key}=${value}`);
    // Never `--env KEY=value`: argv is readable by every local user while `run` lasts.
    const env = passEnv(spec.env, this.name, this.dialect.cliEnvNames);
    args.push(...env.args);
    for (const port of ports) args.push('--publish', publishArg(port));
    for (const volume of [...spec.volumes, ...carried]) args.push(...volumeArgs(volume));
    if (spec.network) {
      args.push('--network', spec.network.name);
      for (const alias of spec.network.aliases) args.push('--network-alias', alias);
    }
    const gateway = needsHostGateway(spec, this.dialect) ? await this.networkGateway(spec.network?.name ?? this.dialect.defaultNetwork ?? 'bridge') : undefined;
    args.push(...containerKeyArgs(spec, this.dialect, gateway));
    args.push(spec.image, ...commandArgs(spec));
    try {
      const { stdout } = await this.cli(args, { what: `${verb[0] === 'create' ? 'creating' : 'starting'} ${spec.name}`, image: spec.image, input: env.input, cliEnv: env.cliEnv });
      const id = stdout.trim().split('\n').pop()!.trim();
      const service = spec.labels[LABELS.service];
      if (service !== undefined) this.serviceOf.set(id, service);
      return { id };
    } catch (error) {
      // The name is someone else's container: leave it alone.
      if (hasCode(error, 'NAME_CONFLICT')) throw error;
      // A refused port or a failed start leaves a created container behind: never keep it.
      await this.cli(['rm', '-f', spec.name], { allowFailure: true });
      throw error;
    }
  }

  /** The host's address on a network, as its containers reach it: what 'host-gateway' means. */
  private async networkGateway(network: string): Promise<string> {
    const { stdout } = await this.cli(['network', 'inspect', network], { timeout: QUERY_TIMEOUT_MS, what: `looking up the gateway of network ${network}` });
    const gateway = parseNetworkGateway(stdout.trim());
    if (!gateway) throw new CidxError('RUNTIME_COMMAND', `network ${network} has no gateway address, which extraHosts 'host-gateway' stands for`, { hint: "Put the host's IP address in `extraHosts` instead of 'host-gateway'." });
    return gateway;
  }

  async start(ids: string[]): Promise<void> {
    const service = ids.length === 1 ? this.serviceOf.get(ids[0]!) : undefined;
    if (ids.length) await this.cli(['start', ...ids], { what: 'starting containers', ...(service ? { service } : {}) });
  }

  async stop(ids: string[]): Promise<void> {
    if (ids.length) await this.cli(['stop', ...ids], { what: 'stopping containers' });
  }

  async rename(id: string, name: string): Promise<void> {
    await this.cli(['rename', id, name], { what: `renaming ${id.slice(0, 12)} to ${name}` });
  }

  async remove(ids: string[], options: { keepVolumes?: boolean } = {}): Promise<void> {
    if (ids.length === 0) return;
    const gone = /no such container|no container with name or id/i;
    // Anonymous volumes a recreate carried over by name outlive `rm -v` on some engines: note them first
    // (known from the inspect that found these containers, as `down` did; asked for otherwise).
    const carried = !options.keepVolumes && this.dialect.rmKeepsVolumesMountedByName ? await this.anonymousVolumeNames(ids) : [];
    // Already gone is what was asked for.
    await this.cli(['rm', '-f', ...(options.keepVolumes ? [] : ['-v']), ...ids], { what: 'removing containers', expected: gone });
    // Best effort, like the lookup: gone with `rm -v` already, or still mounted by another container (which then
    // keeps it). A volume left here is litter, never lost data; the containers' removal stands either way.
    if (carried.length) await this.cli(['volume', 'rm', ...carried], { what: 'removing anonymous volumes', allowFailure: true });
  }

  /** The engine-named volumes mounted in these containers; none when the engine cannot say (the removal goes on without). */
  private async anonymousVolumeNames(ids: string[]): Promise<string[]> {
    const unknown = ids.filter((id) => !this.anonymousById.has(id));
    if (unknown.length) {
      // A container already gone makes inspect exit 1 but still print the others.
      const { stdout } = await this.cli(['container', 'inspect', ...unknown], { timeout: QUERY_TIMEOUT_MS, what: 'inspecting containers', allowFailure: true });
      this.rememberAnonymousVolumes(stdout);
    }
    return [...new Set(ids.flatMap((id) => this.anonymousById.get(id) ?? []))];
  }

  /** Notes each inspected container's anonymous volumes: a container's mounts never change, so what is noted stays true. */
  private rememberAnonymousVolumes(inspectJson: string): void {
    try {
      for (const [id, names] of parseAnonymousVolumeNames(inspectJson.trim() || '[]')) this.anonymousById.set(id, names);
    } catch {
      // not JSON (an engine error): nothing learnt
    }
  }

  async anonymousVolumes(id: string): Promise<VolumeMount[]> {
    const { stdout } = await this.cli(['container', 'inspect', id], { timeout: QUERY_TIMEOUT_MS, what: `inspecting ${id.slice(0, 12)}` });
    return parseAnonymousVolumes(stdout.trim() || '[]');
  }

  async listVolumes(prefix: string): Promise<string[]> {
    const { stdout } = await this.cli(['volume', 'ls', '-q', '--filter', `name=${prefix}`], { timeout: QUERY_TIMEOUT_MS });
    return stdout.split('\n').map((line) => line.trim()).filter((name) => name.startsWith(prefix));
  }

  async removeVolumes(names: string[]): Promise<void> {
    if (names.length) await this.cli(['volume', 'rm', '-f', ...names], { what: 'removing volumes' });
  }

  async createVolume(name: string, labels: Record<string, string>): Promise<void> {
    const args = ['volume', 'create'];
    for (const [key, value] of Object.entries(labels)) args.push('--label', `${key}=${value}`);
    // An engine answers an existing name with success or with "already exists": both mean done.
    await this.cli([...args, name], { what: `creating volume ${name}`, expected: /already exists/i });
  }

  async inspectVolumes(prefix: string): Promise<VolumeInfo[]> {
    const names = await this.listVolumes(prefix);
    if (names.length === 0) return [];
    // A volume removed between ls and inspect makes inspect exit 1 but still print the others.
    const { stdout } = await this.cli(['volume', 'inspect', ...names], { timeout: QUERY_TIMEOUT_MS, expected: /no such volume/i });
    const parsed = JSON.parse(stdout.trim() || '[]') as Array<{ Name?: string; Labels?: Record<string, string> | null }>;
    return parsed.filter((volume) => typeof volume.Name === 'string').map((volume) => ({ name: volume.Name!, labels: volume.Labels ?? {} }));
  }

  async ensureNetwork(name: string, labels: Record<string, string>): Promise<void> {
    const args = ['network', 'create'];
    for (const [key, value] of Object.entries(labels)) args.push('--label', `${key}=${value}`);
    // Exists already (an earlier apply, or a concurrent one): that is the goal. No time limit, like
    // every call that changes something: under load an engine sets networks up one at a time.
    await this.cli([...args, name], { what: `creating network ${name}`, expected: /already exists|network with name .* exists|in use/i });
  }

  async removeNetwork(name: string): Promise<void> {
    // Best effort: a network someone else attached a container to stays.
    await this.cli(['network', 'rm', name], { allowFailure: true, timeout: QUERY_TIMEOUT_MS });
  }

  async logs(id: string, tail: number): Promise<string> {
    const result = await this.cli(['logs', '--tail', String(tail), id], { timeout: QUERY_TIMEOUT_MS, allowFailure: true });
    return [result.stdout, result.stderr].filter(Boolean).join('\n');
  }

  /**
   * Not through `cli()`: a probe must be cut short, by its time limit or by
   * Ctrl-C. Killing the CLI's `exec` client ends the wait, but not the
   * command in the container (the CLIs cidx knows do not pass the signal on
   * to an exec session): a probe that hangs keeps its process there until it
   * ends by itself or the container stops.
   */
  async exec(id: string, command: string[], options: ExecOptions = {}): Promise<ExecResult> {
    options.signal?.throwIfAborted();
    const { execa } = await import('execa');
    const result = await execa(this.binary, ['exec', id, ...command], {
      reject: false,
      env: this.env,
      extendEnv: false,
      stdin: 'ignore',
      // Own process group, as in `cli()`: the terminal's Ctrl-C is cidx's to handle.
      detached: true,
      ...(options.timeoutMs !== undefined ? { timeout: Math.max(1, Math.min(options.timeoutMs, MAX_TIMER_MS)) } : {}),
      ...(options.signal ? { cancelSignal: options.signal } : {}),
      // The client normally ends at SIGTERM; do not wait the default 5 s for one that does not.
      forceKillAfterDelay: 1_000,
    });
    if (options.signal?.aborted) throw options.signal.reason;
    const output = [result.stdout, result.stderr].filter((part): part is string => typeof part === 'string' && part !== '').join('\n');
    return result.timedOut ? { exitCode: result.exitCode ?? -1, output, timedOut: true } : { exitCode: result.exitCode ?? -1, output };
  }

  async streamLogs(id: string, options: StreamLogsOptions): Promise<number> {
    return this.streamLogsOf(['logs'], id, options);
  }

  /**
   * `streamLogs` through another logs verb of the same CLI (`service logs`
   * for a Swarm service), with every option: line by line, since, timestamps.
   */
  async streamLogsOf(verb: readonly string[], id: string, options: StreamLogsOptions): Promise<number> {
    const { execa } = await import('execa');
    const args = [
      ...verb,
      ...(options.follow ? ['--follow'] : []),
      ...(options.tail !== undefined ? ['--tail', String(options.tail)] : []),
      ...(options.since !== undefined ? ['--since', options.since] : []),
      ...(options.timestamps ? ['--timestamps'] : []),
      id,
    ];
    const base = { reject: false, env: this.env, extendEnv: false, ...(options.signal ? { cancelSignal: options.signal } : {}) } as const;
    if (!options.onLine) {
      const result = await execa(this.binary, args, { ...base, stdio: 'inherit' });
      return result.exitCode ?? (options.signal?.aborted ? 0 : 1);
    }
    // stdout and stderr interleaved as the container wrote them, one line at a time.
    const child = execa(this.binary, args, { ...base, stdin: 'ignore', all: true, lines: false, buffer: false });
    const lines = createInterface({ input: child.all!, crlfDelay: Infinity });
    lines.on('line', options.onLine);
    const result = await child;
    return result.exitCode ?? (options.signal?.aborted ? 0 : 1);
  }

  /** `cidx exec`: attached to this process's terminal, see attached.ts. */
  async execInteractive(id: string, command: string[], options: InteractiveExecOptions): Promise<number> {
    return execAttached({ dialect: this.dialect, binary: this.binary, env: this.env }, id, command, options);
  }

  async hasImage(image: string): Promise<boolean> {
    // Both engines answer a missing image with exit 1 and their own words; anything else is an error.
    const result = await this.cli(['image', 'inspect', '--format', '{{.Id}}', image], { timeout: QUERY_TIMEOUT_MS, expected: /no such image|image not known/i });
    return result.exitCode === 0;
  }

  /** Progress streamed line by line, see attached.ts. */
  async pullImage(image: string, options: PullOptions): Promise<void> {
    await pullAttached({ dialect: this.dialect, binary: this.binary, env: this.env }, image, options);
    this.answered = true;
  }

  async describe(): Promise<RuntimeDescription> {
    // An engine's `info` may count images and containers under its lock, so it waits behind
    // whatever else the engine is doing: give it the same budget as any other query.
    const [client, info] = await Promise.all([
      this.cli(['version', '--format', '{{.Client.Version}}'], { allowFailure: true, timeout: QUERY_TIMEOUT_MS }),
      this.cli(['info', '--format', '{{json .}}'], { timeout: QUERY_TIMEOUT_MS, what: `asking ${this.name} for engine info` }),
    ]);
    const { serverVersion, rootless } = this.dialect.parseInfo(JSON.parse(info.stdout || '{}') as Record<string, any>);
    return {
      clientVersion: client.stdout.trim() || undefined,
      serverVersion,
      rootless,
      endpoint: this.dialect.engineAddress(this.env),
      engine: this.endpoint,
    };
  }

  async healthStatus(id: string): Promise<'healthy' | 'unhealthy' | 'starting' | undefined> {
    const [container] = await this.inspect([id]);
    return container?.runtimeHealth;
  }
}

/** `127.0.0.1::6333/tcp` (runtime-chosen; some engines reject `0:6333`), `127.0.0.1:6333:6333/tcp`, `127.0.0.1::53/udp`. */
export function publishArg(port: PortAssignment): string {
  const ip = port.hostIp.includes(':') ? `[${port.hostIp}]` : port.hostIp;
  return `${ip}:${port.hostPort ?? ''}:${port.container}/${port.protocol ?? 'tcp'}`;
}
