/**
 * The CLI a person and a script use, run as the real binary: port and env
 * against real containers, init then plan, doctor, logs, help, config errors
 * that teach (exit 2, dotted path, no stack, nothing created), NO_COLOR.
 */
import { readFile } from 'node:fs/promises';
import test from 'ava';
import { httpGet } from '../helpers/net.js';
import { withProject } from '../helpers/project.js';
import { applyOk, service, STACK_LINE } from '../helpers/reports.js';
import { projectContainerIds, RUNTIMES } from '../helpers/runtime.js';
import { threeServicesConfig } from '../helpers/services.js';

const ANSI = /\u001b\[/;

for (const runtime of RUNTIMES) {
  test(`${runtime}: port prints host:port of the named port, and nothing else`, withProject, threeServicesConfig(), async (t, project) => {
    const report = await applyOk(t, project, runtime);
    const grpc = service(report, 'qdrant').ports.find((port) => port.name === 'grpc')!;

    const byName = await project.cidx(['port', 'qdrant', 'grpc', '--runtime', runtime]);
    t.is(byName.exitCode, 0, byName.describe());
    t.is(byName.stdout, `127.0.0.1:${grpc.host}`, "one line, nothing else (the trailing newline is stripped by the helper)");

    const byContainerPort = await project.cidx(['port', 'qdrant', '6334', '--runtime', runtime]);
    t.is(byContainerPort.stdout, byName.stdout);

    const first = await project.cidx(['port', 'qdrant', '--runtime', runtime]);
    const http = service(report, 'qdrant').ports.find((port) => port.name === 'http')!;
    t.is(first.stdout, `127.0.0.1:${http.host}`, 'without a port name: the first declared port');
    t.is((await httpGet(`http://${first.stdout.trim()}/healthz`)).status, 200, 'the printed address answers');
  });

  test(`${runtime}: port of an unknown service or port exits 2 and names what exists`, withProject, threeServicesConfig(), async (t, project) => {
    const unknownService = await project.cidx(['port', 'qdrnt', '--runtime', runtime]);
    t.is(unknownService.exitCode, 2, unknownService.describe());
    t.regex(unknownService.stderr, /no service "qdrnt"/);
    t.regex(unknownService.stderr, /qdrant, ollama, data-cleaner/);
    t.is(unknownService.stdout, '');

    const unknownPort = await project.cidx(['port', 'qdrant', 'rest', '--runtime', runtime]);
    t.is(unknownPort.exitCode, 2, unknownPort.describe());
    t.regex(unknownPort.stderr, /http \(6333\), grpc \(6334\)/);
  });

  test(`${runtime}: port of a service that is not running exits 1 without printing an address`, withProject, threeServicesConfig(), async (t, project) => {
    const run = await project.cidx(['port', 'ollama', '--runtime', runtime]);
    t.is(run.exitCode, 1, run.describe());
    t.is(run.stdout, '');
    t.regex(run.stderr, new RegExp(`ollama is not running on ${runtime}`));
    t.notRegex(run.stderr, STACK_LINE);
  });

  test(`${runtime}: env prints every port as dotenv, shell and JSON variables matching apply`, withProject, threeServicesConfig(), async (t, project) => {
    const report = await applyOk(t, project, runtime);
    const expected: Record<string, string> = {};
    for (const entry of report.services) {
      for (const port of entry.ports) {
        const key = `CIDX_${entry.name}_${port.name}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
        expected[`${key}_HOST`] = '127.0.0.1';
        expected[`${key}_PORT`] = String(port.host);
        expected[`${key}_URL`] = port.url!;
      }
    }
    const json = await project.cidx(['env', '--format', 'json', '--runtime', runtime]);
    t.is(json.exitCode, 0, json.describe());
    t.deepEqual(json.json(), expected);
    t.truthy(expected.CIDX_DATA_CLEANER_TCP_PORT, 'dashes in service names become underscores');

    const dotenv = await project.cidx(['env', '--runtime', runtime]);
    const parsed = Object.fromEntries(dotenv.stdout.trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
    t.deepEqual(parsed, expected);

    const shell = await project.cidx(['env', '--format', 'shell', '--runtime', runtime]);
    t.true(shell.stdout.trim().split('\n').every((line) => /^export [A-Z0-9_]+='[^']*'$/.test(line)), shell.stdout);
    t.regex(shell.stdout, new RegExp(`export CIDX_QDRANT_HTTP_URL='${expected.CIDX_QDRANT_HTTP_URL}'`));
  });

  test(`${runtime}: logs shows the service's own output`, withProject, threeServicesConfig(), async (t, project) => {
    await applyOk(t, project, runtime);
    const run = await project.cidx(['logs', 'qdrant', '--tail', '5', '--runtime', runtime]);
    t.is(run.exitCode, 0, run.describe());
    t.regex(run.stdout + run.stderr, /serving http:\[6333 6334\]/);
  });

  test(`${runtime}: status with NO_COLOR prints a plain table; apply's progress is plain lines on stderr`, withProject, threeServicesConfig(), async (t, project) => {
    const applied = await project.cidx(['apply', '--runtime', runtime], { env: { NO_COLOR: '1', FORCE_COLOR: undefined } });
    t.is(applied.exitCode, 0, applied.describe());
    t.regex(applied.stderr, /^qdrant: waiting for health$/m);
    t.regex(applied.stdout, /^SERVICE\s+STATE\s+HEALTH\s+ACTION\s+PORTS$/m);
    const status = await project.cidx(['status', '--runtime', runtime], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    t.is(status.exitCode, 0, status.describe());
    t.notRegex(status.stdout + status.stderr, ANSI, 'NO_COLOR wins over FORCE_COLOR');
    t.regex(status.stdout, /^qdrant\s+running\s+healthy\s+http http:\/\/127\.0\.0\.1:\d+, grpc http:\/\/127\.0\.0\.1:\d+$/m);
  });
}

const COMPOSE_HABITS = `export default {
  project_ports: { qdrant: 6333 },
  services: {
    qdrant: { image: 'qdrant/qdrant', ports: ['6333:6333'], depends_on: ['ollama'] },
    ollama: { image: 'ollama/ollama', ports: { http: 70000 } },
  },
};
`;

test('a config with compose habits fails with exit 2, every problem by dotted path, a teaching hint, no stack, nothing created', withProject, COMPOSE_HABITS, async (t, project) => {
  const run = await project.cidx(['apply', '--runtime', 'docker']);
  t.is(run.exitCode, 2, run.describe());
  t.is(run.stdout, '');
  t.regex(run.stderr, /error\[CONFIG_INVALID\]/);
  t.regex(run.stderr, /services\.qdrant\.ports: .*compose-style list.*preferredPorts/);
  t.regex(run.stderr, /services\.qdrant\.depends_on: unknown key; cidx spells it `dependsOn/);
  t.regex(run.stderr, /services\.ollama\.ports\.http: expected a port number 1-65535, got 70000/);
  t.regex(run.stderr, /`project_ports` is ignored: host ports are now chosen by the container runtime/);
  t.notRegex(run.stderr, STACK_LINE);
  t.deepEqual(await projectContainerIds('docker', project.id), []);
});

test('a legacy project_ports block alone loads with a warning and the config works', withProject, `export default {
  project_ports: { qdrant: 6333 },
  services: { web: { image: 'localhost/cidx-test:2', ports: { http: 8080 } } },
};
`, async (t, project) => {
  const run = await project.cidx(['plan', '--json', '--runtime', 'docker']);
  t.is(run.exitCode, 0, run.describe());
  t.regex(run.stderr, /warning: `project_ports` is ignored.*preferredPorts/);
  t.deepEqual(run.json<{ steps: unknown[] }>().steps, [{ service: 'web', op: 'create', reason: 'not created yet' }]);
});

test('init writes a commented config that plan accepts as written, and refuses to overwrite it', withProject, 'export default { services: {} };\n', async (t, project) => {
  await project.writeConfig('');
  const { rm } = await import('node:fs/promises');
  await rm(project.configFile);
  const init = await project.cidx(['init']);
  t.is(init.exitCode, 0, init.describe());
  const written = await readFile(project.configFile, 'utf8');
  t.regex(written, /qdrant\/qdrant/);
  t.regex(written, /^\s*\/\//m, 'it explains itself in comments');

  const plan = await project.cidx(['plan', '--json', '--runtime', 'docker']);
  t.is(plan.exitCode, 0, plan.describe());
  t.deepEqual(
    plan.json<{ steps: Array<{ service: string; op: string }> }>().steps.map(({ service: name, op }) => [name, op]),
    [['qdrant', 'create'], ['ollama', 'create'], ['data-cleaner', 'create']],
  );

  const again = await project.cidx(['init']);
  t.is(again.exitCode, 2, again.describe());
  t.regex(again.stderr, /a config exists already/);
  t.is(await readFile(project.configFile, 'utf8'), written, 'the existing config is untouched');
});

test('doctor finds both runtimes and the config, and exits 0', withProject, threeServicesConfig(), async (t, project) => {
  const run = await project.cidx(['doctor', '--json']);
  t.is(run.exitCode, 0, run.describe());
  const report = run.json<{ ok: boolean; checks: Array<{ name: string; ok: boolean; detail: string }> }>();
  t.true(report.ok);
  const byName = Object.fromEntries(report.checks.map((check) => [check.name, check]));
  t.true(byName.docker?.ok, byName.docker?.detail);
  t.true(byName.podman?.ok, byName.podman?.detail);
  t.regex(byName.docker!.detail, /engine \d+\.\d+/);
  t.true(byName.config?.ok);
  t.regex(byName.cache!.detail, new RegExp(project.cacheDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
});

test('doctor exits 1 with a fix when the runtime the config asks for does not answer', withProject, threeServicesConfig(), async (t, project) => {
  const run = await project.cidx(['doctor', '--runtime', 'docker'], { env: { DOCKER_HOST: 'tcp://127.0.0.1:1' } });
  t.is(run.exitCode, 1, run.describe());
  t.regex(run.stdout, /✗ docker\s+cannot reach the docker engine at tcp:\/\/127\.0\.0\.1:1/);
  t.regex(run.stdout, /fix: /);
});

test('doctor with no runtime answering reports each one with a fix instead of stopping at the first', withProject, threeServicesConfig(), async (t, project) => {
  const run = await project.cidx(['doctor'], { env: { DOCKER_HOST: 'tcp://127.0.0.1:1', CONTAINER_HOST: 'tcp://127.0.0.1:1' } });
  t.is(run.exitCode, 1, run.describe());
  t.notRegex(run.stderr, /RUNTIME_UNAVAILABLE/, run.describe());
  t.regex(run.stdout, /✗ docker\s+cannot reach the docker engine at tcp:\/\/127\.0\.0\.1:1/, run.describe());
  t.regex(run.stdout, /✗ podman\s+cannot reach the podman engine/, run.describe());
  t.regex(run.stdout, /✓ config /, run.describe());
});

test('every command has its own --help, exit 0', withProject, threeServicesConfig(), async (t, project) => {
  for (const command of ['apply', 'plan', 'status', 'down', 'restart', 'prune', 'init', 'port', 'env', 'logs', 'doctor', 'import']) {
    const run = await project.cidx([command, '--help']);
    t.is(run.exitCode, 0, run.describe());
    t.regex(run.stdout, new RegExp(`^Usage: cidx ${command}\\b`), command);
  }
  const unknown = await project.cidx(['frobnicate']);
  t.is(unknown.exitCode, 2);
  t.regex(unknown.stderr, /unknown command "frobnicate"/);
});
