import test from 'ava';
import { CidxError, hasCode } from '../../../core/errors.js';
import { imageUses, pullImages } from '../../../core/pull.js';
import type { ContainerRuntime, PullOptions } from '../../../core/runtime.js';

/** Only what the pull phase uses: an engine holding `present`, whose pulls of `broken` fail. */
function engine(present: string[], broken: string[] = []) {
  const pulls: string[] = [];
  const runtime = {
    name: 'fake',
    capabilities: { networks: false, labelledVolumes: false, streamLogs: false, describe: false, pull: true },
    hasImage: async (image: string) => present.includes(image),
    pullImage: async (image: string, options: PullOptions) => {
      pulls.push(image);
      options.onLine?.('2d429b9e73a6: Pull complete');
      if (broken.includes(image)) throw new CidxError('IMAGE_UNAVAILABLE', `image ${image} is not available to fake and could not be pulled`);
      present.push(image);
    },
  } as unknown as ContainerRuntime;
  return { runtime, pulls };
}

const services = [
  { name: 'qdrant', image: 'qdrant/qdrant:v1' },
  { name: 'ollama', image: 'ollama/ollama:0.5' },
  { name: 'qdrant-replica', image: 'qdrant/qdrant:v1' },
];

test('images are grouped by reference, in first-use order', (t) => {
  t.deepEqual(imageUses(services), [
    { image: 'qdrant/qdrant:v1', services: ['qdrant', 'qdrant-replica'] },
    { image: 'ollama/ollama:0.5', services: ['ollama'] },
  ]);
});

test('missing (the default): only absent images are pulled, each once, with start, lines and done reported', async (t) => {
  const { runtime, pulls } = engine(['qdrant/qdrant:v1']);
  const events: string[] = [];
  const pulled = await pullImages(runtime, services, {
    onStart: (use) => events.push(`start ${use.image}`),
    onLine: (image, line) => events.push(`${image} ${line}`),
    onDone: (use) => events.push(`done ${use.image}`),
  });
  t.deepEqual(pulls, ['ollama/ollama:0.5']);
  t.deepEqual(pulled.map((use) => use.image), ['ollama/ollama:0.5']);
  t.deepEqual(events, ['start ollama/ollama:0.5', 'ollama/ollama:0.5 2d429b9e73a6: Pull complete', 'done ollama/ollama:0.5']);
});

test('missing with every image present makes no pull call', async (t) => {
  const { runtime, pulls } = engine(['qdrant/qdrant:v1', 'ollama/ollama:0.5']);
  t.deepEqual(await pullImages(runtime, services), []);
  t.deepEqual(pulls, []);
});

test('always pulls every image, present or not', async (t) => {
  const { runtime, pulls } = engine(['qdrant/qdrant:v1', 'ollama/ollama:0.5']);
  await pullImages(runtime, services, { policy: 'always' });
  t.deepEqual(pulls.sort(), ['ollama/ollama:0.5', 'qdrant/qdrant:v1']);
});

test('never with a missing image: IMAGE_UNAVAILABLE naming the services and image, nothing pulled', async (t) => {
  const { runtime, pulls } = engine(['ollama/ollama:0.5']);
  const error = await t.throwsAsync(pullImages(runtime, services, { policy: 'never' }));
  t.true(hasCode(error, 'IMAGE_UNAVAILABLE'));
  t.regex(error!.message, /services qdrant, qdrant-replica: image qdrant\/qdrant:v1 is not present on fake, and --pull never/);
  t.deepEqual(pulls, []);
});

test('a failed pull names the services that needed it, after the other pulls ended', async (t) => {
  const { runtime, pulls } = engine([], ['qdrant/qdrant:v1']);
  const error = await t.throwsAsync(pullImages(runtime, services));
  t.true(hasCode(error, 'IMAGE_UNAVAILABLE'));
  t.regex(error!.message, /^services qdrant, qdrant-replica: image qdrant\/qdrant:v1 is not available/);
  t.deepEqual(pulls.sort(), ['ollama/ollama:0.5', 'qdrant/qdrant:v1']);
});

test('an image the engine refuses even to look up fails its services with the engine\'s reason; nothing is pulled', async (t) => {
  const { runtime, pulls } = engine([]);
  (runtime as { hasImage: unknown }).hasImage = async (image: string) => {
    if (image !== image.toLowerCase()) throw new CidxError('RUNTIME_COMMAND', 'fake image failed', { details: ['Error: repository name must be lowercase'] });
    return false;
  };
  const error = await t.throwsAsync(pullImages(runtime, [{ name: 'db', image: 'localhost/DB:1' }, { name: 'web', image: 'web:1' }]));
  t.true(hasCode(error, 'IMAGE_UNAVAILABLE'));
  t.regex(error!.message, /^service db: fake cannot use image localhost\/DB:1/);
  t.deepEqual((error as CidxError).details, ['Error: repository name must be lowercase']);
  t.deepEqual(pulls, []);
});

test('a runtime without the pull capability is left to pull inside run/create', async (t) => {
  const runtime = { name: 'old', capabilities: { networks: false, labelledVolumes: false, streamLogs: false, describe: false } } as unknown as ContainerRuntime;
  t.deepEqual(await pullImages(runtime, services, { policy: 'never' }), []);
});
