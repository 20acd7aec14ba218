/**
 * The `ContainerRuntime` contract over Docker Swarm services, through the
 * Docker CLI (`cidx/oci-cli`'s CliRuntime runs every call, so failures are
 * classified and env files travel on stdin as for plain containers). What
 * the core calls a container is a Swarm service here; its tasks are where
 * it runs. A changed service is updated in place (`updatesInPlace`):
 * `docker stack deploy` with the new spec, which Swarm rolls out itself.
 */
import { CidxError, LABELS, PortRefusedError, type ContainerRuntime, type ContainerSpec, type EngineEndpoint, type ExecOptions, type ExecResult, type ObservedContainer, type PortAssignment, type RuntimeDescription, type StreamLogsOptions, type VolumeInfo, type VolumeMount } from 'cidx';
import { dockerDialect } from 'cidx/plugins';
import { CliRuntime, namesMissingImage, portRefusal, type CliOptions } from 'cidx/oci-cli';
import { currentTasks, isFailed, nodeView, observedService, taskView, type NodeJson, type NodeView, type SwarmServiceJson, type TaskJson, type TaskView } from './observe.js';
import { placementOf } from './section.js';
import { stackFile, stackNamespace, swarmServiceName, type PublishMode } from './stack-file.js';

export interface SwarmRuntimeOptions {
  /** The Docker CLI. Default: 'docker' from PATH. */
  binary?: string | undefined;
  /** The CLI's environment (DOCKER_HOST, DOCKER_CONTEXT: the manager to talk to). Default: process.env. */
  env?: NodeJS.ProcessEnv | undefined;
  /** 'host' (default): each task publishes on its node. 'ingress': Swarm's routing mesh, which needs IPVS in the nodes' kernels. */
  publishMode?: PublishMode | undefined;
  /** How long a new or updated service may take until its tasks run (image pulls on the nodes count). Default: 120 s. */
  startTimeoutMs?: number | undefined;
}

const POLL_MS = 200;
const QUERY_TIMEOUT_MS = 30_000;
interface PsLine {
  ID: string;
  DesiredState: string;
  CurrentState: string;
  Error: string;
  Node: string;
  Name: string;
}

export class SwarmRuntime implements ContainerRuntime {
  readonly name = 'swarm';
  /** URLs use each task's node address (the bindings' hostIp). */
  readonly engineHost = undefined;
  /**
   * The manager the Docker CLI talks to (DOCKER_HOST, a context), so two
   * swarms never share a port cache or a project lock. `local`: URLs are the
   * bindings' node addresses as they are, never rewritten to the manager's host.
   */
  readonly endpoint: EngineEndpoint;
  readonly capabilities = Object.freeze({ networks: true, labelledVolumes: true, streamLogs: true, describe: true, updatesInPlace: true });
  /** The current tasks of each service (by cidx service name) at the last observation: what `status` lists. */
  readonly tasks = new Map<string, TaskView[]>();
  private readonly docker: CliRuntime;
  private readonly nodes = new Map<string, NodeView>();
  private readonly publishMode: PublishMode;
  private readonly startTimeoutMs: number;

  constructor(options: SwarmRuntimeOptions = {}) {
    this.docker = new CliRuntime(dockerDialect, options.binary ?? 'docker', options.env ?? process.env);
    this.endpoint = { uri: this.docker.endpoint.uri, host: undefined, local: true, ...(this.docker.endpoint.source ? { source: this.docker.endpoint.source } : {}) };
    this.publishMode = options.publishMode ?? 'host';
    this.startTimeoutMs = options.startTimeoutMs ?? 120_000;
  }

  /** A Docker CLI call; "not a swarm manager" becomes an error that says what to do. */
  private async cli(args: string[], options: CliOptions = {}) {
    try {
      return await this.docker.cli(args, options);
    } catch (error) {
      const details = (error as { details?: unknown }).details;
      const message = [error instanceof Error ? error.message : String(error), ...(Array.isArray(details) ? details : [])].join('\n');
      if (/not a swarm manager|swarm is not initialized|node is not part of a swarm/i.test(message)) {
        throw new CidxError('RUNTIME_UNAVAILABLE', 'the swarm runtime needs a Docker engine that is a swarm manager, and this one is not', {
          hint: 'Run `docker swarm init --advertise-addr <this machine\'s address>` (or point DOCKER_HOST / DOCKER_CONTEXT at a manager), or choose another runtime.',
          cause: error,
        });
      }
      throw error;
    }
  }

  /** This engine's node id in the swarm, or undefined when it is in none. */
  async nodeId(): Promise<string | undefined> {
    const { stdout } = await this.cli(['info', '--format', '{{.Swarm.LocalNodeState}} {{.Swarm.NodeID}} {{.Swarm.ControlAvailable}}'], { timeout: QUERY_TIMEOUT_MS });
    const [state, id] = stdout.trim().split(' ');
    return state === 'active' && id ? id : undefined;
  }

  async listProject(projectId: string): Promise<ObservedContainer[]> {
    return this.observe(await this.serviceIds(`label=${LABELS.project}=${projectId}`));
  }

  async listAll(): Promise<ObservedContainer[]> {
    return this.observe(await this.serviceIds(`label=${LABELS.project}`));
  }

  async inspect(ids: string[]): Promise<ObservedContainer[]> {
    return this.observe(ids);
  }

  private async serviceIds(filter: string): Promise<string[]> {
    const { stdout } = await this.cli(['service', 'ls', '--quiet', '--filter', filter], { timeout: QUERY_TIMEOUT_MS });
    return lines(stdout);
  }

  /** Services, their tasks and their nodes: three calls in two round trips, one more when a node is new to this process. */
  private async observe(ids: string[]): Promise<ObservedContainer[]> {
    if (!ids.length) return [];
    // Services and their task ids at once. A service removed meanwhile is left out: the CLI prints
    // the others and fails for it (and its tasks, if listed, belong to no service below).
    const [inspected, ps] = await Promise.all([
      this.cli(['service', 'inspect', ...ids], { timeout: QUERY_TIMEOUT_MS, allowFailure: true }),
      this.cli(['service', 'ps', '--quiet', '--no-trunc', ...ids], { timeout: QUERY_TIMEOUT_MS, allowFailure: true }),
    ]);
    const services = parseArray<SwarmServiceJson>(inspected.stdout);
    if (!services.length) return [];
    const taskIds = lines(ps.stdout);
    const tasks = taskIds.length ? parseArray<TaskJson>((await this.cli(['inspect', '--type', 'task', ...taskIds], { timeout: QUERY_TIMEOUT_MS, allowFailure: true })).stdout) : [];
    await this.learnNodes(tasks.map((task) => task.NodeID).filter((id): id is string => Boolean(id)));
    const ingressAddress = this.publishMode === 'ingress' ? [...this.nodes.values()].find((node) => node.address)?.address : undefined;
    return services.map((service) => {
      const own = tasks.filter((task) => task.ServiceID === service.ID);
      const views = own.map((task) => taskView(task, this.nodes));
      const current = currentTasks(views, own);
      const recentFailure = !current.some((task) => task.state === 'running') && views.some(isFailed);
      const observed = observedService(service, current, recentFailure, ingressAddress);
      this.tasks.set(observed.service, current);
      return observed;
    });
  }

  private async learnNodes(ids: string[]): Promise<void> {
    const unknown = [...new Set(ids)].filter((id) => !this.nodes.has(id));
    if (!unknown.length) return;
    const { stdout } = await this.cli(['node', 'inspect', ...unknown], { timeout: QUERY_TIMEOUT_MS, allowFailure: true });
    for (const node of parseArray<NodeJson>(stdout)) this.nodes.set(node.ID, nodeView(node));
  }

  async run(spec: ContainerSpec, ports: PortAssignment[]): Promise<{ id: string }> {
    const name = swarmServiceName(spec);
    await this.deploy(spec, ports);
    try {
      const id = await this.serviceId(name);
      await this.waitForTasks(id, name, new Set(), placementOf(spec.labels).replicas);
      return { id };
    } catch (error) {
      // As `run` promises: a refused port or a failed start leaves no service of its own behind.
      await this.removeServices([name]);
      throw error;
    }
  }

  async update(previous: ObservedContainer, spec: ContainerSpec, ports: PortAssignment[]): Promise<{ id: string }> {
    const name = swarmServiceName(spec);
    const before = new Set(lines((await this.cli(['service', 'ps', '--quiet', '--no-trunc', previous.id], { timeout: QUERY_TIMEOUT_MS, allowFailure: true })).stdout));
    await this.deploy(spec, ports);
    await this.waitForTasks(previous.id, name, before, placementOf(spec.labels).replicas);
    return { id: previous.id };
  }

  /** `docker stack deploy` of one service: creates it, or updates it (Swarm rolls its tasks). */
  private async deploy(spec: ContainerSpec, ports: PortAssignment[]): Promise<void> {
    const placement = placementOf(spec.labels);
    // Several tasks of one service may share a node: a fixed host port would let only one of them start.
    const publish = placement.replicas > 1 ? ports.map((port) => ({ ...port, hostPort: undefined })) : ports;
    const file = stackFile({ spec, ports: publish, placement, publishMode: this.publishMode });
    await this.cli(['stack', 'deploy', '--resolve-image', 'never', '--compose-file', '-', stackNamespace(spec.labels[LABELS.project]!)], {
      input: file,
      what: `deploying ${swarmServiceName(spec)}`,
      image: spec.image,
    });
  }

  private async serviceId(name: string): Promise<string> {
    const { stdout } = await this.cli(['service', 'inspect', '--format', '{{.ID}}', name], { timeout: QUERY_TIMEOUT_MS });
    return stdout.trim();
  }

  /**
   * Waits until the service's new tasks (those not in `before`) run, as
   * many as it wants (`replicas`, as its placement says). A task refused for its host port, or for an image no
   * node has, ends the wait with that error; any other failure is Swarm's
   * to retry and cidx's health check's to report.
   */
  private async waitForTasks(id: string, name: string, before: ReadonlySet<string>, replicas: number): Promise<void> {
    const deadline = Date.now() + this.startTimeoutMs;
    for (;;) {
      const ps = await this.cli(['service', 'ps', '--no-trunc', '--format', '{{json .}}', id], { timeout: QUERY_TIMEOUT_MS });
      const tasks = lines(ps.stdout).map((line) => JSON.parse(line) as PsLine).filter((task) => !before.has(task.ID));
      const failed = tasks.find((task) => /^(failed|rejected)/i.test(task.CurrentState) && task.Error);
      // A task's error is the engine's own words: recognised as a CLI call's are.
      const refused = failed && portRefusal(failed.Error);
      if (refused) throw new PortRefusedError(refused.port, failed.Error);
      if (failed && namesMissingImage(failed.Error)) {
        throw new CidxError('IMAGE_UNAVAILABLE', `${name}: a node cannot run the image: ${failed.Error}`, {
          hint: 'Every node that may run the service needs the image: push it to a registry the nodes can pull from, or load it on each node.',
        });
      }
      const running = tasks.filter((task) => task.DesiredState.toLowerCase() === 'running' && /^running/i.test(task.CurrentState));
      if (running.length >= replicas) return;
      if (failed && tasks.filter((task) => /^(failed|rejected)/i.test(task.CurrentState)).length >= 3) return; // failing by itself: health reports it
      if (Date.now() > deadline) {
        const waiting = tasks.filter((task) => task.DesiredState.toLowerCase() === 'running').map((task) => `${task.Name} is ${task.CurrentState.toLowerCase()} on ${task.Node || 'no node yet'}`);
        throw new CidxError('RUNTIME_COMMAND', `${name}: ${running.length} of ${replicas} tasks running after ${Math.round(this.startTimeoutMs / 1000)} s`, {
          details: waiting,
          hint: '`docker service ps --no-trunc ' + name + '` shows why; a task stuck in "preparing" often means its node cannot set up the service\'s network or pull its image.',
        });
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** Not used: a runtime that `updatesInPlace` is never asked for a replacement. */
  async create(): Promise<{ id: string }> {
    throw new CidxError('INTERNAL', 'the swarm runtime updates services in place; it makes no replacement containers');
  }

  async start(ids: string[]): Promise<void> {
    for (const service of await this.inspect(ids)) {
      const { replicas } = placementOf(service.labels);
      const before = new Set(lines((await this.cli(['service', 'ps', '--quiet', '--no-trunc', service.id], { timeout: QUERY_TIMEOUT_MS })).stdout));
      await this.cli(['service', 'scale', '--detach', `${service.id}=${replicas}`], { what: `starting ${service.name}` });
      await this.waitForTasks(service.id, service.name, before, replicas);
    }
  }

  async stop(ids: string[]): Promise<void> {
    if (ids.length) await this.cli(['service', 'scale', '--detach', ...ids.map((id) => `${id}=0`)], { what: 'stopping services' });
  }

  async rename(): Promise<void> {
    throw new CidxError('INTERNAL', 'Swarm services cannot be renamed');
  }

  async remove(ids: string[]): Promise<void> {
    await this.removeServices(ids);
  }

  /**
   * Removes services and waits until their task containers on this node are
   * gone, so their host ports, volumes and network are free for what comes
   * next (`down --volumes`, the network's removal). A service already gone counts as removed.
   */
  private async removeServices(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.cli(['service', 'rm', ...ids], { what: 'removing services', expected: /not found/i });
    const deadline = Date.now() + 30_000;
    for (const id of ids) {
      const key = /^[0-9a-z]{25}$/.test(id) ? 'com.docker.swarm.service.id' : 'com.docker.swarm.service.name';
      while (Date.now() < deadline) {
        const { stdout } = await this.cli(['ps', '--all', '--quiet', '--filter', `label=${key}=${id}`], { timeout: QUERY_TIMEOUT_MS });
        if (!stdout.trim()) break;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    }
  }

  async anonymousVolumes(): Promise<VolumeMount[]> {
    return [];
  }

  // Volumes are node-local in Swarm: cidx makes them on the node it talks to, where services with volumes are pinned.
  async listVolumes(prefix: string): Promise<string[]> {
    return this.docker.listVolumes(prefix);
  }

  async removeVolumes(names: string[]): Promise<void> {
    return this.docker.removeVolumes(names);
  }

  async createVolume(name: string, labels: Record<string, string>): Promise<void> {
    return this.docker.createVolume(name, labels);
  }

  async inspectVolumes(prefix: string): Promise<VolumeInfo[]> {
    return this.docker.inspectVolumes(prefix);
  }

  /** An attachable overlay network: services on any node find each other by name (DNS round robin). */
  async ensureNetwork(name: string, labels: Record<string, string>): Promise<void> {
    const found = await this.cli(['network', 'inspect', '--format', '{{.Driver}}', name], { allowFailure: true, timeout: QUERY_TIMEOUT_MS });
    if (found.exitCode === 0) {
      if (found.stdout.trim() === 'overlay') return;
      throw new CidxError('RUNTIME_COMMAND', `network ${name} exists with the ${found.stdout.trim()} driver; Swarm services need an overlay network`, {
        hint: 'It is the project network of another runtime: run `cidx down` with that runtime first.',
      });
    }
    const args = ['network', 'create', '--driver', 'overlay', '--attachable'];
    for (const [key, value] of Object.entries(labels)) args.push('--label', `${key}=${value}`);
    await this.cli([...args, name], { what: `creating network ${name}`, expected: /already exists/i });
  }

  async removeNetwork(name: string): Promise<void> {
    await this.cli(['network', 'rm', name], { allowFailure: true });
  }

  async logs(id: string, tail: number): Promise<string> {
    const result = await this.cli(['service', 'logs', '--tail', String(tail), '--no-trunc', id], { timeout: QUERY_TIMEOUT_MS, allowFailure: true });
    return [result.stdout, result.stderr].filter(Boolean).join('\n');
  }

  /** Every task's lines, with the same options (`--since`, `--timestamps`, prefixed lines) as a container's. */
  async streamLogs(id: string, options: StreamLogsOptions): Promise<number> {
    return this.docker.streamLogsOf(['service', 'logs'], id, options);
  }

  /** In a running task's container on this node: the CLI cannot exec into a task elsewhere. */
  async exec(id: string, command: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const container = await this.localContainer(id);
    if (!container) return { exitCode: -1, output: 'no running task of this service on the node cidx talks to: `command` probes need one there' };
    return this.docker.exec(container, command, options);
  }

  async healthStatus(id: string): Promise<'healthy' | 'unhealthy' | 'starting' | undefined> {
    const container = await this.localContainer(id);
    return container ? this.docker.healthStatus(container) : undefined;
  }

  private async localContainer(serviceId: string): Promise<string | undefined> {
    const { stdout } = await this.cli(['ps', '--quiet', '--filter', `label=com.docker.swarm.service.id=${serviceId}`, '--filter', 'status=running'], { timeout: QUERY_TIMEOUT_MS });
    return lines(stdout)[0];
  }

  async describe(): Promise<RuntimeDescription> {
    const [description, node] = await Promise.all([this.docker.describe(), this.nodeId()]);
    return { ...description, endpoint: `${description.endpoint} (${node ? `swarm node ${node.slice(0, 12)}` : 'not in a swarm'})` };
  }
}

function lines(text: string): string[] {
  return text.split('\n').map((line) => line.trim()).filter(Boolean);
}

function parseArray<T>(text: string): T[] {
  const start = text.indexOf('[');
  if (start < 0) return [];
  try {
    const parsed: unknown = JSON.parse(text.slice(start));
    return Array.isArray(parsed) ? (parsed as T[]) : [];
  } catch {
    return [];
  }
}
