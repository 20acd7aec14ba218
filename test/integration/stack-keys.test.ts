/**
 * The per-service container keys on real Docker and real Podman: one project
 * per runtime uses them all at once, and each is checked where it takes
 * effect (inside the container, or in the engine's inspect), then drift,
 * a missing host path, a refused GPU and `down --volumes`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import test from 'ava';
import { withProject } from '../helpers/project.js';
import { applyOk, planSteps, service, stepsByService, STACK_LINE } from '../helpers/reports.js';
import { projectContainers, projectVolumes, RUNTIMES, runtimeCli, TEST_IMAGE } from '../helpers/runtime.js';
import { HEALTH_TIMEOUT } from '../helpers/services.js';

/** A loop PID 1 that stops at once on SIGTERM (busybox `sleep` as PID 1 would wait the whole grace period). */
const IDLE = 'trap "exit 0" TERM; while true; do sleep 3600 & wait $!; done';

function stackConfig(overrides: { webMount?: string; extra?: Record<string, unknown> } = {}): Record<string, unknown> {
  return {
    volumes: { seed: {} },
    services: {
      // Writes into the shared volume, through an entrypoint list and a command.
      seeder: {
        image: TEST_IMAGE,
        entrypoint: ['sh', '-c'],
        command: [`echo seeded > /data/hello.txt; ${IDLE}`],
        volumes: { seed: '/data' },
        health: { command: ['cat', '/data/hello.txt'], timeout: HEALTH_TIMEOUT },
      },
      web: {
        image: TEST_IMAGE,
        ports: { http: 8080 },
        env: { HTTP_PORTS: '8080' },
        mounts: { './conf': overrides.webMount ?? '/www/conf:ro', './init.sql': { target: '/init/init.sql', readOnly: true } },
        volumes: { seed: '/www/seed', own: '/own' },
        tmpfs: ['/scratch', { target: '/cache', size: '16m' }],
        labels: { 'com.example.team': 'data' },
        extraHosts: { 'host.docker.internal': 'host-gateway', 'db.local': '10.1.2.3' },
        restart: 'on-failure',
        resources: { memory: '256m', cpus: 0.5, shmSize: '32m' },
        health: { http: { port: 'http', path: '/healthz' }, timeout: HEALTH_TIMEOUT },
        dependsOn: ['seeder'],
      },
      // user and workdir on an image whose files are root's: a process that only idles.
      idle: { image: TEST_IMAGE, entrypoint: ['sh', '-c', IDLE], user: '1234:5678', workdir: '/tmp', health: false },
      ...overrides.extra,
    },
  };
}

interface HostConfig {
  Memory: number;
  NanoCpus: number;
  ShmSize: number;
  RestartPolicy: { Name: string };
}

/** A server on every host interface, which containers reach through 'host-gateway'. */
async function hostServer(): Promise<Server> {
  const server = createServer((_request, response) => response.end('hello from the host\n'));
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  return server;
}

for (const runtime of RUNTIMES) {
  test(`${runtime}: mounts, shared volumes, tmpfs, entrypoint, user, workdir, labels, extraHosts, restart and resources take effect`, withProject, stackConfig(), async (t, project) => {
    await mkdir(path.join(project.root, 'conf'));
    await writeFile(path.join(project.root, 'conf', 'greeting.txt'), 'hello from conf\n');
    await writeFile(path.join(project.root, 'init.sql'), 'select 1;\n');
    const server = await hostServer();
    t.teardown(() => server.close());

    const report = await applyOk(t, project, runtime);
    const url = service(report, 'web').ports[0]!.url!;
    const byService = Object.fromEntries((await projectContainers(runtime, project.id)).map((container) => [container.Config.Labels!['io.cidx.service']!, container]));
    const exec = (name: string, script: string) => runtimeCli(runtime, ['exec', byService[name]!.Id, 'sh', '-c', script]);

    // mounts: the host's file, served over HTTP; read-only where asked.
    t.is(await (await fetch(`${url}/conf/greeting.txt`)).text(), 'hello from conf\n');
    t.is((await exec('web', 'cat /init/init.sql')).trim(), 'select 1;');
    await t.throwsAsync(exec('web', 'echo x > /www/conf/new'), { message: /read-only/i });
    // A shared volume: what the seeder wrote, the web service serves.
    t.is(await (await fetch(`${url}/seed/hello.txt`)).text(), 'seeded\n');
    const volumes = await projectVolumes(runtime, project.id);
    t.deepEqual([...volumes].sort(), [`cidx-${project.id}-_shared.seed`, `cidx-${project.id}-web.own`]);
    const [volume] = JSON.parse(await runtimeCli(runtime, ['volume', 'inspect', `cidx-${project.id}-_shared.seed`])) as Array<{ Labels: Record<string, string> }>;
    t.is(volume!.Labels['io.cidx.project'], project.id, 'a shared volume carries the project label prune relies on');
    // Docker labels the volumes `run` makes (--mount volume-label), Podman gets `volume create` first: the same labels either way.
    const [own] = JSON.parse(await runtimeCli(runtime, ['volume', 'inspect', `cidx-${project.id}-web.own`])) as Array<{ Labels: Record<string, string> }>;
    t.like(own!.Labels, { 'io.cidx.project': project.id, 'io.cidx.service': 'web', 'io.cidx.root': project.root, 'io.cidx.user': String(process.getuid!()) });
    t.truthy(own!.Labels['io.cidx.host']);
    // tmpfs, with its size.
    const mounts = await exec('web', 'cat /proc/mounts');
    t.regex(mounts, /^tmpfs \/scratch tmpfs /m);
    t.regex(mounts, /^tmpfs \/cache tmpfs \S*size=16384k/m);
    // extraHosts: a fixed address, and the host itself through host-gateway.
    const hosts = await exec('web', 'cat /etc/hosts');
    t.regex(hosts, /^10\.1\.2\.3\s+db\.local$/m);
    const { port } = server.address() as AddressInfo;
    const fromHost = await exec('web', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 host.docker.internal ${port}`);
    t.regex(fromHost, /hello from the host/);
    // user and workdir, as the process sees them.
    t.is((await exec('idle', 'echo "$(id -u):$(id -g) $(pwd)"')).trim(), '1234:5678 /tmp');
    // labels, restart and resources, as the engine recorded them.
    const [web] = JSON.parse(await runtimeCli(runtime, ['container', 'inspect', byService.web!.Id])) as Array<{ HostConfig: HostConfig; Config: { Labels: Record<string, string> } }>;
    t.is(web!.Config.Labels['com.example.team'], 'data');
    t.like(web!.HostConfig, { Memory: 256 * 1024 * 1024, NanoCpus: 500_000_000, ShmSize: 32 * 1024 * 1024, RestartPolicy: { Name: 'on-failure' } });

    // Changed file contents are no drift; a changed mount definition is, and says so.
    await writeFile(path.join(project.root, 'conf', 'greeting.txt'), 'changed\n');
    t.true((await planSteps(t, project, runtime)).every((step) => step.op === 'noop'));
    await project.writeConfig(stackConfig({ webMount: '/www/conf' }));
    t.like(stepsByService(await planSteps(t, project, runtime)), { web: { op: 'recreate', reason: 'mounts changed' }, seeder: { op: 'noop' }, idle: { op: 'noop' } });

    // A missing host path is a config error naming it, before anything happens.
    await project.writeConfig(stackConfig({ extra: { other: { image: TEST_IMAGE, mounts: { './missing.txt': '/missing.txt' }, health: false } } }));
    const missing = await project.cidx(['apply', '--runtime', runtime]);
    t.is(missing.exitCode, 2, missing.describe());
    t.true(missing.stderr.includes(`host path ${path.join(project.root, 'missing.txt')} does not exist`), missing.describe());
    t.notRegex(missing.stderr, STACK_LINE);
    const status = await project.cidx(['status', '--json', '--runtime', runtime]);
    t.is(status.exitCode, 0, `status needs no host path: ${status.describe()}`);

    // No GPU here: the engine's refusal is an error naming the service; the others stay up.
    await project.writeConfig(stackConfig({ extra: { llm: { image: TEST_IMAGE, gpus: 'all', health: false } } }));
    const gpu = await project.cidx(['apply', '--runtime', runtime]);
    t.is(gpu.exitCode, 1, gpu.describe());
    t.true(gpu.stderr.includes(`service "llm" asks for GPUs (\`gpus\`), but ${runtime} has none it can give`), gpu.describe());

    const down = await project.cidx(['down', '--volumes', '--runtime', runtime]);
    t.is(down.exitCode, 0, down.describe());
    t.deepEqual(await projectVolumes(runtime, project.id), [], 'down --volumes removes the shared volume too');
  });
}
