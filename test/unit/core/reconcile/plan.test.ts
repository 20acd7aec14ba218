/**
 * The planner as tables of (desired, observed) → steps. Desired services come
 * from real configs through desiredServices; observed containers carry the
 * labels a container created from a (possibly older) config would carry.
 */
import test from 'ava';
import type { ContainerState, DesiredService, ObservedContainer } from '../../../../core/model.js';
import { LABELS } from '../../../../core/project.js';
import { SPEC_DIGEST_LABEL } from '../../../../core/reconcile/desired.js';
import { replacementName } from '../../../../core/reconcile/match.js';
import { plan, type Step } from '../../../../core/reconcile/plan.js';
import { desiredFor, observedFrom } from '../../helpers/contexts.js';

const CONFIG = {
  services: {
    qdrant: { image: 'qdrant/qdrant:v1.12.4', ports: { http: 6333 }, env: { QDRANT__LOG_LEVEL: 'INFO' } },
    ollama: { image: 'ollama/ollama:0.5.7', ports: { http: 11434 } },
  },
};

/** CONFIG with one service changed. */
function changed(service: 'qdrant' | 'ollama', change: Record<string, unknown>) {
  return { services: { ...CONFIG.services, [service]: { ...CONFIG.services[service], ...change } } };
}

async function world() {
  const desired = await desiredFor(CONFIG);
  const byName = (name: string) => desired.find((service) => service.name === name)!;
  return { desired, qdrant: byName('qdrant'), ollama: byName('ollama') };
}

/** A step reduced to what the table compares. */
const brief = (step: Step) => ({
  service: step.service,
  op: step.op,
  reason: step.reason,
  container: 'container' in step ? step.container.id : undefined,
  ...('duplicates' in step && step.duplicates ? { duplicates: step.duplicates.map((container) => container.id) } : {}),
  ...('rename' in step && step.rename ? { rename: true } : {}),
});

interface Row {
  title: string;
  observed: (desired: { qdrant: DesiredService; ollama: DesiredService }) => Promise<ObservedContainer[]> | ObservedContainer[];
  /** Expected steps for qdrant, ollama, then orphans; `container: 0` means "the first observed container", etc. */
  expected: Array<{ service: string; op: Step['op']; reason: string; container?: number; duplicates?: number[]; rename?: true }>;
}

const running = (service: DesiredService, state: ContainerState = 'running', overrides: Partial<ObservedContainer> = {}) =>
  observedFrom(service, { state, ...overrides });

const table: Row[] = [
  {
    title: 'nothing observed: create everything',
    observed: () => [],
    expected: [
      { service: 'qdrant', op: 'create', reason: 'not created yet' },
      { service: 'ollama', op: 'create', reason: 'not created yet' },
    ],
  },
  {
    title: 'running with the same hash: noop',
    observed: ({ qdrant, ollama }) => [running(qdrant), running(ollama)],
    expected: [
      { service: 'qdrant', op: 'noop', reason: 'up to date', container: 0 },
      { service: 'ollama', op: 'noop', reason: 'up to date', container: 1 },
    ],
  },
  {
    title: 'one missing, one running: create only the missing one',
    observed: ({ ollama }) => [running(ollama)],
    expected: [
      { service: 'qdrant', op: 'create', reason: 'not created yet' },
      { service: 'ollama', op: 'noop', reason: 'up to date', container: 0 },
    ],
  },
  {
    title: 'exited: start, with the exit code in the reason',
    observed: ({ qdrant, ollama }) => [running(qdrant, 'exited', { exitCode: 137 }), running(ollama, 'exited', { exitCode: undefined })],
    expected: [
      { service: 'qdrant', op: 'start', reason: 'container exited (code 137)', container: 0 },
      { service: 'ollama', op: 'start', reason: 'container exited', container: 1 },
    ],
  },
  {
    title: 'exit code 0 is still named',
    observed: ({ qdrant, ollama }) => [running(qdrant, 'exited', { exitCode: 0 }), running(ollama)],
    expected: [
      { service: 'qdrant', op: 'start', reason: 'container exited (code 0)', container: 0 },
      { service: 'ollama', op: 'noop', reason: 'up to date', container: 1 },
    ],
  },
  {
    title: 'created but never started: start',
    observed: ({ qdrant, ollama }) => [running(qdrant, 'created'), running(ollama)],
    expected: [
      { service: 'qdrant', op: 'start', reason: 'container created but not started', container: 0 },
      { service: 'ollama', op: 'noop', reason: 'up to date', container: 1 },
    ],
  },
  {
    title: 'stopped Docker containers with runtime-chosen ports are recreated, not started, so they keep their host ports',
    observed: ({ qdrant, ollama }) => [
      running(qdrant, 'exited', { exitCode: 0, ephemeralPorts: true }),
      running(ollama, 'created', { ephemeralPorts: true }),
    ],
    expected: [
      { service: 'qdrant', op: 'recreate', reason: 'container exited (code 0); recreated to keep its host ports', container: 0 },
      { service: 'ollama', op: 'recreate', reason: 'container created but not started; recreated to keep its host ports', container: 1 },
    ],
  },
  {
    title: 'pinned ports (Podman) are simply started',
    observed: ({ qdrant, ollama }) => [running(qdrant, 'exited', { exitCode: 0, ephemeralPorts: false }), running(ollama)],
    expected: [
      { service: 'qdrant', op: 'start', reason: 'container exited (code 0)', container: 0 },
      { service: 'ollama', op: 'noop', reason: 'up to date', container: 1 },
    ],
  },
  {
    title: 'a running container is left alone even if its ports are runtime-chosen',
    observed: ({ qdrant, ollama }) => [running(qdrant, 'running', { ephemeralPorts: true }), running(ollama)],
    expected: [
      { service: 'qdrant', op: 'noop', reason: 'up to date', container: 0 },
      { service: 'ollama', op: 'noop', reason: 'up to date', container: 1 },
    ],
  },
  {
    title: 'paused and dead: recreate, naming the state',
    observed: ({ qdrant, ollama }) => [running(qdrant, 'paused'), running(ollama, 'dead')],
    expected: [
      { service: 'qdrant', op: 'recreate', reason: 'container is paused', container: 0 },
      { service: 'ollama', op: 'recreate', reason: 'container is dead', container: 1 },
    ],
  },
  {
    title: 'env changed: recreate only that service, saying "env changed"',
    observed: async ({ ollama }) => {
      const old = (await desiredFor(changed('qdrant', { env: { QDRANT__LOG_LEVEL: 'DEBUG' } }))).find((s) => s.name === 'qdrant')!;
      return [running(old), running(ollama)];
    },
    expected: [
      { service: 'qdrant', op: 'recreate', reason: 'env changed', container: 0 },
      { service: 'ollama', op: 'noop', reason: 'up to date', container: 1 },
    ],
  },
  {
    title: 'image changed: "image changed"',
    observed: async ({ qdrant }) => {
      const old = (await desiredFor(changed('ollama', { image: 'ollama/ollama:0.5.1' }))).find((s) => s.name === 'ollama')!;
      return [running(qdrant), running(old)];
    },
    expected: [
      { service: 'qdrant', op: 'noop', reason: 'up to date', container: 0 },
      { service: 'ollama', op: 'recreate', reason: 'image changed', container: 1 },
    ],
  },
  {
    title: 'several fields changed: all named, in field order',
    observed: async ({ ollama }) => {
      const old = (await desiredFor(changed('qdrant', { image: 'qdrant/qdrant:v1.11.0', env: {}, ports: { http: 6333, grpc: 6334 } }))).find(
        (s) => s.name === 'qdrant',
      )!;
      return [running(old), running(ollama)];
    },
    expected: [
      { service: 'qdrant', op: 'recreate', reason: 'image, env, ports changed', container: 0 },
      { service: 'ollama', op: 'noop', reason: 'up to date', container: 1 },
    ],
  },
  {
    title: 'drift wins over state: an exited container from an old config is recreated, not started',
    observed: async ({ ollama }) => {
      const old = (await desiredFor(changed('qdrant', { env: {} }))).find((s) => s.name === 'qdrant')!;
      return [running(old, 'exited', { exitCode: 1 }), running(ollama)];
    },
    expected: [
      { service: 'qdrant', op: 'recreate', reason: 'env changed', container: 0 },
      { service: 'ollama', op: 'noop', reason: 'up to date', container: 1 },
    ],
  },
  {
    title: 'hash differs but no digest label: "config changed"; no hash at all: says so',
    observed: ({ qdrant, ollama }) => {
      const noDigest = running(qdrant, 'running', { configHash: 'feedfacefeedface' });
      delete noDigest.labels[SPEC_DIGEST_LABEL];
      const noHash = running(ollama, 'running', { configHash: undefined });
      delete noHash.labels[LABELS.configHash];
      return [noDigest, noHash];
    },
    expected: [
      { service: 'qdrant', op: 'recreate', reason: 'config changed', container: 0 },
      { service: 'ollama', op: 'recreate', reason: 'created without a config hash', container: 1 },
    ],
  },
  {
    title: 'a container of a service no longer declared: remove',
    observed: ({ qdrant, ollama }) => [
      running(qdrant),
      running(ollama),
      running(qdrant, 'running', { name: 'cidx-x-redis', service: 'redis' }),
      running(qdrant, 'exited', { name: 'cidx-x-redis-2', service: 'redis' }),
    ],
    expected: [
      { service: 'qdrant', op: 'noop', reason: 'up to date', container: 0 },
      { service: 'ollama', op: 'noop', reason: 'up to date', container: 1 },
      { service: 'redis', op: 'remove', reason: 'not declared any more', container: 2 },
      { service: 'redis', op: 'remove', reason: 'not declared any more', container: 3 },
    ],
  },
  {
    title: 'two containers for one service: keep the canonically named one, list the other as a duplicate',
    observed: ({ qdrant, ollama }) => [
      running(qdrant, 'running', { name: `${qdrant.spec.name}-leftover` }),
      running(qdrant),
      running(ollama),
    ],
    expected: [
      { service: 'qdrant', op: 'noop', reason: 'up to date', container: 1, duplicates: [0] },
      { service: 'ollama', op: 'noop', reason: 'up to date', container: 2 },
    ],
  },
  {
    title: 'duplicates ride along with whatever the kept container needs',
    observed: ({ qdrant, ollama }) => [
      running(qdrant, 'exited', { exitCode: 2 }),
      running(qdrant, 'created', { name: 'stray-1' }),
      running(qdrant, 'running', { name: 'stray-2' }),
      running(ollama),
    ],
    expected: [
      { service: 'qdrant', op: 'start', reason: 'container exited (code 2)', container: 0, duplicates: [1, 2] },
      { service: 'ollama', op: 'noop', reason: 'up to date', container: 3 },
    ],
  },
];

/** A container as a recreate killed mid-swap leaves it: the replacement of `old`, under its temporary name. */
const replacementOf = (service: DesiredService, old: ObservedContainer, state: ContainerState = 'running') =>
  observedFrom(service, { state, name: replacementName(service.spec.name, old) });

/** qdrant's container as an older config (other env) made it. */
const olderQdrant = async (state: ContainerState = 'running') =>
  running((await desiredFor(changed('qdrant', { env: {} }))).find((s) => s.name === 'qdrant')!, state, { exitCode: 0 });

table.push(
  {
    title: 'a recreate killed after the swap began: the running replacement serves, is renamed; the stopped old container is a leftover',
    observed: async ({ qdrant, ollama }) => {
      const old = await olderQdrant('exited');
      return [old, replacementOf(qdrant, old), running(ollama)];
    },
    expected: [
      { service: 'qdrant', op: 'noop', reason: 'up to date; the replacement left by an interrupted recreate', container: 1, duplicates: [0], rename: true },
      { service: 'ollama', op: 'noop', reason: 'up to date', container: 2 },
    ],
  },
  {
    title: 'a recreate killed before the old container was stopped: the old one serves; the replacement is a leftover',
    observed: async ({ qdrant, ollama }) => {
      const old = await olderQdrant('running');
      return [replacementOf(qdrant, old, 'created'), old, running(ollama)];
    },
    expected: [
      { service: 'qdrant', op: 'recreate', reason: 'env changed', container: 1, duplicates: [0] },
      { service: 'ollama', op: 'noop', reason: 'up to date', container: 2 },
    ],
  },
  {
    title: 'only a stopped replacement built from the desired spec: adopted (started and renamed), not recreated',
    observed: async ({ qdrant, ollama }) => [replacementOf(qdrant, await olderQdrant(), 'created'), running(ollama)],
    expected: [
      { service: 'qdrant', op: 'start', reason: 'container created but not started; the replacement left by an interrupted recreate', container: 0, rename: true },
      { service: 'ollama', op: 'noop', reason: 'up to date', container: 1 },
    ],
  },
  {
    title: 'a running replacement from an older spec serves until it is recreated; the old container is a leftover',
    observed: async ({ ollama }) => {
      const old = await olderQdrant('exited');
      const olderStill = (await desiredFor(changed('qdrant', { env: { A: '1' } }))).find((s) => s.name === 'qdrant')!;
      return [old, replacementOf(olderStill, old), running(ollama)];
    },
    expected: [
      { service: 'qdrant', op: 'recreate', reason: 'env changed; the replacement left by an interrupted recreate', container: 1, duplicates: [0], rename: true },
      { service: 'ollama', op: 'noop', reason: 'up to date', container: 2 },
    ],
  },
);

for (const row of table) {
  test(`plan: ${row.title}`, async (t) => {
    const { desired, qdrant, ollama } = await world();
    const observed = await row.observed({ qdrant, ollama });
    const id = (index: number) => observed[index]!.id;
    const expected = row.expected.map(({ container, duplicates, rename, ...rest }) => ({
      ...rest,
      container: container === undefined ? undefined : id(container),
      ...(duplicates ? { duplicates: duplicates.map(id) } : {}),
      ...(rename ? { rename } : {}),
    }));
    t.deepEqual(plan(desired, observed).map(brief), expected);
  });
}

test('plan is pure: it does not modify its inputs', async (t) => {
  const { desired, qdrant } = await world();
  const observed = [observedFrom(qdrant, { state: 'exited', exitCode: 1 }), observedFrom(qdrant, { name: 'dup' })];
  const before = JSON.stringify({ desired, observed });
  plan(desired, observed);
  plan(desired, observed);
  t.is(JSON.stringify({ desired, observed }), before);
});

test('a service without ports is started even when its runtime marks ports ephemeral', async (t) => {
  const [worker] = await desiredFor({ services: { worker: { image: 'w' } } });
  const container = observedFrom(worker!, { state: 'exited', exitCode: 0, ephemeralPorts: true });
  t.deepEqual(plan([worker!], [container]).map(brief), [
    { service: 'worker', op: 'start', reason: 'container exited (code 0)', container: container.id },
  ]);
});

test('a create step has no container and every other op has one', async (t) => {
  const { desired, qdrant } = await world();
  const steps = plan(desired, [observedFrom(qdrant, { state: 'created' })]);
  for (const step of steps) t.is('container' in step && step.container !== undefined, step.op !== 'create', `${step.service}: ${step.op}`);
});

test('on a runtime that updates in place, what would be recreated is planned as an update; the rest is unchanged', async (t) => {
  const { desired, qdrant, ollama } = await world();
  const [drifted] = await desiredFor(changed('qdrant', { env: { QDRANT__LOG_LEVEL: 'DEBUG' } }));
  const observed = [observedFrom(qdrant, { state: 'running' }), observedFrom(ollama, { state: 'exited', exitCode: 0, ephemeralPorts: true })];
  const wanted = [drifted!, desired[1]!];
  t.deepEqual(plan(wanted, observed, { renew: 'update' }).map(brief), [
    { service: 'qdrant', op: 'update', reason: 'env changed', container: observed[0]!.id },
    { service: 'ollama', op: 'update', reason: 'container exited (code 0); updated to keep its host ports', container: observed[1]!.id },
  ]);
  // The same world on a runtime that replaces containers.
  t.deepEqual(
    plan(wanted, observed).map((step) => step.op),
    ['recreate', 'recreate'],
  );
  t.deepEqual(plan(desired, [observedFrom(qdrant), observedFrom(ollama)], { renew: 'update' }).map((step) => step.op), ['noop', 'noop']);
});
