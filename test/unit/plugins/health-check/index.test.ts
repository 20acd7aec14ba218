import http from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { createHooks, type HealthRequest } from '../../../../core/hooks.js';
import type { DesiredService, PortReport } from '../../../../core/model.js';
import type { ContainerRuntime } from '../../../../core/runtime.js';
import { CidxError } from '../../../../core/errors.js';
import { attemptOnce, healthCheck, probeOnce } from '../../../../plugins/health-check/index.js';
import type { HealthConfig } from '../../../../schemas/config.js';
import { contextFor, desiredOne, inertRuntime, observedFrom } from '../../helpers/contexts.js';

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

const SLEEPER = { services: { q: { image: 'q', health: { command: ['sleep', 'infinity'], timeout: '300ms' } } } };

/** A runtime whose `exec` honours its options as CliRuntime does: ends at `timeoutMs`, rejects at once on abort. */
function hangingExec(calls: Array<{ timeoutMs?: number; signal?: AbortSignal }> = []): ContainerRuntime {
  return {
    ...inertRuntime(),
    exec: (_id, _command, options = {}) => {
      calls.push(options);
      return new Promise((resolve, reject) => {
        const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => resolve({ exitCode: -1, output: '', timedOut: true }), options.timeoutMs);
        options.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(options.signal!.reason);
        });
      });
    },
  };
}

test('probeOnce: a command probe gets a time limit within the health timeout, and a timeout is a failed attempt that says so', async (t) => {
  const service = await desiredOne(SLEEPER, 'q');
  const calls: Array<{ timeoutMs?: number; signal?: AbortSignal }> = [];
  const result = await probeOnce(request(SLEEPER, service, [], hangingExec(calls)), healthOf(service));
  t.deepEqual(result, { ok: false, detail: '`sleep infinity` did not finish within 300ms (it may still be running in the container)' });
  t.is(calls[0]?.timeoutMs, 300, 'bounded by the 300 ms health timeout');
  t.truthy(calls[0]?.signal, "the session's signal is passed on");
});

test('attemptOnce: a probe that ignores its own limit is given up on shortly after it, as a failed attempt', async (t) => {
  const service = await desiredOne(SLEEPER, 'q');
  const runtime: ContainerRuntime = { ...inertRuntime(), exec: () => new Promise(() => undefined) };
  const result = await attemptOnce(request(SLEEPER, service, [], runtime), healthOf(service), 300);
  t.deepEqual(result, { ok: false, detail: 'command `sleep infinity` gave no result within 300ms' });
});

test('attemptOnce: an abort ends an attempt in flight at once, with the abort reason', async (t) => {
  const raw = { services: { q: { image: 'q', health: { command: ['sleep', 'infinity'], timeout: '60s' } } } };
  const service = await desiredOne(raw, 'q');
  const controller = new AbortController();
  const reason = new CidxError('INTERRUPTED', 'interrupted');
  const attempt = attemptOnce({ ...request(raw, service, [], hangingExec()), signal: controller.signal }, healthOf(service), 60_000);
  setTimeout(() => controller.abort(reason), 50);
  t.is(await t.throwsAsync(attempt), reason);
});

test('attemptOnce: an unexpected throw from a probe is a failed attempt naming the error, not an escape', async (t) => {
  const service = await desiredOne(SLEEPER, 'q');
  const runtime: ContainerRuntime = { ...inertRuntime(), exec: () => Promise.reject(new TypeError('boom')) };
  t.deepEqual(await attemptOnce(request(SLEEPER, service, [], runtime), healthOf(service), 300), {
    ok: false,
    detail: 'command `sleep infinity` failed: boom',
  });
});

test('attemptOnce: a runtime failure (a CidxError) still ends the wait', async (t) => {
  const service = await desiredOne(SLEEPER, 'q');
  const failure = new CidxError('RUNTIME_COMMAND', 'docker exec failed');
  const runtime: ContainerRuntime = { ...inertRuntime(), exec: () => Promise.reject(failure) };
  t.is(await t.throwsAsync(attemptOnce(request(SLEEPER, service, [], runtime), healthOf(service), 300)), failure);
});

test('checkHealth tap while waiting: a command probe that hangs ends in HEALTH_TIMEOUT, naming the time limit', async (t) => {
  const hooks = createHooks();
  healthCheck().apply(hooks);
  const service = await desiredOne(SLEEPER, 'q');
  const container = observedFrom(service);
  const runtime: ContainerRuntime = { ...hangingExec(), inspect: async () => [{ ...container, state: 'running' }], logs: async () => '' };
  const error = await t.throwsAsync(hooks.checkHealth.promise({ ...request(SLEEPER, service, [], runtime), wait: true }), { instanceOf: CidxError });
  t.is(error.code, 'HEALTH_TIMEOUT');
  t.regex(error.message, /q was not healthy within 300ms: command `sleep infinity`; last result: `sleep infinity` did not finish within \d+ms/);
});

test('probeOnce: a path or header node:http cannot send is a failed attempt, not a throw (and the header value is not shown)', async (t) => {
  const service = await desiredOne(HTTP, 'q');
  await withHttp(async (host) => {
    const health = healthOf(service);
    const spaced = await probeOnce(request(HTTP, service, [port('http', 6333, host)]), { ...health, http: { ...health.http!, path: '/a b' } });
    t.false(spaced.ok);
    t.regex(spaced.detail, /^\/a b: cannot send this request: /);
    const headed = await probeOnce(request(HTTP, service, [port('http', 6333, host)]), {
      ...health,
      http: { ...health.http!, headers: { 'X-Token': 'sec\r\nret' } },
    });
    t.false(headed.ok);
    t.regex(headed.detail, /cannot send this request/);
    t.false(headed.detail.includes('sec'), headed.detail);
  });
});

test('probeOnce: with several copies (replicas), every copy is probed at its own URL; one that fails makes the service unhealthy, by name', async (t) => {
  const service = await desiredOne(HTTP, 'q');
  await withHttp(async (up) => {
    await withHttp(async (alsoUp) => {
      const copies = (second: number) => [{ ...port('http', 6333, up), instances: [
        { name: 'q.1', host: up, url: `http://127.0.0.1:${up}` },
        { name: 'q.2', host: second, url: `http://127.0.0.1:${second}` },
      ] }];
      t.deepEqual(await probeOnce(request(HTTP, service, copies(alsoUp)), healthOf(service)), { ok: true, detail: 'HTTP 200 from /readyz (all 2 copies)' });
      // The second copy's port answers nothing: the first copy's success does not hide it.
      const closed = await new Promise<number>((resolve) => {
        const server = http.createServer().listen(0, '127.0.0.1', () => {
          const { port: free } = server.address() as AddressInfo;
          server.close(() => resolve(free));
        });
      });
      const result = await probeOnce(request(HTTP, service, copies(closed)), healthOf(service));
      t.false(result.ok);
      t.regex(result.detail, new RegExp(`^q\\.2 at http://127\\.0\\.0\\.1:${closed}: /readyz: connection refused$`));
      t.notRegex(result.detail, /q\.1/);
    });
  });
});

test('probeOnce: a copy with no URL from here is unhealthy with its reason, and is not probed', async (t) => {
  const service = await desiredOne(HTTP, 'q');
  await withHttp(async (up) => {
    const ports = [{ ...port('http', 6333, up), instances: [
      { name: 'q.1', host: up, url: `http://127.0.0.1:${up}` },
      { name: 'q.2', host: null, url: null },
    ] }];
    t.deepEqual(await probeOnce(request(HTTP, service, ports), healthOf(service)), { ok: false, detail: 'q.2: port http is not published' });
  });
});
