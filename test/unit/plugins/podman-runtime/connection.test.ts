/**
 * Which engine the podman CLI will talk to: CONTAINER_HOST, or a named
 * CONTAINER_CONNECTION looked up in podman-connections.json (Podman 5) or the
 * service_destinations of containers.conf (Podman 4, as `podman system
 * connection add` writes them). Unit-tested only: no second Podman service
 * runs in the test namespace (see docs/remote-engines.md).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { podmanEndpoint, serviceDestinationUri } from '../../../../plugins/podman-runtime/connection.js';
import { withTempDir } from '../../helpers/fixtures.js';

// As `podman system connection add --default build-box ssh://me@build-box:22/run/podman/podman.sock` writes it (Podman 4.3).
const CONTAINERS_CONF = `[containers]
default_ulimits = ["nofile=1024:1024"]

[engine]
  active_service = "build-box"
  [engine.service_destinations]
    [engine.service_destinations.build-box]
      uri = "ssh://me@build-box:22/run/podman/podman.sock"
      identity = "/home/me/.ssh/id_ed25519"
    [engine.service_destinations."other.vm"]
      uri = 'tcp://10.1.2.3:8888'
`;

test('no host, no connection: the local podman', (t) => {
  t.like(podmanEndpoint({ HOME: '/nonexistent' }), { host: undefined, local: true });
});

test('CONTAINER_HOST names the endpoint', (t) => {
  const uri = 'ssh://me@podman-box.example/run/podman/podman.sock';
  t.like(podmanEndpoint({ CONTAINER_HOST: uri }), { uri, host: 'podman-box.example', local: false, source: 'CONTAINER_HOST' });
  t.like(podmanEndpoint({ CONTAINER_HOST: 'unix:///run/podman/podman.sock' }), { local: true });
});

test('service_destinations tables are read by name, quoted or bare', (t) => {
  t.is(serviceDestinationUri(CONTAINERS_CONF, 'build-box'), 'ssh://me@build-box:22/run/podman/podman.sock');
  t.is(serviceDestinationUri(CONTAINERS_CONF, 'other.vm'), 'tcp://10.1.2.3:8888');
  t.is(serviceDestinationUri(CONTAINERS_CONF, 'missing'), undefined);
});

test('CONTAINER_CONNECTION is looked up in containers.conf (CONTAINERS_CONF) and in podman-connections.json', async (t) => {
  await withTempDir('cidx-podman-conf-', async (dir) => {
    const conf = path.join(dir, 'containers.conf');
    await writeFile(conf, CONTAINERS_CONF);
    t.like(podmanEndpoint({ CONTAINERS_CONF: conf, CONTAINER_CONNECTION: 'build-box', XDG_CONFIG_HOME: dir }), { host: 'build-box', local: false, source: 'connection build-box' });
    await mkdir(path.join(dir, 'containers'));
    await writeFile(path.join(dir, 'containers', 'podman-connections.json'), JSON.stringify({ Connection: { Default: 'v5', Connections: { v5: { URI: 'ssh://root@10.4.4.4:22/run/podman/podman.sock' } } } }));
    t.like(podmanEndpoint({ CONTAINERS_CONF: conf, CONTAINER_CONNECTION: 'v5', XDG_CONFIG_HOME: dir }), { host: '10.4.4.4', local: false });
    t.like(podmanEndpoint({ CONTAINERS_CONF: conf, CONTAINER_CONNECTION: 'nope', XDG_CONFIG_HOME: dir }), { uri: 'connection nope', local: true });
  });
});

test('CONTAINER_HOST beats CONTAINER_CONNECTION', (t) => {
  t.like(podmanEndpoint({ CONTAINER_HOST: 'tcp://a:1', CONTAINER_CONNECTION: 'x', CONTAINERS_CONF: '/nonexistent' }), { host: 'a' });
});
