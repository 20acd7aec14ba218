/**
 * Probes that cannot hang: a `command` probe that never returns
 * (`sleep infinity`) is cut off at its per-attempt limit, so apply fails at
 * its health timeout, status answers promptly, and one Ctrl-C ends the
 * `exec` in flight. Every test runs once per runtime on real Docker and
 * real Podman.
 */
import test from 'ava';
import type { ProjectReport } from '../../core/model.js';
import { withProject } from '../helpers/project.js';
import { service, STACK_LINE, timed } from '../helpers/reports.js';
import { projectContainers, RUNTIMES, TEST_IMAGE } from '../helpers/runtime.js';

/** A running service whose health command never ends. */
const hanging = (timeout: string) => ({
  services: {
    stuck: {
      // The image's entry point serves nothing without HTTP_PORTS: it just stays up.
      image: TEST_IMAGE,
      health: { command: ['sleep', 'infinity'], timeout },
    },
  },
});

const TIMEOUT_S = 3;
/** Room past the health timeout for a loaded machine: a hang would take the whole CLI timeout (60 s here). */
const SLACK_MS = 10_000;
/** How long cidx may take to stop once signalled: it has nothing left to do but end the `exec` and release its lock. */
const STOP_WITHIN_MS = 5_000;

for (const runtime of RUNTIMES) {
  test.serial(`${runtime}: a command probe that never returns fails apply with HEALTH_TIMEOUT at the health timeout, and status answers promptly`, withProject, hanging(`${TIMEOUT_S}s`), async (t, project) => {
    const running = project.spawn(['apply', '--runtime', runtime], { timeout: 60_000 });
    // The clock starts when cidx starts waiting; creating the container is the runtime's time.
    const waiting = await running.stderrLine(/^stuck: waiting for health$/);
    const run = await running.result;
    const ms = performance.now() - waiting;
    t.is(run.exitCode, 1, run.describe());
    t.true(ms < TIMEOUT_S * 1000 + SLACK_MS, `apply gave up ${Math.round(ms)} ms after it started waiting, for a ${TIMEOUT_S} s timeout`);
    t.regex(run.stderr, new RegExp(`error\\[HEALTH_TIMEOUT\\] stuck was not healthy within ${TIMEOUT_S}s: command \`sleep infinity\`; last result: \`sleep infinity\` did not finish within`), run.describe());
    t.notRegex(run.stderr, STACK_LINE);
    const [container] = await projectContainers(runtime, project.id);
    t.is(container?.State.Status, 'running', 'the service itself is left running');

    const { value: status, ms: statusMs } = await timed(() => project.cidx(['status', '--json', '--runtime', runtime], { timeout: 60_000 }));
    t.is(status.exitCode, 0, status.describe());
    t.true(statusMs < TIMEOUT_S * 1000 + SLACK_MS, `status took ${Math.round(statusMs)} ms for a ${TIMEOUT_S} s health timeout`);
    t.like(service(status.json<ProjectReport>(), 'stuck'), { state: 'running', healthy: false });
    t.regex(service(status.json<ProjectReport>(), 'stuck').health?.detail ?? '', /`sleep infinity` did not finish within/, status.describe());
  });

  test(`${runtime}: one SIGINT while a command probe hangs ends apply with exit 130 at once`, withProject, hanging('60s'), async (t, project) => {
    const running = project.spawn(['apply', '--runtime', runtime], { timeout: 60_000 });
    await running.stderrLine(/^stuck: waiting for health$/);
    // Let the first `exec` get under way, so the signal meets one in flight.
    await new Promise((resolve) => setTimeout(resolve, 500));
    t.true(running.kill('SIGINT'), 'could not send SIGINT to cidx');
    const { value: stopped, ms } = await timed(() => running.result);
    t.is(stopped.exitCode, 130, stopped.describe());
    t.true(ms < STOP_WITHIN_MS, `cidx took ${Math.round(ms)} ms to stop after SIGINT`);
    t.regex(stopped.stderr, /error\[INTERRUPTED\]/, stopped.describe());
    t.notRegex(stopped.stderr, STACK_LINE, 'an interruption prints no stack trace');
  });
}
