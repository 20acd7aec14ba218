/**
 * Data and leftovers: named volumes outlive recreate and `down`,
 * `prune` finds the containers of deleted projects, and a corrupt port cache
 * is rebuilt rather than trusted. Every test runs once per runtime on real
 * Docker and real Podman.
 */
import { readdirSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { createProject, withProject, type TestProject } from '../helpers/project.js';
import { applyOk, hostPorts, service, STACK_LINE } from '../helpers/reports.js';
import { projectContainerIds, projectContainers, projectVolumes, RUNTIMES, runtimeCli, type Runtime } from '../helpers/runtime.js';
import { storeService, webService } from '../helpers/services.js';

const FILE = '/qdrant/storage/f';


async function storeContainer(runtime: Runtime, project: TestProject): Promise<string> {
  const ids = await projectContainerIds(runtime, project.id);
  if (ids.length !== 1) throw new Error(`expected one container, found ${ids.length}`);
  return ids[0]!;
}

/** The file's content inside the service's volume, or undefined when it is not there. */
async function readVolumeFile(runtime: Runtime, project: TestProject): Promise<string | undefined> {
  try {
    return (await runtimeCli(runtime, ['exec', await storeContainer(runtime, project), 'cat', FILE])).trim();
  } catch (error) {
    if (/no such file/i.test(String(error))) return undefined;
    throw error;
  }
}

interface PruneEntry {
  projectId: string;
  root: string;
  containers: string[];
  volumes: string[];
}

interface PruneJson {
  runtime: string;
  dryRun: boolean;
  projects: PruneEntry[];
  kept: Array<PruneEntry & { reason: string }>;
}

/** Runs `cidx prune` with `args` from a directory that has no config: prune works on every project, not the one around it. */
async function prune(t: ExecutionContext, project: TestProject, runtime: Runtime, args: string[]): Promise<PruneJson> {
  const run = await project.cidx(['prune', '--json', '--runtime', runtime, ...args], { cwd: path.dirname(project.root) });
  t.is(run.exitCode, 0, run.describe());
  return run.json<PruneJson>();
}

/** The parts of a port cache file the tests read (see plugins/port-cache/store.ts). */
interface CacheFile {
  version: number;
  updatedAt?: string;
  services: Record<string, Record<string, { host: number }>>;
}

/** The project's one cache file (keyed by project and engine: `<id>@<engine key>.json`). */
function cacheFile(project: TestProject): string {
  const dir = path.join(project.cacheDir, 'ports');
  const names = readdirSync(dir).filter((name) => name.startsWith(`${project.id}@`) && name.endsWith('.json'));
  if (names.length !== 1) throw new Error(`expected one cache file of ${project.id} in ${dir}, found ${names.join(', ') || 'none'}`);
  return path.join(dir, names[0]!);
}

for (const runtime of RUNTIMES) {
  test(`${runtime}: volume data survives recreate and down + apply; down --volumes then apply starts empty`, withProject, storeService(), async (t, project) => {
    await applyOk(t, project, runtime);
    await runtimeCli(runtime, ['exec', await storeContainer(runtime, project), 'sh', '-c', `echo data > ${FILE}`]);
    t.is(await readVolumeFile(runtime, project), 'data');

    await project.writeConfig(storeService('v2'));
    const recreated = await applyOk(t, project, runtime);
    t.like(service(recreated, 'store'), { action: 'recreated', healthy: true });
    t.is(await readVolumeFile(runtime, project), 'data', 'recreate lost the volume data');

    const down = await project.cidx(['down', '--runtime', runtime]);
    t.is(down.exitCode, 0, down.describe());
    t.like(service(await applyOk(t, project, runtime), 'store'), { action: 'created', healthy: true });
    t.is(await readVolumeFile(runtime, project), 'data', 'down + apply lost the volume data');

    const downVolumes = await project.cidx(['down', '--volumes', '--runtime', runtime]);
    t.is(downVolumes.exitCode, 0, downVolumes.describe());
    t.deepEqual(await projectVolumes(runtime, project.id), []);
    t.like(service(await applyOk(t, project, runtime), 'store'), { action: 'created', healthy: true });
    t.is(await readVolumeFile(runtime, project), undefined, 'down --volumes kept the data');
  });

  test(`${runtime}: prune --dry-run lists a deleted project's containers and removes nothing; prune removes them, keeps volumes and spares live projects`, withProject, storeService(), async (t, project) => {
    const live = await createProject(storeService());
    t.teardown(() => live.cleanup());
    const [applied] = await Promise.all([applyOk(t, project, runtime), applyOk(t, live, runtime)]);
    const name = service(applied, 'store').container!.name;
    const volumes = await projectVolumes(runtime, project.id);
    t.deepEqual(volumes, [`cidx-${project.id}-store.storage`]);
    await rm(project.root, { recursive: true, force: true });

    const mine = (result: PruneJson) => result.projects.find((entry) => entry.projectId === project.id);
    const keptOfMine = (result: PruneJson) => result.kept.filter((entry) => entry.projectId === project.id);
    const dry = await prune(t, project, runtime, ['--dry-run']);
    t.like(dry, { runtime, dryRun: true });
    t.like(mine(dry), { projectId: project.id, root: project.root, containers: [name], volumes: [] });
    // Gone may mean moved: the data stays, and the listing says how to delete it.
    t.like(keptOfMine(dry), [{ reason: 'volumes-not-named', volumes }]);
    t.is((await projectContainerIds(runtime, project.id)).length, 1, 'a dry run removed a container');

    const human = await project.cidx(['prune', '--dry-run', '--runtime', runtime], { cwd: path.dirname(project.root) });
    t.is(human.exitCode, 0, human.describe());
    t.regex(human.stdout, new RegExp(`would remove project ${project.id} \\(${project.root}, directory gone\\): ${name}`));
    t.regex(human.stdout, new RegExp(`moved or deleted\\? Volumes \\(your data\\) are kept unless you name the project: \`cidx prune --volumes ${project.id}\``));
    t.is((await projectContainerIds(runtime, project.id)).length, 1, 'a dry run removed a container');

    const done = await prune(t, project, runtime, ['--volumes']);
    t.like(done, { runtime, dryRun: false });
    t.deepEqual(mine(done)?.containers, [name]);
    t.deepEqual(mine(done)?.volumes, [], 'prune --volumes deleted the volumes of a project nobody named');
    t.deepEqual(await projectContainerIds(runtime, project.id), [], 'prune left the container');
    t.deepEqual(await projectVolumes(runtime, project.id), volumes, 'prune without naming the project removed a volume');

    t.is(done.projects.find((entry) => entry.projectId === live.id), undefined, 'a live project was pruned');
    t.is((await projectContainers(runtime, live.id)).length, 1, "a live project's container was removed");

    const named = await prune(t, project, runtime, ['--volumes', project.id]);
    t.deepEqual(named.projects, [{ projectId: project.id, projectName: 'app', root: project.root, containers: [], volumes }]);
    t.deepEqual(await projectVolumes(runtime, project.id), [], 'prune --volumes <id> kept the volumes');

    const again = await prune(t, project, runtime, ['--dry-run']);
    t.is(mine(again), undefined, 'nothing of the project is left to prune');
    t.deepEqual(keptOfMine(again), []);
  });

  for (const [kind, garbage] of [
    ['garbage', 'not json at all \u0000\u00ff'],
    ['truncated', '{"version":1,"root":"/x","services":{"web":{"http":{"host":'],
    ['wrongly typed', JSON.stringify({ version: 1, root: '/x', services: { web: { http: { host: 'eighty', hostIp: 7 } } } })],
  ] as const) {
    test(`${runtime}: a ${kind} port cache does not fail apply and is rewritten valid`, withProject, webService(), async (t, project) => {
      const first = await applyOk(t, project, runtime);
      const port = service(first, 'web').ports[0]!.host;
      // The file's layout is port-cache's business; what the test needs is the remembered port.
      const valid = JSON.parse(await readFile(cacheFile(project), 'utf8')) as CacheFile;
      t.like(valid, { services: { web: { http: { host: port } } } }, 'the first apply remembered the port');

      await writeFile(cacheFile(project), garbage);
      const run = await project.cidx(['apply', '--json', '--runtime', runtime]);
      t.is(run.exitCode, 0, run.describe());
      t.notRegex(run.stderr, STACK_LINE);
      t.deepEqual(hostPorts(run.json()), hostPorts(first));
      const rewritten = JSON.parse(await readFile(cacheFile(project), 'utf8')) as CacheFile;
      const { updatedAt: _then, ...before } = valid;
      const { updatedAt: _now, ...after } = rewritten;
      t.deepEqual(after, before, 'the cache was rebuilt from what the runtime reports');

      // And the rebuilt cache does its job: a container removed behind cidx's back comes back on its port.
      await runtimeCli(runtime, ['rm', '-f', service(first, 'web').container!.id]);
      t.deepEqual(hostPorts(await applyOk(t, project, runtime)), hostPorts(first));
    });
  }
}
