/**
 * classifyFailure on stderr captured from the real CLIs (see
 * test/fixtures/json/engine-errors.json for how each was produced).
 */
import test from 'ava';
import { CidxError } from '../../../../core/errors.js';
import { NameConflictError, PortRefusedError } from '../../../../core/runtime.js';
import { classifyFailure, engineError, namesMissingImage, portRefusal, type Failure } from '../../../../plugins/oci-cli/failures.js';
import { dockerDialect } from '../../../../plugins/docker-runtime/index.js';
import { podmanDialect } from '../../../../plugins/podman-runtime/index.js';
import { fixtureJson } from '../../helpers/fixtures.js';

interface Captured {
  args: string[];
  stderr: string;
  env?: Record<string, string>;
}
const ERRORS = fixtureJson<Record<string, Captured>>('engine-errors.json');
const DIALECTS = { docker: dockerDialect, podman: podmanDialect };

/** Classified as the runtime does: the shared rules with the engine's dialect. */
const classify = (failure: Failure) => classifyFailure(failure, DIALECTS[failure.runtime as 'docker' | 'podman'].errors);

function failure(key: string, runtime: 'docker' | 'podman', extra: Partial<Failure> = {}): Failure {
  const captured = ERRORS[key];
  if (!captured) throw new Error(`no captured error ${key}`);
  return {
    runtime,
    binary: runtime,
    args: captured.args,
    what: `${runtime} ${captured.args[0]}`,
    stderr: captured.stderr,
    spawnError: undefined,
    timedOut: false,
    address: DIALECTS[runtime].engineAddress(captured.env ?? {}),
    ...extra,
  };
}

const portCases: Array<[string, 'docker' | 'podman', number, RegExp]> = [
  ['dockerPortAllocated', 'docker', 38111, /port is already allocated/],
  ['dockerAddressInUse', 'docker', 38112, /address already in use/],
  ['podmanAddressInUse', 'podman', 38113, /address already in use/],
  // `docker start` closes with a summary line after the cause: the cause decides.
  ['dockerStartPortAllocated', 'docker', 39555, /port is already allocated/],
  ['podmanStartAddressInUse', 'podman', 39556, /address already in use/],
];
for (const [key, runtime, port, words] of portCases) {
  test(`${key}: PortRefusedError naming port ${port}`, (t) => {
    const error = classify(failure(key, runtime));
    t.true(error instanceof PortRefusedError);
    t.is((error as PortRefusedError).port, port);
    t.is(error.code, 'PORT_REFUSED');
    t.true(error.message.startsWith(`host port ${port} is not available: `), error.message);
    t.regex(error.message, words, "keeps the engine's own words");
    t.notRegex(error.message, /--help/, "drops the CLI's help trailer");
  });
}

test('a refusal without a port number still is a PortRefusedError', (t) => {
  const error = classify({ ...failure('podmanAddressInUse', 'podman'), stderr: 'Error: rootlessport listen: address already in use' });
  t.true(error instanceof PortRefusedError);
  t.is((error as PortRefusedError).port, undefined);
  t.regex(error.message, /^a host port is not available/);
});

for (const [key, runtime] of [['dockerNameConflict', 'docker'], ['podmanNameConflict', 'podman']] as const) {
  test(`${key}: NameConflictError naming the container from --name`, (t) => {
    const error = classify(failure(key, runtime));
    t.true(error instanceof NameConflictError);
    t.is((error as NameConflictError).containerName, 'cidxut-run');
    t.is(error.code, 'NAME_CONFLICT');
    t.regex(error.message, /already in use/);
  });
}

const imageCases: Array<[string, 'docker' | 'podman', string]> = [
  ['dockerMissingImage', 'docker', 'nosuch/image:1'],
  ['dockerMissingLocalhostImage', 'docker', 'localhost/nosuch:1'],
  ['podmanMissingImage', 'podman', 'nosuch/image:1'],
  ['podmanMissingLocalhostImage', 'podman', 'localhost/nosuch:1'],
];
for (const [key, runtime, image] of imageCases) {
  test(`${key}: IMAGE_UNAVAILABLE naming ${image}, not an unreachable engine`, (t) => {
    const error = classify(failure(key, runtime, { image }));
    t.is(error.code, 'IMAGE_UNAVAILABLE');
    t.is(error.message, `image ${image} is not available to ${runtime} and could not be pulled`);
    t.is(error.details.length, 1);
    t.truthy(error.hint);
  });
}

test('the image named is the one the run was given, whatever its options', (t) => {
  const args = ['run', '-d', '--name', 'n', '--label', 'a=b', '--network-alias', 'q', '--publish', '127.0.0.1::80/tcp', 'qdrant/qdrant:v9', '--flag'];
  const error = classify({ ...failure('podmanMissingImage', 'podman'), args, image: 'qdrant/qdrant:v9' });
  t.is(error.message, 'image qdrant/qdrant:v9 is not available to podman and could not be pulled');
});

const unreachable: Array<[string, 'docker' | 'podman', string]> = [
  ['dockerUnreachableTcp', 'docker', 'tcp://127.0.0.1:1'],
  ['dockerUnreachableUnix', 'docker', 'unix:///tmp/nosuch.sock'],
  ['dockerRunDaemonDown', 'docker', 'unix:///var/run/docker.sock'],
  ['podmanUnreachable', 'podman', 'tcp://127.0.0.1:1'],
];
for (const [key, runtime, address] of unreachable) {
  test(`${key}: RUNTIME_UNAVAILABLE at ${address}`, (t) => {
    const error = classify(failure(key, runtime));
    t.is(error.code, 'RUNTIME_UNAVAILABLE');
    t.is(error.message, `cannot reach the ${runtime} engine at ${address}`);
    t.is(error.details.length, 1);
  });
}

test('dockerPermissionDenied: RUNTIME_PERMISSION with the socket', (t) => {
  const error = classify(failure('dockerPermissionDenied', 'docker'));
  t.is(error.code, 'RUNTIME_PERMISSION');
  t.is(error.message, 'permission denied on the docker socket (unix:///var/run/docker.sock)');
  t.regex(error.hint ?? '', /docker` group/);
});

test('a missing binary (ENOENT) is RUNTIME_UNAVAILABLE: not installed', (t) => {
  const error = classify({ ...failure('dockerUnreachableTcp', 'docker'), stderr: '', spawnError: 'ENOENT', binary: '/opt/none/docker' });
  t.is(error.code, 'RUNTIME_UNAVAILABLE');
  t.is(error.message, 'docker is not installed: `/opt/none/docker` was not found on PATH');
});

test('a timeout is an unreachable engine, said so', (t) => {
  const error = classify({ ...failure('dockerUnreachableTcp', 'docker'), stderr: '', timedOut: true, address: dockerDialect.engineAddress({}) });
  t.is(error.code, 'RUNTIME_UNAVAILABLE');
  t.is(error.message, 'cannot reach the docker engine at unix:///var/run/docker.sock (timed out)');
  t.deepEqual(error.details, []);
});

test('anything else is RUNTIME_COMMAND with what cidx was doing and the last lines', (t) => {
  const error = classify({
    ...failure('dockerUnreachableTcp', 'docker'),
    args: ['volume', 'rm', 'v'],
    what: 'removing volumes',
    stderr: 'Error response from daemon: remove v: volume is in use - [abc]\n',
  });
  t.true(error instanceof CidxError);
  t.is(error.code, 'RUNTIME_COMMAND');
  t.is(error.message, 'removing volumes failed (docker exited with an error)');
  t.deepEqual(error.details, ['Error response from daemon: remove v: volume is in use - [abc]']);
});

test('engineAddress: DOCKER_HOST, then DOCKER_CONTEXT, then the default socket; Podman: CONTAINER_HOST or local', (t) => {
  t.is(dockerDialect.engineAddress({ DOCKER_HOST: 'ssh://me@box' }), 'ssh://me@box');
  t.is(dockerDialect.engineAddress({ DOCKER_CONTEXT: 'remote' }), 'context remote');
  t.is(dockerDialect.engineAddress({}), 'unix:///var/run/docker.sock');
  t.is(podmanDialect.engineAddress({ CONTAINER_HOST: 'ssh://me@box/run/podman.sock', DOCKER_HOST: 'tcp://x:1' }), 'ssh://me@box/run/podman.sock');
  t.is(podmanDialect.engineAddress({}), 'the local Podman engine');
});

const poolFix = { docker: /default-address-pools.*daemon\.json/, podman: /default_subnet_pools.*containers\.conf/ };
for (const [key, runtime] of [['dockerPoolsExhausted', 'docker'], ['podmanPoolsExhausted', 'podman']] as const) {
  test(`${key}: NETWORK_POOL_EXHAUSTED, with the engine's words and that engine's own fix`, (t) => {
    const error = classify(failure(key, runtime));
    t.is(error.code, 'NETWORK_POOL_EXHAUSTED');
    t.is(error.message, `${runtime} has no address range left for another network`);
    t.regex(error.details.join(' '), /non-overlapping IPv4 address pool|could not find free subnet/);
    t.regex(error.hint ?? '', poolFix[runtime]);
    t.notRegex(error.hint ?? '', poolFix[runtime === 'docker' ? 'podman' : 'docker'], "not the other engine's");
  });
}

// A run that pulled and then failed: the pull's progress says nothing about why.
const afterPull: Array<[string, 'docker' | 'podman', string, RegExp]> = [
  ['dockerPortAllocatedAfterPull', 'docker', 'PORT_REFUSED', /Bind for 127\.0\.0\.1:38122 failed: port is already allocated$/],
  ['podmanAddressInUseAfterPull', 'podman', 'PORT_REFUSED', /127\.0\.0\.1:38123: bind: address already in use$/],
  ['dockerBadMountAfterPull', 'docker', 'RUNTIME_COMMAND', /^docker: Error response from daemon: invalid volume specification: .*mount path must be absolute$/],
  ['podmanBadMountAfterPull', 'podman', 'RUNTIME_COMMAND', /^Error: invalid container path "relative\/path", must be an absolute path$/],
  ['dockerStartFailedAfterPull', 'docker', 'RUNTIME_COMMAND', /^docker: Error response from daemon: failed to create shim task: .*no such file or directory: unknown$/],
  ['podmanStartFailedAfterPull', 'podman', 'RUNTIME_COMMAND', /^Error: runc: runc create failed: .*command that was not found$/],
  ['dockerNoNetwork', 'docker', 'RUNTIME_COMMAND', /^docker: Error response from daemon: network ec-nosuch-net not found$/],
  ['podmanNoNetwork', 'podman', 'RUNTIME_COMMAND', /^Error: unable to find network with name or ID ec-nosuch-net: network not found$/],
];
for (const [key, runtime, code, final] of afterPull) {
  test(`${key}: ${code} from the engine's final error, not IMAGE_UNAVAILABLE from the pull before it`, (t) => {
    const error = classify(failure(key, runtime, { image: 'localhost:5055/ec-pull/test:1', what: 'starting ec-cap' }));
    t.is(error.code as string, code);
    const shown = code === 'PORT_REFUSED' ? error.message.replace(/^host port \d+ is not available: /, '') : error.details.join(' ');
    t.regex(shown, final);
    t.notRegex(shown, /Pulling from|Trying to pull|Copying blob|Storing signatures|Status: Downloaded|--help/, 'the pull progress is not the error');
  });
}

for (const [key, runtime] of [['dockerManifestUnknown', 'docker'], ['podmanManifestUnknown', 'podman']] as const) {
  test(`${key}: a registry that does not have the image is IMAGE_UNAVAILABLE`, (t) => {
    const error = classify(failure(key, runtime, { image: 'localhost:5055/ec-pull/nosuch:1' }));
    t.is(error.code, 'IMAGE_UNAVAILABLE');
    t.regex(error.details.join(' '), /manifest unknown$/);
  });
}

const gone: Array<[string, 'docker' | 'podman']> = [
  ['dockerEngineGoneInspect', 'docker'],
  ['dockerEngineGoneRun', 'docker'],
  ['podmanEngineGone', 'podman'],
];
for (const [key, runtime] of gone) {
  test(`${key}: ENGINE_UNAVAILABLE when the engine answered earlier in the command, RUNTIME_UNAVAILABLE when it never did`, (t) => {
    const before = classify(failure(key, runtime, { answeredBefore: true }));
    t.is(before.code, 'ENGINE_UNAVAILABLE');
    t.is(before.exitCode, 1);
    t.is(before.message, `the ${runtime} engine at unix:///nonexistent stopped answering: it answered earlier in this command`);
    t.regex(before.hint ?? '', /still running/);
    t.is(classify(failure(key, runtime)).code, 'RUNTIME_UNAVAILABLE');
  });
}

test('a timeout after the engine answered is ENGINE_UNAVAILABLE too, said so', (t) => {
  const error = classify({ ...failure('dockerUnreachableTcp', 'docker'), stderr: '', timedOut: true, address: dockerDialect.engineAddress({}), answeredBefore: true });
  t.is(error.code, 'ENGINE_UNAVAILABLE');
  t.is(error.message, 'the docker engine at unix:///var/run/docker.sock stopped answering (timed out): it answered earlier in this command');
});

test("engineError: from the last line that starts an error, without Podman's logged warnings", (t) => {
  t.deepEqual(engineError(ERRORS.podmanMissingLocalhostImage!.stderr), [
    'Error: initializing source docker://localhost/nosuch:1: pinging container registry localhost: Get "https://localhost/v2/": dial tcp 127.0.0.1:443: connect: connection refused',
  ]);
  t.deepEqual(engineError(ERRORS.podmanUnreachable!.stderr), [
    'Error: unable to connect to Podman socket: Get "http://d/v4.3.1/libpod/_ping": dial tcp 127.0.0.1:1: connect: connection refused',
  ]);
  t.deepEqual(engineError('Cannot connect to the Docker daemon at unix:///x. Is the docker daemon running?\n'), ['Cannot connect to the Docker daemon at unix:///x. Is the docker daemon running?']);
  t.deepEqual(engineError('WARN[0000] some warning\nError: it broke\n  and why\n'), ['Error: it broke', 'and why']);
});

test('without a dialect the hints name no engine: they are the registry\'s engine-neutral ones', (t) => {
  for (const key of ['dockerPermissionDenied', 'dockerPoolsExhausted', 'dockerManifestUnknown', 'dockerEngineGoneRun']) {
    const error = classifyFailure({ ...failure(key, 'docker', { image: 'x:1', answeredBefore: true }) });
    t.notRegex(error.hint ?? '', /docker|podman/i, key);
  }
});

test("each dialect's own hint on IMAGE_UNAVAILABLE: its login command, not the other engine's", (t) => {
  t.regex(classify(failure('dockerManifestUnknown', 'docker', { image: 'x:1' })).hint ?? '', /`docker login`/);
  const podman = classify(failure('podmanManifestUnknown', 'podman', { image: 'x:1' })).hint ?? '';
  t.regex(podman, /`podman login`/);
  t.notRegex(podman, /docker/i);
});

test("a dialect's classify is asked before the shared rules; undefined leaves them to it", (t) => {
  const own = new CidxError('RUNTIME_COMMAND', 'the engine said it its own way');
  const engine = { classify: (f: Failure, lines: string[]) => (lines.join(' ').includes('quota') ? own : undefined) };
  t.is(classifyFailure({ ...failure('dockerPortAllocated', 'docker'), stderr: 'Error: quota exceeded' }, engine), own);
  t.is(classifyFailure(failure('dockerPortAllocated', 'docker'), engine).code, 'PORT_REFUSED');
});

test("portRefusal and namesMissingImage read an engine's words outside a CLI call too (a Swarm task's error)", (t) => {
  t.deepEqual(portRefusal('starting container failed: driver failed programming external connectivity on endpoint x: Bind for 0.0.0.0:32770 failed: port is already allocated'), { port: 32770 });
  t.deepEqual(portRefusal('listen tcp4 0.0.0.0:8080: bind: address already in use'), { port: 8080 });
  t.deepEqual(portRefusal('host-mode port already in use: address already in use'), { port: undefined });
  t.is(portRefusal('task: non-zero exit (1)'), undefined);
  t.true(namesMissingImage('No such image: localhost/cidx-test:9'));
  t.true(namesMissingImage('pull access denied for example/web, repository does not exist'));
  t.false(namesMissingImage('task: non-zero exit (1)'));
});
