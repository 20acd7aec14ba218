/**
 * `runtime: 'swarm'` (plugins/swarm-runtime) on a real single-node swarm:
 * the three services become Swarm services carrying the project's labels,
 * their URLs answer at the node's address, a changed env rolls the one
 * service through `docker service update`-style deploys, and `down` removes
 * them. One apply is shared by the assertions, as the suite's time budget asks.
 * The last test adds a worker node (a dockerd in a network namespace, see
 * test/helpers/swarm-worker.ts) and runs a replicated service there.
 */
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { execa } from 'execa';
import type { ProjectReport } from '../../core/model.js';
import { createProject } from '../helpers/project.js';
import { freePort, httpGet } from '../helpers/net.js';
import { TEST_IMAGE } from '../helpers/runtime.js';
import { STOP_HTTPD } from '../helpers/services.js';
import { readvertiseSwarm, removeSwarmProject, swarmReady, swarmServices, useSwarm } from '../helpers/swarm.js';
import { HOST_ADDRESS, joinWorker, startWorker, stopWorkerSync, WORKER_ADDRESS } from '../helpers/swarm-worker.js';

useSwarm(test);

const PLUGIN = new URL('../../plugins/swarm-runtime/index.js', import.meta.url).href;

function swarmConfig(preferred: number, ollamaBody: string): string {
  const services = {
    qdrant: {
      image: TEST_IMAGE,
      ports: { http: 6333 },
      env: { HTTP_PORTS: '6333' },
      volumes: { storage: '/qdrant/storage' },
      health: { http: { port: 'http', path: '/readyz' }, timeout: '60s' },
    },
    ollama: {
      image: TEST_IMAGE,
      ports: { http: 11434 },
      env: { HTTP_PORTS: '11434', BODY: ollamaBody },
      health: { http: { port: 'http', path: '/' }, timeout: '60s' },
      swarm: { replicas: 2 },
    },
    'data-cleaner': {
      image: TEST_IMAGE,
      ports: { http: 8080 },
      env: { HTTP_PORTS: '8080' },
      dependsOn: ['qdrant'],
      health: { http: { port: 'http', path: '/healthz' }, timeout: '60s' },
      swarm: { constraints: ['node.role==manager'] },
    },
  };
  return `import { defineConfig } from 'cidx';
import { swarmRuntime } from ${JSON.stringify(PLUGIN)};
export default defineConfig({
  runtime: 'swarm',
  services: ${JSON.stringify(services, null, 2)},
  preferredPorts: { qdrant: { http: ${preferred} } },
  plugins: [swarmRuntime()],
});
`;
}

async function serviceJson(name: string): Promise<{ ID: string; Spec: { Labels: Record<string, string>; TaskTemplate: { ContainerSpec: { Env?: string[]; Labels?: Record<string, string> }; Placement?: { Constraints?: string[] } } } }> {
  const { stdout } = await execa('docker', ['service', 'inspect', name]);
  return JSON.parse(stdout)[0];
}

/** Swarm schedules tasks asynchronously and each step is a CLI call: on a loaded 2-core machine a test takes minutes. */
const SWARM_TEST_MS = 10 * 60_000;

test.serial('swarm: three services apply as Swarm services with working URLs; a changed env updates one in place; plan is then a no-op; down removes them', async (t) => {
  t.timeout(SWARM_TEST_MS);
  await swarmReady();
  const preferred = await freePort();
  const project = await createProject(swarmConfig(preferred, 'v1'));
  t.teardown(async () => {
    await removeSwarmProject(project.id);
    await project.cleanup();
  });
  const label = `io.cidx.project=${project.id}`;
  const name = (service: string) => `cidx-${project.id}_${service}`;

  const apply = await project.cidx(['apply', '--json'], { timeout: 240_000 });
  t.is(apply.exitCode, 0, apply.describe());
  const report = apply.json<ProjectReport>();
  t.is(report.runtime, 'swarm');
  for (const service of report.services) t.like(service, { state: 'running', healthy: true, action: 'created' }, service.name);
  const qdrant = report.services.find((service) => service.name === 'qdrant')!;
  t.like(qdrant.ports[0], { host: preferred, fallback: false, url: `http://127.0.0.1:${preferred}` }, 'a free preferred port is published as asked');
  for (const service of report.services) {
    const url = service.ports[0]!.url!;
    t.is((await httpGet(url)).status, 200, `${service.name} answers at ${url}`);
  }
  t.regex(apply.stderr, /swarm publishes ports on every interface/, 'the apply says host mode binds all interfaces');
  t.regex(apply.stderr, /ollama\.2 running on \S+ \(127\.0\.0\.1\)/, 'every task is listed with its node');

  t.deepEqual(await swarmServices(label), ['data-cleaner', 'ollama', 'qdrant'].map(name));
  const qdrantService = await serviceJson(name('qdrant'));
  t.like(qdrantService.Spec.Labels, { 'io.cidx.project': project.id, 'io.cidx.service': 'qdrant' });
  t.true(Boolean(qdrantService.Spec.Labels['io.cidx.config-hash']), 'the spec hash is a label, as on containers');
  t.regex((qdrantService.Spec.TaskTemplate.Placement?.Constraints ?? []).join(), /^node\.id==\w+$/, 'the service with a volume is pinned to the node');
  t.deepEqual((await serviceJson(name('data-cleaner'))).Spec.TaskTemplate.Placement?.Constraints, ['node.role==manager']);
  const tasks = (await execa('docker', ['ps', '--filter', `label=com.docker.swarm.service.name=${name('ollama')}`, '--format', '{{.Labels}}'])).stdout.split('\n');
  t.is(tasks.length, 2, 'replicas: 2 runs two tasks');
  t.false(tasks.some((labels) => labels.includes('io.cidx.project=')), 'task containers are not containers of the docker runtime');

  const plain = await execa('docker', ['ps', '--filter', `label=io.cidx.project=${project.id}`, '--quiet']);
  t.is(plain.stdout.trim(), '', 'the docker runtime sees no container of this project');

  const status = await project.cidx(['status', '--json']);
  t.is(status.exitCode, 0, status.describe());
  t.true(status.json<ProjectReport>().services.every((service) => service.healthy === true));
  t.regex(status.stderr, /qdrant\.1 running on \S+ \(127\.0\.0\.1\) 127\.0\.0\.1:\d+->6333/);

  // Every copy of a replicated service is probed at its own URL: one that stops answering makes the service unhealthy, by name.
  const copies = report.services.find((service) => service.name === 'ollama')!.ports[0]!.instances ?? [];
  t.deepEqual(copies.map((copy) => copy.name).sort(), ['ollama.1', 'ollama.2']);
  for (const copy of copies) t.is((await httpGet(copy.url!)).status, 200, `${copy.name} answers at ${copy.url}`);
  const [oneTask] = (await execa('docker', ['ps', '--quiet', '--filter', `label=com.docker.swarm.service.name=${name('ollama')}`])).stdout.split('\n');
  const slot = (await execa('docker', ['inspect', '--format', '{{index .Config.Labels "com.docker.swarm.task.name"}}', oneTask!])).stdout.trim().split('.')[1];
  await execa('docker', ['exec', oneTask!, ...STOP_HTTPD]);
  const degraded = await project.cidx(['status', '--json']);
  const ollamaNow = degraded.json<ProjectReport>().services.find((service) => service.name === 'ollama')!;
  t.like(ollamaNow, { state: 'running', healthy: false }, degraded.describe());
  t.regex(ollamaNow.health?.detail ?? '', new RegExp(`^ollama\\.${slot} at http:\\S+: `), 'the copy that stopped answering is named');

  // doctor checks the runtime the config's plugin provides, and names the manager and the node it talks to.
  const doctor = await project.cidx(['doctor', '--json']);
  const swarmCheck = doctor.json<{ checks: Array<{ name: string; ok: boolean; detail: string }> }>().checks.find((check) => check.name === 'swarm');
  t.like(swarmCheck, { ok: true }, doctor.describe());
  t.regex(swarmCheck?.detail ?? '', /at unix:\/\/\S+ \(swarm node \w+\)/);

  // logs of a swarm service: its tasks' lines, prefixed with the service like a container's
  const logs = await project.cidx(['logs', 'qdrant', '--tail', '5']);
  t.is(logs.exitCode, 0, logs.describe());
  t.regex(logs.stdout, /^qdrant \| .*serving http:\[6333\]/m);

  const ollamaId = (await serviceJson(name('ollama'))).ID;
  await project.writeConfig(swarmConfig(preferred, 'v2'));
  const plan = await project.cidx(['plan']);
  t.is(plan.exitCode, 0, plan.describe());
  t.regex(plan.stdout, /~ update\s+ollama\s+env changed/);
  const update = await project.cidx(['apply', '--json'], { timeout: 240_000 });
  t.is(update.exitCode, 0, update.describe());
  const updated = update.json<ProjectReport>();
  t.like(updated.services.find((service) => service.name === 'ollama'), { action: 'updated', healthy: true, state: 'running' });
  t.like(updated.services.find((service) => service.name === 'qdrant'), { action: 'unchanged' });
  const ollama = await serviceJson(name('ollama'));
  t.is(ollama.ID, ollamaId, 'the service was updated in place, not replaced');
  t.true(ollama.Spec.TaskTemplate.ContainerSpec.Env?.includes('BODY=v2'), 'the new env reached the service');
  t.is((await httpGet(updated.services.find((service) => service.name === 'ollama')!.ports[0]!.url!)).status, 200);

  const again = await project.cidx(['plan']);
  t.is(again.exitCode, 0, again.describe());
  t.regex(again.stdout, /no changes/);

  const down = await project.cidx(['down']);
  t.is(down.exitCode, 0, down.describe());
  t.deepEqual(await swarmServices(label), []);
  const network = await execa('docker', ['network', 'inspect', `cidx-${project.id}`], { reject: false });
  t.not(network.exitCode, 0, 'the project network is gone');
});

test.serial('swarm: a plain container on the same engine keeps running and answering while the engine is a swarm manager', async (t) => {
  await swarmReady();
  const nameOf = `cidx-swarm-plain-${process.pid}`;
  t.teardown(() => execa('docker', ['rm', '-f', nameOf], { reject: false }).then(() => undefined));
  const run = await execa('docker', ['run', '-d', '--name', nameOf, '-p', '127.0.0.1::8080', '-e', 'HTTP_PORTS=8080', TEST_IMAGE]);
  t.truthy(run.stdout.trim());
  const port = (await execa('docker', ['port', nameOf, '8080/tcp'])).stdout.split('\n')[0]!.split(':').pop();
  let status = 0;
  for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
    status = await httpGet(`http://127.0.0.1:${port}/healthz`).then((answer) => answer.status, () => 0);
    if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  t.is(status, 200);
});

test.serial('swarm: a bad swarm section is a config error with its path, before any engine call', async (t) => {
  const project = await createProject(`import { defineConfig } from 'cidx';
import { swarmRuntime } from ${JSON.stringify(PLUGIN)};
export default defineConfig({
  runtime: 'swarm',
  services: { web: { image: ${JSON.stringify(TEST_IMAGE)}, swarm: { replicas: -1, constraints: ['nonsense'] } } },
  plugins: [swarmRuntime({ binary: ${JSON.stringify(fileURLToPath(new URL('./no-such-docker', import.meta.url)))} })],
});
`);
  t.teardown(() => project.cleanup());
  const result = await project.cidx(['plan']);
  t.is(result.exitCode, 2, result.describe());
  t.regex(result.stderr, /services\.web\.swarm\.replicas: /);
  t.regex(result.stderr, /services\.web\.swarm\.constraints\.0: expected a constraint such as 'node\.role==manager'/);
});

test.serial('swarm, two nodes: a worker dockerd in a network namespace runs a replicated service; its URLs are the worker address and answer; the manager task reaches it by name', async (t) => {
  t.timeout(SWARM_TEST_MS);
  await readvertiseSwarm(HOST_ADDRESS);
  t.teardown(() => stopWorkerSync());
  await startWorker(TEST_IMAGE);
  await joinWorker();
  const project = await createProject(`import { defineConfig } from 'cidx';
import { swarmRuntime } from ${JSON.stringify(PLUGIN)};
export default defineConfig({
  runtime: 'swarm',
  services: {
    qdrant: { image: ${JSON.stringify(TEST_IMAGE)}, ports: { http: 6333 }, env: { HTTP_PORTS: '6333' }, volumes: { storage: '/qdrant/storage' }, health: { http: { port: 'http', path: '/readyz' }, timeout: '60s' } },
    web: { image: ${JSON.stringify(TEST_IMAGE)}, ports: { http: 8080 }, env: { HTTP_PORTS: '8080' }, health: { http: { port: 'http', path: '/healthz' }, timeout: '90s' }, swarm: { replicas: 2, constraints: ['node.role==worker'] } },
  },
  plugins: [swarmRuntime()],
});
`);
  t.teardown(async () => {
    await removeSwarmProject(project.id);
    await project.cleanup();
  });
  const apply = await project.cidx(['apply', '--json'], { timeout: 240_000 });
  t.is(apply.exitCode, 0, apply.describe());
  const report = apply.json<ProjectReport>();
  const web = report.services.find((service) => service.name === 'web')!;
  const qdrant = report.services.find((service) => service.name === 'qdrant')!;
  t.like(web, { state: 'running', healthy: true });
  t.like(qdrant, { state: 'running', healthy: true });
  t.regex(web.ports[0]!.url!, new RegExp(`^http://${WORKER_ADDRESS.replaceAll('.', '\\.')}:\\d+$`), 'the worker task is reached at the worker address');
  t.regex(qdrant.ports[0]!.url!, new RegExp(`^http://${HOST_ADDRESS.replaceAll('.', '\\.')}:\\d+$`), 'the pinned service runs on the manager');
  t.is((await httpGet(`${web.ports[0]!.url!}/healthz`)).status, 200);
  const copies = web.ports[0]!.instances ?? [];
  t.deepEqual(copies.map((copy) => new URL(copy.url!).hostname), [WORKER_ADDRESS, WORKER_ADDRESS], 'both copies run on the worker, each with its URL');
  for (const copy of copies) t.is((await httpGet(`${copy.url!}/healthz`)).status, 200, `${copy.name} answers at ${copy.url}`);
  t.is((apply.stderr.match(/web\.\d running on \S+ \(198\.18\.0\.6\)/g) ?? []).length, 2, apply.stderr);
  const manager = (await execa('docker', ['ps', '--quiet', '--filter', `label=com.docker.swarm.service.name=cidx-${project.id}_qdrant`])).stdout.trim().split('\n')[0]!;
  const byName = await execa('docker', ['exec', manager, 'wget', '-q', '-O', '-', 'http://web:8080/healthz'], { reject: false, timeout: 30_000 });
  t.is(byName.stdout.trim(), 'ok', `the overlay network spans the nodes: ${byName.stderr}`);
  const down = await project.cidx(['down']);
  t.is(down.exitCode, 0, down.describe());
  t.deepEqual(await swarmServices(`io.cidx.project=${project.id}`), []);
});
