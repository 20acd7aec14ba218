import test from 'ava';
import { dependencyLevels } from '../../../../core/reconcile/order.js';

const svc = (name: string, ...dependsOn: string[]) => ({ name, dependsOn });
const names = (levels: Array<Array<{ name: string }>>) => levels.map((level) => level.map((service) => service.name));

test('independent services form one level, in declaration order', (t) => {
  t.deepEqual(names(dependencyLevels([svc('c'), svc('a'), svc('b')])), [['c', 'a', 'b']]);
});

test('a chain gives one level per link, whatever the declaration order', (t) => {
  t.deepEqual(names(dependencyLevels([svc('app', 'api'), svc('api', 'db'), svc('db')])), [['db'], ['api'], ['app']]);
});

test('a diamond puts the join after both branches', (t) => {
  const levels = dependencyLevels([svc('web', 'api', 'worker'), svc('api', 'db'), svc('worker', 'db', 'queue'), svc('db'), svc('queue')]);
  t.deepEqual(names(levels), [['db', 'queue'], ['api', 'worker'], ['web']]);
});

test('a service sits one level after its deepest dependency', (t) => {
  t.deepEqual(names(dependencyLevels([svc('a'), svc('b', 'a'), svc('c', 'b'), svc('d', 'a', 'c')])), [['a'], ['b'], ['c'], ['d']]);
});

test('dependencies on services not in the list are ignored', (t) => {
  t.deepEqual(names(dependencyLevels([svc('a', 'ghost'), svc('b', 'a')])), [['a'], ['b']]);
});

test('returns the same objects it was given', (t) => {
  const db = svc('db');
  const levels = dependencyLevels([db]);
  t.is(levels[0]![0], db);
});

test('empty input gives no levels', (t) => {
  t.deepEqual(dependencyLevels([]), []);
});

test('a cycle (which validation should have caught) throws instead of looping', (t) => {
  t.throws(() => dependencyLevels([svc('a', 'b'), svc('b', 'a')]), { message: /dependency cycle through a/ });
  t.throws(() => dependencyLevels([svc('a', 'a')]), { message: /dependency cycle/ });
});
