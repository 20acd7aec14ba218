import { readFileSync } from 'node:fs';
import test from 'ava';
import { describePull, newPullState, readPullLine } from '../../../cli/pull-progress.js';

/** test/fixtures/pull, from dist/test/unit/cli (tsc does not copy fixtures). */
const fixture = (name: string) => readFileSync(new URL(`../../../../test/fixtures/pull/${name}`, import.meta.url), 'utf8');

/** As attached.ts hands lines over: split on \n, \r\n and a bare \r. */
function replay(text: string, upTo = Number.POSITIVE_INFINITY): string {
  const state = newPullState();
  text.split(/\r?\n|\r/).slice(0, upTo).forEach((line) => readPullLine(state, line));
  return describePull(state);
}

test('docker without a terminal: layers counted, "Already exists" counts as done, no bytes', (t) => {
  t.is(replay(fixture('docker-pipe.txt'), 5), '1/4 layers');
  t.is(replay(fixture('docker-pipe.txt')), '4/4 layers');
});

test('docker on a terminal: cursor movements stripped, downloaded bytes summed, extracting does not count twice', (t) => {
  t.is(replay(fixture('docker-tty.txt')), '1/2 layers, 149.9 MB/627.9 MB');
});

test('podman without a terminal: one start line per blob (config not a layer), nothing done until the end', (t) => {
  t.is(replay(fixture('podman-pipe.txt')), '0/3 layers');
});

test('podman on a terminal: MiB counts, "done" and "skipped: already exists"', (t) => {
  const text = fixture('podman-tty.txt');
  t.is(replay(text, 7), '1/3 layers, 23.1 MB/628.0 MB', 'the first redraw: 10 MiB + 12 MiB of 28.2 MiB + 570.7 MiB');
  t.is(replay(text), '2/3 layers, 134.4 MB/628.0 MB');
});

test('lines that are not about a layer change nothing, and an empty state says so', (t) => {
  const state = newPullState();
  for (const line of fixture('podman-failed.txt').split('\n')) t.false(readPullLine(state, line), line);
  t.false(readPullLine(state, 'Digest: sha256:1f2e3d4c5b6a'));
  t.is(describePull(state), 'starting');
});
