import test from 'ava';
import { createHooks } from '../../../../core/hooks.js';
import type { PortAssignment } from '../../../../core/model.js';
import { runService } from '../../../../core/reconcile/run-service.js';
import { NameConflictError, PortRefusedError } from '../../../../core/runtime.js';
import { contextFor, desiredOne, observedFrom } from '../../helpers/contexts.js';
import { fakeRuntime } from '../../helpers/fake-runtime.js';

const CONFIG = { services: { api: { image: 'localhost/cidx-test:2', ports: { http: 8080 } } } };

async function setUp() {
  const service = await desiredOne(CONFIG, 'api');
  const hooks = createHooks();
  // As preferred-port-fallback does: ask for 6333 first, then drop a refused port.
  hooks.requestPorts.tap('prefer', (requests) => requests.map((request) => ({ ...request, candidates: [{ port: 6333, source: 'preferred' }] })));
  hooks.retryPorts.tap('fallback', (requests, refusal) =>
    requests.map((request) => ({ ...request, candidates: request.candidates.filter((candidate) => candidate.port !== refusal.port) })),
  );
  return { service, hooks, context: contextFor(CONFIG) };
}

test('a refused host port is revised through retryPorts and the run tried again', async (t) => {
  const { service, hooks, context } = await setUp();
  let refusals = 0;
  const runtime = fakeRuntime({
    run: (base, spec, ports) => (ports[0]?.hostPort === 6333 && ++refusals ? Promise.reject(new PortRefusedError(6333, 'address already in use')) : base(spec, ports)),
  });
  const outcome = await runService(hooks, { ...context, runtime, service, previous: undefined });
  const asked = runtime.callsOf('run').map(([, ports]) => (ports as PortAssignment[])[0]?.hostPort);
  t.deepEqual(asked, [6333, undefined], 'the second run leaves the port to the engine');
  t.is(refusals, 1);
  t.deepEqual(outcome.wanted, { http: 6333 }, 'reported as a fallback from the port asked for first');
  t.is(outcome.published, undefined, 'the engine chose the port: it must be inspected');
});

test('a name taken by a container of the same spec is adopted, not made twice', async (t) => {
  const { service, hooks, context } = await setUp();
  const theirs = observedFrom(service, { state: 'running' });
  const runtime = fakeRuntime({ run: () => Promise.reject(new NameConflictError(service.spec.name, 'already in use')) }, [theirs]);
  const outcome = await runService(hooks, { ...context, runtime, service, previous: undefined });
  t.is(outcome.id, theirs.id);
  t.is(runtime.callsOf('run').length, 1);
});

test('a name taken by a container of another spec is a conflict', async (t) => {
  const { service, hooks, context } = await setUp();
  const theirs = observedFrom(service, { state: 'running', configHash: 'other' });
  const runtime = fakeRuntime({ run: () => Promise.reject(new NameConflictError(service.spec.name, 'already in use')) }, [theirs]);
  const error = await t.throwsAsync(runService(hooks, { ...context, runtime, service, previous: undefined }));
  t.like(error, { code: 'NAME_CONFLICT' });
});
