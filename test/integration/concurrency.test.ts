/**
 * Concurrency and interruption: applies racing on one project, an
 * apply stopped by Ctrl-C or SIGTERM, and two checkouts of one config side by
 * side. Every test runs once per runtime on real Docker and real Podman.
 */
import test from 'ava';
import path from 'node:path';
import { httpGet } from '../helpers/net.js';
import { createProject, withProject } from '../helpers/project.js';
import { applyOk, assertOnePerService, containerIds, hostPorts, service, STACK_LINE, timed } from '../helpers/reports.js';
import { projectContainerIds, projectContainers, projectVolumes, RUNTIMES, runtimeShim, TEST_IMAGE } from '../helpers/runtime.js';
import { threeServices, THREE_SERVICE_PORTS, webService } from '../helpers/services.js';
import type { ProjectReport } from '../../core/model.js';

const SERVICE_NAMES = Object.keys(THREE_SERVICE_PORTS).sort();


/**
 * `slow` answers its health check only after 6 s, so an apply is certain to
 * be waiting for it when signalled, even on a loaded machine.
 */
const slowStarter = {
  services: {
    slow: {
      image: TEST_IMAGE,
      ports: { http: 8080 },
      env: { HTTP_PORTS: '8080', DELAY: '6' },
      volumes: { data: '/data' },
      health: { http: { port: 'http', path: '/healthz' }, timeout: '30s' },
    },
    quick: {
      image: TEST_IMAGE,
      ports: { http: 8080 },
      env: { HTTP_PORTS: '8080' },
      health: { http: { port: 'http', path: '/healthz' }, timeout: '30s' },
    },
  },
};

/** How long cidx may take to stop once signalled: it has nothing left to do but release its lock. */
const STOP_WITHIN_MS = 5_000;

for (const runtime of RUNTIMES) {
  test(`${runtime}: two applies started at once both exit 0 and leave one container per service`, withProject, threeServices(), async (t, project) => {
    const [a, b] = await Promise.all([
      project.spawn(['apply', '--json', '--runtime', runtime]).result,
      project.spawn(['apply', '--json', '--runtime', runtime]).result,
    ]);
    t.is(a!.exitCode, 0, a!.describe());
    t.is(b!.exitCode, 0, b!.describe());
    await assertOnePerService(t, runtime, project, SERVICE_NAMES);

    const ids = (await projectContainerIds(runtime, project.id)).sort();
    const reports = [a!.json<ProjectReport>(), b!.json<ProjectReport>()];
    for (const report of reports) {
      t.deepEqual(Object.values(containerIds(report)).sort(), ids, 'each apply reports the containers that exist');
      for (const entry of report.services) t.like(entry, { state: 'running', healthy: true }, entry.name);
    }
    t.deepEqual(hostPorts(reports[0]!), hostPorts(reports[1]!), 'both applies report the same ports');
    // One of them created everything; the other found it done (or adopted it).
    const actions = reports.map((report) => report.services.map((entry) => entry.action).sort().join(','));
    t.true(actions.includes('created,created,created'), actions.join(' | '));
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${runtime}: ${signal} while apply waits for health stops it with exit 130; the next apply converges`, withProject, slowStarter, async (t, project) => {
      const running = project.spawn(['apply', '--runtime', runtime]);
      await running.stderrLine(/^slow: waiting for health$/);
      t.true(running.kill(signal), `could not send ${signal} to cidx`);
      const { value: stopped, ms } = await timed(() => running.result);
      t.is(stopped.exitCode, 130, stopped.describe());
      t.true(ms < STOP_WITHIN_MS, `cidx took ${Math.round(ms)} ms to stop after ${signal}`);
      t.regex(stopped.stderr, /error\[INTERRUPTED\]/, stopped.describe());
      t.notRegex(stopped.stderr, STACK_LINE, 'an interruption prints no stack trace');

      const report = await applyOk(t, project, runtime);
      for (const entry of report.services) t.like(entry, { state: 'running', healthy: true }, entry.name);
      await assertOnePerService(t, runtime, project, ['slow', 'quick']);
      t.deepEqual(await projectVolumes(runtime, project.id), [`cidx-${project.id}-slow.data`], 'no duplicate volume');
    });
  }

  test(`${runtime}: Ctrl-C while \`${runtime} run\` is in flight exits 130 as interrupted, stops no service, and the next apply converges`, withProject, webService(), async (t, project) => {
    // A terminal's Ctrl-C signals the whole foreground process group: cidx and the runtime CLI it is waiting on.
    // The shim sends it 50 ms into the first `${runtime} run`, while that call is in flight.
    const shim = await runtimeShim(runtime, path.dirname(project.root), { interruptFirstRunAfter: 0.05 });
    const stopped = await project.spawn(['apply', '--runtime', runtime], { processGroup: true, env: shim.env }).result;
    const exitedAt = Date.now();
    await shim.runStarted(0);
    t.is(stopped.exitCode, 130, stopped.describe());
    // The `run` in flight is waited for (it may be pulling an image; cutting it short could leave half a
    // container), however slow a loaded engine is. What follows it must not be: nothing new starts.
    const runReturnedAt = await shim.runFinishedAt();
    t.not(runReturnedAt, undefined, `cidx exited before the \`${runtime} run\` in flight returned\n${stopped.describe()}`);
    const after = exitedAt - (runReturnedAt ?? exitedAt);
    t.true(after < STOP_WITHIN_MS, `cidx went on for ${Math.round(after)} ms after the \`${runtime} run\` in flight returned: it did not stop at the SIGINT\n${stopped.describe()}`);
    t.regex(stopped.stderr, /error\[INTERRUPTED\]/, `an interruption is reported as one, not as the runtime call it cut short\n${stopped.describe()}`);
    t.notRegex(stopped.stderr, STACK_LINE, 'an interruption prints no stack trace');

    // Ctrl-C stops cidx, not the services: a container the interrupted run got to start must not have been signalled.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const left = await projectContainers(runtime, project.id);
    t.deepEqual(
      left.filter((container) => container.State.Status === 'exited').map((container) => `${container.Name} exited (${container.State.ExitCode})`),
      [],
      'the Ctrl-C meant for cidx reached the service container',
    );

    const report = await applyOk(t, project, runtime);
    for (const entry of report.services) t.like(entry, { state: 'running', healthy: true }, entry.name);
    await assertOnePerService(t, runtime, project, ['web']);
  });

  test(`${runtime}: a second Ctrl-C quits at once, without waiting for the \`${runtime} run\` in flight; the next apply adopts what it made`, withProject, webService(), async (t, project) => {
    // The first `run` dawdles 4 s before reaching the engine, as a slow image pull would.
    const shim = await runtimeShim(runtime, path.dirname(project.root), { delayFirstRun: 4 });
    const running = project.spawn(['apply', '--runtime', runtime], { env: shim.env });
    await shim.runStarted();
    t.true(running.kill('SIGINT'));
    await running.stderrLine(/SIGINT: stopping once the runtime calls in flight return \(press Ctrl-C again to quit now\)/);
    t.true(running.kill('SIGINT'));
    const { value: stopped, ms } = await timed(() => running.result);
    t.is(stopped.exitCode, 130, stopped.describe());
    t.true(ms < STOP_WITHIN_MS, `cidx took ${Math.round(ms)} ms to quit after the second SIGINT`);
    t.is(await shim.runFinishedAt(), undefined, 'cidx waited for the `run` in flight after all');

    // The abandoned `run` goes on in its own process group and makes the container; the next apply
    // takes over the lock the quitting cidx left and adopts that container instead of making another.
    await shim.runFinished();
    const report = await applyOk(t, project, runtime);
    t.like(service(report, 'web'), { state: 'running', healthy: true, action: 'unchanged' });
    await assertOnePerService(t, runtime, project, ['web']);
  });

  test(`${runtime}: two project dirs with the same config get their own ids, containers, volumes and ports; down in one spares the other`, async (t) => {
    const one = await createProject(threeServices());
    const two = await createProject(threeServices());
    try {
      t.is(one.root.split('/').pop(), two.root.split('/').pop(), 'same directory name, so the same project name');
      t.not(one.id, two.id);
      const [a, b] = await Promise.all([applyOk(t, one, runtime), applyOk(t, two, runtime)]);
      t.is(a.project.name, b.project.name);
      t.not(a.project.id, b.project.id);

      const names = (report: ProjectReport) => report.services.map((entry) => entry.container?.name);
      t.deepEqual(names(a).filter((name) => names(b).includes(name)), [], 'container names overlap');
      const volumesA = await projectVolumes(runtime, one.id);
      const volumesB = await projectVolumes(runtime, two.id);
      t.is(volumesA.length, 1);
      t.is(volumesB.length, 1);
      t.not(volumesA[0], volumesB[0]);
      const portsA = Object.values(hostPorts(a)).flatMap((ports) => Object.values(ports));
      const portsB = Object.values(hostPorts(b)).flatMap((ports) => Object.values(ports));
      t.deepEqual(portsA.filter((port) => portsB.includes(port)), [], 'host ports overlap');

      const down = await one.cidx(['down', '--runtime', runtime]);
      t.is(down.exitCode, 0, down.describe());
      t.deepEqual(await projectContainerIds(runtime, one.id), []);
      await assertOnePerService(t, runtime, two, SERVICE_NAMES);
      t.deepEqual(await projectVolumes(runtime, two.id), volumesB);
      const http = service(b, 'qdrant').ports.find((port) => port.name === 'http')!;
      t.is((await httpGet(`${http.url}/healthz`)).status, 200, "the other project's service still answers");
      const status = await two.cidx(['status', '--json', '--runtime', runtime]);
      t.is(status.exitCode, 0, status.describe());
      for (const entry of status.json<ProjectReport>().services) t.like(entry, { state: 'running', healthy: true }, entry.name);
    } finally {
      await Promise.all([one.cleanup(), two.cleanup()]);
    }
  });
}
