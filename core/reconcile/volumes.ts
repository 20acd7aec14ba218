/**
 * Named volumes carry labels saying which project, machine and user they
 * belong to: `prune` deletes only what is provably this user's
 * (core/prune.ts). A runtime whose `run` can label the volumes it makes
 * (`volumeLabelsOnRun`, Docker) gets the labels on the mounts; the others
 * get a `createVolume` call per volume before the containers that mount
 * them, since a volume `run` makes implicitly would carry no labels.
 *
 * Earlier versions named volumes `cidx-<id>-<service>-<volume>`, which two
 * services can share (`db` + `main-data`, `db-main` + `data`). Where such a
 * volume exists and the current name does not, it stays in use: renaming
 * would orphan its data. Specs hash volumes under the legacy form (see
 * desired.ts), so whichever name is in use, an upgraded project is not
 * recreated.
 *
 * Runs only when the plan creates or recreates a container with volumes: a
 * no-op apply makes no call here. The listing that finds legacy names runs
 * until it has found none once (see volume-memo.ts).
 */
import type { ReportContext } from '../hooks.js';
import type { DesiredService } from '../model.js';
import { LABELS, legacyVolumeName, ownerLabels, sharedVolumeName, volumeName, volumePrefix } from '../project.js';
import { OPS } from './ops.js';
import type { Step } from './plan.js';
import { readVolumeMemo, writeVolumeMemo } from './volume-memo.js';

export interface PreparedVolumes {
  /** `desired`, with the volumes of the services about to be created pointing at the names in use. */
  desired: DesiredService[];
  /** Explanations for the report (`notes`), e.g. a legacy volume that two services share. */
  notes: string[];
}

interface Wanted {
  service: string;
  /** Declared in the top-level `volumes`: labelled with the project, not a service. */
  shared?: true;
  volume: string;
  current: string;
  legacy: string;
}

/** The volumes the config declares, by the (service, volume) it names. A shared volume has no legacy name: both are its one name. */
function declared(context: ReportContext, desired: DesiredService[]): Wanted[] {
  const { project, config } = context;
  const shared = (volume: string) => config.volumes !== undefined && Object.hasOwn(config.volumes, volume);
  return desired.flatMap((service) =>
    Object.keys(config.services[service.name]?.volumes ?? {}).map((volume) =>
      shared(volume)
        ? { service: service.name, volume, shared: true, current: sharedVolumeName(project, volume), legacy: sharedVolumeName(project, volume) }
        : { service: service.name, volume, current: volumeName(project, service.name, volume), legacy: legacyVolumeName(project, service.name, volume) },
    ),
  );
}

/**
 * Which name each declared volume uses: the current one if it exists, else a
 * legacy one that exists, else the current one, created now with labels.
 */
export async function prepareVolumes(context: ReportContext, desired: DesiredService[], steps: Step[]): Promise<PreparedVolumes> {
  const { runtime, project } = context;
  const creating = new Set(steps.filter((step) => OPS[step.op].makesContainer).map((step) => step.service));
  const all = declared(context, desired);
  const needed = all.filter((entry) => creating.has(entry.service) && usesSource(desired, entry));
  if (needed.length === 0) return { desired, notes: [] };

  const fresh = new Set(steps.filter((step) => step.op === 'create').map((step) => step.service));
  // Only runtimes that label volumes remember: the others' volumes are made by `run`, unrecorded.
  const remember = runtime.capabilities.labelledVolumes;
  const memo = remember ? await readVolumeMemo(runtime, project.id) : undefined;
  if (memo) {
    // Legacy check done on an earlier apply: no listing. A recreated container's volumes are in use by
    // the container it replaces; a created one's may have been removed since, so they are created.
    const toCreate = needed.filter((entry) => fresh.has(entry.service) || !memo.names.has(entry.current));
    const labelled = await createLabelled(context, desired, toCreate);
    if (toCreate.some((entry) => !memo.names.has(entry.current))) {
      await writeVolumeMemo(runtime, project.id, [...memo.names, ...toCreate.map((entry) => entry.current)]);
    }
    return { desired: labelled, notes: [] };
  }

  const listed = await runtime.listVolumes(volumePrefix(project));
  const existing = new Set(listed);
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
  const labelled = await createLabelled(context, desired, toCreate);
  // Only a project with no legacy-named volume at all is recorded: one in use, or one of a service
  // that may come back to the config, keeps being checked on every apply that creates.
  const prefix = volumePrefix(project);
  if (remember && !listed.some((name) => !name.slice(prefix.length).includes('.'))) {
    await writeVolumeMemo(runtime, project.id, [...listed, ...toCreate.map((entry) => entry.current)]);
  }
  if (chosen.size === 0) return { desired: labelled, notes };
  return {
    desired: labelled.map((service) =>
      service.spec.volumes.some((mount) => chosen.has(mount.source))
        ? { ...service, spec: { ...service.spec, volumes: service.spec.volumes.map((mount) => ({ ...mount, source: chosen.get(mount.source) ?? mount.source })) } }
        : service,
    ),
    notes: [...new Set(notes)],
  };
}

/**
 * Gives the volumes about to be made labels saying whose they are: on the
 * mounts when `run` can label them (returned in `desired`), else by creating
 * them now. Without labelled volumes, `run` makes them unlabelled.
 */
async function createLabelled(context: ReportContext, desired: DesiredService[], entries: Wanted[]): Promise<DesiredService[]> {
  const { runtime, project } = context;
  if (!runtime.capabilities.labelledVolumes || entries.length === 0) return desired;
  const labels = (entry: Wanted) => ({ [LABELS.project]: project.id, [LABELS.projectName]: project.name, [LABELS.root]: project.root, ...(entry.shared ? {} : { [LABELS.service]: entry.service }), ...ownerLabels() });
  // Several services may name one shared volume: it is made once, by whichever container comes first.
  const unique = new Map(entries.map((entry) => [entry.current, entry]));
  if (runtime.capabilities.volumeLabelsOnRun) {
    return desired.map((service) =>
      service.spec.volumes.some((mount) => unique.has(mount.source))
        ? { ...service, spec: { ...service.spec, volumes: service.spec.volumes.map((mount) => (unique.has(mount.source) ? { ...mount, labels: labels(unique.get(mount.source)!) } : mount)) } }
        : service,
    );
  }
  await Promise.all([...unique.values()].map((entry) => runtime.createVolume!(entry.current, labels(entry))));
  return desired;
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
