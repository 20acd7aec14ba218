/**
 * The `swarm` section of a service, validated by this plugin's own schema
 * (cidx core knows nothing of it: see `CidxPlugin.serviceSections`):
 *
 *   services: { qdrant: { image: '…', swarm: { replicas: 2, constraints: ['node.role==worker'] } } }
 *
 * What the runtime needs of it travels in the spec's labels, so a change is
 * drift like any other (`labels changed`) and is hashed with the spec.
 */
import { z } from 'zod';

export const swarmSectionSchema = z.strictObject({
  /** Tasks to run. Default: 1. */
  replicas: z.number().int().min(0).max(100).default(1).describe('Tasks to run. Default: 1.'),
  /**
   * Placement constraints, as `docker service create --constraint` takes
   * them ('node.role==manager', 'node.labels.gpu==true'). Default: none; a
   * service with volumes is then pinned to the manager cidx talks to.
   */
  constraints: z
    .array(z.string().regex(/^[A-Za-z0-9._-]+\s*(==|!=)\s*\S+$/, { error: "expected a constraint such as 'node.role==manager' or 'node.labels.zone!=eu'" }))
    .optional()
    .describe("Placement constraints ('node.role==manager'). Default: none; a service with volumes is pinned to the manager cidx talks to."),
});

export type SwarmSection = z.input<typeof swarmSectionSchema>;
export type ResolvedSwarmSection = z.output<typeof swarmSectionSchema>;

declare module 'cidx' {
  interface ServiceSections {
    /** Swarm placement and scale, read by the swarm runtime plugin (`plugins: [swarmRuntime()]`). */
    swarm?: SwarmSection;
  }
}

/** Labels (not under `io.cidx.`, so they are hashed) carrying the section to the runtime. */
export const SWARM_LABELS = Object.freeze({
  replicas: 'io.cidx-swarm.replicas',
  constraints: 'io.cidx-swarm.constraints',
  /** Set when the constraint is cidx's pin of a service with volumes, not the user's. */
  pinned: 'io.cidx-swarm.pinned',
});

/** What the runtime reads back from a spec's (or a service's) labels. */
export interface Placement {
  replicas: number;
  constraints: string[];
}

export function placementOf(labels: Record<string, string>): Placement {
  const replicas = Number(labels[SWARM_LABELS.replicas] ?? '1');
  let constraints: string[] = [];
  try {
    const parsed: unknown = JSON.parse(labels[SWARM_LABELS.constraints] ?? '[]');
    if (Array.isArray(parsed)) constraints = parsed.filter((item): item is string => typeof item === 'string');
  } catch {
    // a label someone edited by hand: no constraints rather than a crash
  }
  return { replicas: Number.isInteger(replicas) && replicas >= 0 ? replicas : 1, constraints };
}
