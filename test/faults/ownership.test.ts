/**
 * `prune` touches only what is provably this user's, made on this machine,
 * for a project whose directory is provably gone. The other projects here are
 * made directly with the runtime's CLI, labelled as another user's, another
 * machine's, or an earlier cidx's (no owner labels), exactly as they would
 * sit on a shared engine. Every prune names these projects or is a dry run,
 * so nothing outside this test is ever at risk.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { withProject, type TestProject } from '../helpers/project.js';
import { projectContainerIds, projectVolumes, removeProjectResources, RUNTIMES, runtimeCli, TEST_IMAGE, type Runtime } from '../helpers/runtime.js';

const ME = { host: os.hostname(), user: String(os.userInfo().uid) };

interface Fake {
  id: string;
  container: string;
  volume: string;
}

interface FakeOptions {
  root: string;
  /** Owner labels; `null` for resources of an earlier cidx, which recorded none. */
  owner: { host: string; user: string } | null;
}

/** A project's container and volume as cidx (or an earlier cidx, or cidx elsewhere) would have left them. */
async function fakeProject(t: ExecutionContext, runtime: Runtime, options: FakeOptions): Promise<Fake> {
  const id = randomBytes(4).toString('hex');
  t.teardown(() => removeProjectResources(runtime, id));
  const labels: Record<string, string> = { 'io.cidx.project': id, 'io.cidx.project-name': 'app', 'io.cidx.root': options.root, 'io.cidx.service': 'web' };
  if (options.owner) Object.assign(labels, { 'io.cidx.host': options.owner.host, 'io.cidx.user': options.owner.user });
  const flags = Object.entries(labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]);
  // Earlier versions named volumes `<svc>-<vol>` and let `run` create them, without labels.
  const volume = options.owner ? `cidx-${id}-web.data` : `cidx-${id}-web-data`;
  await runtimeCli(runtime, ['volume', 'create', ...(options.owner ? flags : []), volume]);
  const container = `cidx-${id}-web`;
  await runtimeCli(runtime, ['create', '--name', container, ...flags, '--volume', `${volume}:/data`, TEST_IMAGE]);
  return { id, container, volume };
}

interface PruneJson {
  projects: Array<{ projectId: string; containers: string[]; volumes: string[] }>;
  kept: Array<{ projectId: string; reason: string; containers: string[]; volumes: string[]; owner?: string }>;
}

async function prune(t: ExecutionContext, project: TestProject, runtime: Runtime, args: string[]): Promise<PruneJson> {
  const run = await project.cidx(['prune', '--json', '--runtime', runtime, ...args], { cwd: path.dirname(project.root) });
  t.is(run.exitCode, 0, run.describe());
  return run.json<PruneJson>();
}

async function intact(t: ExecutionContext, runtime: Runtime, fake: Fake, what: string): Promise<void> {
  t.is((await projectContainerIds(runtime, fake.id)).length, 1, `${what}: its container was removed`);
  t.deepEqual(await projectVolumes(runtime, fake.id), [fake.volume], `${what}: its volume was deleted`);
}

const config = { services: { web: { image: TEST_IMAGE } } };

for (const runtime of RUNTIMES) {
  test(`${runtime}: prune --volumes, even naming them, never touches another user's, another host's or an earlier cidx's project; it removes this user's`, withProject, config, async (t, project) => {
    const gone = path.join(path.dirname(project.root), 'deleted-project'); // parent exists: provably gone
    const otherUser = await fakeProject(t, runtime, { root: gone, owner: { host: ME.host, user: '4242' } });
    const otherHost = await fakeProject(t, runtime, { root: gone, owner: { host: `not-${ME.host}`, user: ME.user } });
    const earlier = await fakeProject(t, runtime, { root: gone, owner: null });
    const mine = await fakeProject(t, runtime, { root: gone, owner: ME });
    const ids = [otherUser.id, otherHost.id, earlier.id, mine.id];

    const result = await prune(t, project, runtime, ['--volumes', ...ids]);
    t.deepEqual(result.projects, [{ projectId: mine.id, projectName: 'app', root: gone, containers: [mine.container], volumes: [mine.volume] }]);
    const kept = Object.fromEntries(result.kept.map((entry) => [entry.projectId, entry]));
    t.like(kept[otherUser.id], { reason: 'other-user', owner: '4242', containers: [otherUser.container], volumes: [otherUser.volume] });
    t.like(kept[otherHost.id], { reason: 'other-host', owner: `not-${ME.host}` });
    t.like(kept[earlier.id], { reason: 'no-owner', containers: [earlier.container], volumes: [earlier.volume] });

    await intact(t, runtime, otherUser, "another user's project");
    await intact(t, runtime, otherHost, "another host's project");
    await intact(t, runtime, earlier, "an earlier cidx's project");
    t.deepEqual(await projectContainerIds(runtime, mine.id), [], 'this user\'s container of a deleted project was kept');
    t.deepEqual(await projectVolumes(runtime, mine.id), [], 'this user\'s named volume was kept');

    // The human listing says why, and what the user can do instead.
    const human = await project.cidx(['prune', '--dry-run', '--runtime', runtime, ...ids], { cwd: path.dirname(project.root) });
    t.is(human.exitCode, 0, human.describe());
    t.regex(human.stdout, new RegExp(`kept project ${otherUser.id} .*\\n  created by user 4242, not by you`));
    t.regex(human.stdout, new RegExp(`kept project ${otherHost.id} .*\\n  created on not-${ME.host}, not on ${ME.host}`));
    t.regex(human.stdout, new RegExp(`kept project ${earlier.id} .*\\n  made by an earlier cidx.*\`${runtime} rm -f ${earlier.container}\` and \`${runtime} volume rm ${earlier.volume}\``));
  });

  test(`${runtime}: prune --dry-run lists a root whose parent is missing (another machine's path?) as kept, and a deleted one's volumes as kept unless named`, withProject, config, async (t, project) => {
    const elsewhere = await fakeProject(t, runtime, { root: `/nonexistent-${randomBytes(4).toString('hex')}/app`, owner: ME });
    const deleted = await fakeProject(t, runtime, { root: path.join(path.dirname(project.root), 'deleted-project'), owner: ME });

    // Unnamed, so a dry run: everything on the engine is considered, nothing is removed.
    const result = await prune(t, project, runtime, ['--dry-run', '--volumes']);
    t.like(result.kept.find((entry) => entry.projectId === elsewhere.id), { reason: 'parent-gone', containers: [elsewhere.container], volumes: [elsewhere.volume] });
    t.like(result.projects.find((entry) => entry.projectId === deleted.id), { containers: [deleted.container], volumes: [] });
    t.like(result.kept.find((entry) => entry.projectId === deleted.id), { reason: 'volumes-not-named', containers: [], volumes: [deleted.volume] });
    t.is(result.projects.find((entry) => entry.projectId === elsewhere.id), undefined);
    await intact(t, runtime, elsewhere, 'a dry run');
    await intact(t, runtime, deleted, 'a dry run');

    // Named, the user vouches for the path: its containers go, its data too with --volumes.
    const named = await prune(t, project, runtime, ['--volumes', elsewhere.id]);
    t.like(named.projects, [{ projectId: elsewhere.id, containers: [elsewhere.container], volumes: [elsewhere.volume] }]);
    t.deepEqual(await projectVolumes(runtime, elsewhere.id), []);
  });
}
