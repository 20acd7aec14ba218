import test from 'ava';
import { formatDuration, parseDuration } from '../../../schemas/duration.js';

const parses: Array<[string | number, number]> = [
  ['60s', 60_000],
  ['500ms', 500],
  ['2m', 120_000],
  ['1.5m', 90_000],
  ['2h', 7_200_000],
  ['0s', 0],
  [' 10 s ', 10_000],
  ['0.25s', 250],
  [1500, 1500],
  [0, 0],
];
for (const [input, expected] of parses) {
  test(`parseDuration(${JSON.stringify(input)}) is ${expected} ms`, (t) => {
    t.is(parseDuration(input), expected);
  });
}

const rejects: Array<string | number> = ['', 'soon', '60', '10 seconds', '5d', '-1s', '1e3ms', 's', -1, Number.NaN, Number.POSITIVE_INFINITY];
for (const input of rejects) {
  test(`parseDuration rejects ${typeof input === "string" ? JSON.stringify(input) : String(input)}`, (t) => {
    t.is(parseDuration(input), undefined);
  });
}

test('formatDuration picks ms, s or m for messages', (t) => {
  t.is(formatDuration(0), '0ms');
  t.is(formatDuration(250), '250ms');
  t.is(formatDuration(999.6), '1000ms');
  t.is(formatDuration(1000), '1s');
  t.is(formatDuration(1500), '1.5s');
  t.is(formatDuration(60_000), '1m');
  t.is(formatDuration(90_000), '1.5m');
});

test('formatDuration round-trips what parseDuration reads for whole units', (t) => {
  for (const text of ['250ms', '2s', '1.5s', '3m']) t.is(formatDuration(parseDuration(text)!), text);
});
