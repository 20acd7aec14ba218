import test from 'ava';
import { createHooks } from '../../../../core/hooks.js';
import type { PortRequest } from '../../../../core/model.js';
import { preferredPortFallback, withoutRefused } from '../../../../plugins/preferred-port-fallback/index.js';
import { contextFor, desiredOne, serviceContext } from '../../helpers/contexts.js';

const request = (name: string, container: number, ...ports: Array<[number, string]>): PortRequest => ({
  name,
  container,
  hostIp: '127.0.0.1',
  candidates: ports.map(([port, source]) => ({ port, source })),
});

const CONFIG = {
  services: { qdrant: { image: 'qdrant/qdrant', ports: { http: 6333, grpc: 6334 } } },
  preferredPorts: { qdrant: { http: 6333 } },
};

test('withoutRefused drops the named port from every request', (t) => {
  const requests = [request('http', 6333, [6333, 'preferred'], [40001, 'cache']), request('grpc', 6334, [6333, 'cache'], [40002, 'cache'])];
  t.deepEqual(withoutRefused(requests, 6333), [request('http', 6333, [40001, 'cache']), request('grpc', 6334, [40002, 'cache'])]);
});

test("withoutRefused drops every first choice when the engine didn't name the port", (t) => {
  const requests = [request('http', 6333, [6333, 'preferred'], [40001, 'cache']), request('grpc', 6334), request('x', 1, [7000, 'p'])];
  t.deepEqual(withoutRefused(requests, undefined), [request('http', 6333, [40001, 'cache']), request('grpc', 6334), request('x', 1)]);
});

test('withoutRefused gives up (undefined) when nothing specific was asked for', (t) => {
  t.is(withoutRefused([request('http', 6333), request('grpc', 6334)], 6333), undefined);
  t.is(withoutRefused([], undefined), undefined);
});

test('withoutRefused does not modify its input', (t) => {
  const requests = [request('http', 6333, [6333, 'preferred'])];
  withoutRefused(requests, 6333);
  t.deepEqual(requests, [request('http', 6333, [6333, 'preferred'])]);
});

test('requestPorts tap puts the configured port first and removes it from later places', async (t) => {
  const hooks = createHooks();
  preferredPortFallback().apply(hooks);
  const context = contextFor(CONFIG);
  const service = await desiredOne(CONFIG, 'qdrant');
  const result = await hooks.requestPorts.promise(
    [request('http', 6333, [40001, 'cache'], [6333, 'cache']), request('grpc', 6334, [40002, 'cache'])],
    serviceContext(context, service),
  );
  t.deepEqual(result, [request('http', 6333, [6333, 'preferred'], [40001, 'cache']), request('grpc', 6334, [40002, 'cache'])]);
});

test('requestPorts tap leaves services without preferences alone', async (t) => {
  const hooks = createHooks();
  preferredPortFallback().apply(hooks);
  const config = { services: CONFIG.services };
  const requests = [request('http', 6333), request('grpc', 6334, [1234, 'cache'])];
  const result = await hooks.requestPorts.promise(requests, serviceContext(contextFor(config), await desiredOne(config, 'qdrant')));
  t.deepEqual(result, requests);
});

test('portRefused tap answers with the refused port dropped; the revised requests fall back to runtime-chosen', async (t) => {
  const hooks = createHooks();
  preferredPortFallback().apply(hooks);
  const context = serviceContext(contextFor(CONFIG), await desiredOne(CONFIG, 'qdrant'));
  const asked = [request('http', 6333, [6333, 'preferred']), request('grpc', 6334)];
  const revised = await hooks.retryPorts.promise(asked, { ...context, port: 6333, message: 'port is already allocated' });
  t.deepEqual(revised, [request('http', 6333), request('grpc', 6334)]);
  const again = await hooks.retryPorts.promise(revised!, { ...context, port: 6333, message: 'port is already allocated' });
  t.is(again, undefined, 'nothing left to drop: the service fails rather than loops');
});
