/**
 * What apply does with vetoed steps (core/plan-review.ts): a kept container is
 * no failure, a service left down is, and so are its dependants.
 */
import test from 'ava';
import type { ReviewedStep } from '../../../core/hooks.js';
import { applyVetoes, withVetoes } from '../../../core/plan-review.js';
import { desiredFor, observedFrom } from '../helpers/contexts.js';

const CONFIG = { services: { db: { image: 'd' }, web: { image: 'w', dependsOn: ['db'] }, docs: { image: 'x' } } };
const veto = { reason: 'never', by: 'policy' };

test('a vetoed recreate of a running container becomes a keep; the report says vetoed, by whom and why', async (t) => {
  const desired = await desiredFor(CONFIG);
  const db = observedFrom(desired[0]!);
  const steps: ReviewedStep[] = [
    { service: 'db', op: 'recreate', reason: 'env changed', container: db, veto },
    { service: 'web', op: 'create', reason: 'not created yet' },
    { service: 'docs', op: 'create', reason: 'not created yet' },
  ];
  const plan = applyVetoes(desired, steps);
  t.like(plan.steps[0], { service: 'db', op: 'noop', container: db });
  t.false('veto' in plan.steps[0]!);
  t.is(plan.desired.length, 3, 'web still runs: its dependency is kept, not down');
  const executed = { project: { name: 'p', id: 'i', root: '/r' }, runtime: 'fake', services: ['db', 'web', 'docs'].map((name) => ({ name, state: 'running' as const, healthy: true, action: name === 'db' ? ('unchanged' as const) : ('created' as const), container: null, ports: [] })) };
  const report = withVetoes(executed, plan, ['db', 'web', 'docs']);
  t.like(report.services[0], { name: 'db', action: 'vetoed', healthy: true, reason: 'recreate vetoed by policy: never', veto: { op: 'recreate', by: 'policy', reason: 'never' } });
  t.false('error' in report.services[0]!);
});

test('a vetoed create leaves the service down with STEP_VETOED and skips its dependants, not the others', async (t) => {
  const desired = await desiredFor(CONFIG);
  const steps: ReviewedStep[] = [
    { service: 'db', op: 'create', reason: 'not created yet', veto },
    { service: 'web', op: 'create', reason: 'not created yet' },
    { service: 'docs', op: 'create', reason: 'not created yet' },
  ];
  const plan = applyVetoes(desired, steps);
  t.deepEqual(plan.desired.map((service) => service.name), ['docs']);
  t.deepEqual(plan.steps.map((step) => step.service), ['docs']);
  const byName = Object.fromEntries(plan.reports.map((report) => [report.name, report]));
  t.like(byName.db, { action: 'vetoed', healthy: false, state: 'missing', error: { code: 'STEP_VETOED' } });
  t.like(byName.web, { action: 'skipped', healthy: false, error: { code: 'DEPENDENCY_FAILED' } });
});

test('a vetoed remove keeps the container and is no failure', async (t) => {
  const desired = await desiredFor({ services: { web: { image: 'w' } } });
  const orphan = { ...observedFrom(desired[0]!), service: 'gone', name: 'cidx-x-gone' };
  const plan = applyVetoes(desired, [{ service: 'web', op: 'noop', reason: 'up to date', container: observedFrom(desired[0]!) }, { service: 'gone', op: 'remove', reason: 'not declared any more', container: orphan, veto }]);
  t.deepEqual(plan.steps.map((step) => step.op), ['noop']);
  t.like(plan.reports[0], { name: 'gone', action: 'vetoed', healthy: null, state: 'running', container: { id: orphan.id } });
  t.false('error' in plan.reports[0]!);
});

test('a vetoed in-place update of a running service is kept as it is, like a vetoed recreate', async (t) => {
  const desired = await desiredFor(CONFIG);
  const db = observedFrom(desired[0]!);
  const plan = applyVetoes(desired, [{ service: 'db', op: 'update', reason: 'env changed', container: db, veto }]);
  t.like(plan.steps[0], { service: 'db', op: 'noop', reason: 'update vetoed by policy: never', container: db });
  t.is(plan.desired.length, 3);
});
