import http from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { createHooks, type HealthRequest } from '../../../../core/hooks.js';
import type { DesiredService, PortReport } from '../../../../core/model.js';
import type { ContainerRuntime } from '../../../../core/runtime.js';
import { healthCheck, probeOnce } from '../../../../plugins/health-check/index.js';
import type { HealthConfig } from '../../../../schemas/config.js';
import { contextFor, desiredOne, inertRuntime, observedFrom } from '../../helpers/project.js';

const port = (name: string, container: number, host: number | null, url = host === null ? null : `http://127.0.0.1:${host}`): PortReport => ({
  name,
  container,
  host,
  hostIp: host === null ? null : '127.0.0.1',
  preferred: null,
  fallback: false,
  url,
});

function request(raw: unknown, service: DesiredService, ports: PortReport[], runtime: ContainerRuntime = inertRuntime()): HealthRequest {
  return { ...contextFor(raw), runtime, service, container: observedFrom(service), ports, wait: false };
}

function healthOf(service: DesiredService): HealthConfig {
  if (!service.health) throw new Error(`${service.name} has no health config`);
  return service.health;
}

async function withHttp(run: (port: number) => Promise<void>): Promise<void> {
  const server = http.createServer((req, res) => {
    res.writeHead(req.url === '/readyz' ? 200 : 503);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  try {
    await run((server.address() as AddressInfo).port);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const HTTP = { services: { q: { image: 'q', ports: { http: 6333 }, health: { http: { port: 'http', path: '/readyz' } } } } };

test('probeOnce: http through the published port named in the probe', async (t) => {
  const service = await desiredOne(HTTP, 'q');
  await withHttp(async (host) => {
    t.deepEqual(await probeOnce(request(HTTP, service, [port('http', 6333, host)]), healthOf(service)), { ok: true, detail: 'HTTP 200 from /readyz' });
  });
});

test('probeOnce: the port can be referenced by container port number', async (t) => {
  const raw = { services: { q: { image: 'q', ports: { http: 6333 }, health: { http: { port: 6333, path: '/other' } } } } };
  const service = await desiredOne(raw, 'q');
  await withHttp(async (host) => {
    const result = await probeOnce(request(raw, service, [port('http', 6333, host)]), healthOf(service));
    t.deepEqual(result, { ok: false, detail: 'HTTP 503 from /other' });
  });
});

test('probeOnce: an unpublished port is reported as such, without a network call', async (t) => {
  const service = await desiredOne(HTTP, 'q');
  t.deepEqual(await probeOnce(request(HTTP, service, [port('http', 6333, null)]), healthOf(service)), {
    ok: false,
    detail: 'port http is not published',
  });
});

test('probeOnce: command probes exec in the container; exit 0 is healthy', async (t) => {
  const raw = { services: { q: { image: 'q', health: { command: ['sh', '-c', 'test -f /ready'] } } } };
  const service = await desiredOne(raw, 'q');
  const calls: string[][] = [];
  const runtime: ContainerRuntime = {
    ...inertRuntime(),
    exec: async (_id, command) => {
      calls.push(command);
      return calls.length === 1 ? { exitCode: 1, output: 'starting\nnot yet' } : { exitCode: 0, output: '' };
    },
  };
  const health = healthOf(service);
  t.deepEqual(await probeOnce(request(raw, service, [], runtime), health), { ok: false, detail: '`sh -c test -f /ready` exited 1: not yet' });
  t.deepEqual(await probeOnce(request(raw, service, [], runtime), health), { ok: true, detail: '`sh -c test -f /ready` exited 0' });
  t.deepEqual(calls[0], ['sh', '-c', 'test -f /ready']);
});

test("probeOnce: runtime probes trust the engine's HEALTHCHECK status", async (t) => {
  const raw = { services: { q: { image: 'q', health: { runtime: true } } } };
  const service = await desiredOne(raw, 'q');
  const health = healthOf(service);
  const withStatus = (status: 'healthy' | 'unhealthy' | 'starting' | undefined): ContainerRuntime => ({ ...inertRuntime(), healthStatus: async () => status });
  t.deepEqual(await probeOnce(request(raw, service, [], withStatus('healthy')), health), { ok: true, detail: 'fake reports healthy' });
  t.deepEqual(await probeOnce(request(raw, service, [], withStatus('starting')), health), { ok: false, detail: 'fake reports starting' });
  t.deepEqual(await probeOnce(request(raw, service, [], withStatus(undefined)), health), {
    ok: false,
    detail: 'fake reports no HEALTHCHECK status for this container',
  });
});

test('checkHealth tap: health: false answers healthy without probing', async (t) => {
  const hooks = createHooks();
  healthCheck().apply(hooks);
  const raw = { services: { q: { image: 'q', ports: { http: 1 }, health: false } } };
  const service = await desiredOne(raw, 'q');
  t.deepEqual(await hooks.checkHealth.promise(request(raw, service, [])), { healthy: true, detail: 'no health check' });
});

test('checkHealth tap without waiting probes once and reports the result', async (t) => {
  const hooks = createHooks();
  healthCheck().apply(hooks);
  const service = await desiredOne(HTTP, 'q');
  await withHttp(async (host) => {
    t.deepEqual(await hooks.checkHealth.promise(request(HTTP, service, [port('http', 6333, host)])), { healthy: true, detail: 'HTTP 200 from /readyz' });
  });
});
