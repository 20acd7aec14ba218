/**
 * Probes against real servers on 127.0.0.1: each test starts what it needs
 * on an OS-chosen port and closes it in `finally`.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import test, { type ExecutionContext } from 'ava';
import { probeHttp, probeTcp } from '../../../../plugins/health-check/probes.js';

type Server = http.Server | net.Server;

async function listening<T extends Server>(server: T): Promise<{ server: T; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

async function withServer<T extends Server>(server: T, run: (port: number) => Promise<void>): Promise<void> {
  const { port } = await listening(server);
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  try {
    await run(port);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A port that was just free: a server was bound to it and closed again. */
async function closedPort(): Promise<number> {
  const { server, port } = await listening(net.createServer());
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Answers every path with the status in its name: /status/404 → 404. Records request headers. */
function statusServer(seen: http.IncomingHttpHeaders[] = []) {
  return http.createServer((request, response) => {
    seen.push(request.headers);
    const status = Number(/^\/status\/(\d{3})/.exec(request.url ?? '')?.[1] ?? 200);
    response.writeHead(status, { 'content-type': 'text/plain' });
    response.end('body');
  });
}

/**
 * probeTcp tells "accepted, then closed at once" from "accepted" by waiting
 * 60 ms for the close. On a loaded machine this process can stall longer than
 * that, so these assertions get up to three attempts; a probe that ignores the
 * close fails all three.
 */
async function withRetries(t: ExecutionContext, assertions: (tt: ExecutionContext) => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const result = await t.try(assertions);
    if (result.passed || attempt === 3) return result.commit();
    result.discard();
  }
}

const http1 = (port: number, path: string, extra: { status?: number; headers?: Record<string, string>; timeoutMs?: number } = {}) =>
  probeHttp({ host: '127.0.0.1', port, path, status: extra.status, headers: extra.headers, timeoutMs: extra.timeoutMs ?? 2_000 });

test('http: 200 is healthy', async (t) => {
  await withServer(statusServer(), async (port) => {
    t.deepEqual(await http1(port, '/healthz'), { ok: true, detail: 'HTTP 200 from /healthz' });
  });
});

test('http: 3xx counts as healthy (not followed)', async (t) => {
  await withServer(statusServer(), async (port) => {
    t.deepEqual(await http1(port, '/status/302'), { ok: true, detail: 'HTTP 302 from /status/302' });
  });
});

test('http: 404 and 503 are not healthy', async (t) => {
  await withServer(statusServer(), async (port) => {
    t.deepEqual(await http1(port, '/status/404'), { ok: false, detail: 'HTTP 404 from /status/404' });
    t.deepEqual(await http1(port, '/status/503'), { ok: false, detail: 'HTTP 503 from /status/503' });
  });
});

test('http: 401 and 403 mean reachable but wanting credentials: healthy, authRequired', async (t) => {
  await withServer(statusServer(), async (port) => {
    t.deepEqual(await http1(port, '/status/401'), { ok: true, detail: 'HTTP 401 from /status/401: reachable, authentication required', authRequired: true });
    const forbidden = await http1(port, '/status/403');
    t.true(forbidden.ok);
    t.true(forbidden.authRequired);
  });
});

test('http: 401 when another status is expected is not healthy, but still flags authRequired', async (t) => {
  await withServer(statusServer(), async (port) => {
    const result = await http1(port, '/status/401', { status: 200 });
    t.false(result.ok);
    t.true(result.authRequired);
  });
});

test('http: an expected status must match exactly', async (t) => {
  await withServer(statusServer(), async (port) => {
    t.deepEqual(await http1(port, '/status/204', { status: 204 }), { ok: true, detail: 'HTTP 204 from /status/204' });
    t.deepEqual(await http1(port, '/status/200', { status: 204 }), { ok: false, detail: 'HTTP 200 from /status/200, expected 204' });
    t.deepEqual(await http1(port, '/status/503', { status: 503 }), { ok: true, detail: 'HTTP 503 from /status/503' });
  });
});

test('http: configured headers are sent', async (t) => {
  const seen: http.IncomingHttpHeaders[] = [];
  await withServer(statusServer(seen), async (port) => {
    await http1(port, '/', { headers: { 'api-key': 'secret', authorization: 'Bearer x' } });
  });
  t.is(seen[0]?.['api-key'], 'secret');
  t.is(seen[0]?.authorization, 'Bearer x');
});

test('http: nothing listening is "connection refused"', async (t) => {
  const port = await closedPort();
  t.deepEqual(await http1(port, '/readyz'), { ok: false, detail: '/readyz: connection refused' });
});

test('http: a server that never answers times out after timeoutMs', async (t) => {
  const silent = http.createServer(() => {
    /* never responds */
  });
  await withServer(silent, async (port) => {
    const started = Date.now();
    const result = await http1(port, '/slow', { timeoutMs: 200 });
    const elapsed = Date.now() - started;
    t.deepEqual(result, { ok: false, detail: '/slow: no answer within 200 ms' });
    t.true(elapsed >= 180 && elapsed < 2_000, `${elapsed} ms`);
  });
});

test('http: a server that accepts and drops the connection is not healthy', async (t) => {
  const dropper = net.createServer((socket) => socket.destroy());
  await withServer(dropper, async (port) => {
    const result = await http1(port, '/');
    t.false(result.ok);
    t.regex(result.detail, /^\/: (connection reset|socket hang up|connection closed)/);
  });
});

test('tcp: a listening server that keeps the connection open is healthy', async (t) => {
  const quiet = net.createServer(() => {
    /* holds the socket open, says nothing */
  });
  await withServer(quiet, async (port) => {
    t.deepEqual(await probeTcp('127.0.0.1', port, 2_000), { ok: true, detail: `TCP ${port} accepts connections` });
  });
});

test('tcp: a server that greets first is healthy at once', async (t) => {
  const greeter = net.createServer((socket) => socket.write('hello\n'));
  await withServer(greeter, async (port) => {
    t.true((await probeTcp('127.0.0.1', port, 2_000)).ok);
  });
});

test('tcp: a closed port is not healthy (connection refused)', async (t) => {
  const port = await closedPort();
  t.deepEqual(await probeTcp('127.0.0.1', port, 2_000), { ok: false, detail: `TCP ${port}: connection refused` });
});

test('tcp: accepting then destroying the socket at once (a userland proxy with nothing behind) is not healthy', async (t) => {
  const dropper = net.createServer((socket) => socket.destroy());
  await withServer(dropper, async (port) => {
    await withRetries(t, async (tt) => {
      const result = await probeTcp('127.0.0.1', port, 2_000);
      tt.false(result.ok);
      tt.regex(result.detail, new RegExp(`^TCP ${port}: (connection closed at once|connection reset)`));
    });
  });
});

test('tcp: accepting then ending the socket (FIN) is not healthy either', async (t) => {
  const ender = net.createServer((socket) => socket.end());
  await withServer(ender, async (port) => {
    await withRetries(t, async (tt) => {
      tt.deepEqual(await probeTcp('127.0.0.1', port, 2_000), {
        ok: false,
        detail: `TCP ${port}: connection closed at once (nothing listening behind the published port yet)`,
      });
    });
  });
});
