/**
 * Hook API v2 through real tapable hooks and the real built-in plugins:
 * stages (a third-party tap at the default stage answers before the built-ins
 * on bail hooks, refines after them on waterfalls), per-tap loggers, and the
 * reviewPlan bookkeeping (vetoes signed, left-out steps vetoed, no new steps).
 */
import test from 'ava';
import { createHooks, RENAMED_HOOKS, STAGE, type HealthRequest, type ReviewedStep } from '../../../core/hooks.js';
import { createLogger } from '../../../core/logger.js';
import type { ObservedContainer, PortRequest } from '../../../core/model.js';
import { builtinPlugins, healthCheck, portCache, preferredPortFallback } from '../../../plugins/index.js';
import { BUILTIN_PLUGINS } from '../../../schemas/config.js';
import { withTempDir } from '../helpers/fixtures.js';
import { contextFor, desiredOne, inertRuntime, observedFrom, serviceContext } from '../helpers/contexts.js';

const HTTP = { services: { web: { image: 'w', ports: { http: 8080 }, health: { http: { port: 'http', path: '/nowhere' }, timeout: '1s' } } } };

async function healthRequest(): Promise<HealthRequest> {
  const service = await desiredOne(HTTP, 'web');
  // Published on a port nothing listens on: the built-in probe can only fail.
  const ports = [{ name: 'http', container: 8080, host: 1, hostIp: '127.0.0.1', preferred: null, fallback: false, url: 'http://127.0.0.1:1' }];
  return { ...contextFor(HTTP), runtime: inertRuntime(), service, container: observedFrom(service), ports, wait: false };
}

test('a third-party checkHealth tap at the default stage runs before health-check and its answer wins', async (t) => {
  const hooks = createHooks();
  for (const plugin of builtinPlugins()) plugin.apply(hooks); // built-ins first, as the CLI applies them
  const asked: string[] = [];
  hooks.checkHealth.tap('my-health', (request) => {
    asked.push(request.service.name);
    return { healthy: true, detail: 'answered by my-health' };
  });
  t.deepEqual(await hooks.checkHealth.promise(await healthRequest()), { healthy: true, detail: 'answered by my-health' });
  t.deepEqual(asked, ['web']);
});

test('a checkHealth tap that passes (returns undefined) leaves the answer to health-check', async (t) => {
  const hooks = createHooks();
  healthCheck().apply(hooks);
  hooks.checkHealth.tap('pass', () => undefined);
  const result = await hooks.checkHealth.promise(await healthRequest());
  t.is(result?.healthy, false, 'the built-in probe answered, and nothing listens there');
});

test('requestPorts: built-ins give preferred, then the old container\'s, then the cached port; a default-stage tap sees them all', async (t) => {
  await withTempDir('cidx-hooks-stages-', async (dir) => {
    const config = { services: { web: { image: 'w', ports: { http: 8080 } } }, preferredPorts: { web: 7000 } };
    const context = contextFor(config);
    const web = await desiredOne(config, 'web');
    // Cached port first on disk, through the plugin's own afterReport.
    const seed = createHooks();
    portCache({ dir }).apply(seed);
    const report = { project: context.project, runtime: 'fake', services: [{ name: 'web', state: 'running' as const, healthy: true, container: null, ports: [{ name: 'http', container: 8080, host: 7002, hostIp: '127.0.0.1', preferred: null, fallback: false, url: null }] }] };
    await seed.afterReport.promise(report, { ...context, runtime: inertRuntime() });

    const hooks = createHooks();
    let seen: PortRequest[] | undefined;
    hooks.requestPorts.tap('policy', (requests) => (seen = requests)); // default stage, tapped first
    preferredPortFallback().apply(hooks);
    portCache({ dir }).apply(hooks);
    const previous = observedFrom(web, { ports: [{ container: 8080, hostIp: '127.0.0.1', hostPort: 7001 }] });
    const requests = await hooks.requestPorts.promise([{ name: 'http', container: 8080, hostIp: '127.0.0.1', candidates: [] }], serviceContext(context, web, previous));
    const order = [{ port: 7000, source: 'preferred' }, { port: 7001, source: 'previous' }, { port: 7002, source: 'cache' }];
    t.deepEqual(requests[0]!.candidates, order);
    t.deepEqual(seen?.[0]!.candidates, order, 'the default-stage tap ran after the built-ins');
  });
});

test('STAGE puts built-in answers after the default stage and base values before it', (t) => {
  t.true(STAGE.base < STAGE.default && STAGE.default < STAGE.builtin && STAGE.builtin < STAGE.fallback);
});

test('each tap gets a logger named after it; the caller\'s context is not changed', async (t) => {
  const hooks = createHooks();
  const lines: string[] = [];
  const logger = createLogger((level, message, name) => lines.push(`${level} ${name.join('/')} ${message}`));
  hooks.afterConfigResolved.tap('first', (context) => context.logger.info('hello'));
  hooks.afterConfigResolved.tapPromise('second', async (context) => context.logger.child('part').warn('careful'));
  const context = { ...contextFor({ services: {} }), logger };
  await hooks.afterConfigResolved.promise(context);
  t.deepEqual(lines, ['info first hello', 'warn second/part careful']);
  t.is(context.logger, logger);
});

/** A container as the planner hands one to a step: only its name matters to these tests. */
const observed = (service: string): ObservedContainer => ({
  id: `id-${service}`,
  name: `cidx-x-${service}`,
  service,
  projectId: 'x',
  configHash: undefined,
  image: 'i',
  state: 'running',
  exitCode: undefined,
  startedAt: undefined,
  ports: [],
  labels: {},
});

const steps = (): ReviewedStep[] => [
  { service: 'db', op: 'recreate', reason: 'env changed', container: observed('db') },
  { service: 'web', op: 'create', reason: 'not created yet' },
  { service: 'old', op: 'remove', reason: 'not declared any more', container: observed('old') },
];
const planContext = () => ({ ...contextFor({ services: {} }), runtime: inertRuntime(), desired: [], observed: [] });

test('reviewPlan: a veto is signed with the vetoing tap\'s name; a left-out declared step counts as vetoed, a left-out removal is just dropped', async (t) => {
  const hooks = createHooks();
  hooks.reviewPlan.tap('never-recreate-db', (planned) => planned.map((step) => (step.service === 'db' && step.op === 'recreate' ? { ...step, veto: { reason: 'db keeps its data' } } : step)));
  hooks.reviewPlan.tapPromise('no-web', async (planned) => planned.filter((step) => step.service !== 'web' && step.service !== 'old'));
  const reviewed = await hooks.reviewPlan.promise(steps(), planContext());
  t.deepEqual(
    reviewed.map(({ service, op, veto }) => ({ service, op, veto })),
    [
      { service: 'db', op: 'recreate', veto: { reason: 'db keeps its data', by: 'never-recreate-db' } },
      { service: 'web', op: 'create', veto: { reason: 'left out of the plan', by: 'no-web' } },
    ],
  );
});

test('reviewPlan: a tap cannot add or change a step', async (t) => {
  const hooks = createHooks();
  hooks.reviewPlan.tap('sneaky', (planned) => planned.map((step) => (step.service === 'db' ? ({ ...step, op: 'noop' } as ReviewedStep) : step)));
  const error = await t.throwsAsync(hooks.reviewPlan.promise(steps(), planContext()));
  t.like(error, { code: 'PLUGIN_INVALID' });
  t.regex(error!.message, /sneaky.*noop db/);
});

test('the names `disable` accepts are exactly the built-in plugins', (t) => {
  t.deepEqual([...BUILTIN_PLUGINS].sort(), builtinPlugins().map((plugin) => plugin.name).sort());
});

test('every hook of API v1 that was renamed maps to a hook of v2', (t) => {
  const hooks = createHooks();
  for (const [old, now] of Object.entries(RENAMED_HOOKS)) {
    t.false(old in hooks, old);
    t.true(now in hooks, now);
  }
});
