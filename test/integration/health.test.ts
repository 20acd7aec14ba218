/**
 * Readiness: apply exits 0 only when every service is really ready, and when
 * something is wrong it says what, where and why, fast. Every test runs once
 * per runtime on real Docker and real Podman.
 */
import test from 'ava';
import type { ProjectReport } from '../../core/model.js';
import { httpGet } from '../helpers/net.js';
import { withProject } from '../helpers/project.js';
import { applyOk, service, STACK_LINE, timed } from '../helpers/reports.js';
import { finishedAtMs, inspectContainers, projectContainerIds, projectContainers, projectVolumes, RUNTIMES, runtimeCli, startedAtMs, TEST_IMAGE } from '../helpers/runtime.js';

/** An HTTP service on container port 8080 with an http probe on /healthz; `extra` is merged over it. */
function web(extra: Record<string, unknown> = {}, env: Record<string, string> = {}): Record<string, unknown> {
  return {
    image: TEST_IMAGE,
    ports: { http: 8080 },
    env: { HTTP_PORTS: '8080', ...env },
    health: { http: { port: 'http', path: '/healthz' }, timeout: '20s' },
    ...extra,
  };
}

const services = (entries: Record<string, unknown>) => ({ services: entries });

const DELAY_S = 3;

/*
 * The tests that bound a duration (fail fast, time out on time, give up
 * within seconds) are serial: ava runs them one at a time before this file's
 * concurrent tests, so the bound measures cidx, not CPU contention from a
 * dozen runtime CLIs started by the other tests. Each clock starts at the
 * event it is about (the container's exit, cidx starting to wait) where one
 * can be observed, since the machine may be shared with other test runs.
 */

for (const runtime of RUNTIMES) {
  test(`${runtime}: a slow starter (ready after ${DELAY_S} s) is waited for and reported healthy`, withProject, services({ slow: web({}, { DELAY: String(DELAY_S) }) }), async (t, project) => {
    const report = await applyOk(t, project, runtime);
    const slow = service(report, 'slow');
    t.like(slow, { state: 'running', healthy: true, action: 'created', health: { healthy: true, detail: 'HTTP 200 from /healthz' } });
    t.is((await httpGet(`${slow.ports[0]!.url}/healthz`)).status, 200, 'healthy means it answers now');
  });

  test.serial(`${runtime}: a container that exits while awaited fails apply fast with its exit code and log lines`, withProject, services({
    crasher: web({ health: { http: { port: 'http', path: '/healthz' }, timeout: '60s' } }, { DELAY: '1', EXIT_CODE: '3' }),
  }), async (t, project) => {
    const { value: run, ms } = await timed(() => project.cidx(['apply', '--json', '--runtime', runtime]));
    const ended = Date.now();
    t.is(run.exitCode, 1, run.describe());
    // Well before the 60 s timeout, with room for a machine shared with other test runs.
    t.true(ms < 30_000, `took ${Math.round(ms)} ms with a 60 s health timeout: the exit was not noticed at once`);
    const [container] = await projectContainers(runtime, project.id);
    t.is(container?.State.ExitCode, 3);
    const noticed = ended - finishedAtMs(container!);
    // The tight bound: from the container's exit (the runtime's clock, which is this machine's) to cidx's end.
    t.true(noticed < 10_000, `cidx ended ${noticed} ms after the container exited`);
    t.regex(run.stderr, /crasher\b.*\bcode 3\b/, run.describe());
    t.regex(run.stderr, /exiting with 3 as asked/, 'the log tail is shown');
    t.notRegex(run.stderr, STACK_LINE);
    const crasher = service(run.json<ProjectReport>(), 'crasher');
    t.like(crasher, { action: 'failed', healthy: false, error: { code: 'SERVICE_EXITED' } });
    t.true(crasher.error?.details?.some((line) => line.includes('exiting with 3 as asked')), JSON.stringify(crasher.error));
  });

  test.serial(`${runtime}: a service that never gets ready times out at its configured timeout, naming probe and last result`, withProject, services({
    // 9090 is published but nothing listens behind it.
    deaf: web({ ports: { http: 8080, admin: 9090 }, health: { http: { port: 'admin', path: '/healthz' }, timeout: '3s' } }),
  }), async (t, project) => {
    const running = project.spawn(['apply', '--runtime', runtime]);
    // The clock that matters starts when cidx starts waiting; creating the container is the runtime's time.
    const waiting = await running.stderrLine(/^deaf: waiting for health$/);
    const run = await running.result;
    const ms = performance.now() - waiting;
    t.is(run.exitCode, 1, run.describe());
    // Bounds on behaviour, not speed: it waits out the timeout, and gives up at it rather than much later.
    t.true(ms >= 3_000, `gave up ${Math.round(ms)} ms after it started waiting, before the 3 s timeout`);
    t.true(ms < 15_000, `gave up ${Math.round(ms)} ms after it started waiting, for a 3 s timeout`);
    t.regex(run.stderr, /error\[HEALTH_TIMEOUT\] deaf was not healthy within 3s/, run.describe());
    t.regex(run.stderr, /http GET \/healthz on port admin/, 'names the probe');
    t.regex(run.stderr, /last result: \S/, 'gives the last probe result');
    t.regex(run.stderr, /serving http:\[8080\]/, 'shows the log tail');
    t.notRegex(run.stderr, STACK_LINE);
  });

  test(`${runtime}: a tcp probe is not fooled by a published port with nothing behind it`, withProject, services({
    deaf: web({ ports: { http: 8080, raw: 7000 }, health: { tcp: { port: 'raw' }, timeout: '3s' } }),
  }), async (t, project) => {
    const run = await project.cidx(['apply', '--json', '--runtime', runtime]);
    t.is(run.exitCode, 1, run.describe());
    t.like(service(run.json<ProjectReport>(), 'deaf'), { healthy: false, error: { code: 'HEALTH_TIMEOUT' } });
    t.regex(run.stderr, /tcp connect on port raw/, run.describe());
  });

  test(`${runtime}: a missing image fails with IMAGE_UNAVAILABLE naming the image, without a stack trace`, withProject, services({
    ghost: { image: 'nosuch.invalid/x:1', ports: { http: 8080 } },
  }), async (t, project) => {
    const run = await project.cidx(['apply', '--runtime', runtime], { timeout: 60_000 });
    t.is(run.exitCode, 1, run.describe());
    t.regex(run.stderr, /error\[IMAGE_UNAVAILABLE\]/, run.describe());
    t.regex(run.stderr, /nosuch\.invalid\/x:1/);
    t.regex(run.stderr, /ghost/);
    t.notRegex(run.stderr, STACK_LINE);
    t.deepEqual(await projectContainerIds(runtime, project.id), [], 'a failed run left a container behind');
  });

  const unreachable = runtime === 'docker' ? { DOCKER_HOST: 'tcp://127.0.0.1:1' } : { CONTAINER_HOST: 'unix:///nonexistent.sock' };
  const tried = runtime === 'docker' ? /tcp:\/\/127\.0\.0\.1:1/ : /\/nonexistent\.sock/;
  test.serial(`${runtime}: an unreachable engine fails within seconds naming what was tried; --debug adds the stack`, withProject, services({ web: web() }), async (t, project) => {
    const { value: run, ms } = await timed(() => project.cidx(['apply', '--runtime', runtime], { env: unreachable, timeout: 60_000 }));
    t.not(run.exitCode, 0, run.describe());
    t.true(ms < 10_000, `took ${Math.round(ms)} ms to give up`);
    t.regex(run.stderr, /error\[RUNTIME_UNAVAILABLE\]/, run.describe());
    t.regex(run.stderr, tried, 'names the address it tried');
    t.notRegex(run.stderr, STACK_LINE, 'no stack trace without --debug');

    const debug = await project.cidx(['apply', '--debug', '--runtime', runtime], { env: unreachable, timeout: 60_000 });
    t.not(debug.exitCode, 0, debug.describe());
    t.regex(debug.stderr, tried);
    t.regex(debug.stderr, STACK_LINE, `--debug shows the stack\n${debug.describe()}`);
  });

  test(`${runtime}: a dependant starts only after its dependency is healthy; an independent service does not wait`, withProject, services({
    db: web({}, { DELAY: '2' }),
    app: web({ dependsOn: ['db'] }),
    cache: web(),
  }), async (t, project) => {
    const report = await applyOk(t, project, runtime);
    for (const entry of report.services) t.like(entry, { state: 'running', healthy: true, action: 'created' }, entry.name);
    const [db, app, cache] = await inspectContainers(runtime, ['db', 'app', 'cache'].map((name) => service(report, name).container!.id));
    // db serves nothing during its first 2 s, so a healthy db is one that started at least 2 s earlier.
    const gap = startedAtMs(app!) - startedAtMs(db!);
    t.true(gap >= 1_900, `app started ${gap} ms after db: before db could have been healthy`);
    t.true(startedAtMs(cache!) < startedAtMs(app!), 'cache (independent of db) did not start before app: it waited for db');
  });

  test.serial(`${runtime}: a running dependant skipped because its dependency failed is not probed on until its health timeout`, withProject, services({
    base: web(),
    dependant: web({ dependsOn: ['base'], health: { http: { port: 'http', path: '/healthz' }, timeout: '90s' } }),
  }), async (t, project) => {
    const first = await applyOk(t, project, runtime);
    // The dependant keeps running, unchanged, but stops answering its probe; then its dependency breaks.
    await runtimeCli(runtime, ['exec', service(first, 'dependant').container!.name, '/bin/busybox', 'rm', '/www/healthz']);
    await project.writeConfig(services({
      base: web({}, { EXIT_CODE: '3' }),
      dependant: web({ dependsOn: ['base'], health: { http: { port: 'http', path: '/healthz' }, timeout: '90s' } }),
    }));
    const { value: run, ms } = await timed(() => project.cidx(['apply', '--json', '--runtime', runtime]));
    t.is(run.exitCode, 1, run.describe());
    const report = run.json<ProjectReport>();
    t.like(service(report, 'base'), { action: 'failed', error: { code: 'SERVICE_EXITED' } });
    t.like(service(report, 'dependant'), { action: 'skipped', error: { code: 'DEPENDENCY_FAILED' } });
    // Its early probe was never going to be read: cidx must not wait out the 90 s polling it.
    t.true(ms < 45_000, `cidx took ${Math.round(ms)} ms to exit after reporting\n${run.describe()}`);
  });

  test(`${runtime}: a failing dependency keeps its dependant from starting while an independent service comes up`, withProject, services({
    broken: web({}, { DELAY: '1', EXIT_CODE: '3' }),
    dependant: web({ dependsOn: ['broken'] }),
    solo: web(),
  }), async (t, project) => {
    const run = await project.cidx(['apply', '--json', '--runtime', runtime]);
    t.is(run.exitCode, 1, run.describe());
    const report = run.json<ProjectReport>();
    t.like(service(report, 'broken'), { action: 'failed', healthy: false, error: { code: 'SERVICE_EXITED' } });
    t.like(service(report, 'dependant'), { action: 'skipped', healthy: false, container: null, error: { code: 'DEPENDENCY_FAILED' } });
    t.regex(service(report, 'dependant').error?.message ?? '', /broken/);
    t.like(service(report, 'solo'), { action: 'created', state: 'running', healthy: true }, run.describe());
    const containers = await projectContainers(runtime, project.id);
    t.deepEqual(containers.map((container) => container.Config.Labels?.['io.cidx.service']).sort(), ['broken', 'solo'], 'dependant must have no container');
  });

  test(`${runtime}: tcp and http probes pass, with successes: 3 as well as 1`, withProject, services({
    raw: { image: TEST_IMAGE, ports: { tcp: 7000 }, env: { TCP_PORTS: '7000' }, health: { tcp: { port: 'tcp' }, timeout: '20s', successes: 3 } },
    page: web({ health: { http: { port: 'http', path: '/healthz', status: 200 }, timeout: '20s', successes: 3 } }),
    once: web({ health: { http: { port: 8080 }, timeout: '20s' } }),
  }), async (t, project) => {
    const report = await applyOk(t, project, runtime);
    t.like(service(report, 'raw'), { healthy: true, health: { healthy: true } });
    t.regex(service(report, 'raw').health?.detail ?? '', /^TCP \d+ accepts connections$/);
    t.like(service(report, 'page'), { healthy: true, health: { healthy: true, detail: 'HTTP 200 from /healthz' } });
    t.like(service(report, 'once'), { healthy: true, health: { healthy: true, detail: 'HTTP 200 from /' } });

    const status = await project.cidx(['status', '--json', '--runtime', runtime]);
    t.is(status.exitCode, 0, status.describe());
    for (const entry of status.json<ProjectReport>().services) t.like(entry, { healthy: true, health: { healthy: true } }, entry.name);
  });

  test(`${runtime}: a dependency cycle is a config error (exit 2) naming the cycle; nothing is created`, withProject, services({
    a: web({ dependsOn: ['b'] }),
    b: web({ dependsOn: ['a'] }),
    c: web(),
  }), async (t, project) => {
    const run = await project.cidx(['apply', '--runtime', runtime]);
    t.is(run.exitCode, 2, run.describe());
    t.regex(run.stderr, /dependency cycle: (a → b → a|b → a → b)/);
    t.notRegex(run.stderr, STACK_LINE);
    t.deepEqual(await projectContainerIds(runtime, project.id), []);
    t.deepEqual(await projectVolumes(runtime, project.id), []);
  });
}
