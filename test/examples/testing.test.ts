/**
 * The test-runner examples (examples/testing/) work as their docs say: each
 * runner, started as a user would, brings its stack up with `up()`, passes
 * its one test (a real HTTP request to the service), and takes the stack
 * down, on the runtime CIDX_RUNTIME names. They run from the repo as they are
 * (each example's project is its own directory), with a private cache dir.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { execa } from 'execa';
import { projectId } from '../../core/project.js';
import { projectContainerIds, removeProjectResources, RUNTIMES } from '../helpers/runtime.js';
import { REPO_ROOT } from './project.js';

const vitestCli = path.join(path.dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

interface Example {
  name: string;
  /** Arguments to `node`, run in the example's directory. */
  command: string[];
  /** What the runner prints when exactly one test ran and passed. */
  passed: RegExp;
}

const EXAMPLES: Example[] = [
  { name: 'node-test', command: ['run.mjs'], passed: /^ℹ pass 1$[\s\S]*^ℹ fail 0$/m },
  { name: 'ava', command: ['run.mjs'], passed: /^\s*1 test passed$/m },
  // --no-cache: vitest's results cache would otherwise land in the repo, under examples/testing/vitest/node_modules.
  { name: 'vitest', command: [vitestCli, 'run', '--no-cache'], passed: /^\s*Tests\s+1 passed \(1\)$/m },
];

// Serial: each run starts a test runner and a container, and the machine is shared.
for (const runtime of RUNTIMES) {
  for (const example of EXAMPLES) {
    test.serial(`${runtime}: the ${example.name} example's runner passes its test against the stack, then leaves no container behind`, async (t) => {
      const dir = path.join(REPO_ROOT, 'examples', 'testing', example.name);
      const id = projectId(dir);
      const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'cidx-example-testing-'));
      t.teardown(async () => {
        await removeProjectResources(runtime, id);
        await rm(cacheDir, { recursive: true, force: true });
      });

      const env: Record<string, string | undefined> = { ...process.env, CIDX_RUNTIME: runtime, CIDX_CACHE_DIR: cacheDir, NO_COLOR: '1', FORCE_COLOR: '0', CI: '1' };
      const run = await execa(process.execPath, example.command, { cwd: dir, env, extendEnv: false, reject: false, timeout: 120_000, stdin: 'ignore', all: true });
      const output = String(run.all ?? '');
      t.is(run.exitCode, 0, output);
      t.regex(output, example.passed);

      // The port cache names the runtime that published the ports: the stack ran where CIDX_RUNTIME said.
      // One file per (project, engine): `<id>@<engine key>.json`.
      const files = (await readdir(path.join(cacheDir, 'ports'))).filter((name) => name.startsWith(`${id}@`) && name.endsWith('.json'));
      t.is(files.length, 1, files.join(', '));
      const ports = JSON.parse(await readFile(path.join(cacheDir, 'ports', files[0]!), 'utf8')) as { services: Record<string, Record<string, { runtime?: string }>> };
      t.is(ports.services.web?.http?.runtime, runtime);
      t.deepEqual(await projectContainerIds(runtime, id), [], 'the teardown removed the stack');
    });
  }
}
