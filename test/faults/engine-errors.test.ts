/**
 * An engine that dies mid-apply is reported as what it is, ENGINE_UNAVAILABLE,
 * at once: not retried as if ports were still being published, not reported
 * as a container that "disappeared". The death is played by a shim that,
 * after the first `run`, answers every call with the engine's own
 * "cannot connect" words (captured in test/fixtures/json/engine-errors.json);
 * the real engines are never touched.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test, { type ExecutionContext } from 'ava';
import { withProject, type CidxRun, type TestProject } from '../helpers/project.js';
import { STACK_LINE } from '../helpers/reports.js';
import { RUNTIMES, runtimeShim, TEST_IMAGE, type Runtime } from '../helpers/runtime.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/json/engine-errors.json', import.meta.url));
const CAPTURED = JSON.parse(readFileSync(FIXTURES, 'utf8')) as Record<string, { stderr: string }>;
/** What each CLI prints, and exits with, when its engine is gone. */
const GONE: Record<Runtime, { stderr: string; exitCode: number }> = {
  docker: { stderr: CAPTURED.dockerEngineGoneInspect!.stderr.replace('unix:///nonexistent', 'unix:///var/run/docker.sock'), exitCode: 1 },
  podman: { stderr: CAPTURED.podmanEngineGone!.stderr, exitCode: 125 },
};
/** Calls cidx may still make once the engine is gone: the one that finds out, and a best-effort cleanup or two. */
const AT_MOST_CALLS_AFTER = 3;

const web = (extra: Record<string, unknown> = {}) => ({ image: TEST_IMAGE, ports: { http: 8080 }, env: { HTTP_PORTS: '8080' }, ...extra });

/** Applies while the shim plays an engine that dies after the first `run`; returns the run and the calls the dead engine got. */
async function applyWhileEngineDies(t: ExecutionContext, runtime: Runtime, project: TestProject): Promise<{ run: CidxRun; calls: string[] }> {
  const shim = await runtimeShim(runtime, path.dirname(project.root), { engineGoneAfterFirstRun: GONE[runtime].stderr, engineGoneExitCode: GONE[runtime].exitCode });
  const run = await project.cidx(['apply', '--runtime', runtime], { env: shim.env, timeout: 90_000 });
  const diedAt = await shim.runFinishedAt();
  t.log(`apply gave up ${diedAt === undefined ? '?' : Math.round(Date.now() - diedAt)} ms after the engine stopped answering`);
  return { run, calls: await shim.goneCalls() };
}

/** cidx found out, and did not keep calling a dead engine. */
function assertGaveUp(t: ExecutionContext, calls: string[]): void {
  t.true(calls.length >= 1, 'the shim never played the dead engine: the test proves nothing');
  t.true(calls.length <= AT_MOST_CALLS_AFTER, `cidx kept calling a dead engine ${calls.length} times:\n${calls.join('\n')}`);
}

for (const runtime of RUNTIMES) {
  test(`${runtime}: an engine that stops answering right after \`run\` fails the apply with ENGINE_UNAVAILABLE, exit 1, without retrying`, withProject, {
    services: { web: web({ health: { http: { port: 'http', path: '/healthz' }, timeout: '30s' } }) },
  }, async (t, project) => {
    const { run, calls } = await applyWhileEngineDies(t, runtime, project);
    t.is(run.exitCode, 1, run.describe());
    t.regex(run.stderr, /error\[ENGINE_UNAVAILABLE\] the \w+ engine at .* stopped answering/, run.describe());
    t.notRegex(run.stderr, /disappeared|SERVICE_EXITED|RUNTIME_UNAVAILABLE/, run.describe());
    t.notRegex(run.stderr, STACK_LINE, run.describe());
    assertGaveUp(t, calls);
  });

  test(`${runtime}: an engine that stops answering while cidx waits for health fails the service with ENGINE_UNAVAILABLE, not a health timeout`, withProject, {
    // Asked for by number, so no inspect follows the run: the liveness check during the wait is the first to find out.
    preferredPorts: { web: 39000 + (runtime === 'docker' ? 417 : 418) },
    services: { web: web({ health: { http: { port: 'http', path: '/never-there' }, timeout: '60s' } }) },
  }, async (t, project) => {
    const { run, calls } = await applyWhileEngineDies(t, runtime, project);
    t.is(run.exitCode, 1, run.describe());
    t.regex(run.stderr, /error\[ENGINE_UNAVAILABLE\]/, run.describe());
    t.notRegex(run.stderr, /HEALTH_TIMEOUT|was not healthy within|RUNTIME_UNAVAILABLE/, run.describe());
    assertGaveUp(t, calls);
  });
}
