/**
 * node:test on Node 20 has no global setup: this runner brings the stack up,
 * runs the test files with node:test's `run()`, and takes the stack down
 * whatever the tests did. Exit code 1 when a test failed.
 *
 *   node examples/testing/node-test/run.mjs
 */
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { globalSetup, globalTeardown } from './global-setup.mjs';

const files = [fileURLToPath(new URL('./web.test.mjs', import.meta.url))];

await globalSetup();
try {
  let failed = false;
  const tests = run({ files }).on('test:fail', () => {
    failed = true;
  });
  const report = tests.compose(new spec());
  report.pipe(process.stdout);
  await finished(report);
  process.exitCode = failed ? 1 : 0;
} finally {
  await globalTeardown();
}
