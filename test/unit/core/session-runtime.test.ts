/**
 * openSession's "no runtime" error: the names it lists come from the runtime
 * plugins (`request.tried`), so the core names no engine of its own.
 */
import test from 'ava';
import { definePlugin } from '../../../core/plugin.js';
import { openSession } from '../../../core/session.js';
import { validateConfig } from '../../../core/config/validate.js';
import type { CidxError } from '../../../core/errors.js';
import { cliRuntimePlugin } from '../../../plugins/oci-cli/runtime-plugin.js';
import type { Dialect } from '../../../plugins/oci-cli/dialect.js';

const dialect = (name: string): Dialect => ({ name, engineHost: () => undefined, engineAddress: () => `the ${name} engine`, parseInfo: () => ({ serverVersion: undefined, rootless: undefined }) });
/** Two runtimes whose binaries do not exist: `auto` probes both and neither answers. */
const plugins = [
  cliRuntimePlugin({ dialect: dialect('alpha'), binary: '/nonexistent/alpha', stage: 0 }),
  cliRuntimePlugin({ dialect: dialect('beta'), binary: '/nonexistent/beta', stage: 10 }),
];
const session = (runtime: string, list = plugins) =>
  openSession({ command: 'apply', plugins: list, runtime, loaded: validateConfig({ services: {} }, '/tmp/session-runtime-unit/cidx.config.ts') });

test("auto with no runtime answering names what the plugins tried, in their order, and how to choose one", async (t) => {
  const error = (await t.throwsAsync(session('auto'))) as CidxError;
  t.is(error.code, 'RUNTIME_UNAVAILABLE');
  t.is(error.message, 'no container runtime answered (tried alpha, then beta)');
  t.is(error.hint, 'Install alpha or beta, start its daemon, or choose one with `--runtime alpha|beta`.');
});

test('a name no plugin serves lists the names the runtime plugins provide', async (t) => {
  const error = (await t.throwsAsync(session('gamma'))) as CidxError;
  t.is(error.message, 'no plugin provides the runtime "gamma"');
  t.is(error.hint, "Available: alpha, beta, auto. Other names need a runtime plugin in the config's `plugins`.");
});

test('auto with no runtime plugin at all says so, naming no engine', async (t) => {
  const error = (await t.throwsAsync(session('auto', [definePlugin({ name: 'none', apply: () => undefined })]))) as CidxError;
  t.is(error.code, 'RUNTIME_UNAVAILABLE');
  t.notRegex(`${error.message} ${error.hint}`, /docker|podman/i);
});
