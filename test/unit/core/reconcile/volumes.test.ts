/**
 * prepareVolumes lists the project's volumes (to find legacy names) until a
 * listing found none; after that it only creates. Run against the fake
 * runtime with labelled volumes and a private cache directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { resetCacheDirMemo } from '../../../../core/state-dirs.js';
import type { Step } from '../../../../core/reconcile/plan.js';
import { prepareVolumes } from '../../../../core/reconcile/volumes.js';
import { readVolumeMemo, writeVolumeMemo } from '../../../../core/reconcile/volume-memo.js';
import { contextFor, desiredFor } from '../../helpers/contexts.js';
import { fakeRuntime } from '../../helpers/fake-runtime.js';

const config = { services: { db: { image: 'db:1', volumes: { data: '/data' } }, web: { image: 'web:1', volumes: { cache: '/cache' } } } };

test.before(() => {
  process.env.CIDX_CACHE_DIR = mkdtempSync(path.join(os.tmpdir(), 'cidx-volume-memo-'));
  resetCacheDirMemo();
});
test.after.always(() => rmSync(process.env.CIDX_CACHE_DIR!, { recursive: true, force: true }));

function labelled(listed: () => string[]) {
  const runtime = fakeRuntime({ listVolumes: async () => listed() });
  Object.assign(runtime, { name: `fake${Math.random().toString(36).slice(2, 8)}`, capabilities: { ...runtime.capabilities, labelledVolumes: true } });
  (runtime as { createVolume?: unknown }).createVolume = async (name: string) => void runtime.calls.push({ method: 'createVolume', args: [name] });
  return runtime;
}

const steps = (op: 'create' | 'recreate'): Step[] => ['db', 'web'].map((service) => ({ op, service }) as unknown as Step);

test('the first apply lists volumes and creates them; the next cold apply only creates', async (t) => {
  const runtime = labelled(() => []);
  const context = { ...contextFor(config), runtime };
  const desired = await desiredFor(config);
  await prepareVolumes(context, desired, steps('create'));
  t.is(runtime.callsOf('listVolumes').length, 1);
  t.is(runtime.calls.filter((call) => call.method === 'createVolume').length, 2);

  runtime.calls.length = 0;
  await prepareVolumes(context, desired, steps('create'));
  t.is(runtime.callsOf('listVolumes').length, 0, 'the legacy check is not repeated');
  t.is(runtime.calls.filter((call) => call.method === 'createVolume').length, 2, 'a created service always creates its volumes: they may have been removed by hand');

  runtime.calls.length = 0;
  await prepareVolumes(context, desired, steps('recreate'));
  t.is(runtime.calls.length, 0, 'a recreate finds its volumes in use by the container it replaces');
});

test('a project with a legacy-named volume is listed on every apply', async (t) => {
  const context0 = contextFor(config);
  const legacy = `cidx-${context0.project.id}-db-data`;
  const runtime = labelled(() => [legacy]);
  const context = { ...context0, runtime };
  const desired = await desiredFor(config);
  const first = await prepareVolumes(context, desired, steps('create'));
  t.deepEqual(first.desired.find((service) => service.name === 'db')!.spec.volumes.map((mount) => mount.source), [legacy]);
  runtime.calls.length = 0;
  const second = await prepareVolumes(context, desired, steps('create'));
  t.is(runtime.callsOf('listVolumes').length, 1);
  t.deepEqual(second.desired.find((service) => service.name === 'db')!.spec.volumes.map((mount) => mount.source), [legacy], 'the legacy volume stays in use');
});

test('a runtime whose `run` labels volumes gets the owner labels on the mounts, and no createVolume call', async (t) => {
  const runtime = labelled(() => []);
  Object.assign(runtime, { capabilities: { ...runtime.capabilities, volumeLabelsOnRun: true } });
  const context = { ...contextFor(config), runtime };
  const desired = await desiredFor(config);
  const prepared = await prepareVolumes(context, desired, [{ op: 'create', service: 'db' } as unknown as Step, { op: 'noop', service: 'web' } as unknown as Step]);
  t.is(runtime.calls.filter((call) => call.method === 'createVolume').length, 0);
  const [db] = prepared.desired.find((service) => service.name === 'db')!.spec.volumes;
  t.like(db!.labels, { 'io.cidx.project': context.project.id, 'io.cidx.root': context.project.root, 'io.cidx.service': 'db' });
  t.truthy(db!.labels!['io.cidx.user'], 'the owner labels prune relies on');
  t.is(prepared.desired.find((service) => service.name === 'web')!.spec.volumes[0]!.labels, undefined, 'a service not being created is left as it was');
  t.is(desired.find((service) => service.name === 'db')!.spec.volumes[0]!.labels, undefined, 'the input is not modified');
});

test('the memo is per engine endpoint: what the local engine was found to hold says nothing of a remote one', async (t) => {
  const local = { name: 'docker', engineHost: undefined };
  const remote = { name: 'docker', engineHost: 'build-box' };
  await writeVolumeMemo(local, 'p1', ['cidx-p1-db.data']);
  t.deepEqual([...(await readVolumeMemo(local, 'p1'))!.names], ['cidx-p1-db.data']);
  t.is(await readVolumeMemo(remote, 'p1'), undefined);
});
