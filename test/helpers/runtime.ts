/**
 * Direct access to the real container runtimes, for what tests check behind
 * cidx's back (labels, bindings, leftovers) and for cleanup. Every call is an
 * argument array to execa: no shell.
 */
import { constants } from 'node:fs';
import { access, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa, execaSync } from 'execa';
import { eventually } from './net.js';

export type Runtime = 'docker' | 'podman';

/** Every integration test runs once per runtime. */
export const RUNTIMES: readonly Runtime[] = Object.freeze(['docker', 'podman']);

/** Built from busybox by test/fixtures/image/build.sh; nothing can be pulled. */
export const TEST_IMAGE = process.env.CIDX_TEST_IMAGE ?? 'localhost/cidx-test:2';

const PROJECT_LABEL = 'io.cidx.project';
const CALL_TIMEOUT_MS = 60_000;

/** The parts of `container inspect` the tests read; Docker and Podman agree on these. */
export interface InspectedContainer {
  Id: string;
  Name: string;
  Config: { Labels: Record<string, string> | null };
  State: { Status: string; StartedAt: string; FinishedAt?: string; ExitCode?: number };
  NetworkSettings: {
    Ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null;
    /** Network name → attachment. */
    Networks?: Record<string, unknown> | null;
  };
}

async function call(runtime: Runtime, args: string[]): Promise<string> {
  const result = await execa(runtime, args, { reject: false, timeout: CALL_TIMEOUT_MS, stdin: 'ignore' });
  if (result.failed) throw new Error(`\`${runtime} ${args.join(' ')}\` failed: ${result.stderr || result.shortMessage}`);
  return result.stdout;
}

/**
 * Runs the runtime's CLI directly (`docker stop …`, `podman exec …`) to act
 * behind cidx's back; resolves with stdout, throws with stderr on failure.
 */
export function runtimeCli(runtime: Runtime, args: string[]): Promise<string> {
  return call(runtime, args);
}

/** An inspect timestamp as epoch milliseconds (both runtimes print RFC 3339 with nanoseconds). */
function timeMs(container: InspectedContainer, field: 'StartedAt' | 'FinishedAt'): number {
  const text = container.State[field] ?? '';
  const ms = Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
  if (Number.isNaN(ms) || text.startsWith('0001-')) throw new Error(`${container.Name}: no ${field} (${JSON.stringify(text)})`);
  return ms;
}

/** When the container last started, as epoch milliseconds. */
export const startedAtMs = (container: InspectedContainer): number => timeMs(container, 'StartedAt');

/** When the container last stopped, as epoch milliseconds; throws while it has never stopped. */
export const finishedAtMs = (container: InspectedContainer): number => timeMs(container, 'FinishedAt');

const lines = (text: string) => text.split('\n').map((line) => line.trim()).filter(Boolean);

/** Ids of every container, in any state, labelled as the project's. */
export async function projectContainerIds(runtime: Runtime, projectId: string): Promise<string[]> {
  return lines(await call(runtime, ['ps', '-a', '-q', '--no-trunc', '--filter', `label=${PROJECT_LABEL}=${projectId}`]));
}

export async function inspectContainers(runtime: Runtime, ids: string[]): Promise<InspectedContainer[]> {
  if (ids.length === 0) return [];
  return JSON.parse(await call(runtime, ['container', 'inspect', ...ids])) as InspectedContainer[];
}

/** Every container of the project, inspected. */
export async function projectContainers(runtime: Runtime, projectId: string): Promise<InspectedContainer[]> {
  return inspectContainers(runtime, await projectContainerIds(runtime, projectId));
}

/** Named volumes of the project: `cidx-<project id>-<service>.<volume>` (`…-<service>-<volume>` from earlier versions). */
export async function projectVolumes(runtime: Runtime, projectId: string): Promise<string[]> {
  const prefix = `cidx-${projectId}-`;
  // `name=` filters by substring; keep only true prefixes.
  return lines(await call(runtime, ['volume', 'ls', '-q', '--filter', `name=${prefix}`])).filter((name) => name.startsWith(prefix));
}

function isMissingBinary(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === 'ENOENT';
}

/**
 * Removes the project's containers, volumes and network from one runtime. A runtime
 * that is not installed has nothing to clean (the guard test reports it);
 * any other failure is thrown, because a leak is a bug worth seeing.
 */
export async function removeProjectResources(runtime: Runtime, projectId: string): Promise<void> {
  const run = (args: string[]) => execa(runtime, args, { reject: false, timeout: CALL_TIMEOUT_MS, stdin: 'ignore' });
  const listed = await run(['ps', '-a', '-q', '--no-trunc', '--filter', `label=${PROJECT_LABEL}=${projectId}`]);
  if (isMissingBinary(listed)) return;
  if (listed.failed) throw new Error(`${runtime}: listing containers of ${projectId} failed: ${listed.stderr || listed.shortMessage}`);
  const ids = lines(listed.stdout);
  if (ids.length) {
    const removed = await run(['rm', '-f', '-v', ...ids]);
    if (removed.failed && !/no such container|no container with name or id/i.test(removed.stderr)) {
      throw new Error(`${runtime}: removing containers of ${projectId} failed: ${removed.stderr || removed.shortMessage}`);
    }
  }
  const volumes = await projectVolumes(runtime, projectId);
  if (volumes.length) {
    const removed = await run(['volume', 'rm', '-f', ...volumes]);
    if (removed.failed) throw new Error(`${runtime}: removing volumes of ${projectId} failed: ${removed.stderr || removed.shortMessage}`);
  }
  // The project network, if any: listed first, because a failing `podman network rm` still waits for
  // Podman's network lock, and most tests use one runtime, so the other has none to remove.
  const networks = await projectNetworks(runtime, projectId);
  if (networks.length) {
    const removed = await run(['network', 'rm', ...networks]);
    if (removed.failed) throw new Error(`${runtime}: removing network of ${projectId} failed: ${removed.stderr || removed.shortMessage}`);
  }
}

/** The networks cidx made for the project (at most one), found by label. */
export async function projectNetworks(runtime: Runtime, projectId: string): Promise<string[]> {
  const { stdout } = await execa(runtime, listNetworks(projectId), { timeout: CALL_TIMEOUT_MS, stdin: 'ignore' });
  return lines(stdout);
}

function listNetworks(projectId: string): string[] {
  return ['network', 'ls', '-q', '--filter', `label=${PROJECT_LABEL}=${projectId}`];
}

/** Last resort when the worker is being killed (ava timeout, Ctrl-C): synchronous, best effort. */
export function removeProjectResourcesSync(runtime: Runtime, projectId: string): void {
  const prefix = `cidx-${projectId}-`;
  const run = (args: string[]) => execaSync(runtime, args, { reject: false, timeout: CALL_TIMEOUT_MS, stdin: 'ignore' });
  const ids = lines(String(run(['ps', '-a', '-q', '--no-trunc', '--filter', `label=${PROJECT_LABEL}=${projectId}`]).stdout ?? ''));
  if (ids.length) run(['rm', '-f', '-v', ...ids]);
  const volumes = lines(String(run(['volume', 'ls', '-q', '--filter', `name=${prefix}`]).stdout ?? '')).filter((name) => name.startsWith(prefix));
  if (volumes.length) run(['volume', 'rm', '-f', ...volumes]);
  const networks = lines(String(run(listNetworks(projectId)).stdout ?? ''));
  if (networks.length) run(['network', 'rm', ...networks]);
}

/** Absolute path of the runtime's binary on PATH. */
async function binaryPath(runtime: Runtime): Promise<string> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, runtime);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(`${runtime} is not on PATH`);
}

export interface RuntimeShim {
  /** Environment for cidx: PATH with the shim first. */
  env: Record<string, string>;
  /** Resolves once cidx has started `<runtime> run` (polled every 10 ms; rejects after `withinMs`). */
  runStarted(withinMs?: number): Promise<void>;
  /**
   * When the first `<runtime> run` returned (epoch ms), or undefined while it
   * is still in flight. Only with `interruptFirstRunAfter` or `delayFirstRun`.
   */
  runFinishedAt(): Promise<number | undefined>;
  /** Resolves once the first `<runtime> run` has returned (rejects after `withinMs`). */
  runFinished(withinMs?: number): Promise<void>;
  /** Whether cidx has begun the call `firstCall` watches. */
  calledFirst(): Promise<boolean>;
  /** With `engineGoneAfterFirstRun`: the calls answered as by a dead engine, one argv (space-joined) each. */
  goneCalls(): Promise<string[]>;
}

export interface RuntimeShimOptions {
  /**
   * Plays the terminal's Ctrl-C: this many seconds after cidx's first
   * `<runtime> run` starts, SIGINT goes to cidx's whole process group (start
   * cidx with `processGroup: true`, as a shell starts a job). Sent from the
   * shim, so a busy test process cannot make it late. Default: no signal.
   */
  interruptFirstRunAfter?: number;
  /** The first `<runtime> run` waits this many seconds before reaching the engine: plays a slow pull. */
  delayFirstRun?: number;
  /**
   * `network create` fails with this message on stderr (exit 1) instead of
   * reaching the engine: plays an engine that has no address pool left,
   * which cannot be arranged for one test without breaking its neighbours.
   */
  failNetworkCreate?: string;
  /** Like `failNetworkCreate`, but only the first `network create` fails: a transient engine error. */
  failFirstNetworkCreate?: string;
  /**
   * Acts on the first call of one subcommand (`create`, `stop`, `start`, …;
   * the CLI's first argument): `interrupt` sends SIGINT to cidx's process
   * group as the call begins (as `interruptFirstRunAfter` does), `delay`
   * holds the call this many seconds before it reaches the engine.
   * `calledFirst` tells when it began. Later calls pass straight through.
   */
  firstCall?: { command: string; interrupt?: boolean; delay?: number };
  /**
   * Once the first `<runtime> run` has returned, every further call prints
   * this on stderr and exits with `engineGoneExitCode` instead of reaching
   * the engine: plays a daemon that died mid-apply, which cannot be arranged
   * for one test without breaking its neighbours. Each such call appends its
   * arguments as one line to `goneCallsFile`.
   */
  engineGoneAfterFirstRun?: string;
  /** Exit status of the calls `engineGoneAfterFirstRun` answers. Default: 1. */
  engineGoneExitCode?: number;
}

/**
 * A `docker`/`podman` in `dir` that drops a marker file when called with
 * `run`, then passes the call to the real binary. Every call but the first
 * `run` execs it (same pid, same process group). The first `run`, when it is
 * to be interrupted or delayed, is run as a child instead, so the shim can
 * mark when it returned: a test can then tell waiting for it from dawdling.
 */
export async function runtimeShim(runtime: Runtime, dir: string, options: RuntimeShimOptions = {}): Promise<RuntimeShim> {
  const real = await binaryPath(runtime);
  const marker = path.join(dir, `${runtime}-run-started`);
  const finished = path.join(dir, `${runtime}-run-finished`);
  // A terminal signals the foreground job's process group: the one cidx (the shim's parent) leads,
  // which holds the shim too unless cidx runs its CLIs in groups of their own.
  const interrupt = options.interruptFirstRunAfter === undefined ? [] : [`  (sleep ${options.interruptFirstRunAfter}; kill -INT -"$(ps -o pgid= -p "$PPID" | tr -d ' ')") &`];
  const delay = options.delayFirstRun === undefined ? [] : [`  sleep ${options.delayFirstRun}`];
  const gone = path.join(dir, `${runtime}-engine-gone`);
  const goneCalls = path.join(dir, `${runtime}-gone-calls`);
  const goneAfter = options.engineGoneAfterFirstRun;
  const markGone = goneAfter === undefined ? [] : [`  : > '${gone}'`];
  const watched = interrupt.length > 0 || delay.length > 0 || goneAfter !== undefined;
  const firstRun = watched ? [...interrupt, ...delay, `  '${real}' "$@"`, '  status=$?', ...markGone, `  : > '${finished}'`, '  exit $status'] : [];
  const answerGone =
    goneAfter === undefined
      ? []
      : [
          `if [ -e '${gone}' ]; then`,
          `  printf '%s\n' "$*" >> '${goneCalls}'`,
          `  printf '%s' '${goneAfter.replace(/'/g, `'\\''`)}' >&2`,
          `  exit ${options.engineGoneExitCode ?? 1}`,
          'fi',
        ];
  const networkFailure = options.failNetworkCreate ?? options.failFirstNetworkCreate;
  const failedOnce = path.join(dir, `${runtime}-network-create-failed`);
  const onlyOnce = options.failNetworkCreate === undefined ? ` && [ ! -e '${failedOnce}' ]` : '';
  const failNetwork =
    networkFailure === undefined
      ? []
      : [`if [ "$1" = network ] && [ "$2" = create ]${onlyOnce}; then`, `  : > '${failedOnce}'`, `  printf '%s\\n' '${networkFailure.replace(/'/g, `'\\''`)}' >&2`, '  exit 1', 'fi'];
  const watchedCall = path.join(dir, `${runtime}-first-call-started`);
  const firstCall = options.firstCall;
  const onFirstCall =
    firstCall === undefined
      ? []
      : [
          `if [ "$1" = '${firstCall.command}' ] && [ ! -e '${watchedCall}' ]; then`,
          `  : > '${watchedCall}'`,
          ...(firstCall.interrupt ? [`  kill -INT -"$(ps -o pgid= -p "$PPID" | tr -d ' ')"`] : []),
          ...(firstCall.delay === undefined ? [] : [`  sleep ${firstCall.delay}`]),
          'fi',
        ];
  const script = ['#!/bin/sh', ...answerGone, ...failNetwork, ...onFirstCall, `if [ "$1" = run ] && [ ! -e '${marker}' ]; then`, `  : > '${marker}'`, ...firstRun, 'fi', `exec '${real}' "$@"`, ''].join('\n');
  await writeFile(path.join(dir, runtime), script, { mode: 0o755 });
  const waitFor = (file: string, what: string, withinMs: number) =>
    eventually(() => access(file).catch(() => Promise.reject(new Error(`${what} within ${withinMs} ms`))), withinMs, 10);
  return {
    env: { PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}` },
    runStarted: (withinMs = 60_000) => waitFor(marker, `cidx did not call \`${runtime} run\``, withinMs),
    runFinished: (withinMs = 60_000) => waitFor(finished, `the first \`${runtime} run\` did not return`, withinMs),
    calledFirst: () => access(watchedCall).then(() => true, () => false),
    async goneCalls() {
      const text = await readFile(goneCalls, 'utf8').catch(() => '');
      return text.split('\n').filter(Boolean);
    },
    async runFinishedAt() {
      if (!watched) throw new Error('runFinishedAt needs interruptFirstRunAfter, delayFirstRun or engineGoneAfterFirstRun');
      return (await stat(finished).catch(() => undefined))?.mtimeMs;
    },
  };
}
