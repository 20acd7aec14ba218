import test from 'ava';
import { replacementName, serviceContainer } from '../../../../core/reconcile/match.js';
import { desiredFor, observedFrom } from '../../helpers/contexts.js';

const CONFIG = { services: { api: { image: 'localhost/cidx-test:2' }, db: { image: 'localhost/cidx-test:2' } } };

async function services() {
  const desired = await desiredFor(CONFIG);
  return { api: desired.find((service) => service.name === 'api')!, db: desired.find((service) => service.name === 'db')! };
}

test("a running replacement left by an interrupted recreate is the service's container, not the stopped original", async (t) => {
  const { api } = await services();
  const original = observedFrom(api, { state: 'exited' });
  const replacement = observedFrom(api, { state: 'running', name: replacementName(api.spec.name, original) });
  t.is(serviceContainer(api, [original, replacement]), replacement);
  t.is(serviceContainer(api, [{ ...original, state: 'running' }, replacement])?.id, original.id, 'the original serves while it runs');
});

test("another service's containers are never a service's", async (t) => {
  const { api, db } = await services();
  t.is(serviceContainer(api, [observedFrom(db)]), undefined);
});
