import test from 'ava';
import { interpolate, REQUIRED_HELPER, withDefaults } from '../../../../cli/import/interpolate.js';
import { Code } from '../../../../cli/import/model.js';
import { splitWords } from '../../../../cli/import/words.js';

/** Evaluates what the generated config would hold for `raw`, in an environment of `env`. */
function evaluate(raw: string, env: Record<string, string>): string {
  const value = interpolate(raw);
  if (typeof value === 'string') return value;
  const helper = REQUIRED_HELPER.replace(/: string|: boolean/g, '').replace(/\/\*\*.*\*\/\n/, '');
  return new Function('process', `${helper}\nreturn (${value.code});`)({ env }) as string;
}

test('text without variables stays a plain string; $$ is a literal dollar', (t) => {
  t.is(interpolate('postgres:16'), 'postgres:16');
  t.is(interpolate('cost $$5'), 'cost $5');
  t.is(interpolate('a $ b'), 'a $ b');
});

test('${VAR:-default} is kept as a process.env read, not resolved at import time', (t) => {
  const value = interpolate('${TAG:-latest}');
  t.true(value instanceof Code);
  t.is((value as Code).code, "process.env.TAG || 'latest'");
  t.is((interpolate('${TAG-latest}') as Code).code, "process.env.TAG ?? 'latest'");
  t.is((interpolate('${TAG}') as Code).code, "process.env.TAG ?? ''");
  t.is((interpolate('${TAG:-}') as Code).code, "process.env.TAG ?? ''");
});

test('the generated expressions follow Compose: :- also replaces an empty value, - only an unset one', (t) => {
  t.is(evaluate('${A:-x}', {}), 'x');
  t.is(evaluate('${A:-x}', { A: '' }), 'x');
  t.is(evaluate('${A-x}', { A: '' }), '');
  t.is(evaluate('${A-x}', {}), 'x');
  t.is(evaluate('$A and ${B}', { A: '1', B: '2' }), '1 and 2');
  t.is(evaluate('${A:+on}', { A: 'y' }), 'on');
  t.is(evaluate('${A:+on}', {}), '');
  t.is(evaluate('x:${A:-${B:-deep}}`', {}), 'x:deep`');
  t.is(evaluate('${A:?set it}', { A: 'v' }), 'v');
  t.throws(() => evaluate('${A:?set it}', {}), { message: 'A must be set: set it' });
});

test('withDefaults gives the value Compose would use with nothing set, or undefined', (t) => {
  t.is(withDefaults('${PORT:-8000}'), '8000');
  t.is(withDefaults('${A:-./data}/x'), './data/x');
  t.is(withDefaults('${PORT}'), undefined);
});

test('string commands are split into words as a shell would, keeping ${…} whole', (t) => {
  t.deepEqual(splitWords(`sh -c 'echo "hi there"' x\\ y`), ['sh', '-c', 'echo "hi there"', 'x y']);
  t.deepEqual(splitWords('--requirepass ${REDIS_AUTH:-my secret}'), ['--requirepass', '${REDIS_AUTH:-my secret}']);
  t.deepEqual(splitWords('  '), []);
  t.deepEqual(splitWords(`a "" b`), ['a', '', 'b']);
});
