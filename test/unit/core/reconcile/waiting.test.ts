/** apply --no-wait and --wait-timeout, as the executor sees them (ExecuteContext.waiting). */
import test from 'ava';
import { createHooks } from '../../../../core/hooks.js';
import type { HealthRequest } from '../../../../core/hooks.js';
import { executePlan, type Waiting } from '../../../../core/reconcile/execute.js';
import { plan } from '../../../../core/reconcile/plan.js';
import { contextFor, desiredFor } from '../../helpers/contexts.js';
import { fakeRuntime } from '../../helpers/fake-runtime.js';

const IMAGE = 'localhost/cidx-test:2';
const CONFIG = {
  services: {
    db: { image: IMAGE, ports: { sql: 5432 }, health: { tcp: { port: 'sql' }, timeout: '30s' } },
    api: { image: IMAGE, ports: { http: 8080 }, dependsOn: ['db'], health: { http: { port: 'http' }, timeout: '45s' } },
  },
};

async function applyWith(waiting: Waiting | undefined) {
  const desired = await desiredFor(CONFIG);
  const hooks = createHooks();
  const asked: HealthRequest[] = [];
  hooks.checkHealth.tap('recorder', (request) => {
    asked.push(request);
    return { healthy: true, detail: 'recorded' };
  });
  const context = { ...contextFor(CONFIG), runtime: fakeRuntime(), hooks, ...(waiting ? { waiting } : {}) };
  const report = await executePlan(context, desired, plan(desired, []));
  return { report, asked };
}

test("--wait-timeout replaces every service's health timeout for this wait only", async (t) => {
  const { report, asked } = await applyWith({ timeoutMs: 120_000 });
  t.deepEqual(asked.map((request) => [request.service.name, request.service.health && request.service.health.timeout]), [['db', 120_000], ['api', 120_000]]);
  t.true(report.services.every((service) => service.healthy === true));
  const { asked: own } = await applyWith(undefined);
  t.deepEqual(own.map((request) => request.service.health && request.service.health.timeout), [30_000, 45_000], 'without it, each its own');
});

test('--no-wait: no health check at all; running services are reported with health not checked (null)', async (t) => {
  const { report, asked } = await applyWith({ skip: true });
  t.is(asked.length, 0);
  t.deepEqual(report.services.map((service) => [service.name, service.state, service.healthy]), [['db', 'running', null], ['api', 'running', null]]);
});
