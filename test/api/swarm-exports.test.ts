/**
 * `cidx/swarm`: the swarm runtime plugin, resolved by name as a user's config
 * resolves it, and written as a third party would write it: its sources
 * import cidx only through the package's public entries.
 */
import { readdir, readFile } from 'node:fs/promises';
import test from 'ava';

test("'cidx/swarm' exports swarmRuntime: a plugin that owns the service key `swarm` and serves runtime 'swarm' only when asked by name", async (t) => {
  const { swarmRuntime } = await import('cidx/swarm');
  const plugin = swarmRuntime();
  t.is(plugin.name, 'swarm-runtime');
  t.deepEqual(Object.keys(plugin.serviceSections ?? {}), ['swarm']);
});

test('plugins/swarm-runtime imports cidx only through its public entries (cidx, cidx/plugins, cidx/oci-cli)', async (t) => {
  const dir = new URL('../../../plugins/swarm-runtime/', import.meta.url);
  const files = (await readdir(dir)).filter((file) => file.endsWith('.ts'));
  t.true(files.length >= 4);
  for (const file of files) {
    // Code only: the doc comments show users' imports (`from 'cidx/swarm'`).
    const source = (await readFile(new URL(file, dir), 'utf8')).replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const specifiers = [...source.matchAll(/(?:from|import\()\s*'([^']+)'/g)].map((match) => match[1]!);
    const outside = specifiers.filter((specifier) => !/^(cidx|cidx\/plugins|cidx\/oci-cli|zod|execa|node:.*|\.\/[\w-]+\.js)$/.test(specifier));
    t.deepEqual(outside, [], file);
  }
});
