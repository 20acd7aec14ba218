/** Which command a run caches code for: the first word that is not an option or an option's value. */
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { commandOf, removeStaleBuilds } from '../../../cli/launch.js';
import { CACHE_MARKER } from '../../../core/state-dirs.js';

test('the command is the first word, after options and their values', (t) => {
  t.is(commandOf(['apply', '--json']), 'apply');
  t.is(commandOf(['-c', 'other.config.ts', 'port', 'qdrant']), 'port');
  t.is(commandOf(['--runtime', 'podman', 'status']), 'status');
  t.is(commandOf(['--json', 'down', '--volumes']), 'down');
  t.is(commandOf(['--config=x.ts', 'logs', 'web']), 'logs');
});

test('no command word (help, version) and odd words share one key', (t) => {
  t.is(commandOf(['--help']), '-');
  t.is(commandOf([]), '-');
  t.is(commandOf(['../../etc/passwd']), '-', 'never a path: the word becomes a file name');
  t.is(commandOf(['APPLY']), '-');
});

test("stale build caches are removed file by file; anything else under code/ survives, and nothing goes without cidx's marker", async (t) => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'cidx-launch-'));
  try {
    const code = path.join(root, 'code');
    const old = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    const make = async (dir: string, files: string[]) => {
      await mkdir(path.join(code, dir), { recursive: true });
      for (const file of files) await writeFile(path.join(code, dir, file), 'x');
      await utimes(path.join(code, dir), old, old);
    };
    await make('0123456789abcdef', ['apply.v8', '-.v8', 'port.v8.0a1b2c3d.tmp']); // an old build of cidx
    await make('fedcba9876543210', ['apply.v8', 'thesis.tex']); // build-like name, but holds something else
    await make('old-project', ['main.c']); // a user's directory: CIDX_CACHE_DIR=$HOME
    await make('1111111111111111', ['apply.v8']); // the current build
    await utimes(path.join(code, '0123456789abcdef', 'apply.v8'), old, old);

    removeStaleBuilds(code, '1111111111111111', root);
    t.deepEqual((await readdir(code)).sort(), ['0123456789abcdef', '1111111111111111', 'fedcba9876543210', 'old-project'], 'no marker: nothing removed');

    await writeFile(path.join(root, CACHE_MARKER), 'Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by cidx.\n');
    removeStaleBuilds(code, '1111111111111111', root);
    t.deepEqual((await readdir(code)).sort(), ['1111111111111111', 'fedcba9876543210', 'old-project']);
    t.deepEqual(await readdir(path.join(code, 'fedcba9876543210')), ['thesis.tex']);
    t.deepEqual(await readdir(path.join(code, 'old-project')), ['main.c']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
