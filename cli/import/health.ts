/**
 * Compose `healthcheck` → a cidx `health` probe. CMD and CMD-SHELL tests run
 * inside the container as a `command` probe; a plain curl/wget of a
 * published port becomes an `http` probe, which cidx runs from the host and
 * which needs no curl in the image.
 */
import { interpolate } from './interpolate.js';
import type { Value } from './model.js';
import { splitWords } from './words.js';

/** Compose durations: '1m30s', '10s', '500ms'; undefined when unreadable. */
export function composeDurationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return value / 1e6; // Compose reads a bare number as nanoseconds
  if (typeof value !== 'string') return undefined;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 1e-3, µs: 1e-3, ns: 1e-6 };
  let total = 0;
  let rest = value.trim();
  if (!rest) return undefined;
  while (rest) {
    const match = /^(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/.exec(rest);
    if (!match) return undefined;
    total += Number(match[1]) * units[match[2]!]!;
    rest = rest.slice(match[0].length);
  }
  return total;
}

/**
 * What apply should wait for: Compose marks a service unhealthy after start_period plus `retries`
 * failed probes, one per interval. A probe's own timeout is left out: a check that answers at once
 * (the usual case while a server starts) fails in milliseconds, not after its timeout.
 */
function waitMs(check: Record<string, unknown>): number {
  const interval = composeDurationMs(check.interval) ?? 30_000;
  const retries = typeof check.retries === 'number' ? check.retries : 3;
  const start = composeDurationMs(check.start_period) ?? 0;
  return start + retries * interval;
}

/** `http://localhost:8080/health` in a curl or wget command that does nothing else; undefined otherwise. */
export function httpCheck(argv: string[], self = 'localhost'): { port: number; path: string } | undefined {
  let body = argv;
  const or = body.indexOf('||');
  if (or !== -1) {
    // `curl -f http://… || exit 1` is the usual spelling of "fail when the request fails".
    if (!['exit', 'exit 1'].includes(body.slice(or + 1).join(' '))) return undefined;
    body = body.slice(0, or);
  }
  const tool = body[0]?.split('/').pop();
  if (tool !== 'curl' && tool !== 'wget') return undefined;
  if (body.some((word) => /^[|&;<>`$]/.test(word) || word === '-X' || word === '--request' || /^(-d|--data|-u|--user|-H|--header|--post)/.test(word))) return undefined;
  const urls = body.filter((word) => /^https?:\/\//.test(word));
  if (urls.length !== 1) return undefined;
  const match = /^http:\/\/([^/:]+|\[::1\])(?::(\d+))?(\/[^\s#]*)?$/.exec(urls[0]!);
  // The container itself, by loopback or by its own service name: the same server a host probe reaches.
  if (!match || !['localhost', '127.0.0.1', '0.0.0.0', '[::1]', self].includes(match[1]!)) return undefined;
  return { port: match[2] ? Number(match[2]) : 80, path: match[3] ?? '/' };
}

export type HealthResult = { health?: Value; error?: string };

/**
 * The probe for a Compose healthcheck. `portNameOf` names a declared
 * container port (undefined when the service does not publish it: then an
 * HTTP check stays a command run inside the container).
 */
export function convertHealth(check: Record<string, unknown>, portNameOf: (port: number) => string | undefined, self?: string): HealthResult {
  if (check.disable === true) return { health: false };
  const test = check.test;
  if (test === undefined) return {}; // `disable: false` or only timings: the image's HEALTHCHECK, which cidx does not wait for
  let argv: string[];
  let shell: string | undefined;
  if (typeof test === 'string') shell = test;
  else if (Array.isArray(test) && test.length > 0) {
    const [kind, ...rest] = test.map(String);
    if (kind === 'NONE') return { health: false };
    if (kind === 'CMD-SHELL') shell = rest.join(' ');
    else if (kind === 'CMD') argv = rest;
    else return { error: `test starts with ${JSON.stringify(kind)}, not CMD, CMD-SHELL or NONE` };
  } else return { error: 'test is neither a string nor a list' };
  argv = shell === undefined ? argv! : splitWords(shell);
  if (argv.length === 0) return { error: 'test has no command' };

  // Only timings the file sets say something: with none, cidx's own default (60 s) beats Compose's 3 minutes of 30 s polls.
  const timed = ['interval', 'timeout', 'retries', 'start_period'].some((key) => check[key] !== undefined);
  const timeout = timed ? waitMs(check) : 0;
  // cidx waits 60 s by default; say more only when Compose would have waited longer.
  const seconds = Math.ceil(timeout / 1000);
  const timing: Record<string, Value> = timeout > 60_000 ? { timeout: seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s` } : {};
  const http = httpCheck(argv, self);
  const name = http && portNameOf(http.port);
  if (http && name) return { health: { http: http.path === '/' ? { port: name } : { port: name, path: http.path }, ...timing } };
  const command = shell === undefined ? argv.map((word) => interpolate(word)) : ['sh', '-c', interpolate(shell)];
  return { health: { command, ...timing } };
}
