import test from 'ava';
import { remoteHost } from '../../../../plugins/oci-cli/engine-host.js';
import { dockerDialect } from '../../../../plugins/docker-runtime/index.js';
import { podmanDialect } from '../../../../plugins/podman-runtime/index.js';

const cases: Array<[string | undefined, string | undefined]> = [
  [undefined, undefined],
  ['', undefined],
  ['unix:///var/run/docker.sock', undefined],
  ['unix:///run/user/1000/podman/podman.sock', undefined],
  ['npipe:////./pipe/docker_engine', undefined],
  ['tcp://127.0.0.1:2375', undefined],
  ['tcp://localhost:2375', undefined],
  ['tcp://[::1]:2375', undefined],
  ['tcp://build-box:2375', 'build-box'],
  ['tcp://10.0.0.7:2376', '10.0.0.7'],
  ['ssh://me@build-box', 'build-box'],
  ['ssh://me@build-box:2222/run/podman/podman.sock', 'build-box'],
  ['tcp://[fd00::7]:2375', 'fd00::7'],
  ['not a url', undefined],
];
for (const [address, expected] of cases) {
  test(`remoteHost(${JSON.stringify(address)}) is ${JSON.stringify(expected)}`, (t) => {
    t.is(remoteHost(address), expected);
  });
}

test('docker reads DOCKER_HOST, podman reads CONTAINER_HOST', (t) => {
  const env = { DOCKER_HOST: 'tcp://docker-box:2375', CONTAINER_HOST: 'ssh://me@podman-box/run/podman/podman.sock' };
  t.is(dockerDialect.engineHost(env), 'docker-box');
  t.is(podmanDialect.engineHost(env), 'podman-box');
  t.is(dockerDialect.engineHost({}), undefined);
  t.is(podmanDialect.engineHost({ DOCKER_HOST: 'tcp://docker-box:2375' }), undefined);
});
