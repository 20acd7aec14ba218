/**
 * Every process the benchmark starts goes through here: argument arrays to
 * execa (never a shell), one abort signal so Ctrl-C stops them all, and a
 * clock around each call. Whole-process times are what users wait for, so the
 * clock includes spawning.
 */
import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export type Runtime = 'docker' | 'podman';
export const RUNTIMES: readonly Runtime[] = ['docker', 'podman'];

/** The launcher users run: dist/bench/lib/exec.js → bin/cidx.js. */
export const CIDX_BIN = fileURLToPath(new URL('../../../bin/cidx.js', import.meta.url));

/** Aborted on SIGINT/SIGTERM: execa then kills every child it started. */
export const stopping = new AbortController();
// Every child listens on it: up to 100 at once in the scale test.
setMaxListeners(0, stopping.signal);

/** `/usr/bin/time -f %M` gives a child's peak RSS in KiB; without it, /proc is polled. */
const GNU_TIME = '/usr/bin/time';

export interface Timed {
  ms: number;
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Peak RSS in KiB, when asked for with `measureRss`. */
  peakRssKiB?: number | undefined;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Kill after this long. Default: 5 minutes. */
  timeout?: number;
  /** Record the child's peak RSS (see GNU_TIME). Default: false. */
  measureRss?: boolean;
}

/** Runs `file args`, timing the whole process; never rejects on a non-zero exit. */
export async function timed(file: string, args: string[], options: RunOptions = {}): Promise<Timed> {
  let command = file;
  let argv = args;
  let rssFile: string | undefined;
  if (options.measureRss && existsSync(GNU_TIME)) {
    rssFile = path.join(os.tmpdir(), `cidx-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
    command = GNU_TIME;
    argv = ['-f', '%M', '-o', rssFile, file, ...args];
  }
  const started = performance.now();
  const child = execa(command, argv, {
    reject: false,
    stdin: 'ignore',
    timeout: options.timeout ?? 300_000,
    cancelSignal: stopping.signal,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.env ? { env: options.env, extendEnv: false } : {}),
  });
  const polled = options.measureRss && !rssFile && child.pid ? pollPeakRss(child.pid, child) : undefined;
  const result = await child;
  const ms = performance.now() - started;
  let peakRssKiB: number | undefined = polled ? await polled : undefined;
  if (rssFile) {
    const text = await readFile(rssFile, 'utf8').catch(() => '');
    await rm(rssFile, { force: true });
    // GNU time may prefix "Command exited with non-zero status N"; the number is the last line.
    const last = text.trim().split('\n').pop() ?? '';
    peakRssKiB = /^\d+$/.test(last) ? Number(last) : undefined;
  }
  return {
    ms,
    exitCode: result.exitCode ?? -1,
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    stderr: typeof result.stderr === 'string' ? result.stderr : '',
    timedOut: Boolean(result.timedOut),
    peakRssKiB,
  };
}

/** Fallback without GNU time: VmHWM is a high-water mark, so a late read still sees the peak. */
async function pollPeakRss(pid: number, child: Promise<unknown>): Promise<number | undefined> {
  let done = false;
  void child.finally(() => (done = true));
  let peak: number | undefined;
  while (!done) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const match = /VmHWM:\s+(\d+)\s+kB/.exec(status);
    if (match) peak = Math.max(peak ?? 0, Number(match[1]));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return peak;
}

/** A runtime CLI call whose output matters; throws with stderr when it fails. */
export async function raw(runtime: Runtime | 'docker-compose', args: string[], options: RunOptions = {}): Promise<Timed> {
  const result = await timed(runtime, args, { timeout: 120_000, ...options });
  if (result.exitCode !== 0) {
    throw new Error(`\`${runtime} ${args.join(' ')}\` exited ${result.exitCode}${result.timedOut ? ' (timed out)' : ''}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result;
}

/** Environment for cidx: deterministic output, a private cache, nothing from the caller's cidx settings. */
export function cidxEnv(cacheDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^CIDX_|^FORCE_COLOR$/.test(key)) env[key] = value;
  }
  return { ...env, NO_COLOR: '1', CIDX_CACHE_DIR: cacheDir };
}

/** `node bin/cidx.js ...args` in `cwd`, timed as a whole process. */
export function cidx(args: string[], options: { cwd: string; cacheDir: string; timeout?: number; measureRss?: boolean; env?: Record<string, string> }): Promise<Timed> {
  return timed(process.execPath, [CIDX_BIN, ...args], {
    cwd: options.cwd,
    env: { ...cidxEnv(options.cacheDir), ...options.env },
    timeout: options.timeout ?? 300_000,
    measureRss: options.measureRss ?? false,
  });
}

/** Last lines of a failed call, for a one-line progress note. */
export function describeFailure(label: string, result: Timed): string {
  const tail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-3).join(' | ');
  return `${label} exited ${result.exitCode}${result.timedOut ? ' (timed out)' : ''}: ${tail}`;
}

/** Progress goes to stderr; the table is the only thing on stdout. */
export function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}
