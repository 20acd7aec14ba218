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
import test from 'ava';
import { execa } from 'execa';
import type { TestProject } from '../helpers/project.js';
import { remotePodmanEnv, useRemotePodman } from '../helpers/remote-podman.js';
import { freePort } from '../helpers/net.js';
import { probesNeverMeetImpostor, refusesLoopbackThenServes, remoteContainers, remoteProject, type RemoteTarget } from '../helpers/remote-checks.js';
import { service } from '../helpers/reports.js';
import { webService } from '../helpers/services.js';
import { projectContainerIds } from '../helpers/runtime.js';

const remote = useRemotePodman(test);

/** With a named volume: volumes must be made and removed on the remote engine, never the local one. */
const web = (extra: Record<string, unknown> = {}) => {
  const { services } = webService() as { services: { web: Record<string, unknown> } };
  return { services: { web: { ...services.web, volumes: { data: '/data' } } }, ...extra };
};

/** The remote engine over `env` (CONTAINER_HOST by default). */
const target = (env: Record<string, string | undefined> = remotePodmanEnv()): RemoteTarget => ({ runtime: 'podman', env, uri: remote().containerHost, address: remote().address, cli: remote().podman });

/** The local Podman's containers of a project: a remote apply must make none. */
const localContainers = async (project: TestProject) => (await projectContainerIds('podman', project.id)).join('\n');

test('CONTAINER_HOST: a loopback bind is refused before anything is made; bind 0.0.0.0 gives a URL that works from here; volumes and down act on that engine only', async (t) => {
  const project = await remoteProject(t, web(), target());
  const env = remotePodmanEnv();
  const report = await refusesLoopbackThenServes(t, project, target(), web);
  const [port] = service(report, 'web').ports;
  t.is(await localContainers(project), '', 'and not on the local one');
  const volume = `cidx-${project.id}-web.data`;
  const labels = JSON.parse(await remote().podman(['volume', 'inspect', '--format', '{{json .Labels}}', volume])) as Record<string, string>;
  t.is(labels['io.cidx.project'], project.id, 'the named volume is made, labelled, on the remote engine');

  const lookup = await project.cidx(['port', 'web', 'http', '--runtime', 'podman'], { env });
  t.is(lookup.stdout.trim(), `${remote().address}:${port!.host}`, lookup.describe());

  const noop = await project.cidx(['apply', '--json', '--runtime', 'podman'], { env });
  t.like(service(noop.json(), 'web'), { action: 'unchanged', healthy: true }, noop.describe());

  const down = await project.cidx(['down', '--volumes', '--runtime', 'podman'], { env });
  t.is(down.exitCode, 0, down.describe());
  t.is(await remoteContainers(target(), project), '');
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

  const port = await freePort();
  const project = await remoteProject(t, web({ bind: '0.0.0.0', preferredPorts: { web: { http: port } } }), target());
  await probesNeverMeetImpostor(t, project, { ...target(env), source: 'connection cidxp2' }, port);
  t.is(await localContainers(project), '', 'nothing ran on the local engine');
});

