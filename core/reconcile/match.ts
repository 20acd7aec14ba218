/**
 * The one rule for which container is a service's. Every reader of observed
 * containers (plan, apply, status, env, port, logs) goes through here, so a
 * container the planner keeps is the one `status` probes and `port` prints.
 *
 * The container of the service's name serves while it runs. A recreate
 * killed half-way (see replace.ts) may leave its replacement, named
 * `<name>.next-<old id>`: running, it is the one that serves; stopped and
 * built from the desired spec, with no container of the service's name, it is
 * adopted rather than made again. Any other container of the service is a
 * leftover, used only when there is nothing better.
 */
import type { DesiredService, ObservedContainer } from '../model.js';

/**
 * The temporary name of the replacement for `old` while a recreate swaps
 * them. Service names have no '.', so it is never another service's name;
 * the old container's id keeps the replacement of a replacement distinct.
 */
export function replacementName(canonical: string, old: Pick<ObservedContainer, 'id'>): string {
  return `${canonical}.next-${old.id.slice(0, 12)}`;
}

export function isReplacementName(canonical: string, name: string): boolean {
  return name.startsWith(`${canonical}.next-`);
}

/**
 * The container that serves `service`, or best can, among `observed` (any
 * containers: those of other services are ignored).
 */
export function serviceContainer(service: Pick<DesiredService, 'name' | 'hash' | 'spec'>, observed: ObservedContainer[]): ObservedContainer | undefined {
  const containers = observed.filter((container) => container.service === service.name || container.name === service.spec.name);
  const canonical = containers.find((container) => container.name === service.spec.name);
  if (canonical?.state === 'running') return canonical;
  const replacements = containers.filter((container) => isReplacementName(service.spec.name, container.name));
  const running = replacements.find((container) => container.state === 'running');
  if (running) return running;
  return canonical ?? replacements.find((container) => container.configHash === service.hash) ?? containers[0];
}
