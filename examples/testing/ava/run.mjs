/**
 * AVA has no global setup (each test file runs in its own worker): this
 * runner brings the stack up, runs AVA with the stack's URLs in its
 * environment (see `cidx env`: CIDX_WEB_HTTP_URL, …), and takes the stack
 * down whatever AVA's verdict. Arguments are passed on to AVA.
 *
 *   node examples/testing/ava/run.mjs [--verbose]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { down, up } from 'cidx';

const config = new URL('./cidx.config.ts', import.meta.url);
// AVA's command-line entry, next to its main module (its package exports only the latter).
const avaCli = path.join(path.dirname(fileURLToPath(import.meta.resolve('ava'))), 'cli.mjs');
const avaConfig = fileURLToPath(new URL('./ava.config.mjs', import.meta.url));

const stack = await up({ config }).catch(async (/** @type {unknown} */ error) => {
  await down({ config }); // leave nothing behind when the setup fails
  throw error;
});
try {
  // Ctrl-C reaches AVA too (same process group): outlive it, to take the stack down after it.
  process.on('SIGINT', () => {});
  const ava = spawn(process.execPath, [avaCli, '--config', avaConfig, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, ...stack.env() },
  });
  const [code] = await once(ava, 'exit');
  process.exitCode = code ?? 1;
} finally {
  await stack.down();
}
