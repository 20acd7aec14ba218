import test from 'ava';
import { CidxError } from '../../../../core/errors.js';
import { createHooks } from '../../../../core/hooks.js';
import type { ObservedContainer } from '../../../../core/model.js';
import { executePlan } from '../../../../core/reconcile/execute.js';
import { plan } from '../../../../core/reconcile/plan.js';
import { contextFor, desiredFor } from '../../helpers/contexts.js';
import { fakeRuntime, type FakeRuntime, type Script } from '../../helpers/fake-runtime.js';

const IMAGE = 'localhost/cidx-test:2';

/** db ← api ← web, and a service on its own; each with one port the engine picks. */
const STACK = {
  services: {
    db: { image: IMAGE, ports: { sql: 5432 } },
    api: { image: IMAGE, ports: { http: 8080 }, dependsOn: ['db'] },
    web: { image: IMAGE, ports: { http: 3000 }, dependsOn: ['api'] },
    other: { image: IMAGE, ports: { http: 9000 } },
  },
};

async function apply(raw: unknown, runtime: FakeRuntime, options: { parallel?: number; observed?: ObservedContainer[] } = {}) {
  const desired = await desiredFor(raw);
  const context = { ...contextFor(raw), runtime, hooks: createHooks(), ...(options.parallel ? { parallel: options.parallel } : {}) };
  return executePlan(context, desired, plan(desired, options.observed ?? []));
}

const runOrder = (runtime: FakeRuntime) => runtime.callsOf('run').map(([spec]) => (spec as { labels: Record<string, string> }).labels['io.cidx.service']);
const actions = (report: Awaited<ReturnType<typeof apply>>) => Object.fromEntries(report.services.map((service) => [service.name, service.action]));

test('services are created level by level in dependency order, each level awaited before the next', async (t) => {
  const runtime = fakeRuntime();
  const report = await apply(STACK, runtime);
  t.deepEqual(actions(report), { db: 'created', api: 'created', web: 'created', other: 'created' });
  const order = runOrder(runtime);
  t.true(order.indexOf('db') < order.indexOf('api'));
  t.true(order.indexOf('api') < order.indexOf('web'));
  // Each level's ports are discovered before the next level starts.
  const methods = runtime.calls.map((call) => call.method).filter((method) => method === 'run' || method === 'inspect');
  t.deepEqual(methods, ['run', 'run', 'inspect', 'run', 'inspect', 'run', 'inspect']);
  t.true(report.services.every((service) => service.healthy === true && service.ports[0]?.host !== null));
});

test('a failed service skips its dependants and nothing else', async (t) => {
  const script: Script = {
    run: (base, spec, ports) => (spec.labels['io.cidx.service'] === 'db' ? Promise.reject(new CidxError('IMAGE_UNAVAILABLE', 'no such image')) : base(spec, ports)),
  };
  const runtime = fakeRuntime(script);
  const report = await apply(STACK, runtime);
  t.deepEqual(actions(report), { db: 'failed', api: 'skipped', web: 'skipped', other: 'created' });
  t.deepEqual(runOrder(runtime).sort(), ['db', 'other']);
  t.is(report.services.find((service) => service.name === 'api')?.error?.code, 'DEPENDENCY_FAILED');
});

test('no more runtime calls are in flight than the concurrency cap allows', async (t) => {
  const wide = { services: Object.fromEntries(Array.from({ length: 7 }, (_, index) => [`s${index}`, { image: IMAGE }])) };
  const runtime = fakeRuntime({ run: async (base, spec, ports) => (await new Promise((resolve) => setTimeout(resolve, 5)), base(spec, ports)) });
  const report = await apply(wide, runtime, { parallel: 2 });
  t.is(report.services.filter((service) => service.action === 'created').length, 7);
  t.is(runtime.maxInFlight, 2);
});

test('the ports of one level are discovered with one inspect call', async (t) => {
  const runtime = fakeRuntime();
  await apply(STACK, runtime);
  const inspects = runtime.callsOf('inspect');
  t.is(inspects.length, 3, 'one per level: db+other, api, web');
  t.is((inspects[0]![0] as string[]).length, 2);
});

test('a service kept as it is costs no inspect: the observation is fresh', async (t) => {
  const runtime = fakeRuntime();
  await apply(STACK, runtime);
  const again = fakeRuntime({}, [...runtime.containers.values()]);
  const report = await apply(STACK, again, { observed: [...runtime.containers.values()] });
  t.deepEqual(actions(report), { db: 'unchanged', api: 'unchanged', web: 'unchanged', other: 'unchanged' });
  t.deepEqual(again.calls.map((call) => call.method), []);
});

test('an engine that stops answering ends the apply: no later level is acted on', async (t) => {
  const runtime = fakeRuntime({ inspect: () => Promise.reject(new CidxError('ENGINE_UNAVAILABLE', 'cannot reach the engine')) });
  const error = await t.throwsAsync(apply(STACK, runtime));
  t.is((error as CidxError).code, 'ENGINE_UNAVAILABLE');
  t.deepEqual(runOrder(runtime).sort(), ['db', 'other']);
});

test('work before containers (the pull phase) runs alongside the volume set-up; when it throws, no container is touched, orphans included', async (t) => {
  const WITH_VOLUME = { services: { ...STACK.services, db: { ...STACK.services.db, volumes: { data: '/data' } } } };
  const desired = await desiredFor(WITH_VOLUME);
  const orphan = { ...(await desiredFor({ services: { gone: { image: IMAGE } } }))[0]!, name: 'gone' };
  const observed: ObservedContainer[] = [
    { id: 'c00000000orphan', name: orphan.spec.name, service: 'gone', projectId: orphan.spec.labels['io.cidx.project']!, configHash: 'x', image: IMAGE, state: 'running', exitCode: undefined, startedAt: undefined, ports: [], labels: orphan.spec.labels },
  ];
  // The volume set-up lasts until the gate has run (or 2 s): were they in sequence, the gate would see it done.
  let gateRan!: () => void;
  const gateSeen = new Promise<void>((resolve) => (gateRan = resolve));
  let volumesInFlight = false;
  const runtime = fakeRuntime(
    {
      listVolumes: async (base, ...args) => {
        volumesInFlight = true;
        await Promise.race([gateSeen, new Promise((resolve) => setTimeout(resolve, 2000))]);
        volumesInFlight = false;
        return base(...args);
      },
    },
    observed,
  );
  let volumesDuringGate: boolean | undefined;
  const failure = new CidxError('IMAGE_UNAVAILABLE', 'no such image');
  const context = {
    ...contextFor(WITH_VOLUME),
    runtime,
    hooks: createHooks(),
    beforeContainers: async () => {
      for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve)); // the fake engine's own turn
      volumesDuringGate = volumesInFlight;
      gateRan();
      throw failure;
    },
  };
  const error = await t.throwsAsync(executePlan(context, desired, plan(desired, observed)));
  t.is(error, failure);
  t.true(volumesDuringGate, 'the gate ran after the volume set-up, not alongside it');
  t.deepEqual(runtime.callsOf('remove'), [], 'the orphan was removed although the pull phase failed');
  t.deepEqual(runtime.callsOf('run'), []);
  t.true(runtime.containers.has('c00000000orphan'));
});
