import os from 'node:os';
import test from 'ava';
import { endpointFromUri, endpointKey, isLoopback, projectLockName, runtimeEndpoint } from '../../../core/engine-endpoint.js';
import { assertReachablePorts } from '../../../core/remote-bind.js';
import { desiredOne, inertRuntime } from '../helpers/contexts.js';

test('an address naming this machine is a local endpoint; another machine is remote', (t) => {
  for (const uri of ['unix:///var/run/docker.sock', 'tcp://127.0.0.1:2375', 'tcp://localhost:2375', `tcp://${os.hostname()}:2375`, 'npipe:////./pipe/docker_engine']) {
    t.like(endpointFromUri(uri), { local: true, host: undefined }, uri);
  }
  t.like(endpointFromUri('ssh://me@build-box:2222'), { local: false, host: 'build-box' });
  t.like(endpointFromUri('tcp://[fd00::7]:2375'), { local: false, host: 'fd00::7' });
});

test('isLoopback: 127/8 and ::1 only', (t) => {
  for (const ip of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) t.true(isLoopback(ip), ip);
  for (const ip of ['0.0.0.0', '::', '', '10.0.0.1', '198.18.0.2']) t.false(isLoopback(ip), ip);
});

test('a runtime without `endpoint` gets one derived from engineHost, keyed apart from another runtime', (t) => {
  t.like(runtimeEndpoint(inertRuntime('build-box')), { host: 'build-box', local: false });
  t.like(runtimeEndpoint(inertRuntime()), { local: true });
  t.not(endpointKey(inertRuntime('build-box')), endpointKey(inertRuntime()));
  t.not(endpointKey({ ...inertRuntime(), name: 'docker' }), endpointKey({ ...inertRuntime(), name: 'podman' }));
});

test('the project lock is per project and engine', (t) => {
  const local = { ...inertRuntime(), endpoint: { uri: 'unix:///var/run/docker.sock', host: undefined, local: true } };
  const remote = { ...inertRuntime('r'), endpoint: { uri: 'tcp://r:2375', host: 'r', local: false } };
  t.regex(projectLockName('1a2b3c4d', local), /^1a2b3c4d@[0-9a-f]{12}\.lock$/);
  t.not(projectLockName('1a2b3c4d', local), projectLockName('1a2b3c4d', remote));
  t.is(projectLockName('1a2b3c4d', remote), projectLockName('1a2b3c4d', { ...remote }));
});

test('apply refuses loopback-bound ports on a remote engine before changing anything, and says what to do', async (t) => {
  const config = { services: { web: { image: 'w', ports: { http: 80 } }, worker: { image: 'x' } } };
  const web = await desiredOne(config, 'web');
  const worker = await desiredOne(config, 'worker');
  const error = t.throws(() => assertReachablePorts([web, worker], inertRuntime('build-box')));
  t.like(error, { code: 'REMOTE_LOOPBACK', exitCode: 2 });
  t.regex(error!.message, /^web would publish its ports on 127\.0\.0\.1 of build-box/);
  t.regex((error as { hint?: string }).hint ?? '', /bind: '0\.0\.0\.0'/);
  t.notThrows(() => assertReachablePorts([web], inertRuntime()), 'a local engine is fine');
  t.notThrows(() => assertReachablePorts([worker], inertRuntime('build-box')), 'a service without ports is fine');
  const open = await desiredOne({ ...config, bind: '0.0.0.0' }, 'web');
  t.notThrows(() => assertReachablePorts([open], inertRuntime('build-box')), "bind: '0.0.0.0' is reachable");
});
