/**
 * Plan and drift: `cidx plan` shows what `cidx apply` will do and
 * changes nothing; apply converges a project that drifted (config edited,
 * container removed or stopped behind cidx's back) and keeps host ports put.
 * Every test runs once per runtime on real Docker and real Podman.
 */
import test from 'ava';
import { httpGet } from '../helpers/net.js';
import { withProject, type TestProject } from '../helpers/project.js';
import { applyOk, assertOnePerService, containerIds, hostPorts, planSteps, service, stepsByService } from '../helpers/reports.js';
import { inspectContainers, projectContainerIds, projectContainers, projectVolumes, RUNTIMES, runtimeCli, type Runtime } from '../helpers/runtime.js';
import { threeServices, THREE_SERVICE_PORTS } from '../helpers/services.js';

const SERVICE_NAMES = Object.keys(THREE_SERVICE_PORTS).sort();

type Config = ReturnType<typeof threeServices> & { services: Record<string, Record<string, unknown>> };

/** The three-service config, edited by `edit` (a deep copy each time). */
function threeServicesWith(edit: (config: Config) => void = () => {}): Config {
  const config = structuredClone(threeServices()) as Config;
  edit(config);
  return config;
}

/** qdrant with one more env variable: BODY is what its index page serves, so the new container is observable. */
const qdrantEnvChanged = threeServicesWith((config) => {
  config.services.qdrant!.env = { HTTP_PORTS: '6333 6334', BODY: 'v2' };
});

/** qdrant, the service with the volume, gone from the config. */
const withoutQdrant = threeServicesWith((config) => {
  delete config.services.qdrant;
  config.services['data-cleaner']!.dependsOn = ['ollama'];
});

/** Container id and StartedAt of every container of the project: any change means plan touched something. */
async function snapshot(runtime: Runtime, project: TestProject): Promise<string[]> {
  const containers = await projectContainers(runtime, project.id);
  return containers.map((container) => `${container.Id} ${container.State.Status} ${container.State.StartedAt}`).sort();
}

async function containerOf(runtime: Runtime, project: TestProject, name: string): Promise<string> {
  const containers = await projectContainers(runtime, project.id);
  const found = containers.filter((container) => container.Config.Labels?.['io.cidx.service'] === name);
  if (found.length !== 1) throw new Error(`expected one ${name} container, found ${found.length}`);
  return found[0]!.Id;
}


for (const runtime of RUNTIMES) {
  test(`${runtime}: plan --json lists one create step per service on an empty project and creates nothing`, withProject, threeServices(), async (t, project) => {
    const steps = await planSteps(t, project, runtime);
    t.deepEqual(steps.map((step) => step.service).sort(), SERVICE_NAMES);
    for (const step of steps) t.like(step, { op: 'create', reason: 'not created yet' }, step.service);
    t.deepEqual(await projectContainerIds(runtime, project.id), [], 'plan created a container');
    t.deepEqual(await projectVolumes(runtime, project.id), [], 'plan created a volume');
  });

  test(`${runtime}: plan --json shows noop, recreate and remove steps and changes nothing`, withProject, threeServices(), async (t, project) => {
    await applyOk(t, project, runtime);
    const before = await snapshot(runtime, project);

    const converged = await planSteps(t, project, runtime);
    t.deepEqual(converged.map((step) => step.service).sort(), SERVICE_NAMES, 'one step per declared service, noop included');
    for (const step of converged) t.like(step, { op: 'noop' }, step.service);

    await project.writeConfig(
      threeServicesWith((config) => {
        config.services.qdrant!.env = { HTTP_PORTS: '6333 6334', BODY: 'v2' };
        delete config.services.ollama;
        config.services['data-cleaner']!.dependsOn = ['qdrant'];
      }),
    );
    const drifted = await planSteps(t, project, runtime);
    t.is(drifted.length, 3, 'one step per declared or orphaned service');
    const steps = stepsByService(drifted);
    t.like(steps.qdrant, { op: 'recreate' });
    t.regex(steps.qdrant?.reason ?? '', /\benv\b/, 'the reason says what changed');
    t.like(steps.ollama, { op: 'remove', reason: 'not declared any more' });
    t.like(steps['data-cleaner'], { op: 'noop' }, 'dependsOn is not part of the container: no drift');

    const human = await project.cidx(['plan', '--runtime', runtime]);
    t.is(human.exitCode, 0, human.describe());
    t.regex(human.stdout, /~ recreate\s+qdrant\s+env changed/);
    t.regex(human.stdout, /- remove\s+ollama\s+not declared any more/);
    t.regex(human.stdout, /2 changes/);

    t.deepEqual(await snapshot(runtime, project), before, 'plan started, stopped, created or removed a container');
  });

  test(`${runtime}: changing one service's env recreates only it, on the same host ports`, withProject, threeServices(), async (t, project) => {
    const first = await applyOk(t, project, runtime);
    await project.writeConfig(qdrantEnvChanged);

    const steps = stepsByService(await planSteps(t, project, runtime));
    t.like(steps, { qdrant: { op: 'recreate' }, ollama: { op: 'noop' }, 'data-cleaner': { op: 'noop' } });
    t.regex(steps.qdrant?.reason ?? '', /\benv\b/);

    const second = await applyOk(t, project, runtime);
    t.like(service(second, 'qdrant'), { action: 'recreated', state: 'running', healthy: true });
    t.regex(service(second, 'qdrant').reason ?? '', /\benv\b/);
    t.not(service(second, 'qdrant').container?.id, service(first, 'qdrant').container?.id, 'qdrant got a new container');
    for (const name of ['ollama', 'data-cleaner']) {
      t.like(service(second, name), { action: 'unchanged', healthy: true }, name);
      t.is(service(second, name).container?.id, service(first, name).container?.id, `${name} kept its container`);
    }
    t.deepEqual(hostPorts(second), hostPorts(first), 'every service kept its host ports');
    const http = service(second, 'qdrant').ports.find((port) => port.name === 'http')!;
    t.is((await httpGet(`${http.url}/`)).body, 'v2', 'the new container serves with the new env');
    await assertOnePerService(t, runtime, project, SERVICE_NAMES);
  });

  test(`${runtime}: a service removed from the config loses its container and keeps its volume`, withProject, threeServices(), async (t, project) => {
    const first = await applyOk(t, project, runtime);
    const volume = `cidx-${project.id}-qdrant.storage`;
    t.deepEqual(await projectVolumes(runtime, project.id), [volume]);
    await project.writeConfig(withoutQdrant);

    t.like(stepsByService(await planSteps(t, project, runtime)).qdrant, { op: 'remove', reason: 'not declared any more' });
    const second = await applyOk(t, project, runtime);
    t.like(service(second, 'qdrant'), { action: 'removed', reason: 'not declared any more', container: null });
    t.like(service(second, 'ollama'), { action: 'unchanged' });
    t.like(service(second, 'data-cleaner'), { action: 'unchanged' });
    t.deepEqual(containerIds(second), { ...containerIds(first), qdrant: undefined });
    await assertOnePerService(t, runtime, project, ['ollama', 'data-cleaner']);
    t.deepEqual(await projectVolumes(runtime, project.id), [volume], 'apply must never remove a volume');
  });

  test(`${runtime}: a container removed behind cidx's back is recreated on the same host ports`, withProject, threeServices(), async (t, project) => {
    const first = await applyOk(t, project, runtime);
    await runtimeCli(runtime, ['rm', '-f', await containerOf(runtime, project, 'qdrant')]);

    t.like(stepsByService(await planSteps(t, project, runtime)).qdrant, { op: 'create' });
    const second = await applyOk(t, project, runtime);
    t.like(service(second, 'qdrant'), { action: 'created', state: 'running', healthy: true });
    t.like(service(second, 'ollama'), { action: 'unchanged' });
    t.deepEqual(hostPorts(second), hostPorts(first), 'the recreated container got its old host ports back');
    for (const port of service(second, 'qdrant').ports) {
      t.is((await httpGet(`${port.url}/healthz`)).status, 200, `${port.name} answers on its old port`);
    }
    await assertOnePerService(t, runtime, project, SERVICE_NAMES);
  });

  test(`${runtime}: a stopped container is brought back on the same host ports`, withProject, threeServices(), async (t, project) => {
    const first = await applyOk(t, project, runtime);
    await runtimeCli(runtime, ['stop', await containerOf(runtime, project, 'qdrant')]);

    const planned = stepsByService(await planSteps(t, project, runtime)).qdrant;
    // Podman keeps a stopped container's ports (start); Docker would re-pick them (recreate on the cached ones).
    t.true(planned?.op === 'start' || planned?.op === 'recreate', JSON.stringify(planned));
    t.regex(planned?.reason ?? '', /exited/);

    const second = await applyOk(t, project, runtime);
    t.like(service(second, 'qdrant'), { state: 'running', healthy: true });
    t.true(['started', 'recreated'].includes(service(second, 'qdrant').action ?? ''), service(second, 'qdrant').action);
    t.like(service(second, 'ollama'), { action: 'unchanged' });
    t.deepEqual(hostPorts(second), hostPorts(first), 'the stopped service came back on its old host ports');
    for (const port of service(second, 'qdrant').ports) {
      t.is((await httpGet(`${port.url}/healthz`)).status, 200, `${port.name} answers on its old port`);
    }
    await assertOnePerService(t, runtime, project, SERVICE_NAMES);
    const [inspected] = await inspectContainers(runtime, [service(second, 'qdrant').container!.id]);
    t.is(inspected?.State.Status, 'running');
  });
}
