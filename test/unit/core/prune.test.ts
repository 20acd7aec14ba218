import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import type { ObservedContainer } from '../../../core/model.js';
import { LABELS, owner } from '../../../core/project.js';
import { pruneProjects, rootState, type RootFs } from '../../../core/prune.js';
import type { ContainerRuntime, VolumeInfo } from '../../../core/runtime.js';
import { inertRuntime } from '../helpers/contexts.js';

const errno = (code: string) => Object.assign(new Error(code), { code });

/** A file system where the listed paths exist (directories), `denied` ones answer EACCES, and nothing else exists. */
function fakeFs(present: string[], denied: string[] = []): RootFs {
  const check = async (file: string) => {
    if (denied.some((dir) => file === dir || file.startsWith(`${dir}/`))) throw errno('EACCES');
    if (!present.includes(file)) throw errno('ENOENT');
  };
  return {
    lstat: check,
    stat: async (file) => {
      await check(file);
      return { isDirectory: () => true };
    },
    access: check,
  };
}

test('rootState: gone only when the root is missing and its parent can be read', async (t) => {
  const fs = fakeFs(['/home', '/home/me', '/home/me/app'], ['/home/bob']);
  t.is(await rootState('/home/me/app', fs), 'present');
  t.is(await rootState('/home/me/deleted', fs), 'gone');
  t.is(await rootState('/home/bob/app', fs), 'unreadable', "another user's 0700 home hides the path; it is not gone");
  t.is(await rootState('/elsewhere/me/app', fs), 'parent-gone', 'a path of another machine or mount namespace');
  t.is(await rootState(undefined, fs), 'unrecorded');
  t.is(await rootState('relative/app', fs), 'unrecorded');
});

test('rootState: a parent that is a file, or a parent that cannot be searched, proves nothing', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cidx-root-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  t.is(await rootState(path.join(dir, 'gone')), 'gone');
  t.is(await rootState(path.join(dir, 'missing-parent', 'app')), 'parent-gone');
  const denying: RootFs = { ...fakeFs([]), lstat: () => Promise.reject(errno('EACCES')) };
  t.is(await rootState('/home/bob/app', denying), 'unreadable');
});

const ME = owner();
let nextId = 1;

function container(project: string, root: string, service: string, labels: Record<string, string> = { [LABELS.host]: ME.host, [LABELS.user]: ME.user }): ObservedContainer {
  const all = { [LABELS.project]: project, [LABELS.root]: root, [LABELS.service]: service, [LABELS.projectName]: 'app', ...labels };
  return { id: `id${nextId++}`, name: `cidx-${project}-${service}`, service, projectId: project, configHash: 'h', image: 'i', state: 'running', exitCode: undefined, startedAt: undefined, ports: [], labels: all };
}

/** `labels: null`: a volume of an earlier cidx, which labelled none. */
function volume(project: string, root: string, name: string, labels: Record<string, string> | null = { [LABELS.host]: ME.host, [LABELS.user]: ME.user }): VolumeInfo {
  return { name: `cidx-${project}-${name}`, labels: labels ? { [LABELS.project]: project, [LABELS.root]: root, ...labels } : {} };
}

interface Calls {
  removed: string[];
  removedVolumes: string[];
}

function engine(containers: ObservedContainer[], volumes: VolumeInfo[]): { runtime: ContainerRuntime; calls: Calls } {
  const calls: Calls = { removed: [], removedVolumes: [] };
  const runtime: ContainerRuntime = {
    ...inertRuntime(),
    // Declared, not probed: the core calls inspectVolumes and removeNetwork only for a runtime that says it has them.
    capabilities: { networks: true, labelledVolumes: true, streamLogs: false, describe: false },
    listAll: async () => containers,
    inspectVolumes: async () => volumes,
    remove: async (ids) => void calls.removed.push(...ids),
    removeVolumes: async (names) => void calls.removedVolumes.push(...names),
    removeNetwork: async () => undefined,
  };
  return { runtime, calls };
}

// The lock directory: a private cache, as every cidx process of a test has.
test.before(async () => {
  process.env.CIDX_CACHE_DIR = await mkdtemp(path.join(os.tmpdir(), 'cidx-prune-cache-'));
});
test.after.always(async () => {
  await rm(process.env.CIDX_CACHE_DIR!, { recursive: true, force: true });
});

const FS = fakeFs(['/home', '/home/me', '/home/me/live']);

test("prune removes only this user's containers on this host whose root is provably gone; it keeps every other, with the reason", async (t) => {
  const mine = container('aaaaaaa1', '/home/me/deleted', 'web');
  const live = container('aaaaaaa2', '/home/me/live', 'web');
  const otherHost = container('aaaaaaa3', '/home/me/deleted-elsewhere', 'web', { [LABELS.host]: 'laptop', [LABELS.user]: ME.user });
  const otherUser = container('aaaaaaa4', '/home/me/deleted-too', 'web', { [LABELS.host]: ME.host, [LABELS.user]: '4242' });
  const legacy = container('aaaaaaa5', '/home/me/old', 'web', {});
  const hidden = container('aaaaaaa6', '/home/bob/app', 'web');
  const foreignPath = container('aaaaaaa7', '/Users/me/app', 'web');
  const { runtime, calls } = engine([mine, live, otherHost, otherUser, legacy, hidden, foreignPath], [volume('aaaaaaa1', '/home/me/deleted', 'web.data')]);
  const result = await pruneProjects(runtime, { volumes: true, fs: fakeFs(['/home', '/home/me', '/home/me/live'], ['/home/bob']) });
  t.deepEqual(calls.removed, [mine.id]);
  t.deepEqual(calls.removedVolumes, [], 'volumes of a project nobody named were deleted');
  t.deepEqual(result.projects.map((entry) => entry.projectId), ['aaaaaaa1']);
  const reasons = Object.fromEntries(result.kept.map((entry) => [entry.projectId, entry.reason]));
  t.deepEqual(reasons, {
    aaaaaaa1: 'volumes-not-named',
    aaaaaaa2: 'present',
    aaaaaaa3: 'other-host',
    aaaaaaa4: 'other-user',
    aaaaaaa5: 'no-owner',
    aaaaaaa6: 'unreadable',
    aaaaaaa7: 'parent-gone',
  });
  t.like(result.kept.find((entry) => entry.projectId === 'aaaaaaa3'), { owner: 'laptop', containers: [otherHost.name] });
});

test('prune --volumes deletes the volumes of a named project only, and never those without an owner label', async (t) => {
  const labelled = volume('bbbbbbb1', '/home/me/deleted', 'db.data');
  const legacy = volume('bbbbbbb1', '/home/me/deleted', 'db-old', null);
  const unnamed = volume('bbbbbbb2', '/home/me/gone-too', 'db.data');
  const { runtime, calls } = engine([container('bbbbbbb1', '/home/me/deleted', 'db')], [labelled, legacy, unnamed]);
  const result = await pruneProjects(runtime, { volumes: true, projects: ['bbbbbbb1'], fs: FS });
  t.deepEqual(calls.removedVolumes, [labelled.name]);
  t.is(calls.removed.length, 1);
  t.deepEqual(result.projects, [{ projectId: 'bbbbbbb1', projectName: 'app', root: '/home/me/deleted', containers: ['cidx-bbbbbbb1-db'], volumes: [labelled.name] }]);
  t.deepEqual(result.kept.map((entry) => [entry.projectId, entry.reason, entry.volumes]), [['bbbbbbb1', 'no-owner', [legacy.name]]]);
});

test('a named project removes even when the parent of its root is missing, but never another user\'s', async (t) => {
  const foreignPath = container('ccccccc1', '/tmp/cidx-it-x/app', 'web');
  const otherUser = container('ccccccc2', '/tmp/cidx-it-y/app', 'web', { [LABELS.host]: ME.host, [LABELS.user]: '4242' });
  const { runtime, calls } = engine([foreignPath, otherUser], []);
  const result = await pruneProjects(runtime, { projects: ['ccccccc1', 'ccccccc2', 'ccccccc3'], fs: FS });
  t.deepEqual(calls.removed, [foreignPath.id]);
  t.deepEqual(result.kept.map((entry) => [entry.projectId, entry.reason]).sort(), [['ccccccc2', 'other-user'], ['ccccccc3', 'not-found']]);
});

test('--dry-run decides the same and removes nothing', async (t) => {
  const { runtime, calls } = engine([container('ddddddd1', '/home/me/deleted', 'web')], [volume('ddddddd1', '/home/me/deleted', 'web.data')]);
  const result = await pruneProjects(runtime, { dryRun: true, volumes: true, projects: ['ddddddd1'], fs: FS });
  t.deepEqual(result.projects.map((entry) => [entry.containers, entry.volumes]), [[['cidx-ddddddd1-web'], ['cidx-ddddddd1-web.data']]]);
  t.deepEqual(calls, { removed: [], removedVolumes: [] });
});

test('prune waits for the project lock and keeps a project whose lock stays held', async (t) => {
  const { acquireLock } = await import('../../../core/lock.js');
  const { projectLockName } = await import('../../../core/engine-endpoint.js');
  const { runtime, calls } = engine([container('eeeeeee1', '/home/me/deleted', 'web')], []);
  const release = await acquireLock(path.join(process.env.CIDX_CACHE_DIR!, 'locks', projectLockName('eeeeeee1', runtime)));
  t.teardown(release);
  const result = await pruneProjects(runtime, { fs: FS, lockTimeoutMs: 200 });
  t.deepEqual(calls.removed, []);
  t.like(result.kept, [{ projectId: 'eeeeeee1', reason: 'locked' }]);
});

test('a project id that is not 8 hex digits is a usage error', async (t) => {
  const { runtime } = engine([], []);
  const error = await t.throwsAsync(pruneProjects(runtime, { projects: ['../etc'] }));
  t.like(error, { code: 'USAGE' });
});
