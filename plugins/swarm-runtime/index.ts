/**
 * `runtime: 'swarm'`: a project's services as Docker Swarm services, on a
 * swarm that exists already (`docker swarm init` on one machine is enough).
 * Written only against cidx's public entries ('cidx', 'cidx/plugins',
 * 'cidx/oci-cli'), as a third party would write it; published as
 * `cidx/swarm`.
 *
 *   import { swarmRuntime } from 'cidx/swarm';
 *   export default defineConfig({
 *     runtime: 'swarm',
 *     services: { qdrant: { image: 'qdrant/qdrant', ports: { http: 6333 }, swarm: { replicas: 1 } } },
 *     plugins: [swarmRuntime()],
 *   });
 *
 * Never chosen for `runtime: 'auto'`: a swarm is a deliberate choice.
 */
import { definePlugin, STAGE, type CidxPlugin } from 'cidx';
import { placementOf, SWARM_LABELS, swarmSectionSchema, type ResolvedSwarmSection } from './section.js';
import { SwarmRuntime, type SwarmRuntimeOptions } from './swarm-runtime.js';

export { SwarmRuntime, type SwarmRuntimeOptions } from './swarm-runtime.js';
export { swarmSectionSchema, SWARM_LABELS, placementOf, type SwarmSection, type Placement } from './section.js';
export { stackFile, stackNamespace, swarmServiceName, type PublishMode } from './stack-file.js';

export interface SwarmPluginOptions extends SwarmRuntimeOptions {
  /**
   * Pin a service with volumes to the node cidx talks to (placement
   * `node.id==<it>`), since named volumes are node-local in Swarm: a task
   * started elsewhere would get an empty volume there. Ignored for a service
   * that sets its own `swarm.constraints`. Default: true.
   */
  pinVolumes?: boolean;
}

export function swarmRuntime(options: SwarmPluginOptions = {}): CidxPlugin {
  const name = 'swarm-runtime';
  /** Set when this plugin serves the command: its spec and plan taps act only then. */
  let runtime: SwarmRuntime | undefined;
  let localNode: Promise<string | undefined> | undefined;
  return definePlugin({
    name,
    serviceSections: { swarm: swarmSectionSchema },
    apply(hooks) {
      hooks.resolveRuntime.tapPromise({ name, stage: STAGE.builtin }, async (request) => {
        if (request.requested !== 'swarm') {
          if (request.requested !== 'auto') request.tried?.push('swarm');
          return undefined;
        }
        runtime = new SwarmRuntime(options);
        return runtime;
      });

      // Replicas and placement travel as labels: hashed with the spec, so a change is drift ("labels changed").
      hooks.resolveSpec.tapPromise(name, async (spec, context) => {
        if (!runtime) return spec;
        const section = (context.serviceConfig.swarm ?? swarmSectionSchema.parse({})) as ResolvedSwarmSection;
        let constraints = section.constraints ?? [];
        const labels: Record<string, string> = { ...spec.labels, [SWARM_LABELS.replicas]: String(section.replicas) };
        if (!section.constraints && spec.volumes.length && options.pinVolumes !== false) {
          const node = await (localNode ??= runtime.nodeId());
          if (node) {
            constraints = [`node.id==${node}`];
            labels[SWARM_LABELS.pinned] = node;
          }
        }
        if (constraints.length) labels[SWARM_LABELS.constraints] = JSON.stringify(constraints);
        return { ...spec, labels };
      });

      // Several tasks of one service may share a node, where one fixed host port lets only one of them start:
      // replicated services get Swarm-assigned ports (a preferred port is then reported as a fallback).
      hooks.requestPorts.tap({ name, stage: STAGE.fallback }, (requests, context) => {
        if (!runtime || placementOf(context.service.spec.labels).replicas <= 1) return requests;
        return requests.map((request) => ({ ...request, candidates: [] }));
      });

      // Host-mode publishing takes no address: say so wherever a plan is shown, before anything is exposed.
      hooks.reviewPlan.tap(name, (steps, context) => {
        if (!runtime) return steps;
        const exposed = context.desired.filter((service) => service.spec.ports.length).map((service) => service.name);
        if (exposed.length && (options.publishMode ?? 'host') === 'host') {
          context.logger.warn(
            `swarm publishes ports on every interface of the node a task runs on (host mode takes no address; bind: ${context.config.bind} does not apply): ${exposed.join(', ')} ${exposed.length === 1 ? 'is' : 'are'} reachable by anyone who can reach that node`,
          );
        }
        const pinned = context.desired.filter((service) => service.spec.labels[SWARM_LABELS.pinned]).map((service) => service.name);
        if (pinned.length) context.logger.info(`volumes are node-local: ${pinned.join(', ')} ${pinned.length === 1 ? 'is' : 'are'} pinned to node ${context.desired.find((service) => service.name === pinned[0])!.spec.labels[SWARM_LABELS.pinned]!.slice(0, 12)}`);
        return steps;
      });

      // `status` and `apply` list every task, the node it runs on and its state (the report's `ports[].instances` has their URLs).
      hooks.afterReport.tap(name, (report, context) => {
        if (!runtime || context.runtime !== runtime) return;
        for (const service of report.services) {
          for (const task of runtime.tasks.get(service.name) ?? []) {
            const where = task.ports.map((port) => `${port.hostIp}:${port.hostPort}->${port.container}`).join(', ');
            context.logger.info(`${service.name}.${task.slot ?? task.id.slice(0, 12)} ${task.state} on ${task.node}${task.address ? ` (${task.address})` : ''}${where ? ` ${where}` : ''}${task.error ? `: ${task.error}` : ''}`);
          }
        }
      });
    },
  });
}
