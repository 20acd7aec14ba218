/**
 * The data cidx's core and its plugins exchange. Nothing here knows which
 * container runtime is in use: runtime plugins translate to and from these.
 */
import type { HealthConfig } from '../schemas/config.js';
import type { ContainerKeys } from './container-keys.js';

export type { BindMount, ContainerKeys, RestartPolicy } from './container-keys.js';
import type { EngineEndpoint } from './engine-endpoint.js';
import type { Protocol } from '../schemas/port-spec.js';

export type { Protocol };

/** Who a project is: its containers, volumes and cache entries are keyed by `id`. */
export interface ProjectIdentity {
  /** Human name: `project` from the config, or the directory's name. */
  name: string;
  /** Stable short hash of `root`: two checkouts of one repo never collide. */
  id: string;
  /** Absolute directory holding the config file. */
  root: string;
  /** Absolute path of the config file that was loaded. */
  configFile: string;
}

/** A host port a runtime published for a container port. */
export interface PortBinding {
  container: number;
  hostIp: string;
  hostPort: number;
  /** Absent: 'tcp'. */
  protocol?: Protocol;
}

export type ContainerState =
  | 'running'
  | 'created'
  | 'exited'
  | 'paused'
  | 'restarting'
  | 'removing'
  | 'dead'
  | 'unknown';

/** A container as the runtime reports it, with cidx's labels decoded. */
export interface ObservedContainer {
  id: string;
  /** Name without the leading slash some engines' inspect output adds. */
  name: string;
  /** Value of the `io.cidx.service` label. */
  service: string;
  /** Value of the `io.cidx.project` label. */
  projectId: string;
  /** Value of the `io.cidx.config-hash` label: the spec it was created from. */
  configHash: string | undefined;
  image: string;
  state: ContainerState;
  exitCode: number | undefined;
  /** ISO time of the last start, when the runtime reports one. */
  startedAt: string | undefined;
  /** ISO time the last run ended, when the runtime reports one (a job's record of when it finished). */
  finishedAt?: string | undefined;
  /** Published ports (TCP and UDP); empty until the container runs on an engine that publishes only at start. */
  ports: PortBinding[];
  labels: Record<string, string>;
  /**
   * True when the runtime chose the host ports and may choose different ones
   * on the next start (an engine that picks ports at start does; one that pins them at create does not).
   */
  ephemeralPorts?: boolean;
  /** The container's address on its network, when it has one (reachable from the host only with a local engine). */
  ipAddress?: string | undefined;
  /** The image's own HEALTHCHECK status, where the runtime runs one. */
  runtimeHealth?: 'healthy' | 'unhealthy' | 'starting' | undefined;
  /**
   * The copies of the service that run now, when the runtime runs several (an
   * orchestrator's running tasks), each with its own bindings. `ports` then
   * holds all of them; the report's `url` is the first copy's, `instances`
   * lists every copy's, and http and tcp health probes reach every copy.
   * Absent for a plain container.
   */
  instances?: ObservedInstance[];
}

/** One running copy of a service (a Swarm task): what names it to users, and where its ports are. */
export interface ObservedInstance {
  /** `web.2`: the service and the copy's number, or the copy's id. */
  name: string;
  ports: PortBinding[];
}

/** A named container port, as the config declares it. */
export interface PortSpec {
  name: string;
  container: number;
  /** Absent: 'tcp' (set only for UDP, so a TCP-only spec hashes as before UDP existed). */
  protocol?: Protocol;
}

export interface VolumeMount {
  /** The runtime's volume name (project-scoped, see `volumeName`). */
  source: string;
  /** Path inside the container. */
  target: string;
  /**
   * Labels for the volume should the engine create it for this container:
   * set by the core, only for runtimes with `capabilities.volumeLabelsOnRun`,
   * which then need no `createVolume` call first. Not part of the config hash.
   */
  labels?: Record<string, string>;
}

/** Everything a runtime needs to run one service, except its host ports. The container keys (mounts, user, …) are optional: see container-keys.ts. */
export interface ContainerSpec extends ContainerKeys {
  name: string;
  image: string;
  command: string[] | undefined;
  env: Record<string, string>;
  labels: Record<string, string>;
  ports: PortSpec[];
  /** Host address every port is published on (`bind` in the config). */
  hostIp: string;
  volumes: VolumeMount[];
  /**
   * The project's own network, on which every service is reachable from the
   * others by its service name (as in compose). Undefined: the
   * runtime's default network.
   */
  network?: { name: string; aliases: string[] } | undefined;
  /** A one-shot service (`job` in the config): it runs to completion and is not restarted. Absent for a long-lived one. */
  job?: true;
}

/** Where a host port candidate came from: `preferred`, `cache`, or a plugin's own word. */
export type PortSource = string;

export interface PortCandidate {
  port: number;
  source: PortSource;
}

/** What to ask the runtime for, per container port: candidates in order, then runtime-chosen. */
export interface PortRequest {
  name: string;
  container: number;
  /** Absent: 'tcp'. */
  protocol?: Protocol;
  hostIp: string;
  /** Host ports to try first, best first. Empty: let the runtime choose. */
  candidates: PortCandidate[];
}

/** One concrete publish instruction for a runtime: `hostPort` undefined means runtime-chosen. */
export interface PortAssignment {
  container: number;
  /** Absent: 'tcp'. */
  protocol?: Protocol;
  hostIp: string;
  hostPort: number | undefined;
}

/** A service as the core wants it, after plugins refined the spec. */
export interface DesiredService {
  name: string;
  spec: ContainerSpec;
  /** Hash of `spec` as it affects a running container; stored in a label. */
  hash: string;
  dependsOn: string[];
  health: HealthConfig | false | undefined;
  /** Configured preferred host port per port name. */
  preferred: Record<string, number>;
  /** For a job (`spec.job`): how long one run may take before it is stopped. */
  jobTimeoutMs?: number;
}

export interface HealthResult {
  healthy: boolean;
  /** Short human description: "HTTP 200 from /healthz", "connection refused". */
  detail: string;
  /** Reachable but answered 401/403: the service is up but wants credentials. */
  authRequired?: boolean;
}

export interface PortReport {
  name: string;
  container: number;
  /** Always set in cidx's reports; typed optional so reports built elsewhere (plugins, older code) stay valid. Absent: 'tcp'. */
  protocol?: Protocol;
  host: number | null;
  hostIp: string | null;
  /** The configured preferred host port, if any. */
  preferred: number | null;
  /** A preferred port was configured but the runtime gave another one. */
  fallback: boolean;
  /** Where this machine reaches the port (`http://…` for TCP, `udp://…` for UDP: no HTTP over UDP); null when it has no host port or nothing here can reach it (see `unreachable`). */
  url: string | null;
  /** Why a published port has no URL from this machine (a loopback bind on a remote engine) and what to do. */
  unreachable?: string;
  /** With a runtime that runs several copies of the service (Swarm replicas): this port on every copy. `url` is the first's. */
  instances?: PortInstance[];
}

/** A port of one copy of a replicated service. */
export interface PortInstance {
  /** The copy (`web.2`). */
  name: string;
  host: number | null;
  url: string | null;
  unreachable?: string;
}

/** What apply did to a service (the words live with the operations, in reconcile/ops.ts). */
export type { ApplyAction } from './reconcile/ops.js';
import type { ApplyAction } from './reconcile/ops.js';

export interface ServiceReport {
  name: string;
  state: ContainerState | 'missing';
  healthy: boolean | null;
  health?: HealthResult;
  action?: ApplyAction;
  /** Why the action happened, from the plan. */
  reason?: string;
  container: { id: string; name: string } | null;
  ports: PortReport[];
  error?: { code: string; message: string; details?: string[]; hint?: string };
  /** A plugin's `reviewPlan` tap vetoed the planned step (`op`): it was not executed. */
  veto?: { op: string; reason: string; by: string };
  /** For a job: how its last run went. */
  job?: JobReport;
}

/** A job's last run, as `status` and the apply report show it. */
export interface JobReport {
  /** `succeeded`: exited 0; `failed`: exited otherwise or was stopped; `running`; `not run`: no container yet. */
  status: 'succeeded' | 'failed' | 'running' | 'not run';
  exitCode: number | null;
  /** ISO time the run ended; null while it runs or before it ran. */
  finishedAt: string | null;
}

export interface ProjectReport {
  project: Pick<ProjectIdentity, 'name' | 'id' | 'root'>;
  runtime: string;
  /** The engine the runtime talked to, and whether it is on this machine. */
  endpoint?: EngineEndpoint;
  services: ServiceReport[];
  /** What a person should know about the project as a whole (a degraded network); absent when nothing. */
  notes?: string[];
  /** Services the active profiles leave out, why, and the state of a container left from an earlier apply; absent when none. */
  excluded?: ExcludedReport[];
}

export interface ExcludedReport {
  name: string;
  profiles: string[];
  /** "profile gpu not active". */
  reason: string;
  /** Its container, if one is left from an earlier apply (kept as it is): 'missing' when none. */
  state: ContainerState | 'missing';
}
