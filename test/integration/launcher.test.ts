/**
 * The launcher (cli/launch.ts) compiles the bundled CLI with a V8 code cache
 * kept in the user's cache dir. The cache may only ever cost speed: these
 * tests run the real binary with a private cache dir and check that the cache
 * is written once per command and reused, that a damaged or unwritable cache
 * changes nothing a user sees, and that JavaScript configs (which the bundle
 * imports through the launcher) load.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { createProject, withProject, type TestProject } from '../helpers/project.js';

const VERSION = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')).version as string;

async function cacheFiles(project: TestProject): Promise<string[]> {
  const codeDir = path.join(project.cacheDir, 'code');
  const builds = await readdir(codeDir).catch(() => [] as string[]);
  const files = await Promise.all(builds.map(async (build) => (await readdir(path.join(codeDir, build))).map((file) => path.join(codeDir, build, file))));
  return files.flat().sort();
}

test('a command writes its code cache once and later runs reuse it', withProject, { services: {} }, async (t, project) => {
  t.deepEqual(await cacheFiles(project), []);
  const first = await project.cidx(['--version']);
  t.is(first.stdout, VERSION, first.describe());
  const [file, ...others] = await cacheFiles(project);
  t.deepEqual(others, []);
  t.regex(file!, /code\/[0-9a-f]{16}\/-\.v8$/);
  t.true((await stat(file!)).size > 1000, 'holds compiled code');

  const written = (await stat(file!)).mtimeMs;
  const second = await project.cidx(['--version']);
  t.is(second.stdout, VERSION, second.describe());
  t.is((await stat(file!)).mtimeMs, written, 'accepted by V8, so not written again');

  const help = await project.cidx(['help', 'apply']);
  t.is(help.exitCode, 0, help.describe());
  t.is((await cacheFiles(project)).length, 2, 'help for a command is its own entry: `help`');
});

test('a damaged code cache is replaced and the command works as if it were not there', withProject, { services: {} }, async (t, project) => {
  await project.cidx(['--version']);
  const [file] = await cacheFiles(project);
  const garbage = Buffer.alloc(4096, 0x5a);
  await writeFile(file!, garbage);

  const run = await project.cidx(['--version']);
  t.is(run.exitCode, 0, run.describe());
  t.is(run.stdout, VERSION);
  t.is(run.stderr, '');
  t.false((await readFile(file!)).equals(garbage), 'V8 rejected it, so the launcher wrote a fresh one');
});

test('a cache dir that cannot be written costs speed, not the command', async (t) => {
  const project = await createProject({ services: {} });
  try {
    // A path below a regular file: mkdir fails with ENOTDIR, even for root.
    const blocker = path.join(project.cacheDir, 'not-a-dir');
    await writeFile(blocker, '');
    const run = await project.cidx(['--version'], { env: { CIDX_CACHE_DIR: path.join(blocker, 'cache') } });
    t.is(run.exitCode, 0, run.describe());
    t.is(run.stdout, VERSION);
    t.is(run.stderr, '');
  } finally {
    await project.cleanup();
  }
});

const jsConfigs: Array<[string, string]> = [
  ['cidx.config.mjs', "export default { services: { web: { image: 'localhost/cidx-test:2', ports: { http: 8080 } } } };\n"],
  ['cidx.config.cjs', "module.exports = { services: { web: { image: 'localhost/cidx-test:2', ports: { http: 8080 } } } };\n"],
  ['cidx.config.js', "export default { services: { web: { image: 'localhost/cidx-test:2', ports: { http: 8080 } } } };\n"],
];

for (const [file, text] of jsConfigs) {
  test(`a ${path.extname(file)} config loads through the bundled CLI`, async (t) => {
    const project = await createProject(text, { configFile: file });
    try {
      // plan only observes: the runtime is asked what exists, nothing is created.
      const run = await project.cidx(['plan', '--json', '--runtime', 'docker']);
      t.is(run.exitCode, 0, run.describe());
      const steps = run.json<{ steps: Array<{ service: string; op: string }> }>().steps;
      t.deepEqual(steps.map((step) => [step.service, step.op]), [['web', 'create']]);
    } finally {
      await project.cleanup();
    }
  });
}
