/**
 * Which file is the config: the nearest one, found no further up than the
 * repository root or $HOME, and only if nobody else could have written it.
 */
import { chmod, chown, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { loadConfig, searchDirs } from '../../../../core/config/load.js';
import { CidxError } from '../../../../core/errors.js';
import { configTrustProblem } from '../../../../core/config/trust.js';

// The validated-config cache writes to the cache dir: keep it out of the developer's.
process.env.CIDX_CACHE_DIR = path.join(os.tmpdir(), `cidx-search-cache-${process.pid}`);
test.after.always(() => rm(process.env.CIDX_CACHE_DIR!, { recursive: true, force: true }));

const NOBODY = 65534;
const json = (config: unknown) => JSON.stringify(config);
const parentConfig = json({ project: 'parent', services: {} });

/** A temp tree: `files` maps relative paths to contents (a trailing / makes a directory). */
async function tree(files: Record<string, string>): Promise<string> {
  const root = await realpath(await mkdtemp(path.join(os.tmpdir(), 'cidx-search-')));
  for (const [name, content] of Object.entries(files)) {
    const target = path.join(root, name);
    if (name.endsWith('/')) {
      await mkdir(target, { recursive: true });
    } else {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    }
  }
  return root;
}

async function inTree(files: Record<string, string>, run: (root: string) => Promise<void>): Promise<void> {
  const root = await tree(files);
  try {
    await run(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const loadError = async (t: import('ava').ExecutionContext, options: Parameters<typeof loadConfig>[0]) =>
  t.throwsAsync(loadConfig(options), { instanceOf: CidxError });

test('searchDirs goes up to the nearest directory holding .git, and no further', async (t) => {
  await inTree({ '.git/': '', 'pkg/src/': '' }, async (root) => {
    t.deepEqual(searchDirs(path.join(root, 'pkg', 'src'), '/nonexistent-home'), [path.join(root, 'pkg', 'src'), path.join(root, 'pkg'), root]);
  });
});

test('searchDirs stops at $HOME when that comes before a repository root', async (t) => {
  await inTree({ '.git/': '', 'home/me/notes/': '' }, async (root) => {
    const home = path.join(root, 'home', 'me');
    t.deepEqual(searchDirs(path.join(home, 'notes'), home), [path.join(home, 'notes'), home]);
  });
});

test('searchDirs looks in cwd only when neither a repository root nor $HOME is above it', (t) => {
  t.deepEqual(searchDirs('/tmp/x/y', '/nonexistent-home'), ['/tmp/x/y']);
});

test("a config in a parent directory above cwd (no repository, not under $HOME) is not found: another user's /tmp config never runs", async (t) => {
  await inTree({ 'cidx.config.json': parentConfig, 'x/': '' }, async (root) => {
    const error = await loadError(t, { cwd: path.join(root, 'x') });
    t.is(error.code, 'CONFIG_NOT_FOUND');
    t.is(error.exitCode, 2);
  });
});

for (const [file, text, what] of [
  ['cidx.config.ts', "export const config = { services: {} };\n", 'with only a named export'],
  ['cidx.config.mjs', "export const config = { services: {} };\n", 'with only a named export'],
  ['cidx.config.ts', '', 'that is empty'],
  ['cidx.config.json', ' \n', 'that is blank'],
  ['cidx.config.json', 'null', 'holding null'],
] as const) {
  test(`a nearest ${file} ${what} is an error naming it, not a reason to use the parent's config`, async (t) => {
    await inTree({ '.git/': '', 'cidx.config.json': parentConfig, [`pkg/${file}`]: text }, async (root) => {
      const error = await loadError(t, { cwd: path.join(root, 'pkg') });
      t.is(error.code, 'CONFIG_EMPTY');
      t.is(error.exitCode, 2);
      t.true(error.message.includes(path.join(root, 'pkg', file)), error.message);
    });
  });
}

test('the same file given with -c is the same error', async (t) => {
  await inTree({ 'cidx.config.ts': 'export const config = {};\n' }, async (root) => {
    const error = await loadError(t, { cwd: root, configFile: 'cidx.config.ts' });
    t.is(error.code, 'CONFIG_EMPTY');
    t.regex(error.message, /has no default export/);
  });
});

test('a package.json without a cidx key is not a config: the search goes on to the parent', async (t) => {
  await inTree({ '.git/': '', 'cidx.config.json': parentConfig, 'pkg/package.json': json({ name: 'pkg' }) }, async (root) => {
    const loaded = await loadConfig({ cwd: path.join(root, 'pkg') });
    t.is(loaded.project.name, 'parent');
    t.is(loaded.project.root, root);
  });
});

test('a package.json with a cidx key is the config', async (t) => {
  await inTree({ '.git/': '', 'cidx.config.json': parentConfig, 'pkg/package.json': json({ name: 'pkg', cidx: { project: 'child', services: {} } }) }, async (root) => {
    const loaded = await loadConfig({ cwd: path.join(root, 'pkg') });
    t.is(loaded.project.name, 'child');
    t.is(loaded.project.configFile, path.join(root, 'pkg', 'package.json'));
  });
});

test("a config owned by another user is refused before it runs, with why and how to allow it", async (t) => {
  await inTree({ 'cidx.config.mjs': "globalThis.__cidxRan = true;\nexport default { services: {} };\n" }, async (root) => {
    const file = path.join(root, 'cidx.config.mjs');
    await chown(file, NOBODY, NOBODY);
    const error = await loadError(t, { cwd: root });
    t.is(error.code, 'CONFIG_UNTRUSTED');
    t.is(error.exitCode, 2);
    t.is(error.message, `refusing to load ${file}: it is owned by another user (uid ${NOBODY}), and loading a config runs its code as you`);
    t.true(error.hint!.includes(`CIDX_TRUSTED_CONFIGS=${file}`), error.hint);
    t.is((globalThis as Record<string, unknown>).__cidxRan, undefined, 'its code did not run');
    const explicit = await loadError(t, { cwd: os.tmpdir(), configFile: file });
    t.is(explicit.code, 'CONFIG_UNTRUSTED', '-c is checked too');
  });
});

for (const [who, mode] of [['its group', 0o664], ['other users', 0o646]] as const) {
  test(`a config writable by ${who} is refused`, async (t) => {
    await inTree({ 'cidx.config.json': parentConfig }, async (root) => {
      const file = path.join(root, 'cidx.config.json');
      await chmod(file, mode);
      const error = await loadError(t, { cwd: root, configFile: file });
      t.is(error.code, 'CONFIG_UNTRUSTED');
      t.true(error.message.includes(`writable by ${who} (mode 0${mode.toString(8)})`), error.message);
    });
  });
}

test('a config in a directory others may write to (no sticky bit) is refused: they could swap it', async (t) => {
  await inTree({ 'shared/cidx.config.json': parentConfig }, async (root) => {
    await chmod(path.join(root, 'shared'), 0o777);
    const error = await loadError(t, { cwd: path.join(root, 'shared') });
    t.is(error.code, 'CONFIG_UNTRUSTED');
    t.regex(error.message, /its directory .*shared is writable by its group and other users/);
    await chmod(path.join(root, 'shared'), 0o1777);
    t.is((await loadConfig({ cwd: path.join(root, 'shared') })).project.name, 'parent', 'sticky, like /tmp: others cannot replace it');
  });
});

test('CIDX_TRUSTED_CONFIGS allows a listed file, a file below a listed directory, or any with *', async (t) => {
  await inTree({ 'a/cidx.config.json': parentConfig }, async (root) => {
    const file = path.join(root, 'a', 'cidx.config.json');
    await chown(file, NOBODY, NOBODY);
    const attempt = async (list: string) => {
      process.env.CIDX_TRUSTED_CONFIGS = list;
      try {
        return await loadConfig({ cwd: path.join(root, 'a') }).then(() => 'loaded', (error: CidxError) => error.code);
      } finally {
        delete process.env.CIDX_TRUSTED_CONFIGS;
      }
    };
    t.is(await attempt(file), 'loaded');
    t.is(await attempt(`/elsewhere${path.delimiter}${root}`), 'loaded');
    t.is(await attempt('*'), 'loaded');
    t.is(await attempt(`${root}-other`), 'CONFIG_UNTRUSTED', 'a prefix of the name is not a parent directory');
    t.is(await attempt('relative/path'), 'CONFIG_UNTRUSTED');
  });
});

test('a root-owned config is fine', async (t) => {
  await inTree({ 'cidx.config.json': parentConfig }, async (root) => {
    await chown(path.join(root, 'cidx.config.json'), 0, 0);
    t.is((await loadConfig({ cwd: root })).project.name, 'parent');
  });
});

test("group write is fine in the user's private group (umask 002 distributions), never in a shared one or for root", (t) => {
  const file = '/home/ann/app/cidx.config.ts';
  const stats = (mode: number, uid: number, gid: number) => ({ mode, uid, gid }) as import('node:fs').Stats;
  const dir = stats(0o40755, 1000, 1000);
  t.is(configTrustProblem(file, stats(0o100664, 1000, 1000), dir, { uid: 1000, gid: 1000 }), undefined, 'ann:ann, ann is the only member by convention');
  t.is(configTrustProblem(file, stats(0o100664, 1000, 100), dir, { uid: 1000, gid: 100 }), 'it is writable by its group (mode 0664)', 'group users');
  t.is(configTrustProblem(file, stats(0o100666, 1000, 1000), dir, { uid: 1000, gid: 1000 }), 'it is writable by other users (mode 0666)');
  t.is(configTrustProblem(file, stats(0o100664, 0, 0), stats(0o40755, 0, 0), { uid: 0, gid: 0 }), 'it is writable by its group (mode 0664)');
  t.is(configTrustProblem(file, stats(0o100644, 1000, 1000), stats(0o40775, 1000, 1000), { uid: 1000, gid: 1000 }), undefined, 'a private-group directory');
});
