/**
 * cliRuntimePlugin: claims its runtime by name without a probe, takes part
 * in `auto` in stage order, and records what it declined in `request.tried`
 * so the core's error can name the runtimes without knowing any.
 */
import test from 'ava';
import { createHooks, type RuntimeRequest } from '../../../../core/hooks.js';
import { validateConfig } from '../../../../core/config/validate.js';
import { quietLogger } from '../../../../core/logger.js';
import { cliRuntimePlugin } from '../../../../plugins/oci-cli/runtime-plugin.js';
import type { Dialect } from '../../../../plugins/oci-cli/dialect.js';

const loaded = validateConfig({ services: {} }, '/tmp/runtime-plugin-unit/cidx.config.ts');
const dialect = (name: string): Dialect => ({ name, engineHost: () => undefined, engineAddress: () => `the ${name} engine`, parseInfo: () => ({ serverVersion: undefined, rootless: undefined }) });

function hooksWith(...plugins: ReturnType<typeof cliRuntimePlugin>[]) {
  const hooks = createHooks();
  for (const plugin of plugins) plugin.apply(hooks);
  return hooks;
}
const request = (requested: string, tried: string[]): RuntimeRequest => ({ ...loaded, command: 'apply', signal: new AbortController().signal, logger: quietLogger, requested, tried });

test('a request by name is claimed without a probe, even when the binary does not exist', async (t) => {
  const hooks = hooksWith(cliRuntimePlugin({ dialect: dialect('nerd'), binary: '/nonexistent/nerd' }));
  const tried: string[] = [];
  const runtime = await hooks.resolveRuntime.promise(request('nerd', tried));
  t.is(runtime?.name, 'nerd');
  t.deepEqual(tried, []);
});

test('auto probes in stage order and records each runtime that did not answer; auto: false stays out of it', async (t) => {
  const hooks = hooksWith(
    cliRuntimePlugin({ dialect: dialect('late'), binary: '/nonexistent/late', stage: 20 }),
    cliRuntimePlugin({ dialect: dialect('early'), binary: '/nonexistent/early', stage: 5 }),
    cliRuntimePlugin({ dialect: dialect('manual'), binary: '/nonexistent/manual', auto: false }),
  );
  const tried: string[] = [];
  t.is(await hooks.resolveRuntime.promise(request('auto', tried)), undefined);
  t.deepEqual(tried, ['early', 'late']);
});

test('a name no plugin serves is declined by each, which names its own runtime', async (t) => {
  const hooks = hooksWith(cliRuntimePlugin({ dialect: dialect('a'), stage: 1 }), cliRuntimePlugin({ dialect: dialect('b'), stage: 2 }));
  const tried: string[] = [];
  t.is(await hooks.resolveRuntime.promise(request('c', tried)), undefined);
  t.deepEqual(tried, ['a', 'b']);
});
