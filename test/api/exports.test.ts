/**
 * The package's entry points, resolved by name as a user's code resolves
 * them: `cidx` is the core's public API plus `up()`, `cidx/plugins` the
 * built-in plugins, and the CLI bundle carries none of the programmatic API.
 */
import { readFile } from 'node:fs/promises';
import test from 'ava';

test("'cidx' exports everything the core's public API does, plus up, down and ServiceFailedError", async (t) => {
  const entry = await import('cidx');
  const core = await import('../../core/index.js');
  for (const name of Object.keys(core)) t.is((entry as Record<string, unknown>)[name], (core as Record<string, unknown>)[name], name);
  t.is(typeof entry.up, 'function');
  t.is(typeof entry.down, 'function');
  t.is(typeof entry.ServiceFailedError, 'function');
  t.is(typeof entry.envVariables, 'function');
});

test("'cidx/plugins' exports each built-in plugin factory and the list the CLI applies", async (t) => {
  const plugins = await import('cidx/plugins');
  const factories = [plugins.dockerRuntime, plugins.podmanRuntime, plugins.portCache, plugins.preferredPortFallback, plugins.healthCheck];
  t.deepEqual(
    factories.map((factory) => factory().name),
    ['docker-runtime', 'podman-runtime', 'port-cache', 'preferred-port-fallback', 'health-check'],
  );
  t.deepEqual(plugins.builtinPlugins().map((plugin) => plugin.name), factories.map((factory) => factory().name));
});

test('the CLI bundle does not carry the programmatic API (no start-up cost for cidx)', async (t) => {
  const bundle = await readFile(new URL('../../bundle/cidx.cjs', import.meta.url), 'utf8');
  t.true(bundle.includes('no service "'), 'a string the CLI itself has is found: the check can see into the bundle');
  for (const text of ['<config object>', 'was aborted before every service was healthy', 'in this stack']) t.false(bundle.includes(text), text);
});
