import test from 'ava';
import { pullDisplay } from '../../../cli/pull-display.js';
import type { Progress } from '../../../cli/progress.js';

const recorder = () => {
  const updates: string[] = [];
  const progress = { update: (key: string, phase: string) => updates.push(`${key}: ${phase}`), log: () => undefined, done: () => undefined } as unknown as Progress;
  return { progress, updates };
};
const use = { image: 'qdrant/qdrant:v1.12.4', services: ['qdrant'] };
const LINES = ['v1.12.4: Pulling from qdrant/qdrant', '2d429b9e73a6: Pulling fs layer', '8d7b5e1a2c41: Pulling fs layer', '2d429b9e73a6: Pull complete', '8d7b5e1a2c41: Pull complete'];

test('without a live display: one line when an image starts and one when it is done, never one per layer', (t) => {
  const { progress, updates } = recorder();
  const events = pullDisplay(progress, false);
  events.onStart!(use);
  for (const line of LINES) events.onLine!(use.image, line);
  events.onDone!(use, 12_345);
  t.deepEqual(updates, ['qdrant/qdrant:v1.12.4: pulling for qdrant', 'qdrant/qdrant:v1.12.4: pulled in 12.3s, 2 layers']);
});

test('live: the image line shows layers as they complete', (t) => {
  const { progress, updates } = recorder();
  const events = pullDisplay(progress, true);
  events.onStart!(use);
  events.onLine!(use.image, LINES[1]!);
  t.is(updates.at(-1), 'qdrant/qdrant:v1.12.4: pulling: 0/1 layer');
  events.onDone!(use, 2_000);
  t.is(updates.at(-1), 'qdrant/qdrant:v1.12.4: pulled in 2.0s, 1 layer');
});
