/**
 * Plugin-owned service sections (CidxPlugin.serviceSections): a key a plugin
 * in the config owns is validated by that plugin's schema and handed on
 * parsed; without the plugin it is an unknown key as before; a plugin cannot
 * take a key cidx or another plugin uses.
 */
import test from 'ava';
import { z } from 'zod';
import { validateConfig } from '../../../../core/config/validate.js';
import { hasCode } from '../../../../core/errors.js';
import type { CidxPlugin } from '../../../../core/plugin.js';
import { CONFIG_FILE, problems } from '../../helpers/config-problems.js';

const section = z.strictObject({ replicas: z.number().int().min(0).default(1) });
const owner = (key = 'fleet', name = 'fleet-runtime'): CidxPlugin => ({ name, apply: () => undefined, serviceSections: { [key]: section } });

test('a section owned by a plugin in the config is validated by its schema and reaches the config parsed, defaults applied', (t) => {
  const { config } = validateConfig({ services: { web: { image: 'w', fleet: {} }, db: { image: 'd', fleet: { replicas: 3 } }, plain: { image: 'p' } }, plugins: [owner()] }, CONFIG_FILE);
  t.deepEqual((config.services.web as unknown as Record<string, unknown>).fleet, { replicas: 1 });
  t.deepEqual((config.services.db as unknown as Record<string, unknown>).fleet, { replicas: 3 });
  t.false('fleet' in config.services.plain!);
  t.is(config.services.web!.image, 'w', 'the built-in keys are validated as before');
});

test("a section's problems carry the config path, with the other problems of the config, all at once", (t) => {
  t.deepEqual(problems({ services: { web: { image: 'w', fleet: { replicas: -1, extra: true }, dependsOn: ['nope'] } }, plugins: [owner()] }).sort(), [
    'services.web.dependsOn.0: unknown service "nope"; known: web',
    'services.web.fleet.replicas: Too small: expected number to be >=0',
    'services.web.fleet: Unrecognized key: "extra"',
  ]);
});

test('without the plugin, its key is an unknown key of the service', (t) => {
  const lines = problems({ services: { web: { image: 'w', fleet: { replicas: 2 } } } });
  t.is(lines.length, 1);
  t.regex(lines[0]!, /^services\.web\.fleet: unknown key/);
});

test('a plugin cannot own a key cidx uses, nor one another plugin owns', (t) => {
  t.deepEqual(problems({ services: { web: { image: 'w' } }, plugins: [owner('image', 'greedy'), owner(), owner('fleet', 'second')] }), [
    'plugins.0: plugin greedy claims the service key "image", which cidx itself uses',
    'plugins.2: plugin second claims the service key "fleet", which plugin fleet-runtime owns',
  ]);
});

test('a section schema that is not a Standard Schema, or validates asynchronously, is a config problem, not a crash', (t) => {
  const notSchema: CidxPlugin = { name: 'odd', apply: () => undefined, serviceSections: { odd: {} as never } };
  const asyncSchema: CidxPlugin = { name: 'slow', apply: () => undefined, serviceSections: { slow: { '~standard': { validate: async () => ({ value: 1 }) } } } };
  const error = t.throws(() => validateConfig({ services: { web: { image: 'w', slow: 1 } }, plugins: [notSchema, asyncSchema] }, CONFIG_FILE));
  t.true(hasCode(error, 'CONFIG_INVALID'));
  t.deepEqual((error as unknown as { details: string[] }).details, [
    "plugins.0: plugin odd's section \"odd\" has no Standard Schema validator (`~standard.validate`), e.g. a zod schema",
    "services.web.slow: plugin slow's schema validates asynchronously; cidx needs a synchronous schema",
  ]);
});
