/**
 * Named volumes are created explicitly, with labels saying which project,
 * machine and user they belong to, before the containers that mount them:
 * `prune` deletes only what is provably this user's (core/prune.ts), and a
 * volume that `run` makes implicitly carries no labels.
 *
 * Earlier versions named volumes `cidx-<id>-<service>-<volume>`, which two
 * services can share (`db` + `main-data`, `db-main` + `data`). Where such a
 * volume exists and the current name does not, it stays in use: renaming
 * would orphan its data. Specs hash volumes under the legacy form (see
 * desired.ts), so whichever name is in use, an upgraded project is not
 * recreated.
 *
 * Runs only when the plan creates or recreates a container with volumes: a
 * no-op apply makes no call here.
 */
import type { ReportContext } from '../hooks.js';
import type { DesiredService } from '../model.js';
import { LABELS, legacyVolumeName, ownerLabels, volumeName, volumePrefix } from '../project.js';
import type { Step } from './plan.js';

export interface PreparedVolumes {
  /** `desired`, with the volumes of the services about to be created pointing at the names in use. */
  desired: DesiredService[];
  /** Explanations for the report (`notes`), e.g. a legacy volume that two services share. */
  notes: string[];
}

interface Wanted {
  service: string;
  volume: string;
  current: string;
  legacy: string;
}

/** The volumes the config declares, by the (service, volume) it names. */
function declared(context: ReportContext, desired: DesiredService[]): Wanted[] {
  const { project, config } = context;
  return desired.flatMap((service) =>
    Object.keys(config.services[service.name]?.volumes ?? {}).map((volume) => ({ service: service.name, volume, current: volumeName(project, service.name, volume), legacy: legacyVolumeName(project, service.name, volume) })),
  );
}

/**
 * Which name each declared volume uses: the current one if it exists, else a
 * legacy one that exists, else the current one, created now with labels.
 */
export async function prepareVolumes(context: ReportContext, desired: DesiredService[], steps: Step[]): Promise<PreparedVolumes> {
  const { runtime, project } = context;
  const creating = new Set(steps.filter((step) => step.op === 'create' || step.op === 'recreate' || step.op === 'rerun').map((step) => step.service));
  const all = declared(context, desired);
  const needed = all.filter((entry) => creating.has(entry.service) && usesSource(desired, entry));
  if (needed.length === 0) return { desired, notes: [] };

  const existing = new Set(await runtime.listVolumes(volumePrefix(project)));
  const chosen = new Map<string, string>(); // current name → name to mount
  const notes: string[] = [];
  const toCreate: Wanted[] = [];
  for (const entry of needed) {
    if (existing.has(entry.current) || !existing.has(entry.legacy)) {
      if (!existing.has(entry.current)) toCreate.push(entry);
      continue;
    }
    chosen.set(entry.current, entry.legacy);
    const sharing = all.filter((other) => other.legacy === entry.legacy);
    if (sharing.length > 1) notes.push(sharedLegacyNote(entry.legacy, sharing, runtime.name));
  }
  if (runtime.capabilities.labelledVolumes) {
    const labels = (entry: Wanted) => ({ [LABELS.project]: project.id, [LABELS.projectName]: project.name, [LABELS.root]: project.root, [LABELS.service]: entry.service, ...ownerLabels() });
    await Promise.all(toCreate.map((entry) => runtime.createVolume!(entry.current, labels(entry))));
  }
  if (chosen.size === 0) return { desired, notes };
  return {
    desired: desired.map((service) =>
      service.spec.volumes.some((mount) => chosen.has(mount.source))
        ? { ...service, spec: { ...service.spec, volumes: service.spec.volumes.map((mount) => ({ ...mount, source: chosen.get(mount.source) ?? mount.source })) } }
        : service,
    ),
    notes: [...new Set(notes)],
  };
}

/** A plugin may have pointed a mount elsewhere: only cidx's own names are cidx's to create. */
function usesSource(desired: DesiredService[], entry: Wanted): boolean {
  return desired.some((service) => service.name === entry.service && service.spec.volumes.some((mount) => mount.source === entry.current));
}

function sharedLegacyNote(legacy: string, sharing: Wanted[], runtime: string): string {
  const who = sharing.map((entry) => `${entry.service} (${entry.volume})`).join(' and ');
  const separate = sharing.map((entry) => entry.current).join(', ');
  return (
    `volume ${legacy}, made by an earlier cidx, is used by ${who}: earlier versions gave them one volume, and it stays shared so no data disappears. ` +
    `To give each its own, run \`cidx down\`, copy what each service needs out of ${legacy}, then \`${runtime} volume rm ${legacy}\`; ` +
    `the next apply creates ${separate}.`
  );
}
