/**
 * Volume names: two services can no longer share a volume by the accident of
 * `-` in their names, and the volumes earlier versions made keep being used,
 * with their data, without recreating the containers that mount them.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { withProject, type TestProject } from '../helpers/project.js';
import { applyOk, service } from '../helpers/reports.js';
import { inspectContainers, projectContainerIds, projectVolumes, RUNTIMES, runtimeCli, TEST_IMAGE, type Runtime } from '../helpers/runtime.js';
import { storeService } from '../helpers/services.js';

/** Service `db` with volume `main-data` and service `db-main` with volume `data`: one volume under the old naming. */
const collision = {
  services: {
    db: { image: TEST_IMAGE, volumes: { 'main-data': '/data' } },
    'db-main': { image: TEST_IMAGE, volumes: { data: '/data' } },
  },
};


async function containerOf(runtime: Runtime, project: TestProject, name: string) {
  const [found] = await inspectContainers(runtime, [`cidx-${project.id}-${name}`]);
  if (!found) throw new Error(`no container ${name}`);
  return found as typeof found & { Mounts: Array<{ Name?: string; Destination: string }> };
}

async function read(runtime: Runtime, container: string, file: string): Promise<string | undefined> {
  try {
    return (await runtimeCli(runtime, ['exec', container, 'cat', file])).trim();
  } catch (error) {
    if (/no such file/i.test(String(error))) return undefined;
    throw error;
  }
}

/**
 * What a project applied by an earlier cidx looks like: its container (with
 * the labels that version set: no owner labels) mounting the volume under the
 * old name, made implicitly by `run`, holding data.
 */
async function asEarlierVersion(t: ExecutionContext, runtime: Runtime, project: TestProject, legacy: string): Promise<void> {
  const current = await containerOf(runtime, project, 'store');
  const labels = Object.entries(current.Config.Labels ?? {}).filter(([key]) => key !== 'io.cidx.host' && key !== 'io.cidx.user');
  await runtimeCli(runtime, ['rm', '-f', current.Id]);
  await runtimeCli(runtime, ['volume', 'rm', `cidx-${project.id}-store.storage`]);
  // An earlier version's world holds none of this version's state: no record that the legacy check was done.
  await rm(path.join(project.cacheDir, 'volumes'), { recursive: true, force: true });
  const binding = Object.values(current.NetworkSettings.Ports ?? {})[0]?.[0];
  t.truthy(binding, 'the container had a published port');
  await runtimeCli(runtime, [
    'run', '-d', '--name', `cidx-${project.id}-store`,
    ...labels.flatMap(([key, value]) => ['--label', `${key}=${value}`]),
    '--env', 'HTTP_PORTS=6333', '--env', 'BODY=v1',
    '--publish', `127.0.0.1:${binding!.HostPort}:6333/tcp`,
    '--volume', `${legacy}:/qdrant/storage`,
    '--network', `cidx-${project.id}`, '--network-alias', 'store',
    TEST_IMAGE,
  ]);
  await runtimeCli(runtime, ['exec', `cidx-${project.id}-store`, 'sh', '-c', 'echo kept > /qdrant/storage/f']);
}

for (const runtime of RUNTIMES) {
  test(`${runtime}: service db's volume main-data and service db-main's volume data are two volumes`, withProject, collision, async (t, project) => {
    await applyOk(t, project, runtime);
    t.deepEqual((await projectVolumes(runtime, project.id)).sort(), [`cidx-${project.id}-db-main.data`, `cidx-${project.id}-db.main-data`]);
    await runtimeCli(runtime, ['exec', `cidx-${project.id}-db`, 'sh', '-c', 'echo db > /data/f']);
    t.is(await read(runtime, `cidx-${project.id}-db-main`, '/data/f'), undefined, "db-main sees db's data");
    // Created by cidx, with labels: prune can tell whose they are.
    const [volume] = JSON.parse(await runtimeCli(runtime, ['volume', 'inspect', `cidx-${project.id}-db.main-data`])) as Array<{ Labels: Record<string, string> }>;
    t.like(volume!.Labels, { 'io.cidx.project': project.id, 'io.cidx.root': project.root, 'io.cidx.service': 'db' });
    t.truthy(volume!.Labels['io.cidx.host']);
    t.truthy(volume!.Labels['io.cidx.user']);
    // So do the containers and the network (Podman spells the network's key in lower case).
    const [network] = JSON.parse(await runtimeCli(runtime, ['network', 'inspect', `cidx-${project.id}`])) as Array<{ Labels?: Record<string, string>; labels?: Record<string, string> }>;
    const db = await containerOf(runtime, project, 'db');
    for (const labels of [network!.Labels ?? network!.labels ?? {}, db.Config.Labels ?? {}]) {
      t.is(labels['io.cidx.host'], volume!.Labels['io.cidx.host']);
      t.is(labels['io.cidx.user'], volume!.Labels['io.cidx.user']);
    }
  });

  test(`${runtime}: a project upgraded from the old volume names keeps its data and its container; a recreate mounts the same volume`, withProject, storeService('v1'), async (t, project) => {
    await applyOk(t, project, runtime);
    const legacy = `cidx-${project.id}-store-storage`;
    await asEarlierVersion(t, runtime, project, legacy);
    const [before] = await projectContainerIds(runtime, project.id);

    const upgraded = await applyOk(t, project, runtime);
    t.like(service(upgraded, 'store'), { action: 'unchanged', healthy: true });
    t.deepEqual(await projectContainerIds(runtime, project.id), [before], 'the upgrade recreated the container');
    t.deepEqual(await projectVolumes(runtime, project.id), [legacy], 'a new, empty volume was made beside the old one');

    await project.writeConfig(storeService('v2'));
    const recreated = await applyOk(t, project, runtime);
    t.like(service(recreated, 'store'), { action: 'recreated', healthy: true });
    const mounts = (await containerOf(runtime, project, 'store')).Mounts.filter((mount) => mount.Destination === '/qdrant/storage');
    t.deepEqual(mounts.map((mount) => mount.Name), [legacy]);
    t.is(await read(runtime, `cidx-${project.id}-store`, '/qdrant/storage/f'), 'kept', 'the recreate lost the data of the old volume');
    t.deepEqual(await projectVolumes(runtime, project.id), [legacy]);
  });

  test(`${runtime}: where the old name was shared by two services, both keep using it, and apply says how to separate them`, withProject, collision, async (t, project) => {
    // An earlier cidx gave both services this one volume.
    const legacy = `cidx-${project.id}-db-main-data`;
    await runtimeCli(runtime, ['volume', 'create', legacy]);
    await runtimeCli(runtime, ['run', '--rm', '--volume', `${legacy}:/data`, TEST_IMAGE, 'sh', '-c', 'echo shared > /data/f']);
    const applied = await project.cidx(['apply', '--json', '--runtime', runtime]);
    t.is(applied.exitCode, 0, applied.describe());
    for (const name of ['db', 'db-main']) t.is(await read(runtime, `cidx-${project.id}-${name}`, '/data/f'), 'shared', `${name} lost the data`);
    t.deepEqual(await projectVolumes(runtime, project.id), [legacy]);
    const notes = applied.json<{ notes?: string[] }>().notes ?? [];
    t.true(notes.some((note) => note.includes(`volume ${legacy}, made by an earlier cidx, is used by db (main-data) and db-main (data)`)), notes.join('\n'));
    t.true(notes.some((note) => note.includes(`cidx-${project.id}-db.main-data, cidx-${project.id}-db-main.data`)), notes.join('\n'));
  });
}
