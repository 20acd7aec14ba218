/**
 * A recreate never loses the service or its data: the replacement is made
 * before the old container is touched, a failure or Ctrl-C at any step
 * leaves one container serving, anonymous volumes are carried over, and a
 * stopped service whose host port was taken comes back on another one.
 * Every test runs once per runtime on real Docker and real Podman; faults
 * come from the engines themselves or from a shim of their CLI.
 */
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import type { ProjectReport } from '../../core/model.js';
import { closeServer, eventually, freePort, holdPort, httpGet } from '../helpers/net.js';
import { withProject, type TestProject } from '../helpers/project.js';
import { applyOk, assertOnePerService, service, STACK_LINE } from '../helpers/reports.js';
import { projectContainers, RUNTIMES, runtimeCli, runtimeShim, TEST_IMAGE, type InspectedContainer, type Runtime } from '../helpers/runtime.js';

/** TEST_IMAGE with `VOLUME ["/anon"]`, built by test/fixtures/image/build.sh. */
const VOLUME_IMAGE = process.env.CIDX_TEST_VOLUME_IMAGE ?? 'localhost/cidx-test-volume:2';
const FILE = '/qdrant/storage/f';

/** One qdrant-like service with a named volume; `change` alters what a recreate needs. */
function store(change: { body?: string; image?: string; preferred?: number; command?: string[] } = {}): Record<string, unknown> {
  return {
    services: {
      store: {
        image: change.image ?? TEST_IMAGE,
        ports: { http: 6333 },
        env: { HTTP_PORTS: '6333', BODY: change.body ?? 'v1' },
        volumes: { storage: '/qdrant/storage' },
        health: { http: { port: 'http', path: '/healthz' }, timeout: '30s' },
        ...(change.command ? { command: change.command } : {}),
      },
    },
    ...(change.preferred === undefined ? {} : { preferredPorts: { store: { http: change.preferred } } }),
  };
}

/** The project's one container, insisting there is exactly one. */
async function only(t: ExecutionContext, runtime: Runtime, project: TestProject): Promise<InspectedContainer> {
  const containers = await projectContainers(runtime, project.id);
  t.is(containers.length, 1, `exactly one container: ${containers.map((container) => `${container.Name} ${container.State.Status}`).join(', ')}`);
  return containers[0]!;
}

async function readFile(runtime: Runtime, id: string, file: string): Promise<string> {
  return (await runtimeCli(runtime, ['exec', id, 'cat', file])).trim();
}

/** Applies the first config, writes a file into the named volume, and returns what a recreate must keep. */
async function upWithData(t: ExecutionContext, runtime: Runtime, project: TestProject): Promise<{ id: string; url: string }> {
  const report = await applyOk(t, project, runtime);
  const entry = service(report, 'store');
  await runtimeCli(runtime, ['exec', entry.container!.id, 'sh', '-c', `echo precious > ${FILE}`]);
  return { id: entry.container!.id, url: entry.ports[0]!.url! };
}

/**
 * The old container still serves: same id, running, its URL answering with
 * the old body, its data there. `restarted`: it was stopped and started again,
 * and Docker gives a container whose host port it chose a new one at each start.
 */
async function assertOldServes(t: ExecutionContext, runtime: Runtime, project: TestProject, before: { id: string; url: string }, restarted = false): Promise<void> {
  const container = await only(t, runtime, project);
  t.is(container.Id, before.id, 'the old container is the one left');
  t.is(container.State.Status, 'running');
  t.is(container.Name.replace(/^\//, ''), `cidx-${project.id}-store`, 'under its own name');
  const port = container.NetworkSettings.Ports?.['6333/tcp']?.find((binding) => binding.HostIp === '127.0.0.1')?.HostPort;
  const url = restarted ? `http://127.0.0.1:${port}` : before.url;
  if (!restarted) t.is(`http://127.0.0.1:${port}`, before.url, 'on the same host port');
  t.is((await httpGet(url)).body, 'v1', 'its URL answers');
  t.is(await readFile(runtime, container.Id, FILE), 'precious', 'volume data intact');
}

/** Exactly one container serves the service, healthy on its reported URL, with the data. */
async function assertOneServes(t: ExecutionContext, runtime: Runtime, project: TestProject, report: ProjectReport): Promise<void> {
  await assertOnePerService(t, runtime, project, ['store']);
  const entry = service(report, 'store');
  t.like(entry, { state: 'running', healthy: true });
  const container = await only(t, runtime, project);
  t.is(container.Name.replace(/^\//, ''), `cidx-${project.id}-store`);
  t.is((await httpGet(entry.ports[0]!.url!)).status, 200);
  t.is(await readFile(runtime, container.Id, FILE), 'precious', 'volume data intact');
}

for (const runtime of RUNTIMES) {
  test(`${runtime}: a recreate to an image tag that cannot be had leaves the old container serving with its data; exit 1 with IMAGE_UNAVAILABLE naming the image`, withProject, store(), async (t, project) => {
    const before = await upWithData(t, runtime, project);
    const image = 'localhost/cidx-test:no-such-tag';
    await project.writeConfig(store({ image, body: 'v2' }));
    const run = await project.cidx(['apply', '--json', '--runtime', runtime]);
    t.is(run.exitCode, 1, run.describe());
    t.regex(run.stderr, /error\[IMAGE_UNAVAILABLE\]/, run.describe());
    t.true(run.stderr.includes(image), `the message names the image\n${run.describe()}`);
    t.notRegex(run.stderr, STACK_LINE);
    t.like(service(run.json(), 'store'), { action: 'failed', state: 'running', container: { id: before.id }, error: { code: 'IMAGE_UNAVAILABLE' } });
    await assertOldServes(t, runtime, project, before);
  });

  test(`${runtime}: an image removed after an apply saw it (a stale image memo) fails only at the replacement: the old container serves; the next apply checks again`, withProject, store(), async (t, project) => {
    // A tag of our own, so removing it touches no other test: the memo records it when the first apply sees it.
    const image = `localhost/cidx-test:memo-${project.id}`;
    await runtimeCli(runtime, ['tag', TEST_IMAGE, image]);
    t.teardown(() => runtimeCli(runtime, ['rmi', image]).catch(() => undefined));
    await project.writeConfig(store({ image }));
    const before = await upWithData(t, runtime, project);
    await runtimeCli(runtime, ['rmi', image]); // untags only: the container keeps its image
    await project.writeConfig(store({ image, body: 'v2' }));
    const stale = await project.cidx(['apply', '--json', '--runtime', runtime]);
    t.is(stale.exitCode, 1, stale.describe());
    t.notRegex(stale.stderr, /pulling/, 'the memo said present: no pull phase');
    t.like(service(stale.json(), 'store'), { action: 'failed', container: { id: before.id }, error: { code: 'IMAGE_UNAVAILABLE' } });
    await assertOldServes(t, runtime, project, before);

    const again = await project.cidx(['apply', '--json', '--runtime', runtime]);
    t.is(again.exitCode, 1, again.describe());
    t.regex(again.stderr, /pulling for store/, `the failure took the image out of the memo: the pull phase looks again\n${again.describe()}`);
    t.like(service(again.json(), 'store'), { error: { code: 'IMAGE_UNAVAILABLE' } });
    await assertOldServes(t, runtime, project, before);
  });

  test(`${runtime}: a recreate the engine refuses (uppercase image reference) leaves the old container serving with its data; exit 1 with the engine's reason`, withProject, store(), async (t, project) => {
    const before = await upWithData(t, runtime, project);
    await project.writeConfig(store({ image: 'localhost/CIDX-test:2', body: 'v2' }));
    const run = await project.cidx(['apply', '--json', '--runtime', runtime]);
    t.is(run.exitCode, 1, run.describe());
    t.regex(run.stderr, /lowercase/, `the engine's reason is shown\n${run.describe()}`);
    t.like(service(run.json(), 'store'), { action: 'failed', container: { id: before.id } });
    await assertOldServes(t, runtime, project, before);
  });

  test(`${runtime}: a failed start of the replacement starts the old container again, with its data`, withProject, store(), async (t, project) => {
    const before = await upWithData(t, runtime, project);
    // The image has no /nonexistent: the engine accepts the container and fails it at start.
    await project.writeConfig(store({ body: 'v2', command: ['/nonexistent'] }));
    const run = await project.cidx(['apply', '--json', '--runtime', runtime]);
    t.is(run.exitCode, 1, run.describe());
    t.like(service(run.json(), 'store'), { action: 'failed', container: { id: before.id } });
    await assertOldServes(t, runtime, project, before, true);
  });

  // Ctrl-C as each step of the swap begins: before the old container is stopped cidx backs out;
  // after, it finishes the swap first. Either way one container serves, and the next apply converges.
  for (const step of ['create', 'stop', 'start'] as const) {
    test(`${runtime}: Ctrl-C as the recreate's \`${step}\` begins leaves exactly one container serving with its data; the next apply converges`, withProject, store(), async (t, project) => {
      const before = await upWithData(t, runtime, project);
      await project.writeConfig(store({ body: 'v2' }));
      const shim = await runtimeShim(runtime, path.dirname(project.root), { firstCall: { command: step, interrupt: true, delay: 1 } });
      const stopped = await project.spawn(['apply', '--runtime', runtime], { processGroup: true, env: shim.env }).result;
      t.true(await shim.calledFirst(), `cidx never called \`${runtime} ${step}\`\n${stopped.describe()}`);
      t.is(stopped.exitCode, 130, stopped.describe());
      t.regex(stopped.stderr, /error\[INTERRUPTED\]/, stopped.describe());

      const containers = await projectContainers(runtime, project.id);
      t.deepEqual(containers.map((container) => `${container.Name.replace(/^\//, '')} ${container.State.Status}`), [`cidx-${project.id}-store running`], 'one container, serving');
      if (step === 'create') t.is(containers[0]!.Id, before.id, 'interrupted before the swap: the old container is untouched');
      t.is(await readFile(runtime, containers[0]!.Id, FILE), 'precious', 'volume data intact');

      const report = await applyOk(t, project, runtime);
      await assertOneServes(t, runtime, project, report);
      t.is((await httpGet(service(report, 'store').ports[0]!.url!)).body, 'v2', 'converged to the new config');
    });
  }

  test(`${runtime}: a recreate killed mid-swap is finished by the next apply: one container, the service's name, data intact`, withProject, store(), async (t, project) => {
    await upWithData(t, runtime, project);
    await project.writeConfig(store({ body: 'v2' }));
    // The replacement's start dawdles; cidx is killed meanwhile (SIGKILL: no cleanup). The start goes on in
    // its own process group, so the old container is stopped and the new one runs under its temporary name.
    const shim = await runtimeShim(runtime, path.dirname(project.root), { firstCall: { command: 'start', delay: 2 } });
    const running = project.spawn(['apply', '--runtime', runtime], { env: shim.env });
    await eventually(async () => {
      if (!(await shim.calledFirst())) throw new Error(`cidx did not call \`${runtime} start\``);
    }, 60_000, 50);
    running.kill('SIGKILL');
    await running.result;
    await eventually(async () => {
      const states = (await projectContainers(runtime, project.id)).map((container) => container.State.Status).sort();
      if (states.join() !== 'exited,running') throw new Error(`containers: ${states.join()}`);
    }, 30_000);

    const report = await applyOk(t, project, runtime);
    t.like(service(report, 'store'), { action: 'unchanged' });
    await assertOneServes(t, runtime, project, report);
    t.is((await httpGet(service(report, 'store').ports[0]!.url!)).body, 'v2');
  });

  test(`${runtime}: anonymous volumes (an image VOLUME) survive a recreate; down then removes them with the container`, withProject, { services: { anon: { image: VOLUME_IMAGE, env: { BODY: 'v1' } } } }, async (t, project) => {
    const first = service(await applyOk(t, project, runtime), 'anon');
    await runtimeCli(runtime, ['exec', first.container!.id, 'sh', '-c', 'echo kept > /anon/f']);
    await project.writeConfig({ services: { anon: { image: VOLUME_IMAGE, env: { BODY: 'v2' } } } });
    const second = service(await applyOk(t, project, runtime), 'anon');
    t.is(second.action, 'recreated');
    t.not(second.container!.id, first.container!.id);
    t.is(await readFile(runtime, second.container!.id, '/anon/f'), 'kept', 'the file written before the recreate is there after it');

    // Carried over by name, the volume is still the container's own: `down` removes it with the container, as it does a first one.
    const [carried] = (await runtimeCli(runtime, ['container', 'inspect', '--format', '{{range .Mounts}}{{if eq .Destination "/anon"}}{{.Name}}{{end}}{{end}}', second.container!.id])).split('\n');
    t.regex(carried ?? '', /^[0-9a-f]{64}$/);
    const down = await project.cidx(['down', '--runtime', runtime]);
    t.is(down.exitCode, 0, down.describe());
    t.is(await runtimeCli(runtime, ['volume', 'ls', '-q', '--filter', `name=${carried}`]), '', 'no anonymous volume is left dangling after down');
  });

  test(`${runtime}: a stopped service whose host port was taken comes back on another port on the next apply, fallback reported, data intact`, async (t) => {
    const preferred = await freePort();
    await withProject.exec(t, store({ preferred }), async (t, project) => {
      const before = await upWithData(t, runtime, project);
      t.is(before.url, `http://127.0.0.1:${preferred}`);
      await runtimeCli(runtime, ['stop', before.id]);
      const holder = await holdPort(preferred);
      try {
        const report = await applyOk(t, project, runtime);
        const entry = service(report, 'store');
        t.like(entry, { action: 'recreated', state: 'running', healthy: true });
        t.regex(entry.reason ?? '', new RegExp(`host port ${preferred} was taken meanwhile`), 'the report says why it was recreated');
        t.like(entry.ports[0], { preferred, fallback: true });
        t.not(entry.ports[0]!.host, preferred);
        await assertOneServes(t, runtime, project, report);
      } finally {
        await closeServer(holder);
      }
    });
  });
}
