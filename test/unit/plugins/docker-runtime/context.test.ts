/**
 * Which engine the docker CLI will talk to, read from its context store the
 * way the CLI resolves it (precedence: DOCKER_HOST, DOCKER_CONTEXT, the
 * config's currentContext, the default socket).
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { dockerEndpoint } from '../../../../plugins/docker-runtime/context.js';
import { withTempDir } from '../../helpers/fixtures.js';

async function addContext(configDir: string, name: string, host: string): Promise<void> {
  const dir = path.join(configDir, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
}

const withConfig = (run: (dir: string) => Promise<void>) => withTempDir('cidx-docker-config-', run);

test('no host, no context: the default socket, local', async (t) => {
  await withConfig(async (dir) => {
    t.deepEqual(dockerEndpoint({ DOCKER_CONFIG: dir }), { uri: 'unix:///var/run/docker.sock', host: undefined, local: true, source: 'default' });
  });
});

test('`docker context use` (currentContext in config.json) is followed to its endpoint', async (t) => {
  await withConfig(async (dir) => {
    await addContext(dir, 'build-box', 'tcp://build-box:2375');
    await writeFile(path.join(dir, 'config.json'), JSON.stringify({ auths: {}, currentContext: 'build-box' }));
    t.deepEqual(dockerEndpoint({ DOCKER_CONFIG: dir }), { uri: 'tcp://build-box:2375', host: 'build-box', local: false, source: 'context build-box' });
  });
});

test('DOCKER_CONTEXT beats currentContext; DOCKER_HOST beats both', async (t) => {
  await withConfig(async (dir) => {
    await addContext(dir, 'a', 'ssh://me@box-a');
    await addContext(dir, 'b', 'tcp://box-b:2375');
    await writeFile(path.join(dir, 'config.json'), JSON.stringify({ currentContext: 'a' }));
    t.like(dockerEndpoint({ DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'b' }), { host: 'box-b', source: 'context b' });
    t.like(dockerEndpoint({ DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'b', DOCKER_HOST: 'tcp://box-c:2375' }), { host: 'box-c', source: 'DOCKER_HOST' });
    t.like(dockerEndpoint({ DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'default' }), { uri: 'unix:///var/run/docker.sock', local: true });
  });
});

test('a context on a local socket is local; one the store lacks is named, not guessed remote', async (t) => {
  await withConfig(async (dir) => {
    await addContext(dir, 'desktop', 'unix:///home/me/.docker/run/docker.sock');
    t.like(dockerEndpoint({ DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'desktop' }), { local: true, host: undefined });
    t.like(dockerEndpoint({ DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'gone' }), { uri: 'context gone', local: true });
  });
});

test('the config dir defaults to $HOME/.docker', async (t) => {
  await withConfig(async (home) => {
    await addContext(path.join(home, '.docker'), 'r', 'tcp://10.9.8.7:2375');
    t.like(dockerEndpoint({ HOME: home, DOCKER_CONTEXT: 'r' }), { host: '10.9.8.7', local: false });
  });
});
