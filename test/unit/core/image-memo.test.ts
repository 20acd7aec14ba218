/**
 * The image memo: what the pull phase saw present on one engine, so later
 * applies skip asking. Per engine endpoint, bounded, and a failure takes an
 * image out again. Run against a private cache directory.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { endpointKey } from '../../../core/engine-endpoint.js';
import { readImageMemo, updateImageMemo } from '../../../core/image-memo.js';
import { resetCacheDirMemo } from '../../../core/state-dirs.js';

const cache = mkdtempSync(path.join(os.tmpdir(), 'cidx-image-memo-'));
test.before(() => {
  process.env.CIDX_CACHE_DIR = cache;
  resetCacheDirMemo();
});
test.after.always(() => rmSync(cache, { recursive: true, force: true }));

const docker = { name: 'docker', engineHost: undefined };
const remote = { name: 'docker', engineHost: 'build-box' };
const podman = { name: 'podman', engineHost: undefined };

test.serial('what one engine saw is not what another has; gone takes an image out', async (t) => {
  t.deepEqual(await readImageMemo(docker), []);
  await updateImageMemo(docker, { present: ['qdrant/qdrant:v1', 'ollama/ollama:0.5'] });
  t.deepEqual(await readImageMemo(docker), ['qdrant/qdrant:v1', 'ollama/ollama:0.5']);
  t.deepEqual(await readImageMemo(remote), [], 'another endpoint of the same CLI');
  t.deepEqual(await readImageMemo(podman), [], 'another engine on this machine');
  await updateImageMemo(docker, { gone: ['qdrant/qdrant:v1'] });
  t.deepEqual(await readImageMemo(docker), ['ollama/ollama:0.5']);
});

const memoFile = (runtime: { name: string; engineHost: undefined | string }) => path.join(cache, 'images', `${endpointKey(runtime)}.json`);

test.serial('an update that changes nothing writes nothing', async (t) => {
  await updateImageMemo(podman, { present: ['a:1'] });
  const written = statSync(memoFile(podman)).mtimeMs;
  await new Promise((resolve) => setTimeout(resolve, 20));
  await updateImageMemo(podman, { present: ['a:1'], gone: ['never-seen:1'] });
  t.is(statSync(memoFile(podman)).mtimeMs, written);
});

test.serial('bounded: the oldest images go first', async (t) => {
  const runtime = { name: 'bounded', engineHost: undefined };
  await updateImageMemo(runtime, { present: Array.from({ length: 300 }, (_, index) => `image:${index}`) });
  const images = await readImageMemo(runtime);
  t.is(images.length, 256);
  t.is(images[0], 'image:44');
  t.is(images.at(-1), 'image:299');
});

test.serial('a file that is not a memo reads as empty, and the next update replaces it', async (t) => {
  const runtime = { name: 'broken', engineHost: undefined };
  await updateImageMemo(runtime, { present: ['x:1'] });
  writeFileSync(memoFile(runtime), '{"version": 1, "images": "not a list"}');
  t.deepEqual(await readImageMemo(runtime), []);
  await updateImageMemo(runtime, { present: ['y:1'] });
  t.deepEqual(await readImageMemo(runtime), ['y:1']);
});
