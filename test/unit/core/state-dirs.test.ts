/** The cache directory: used only when nobody else can write to it; cleaned only where cidx's marker is. */
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { CACHE_MARKER, isOwnCache, privateCacheDir, removeStaleFiles, requirePrivateCacheDir, resetCacheDirMemo } from '../../../core/state-dirs.js';
import { CidxError } from '../../../core/errors.js';

async function withBase(run: (base: string) => Promise<void>): Promise<void> {
  const base = await mkdtemp(path.join(os.tmpdir(), 'cidx-state-'));
  try {
    resetCacheDirMemo();
    await run(base);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

const env = (dir: string) => ({ CIDX_CACHE_DIR: dir });
const mode = async (file: string) => (await stat(file)).mode & 0o7777;
const OLD = new Date(Date.now() - 30 * 24 * 3600 * 1000);

test('a missing cache root is created 0700 with cidx marker, and subdirectories 0700', async (t) => {
  await withBase(async (base) => {
    const root = path.join(base, 'deep', 'cache');
    const { dir } = privateCacheDir('code', env(root));
    t.is(dir, path.join(root, 'code'));
    t.is(await mode(root), 0o700);
    t.is(await mode(dir!), 0o700);
    t.regex(await readFile(path.join(root, CACHE_MARKER), 'utf8'), /^Signature: 8a477f597d28d172789f06886806bc55\n.*created by cidx/s);
    t.is(await mode(path.join(root, CACHE_MARKER)), 0o600);
  });
});

test('an existing empty directory is adopted; a directory holding other files is used but not marked', async (t) => {
  await withBase(async (base) => {
    await mkdir(path.join(base, 'empty'));
    privateCacheDir('code', env(path.join(base, 'empty')));
    t.true(isOwnCache(path.join(base, 'empty')));
    await mkdir(path.join(base, 'home'));
    await writeFile(path.join(base, 'home', 'notes.txt'), 'mine');
    t.truthy(privateCacheDir('code', env(path.join(base, 'home'))).dir);
    t.false(isOwnCache(path.join(base, 'home')));
    t.deepEqual((await readdir(path.join(base, 'home'))).sort(), ['code', 'notes.txt']);
  });
});

test("a cache root owned by another user is not used, and the lock's directory says why", async (t) => {
  await withBase(async (base) => {
    const root = path.join(base, 'theirs');
    await mkdir(root, { mode: 0o755 });
    await chown(root, 65534, 65534);
    const result = privateCacheDir('validated', env(root));
    t.is(result.dir, undefined);
    t.is(result.problem, `${root} is owned by another user (uid 65534)`);
    const error = t.throws(() => requirePrivateCacheDir('locks', env(root)), { instanceOf: CidxError });
    t.is(error.code, 'CACHE_UNTRUSTED');
    t.is(error.exitCode, 1);
    t.deepEqual(await readdir(root), [], 'nothing created in it');
  });
});

test('a cache root or subdirectory writable by group or others is not used', async (t) => {
  await withBase(async (base) => {
    const root = path.join(base, 'open');
    await mkdir(root);
    await chmod(root, 0o775);
    t.regex(privateCacheDir('code', env(root)).problem ?? '', /writable by its group \(mode 0775\)/);
    resetCacheDirMemo();
    const mine = path.join(base, 'mine');
    await mkdir(path.join(mine, 'validated'), { recursive: true });
    await chmod(path.join(mine, 'validated'), 0o757);
    t.regex(privateCacheDir('validated', env(mine)).problem ?? '', /validated is writable by other users/);
  });
});

test("a subdirectory left 0755 by an older cidx is tightened to 0700 in cidx's own root", async (t) => {
  await withBase(async (base) => {
    const root = path.join(base, 'cache');
    privateCacheDir('code', env(root));
    await mkdir(path.join(root, 'ports'), { mode: 0o755 });
    await chmod(path.join(root, 'ports'), 0o755);
    t.truthy(privateCacheDir('ports', env(root)).dir);
    t.is(await mode(path.join(root, 'ports')), 0o700);
  });
});

test("removeStaleFiles removes only old files matching a rule, one by one, and only in cidx's own root", async (t) => {
  await withBase(async (base) => {
    const root = path.join(base, 'cache');
    const dir = privateCacheDir('validated', env(root)).dir!;
    const names = ['v2-0123456789abcdef0123456789abcdef.json', 'v2-fresh0000000000000000000000000.json', 'notes.json', 'v2-0123456789abcdef0123456789abcdef.json.bak'];
    for (const name of names) await writeFile(path.join(dir, name), '{}');
    await mkdir(path.join(dir, 'v2-00000000000000000000000000000000.json'));
    for (const name of [...names, 'v2-00000000000000000000000000000000.json']) {
      if (name !== 'v2-fresh0000000000000000000000000.json') await utimes(path.join(dir, name), OLD, OLD);
    }
    const rules = [{ name: /^v2-[0-9a-z]{32}\.json$/, olderThanMs: 24 * 3600 * 1000 }];
    t.is(removeStaleFiles(dir, rules, root), 1);
    t.deepEqual((await readdir(dir)).sort(), [
      'notes.json',
      'v2-00000000000000000000000000000000.json',
      'v2-0123456789abcdef0123456789abcdef.json.bak',
      'v2-fresh0000000000000000000000000.json',
    ]);
    await rm(path.join(root, CACHE_MARKER));
    await utimes(path.join(dir, 'v2-fresh0000000000000000000000000.json'), OLD, OLD);
    t.is(removeStaleFiles(dir, rules, root), 0, 'without the marker nothing is removed');
  });
});
