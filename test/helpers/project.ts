/**
 * A throwaway cidx project: a temp directory with a config, a private cache,
 * and `cidx()` to run the real CLI binary in it. As in got's test helpers,
 * `withProject` is an ava macro that sets the project up, hands it to the
 * test, and removes it (containers, volumes, files) in `finally`, whether the
 * test passed or not.
 *
 *   test('apply starts the service', withProject, config, async (t, project) => {
 *     const result = await project.cidx(['apply', '--json']);
 *   });
 */
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test, { type ExecutionContext } from 'ava';
import { execa } from 'execa';
import type { ProjectReport } from '../../core/model.js';
import { projectId } from '../../core/project.js';
import { RUNTIMES, removeProjectResources, removeProjectResourcesSync } from './runtime.js';

/** The launcher users run; tests never call into the CLI module directly. */
export const CIDX_BIN = fileURLToPath(new URL('../../../bin/cidx.js', import.meta.url));

/** Config file text, or an object written as `export default {...}`. */
export type ConfigSource = string | Record<string, unknown>;

export interface ProjectOptions {
  /** Directory name, which is also the project's default name. Default: 'app'. */
  name?: string;
  /** Config file name. Default: 'cidx.config.ts'. */
  configFile?: string;
}

export interface CidxOptions {
  /** Extra environment for this call; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Kill the CLI after this long. Default: 120 s. */
  timeout?: number;
  /** Working directory. Default: the project root (e.g. a config-less dir for `prune`). */
  cwd?: string;
  /**
   * Run cidx as the leader of its own process group, as a shell runs a
   * foreground job, so `killGroup` reaches it and the docker/podman CLIs it
   * spawned at once, like Ctrl-C in a terminal. Default: false.
   */
  processGroup?: boolean;
}

/** A cidx process still running: for signals and for starting several at once. */
export interface CidxProcess {
  pid: number;
  /** Sends `signal` to the cidx process itself (not a process group). */
  kill(signal: NodeJS.Signals): boolean;
  /** Sends `signal` to cidx's whole process group (needs `processGroup: true`), as Ctrl-C in a terminal does. */
  killGroup(signal: NodeJS.Signals): void;
  /**
   * Resolves with `performance.now()` at the moment cidx printed a stderr
   * line matching `pattern` (progress such as "slow: waiting for health"), so
   * a test can act, or start a clock, at a known phase. Rejects if cidx ends first.
   */
  stderrLine(pattern: RegExp): Promise<number>;
  /** Settles when the process ends; never rejects on a non-zero exit or a signal. */
  result: Promise<CidxRun>;
}

export interface CidxRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON; throws with both streams when it is not JSON. */
  json<T = ProjectReport>(): T;
  /** Exit code and both streams, for assertion messages. */
  describe(): string;
}

export interface TestProject {
  /** Absolute, symlink-free project root (where the config lives). */
  root: string;
  /** The id cidx derives from `root`: containers are `cidx-<id>-<service>`. */
  id: string;
  configFile: string;
  /** Private cache dir (CIDX_CACHE_DIR), outside `root`. */
  cacheDir: string;
  /** Runs `node bin/cidx.js ...args` in `root`; never rejects on a non-zero exit. */
  cidx(args: string[], options?: CidxOptions): Promise<CidxRun>;
  /** Starts `node bin/cidx.js ...args` like `cidx()` and returns at once, with the process. */
  spawn(args: string[], options?: CidxOptions): CidxProcess;
  /** Replaces the config file's content. */
  writeConfig(config: ConfigSource): Promise<void>;
  /** Removes containers and volumes on every runtime, then the files. Safe to call twice. */
  cleanup(): Promise<void>;
}

export function configText(config: ConfigSource): string {
  return typeof config === 'string' ? config : `export default ${JSON.stringify(config, null, 2)};\n`;
}

/** Projects not yet cleaned up, for the signal handler below. */
const live = new Map<string, TestProject>();

/**
 * Some endings skip every `finally`: ava kills a worker with SIGTERM on a
 * timeout, and a test whose promise never settles ends with the process. Remove
 * what the unfinished tests created, synchronously, before the worker dies.
 */
function cleanupLiveProjectsSync(): void {
  for (const project of live.values()) {
    for (const runtime of RUNTIMES) {
      try {
        removeProjectResourcesSync(runtime, project.id);
      } catch {
        // best effort: the process is going away
      }
    }
    rmSync(path.dirname(project.root), { recursive: true, force: true });
  }
  live.clear();
}
function cleanupOnSignal(signal: NodeJS.Signals): void {
  cleanupLiveProjectsSync();
  process.off('SIGTERM', cleanupOnSignal);
  process.off('SIGINT', cleanupOnSignal);
  process.kill(process.pid, signal);
}
process.once('SIGTERM', cleanupOnSignal);
process.once('SIGINT', cleanupOnSignal);
process.once('exit', cleanupLiveProjectsSync);

export async function createProject(config: ConfigSource, options: ProjectOptions = {}): Promise<TestProject> {
  // realpath: cidx hashes the resolved root, and os.tmpdir() may be a symlink (macOS).
  const base = await realpath(await mkdtemp(path.join(os.tmpdir(), 'cidx-it-')));
  const root = path.join(base, options.name ?? 'app');
  const cacheDir = path.join(base, 'cache');
  await mkdir(root);
  await mkdir(cacheDir);
  const configFile = path.join(root, options.configFile ?? 'cidx.config.ts');
  await writeFile(configFile, configText(config));
  const id = projectId(root);

  let cleaning: Promise<void> | undefined;
  const project: TestProject = {
    root,
    id,
    configFile,
    cacheDir,
    cidx(args, callOptions = {}) {
      return project.spawn(args, callOptions).result;
    },
    spawn(args, callOptions = {}) {
      const env: Record<string, string> = {};
      for (const [key, value] of Object.entries({
        ...process.env,
        // Deterministic output whatever the developer's shell says.
        CIDX_RUNTIME: undefined,
        CIDX_DEBUG: undefined,
        FORCE_COLOR: undefined,
        NO_COLOR: '1',
        CIDX_CACHE_DIR: cacheDir,
        ...callOptions.env,
      })) {
        if (value !== undefined) env[key] = value;
      }
      const child = execa(process.execPath, [CIDX_BIN, ...args], {
        cwd: callOptions.cwd ?? root,
        env,
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
        timeout: callOptions.timeout ?? 120_000,
        detached: callOptions.processGroup ?? false,
      });
      // Line watchers: a pattern and what to call when a stderr line matches it.
      const watchers = new Set<{ pattern: RegExp; resolve: (at: number) => void }>();
      const seen: Array<{ line: string; at: number }> = [];
      let partial = '';
      child.stderr?.on('data', (chunk: Buffer | string) => {
        const at = performance.now();
        const parts = (partial + String(chunk)).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) {
          seen.push({ line, at });
          for (const watcher of watchers) {
            if (watcher.pattern.test(line)) {
              watchers.delete(watcher);
              watcher.resolve(at);
            }
          }
        }
      });
      const result = child.then((outcome): CidxRun => {
        const stdout = String(outcome.stdout ?? '');
        const stderr = String(outcome.stderr ?? '');
        const exitCode = outcome.exitCode ?? -1;
        const ending = outcome.timedOut ? ' (timed out)' : outcome.signal ? ` (killed by ${outcome.signal})` : '';
        const describe = () => `\`cidx ${args.join(' ')}\` exited ${exitCode}${ending}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`;
        return {
          exitCode,
          stdout,
          stderr,
          describe,
          json<T>() {
            try {
              return JSON.parse(stdout) as T;
            } catch {
              throw new Error(`stdout is not JSON: ${describe()}`);
            }
          },
        };
      });
      return {
        pid: child.pid ?? -1,
        kill: (signal) => child.kill(signal),
        killGroup(signal) {
          if (!callOptions.processGroup || child.pid === undefined) throw new Error('killGroup needs cidx started with { processGroup: true }');
          process.kill(-child.pid, signal);
        },
        stderrLine(pattern) {
          const earlier = seen.find(({ line }) => pattern.test(line));
          if (earlier) return Promise.resolve(earlier.at);
          return new Promise<number>((resolve, reject) => {
            const watcher = { pattern, resolve };
            watchers.add(watcher);
            void result.then((run) => {
              if (watchers.delete(watcher)) reject(new Error(`cidx ended without printing a line matching ${pattern}: ${run.describe()}`));
            });
          });
        },
        result,
      };
    },
    async writeConfig(next) {
      await writeFile(configFile, configText(next));
    },
    cleanup() {
      cleaning ??= (async () => {
        try {
          // Both runtimes, whichever the test used: a test may have touched either.
          const results = await Promise.allSettled(RUNTIMES.map((runtime) => removeProjectResources(runtime, id)));
          const failures = results.flatMap((outcome) => (outcome.status === 'rejected' ? [String(outcome.reason)] : []));
          if (failures.length) throw new Error(`cleanup of project ${id} left resources behind:\n${failures.join('\n')}`);
        } finally {
          live.delete(id);
          await rm(base, { recursive: true, force: true });
        }
      })();
      return cleaning;
    },
  };
  live.set(id, project);
  return project;
}

export type ProjectImplementation = (t: ExecutionContext, project: TestProject) => Promise<void>;

/**
 * How many `withProject` tests one worker runs at once. ava starts every test
 * of a file together; unbounded, a file's twenty-odd tests queue up inside
 * the engines, whose network and port set-up is serialised (a `docker network
 * create` took 18 s, against 70 ms alone). Then a bound on how soon cidx acts
 * measures the test suite's own load, not cidx. Override: CIDX_TEST_AT_ONCE.
 */
const AT_ONCE = Math.max(1, Number(process.env.CIDX_TEST_AT_ONCE) || 3);
let running = 0;
const queued: Array<() => void> = [];

async function takeSlot(): Promise<() => void> {
  if (running >= AT_ONCE) await new Promise<void>((resolve) => queued.push(resolve));
  running++;
  return () => {
    running--;
    queued.shift()?.();
  };
}

/** ava macro: `test(title, withProject, config, async (t, project) => {...})`. */
export const withProject = test.macro(async (t, config: ConfigSource, implementation: ProjectImplementation) => {
  const release = await takeSlot();
  try {
    const project = await createProject(config);
    try {
      await implementation(t, project);
    } finally {
      await project.cleanup();
    }
  } finally {
    release();
  }
});
