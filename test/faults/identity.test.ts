/**
 * A project is its directory, however it is reached: through a symlink it is
 * the same project, with the same containers and volumes, not a second set
 * with empty volumes.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, symlink } from 'node:fs/promises';
import path from 'node:path';
import { withProject } from '../helpers/project.js';
import test from 'ava';
import { applyOk, service } from '../helpers/reports.js';
import { projectContainerIds, projectVolumes, removeProjectResources, RUNTIMES, runtimeCli, TEST_IMAGE } from '../helpers/runtime.js';
import type { ProjectReport } from '../../core/model.js';

const config = {
  services: {
    store: {
      image: TEST_IMAGE,
      ports: { http: 6333 },
      env: { HTTP_PORTS: '6333' },
      volumes: { storage: '/qdrant/storage' },
      health: { http: { port: 'http', path: '/healthz' }, timeout: '30s' },
    },
  },
};

for (const runtime of RUNTIMES) {
  test(`${runtime}: the project reached through a symlink is the same project: same id, container and volume, data included`, withProject, config, async (t, project) => {
    const first = await applyOk(t, project, runtime);
    await runtimeCli(runtime, ['exec', service(first, 'store').container!.id, 'sh', '-c', 'echo mine > /qdrant/storage/f']);
    const link = path.join(path.dirname(project.root), 'link-to-app');
    await symlink(project.root, link);

    // `-c` keeps the path as written; a shell's cwd through the link would too (process.cwd() would not).
    const run = await project.cidx(['apply', '--json', '--runtime', runtime, '-c', path.join(link, 'cidx.config.ts')], { cwd: link });
    t.is(run.exitCode, 0, run.describe());
    const again = run.json<ProjectReport>();
    t.like(again.project, { id: project.id, root: project.root });
    t.like(service(again, 'store'), { action: 'unchanged', healthy: true, container: service(first, 'store').container });
    t.deepEqual(await projectContainerIds(runtime, project.id), [service(first, 'store').container!.id]);
    t.deepEqual(await projectVolumes(runtime, project.id), [`cidx-${project.id}-store.storage`]);
    t.is((await runtimeCli(runtime, ['exec', service(again, 'store').container!.id, 'cat', '/qdrant/storage/f'])).trim(), 'mine');
  });
}

interface DoctorJson {
  checks: Array<{ name: string; severity: string; detail: string; fix?: string; facts?: { projectId?: string } }>;
}

for (const runtime of RUNTIMES) {
  test(`${runtime}: a moved project is explained by doctor and prune --dry-run, and its volumes are kept`, withProject, config, async (t, project) => {
    await applyOk(t, project, runtime);
    const volume = `cidx-${project.id}-store.storage`;
    // Moved within its parent, so the old root is provably gone and the new one has the same name.
    const moved = path.join(path.dirname(project.root), 'moved', 'app');
    await mkdir(path.dirname(moved));
    await rename(project.root, moved);

    const doctor = await project.cidx(['doctor', '--json', '--runtime', runtime], { cwd: moved });
    const note = doctor.json<DoctorJson>().checks.find((check) => check.name === 'moved' && check.facts?.projectId === project.id);
    t.truthy(note, doctor.describe());
    t.is(note!.severity, 'note');
    t.regex(note!.detail, new RegExp(`under id ${project.id}, at ${project.root}, which is gone: moved or deleted\\? Its volumes are kept unless you name them`));
    t.true(note!.detail.includes(volume), note!.detail);
    t.regex(note!.fix ?? '', new RegExp(`cidx prune --volumes ${project.id}`));

    const dry = await project.cidx(['prune', '--dry-run', '--volumes', '--runtime', runtime], { cwd: moved });
    t.is(dry.exitCode, 0, dry.describe());
    t.regex(dry.stdout, new RegExp(`kept project ${project.id} \\(${project.root}\\): volumes ${volume}\\n  directory gone: moved or deleted\\?`));
    t.deepEqual(await projectVolumes(runtime, project.id), [volume]);
  });
}

for (const runtime of RUNTIMES) {
  test(`${runtime}: doctor explains the containers and volumes an earlier cidx made for this project through a symlink`, withProject, config, async (t, project) => {
    const link = path.join(path.dirname(project.root), 'link-to-app');
    await symlink(project.root, link);
    // Earlier versions hashed the path as written: through the link, the same directory had another id.
    const oldId = createHash('sha256').update(link).digest('hex').slice(0, 8);
    t.teardown(() => removeProjectResources(runtime, oldId));
    const labels = { 'io.cidx.project': oldId, 'io.cidx.project-name': 'link-to-app', 'io.cidx.root': link, 'io.cidx.service': 'store' };
    const volume = `cidx-${oldId}-store-storage`;
    await runtimeCli(runtime, ['volume', 'create', volume]);
    await runtimeCli(runtime, ['create', '--name', `cidx-${oldId}-store`, ...Object.entries(labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]), '--volume', `${volume}:/data`, TEST_IMAGE]);

    const doctor = await project.cidx(['doctor', '--json', '--runtime', runtime]);
    const note = doctor.json<DoctorJson>().checks.find((check) => check.name === 'moved' && check.facts?.projectId === oldId);
    t.truthy(note, doctor.describe());
    t.regex(note!.detail, new RegExp(`under id ${oldId}, made when it was reached as ${link}: earlier cidx versions keyed projects by the path as written, now by the real path \\(id ${project.id}\\)`));
    t.true(note!.detail.includes(volume), note!.detail);
    t.deepEqual(await projectVolumes(runtime, oldId), [volume], 'doctor changed something');
  });
}
