/**
 * Global setup and teardown for node:test. The stack comes up once for every
 * test file; its URLs reach the tests as environment variables (see
 * `cidx env`: CIDX_WEB_HTTP_URL, …), which the test processes inherit.
 *
 * The exports have the shape of Node's `--test-global-setup` module (newer
 * Node releases); on Node 20, run.mjs calls them around the run.
 */
import { down, up } from 'cidx';

/** The project root is this directory, wherever the tests are run from. */
const config = new URL('./cidx.config.ts', import.meta.url);

/** @type {import('cidx').Stack | undefined} */
let stack;

export async function globalSetup() {
  try {
    stack = await up({ config });
  } catch (error) {
    await down({ config }); // a failed setup gets no teardown: leave nothing behind
    throw error;
  }
  Object.assign(process.env, stack.env());
}

export async function globalTeardown() {
  await stack?.down();
}
