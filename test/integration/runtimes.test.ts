/**
 * The guard: integration tests need both runtimes and the local test image.
 * A missing one fails here, loudly, with what to do; it is never a skip,
 * in CI or on a laptop, because a skipped runtime is an untested runtime.
 */
import test from 'ava';
import { execa } from 'execa';
import { RUNTIMES, TEST_IMAGE } from '../helpers/runtime.js';

const where = process.env.CI ? ' (CI: a missing runtime fails the build; it is never skipped)' : '';

for (const runtime of RUNTIMES) {
  test(`${runtime} is installed and its engine answers \`${runtime} info\``, async (t) => {
    const result = await execa(runtime, ['info'], { reject: false, timeout: 30_000, stdin: 'ignore' });
    t.is(result.exitCode, 0, `\`${runtime} info\` failed${where}: ${result.stderr || result.shortMessage}`);
  });

  test(`${runtime} has the test image ${TEST_IMAGE}`, async (t) => {
    const result = await execa(runtime, ['image', 'inspect', TEST_IMAGE], { reject: false, timeout: 30_000, stdin: 'ignore' });
    t.is(result.exitCode, 0, `${TEST_IMAGE} is missing from ${runtime}${where}; build it with test/fixtures/image/build.sh\n${result.stderr || result.shortMessage}`);
  });
}
