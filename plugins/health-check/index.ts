/**
 * Answers `checkHealth`: probes a service through its published port (http,
 * tcp), inside it (command), or asks the runtime (runtime). In apply it retries
 * with p-retry until healthy or the timeout, and fails at once when the
 * container stops instead of waiting out the timeout.
 */
import pRetry from 'p-retry';
import { CidxError, isCidxError } from '../../core/errors.js';
import { formatDuration } from '../../schemas/duration.js';
import { STAGE, type HealthRequest } from '../../core/hooks.js';
import type { HealthResult, ObservedContainer, PortReport } from '../../core/model.js';
import { definePlugin, type CidxPlugin } from '../../core/plugin.js';
import { hostOf } from '../../core/url-host.js';
import type { HealthConfig } from '../../schemas/config.js';
import type { ProbeResult } from './probes.js';

const NAME = 'health-check';
/** Per-attempt network timeout: an http or tcp probe never blocks longer than this. */
const ATTEMPT_TIMEOUT_MS = 2_000;
/** Per-attempt limit of a command probe: a `docker exec` round trip alone takes ~0.2 s, seconds on a busy engine. */
const COMMAND_ATTEMPT_TIMEOUT_MS = 5_000;
/** How long past its own limit an attempt may take before it is given up on regardless (its clean-up, a slow inspect). */
const ATTEMPT_GRACE_MS = 1_000;
/** Node's timers overflow past this (about 24.8 days) and fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** While waiting, look at the container this often to notice a crash early. */
const LIVENESS_EVERY_MS = 1_000;
const LOG_TAIL = 20;

export function healthCheck(): CidxPlugin {
  return definePlugin({
    name: NAME,
    apply(hooks) {
      // Late: a plugin's own answer for a service (at the default stage) comes first and wins.
      hooks.checkHealth.tapPromise({ name: NAME, stage: STAGE.builtin }, async (request) => {
        const health = request.service.health;
        if (health === false || health === undefined) return { healthy: true, detail: 'no health check' };
        if (!request.wait) return toResult(await attemptOnce(request, health, health.timeout));
        return waitUntilHealthy(request, health);
      });
    },
  });
}

function toResult(result: ProbeResult): HealthResult {
  return result.authRequired ? { healthy: result.ok, detail: result.detail, authRequired: true } : { healthy: result.ok, detail: result.detail };
}

function findPort(ports: PortReport[], ref: string | number): PortReport | undefined {
  // Probes connect over TCP: a number names the TCP port (53/udp beside 53/tcp is not it).
  return ports.find((port) => (typeof ref === 'number' ? port.container === ref && (port.protocol ?? 'tcp') === 'tcp' : port.name === ref));
}

/** Each observed container's own address, looked up once per wait rather than once per attempt. */
const addresses = new WeakMap<ObservedContainer, Promise<string | undefined>>();

function containerAddress(request: HealthRequest): Promise<string | undefined> {
  const { container, runtime } = request;
  let address = addresses.get(container);
  if (!address) {
    address = container.ipAddress !== undefined ? Promise.resolve(container.ipAddress) : runtime.inspect([container.id]).then(([found]) => found?.ipAddress);
    addresses.set(container, address);
    address.catch(() => addresses.delete(container)); // a failed lookup is tried again next attempt
  }
  return address;
}

/** The limit of one attempt of this probe, within `budgetMs` (what is left of the health timeout). */
function attemptLimit(health: HealthConfig, budgetMs: number): number {
  const own = health.command ? COMMAND_ATTEMPT_TIMEOUT_MS : ATTEMPT_TIMEOUT_MS;
  return Math.max(1, Math.min(own, health.timeout, budgetMs));
}

/**
 * One probe attempt, `budgetMs` at most (default: the health timeout). Each
 * kind bounds itself: http and tcp by their socket timeouts, a command by
 * ending its `exec` (which a Ctrl-C also ends at once).
 */
export async function probeOnce(request: HealthRequest, health: HealthConfig, budgetMs: number = health.timeout): Promise<ProbeResult> {
  const timeoutMs = attemptLimit(health, budgetMs);
  if (health.http || health.tcp) {
    const ref = (health.http ?? health.tcp)!.port;
    const port = findPort(request.ports, ref);
    if (!port?.instances?.length) return probePort(request, health, ref, port, timeoutMs, true);
    // Several copies (Swarm replicas): the service is healthy when every copy answers.
    const results = await Promise.all(port.instances.map((instance) => probePort(request, health, ref, { ...instance, container: port.container }, timeoutMs, false)));
    const failed = results.flatMap((result, index) => {
      const copy = port.instances![index]!;
      return result.ok ? [] : [`${copy.name}${copy.url ? ` at ${copy.url}` : ''}: ${result.detail}`];
    });
    const authRequired = results.some((result) => result.authRequired) ? { authRequired: true } : {};
    if (failed.length) return { ok: false, detail: failed.join('; '), ...authRequired };
    return { ok: true, detail: `${results[0]!.detail} (all ${results.length} copies)`, ...authRequired };
  }
  if (health.command) {
    const shown = `\`${health.command.join(' ')}\``;
    const { exitCode, output, timedOut } = await request.runtime.exec(request.container.id, health.command, { timeoutMs, signal: request.signal });
    // The runtime ends its CLI client, not the command in the container: say so, it may pile up there.
    if (timedOut) return { ok: false, detail: `${shown} did not finish within ${formatDuration(timeoutMs)} (it may still be running in the container)` };
    const last = output.trim().split('\n').pop() ?? '';
    return { ok: exitCode === 0, detail: `${shown} exited ${exitCode}${last ? `: ${last.slice(0, 200)}` : ''}` };
  }
  const status = await request.runtime.healthStatus(request.container.id);
  if (status === undefined) return { ok: false, detail: `${request.runtime.name} reports no HEALTHCHECK status for this container` };
  return { ok: status === 'healthy', detail: `${request.runtime.name} reports ${status}` };
}

/** An http or tcp probe of one published port: through its URL from this machine, never anywhere else. */
async function probePort(
  request: HealthRequest,
  health: HealthConfig,
  ref: string | number,
  port: Pick<PortReport, 'container' | 'host' | 'url' | 'unreachable'> | undefined,
  timeoutMs: number,
  mayGoDirect: boolean,
): Promise<ProbeResult> {
  // A port nothing here reaches is never probed here: this machine's same port number is someone else's.
  if (port?.unreachable) return { ok: false, detail: `port ${ref} is ${port.unreachable}` };
  if (!port?.url || port.host === null) return { ok: false, detail: `port ${ref} is not published` };
  const host = hostOf(port.url);
  // Lazy: node:http costs ~3 ms to load, and commands that only read ports never probe.
  const { probeHttp, probeTcpThrough } = await import('./probes.js');
  if (health.http) {
    return probeHttp({ host, port: port.host, path: health.http.path, status: health.http.status, headers: health.http.headers, timeoutMs });
  }
  // The container's own address bypasses a port proxy; only usable with a local engine and a single container.
  const direct = async () => {
    if (!mayGoDirect || request.runtime.engineHost !== undefined) return undefined;
    const address = await containerAddress(request);
    return address ? { host: address, port: port.container } : undefined;
  };
  return probeTcpThrough({ host, port: port.host }, direct, timeoutMs);
}

/**
 * One attempt that always settles: with a result, within its limit (plus a
 * grace period, should a probe not honour its own), or by rejecting with the
 * signal's reason at Ctrl-C. An unexpected error (a plugin's or node's) is a
 * failed attempt with the error as its detail, never an escaped throw; a
 * CidxError (the runtime failing) still ends the wait.
 */
export async function attemptOnce(request: HealthRequest, health: HealthConfig, budgetMs: number): Promise<ProbeResult> {
  request.signal.throwIfAborted();
  const limitMs = attemptLimit(health, budgetMs);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const bounds = new Promise<ProbeResult>((resolve, reject) => {
    timer = setTimeout(
      () => resolve({ ok: false, detail: `${describeProbe(health)} gave no result within ${formatDuration(limitMs)}` }),
      Math.min(limitMs + ATTEMPT_GRACE_MS, MAX_TIMER_MS),
    );
    onAbort = () => reject(request.signal.reason);
    request.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([probeOnce(request, health, limitMs), bounds]);
  } catch (error) {
    if (request.signal.aborted) throw request.signal.reason;
    if (isCidxError(error)) throw error;
    return { ok: false, detail: `${describeProbe(health)} failed: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    clearTimeout(timer);
    if (onAbort) request.signal.removeEventListener('abort', onAbort);
  }
}

function describeProbe(health: HealthConfig): string {
  if (health.http) return `http GET ${health.http.path} on port ${health.http.port}`;
  if (health.tcp) return `tcp connect on port ${health.tcp.port}`;
  if (health.command) return `command \`${health.command.join(' ')}\``;
  return 'runtime HEALTHCHECK';
}

async function waitUntilHealthy(request: HealthRequest, health: HealthConfig): Promise<HealthResult> {
  const started = Date.now();
  let last: ProbeResult = { ok: false, detail: 'not probed yet' };
  let passes = 0;
  let lastLiveness = started;

  const attempt = async () => {
    // Every attempt ends by the overall deadline too: one started late gets only what is left.
    last = await attemptOnce(request, health, health.timeout - (Date.now() - started));
    if (last.ok) {
      passes++;
      if (passes >= health.successes) return;
      throw new Error('needs more consecutive passes');
    }
    passes = 0;
    if (Date.now() - lastLiveness >= LIVENESS_EVERY_MS) {
      lastLiveness = Date.now();
      await assertStillRunning(request);
    }
    throw new Error(last.detail);
  };

  try {
    await pRetry(attempt, {
      retries: Number.POSITIVE_INFINITY,
      minTimeout: Math.min(25, health.interval),
      factor: 1.5,
      maxTimeout: health.interval,
      maxRetryTime: health.timeout,
      randomize: false,
      signal: request.signal,
      shouldRetry: ({ error }) => !isCidxError(error),
    });
  } catch (error) {
    if (isCidxError(error) || request.signal.aborted) throw error;
    await assertStillRunning(request);
    const logs = await request.runtime.logs(request.container.id, LOG_TAIL).catch(() => '');
    throw new CidxError(
      'HEALTH_TIMEOUT',
      `${request.service.name} was not healthy within ${formatDuration(health.timeout)}: ${describeProbe(health)}; last result: ${last.detail}`,
      { details: logTail(logs) },
    );
  }
  return toResult(last);
}

async function assertStillRunning(request: HealthRequest): Promise<void> {
  const [container] = await request.runtime.inspect([request.container.id]);
  if (container?.state === 'running') return;
  const logs = await request.runtime.logs(request.container.id, LOG_TAIL).catch(() => '');
  const how = !container ? 'was removed' : container.state === 'exited' ? `exited with code ${container.exitCode ?? '?'}` : `is ${container.state}`;
  throw new CidxError('SERVICE_EXITED', `${request.service.name} ${how} while cidx waited for it to become healthy`, { details: logTail(logs) });
}

function logTail(logs: string): string[] {
  const lines = logs.trimEnd().split('\n').filter((line) => line.length);
  return lines.length ? ['last log lines:', ...lines.slice(-LOG_TAIL).map((line) => `  ${line}`)] : ['(no log output)'];
}
