/**
 * Swarm's answers (`docker service inspect`, `docker inspect <task>…`,
 * `docker node inspect`) turned into what cidx's core reads: one
 * `ObservedContainer` per Swarm service, its state from its tasks, and one
 * port binding per running task at its node's address.
 */
import { LABELS, type ContainerState, type ObservedContainer, type PortBinding } from 'cidx';
import { placementOf } from './section.js';

export interface SwarmServiceJson {
  ID: string;
  Spec: {
    Name: string;
    Labels?: Record<string, string> | null;
    Mode?: { Replicated?: { Replicas?: number } };
    TaskTemplate?: { ContainerSpec?: { Image?: string } };
  };
  Endpoint?: { Ports?: Array<{ TargetPort: number; PublishedPort?: number; PublishMode?: string; Protocol?: string }> | null };
  UpdateStatus?: { State?: string; Message?: string; StartedAt?: string };
}

export interface TaskJson {
  ID: string;
  ServiceID: string;
  NodeID?: string;
  Slot?: number;
  DesiredState: string;
  Status: {
    State: string;
    Message?: string;
    Err?: string;
    Timestamp?: string;
    ContainerStatus?: { ContainerID?: string; ExitCode?: number };
    PortStatus?: { Ports?: Array<{ TargetPort: number; PublishedPort?: number; PublishMode?: string; Protocol?: string }> | null };
  };
}

export interface NodeJson {
  ID: string;
  Description?: { Hostname?: string };
  Status?: { Addr?: string; State?: string };
  ManagerStatus?: { Addr?: string };
}

/** A task as `status` shows it: where it runs and how it is. */
export interface TaskView {
  id: string;
  slot: number | undefined;
  state: string;
  node: string;
  address: string | undefined;
  ports: PortBinding[];
  error: string | undefined;
  containerId: string | undefined;
}

export interface NodeView {
  hostname: string;
  address: string | undefined;
}

/** States a task passes through before it runs (docker/swarmkit api/types.proto). */
const STARTING = new Set(['new', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting']);
const FAILED = new Set(['failed', 'rejected', 'orphaned']);

/** A node's address for URLs: its own, or its manager address when Swarm reports 0.0.0.0 (it does for some managers). */
export function nodeView(node: NodeJson): NodeView {
  const own = node.Status?.Addr;
  const manager = node.ManagerStatus?.Addr?.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  const address = own && own !== '0.0.0.0' ? own : manager || undefined;
  return { hostname: node.Description?.Hostname ?? node.ID.slice(0, 12), address };
}

export function taskView(task: TaskJson, nodes: ReadonlyMap<string, NodeView>): TaskView {
  const node = task.NodeID ? nodes.get(task.NodeID) : undefined;
  const address = node?.address;
  const seen = new Set<string>();
  const ports: PortBinding[] = [];
  for (const port of task.Status.PortStatus?.Ports ?? []) {
    // Docker lists a host-mode port once per address family, with the same number.
    const key = `${port.TargetPort}:${port.PublishedPort}`;
    if (port.PublishedPort === undefined || seen.has(key) || address === undefined) continue;
    seen.add(key);
    ports.push({ container: port.TargetPort, hostIp: address, hostPort: port.PublishedPort });
  }
  return {
    id: task.ID,
    slot: task.Slot,
    state: task.Status.State,
    node: node?.hostname ?? task.NodeID?.slice(0, 12) ?? 'unassigned',
    address,
    ports,
    error: task.Status.Err || undefined,
    containerId: task.Status.ContainerStatus?.ContainerID || undefined,
  };
}

/** The tasks that are the service now: those Swarm wants running. */
export function currentTasks(tasks: TaskView[], all: TaskJson[]): TaskView[] {
  const wanted = new Set(all.filter((task) => task.DesiredState === 'running' || task.DesiredState === 'ready').map((task) => task.ID));
  return tasks.filter((task) => wanted.has(task.id));
}

export function serviceState(replicas: number, tasks: TaskView[], recentFailure: boolean): ContainerState {
  if (replicas === 0) return 'exited';
  const running = tasks.filter((task) => task.state === 'running').length;
  if (running >= replicas) return 'running';
  if (running > 0) return 'running'; // partly up: Swarm is converging; health says whether it serves
  if (recentFailure) return 'restarting'; // tasks fail and Swarm starts new ones
  if (tasks.some((task) => STARTING.has(task.state))) return 'created';
  return 'unknown';
}

export function isFailed(task: Pick<TaskView, 'state'>): boolean {
  return FAILED.has(task.state);
}

/**
 * One Swarm service as cidx sees a container: its labels, its state from
 * its tasks, and every running task's ports at its node's address (the
 * core's URL is the first; `status` lists them all).
 */
export function observedService(service: SwarmServiceJson, current: TaskView[], recentFailure: boolean, ingressAddress: string | undefined): ObservedContainer {
  const labels = service.Spec.Labels ?? {};
  const replicas = service.Spec.Mode?.Replicated?.Replicas ?? placementOf(labels).replicas;
  const bySlot = [...current].sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0));
  const running = bySlot.filter((task) => task.state === 'running');
  const ports = running.flatMap((task) => task.ports);
  // Routing-mesh ports are the service's, on every node: reach them at the manager cidx talks to.
  let meshed = false;
  for (const port of service.Endpoint?.Ports ?? []) {
    if (port.PublishMode === 'ingress' && port.PublishedPort && ingressAddress) {
      ports.push({ container: port.TargetPort, hostIp: ingressAddress, hostPort: port.PublishedPort });
      meshed = true;
    }
  }
  const serviceName = labels[LABELS.service] ?? '';
  // Host mode: each task Swarm wants running is a copy at its own node and port, and health probes every one, so a
  // copy that is not (yet) running leaves the service unhealthy rather than unseen. The mesh hides the copies.
  const instances = meshed ? undefined : bySlot.map((task) => ({ name: `${serviceName}.${task.slot ?? task.id.slice(0, 12)}`, ports: task.state === 'running' ? task.ports : [] }));
  return {
    id: service.ID,
    name: service.Spec.Name,
    service: serviceName,
    projectId: labels[LABELS.project] ?? '',
    configHash: labels[LABELS.configHash],
    image: (service.Spec.TaskTemplate?.ContainerSpec?.Image ?? '').replace(/@sha256:[0-9a-f]+$/, ''),
    state: serviceState(replicas, current, recentFailure),
    exitCode: undefined,
    startedAt: undefined,
    ports,
    labels,
    // Swarm-assigned host ports change with every new task; a wanted port is asked for by number.
    ephemeralPorts: false,
    ...(instances ? { instances } : {}),
  };
}
