import test from 'ava';
import { DEFAULTS, duration, findCycle, portNumber, serviceSchema } from '../../../schemas/config.js';

const deps = (graph: Record<string, string[]>) => Object.fromEntries(Object.entries(graph).map(([name, dependsOn]) => [name, { dependsOn }]));

test('DEFAULTS are what the docs promise', (t) => {
  t.deepEqual({ ...DEFAULTS }, { runtime: 'auto', bind: '127.0.0.1', healthTimeout: '60s', healthInterval: '50ms', healthSuccesses: 1, jobTimeout: '10m' });
  t.true(Object.isFrozen(DEFAULTS));
});

test('portNumber accepts 1 and 65535 and rejects everything outside', (t) => {
  t.is(portNumber.parse(1), 1);
  t.is(portNumber.parse(65535), 65535);
  for (const bad of [0, -1, 65536, 1.5, '80', null]) t.false(portNumber.safeParse(bad).success, String(bad));
});

test('duration turns text and numbers into milliseconds', (t) => {
  t.is(duration.parse('60s'), 60_000);
  t.is(duration.parse('500ms'), 500);
  t.is(duration.parse(250), 250);
  const bad = duration.safeParse('soon');
  t.false(bad.success);
  t.is(bad.error?.issues[0]?.message, "expected a duration such as '60s', '500ms' or '2m', got \"soon\"");
});

test('serviceSchema: a compose-style ports list gets the teaching message', (t) => {
  const result = serviceSchema.safeParse({ image: 'qdrant/qdrant', ports: ['6333:6333', '6334:6334'] });
  t.false(result.success);
  const issue = result.error!.issues[0]!;
  t.deepEqual(issue.path, ['ports']);
  t.regex(issue.message, /got a compose-style list/);
  t.regex(issue.message, /preferredPorts/);
});

test('findCycle: none in a DAG', (t) => {
  t.is(findCycle(deps({ a: [], b: ['a'], c: ['a', 'b'], d: ['c'] })), undefined);
});

test('findCycle: two-cycle and longer cycle as closed paths; a self loop is left to its own message', (t) => {
  t.is(findCycle(deps({ a: ['a'] })), undefined);
  t.deepEqual(findCycle(deps({ a: ['b'], b: ['a'] })), ['a', 'b', 'a']);
  t.deepEqual(findCycle(deps({ x: [], a: ['b'], b: ['c'], c: ['b'] })), ['b', 'c', 'b']);
});

test('findCycle ignores references to unknown services (reported elsewhere)', (t) => {
  t.is(findCycle(deps({ a: ['ghost'], b: ['a'] })), undefined);
});
