/**
 * One probe attempt each, run from the host through the published port:
 * images such as Qdrant and Ollama ship no curl, and Podman without systemd
 * never runs image HEALTHCHECKs.
 */
import http from 'node:http';
import net from 'node:net';

export interface ProbeResult {
  ok: boolean;
  detail: string;
  authRequired?: boolean;
}

export interface HttpProbe {
  host: string;
  port: number;
  path: string;
  status?: number | undefined;
  headers?: Record<string, string> | undefined;
  timeoutMs: number;
}

export function probeHttp(probe: HttpProbe): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const request = http.get(
      { host: probe.host, port: probe.port, path: probe.path, headers: probe.headers, agent: false, timeout: probe.timeoutMs },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        const detail = `HTTP ${status} from ${probe.path}`;
        if (status === 401 || status === 403) {
          resolve({ ok: probe.status === undefined || probe.status === status, detail: `${detail}: reachable, authentication required`, authRequired: true });
        } else if (probe.status !== undefined) {
          resolve({ ok: status === probe.status, detail: status === probe.status ? detail : `${detail}, expected ${probe.status}` });
        } else {
          resolve({ ok: status >= 200 && status < 400, detail });
        }
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${probe.timeoutMs} ms`)));
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, detail: `${probe.path}: ${describeNetError(error)}` }));
  });
}

/** How long an accepted connection must stay open to count: Docker's userland proxy accepts, then drops it when nothing listens behind. */
const SETTLE_MS = 30;

export function probeTcp(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let settled = false;
    const done = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      socket.destroy();
      resolve(result);
    };
    const connectTimer = setTimeout(() => done({ ok: false, detail: `TCP ${port}: no answer within ${timeoutMs} ms` }), timeoutMs);
    socket.on('connect', () => {
      setTimeout(() => done({ ok: true, detail: `TCP ${port} accepts connections` }), SETTLE_MS);
    });
    socket.on('data', () => done({ ok: true, detail: `TCP ${port} accepts connections` }));
    socket.on('end', () => done({ ok: false, detail: `TCP ${port}: connection closed at once (nothing listening behind the published port yet)` }));
    socket.on('error', (error: NodeJS.ErrnoException) => done({ ok: false, detail: `TCP ${port}: ${describeNetError(error)}` }));
  });
}

function describeNetError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'EPIPE':
      return 'connection closed';
    default:
      return error.message;
  }
}
