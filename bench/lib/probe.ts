/**
 * The floor's health wait: GET the service's probe path through its
 * published port until it answers 2xx/3xx. A tight, fixed pause keeps the
 * floor honest: no backoff, nothing cidx could not also do.
 */
import { probeHttp } from '../../plugins/health-check/probes.js';

/** Pause between attempts. */
const PAUSE_MS = 10;
/** Per-attempt timeout. */
const ATTEMPT_MS = 2_000;

/** The same GET cidx's health check makes: 2xx/3xx passes. */
const answers = async (host: string, port: number, path: string) => (await probeHttp({ host, port, path, timeoutMs: ATTEMPT_MS })).ok;

/** Resolves once `http://host:port/path` answers; rejects after `withinMs`. */
export async function waitForHttp(host: string, port: number, path: string, withinMs: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    signal.throwIfAborted();
    if (await answers(host, port, path)) return;
    if (Date.now() > deadline) throw new Error(`http://${host}:${port}${path} did not answer within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
  }
}
