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
  /** TCP: the server sent data, so a real server answered (no proxy can fake that). */
  spoke?: boolean;
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
    let request: http.ClientRequest;
    try {
      request = http.get(
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
    } catch (error) {
      // node:http throws at once on a path or header it cannot send. The config schema refuses
      // those; should one get here anyway, it is a failed attempt that says why. Node's message
      // names the header, never its value.
      resolve({ ok: false, detail: `${probe.path}: cannot send this request: ${(error as Error).message}` });
      return;
    }
    request.on('timeout', () => request.destroy(new Error(`no answer within ${probe.timeoutMs} ms`)));
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, detail: `${probe.path}: ${describeNetError(error)}` }));
  });
}

/**
 * How long an accepted connection must stay open to count when nothing
 * better is known: Docker's userland proxy accepts, then drops the
 * connection when nothing listens behind it (within ~1 ms idle, >100 ms on
 * a loaded machine). See `probeTcpThrough` for the exact check.
 */
export const SETTLE_MS = 250;

/**
 * A TCP probe through a published port that cannot be fooled by a proxy:
 * the published port must accept a connection AND, where the container's own
 * address is reachable from here (a local Linux engine), the container port
 * must accept one too. Only when the container address is unreachable does
 * the probe fall back to "the connection stays open for SETTLE_MS".
 */
export async function probeTcpThrough(
  published: { host: string; port: number },
  /** Where the container port itself is reachable, if anywhere; asked only when needed. */
  direct: () => Promise<{ host: string; port: number } | undefined>,
  timeoutMs: number,
): Promise<ProbeResult> {
  const outside = await probeTcp(published.host, published.port, timeoutMs, SHORT_SETTLE_MS);
  // Refused, dropped, or the server already spoke: nothing more to learn.
  if (!outside.ok || outside.spoke) return outside;
  // Open and silent: a silent server, or a proxy about to drop us. Ask the container port itself.
  const address = await direct().catch(() => undefined);
  if (!address) return probeTcp(published.host, published.port, timeoutMs);
  const inside = await probeTcp(address.host, address.port, Math.min(timeoutMs, 500), 0);
  if (inside.ok) return outside;
  if (/refused|reset|closed/.test(inside.detail)) {
    return { ok: false, detail: `TCP ${published.port}: published, but nothing listens on container port ${address.port} yet` };
  }
  // The container address is not reachable from here after all: fall back to the settle window.
  return probeTcp(published.host, published.port, timeoutMs);
}

/** Settle window when the container port can be checked directly afterwards. */
const SHORT_SETTLE_MS = 20;

export function probeTcp(host: string, port: number, timeoutMs: number, settleMs = SETTLE_MS): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let socket: net.Socket;
    try {
      socket = net.connect({ host, port });
    } catch (error) {
      // An address or port node refuses outright: a failed attempt, not an escaped throw.
      resolve({ ok: false, detail: `TCP ${port}: ${(error as Error).message}` });
      return;
    }
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
      setTimeout(() => done({ ok: true, detail: `TCP ${port} accepts connections` }), settleMs);
    });
    socket.on('data', () => done({ ok: true, detail: `TCP ${port} accepts connections`, spoke: true }));
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
