/**
 * The order of a recreate's engine calls, and what it does when one fails or
 * an abort arrives, against a fake runtime that records every call. The
 * engines themselves are exercised in test/faults/recreate.test.ts.
 */
import test from 'ava';
import { CidxError } from '../../../../core/errors.js';
import { createHooks } from '../../../../core/hooks.js';
import type { ContainerSpec, ObservedContainer, PortAssignment, VolumeMount } from '../../../../core/model.js';
import { replace } from '../../../../core/reconcile/replace.js';
import { PortRefusedError, type ContainerRuntime } from '../../../../core/runtime.js';
import { withoutRefused } from '../../../../plugins/preferred-port-fallback/index.js';
import { contextFor, desiredOne, inertRuntime, observedFrom } from '../../helpers/contexts.js';

const CONFIG = {
  services: { store: { image: 'qdrant/qdrant:v1.12.4', ports: { http: 6333 }, volumes: { storage: '/qdrant/storage' } } },
};

interface Faults {
  create?: () => void;
  /** Called for each start of the replacement, with how many came before. */
  start?: (count: number) => void;
  stop?: () => void;
  anonymous?: VolumeMount[];
}

/** A runtime that records each call as one line and fails where `faults` says. */
function recording(faults: Faults = {}) {
  const calls: string[] = [];
  let starts = 0;
  const runtime: ContainerRuntime = {
    ...inertRuntime(),
    async anonymousVolumes(id) {
      calls.push(`anonymousVolumes ${id}`);
      return faults.anonymous ?? [];
    },
    async create(spec: ContainerSpec, ports: PortAssignment[], carried: VolumeMount[] = []) {
      calls.push(`create ${spec.name} ${ports.map((port) => port.hostPort ?? 'any').join(',')}${carried.map((volume) => ` ${volume.source}:${volume.target}`).join('')}`);
      faults.create?.();
      return { id: 'new' };
    },
    async stop(ids) {
      calls.push(`stop ${ids.join(' ')}`);
      faults.stop?.();
    },
    async start(ids) {
      calls.push(`start ${ids.join(' ')}`);
      if (ids[0] === 'new') faults.start?.(starts++);
    },
    async remove(ids, options) {
      calls.push(`remove ${ids.join(' ')}${options?.keepVolumes ? ' (keeping volumes)' : ' (with volumes)'}`);
    },
    async rename(id, name) {
      calls.push(`rename ${id} ${name}`);
    },
  };
  return { runtime, calls };
}

async function setUp(faults: Faults = {}, oldState: ObservedContainer['state'] = 'running') {
  const hooks = createHooks();
  hooks.retryPorts.tap('test', (requests, refusal) => withoutRefused(requests, refusal.port));
  const controller = new AbortController();
  const service = await desiredOne(CONFIG, 'store');
  const old = observedFrom(service, { id: 'old', state: oldState, ports: [{ container: 6333, hostIp: '127.0.0.1', hostPort: 41000 }] });
  const { runtime, calls } = recording(faults);
  // Ask for the old container's port, as port-cache does.
  hooks.requestPorts.tap('test', (requests) => requests.map((request) => ({ ...request, candidates: [{ port: 41000, source: 'previous' }] })));
  const context = { ...contextFor(CONFIG), signal: controller.signal, runtime, service, previous: old };
  const temp = `${service.spec.name}.next-old`;
  return { hooks, context, calls, controller, temp, name: service.spec.name };
}

test('replace: the replacement is created before the old container is touched; then stop old, start new, remove old keeping volumes, rename', async (t) => {
  const { hooks, context, calls, temp, name } = await setUp();
  const outcome = await replace(hooks, context);
  t.is(outcome.id, 'new');
  t.deepEqual(outcome.wanted, { http: 41000 });
  t.deepEqual(calls, ['anonymousVolumes old', `create ${temp} 41000`, 'stop old', 'start new', 'remove old (keeping volumes)', `rename new ${name}`]);
});

test('replace: a create the engine refuses leaves the old container untouched', async (t) => {
  const { hooks, context, calls, temp } = await setUp({
    create: () => {
      throw new CidxError('IMAGE_UNAVAILABLE', 'image qdrant/qdrant:v1.12.4 is not available');
    },
  });
  const error = await t.throwsAsync(replace(hooks, context));
  t.is((error as CidxError).code, 'IMAGE_UNAVAILABLE');
  t.deepEqual(calls, ['anonymousVolumes old', `create ${temp} 41000`]);
});

test('replace: a failed start removes the replacement, keeping volumes, and starts the old container again', async (t) => {
  const { hooks, context, calls, temp } = await setUp({
    start: () => {
      throw new CidxError('RUNTIME_COMMAND', 'starting containers failed');
    },
  });
  await t.throwsAsync(replace(hooks, context), { message: 'starting containers failed' });
  t.deepEqual(calls, ['anonymousVolumes old', `create ${temp} 41000`, 'stop old', 'start new', 'remove new (keeping volumes)', 'start old']);
});

test('replace: an abort before the old container is stopped removes the replacement and leaves the old one running', async (t) => {
  const { hooks, context, calls, controller, temp } = await setUp({ create: () => controller.abort(new CidxError('INTERRUPTED', 'interrupted')) });
  await t.throwsAsync(replace(hooks, context), { message: 'interrupted' });
  t.deepEqual(calls, ['anonymousVolumes old', `create ${temp} 41000`, 'remove new (keeping volumes)']);
});

test('replace: an abort once the old container is stopping finishes the swap first', async (t) => {
  const { hooks, context, calls, controller, temp, name } = await setUp({ stop: () => controller.abort(new CidxError('INTERRUPTED', 'interrupted')) });
  const outcome = await replace(hooks, context);
  t.is(outcome.id, 'new');
  t.deepEqual(calls, ['anonymousVolumes old', `create ${temp} 41000`, 'stop old', 'start new', 'remove old (keeping volumes)', `rename new ${name}`]);
});

test('replace: a host port refused at start makes the replacement again on the revised ports, without stopping the old one twice', async (t) => {
  const { hooks, context, calls, temp, name } = await setUp({
    start: (count) => {
      if (count === 0) throw new PortRefusedError(41000, 'address already in use');
    },
  });
  const outcome = await replace(hooks, context);
  t.is(outcome.published, undefined, 'the engine chose the port: not known without asking');
  t.deepEqual(calls, [
    'anonymousVolumes old',
    `create ${temp} 41000`,
    'stop old',
    'start new',
    'remove new (keeping volumes)',
    `create ${temp} any`,
    'start new',
    'remove old (keeping volumes)',
    `rename new ${name}`,
  ]);
});

test('replace: anonymous volumes are carried over by name, except at paths the config declares', async (t) => {
  const { hooks, context, calls, temp } = await setUp({
    anonymous: [
      { source: 'a'.repeat(64), target: '/anon' },
      { source: 'b'.repeat(64), target: '/qdrant/storage' },
    ],
  });
  await replace(hooks, context);
  t.is(calls[1], `create ${temp} 41000 ${'a'.repeat(64)}:/anon`);
});

test('replace: a stopped old container is neither stopped nor started again when the start fails', async (t) => {
  const { hooks, context, calls, temp } = await setUp(
    {
      start: () => {
        throw new CidxError('RUNTIME_COMMAND', 'starting containers failed');
      },
    },
    'exited',
  );
  await t.throwsAsync(replace(hooks, context));
  t.deepEqual(calls, ['anonymousVolumes old', `create ${temp} 41000`, 'start new', 'remove new (keeping volumes)']);
});

test('replace: a failed stop removes the replacement and starts the old container again, in case it did stop', async (t) => {
  const { hooks, context, calls, temp } = await setUp({
    stop: () => {
      throw new CidxError('RUNTIME_COMMAND', 'stopping containers failed');
    },
  });
  await t.throwsAsync(replace(hooks, context), { message: 'stopping containers failed' });
  t.deepEqual(calls, ['anonymousVolumes old', `create ${temp} 41000`, 'stop old', 'remove new (keeping volumes)', 'start old']);
});
