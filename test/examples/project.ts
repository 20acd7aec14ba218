/**
 * Fixtures for the examples' tests: a throwaway project directory with its
 * own cache dir, the real `cidx` binary run in it, and a teardown that removes
 * every container and volume of the project from the runtime, even when the
 * test failed half-way.
 *
 * The examples are not compiled (tsconfig excludes examples/): tests load them
 * from the repo as they are, the way a user's config would.
 */
import { mkdtemp, realpath, rm, writeFile, mkdir } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ExecutionContext } from 'ava';
import { execa } from 'execa';
import { projectId, type ProjectReport } from '../../core/index.js';

export type Runtime = 'docker' | 'podman';
export const RUNTIMES: readonly Runtime[] = ['docker', 'podman'];
export const TEST_IMAGE = process.env.CIDX_TEST_IMAGE ?? 'localhost/cidx-test:2';

/** This file runs as dist/test/examples/project.js: the repo is three levels up. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = path.join(REPO_ROOT, 'bin', 'cidx.js');

/** `import()` of a file in the repo, e.g. 'examples/plugins/pin-labels.mjs'. */
export async function importFromRepo<T>(relative: string): Promise<T> {
  return (await import(pathToFileURL(path.join(REPO_ROOT, relative)).href)) as T;
}

/** A file URL for generated configs to import an example by: works from any directory. */
export function repoFileUrl(relative: string): string {
  return pathToFileURL(path.join(REPO_ROOT, relative)).href;
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface TempProject {
  /** The project directory (real path: the project id is a hash of it). */
  dir: string;
  id: string;
  runtime: Runtime;
  /** Runs `node bin/cidx.js <args> --runtime <runtime>` in `dir`, with the project's own cache dir. */
  cidx(args: string[], cwd?: string): Promise<CliResult>;
  /** `apply --json`, parsed; fails the test with cidx's stderr when it does not exit 0. */
  apply(): Promise<ProjectReport>;
}

/**
 * A project directory holding `files` (path → content, `cidx.config.ts`
 * among them), torn down after the test: `cidx down --volumes`, then the
 * runtime's own rm of anything still labelled with the project's id.
 */
export async function tempProject(t: ExecutionContext, runtime: Runtime, files: Record<string, string>): Promise<TempProject> {
  const base = await realpath(await mkdtemp(path.join(os.tmpdir(), 'cidx-example-')));
  const cacheDir = path.join(base, '.cache');
  const dir = path.join(base, 'project');
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  const configDir = path.dirname(path.join(dir, Object.keys(files).find((name) => name.endsWith('cidx.config.ts')) ?? 'cidx.config.ts'));

  const cidx = async (args: string[], cwd = configDir): Promise<CliResult> => {
    const result = await execa('node', [CLI, ...args, '--runtime', runtime], {
      cwd,
      env: { CIDX_CACHE_DIR: cacheDir, NO_COLOR: '1' },
      reject: false,
      timeout: 120_000,
      stdin: 'ignore',
    });
    return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
  };

  t.teardown(async () => {
    await cidx(['down', '--volumes']).catch(() => undefined);
    await removeByLabel(runtime, projectId(configDir));
    await rm(base, { recursive: true, force: true });
  });

  return {
    dir: configDir,
    id: projectId(configDir),
    runtime,
    cidx,
    async apply() {
      const result = await cidx(['apply', '--json']);
      if (result.exitCode !== 0) t.fail(`cidx apply exited ${result.exitCode}:\n${result.stderr}`);
      return JSON.parse(result.stdout) as ProjectReport;
    },
  };
}

/** Removes containers and volumes of a project behind cidx's back: the last line of cleanup. */
export async function removeByLabel(runtime: Runtime, id: string): Promise<void> {
  const listed = await execa(runtime, ['ps', '-a', '-q', '--filter', `label=io.cidx.project=${id}`], { reject: false });
  const ids = String(listed.stdout).split('\n').filter(Boolean);
  if (ids.length) await execa(runtime, ['rm', '-f', '-v', ...ids], { reject: false });
  const volumes = await execa(runtime, ['volume', 'ls', '-q', '--filter', `name=cidx-${id}-`], { reject: false });
  const names = String(volumes.stdout).split('\n').filter((name) => name.startsWith(`cidx-${id}-`));
  if (names.length) await execa(runtime, ['volume', 'rm', '-f', ...names], { reject: false });
}

/** Labels of a container, read from the runtime itself rather than from cidx. */
export async function containerLabels(runtime: Runtime, name: string): Promise<Record<string, string>> {
  const { stdout } = await execa(runtime, ['container', 'inspect', '--format', '{{json .Config.Labels}}', name]);
  return JSON.parse(stdout) as Record<string, string>;
}

/** Names of the project's containers, from the runtime. */
export async function containerNames(runtime: Runtime, id: string): Promise<string[]> {
  const { stdout } = await execa(runtime, ['ps', '-a', '--filter', `label=io.cidx.project=${id}`, '--format', '{{.Names}}']);
  return stdout.split('\n').filter(Boolean).sort();
}

/** One GET; resolves with the status code. */
export function httpStatus(url: string, timeoutMs = 5_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url}: no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

const claimed = new Set<number>();

/**
 * A host port that is free now, from 20000-29999: below the kernel's
 * ephemeral range, so runtime-chosen ports of concurrent tests never take it.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    if (claimed.has(port)) continue;
    if ((await canListen(port, '127.0.0.1')) && (await canListen(port, '0.0.0.0'))) {
      claimed.add(port);
      return port;
    }
  }
}

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
