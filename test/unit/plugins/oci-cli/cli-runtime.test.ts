import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
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
  t.is(new CliRuntime(podmanDialect, 'podman', { CONTAINER_HOST: 'ssh://me@podman-box.example/run/podman/podman.sock' }).engineHost, 'podman-box.example');
  t.deepEqual(new CliRuntime(dockerDialect, 'docker', { DOCKER_HOST: 'tcp://build-box:2375' }).endpoint, { uri: 'tcp://build-box:2375', host: 'build-box', local: false, source: 'DOCKER_HOST' });
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

/** A stand-in `docker` that runs `script` with sh, whatever it is asked: a real process to time out or cancel. */
async function fakeCli(script: string): Promise<{ binary: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cidx-fake-cli-'));
  const binary = path.join(dir, 'docker');
  await writeFile(binary, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return { binary, remove: () => rm(dir, { recursive: true, force: true }) };
}

test('exec: exit code and output of the command, both streams', async (t) => {
  const fake = await fakeCli('echo "args: $*"; echo warn >&2; exit 3');
  try {
    const result = await new CliRuntime(dockerDialect, fake.binary, { PATH: '/usr/bin:/bin' }).exec('c1', ['probe', '--x']);
    t.deepEqual(result, { exitCode: 3, output: 'args: exec c1 probe --x\nwarn' });
  } finally {
    await fake.remove();
  }
});

test('exec: a call still running at timeoutMs is ended and reported as timed out', async (t) => {
  const fake = await fakeCli('exec sleep 30');
  try {
    const started = Date.now();
    const result = await new CliRuntime(dockerDialect, fake.binary, { PATH: '/usr/bin:/bin' }).exec('c1', ['sleep', 'infinity'], { timeoutMs: 200 });
    t.true(result.timedOut);
    t.true(Date.now() - started < 10_000, 'the 30 s call was not waited for');
  } finally {
    await fake.remove();
  }
});

test('exec: an abort ends the call in flight and rejects with the reason', async (t) => {
  const fake = await fakeCli('exec sleep 30');
  try {
    const controller = new AbortController();
    const reason = new CidxError('INTERRUPTED', 'interrupted');
    const call = new CliRuntime(dockerDialect, fake.binary, { PATH: '/usr/bin:/bin' }).exec('c1', ['sleep', 'infinity'], { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 200);
    const started = Date.now();
    t.is(await t.throwsAsync(call), reason);
    t.true(Date.now() - started < 10_000, 'the 30 s call was not waited for');
  } finally {
    await fake.remove();
  }
});

test('run hands env values over stdin and the CLI environment, never in its arguments', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'cidx-env-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  // A fake CLI that records what it was given: arguments, stdin, and the two variables of interest.
  const fake = path.join(dir, 'docker');
  await writeFile(
    fake,
    `#!/bin/sh\nprintf '%s\\n' "$@" > '${dir}/argv'\ncat /dev/stdin > '${dir}/stdin'\nprintf '%s' "$PEM" > '${dir}/pem'\nprintf '%s' "$HOME" > '${dir}/home'\necho 0123abcd\n`,
    { mode: 0o755 },
  );
  const runtime = new CliRuntime(dockerDialect, fake, { PATH: '/usr/bin:/bin', HOME: '/cidx-home' });
  const secret = 'uniq-7f3a-secret';
  const spec = {
    name: 'cidx-x-svc',
    image: 'img:1',
    command: undefined,
    env: { TOKEN: `${secret} = "$x" ü`, HOME: `/${secret}`, PEM: `line1\n${secret}\n` },
    labels: {},
    ports: [],
    hostIp: '127.0.0.1',
    volumes: [],
  };
  t.deepEqual(await runtime.run(spec, []), { id: '0123abcd' });
  const argv = await readFile(path.join(dir, 'argv'), 'utf8');
  t.false(argv.includes(secret), argv);
  t.is(argv, ['run', '-d', '--name', 'cidx-x-svc', '--env-file', '/dev/stdin', '--env', 'PEM', 'img:1', ''].join('\n'));
  t.is(await readFile(path.join(dir, 'stdin'), 'utf8'), `TOKEN=${secret} = "$x" ü\nHOME=/${secret}\n`);
  t.is(await readFile(path.join(dir, 'pem'), 'utf8'), `line1\n${secret}\n`);
  t.is(await readFile(path.join(dir, 'home'), 'utf8'), '/cidx-home', "the service's HOME does not reach the CLI's environment");
});

/** A fake CLI that fails its first `fails` calls with `stderr`, then succeeds; it counts its calls in `<dir>/calls`. */
async function flakyCli(t: import('ava').ExecutionContext, fails: number, stderr: string): Promise<{ binary: string; calls: () => Promise<number> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cidx-flaky-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const binary = path.join(dir, 'cli');
  await writeFile(
    binary,
    `#!/bin/sh\necho x >> '${dir}/calls'\nn=$(wc -l < '${dir}/calls')\nif [ "$n" -le ${fails} ]; then echo '${stderr}' >&2; exit 125; fi\necho ok\n`,
    { mode: 0o755 },
  );
  return { binary, calls: async () => (await readFile(path.join(dir, 'calls'), 'utf8')).split('\n').filter(Boolean).length };
}

test("podman's dialect asks `network create` again when an interface vanished under it; docker's does not", async (t) => {
  const vanished = 'Error: netavark: route ip+net: no such network interface';
  const podman = await flakyCli(t, 2, vanished);
  await new CliRuntime(podmanDialect, podman.binary, { PATH: '/usr/bin:/bin' }).ensureNetwork('net', {});
  t.is(await podman.calls(), 3, 'two failures, then the create that worked');

  const docker = await flakyCli(t, 2, vanished);
  const error = await t.throwsAsync(new CliRuntime(dockerDialect, docker.binary, { PATH: '/usr/bin:/bin' }).ensureNetwork('net', {}));
  t.is((error as CidxError).code, 'RUNTIME_COMMAND');
  t.is(await docker.calls(), 1, 'no retry without the dialect saying so');
});

test('a dialect retries only the commands it names: the same words from another command fail at once', async (t) => {
  const flaky = await flakyCli(t, 1, 'Error: no such network interface');
  await t.throwsAsync(new CliRuntime(podmanDialect, flaky.binary, { PATH: '/usr/bin:/bin' }).removeVolumes(['v']));
  t.is(await flaky.calls(), 1);
});

test('describe parses `info` with the dialect: each engine its own shape', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'cidx-info-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const fake = (name: string, info: unknown) => {
    const binary = path.join(dir, name);
    return writeFile(binary, `#!/bin/sh\nif [ "$1" = info ]; then echo '${JSON.stringify(info)}'; else echo 1.2.3; fi\n`, { mode: 0o755 }).then(() => binary);
  };
  const docker = new CliRuntime(dockerDialect, await fake('docker', { ServerVersion: '20.10.24', SecurityOptions: ['name=seccomp', 'name=rootless'] }), {});
  t.like(await docker.describe(), { clientVersion: '1.2.3', serverVersion: '20.10.24', rootless: true, endpoint: 'unix:///var/run/docker.sock', engine: { local: true } });
  const podman = new CliRuntime(podmanDialect, await fake('podman', { version: { Version: '4.3.1' }, host: { security: { rootless: false } } }), { CONTAINER_HOST: 'ssh://podman-box.example' });
  t.like(await podman.describe(), { clientVersion: '1.2.3', serverVersion: '4.3.1', rootless: false, endpoint: 'ssh://podman-box.example', engine: { host: 'podman-box.example', local: false } });
});

test('a CliRuntime declares every optional capability up front; only Docker labels the volumes `run` makes', (t) => {
  const every = { networks: true, labelledVolumes: true, streamLogs: true, describe: true, interactiveExec: true, pull: true };
  t.deepEqual({ ...new CliRuntime(dockerDialect, 'docker', {}).capabilities }, { ...every, volumeLabelsOnRun: true });
  t.deepEqual({ ...new CliRuntime(podmanDialect, 'podman', {}).capabilities }, { ...every, volumeLabelsOnRun: false });
});

test('remove on Docker: anonymous volumes mounted by name are looked up first and removed after rm -v; a refusal there does not fail the removal; keepVolumes touches none', async (t) => {
  const anon = 'a'.repeat(64);
  const log = path.join(await mkdtemp(path.join(tmpdir(), 'cidx-rm-log-')), 'calls');
  t.teardown(() => rm(path.dirname(log), { recursive: true, force: true }));
  const fake = await fakeCli(`echo "$*" >> ${log}
case "$1 $2" in
  "container inspect") echo '[{"Id":"c1","Mounts":[{"Type":"volume","Name":"${anon}","Destination":"/anon"},{"Type":"volume","Name":"cidx-p-s.data","Destination":"/data"}]}]' ;;
  "volume rm") echo "Error response from daemon: remove ${anon}: volume is in use - [c9]" >&2; exit 1 ;;
esac`);
  t.teardown(() => fake.remove());
  const runtime = new CliRuntime(dockerDialect, fake.binary, { PATH: '/usr/bin:/bin' });
  await runtime.remove(['c1']);
  t.deepEqual((await readFile(log, 'utf8')).trim().split('\n'), ['container inspect c1', 'rm -f -v c1', `volume rm ${anon}`], 'never the named volume');
  await rm(log);
  await runtime.remove(['c1'], { keepVolumes: true });
  t.deepEqual((await readFile(log, 'utf8')).trim().split('\n'), ['rm -f c1']);
  await rm(log);
  // A container found by an inspect (as `down` finds them) needs no second look.
  const found = new CliRuntime(dockerDialect, fake.binary, { PATH: '/usr/bin:/bin' });
  await found.inspect(['c1']).catch(() => []);
  await found.remove(['c1']);
  t.deepEqual((await readFile(log, 'utf8')).trim().split('\n'), ['container inspect c1', 'rm -f -v c1', `volume rm ${anon}`], 'one inspect in all');
  await rm(log);
  await new CliRuntime(podmanDialect, fake.binary, { PATH: '/usr/bin:/bin' }).remove(['c1']);
  t.deepEqual((await readFile(log, 'utf8')).trim().split('\n'), ['rm -f -v c1'], 'Podman removes them with the container itself');
});
