/**
 * What cidx leaves on disk: no secret (env or health-header value) in any
 * file, every cache file private to the user, nothing deleted that cidx did
 * not write, and no cache used that someone else could have written.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { createProject, withProject, type TestProject } from '../helpers/project.js';
import { RUNTIMES, TEST_IMAGE } from '../helpers/runtime.js';

const VERSION = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')).version as string;
const OLD = new Date(Date.now() - 30 * 24 * 3600 * 1000);

/** Every file and directory below `dir`, with its mode. */
async function walk(dir: string): Promise<Array<{ file: string; dir: boolean; mode: number }>> {
  const found: Array<{ file: string; dir: boolean; mode: number }> = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    const mode = (await stat(file)).mode & 0o7777;
    found.push({ file, dir: entry.isDirectory(), mode });
    if (entry.isDirectory()) found.push(...(await walk(file)));
  }
  return found;
}

async function withCacheProject(run: (project: TestProject) => Promise<void>): Promise<void> {
  const project = await createProject({ services: {} });
  try {
    await run(project);
  } finally {
    await project.cleanup();
  }
}

const secretEnv = `env-${randomBytes(8).toString('hex')}`;
const secretHeader = `hdr-${randomBytes(8).toString('hex')}`;
const SECRET_CONFIG = [
  "import { defineConfig } from 'cidx';",
  '',
  'export default defineConfig({',
  '  services: {',
  '    web: {',
  `      image: '${TEST_IMAGE}',`,
  '      ports: { http: 8080 },',
  `      env: { HTTP_PORTS: '8080', API_TOKEN: '${secretEnv}' },`,
  `      health: { http: { port: 'http', path: '/', headers: { 'X-Api-Key': '${secretHeader}' } }, timeout: '30s' },`,
  '    },',
  '  },',
  '});',
  '',
].join('\n');

for (const runtime of RUNTIMES) {
  test(`${runtime}: env and header values reach no file of cidx's, and every cache file is 0600 in 0700 directories`, withProject, SECRET_CONFIG, async (t, project) => {
    for (const args of [['apply', '--json'], ['status'], ['port', 'web', 'http'], ['env'], ['apply']]) {
      const run = await project.cidx([...args, '--runtime', runtime]);
      t.is(run.exitCode, 0, run.describe());
    }
    const cached = await walk(project.cacheDir);
    t.true(cached.some((entry) => entry.file.includes(`${path.sep}validated${path.sep}`)), 'the validated-config cache was written');
    t.true(cached.some((entry) => entry.file.includes(`${path.sep}ports${path.sep}`)), 'the port cache was written');
    for (const entry of [...cached, ...(await walk(project.root))]) {
      if (entry.dir || entry.file === project.configFile) continue; // the user's own file holds them, of course
      const text = (await readFile(entry.file)).toString('latin1');
      t.false(text.includes(secretEnv) || text.includes(secretHeader), `${entry.file} holds a secret`);
    }
    t.is((await stat(project.cacheDir)).mode & 0o777, 0o700, 'the cache root, adopted while empty');
    for (const entry of cached) t.is(entry.mode, entry.dir ? 0o700 : 0o600, `${entry.file} is ${entry.mode.toString(8)}`);
    t.deepEqual(await readdir(project.root), ['cidx.config.ts'], 'nothing written into the project');
  });
}

test("cidx's own stale build caches are removed, but a code/old-project of the user's under CIDX_CACHE_DIR survives", async (t) => {
  await withCacheProject(async (project) => {
    t.is((await project.cidx(['--version'])).stdout, VERSION); // marks the (empty) cache dir as cidx's
    const code = path.join(project.cacheDir, 'code');
    await mkdir(path.join(code, 'old-project', 'src'), { recursive: true });
    await writeFile(path.join(code, 'old-project', 'src', 'main.c'), 'int main() {}\n');
    await mkdir(path.join(code, '0123456789abcdef'));
    await writeFile(path.join(code, '0123456789abcdef', 'apply.v8'), 'old build');
    for (const dir of ['old-project/src', 'old-project', '0123456789abcdef']) await utimes(path.join(code, dir), OLD, OLD);

    const run = await project.cidx(['help', 'apply']); // a command with no code cache yet: writing one sweeps
    t.is(run.exitCode, 0, run.describe());
    const left = await readdir(code);
    t.false(left.includes('0123456789abcdef'), 'the stale build cache is gone');
    t.true(left.includes('old-project'));
    t.is(await readFile(path.join(code, 'old-project', 'src', 'main.c'), 'utf8'), 'int main() {}\n');
  });
});

test('a CIDX_CACHE_DIR that already held other things (like $HOME) is never swept, even where names look like cidx caches', async (t) => {
  await withCacheProject(async (project) => {
    const home = path.join(path.dirname(project.root), 'home');
    const code = path.join(home, 'code');
    await mkdir(path.join(code, 'old-project'), { recursive: true });
    await writeFile(path.join(home, 'notes.txt'), 'mine');
    await writeFile(path.join(code, 'old-project', 'main.c'), 'x');
    await mkdir(path.join(code, '0123456789abcdef'));
    await writeFile(path.join(code, '0123456789abcdef', 'apply.v8'), 'x');
    for (const dir of ['old-project', '0123456789abcdef']) await utimes(path.join(code, dir), OLD, OLD);

    for (const args of [['--version'], ['help', 'apply']]) {
      const run = await project.cidx(args, { env: { CIDX_CACHE_DIR: home } });
      t.is(run.exitCode, 0, run.describe());
    }
    const left = await readdir(code);
    t.true(left.includes('old-project') && left.includes('0123456789abcdef'), left.join(', '));
    t.deepEqual(await readdir(path.join(code, '0123456789abcdef')), ['apply.v8']);
    t.deepEqual(await readdir(path.join(code, 'old-project')), ['main.c']);
    t.deepEqual((await readdir(home)).sort(), ['code', 'notes.txt'], 'no marker: cidx does not claim the directory');
  });
});

test('a cache dir others can write to is not used for speed caches (the command works), and apply refuses it for its lock, exit 1', async (t) => {
  await withCacheProject(async (project) => {
    await chmod(project.cacheDir, 0o777);
    const version = await project.cidx(['--version']);
    t.is(version.exitCode, 0, version.describe());
    t.is(version.stdout, VERSION);
    const plan = await project.cidx(['plan', '--runtime', 'docker']);
    t.is(plan.exitCode, 0, plan.describe());
    t.deepEqual(await readdir(project.cacheDir), [], 'nothing read from or written to it');
    const apply = await project.cidx(['apply', '--runtime', 'docker']);
    t.is(apply.exitCode, 1, apply.describe());
    t.true(apply.stderr.includes(`error[CACHE_UNTRUSTED] cidx cannot use its cache directory: ${project.cacheDir} is writable by its group and other users (mode 0777)`), apply.describe());
  });
});
