/**
 * End to end: the real `cidx` binary against real Docker and real Podman.
 * Every test runs once per runtime, in its own throwaway project, so tests
 * run concurrently and clean up after themselves (see helpers/project.ts).
 */
import test, { type ExecutionContext } from 'ava';
import type { PortReport, ProjectReport, ServiceReport } from '../../core/model.js';
import { endpoint, eventually, holdPort, closeServer, freePort, httpGet, tcpGreeting } from '../helpers/net.js';
import { withProject, type TestProject } from '../helpers/project.js';
import { inspectContainers, projectContainerIds, projectContainers, projectVolumes, RUNTIMES, TEST_IMAGE, type Runtime } from '../helpers/runtime.js';
import { HTTP_PORT_NAMES, THREE_SERVICE_PORTS, threeServicesConfig, webService } from '../helpers/services.js';

const SERVICE_NAMES = Object.keys(THREE_SERVICE_PORTS);
const STACK_LINE = /^\s{4}at /m;

/** Runs `cidx apply --json` on `runtime` and insists it succeeded. */
async function applyOk(t: ExecutionContext, project: TestProject, runtime: Runtime): Promise<ProjectReport> {
  const run = await project.cidx(['apply', '--json', '--runtime', runtime]);
  t.is(run.exitCode, 0, run.describe());
  return run.json();
}

function service(report: ProjectReport, name: string): ServiceReport {
  const found = report.services.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no service ${name} in ${JSON.stringify(report.services.map((s) => s.name))}`);
  return found;
}

function portsByService(report: ProjectReport): Record<string, PortReport[]> {
  return Object.fromEntries(report.services.map((entry) => [entry.name, entry.ports]));
}

for (const runtime of RUNTIMES) {
  test(`${runtime}: apply --json reports every service created, running and healthy, in the documented shape`, withProject, threeServicesConfig(), async (t, project) => {
    const report = await applyOk(t, project, runtime);
    t.deepEqual(report.project, { name: 'app', id: project.id, root: project.root });
    t.is(report.runtime, runtime);
    t.deepEqual(report.services.map((entry) => entry.name).sort(), [...SERVICE_NAMES].sort());
    for (const name of SERVICE_NAMES) {
      const entry = service(report, name);
      t.like(entry, { name, state: 'running', healthy: true, action: 'created' }, name);
      t.is(entry.error, undefined, `${name}: ${JSON.stringify(entry.error)}`);
      t.is(entry.container?.name, `cidx-${project.id}-${name}`);
      t.regex(entry.container?.id ?? '', /^[0-9a-f]{12,64}$/);
      const declared = THREE_SERVICE_PORTS[name]!;
      t.deepEqual(entry.ports.map((port) => port.name).sort(), Object.keys(declared).sort(), `${name} ports`);
      for (const port of entry.ports) {
        t.deepEqual(Object.keys(port).sort(), ['container', 'fallback', 'host', 'hostIp', 'name', 'preferred', 'protocol', 'url'], `${name}.${port.name} keys`);
        t.is(port.container, declared[port.name] ?? -1);
        t.true(Number.isInteger(port.host) && port.host! > 0 && port.host! < 65536, `${name}.${port.name} host ${port.host}`);
        t.is(port.hostIp, '127.0.0.1', 'loopback is the default bind');
        t.is(port.preferred, null);
        t.false(port.fallback);
        t.is(port.url, `http://127.0.0.1:${port.host}`);
      }
    }
  });

  test(`${runtime}: every URL apply reports answers over a real socket`, withProject, threeServicesConfig(), async (t, project) => {
    const report = await applyOk(t, project, runtime);
    const checks = report.services.flatMap((entry) =>
      entry.ports.map(async (port) => {
        t.truthy(port.url, `${entry.name}.${port.name} has no URL`);
        if (HTTP_PORT_NAMES[entry.name]!.includes(port.name)) {
          const answer = await httpGet(`${port.url}/`);
          t.is(answer.status, 200, `GET ${port.url}/ (${entry.name}.${port.name})`);
        } else {
          const { host, port: hostPort } = endpoint(port.url!);
          // The service re-listens after each client (nc -l in a loop): allow it a moment between connections.
          const greeting = await eventually(() => tcpGreeting(host, hostPort));
          t.is(greeting.trim(), 'hello', `TCP ${port.url} (${entry.name}.${port.name})`);
        }
      }),
    );
    await Promise.all(checks);
    const qdrant = service(report, 'qdrant').ports.find((port) => port.name === 'http')!;
    t.is((await httpGet(`${qdrant.url}/healthz`)).status, 200);
  });

  test(`${runtime}: ports are published on 127.0.0.1 only, as the runtime's own inspect confirms`, withProject, threeServicesConfig(), async (t, project) => {
    const report = await applyOk(t, project, runtime);
    const inspected = await inspectContainers(runtime, report.services.map((entry) => entry.container!.id));
    t.is(inspected.length, SERVICE_NAMES.length);
    for (const entry of report.services) {
      const container = inspected.find((candidate) => candidate.Id === entry.container!.id)!;
      for (const port of entry.ports) {
        const bindings = container.NetworkSettings.Ports?.[`${port.container}/tcp`] ?? [];
        t.true(bindings.length > 0, `${entry.name}.${port.name}: ${runtime} shows no binding`);
        for (const binding of bindings) {
          t.is(binding.HostIp, '127.0.0.1', `${entry.name}.${port.name}: ${JSON.stringify(bindings)}`);
          t.is(Number(binding.HostPort), port.host ?? -1, `${entry.name}.${port.name}: reported host port differs from ${runtime}'s`);
        }
      }
    }
  });

  test(`${runtime}: containers carry the project, service, config-hash and root labels`, withProject, threeServicesConfig(), async (t, project) => {
    await applyOk(t, project, runtime);
    const containers = await projectContainers(runtime, project.id);
    t.is(containers.length, SERVICE_NAMES.length);
    const services = containers.map((container) => container.Config.Labels?.['io.cidx.service']).sort();
    t.deepEqual(services, [...SERVICE_NAMES].sort());
    for (const container of containers) {
      const labels = container.Config.Labels ?? {};
      t.is(labels['io.cidx.project'], project.id);
      t.is(labels['io.cidx.root'], project.root);
      t.regex(labels['io.cidx.config-hash'] ?? '', /^[0-9a-f]{8,}$/, `config-hash of ${container.Name}`);
      t.is(container.Name.replace(/^\//, ''), `cidx-${project.id}-${labels['io.cidx.service']}`);
    }
  });

  test(`${runtime}: a second apply touches no container`, withProject, threeServicesConfig(), async (t, project) => {
    const first = await applyOk(t, project, runtime);
    const ids = first.services.map((entry) => entry.container!.id);
    const before = await inspectContainers(runtime, ids);
    const second = await applyOk(t, project, runtime);
    for (const entry of second.services) {
      t.is(entry.action, 'unchanged', `${entry.name}: ${entry.reason ?? ''}`);
      t.is(entry.container?.id, service(first, entry.name).container?.id, `${entry.name} container id`);
      t.true(entry.healthy ?? false, entry.name);
    }
    t.deepEqual(portsByService(second), portsByService(first));
    const after = await inspectContainers(runtime, ids);
    t.deepEqual(
      after.map((container) => [container.Id, container.State.StartedAt]),
      before.map((container) => [container.Id, container.State.StartedAt]),
      'StartedAt changed: a container was restarted',
    );
    t.deepEqual((await projectContainerIds(runtime, project.id)).sort(), [...ids].sort(), 'no extra container');
  });

  test(`${runtime}: status --json reports the ports apply reported`, withProject, threeServicesConfig(), async (t, project) => {
    const applied = await applyOk(t, project, runtime);
    const run = await project.cidx(['status', '--json', '--runtime', runtime]);
    t.is(run.exitCode, 0, run.describe());
    const status = run.json();
    t.deepEqual(status.project, applied.project);
    t.is(status.runtime, runtime);
    t.deepEqual(portsByService(status), portsByService(applied));
    for (const entry of status.services) {
      t.like(entry, { state: 'running', healthy: true }, entry.name);
      t.deepEqual(entry.container, service(applied, entry.name).container);
    }
  });

  test(`${runtime}: down removes every container and keeps the volume; down --volumes removes it`, withProject, threeServicesConfig(), async (t, project) => {
    await applyOk(t, project, runtime);
    const volume = `cidx-${project.id}-qdrant.storage`;
    t.deepEqual(await projectVolumes(runtime, project.id), [volume]);

    const down = await project.cidx(['down', '--runtime', runtime]);
    t.is(down.exitCode, 0, down.describe());
    t.deepEqual(await projectContainerIds(runtime, project.id), [], 'containers left after down');
    t.deepEqual(await projectVolumes(runtime, project.id), [volume], 'down must keep volumes');

    const downVolumes = await project.cidx(['down', '--volumes', '--runtime', runtime]);
    t.is(downVolumes.exitCode, 0, downVolumes.describe());
    t.deepEqual(await projectVolumes(runtime, project.id), [], 'volumes left after down --volumes');
  });

  const invalid = {
    services: {
      ollama: { image: TEST_IMAGE, ports: { http: 70000 }, env: { HTTP_PORTS: '11434' }, dependOn: [] },
    },
  };
  test(`${runtime}: an invalid config exits 2, names each dotted path, prints no stack and creates nothing`, withProject, invalid, async (t, project) => {
    const run = await project.cidx(['apply', '--runtime', runtime]);
    t.is(run.exitCode, 2, run.describe());
    t.regex(run.stderr, /services\.ollama\.ports\.http\b.*70000/, 'the out-of-range port is named by its path');
    t.regex(run.stderr, /services\.ollama\.dependOn\b.*unknown key/, 'the unknown key is named by its path');
    t.notRegex(run.stderr, STACK_LINE, 'a user error prints no stack trace');
    t.is(run.stdout, '');
    t.deepEqual(await projectContainerIds(runtime, project.id), []);
  });

  test(`${runtime}: a free preferred port is used as is`, async (t) => {
    const preferred = await freePort();
    await withProject.exec(t, webService(preferred), async (t, project) => {
      const report = await applyOk(t, project, runtime);
      const [port] = service(report, 'web').ports;
      t.like(port, { name: 'http', host: preferred, preferred, fallback: false, url: `http://127.0.0.1:${preferred}` });
      t.is((await httpGet(`${port!.url}/`)).status, 200);
    });
  });

  test(`${runtime}: a preferred port held by another process falls back to a runtime-chosen one`, async (t) => {
    const preferred = await freePort();
    const holder = await holdPort(preferred, '127.0.0.1');
    try {
      await withProject.exec(t, webService(preferred), async (t, project) => {
        const run = await project.cidx(['apply', '--json', '--runtime', runtime]);
        t.is(run.exitCode, 0, run.describe());
        const [port] = service(run.json(), 'web').ports;
        t.like(port, { name: 'http', preferred, fallback: true, hostIp: '127.0.0.1' });
        t.not(port!.host, preferred);
        t.regex(run.stderr, new RegExp(`preferred port ${preferred} was taken`));
        t.is((await httpGet(`${port!.url}/`)).status, 200);
        const containers = await projectContainers(runtime, project.id);
        t.deepEqual(
          containers.map((container) => [container.Config.Labels?.['io.cidx.service'], container.State.Status]),
          [['web', 'running']],
          'exactly one running container: the refused attempt left nothing behind',
        );
      });
    } finally {
      await closeServer(holder);
    }
  });

  const bare = `// No imports at all: plain TypeScript that sucrase only has to strip.
type PortNumber = number;
interface Probe { port: string; path: string }
const httpPort: PortNumber = 8080;
const probe: Probe = { port: 'http', path: '/healthz' };
const timeout = '30s' as const;

export default {
  services: {
    web: {
      image: ${JSON.stringify(TEST_IMAGE)},
      ports: { http: httpPort },
      env: { HTTP_PORTS: String(httpPort) },
      health: { http: probe, timeout },
    },
  },
};
`;
  test(`${runtime}: a config that imports nothing and uses type annotations loads`, withProject, bare, async (t, project) => {
    const report = await applyOk(t, project, runtime);
    t.like(service(report, 'web'), { state: 'running', healthy: true, action: 'created' });
  });
}

test('setup-global-registry fails and says the global registry no longer exists', withProject, webService(), async (t, project) => {
  const run = await project.cidx(['setup-global-registry']);
  t.not(run.exitCode, 0, run.describe());
  t.regex(run.stderr, /no longer uses a global port registry/);
  t.notRegex(run.stderr, STACK_LINE);
  t.deepEqual(await projectContainerIds('docker', project.id), []);
  t.deepEqual(await projectContainerIds('podman', project.id), []);
});
