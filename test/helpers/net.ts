/**
 * Real sockets against what cidx reports: a URL only counts when something
 * answers on it from this machine.
 */
import http from 'node:http';
import net from 'node:net';
import { hostOf } from '../../core/url-host.js';

export interface HttpAnswer {
  status: number;
  body: string;
}

/** One GET, no keep-alive, bounded in time. Rejects on a network error. */
export function httpGet(url: string, timeoutMs = 5_000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url}: no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

/**
 * Connects and returns the first bytes the server sends. The test image's
 * TCP service greets with "hello"; reading it proves the connection reached
 * the container, not only Docker's userland proxy (which accepts anything).
 */
export function tcpGreeting(host: string, port: number, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let received = '';
    const timer = setTimeout(() => socket.destroy(new Error(`${host}:${port}: nothing received within ${timeoutMs} ms`)), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.includes('\n')) socket.end();
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (received) resolve(received);
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('end', () => {
      if (!received) socket.destroy(new Error(`${host}:${port}: connection closed before any data`));
    });
  });
}

/** Retries `attempt` until it resolves or `withinMs` passes; the last error is rethrown. */
export async function eventually<T>(attempt: () => Promise<T>, withinMs = 10_000, pauseMs = 200): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}

/** Host and port of a URL cidx reported, ready for a socket. */
export function endpoint(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: hostOf(parsed), port: Number(parsed.port) };
}

function listen(port: number, host: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => resolve(server));
  });
}

export function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * A host port that is free right now and unlikely to be handed out by anyone
 * else soon: below the kernel's ephemeral range (32768+), from which Docker
 * and Podman pick runtime-chosen ports, so concurrent tests never race for it.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    try {
      await closeServer(await listen(port, host));
      return port;
    } catch {
      // taken: try another
    }
  }
  throw new Error('no free port found in 20000-31999');
}

/** Holds `port` on `host` with a local server until the returned server is closed. */
export function holdPort(port: number, host = '127.0.0.1'): Promise<net.Server> {
  return listen(port, host);
}

/** A local HTTP server on 127.0.0.1:`port` that answers 200 to everything: what a wrongly aimed probe would meet. */
export async function impostor(port: number): Promise<http.Server> {
  const server = http.createServer((_request, response) => response.end('ok'));
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return server;
}
