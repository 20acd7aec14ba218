import test from 'ava';
import { CidxError } from '../../../../core/errors.js';
import { CliRuntime, publishArg } from '../../../../plugins/oci-cli/cli-runtime.js';
import { dockerDialect } from '../../../../plugins/docker-runtime/index.js';
import { podmanDialect } from '../../../../plugins/podman-runtime/index.js';

test('publishArg: runtime-chosen port on an address (works on Docker and Podman, unlike 0:port)', (t) => {
  t.is(publishArg({ container: 6333, hostIp: '127.0.0.1', hostPort: undefined }), '127.0.0.1::6333/tcp');
  t.is(publishArg({ container: 80, hostIp: '0.0.0.0', hostPort: undefined }), '0.0.0.0::80/tcp');
});

test('publishArg: a requested host port', (t) => {
  t.is(publishArg({ container: 6333, hostIp: '127.0.0.1', hostPort: 6333 }), '127.0.0.1:6333:6333/tcp');
  t.is(publishArg({ container: 11434, hostIp: '0.0.0.0', hostPort: 21434 }), '0.0.0.0:21434:11434/tcp');
});

test('publishArg: IPv6 addresses are bracketed', (t) => {
  t.is(publishArg({ container: 6333, hostIp: '::1', hostPort: undefined }), '[::1]::6333/tcp');
  t.is(publishArg({ container: 6333, hostIp: '::', hostPort: 7000 }), '[::]:7000:6333/tcp');
});

test('the engine host comes from the dialect and the given environment', (t) => {
  t.is(new CliRuntime(dockerDialect, 'docker', { DOCKER_HOST: 'tcp://build-box:2375' }).engineHost, 'build-box');
  t.is(new CliRuntime(dockerDialect, 'docker', {}).engineHost, undefined);
  t.is(new CliRuntime(podmanDialect, 'podman', { CONTAINER_HOST: 'ssh://me@vm/run/podman/podman.sock' }).engineHost, 'vm');
});

test('a binary that does not exist: RUNTIME_UNAVAILABLE from a real spawn (ENOENT), and answers() is false', async (t) => {
  const runtime = new CliRuntime(dockerDialect, '/nonexistent/bin/docker', { PATH: '/usr/bin:/bin' });
  const error = await t.throwsAsync(runtime.listProject('abc'), { instanceOf: CidxError });
  t.is(error.code, 'RUNTIME_UNAVAILABLE');
  t.is(error.message, 'docker is not installed: `/nonexistent/bin/docker` was not found on PATH');
  t.false(await runtime.answers(2_000));
});

test('inspect of no ids answers at once without running the CLI', async (t) => {
  const runtime = new CliRuntime(dockerDialect, '/nonexistent/bin/docker', {});
  t.deepEqual(await runtime.inspect([]), []);
});
