/**
 * How a session applies plugins (hook API v2): `extendConfig` before
 * validation, `disable` switching built-ins off, and the error a plugin
 * written for API v1 meets. Config objects are handed in as `raw`, as the
 * programmatic API does, so nothing is read from disk and no runtime runs.
 */
import test from 'ava';
import { definePlugin, type CidxPlugin } from '../../../core/plugin.js';
import { openProjectSession } from '../../../core/session.js';
import { isTapped, type HealthRequest } from '../../../core/hooks.js';
import { builtinPlugins } from '../../../plugins/index.js';
import { desiredOne, inertRuntime, observedFrom } from '../helpers/contexts.js';

const FILE = '/work/example-project/cidx.config.ts';
const open = (raw: Record<string, unknown>, plugins: CidxPlugin[] = builtinPlugins()) => openProjectSession({ command: 'plan', plugins, raw: { raw, filepath: FILE } });

const addCache = definePlugin({
  name: 'add-cache',
  apply(hooks) {
    hooks.extendConfig.tap('add-cache', (config) => ({ ...config, services: { ...config.services, cache: { image: 'redis:7', ports: { redis: 6379 } } } }));
  },
});

test('an extendConfig tap adds a service; the session sees it validated, with defaults', async (t) => {
  const session = await open({ services: { web: { image: 'w' } }, plugins: [addCache] });
  t.deepEqual(Object.keys(session.config.services).sort(), ['cache', 'web']);
  t.deepEqual(session.config.services.cache!.dependsOn, [], 'validation applied the defaults');
});

test('what an extendConfig tap adds is validated like the user\'s own config', async (t) => {
  const bad = definePlugin({ name: 'bad', apply: (hooks) => hooks.extendConfig.tap('bad', (config) => ({ ...config, services: { ...config.services, broken: { image: 'x', ports: { http: 0 } } } })) });
  const error = await t.throwsAsync(open({ services: { web: { image: 'w' } }, plugins: [bad] }));
  t.like(error, { code: 'CONFIG_INVALID' });
  t.true((error as unknown as { details: string[] }).details.some((line) => line.startsWith('services.broken.ports.http')));
});

test('extendConfig taps get the config file and the project root, not a validated project', async (t) => {
  let seen: unknown;
  const spy = definePlugin({ name: 'spy', apply: (hooks) => hooks.extendConfig.tap('spy', (config, context) => ((seen = { file: context.configFile, root: context.root }), config)) });
  await open({ services: {}, plugins: [spy] });
  t.deepEqual(seen, { file: FILE, root: '/work/example-project' });
});

test('disable: ["health-check"] switches the built-in off: no checkHealth answer, the service counts as healthy once running', async (t) => {
  const config = { services: { web: { image: 'w', ports: { http: 8080 }, health: { http: { port: 'http' } } } }, disable: ['health-check'] };
  const session = await open(config);
  t.deepEqual(session.config.disable, ['health-check']);
  t.false(isTapped(session.hooks.checkHealth));
  const enabled = await open({ ...config, disable: [] });
  t.true(isTapped(enabled.hooks.checkHealth), 'the same config without disable has the built-in');
  const service = await desiredOne(config, 'web');
  const request: HealthRequest = { ...session, runtime: inertRuntime(), service, container: observedFrom(service), ports: [], wait: false };
  t.is(await session.hooks.checkHealth.promise(request), undefined);
});

test('disable names an unknown plugin: a config error with the closest built-in name', async (t) => {
  const error = await t.throwsAsync(open({ services: {}, disable: ['health-checks'] }));
  t.like(error, { code: 'CONFIG_INVALID', exitCode: 2 });
  t.regex((error as unknown as { details: string[] }).details.join('\n'), /disable\.0: expected the name of a built-in plugin .*did you mean "health-check"\?/);
});

test('a plugin tapping a hook by its v1 name is told the v2 name', async (t) => {
  const v1 = { name: 'old-style', apply: (hooks: Record<string, { tap: (name: string, fn: () => void) => void }>) => hooks.containerSpec!.tap('old-style', () => undefined) } as unknown as CidxPlugin;
  const error = await t.throwsAsync(open({ services: {}, plugins: [v1] }));
  t.like(error, { code: 'PLUGIN_HOOK_UNKNOWN', exitCode: 2 });
  t.regex(error!.message, /plugin old-style taps the hook "containerSpec", which hook API v2 calls "resolveSpec"/);
});

test('without plugins of its own, a config never runs extendConfig (no built-in taps it)', async (t) => {
  const session = await open({ services: { web: { image: 'w' } } });
  t.false(isTapped(session.hooks.extendConfig));
});
