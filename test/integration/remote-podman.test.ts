/**
 * cidx against a Podman engine on "another machine": `podman system service`
 * in its own network namespace with its own storage
 * (test/helpers/remote-podman.ts), reached over TCP, either through
 * CONTAINER_HOST or through a named connection (`podman system connection
 * add`, in a throwaway CONTAINERS_CONF, never the machine's containers.conf).
 * The Podman side of remote-engine.test.ts: URLs work from here, a loopback
 * bind there is refused, named volumes and `down` act on that engine and
 * never on the local one, and a local listener on the same port number
 * never answers a probe for the remote service.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { execa } from 'execa';
import type { ProjectReport } from '../../core/model.js';
import { createProject, type TestProject } from '../helpers/project.js';
import { remotePodmanEnv, useRemotePodman } from '../helpers/remote-podman.js';
import { closeServer, freePort, httpGet, impostor } from '../helpers/net.js';
import { refusesLoopbackThenServes } from '../helpers/remote-checks.js';
import { service } from '../helpers/reports.js';
import { STOP_HTTPD, webService } from '../helpers/services.js';

const remote = useRemotePodman(test);

/** With a named volume: volumes must be made and removed on the remote engine, never the local one. */
const web = (extra: Record<string, unknown> = {}) => {
  const { services } = webService() as { services: { web: Record<string, unknown> } };
  return { services: { web: { ...services.web, volumes: { data: '/data' } } }, ...extra };
};

const projectFilter = (project: TestProject) => ['--filter', `label=io.cidx.project=${project.id}`];

/** A throwaway project whose containers and volumes on the remote engine are removed too. */
async function remoteProject(t: ExecutionContext, config: Record<string, unknown>): Promise<TestProject> {
  const project = await createProject(config);
  t.teardown(async () => {
    const ids = (await remote().podman(['ps', '-aq', ...projectFilter(project)])).split('\n').filter(Boolean);
    if (ids.length) await remote().podman(['rm', '-f', '-t', '0', ...ids]);
    const volumes = (await remote().podman(['volume', 'ls', '-q', '--filter', `name=cidx-${project.id}`])).split('\n').filter(Boolean);
    if (volumes.length) await remote().podman(['volume', 'rm', '-f', ...volumes]);
    await project.cleanup();
  });
  return project;
}

/** The local Podman's containers of a project: a remote apply must make none. */
async function localContainers(project: TestProject): Promise<string> {
  return (await execa('podman', ['ps', '-aq', ...projectFilter(project)], { env: { CONTAINER_HOST: undefined, CONTAINER_CONNECTION: undefined } })).stdout;
}

test('CONTAINER_HOST: a loopback bind is refused before anything is made; bind 0.0.0.0 gives a URL that works from here; volumes and down act on that engine only', async (t) => {
  const project = await remoteProject(t, web());
  const env = remotePodmanEnv();
  const report = await refusesLoopbackThenServes(t, project, { runtime: 'podman', env, uri: remote().containerHost, address: '198.18.0.10', containers: () => remote().podman(['ps', '-aq', ...projectFilter(project)]) }, web);
  const [port] = service(report, 'web').ports;
  t.is(await localContainers(project), '', 'and not on the local one');
  const volume = `cidx-${project.id}-web.data`;
  const labels = JSON.parse(await remote().podman(['volume', 'inspect', '--format', '{{json .Labels}}', volume])) as Record<string, string>;
  t.is(labels['io.cidx.project'], project.id, 'the named volume is made, labelled, on the remote engine');

  const lookup = await project.cidx(['port', 'web', 'http', '--runtime', 'podman'], { env });
  t.is(lookup.stdout.trim(), `198.18.0.10:${port!.host}`, lookup.describe());

  const noop = await project.cidx(['apply', '--json', '--runtime', 'podman'], { env });
  t.like(service(noop.json(), 'web'), { action: 'unchanged', healthy: true }, noop.describe());

  const down = await project.cidx(['down', '--volumes', '--runtime', 'podman'], { env });
  t.is(down.exitCode, 0, down.describe());
  t.is(await remote().podman(['ps', '-aq', ...projectFilter(project)]), '');
  t.is(await remote().podman(['volume', 'ls', '-q', '--filter', `name=${volume}`]), '', 'down --volumes removed the volume there');
});

test('CONTAINER_CONNECTION (podman system connection add) is followed: --json, status and doctor name the engine; a local listener on the port never answers its probe', async (t) => {
  // A containers.conf of the test's own: `connection add` writes the connection there (Podman 4), not into /etc/containers.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cidx-containers-conf-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const conf = path.join(dir, 'containers.conf');
  await writeFile(conf, '');
  // Podman 5 writes connections to podman-connections.json under XDG_CONFIG_HOME (or PODMAN_CONNECTIONS_CONF): the test's too.
  const env = { CONTAINERS_CONF: conf, XDG_CONFIG_HOME: dir, PODMAN_CONNECTIONS_CONF: path.join(dir, 'podman-connections.json'), CONTAINER_HOST: undefined, CONTAINER_CONNECTION: 'cidxp2' };
  await execa('podman', ['system', 'connection', 'add', 'cidxp2', remote().containerHost], { env: { ...env, CONTAINER_CONNECTION: undefined } });

  // The same port number held here on 127.0.0.1, answering 200 to anything.
  const number = await freePort();
  const local = await impostor(number);
  t.teardown(() => closeServer(local));
  const project = await remoteProject(t, web({ bind: '0.0.0.0', preferredPorts: { web: { http: number } } }));

  const applied = await project.cidx(['apply', '--json', '--runtime', 'podman'], { env });
  t.is(applied.exitCode, 0, applied.describe());
  const report = applied.json<ProjectReport>();
  t.like(report.endpoint, { uri: remote().containerHost, local: false, source: 'connection cidxp2' });
  t.is(service(report, 'web').ports[0]!.url, `http://198.18.0.10:${number}`);
  t.is(await localContainers(project), '');

  // The remote service stops answering; the impostor here still would.
  const [id] = (await remote().podman(['ps', '-q', ...projectFilter(project)])).split('\n');
  await remote().podman(['exec', id!, ...STOP_HTTPD]);
  await t.throwsAsync(httpGet(`http://198.18.0.10:${number}/healthz`, 2_000), undefined, 'the remote service no longer answers');
  t.like(await httpGet(`http://127.0.0.1:${number}/healthz`), { status: 200 }, 'the local impostor on the same port number does');
  const status = await project.cidx(['status', '--json', '--runtime', 'podman'], { env });
  t.like(service(status.json(), 'web'), { state: 'running', healthy: false }, status.describe());

  const doctor = await project.cidx(['doctor', '--json', '--runtime', 'podman'], { env });
  const podman = doctor.json<{ checks: Array<{ name: string; detail: string; facts?: { engine?: unknown } }> }>().checks.find((check) => check.name === 'podman');
  t.regex(podman?.detail ?? '', /at tcp:\/\/198\.18\.0\.10:8888 \(connection cidxp2\)/, doctor.describe());
  t.like(podman?.facts?.engine, { host: '198.18.0.10', local: false });
});

