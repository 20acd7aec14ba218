/**
 * A scriptable in-memory runtime for unit tests of the reconcile logic: it
 * keeps containers as an engine would describe them, records every call, and
 * counts calls in flight. A test overrides any method through `script`
 * (which may call `base` for the default behaviour), e.g. to refuse a port.
 */
import type { ContainerSpec, ObservedContainer, PortAssignment } from '../../../core/model.js';
import type { ContainerRuntime } from '../../../core/runtime.js';

type Methods = Omit<ContainerRuntime, 'name' | 'engineHost' | 'endpoint' | 'capabilities'>;
export type Script = { [K in keyof Methods]?: (base: NonNullable<Methods[K]>, ...args: Parameters<NonNullable<Methods[K]>>) => ReturnType<NonNullable<Methods[K]>> };

export interface FakeRuntime extends ContainerRuntime {
  /** Every call, in the order it started: method name and arguments. */
  calls: Array<{ method: string; args: unknown[] }>;
  containers: Map<string, ObservedContainer>;
  /** The most calls that were ever in flight at once. */
  maxInFlight: number;
  /** Calls of one method, for assertions. */
  callsOf(method: keyof Methods): unknown[][];
}

let nextId = 1;
let nextPort = 40000;

export function fakeRuntime(script: Script = {}, seed: ObservedContainer[] = []): FakeRuntime {
  const containers = new Map(seed.map((container) => [container.id, container]));
  const find = (idOrName: string) => [...containers.values()].find((container) => container.id === idOrName || container.name === idOrName);
  const make = (spec: ContainerSpec, ports: PortAssignment[], state: ObservedContainer['state']): ObservedContainer => {
    const container: ObservedContainer = {
      id: `f${String(nextId++).padStart(11, '0')}`,
      name: spec.name,
      service: spec.labels['io.cidx.service'] ?? '',
      projectId: spec.labels['io.cidx.project'] ?? '',
      configHash: spec.labels['io.cidx.config-hash'],
      image: spec.image,
      state,
      exitCode: undefined,
      startedAt: undefined,
      ports: ports.map(({ container: port, protocol, hostIp, hostPort }) => ({ container: port, hostIp, hostPort: hostPort ?? nextPort++, ...(protocol ? { protocol } : {}) })),
      labels: spec.labels,
    };
    if (find(spec.name)) throw new Error(`fake runtime: name ${spec.name} taken`);
    containers.set(container.id, container);
    return container;
  };
  const base = {
    listProject: async (projectId: string) => [...containers.values()].filter((container) => container.projectId === projectId),
    listAll: async () => [...containers.values()],
    inspect: async (ids: string[]) => ids.flatMap((id) => find(id) ?? []),
    run: async (spec: ContainerSpec, ports: PortAssignment[]) => ({ id: make(spec, ports, 'running').id }),
    create: async (spec: ContainerSpec, ports: PortAssignment[]) => ({ id: make(spec, ports, 'created').id }),
    start: async (ids: string[]) => ids.forEach((id) => Object.assign(find(id) ?? {}, { state: 'running' })),
    stop: async (ids: string[]) => ids.forEach((id) => Object.assign(find(id) ?? {}, { state: 'exited', exitCode: 0 })),
    rename: async (id: string, name: string) => void Object.assign(find(id) ?? {}, { name }),
    remove: async (ids: string[]) => ids.forEach((id) => containers.delete(find(id)?.id ?? id)),
    anonymousVolumes: async () => [],
    listVolumes: async () => [],
    removeVolumes: async () => undefined,
    logs: async () => '',
    exec: async () => ({ exitCode: 0, output: '' }),
    healthStatus: async () => undefined,
    ensureNetwork: async () => undefined,
    removeNetwork: async () => undefined,
  } satisfies Partial<Record<keyof Methods, unknown>> as unknown as Methods;
  const runtime = {
    name: 'fake',
    engineHost: undefined,
    // A project network, as the engines have; no labelled volumes, logs streaming or engine facts.
    capabilities: { networks: true, labelledVolumes: false, streamLogs: false, describe: false },
    calls: [],
    containers,
    maxInFlight: 0,
  } as unknown as FakeRuntime;
  let inFlight = 0;
  for (const method of Object.keys(base) as Array<keyof Methods>) {
    const own = base[method] as (...args: unknown[]) => Promise<unknown>;
    const scripted = script[method] as ((base: unknown, ...args: unknown[]) => Promise<unknown>) | undefined;
    (runtime as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      runtime.calls.push({ method, args });
      inFlight++;
      runtime.maxInFlight = Math.max(runtime.maxInFlight, inFlight);
      try {
        await new Promise((resolve) => setImmediate(resolve)); // let other calls start, as a real engine would
        return await (scripted ? scripted(own, ...args) : own(...args));
      } finally {
        inFlight--;
      }
    };
  }
  runtime.callsOf = (method) => runtime.calls.filter((call) => call.method === method).map((call) => call.args);
  return runtime;
}
