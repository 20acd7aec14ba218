/**
 * One service as a stack file for `docker stack deploy -c -`: the only way
 * the Docker CLI takes a whole service spec, for creating and updating
 * alike, from stdin. So env values never reach an argv (`service update`
 * takes them only as `--env-add NAME=value`), and an update is Swarm's own
 * rolling update of the service. Stack files are YAML, of which JSON is a
 * part; `$` is doubled because the CLI interpolates `${VAR}` in them.
 */
import { LABELS, type ContainerSpec, type PortAssignment } from 'cidx';
import type { Placement } from './section.js';

/** How published ports reach the service: on the node its task runs on, or Swarm's routing mesh (needs IPVS in the kernel). */
export type PublishMode = 'host' | 'ingress';

/** Label on task containers naming the project: not `io.cidx.project`, which would make them containers of the docker runtime. */
export const TASK_PROJECT_LABEL = 'io.cidx-swarm.project';

export interface StackService {
  spec: ContainerSpec;
  ports: PortAssignment[];
  placement: Placement;
  publishMode: PublishMode;
}

/** The stack a project's services belong to (`docker stack ps <namespace>` lists their tasks). */
export function stackNamespace(projectId: string): string {
  return `cidx-${projectId}`;
}

/** The Swarm service's name: `<namespace>_<service>`, as `docker stack deploy` names it. */
export function swarmServiceName(spec: Pick<ContainerSpec, 'labels'>): string {
  return `${stackNamespace(spec.labels[LABELS.project]!)}_${serviceKey(spec)}`;
}

export function serviceKey(spec: Pick<ContainerSpec, 'labels'>): string {
  return spec.labels[LABELS.service]!;
}

export function stackFile({ spec, ports, placement, publishMode }: StackService): string {
  const volumes = Object.fromEntries(spec.volumes.map((volume, index) => [`v${index}`, { external: true, name: volume.source }]));
  const service = {
    image: spec.image,
    ...(spec.command ? { command: spec.command } : {}),
    environment: spec.env,
    labels: { [TASK_PROJECT_LABEL]: spec.labels[LABELS.project] ?? '' },
    ports: ports.map((port) => ({
      target: port.container,
      ...(port.hostPort === undefined ? {} : { published: port.hostPort }),
      protocol: 'tcp',
      mode: publishMode,
    })),
    volumes: spec.volumes.map((volume, index) => ({ type: 'volume', source: `v${index}`, target: volume.target })),
    ...(spec.network ? { networks: { project: { aliases: spec.network.aliases } } } : {}),
    deploy: {
      mode: 'replicated',
      replicas: placement.replicas,
      // Host-mode ports and no IPVS: DNS round robin, not a virtual IP, finds the tasks by name.
      endpoint_mode: publishMode === 'host' ? 'dnsrr' : 'vip',
      labels: spec.labels,
      placement: { constraints: placement.constraints },
      restart_policy: { condition: 'any' },
      // Stop first: a task pinned to a host port frees it for its successor. A short monitor: cidx probes health itself.
      update_config: { parallelism: 1, order: 'stop-first', failure_action: 'pause', monitor: '1s' },
    },
  };
  const file = {
    version: '3.8',
    services: { [serviceKey(spec)]: service },
    ...(spec.network ? { networks: { project: { external: true, name: spec.network.name } } } : {}),
    ...(spec.volumes.length ? { volumes } : {}),
  };
  return JSON.stringify(escapeDollars(file));
}

function escapeDollars(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('$', '$$$$');
  if (Array.isArray(value)) return value.map(escapeDollars);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, escapeDollars(inner)]));
  return value;
}
