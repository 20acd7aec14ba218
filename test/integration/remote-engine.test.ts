/**
 * cidx against a Docker engine on "another machine": a dockerd in its own
 * network namespace (test/helpers/remote-engine.ts), reached over TCP, either
 * through DOCKER_HOST or through a Docker context (in a throwaway
 * DOCKER_CONFIG, never the user's ~/.docker). Every URL cidx prints must work
 * from here, a loopback bind there is refused with a clear error, a local
 * listener on the same port number never answers a probe for the remote
 * service, and the port cache and project lock are per engine.
 *
 * Over TCP and over ssh:// (the namespace runs an sshd too).
 * The remote engine is a dockerd; remote-podman.test.ts is Podman's side. One engine for the
 * whole file (~20 s to start); the tests share it, each with its own project, and run at once.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { execa } from 'execa';
import type { ProjectReport } from '../../core/model.js';
import { acquireLock } from '../../core/lock.js';
import { projectLockName } from '../../core/engine-endpoint.js';
import { dockerDialect } from '../../plugins/docker-runtime/index.js';
import { CliRuntime } from '../../plugins/oci-cli/cli-runtime.js';
import { useRemoteEngine } from '../helpers/remote-engine.js';
import { freePort } from '../helpers/net.js';
import { probesNeverMeetImpostor, refusesLoopbackThenServes, remoteContainers, remoteProject, type RemoteTarget } from '../helpers/remote-checks.js';
import { service } from '../helpers/reports.js';
import { webService } from '../helpers/services.js';
import { TEST_IMAGE } from '../helpers/runtime.js';

const remote = useRemoteEngine(test);

const web = (extra: Record<string, unknown> = {}) => ({ ...webService(), ...extra });

const viaHost = () => ({ DOCKER_HOST: remote().dockerHost, DOCKER_CONTEXT: undefined });

/** The remote engine as the tests reach it: over TCP by default, `env` otherwise. */
const target = (env: Record<string, string | undefined> = viaHost(), uri = remote().dockerHost): RemoteTarget => ({ runtime: 'docker', env, uri, address: remote().address, cli: remote().docker });

test('DOCKER_HOST: a loopback bind on the remote engine is refused before anything is made; bind 0.0.0.0 gives a URL that works from here', async (t) => {
  const project = await remoteProject(t, web(), target());
  const report = await refusesLoopbackThenServes(t, project, target(), web);
  const host = service(report, 'web').ports[0]!.host;
  const port = await project.cidx(['port', 'web', 'http', '--runtime', 'docker'], { env: viaHost() });
  t.is(port.stdout.trim(), `${remote().address}:${host}`, port.describe());
});

test('a container already bound to the remote loopback has no URL: status says why, `cidx port` fails clearly', async (t) => {
  const project = await remoteProject(t, web({ bind: '0.0.0.0' }), target());
  t.is((await project.cidx(['apply', '--json', '--runtime', 'docker'], { env: viaHost() })).exitCode, 0);
  // As an older cidx (or a hand-made container) left it: the same container, published on the engine's loopback.
  const [id] = (await remoteContainers(target(), project)).split('\n');
  const labels = JSON.parse(await remote().docker(['inspect', '--format', '{{json .Config.Labels}}', id!])) as Record<string, string>;
  const name = (await remote().docker(['inspect', '--format', '{{.Name}}', id!])).replace(/^\//, '');
  await remote().docker(['rm', '-f', id!]);
  const labelArgs = Object.entries(labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]);
  await remote().docker(['run', '-d', '--name', name, ...labelArgs, '-e', 'HTTP_PORTS=8080', '-p', '127.0.0.1::8080', TEST_IMAGE]);

  const status = await project.cidx(['status', '--json', '--runtime', 'docker'], { env: viaHost() });
  const [http] = service(status.json(), 'web').ports;
  t.is(http!.url, null, status.describe());
  t.regex(http!.unreachable ?? '', /127\.0\.0\.1 of 198\.18\.0\.2.*loopback/);
  // Not probed here at all: unhealthy, with the reason.
  t.like(service(status.json(), 'web'), { state: 'running', healthy: false });
  t.regex(service(status.json(), 'web').health?.detail ?? '', /port http is published on 127\.0\.0\.1 of 198\.18\.0\.2/);
  const port = await project.cidx(['port', 'web', 'http', '--runtime', 'docker'], { env: viaHost() });
  t.is(port.exitCode, 2, port.describe());
  t.regex(port.stderr, /loopback.*bind: '0\.0\.0\.0'/s);
});

test('a Docker context (docker context use) is followed: URLs, doctor and --json name the remote engine; a local listener on the port never answers its probe', async (t) => {
  const configDir = await mkdtemp(path.join(os.tmpdir(), 'cidx-docker-config-'));
  t.teardown(() => rm(configDir, { recursive: true, force: true }));
  const env = { DOCKER_CONFIG: configDir, DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined };
  const cli = (args: string[]) => execa('docker', args, { env, extendEnv: true, stdin: 'ignore' });
  await cli(['context', 'create', 'cidxr2', '--docker', `host=${remote().dockerHost}`]);
  await cli(['context', 'use', 'cidxr2']);

  const port = await freePort();
  const project = await remoteProject(t, web({ bind: '0.0.0.0', preferredPorts: { web: { http: port } } }), target());
  await probesNeverMeetImpostor(t, project, { ...target(env, remote().dockerHost), source: 'context cidxr2' }, port);
});

test('one project on the local and the remote engine at once: separate locks, separate port caches', async (t) => {
  const project = await remoteProject(t, web({ bind: '0.0.0.0' }), target());
  const localEnv = { DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined };
  // Hold the project's lock for the local engine, as a long apply there would.
  const localRuntime = new CliRuntime(dockerDialect, 'docker', { ...process.env, ...localEnv, DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined });
  const release = await acquireLock(path.join(project.cacheDir, 'locks', projectLockName(project.id, localRuntime)));
  let released = false;
  t.teardown(() => (released ? undefined : release()));

  const local = project.spawn(['apply', '--json', '--runtime', 'docker'], { env: localEnv });
  await local.stderrLine(/waiting for another cidx process/);
  const far = await project.cidx(['apply', '--json', '--runtime', 'docker'], { env: viaHost() });
  t.is(far.exitCode, 0, `the remote apply did not wait for the local engine's lock: ${far.describe()}`);
  t.false(far.json<ProjectReport>().endpoint?.local);
  await release();
  released = true;
  const localRun = await local.result;
  t.is(localRun.exitCode, 0, localRun.describe());
  t.true(localRun.json<ProjectReport>().endpoint?.local);

  const dir = path.join(project.cacheDir, 'ports');
  const files = (await readdir(dir)).filter((name) => name.startsWith(`${project.id}@`));
  t.is(files.length, 2, `one cache file per engine: ${files.join(', ')}`);
  const remembered = await Promise.all(files.map(async (name) => JSON.parse(await readFile(path.join(dir, name), 'utf8')).services.web.http.host as number));
  const reported = [localRun, far].map((run) => service(run.json(), 'web').ports[0]!.host!);
  t.deepEqual(remembered.sort(), reported.sort());
});

test('ssh:// engine (DOCKER_HOST=ssh://root@198.18.0.2): the loopback bind is refused; bind 0.0.0.0 gives a URL that works from here; --json and doctor name the ssh endpoint; down removes it', async (t) => {
  const project = await remoteProject(t, web(), target());
  const env = remote().sshEnv();
  await refusesLoopbackThenServes(t, project, target(env, remote().sshDockerHost), web);

  const doctor = await project.cidx(['doctor', '--json', '--runtime', 'docker'], { env });
  const docker = doctor.json<{ checks: Array<{ name: string; ok?: boolean; detail: string }> }>().checks.find((check) => check.name === 'docker');
  t.regex(docker?.detail ?? '', /at ssh:\/\/root@198\.18\.0\.2/, doctor.describe());

  const down = await project.cidx(['down', '--runtime', 'docker'], { env });
  t.is(down.exitCode, 0, down.describe());
  t.is(await remoteContainers(target(), project), '', 'down removed it over ssh');
});
