/**
 * `up()`, the programmatic apply, called in this process as a test suite
 * would: it resolves with a healthy stack whose URLs answer, rejects with the
 * CLI's coded errors, limits itself to the services asked for, and its
 * `down()` removes what `cidx down` removes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { down, up, type Stack } from '../../api/index.js';
import { hasCode, isCidxError, type CidxError } from '../../core/errors.js';
import { volumeName } from '../../core/project.js';
import { httpGet } from '../helpers/net.js';
import { withProject, type TestProject } from '../helpers/project.js';
import { projectContainers, projectNetworks, projectVolumes, RUNTIMES, TEST_IMAGE, type Runtime } from '../helpers/runtime.js';
import { HEALTH_TIMEOUT, webService } from '../helpers/services.js';

// up() runs in this process: give it a private cache (locks, port cache, transpiled configs), as withProject gives the CLI.
const cache = mkdtempSync(path.join(os.tmpdir(), 'cidx-api-cache-'));
process.env.CIDX_CACHE_DIR = cache;
delete process.env.CIDX_RUNTIME;
test.after.always(() => rmSync(cache, { recursive: true, force: true }));

const http = (port: string, extra: Record<string, unknown> = {}) => ({
  image: TEST_IMAGE,
  ports: { http: 8080 },
  env: { HTTP_PORTS: '8080', BODY: port },
  health: { http: { port: 'http', path: '/healthz' }, timeout: HEALTH_TIMEOUT },
  ...extra,
});

async function containerServices(runtime: Runtime, project: TestProject): Promise<string[]> {
  return (await projectContainers(runtime, project.id)).map((container) => container.Config.Labels?.['io.cidx.service'] ?? '?').sort();
}

/** Runs `up()` expecting a rejection, and returns the error (failing the test if it is not a cidx error). */
async function upRejects(t: ExecutionContext, options: Parameters<typeof up>[0]): Promise<CidxError> {
  const error = await t.throwsAsync(up(options));
  if (!isCidxError(error)) throw new Error(`not a coded cidx error: ${String(error)}`);
  return error;
}

for (const runtime of RUNTIMES) {
  test(`${runtime}: up() resolves once the service is healthy, and url, host, hostPort and env point at it`, withProject, {}, async (t, project) => {
    // A config object: its project root is cwd, and the file next to it (an empty config) is not read.
    const stack = await up({ cwd: project.root, runtime, config: { services: { web: http('hello from up()') } } });
    t.like(stack.report, { project: { id: project.id, root: project.root }, runtime });
    t.like(stack.report.services, [{ name: 'web', state: 'running', healthy: true, action: 'created' }]);

    const url = stack.url('web', 'http');
    t.regex(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    t.deepEqual(await httpGet(url), { status: 200, body: 'hello from up()' });
    t.is(stack.url('web'), url, 'the first port by default');
    t.is(stack.url('web', 8080), url, 'a port by its container port');
    t.is(stack.host('web', 'http'), '127.0.0.1');
    t.is(stack.hostPort('web', 'http'), Number(new URL(url).port));
    t.deepEqual(stack.env(), { CIDX_WEB_HTTP_HOST: '127.0.0.1', CIDX_WEB_HTTP_PORT: new URL(url).port, CIDX_WEB_HTTP_URL: url });
    t.like(t.throws(() => stack.url('db')), { code: 'SERVICE_NOT_FOUND', hint: 'Services: web.' });
    t.like(t.throws(() => stack.hostPort('web', 'grpc')), { code: 'USAGE', hint: 'Declared ports: http (8080).' });

    const removed = await stack.down();
    t.deepEqual(removed.containers, [`cidx-${project.id}-web`]);
    t.deepEqual(await projectContainers(runtime, project.id), []);
  });

  test(`${runtime}: up() rejects with the exiting service's SERVICE_EXITED error, its log lines, and the apply's report`, withProject, {}, async (t, project) => {
    await project.writeConfig({
      services: {
        crash: { image: TEST_IMAGE, ports: { http: 8080 }, env: { EXIT_CODE: '3' }, health: { http: { port: 'http' }, timeout: HEALTH_TIMEOUT } },
        web: http('never', { dependsOn: ['crash'] }),
      },
    });
    // A config file by path, relative to cwd.
    const error = await upRejects(t, { cwd: project.root, runtime, config: 'cidx.config.ts' });
    t.is(error.code, 'SERVICE_EXITED');
    t.regex(error.message, /^crash exited with code 3/);
    t.true(error.details.includes('exiting with 3 as asked'), error.details.join('\n'));
    t.true(error.details.includes('not healthy either: web'), error.details.join('\n'));
    t.like(error, { name: 'ServiceFailedError', service: 'crash', exitCode: 1 });
    const { report } = error as CidxError & { report: Stack['report'] };
    t.like(report.services.find((service) => service.name === 'crash'), { action: 'failed', healthy: false, error: { code: 'SERVICE_EXITED' } });
    t.like(report.services.find((service) => service.name === 'web'), { action: 'skipped', error: { code: 'DEPENDENCY_FAILED' } });

    // The standalone down() is the teardown of a setup whose up() rejected.
    t.deepEqual((await down({ cwd: project.root, runtime })).containers, [`cidx-${project.id}-crash`]);
    t.deepEqual(await projectContainers(runtime, project.id), []);
  });

  test(`${runtime}: stack.down({ volumes: true }) removes the containers and the named volumes`, withProject, { services: { web: http('data', { volumes: { data: '/data' } }) } }, async (t, project) => {
    const stack = await up({ cwd: project.root, runtime });
    t.deepEqual(await projectVolumes(runtime, project.id), [volumeName(project, 'web', 'data')]);
    const removed = await stack.down({ volumes: true });
    t.deepEqual(removed, { containers: [`cidx-${project.id}-web`], volumes: [volumeName(project, 'web', 'data')] });
    t.deepEqual(await projectContainers(runtime, project.id), []);
    t.deepEqual(await projectVolumes(runtime, project.id), []);
  });

  test(`${runtime}: services limits up() to them and their dependencies, and never touches the others' containers`, withProject, {
    services: { db: http('db'), api: http('api', { dependsOn: ['db'] }), other: http('other') },
  }, async (t, project) => {
    const partial = await up({ cwd: project.root, runtime, services: ['api'] });
    t.deepEqual(partial.report.services.map((service) => service.name).sort(), ['api', 'db']);
    t.deepEqual(await containerServices(runtime, project), ['api', 'db']);
    t.like(t.throws(() => partial.url('other')), { code: 'SERVICE_NOT_FOUND' });

    const whole = await up({ cwd: project.root, runtime });
    t.deepEqual(Object.fromEntries(whole.report.services.map((service) => [service.name, service.action])), { db: 'unchanged', api: 'unchanged', other: 'created' });

    const one = await up({ cwd: project.root, runtime, services: ['db'] });
    t.deepEqual(one.report.services.map((service) => [service.name, service.action]), [['db', 'unchanged']]);
    t.deepEqual(await containerServices(runtime, project), ['api', 'db', 'other'], 'a narrowed up() removes no container');

    // Disposal is down(): the whole project, not only the services this stack brought up.
    await one[Symbol.asyncDispose]();
    t.deepEqual(await projectContainers(runtime, project.id), []);
  });

  test(`${runtime}: a config object with an unknown key rejects with CONFIG_INVALID and creates nothing`, withProject, {}, async (t, project) => {
    const config = { services: { web: { ...http('x'), imgae: TEST_IMAGE } } };
    const error = await upRejects(t, { cwd: project.root, runtime, config: config as never });
    t.is(error.code, 'CONFIG_INVALID');
    t.regex(error.message, /<config object> has 1 problem/);
    t.true(error.details.some((line) => line.includes('services.web') && line.includes('imgae')), error.details.join('\n'));
    t.deepEqual(await projectContainers(runtime, project.id), []);
    t.deepEqual(await projectNetworks(runtime, project.id), []);
  });

  test(`${runtime}: an unknown name in services, or an aborted signal, rejects before anything is created`, withProject, webService(), async (t, project) => {
    t.like(await upRejects(t, { cwd: project.root, runtime, services: ['web', 'nope'] }), { code: 'SERVICE_NOT_FOUND', hint: 'Known services: web.' });
    t.like(await upRejects(t, { cwd: project.root, runtime, signal: AbortSignal.abort() }), { code: 'INTERRUPTED' });
    t.deepEqual(await projectContainers(runtime, project.id), []);
    t.deepEqual(await projectNetworks(runtime, project.id), []);
  });
}

test('a config object is validated before a runtime is chosen: every problem at once, as CONFIG_INVALID', async (t) => {
  const cwd = path.join(cache, 'no-such-project');
  const error = await upRejects(t, { cwd, runtime: 'no-such-runtime', config: { services: { web: { image: '', ports: { http: 0 } } } } as never });
  t.is(error.code, 'CONFIG_INVALID');
  t.is(error.details.length, 2, error.details.join('\n'));
});

test('a config path that does not exist rejects with CONFIG_NOT_FOUND', async (t) => {
  const error = await upRejects(t, { cwd: cache, config: 'missing.config.ts' });
  t.is(error.code, 'CONFIG_NOT_FOUND');
  t.true(hasCode(error, 'CONFIG_NOT_FOUND'));
  t.is(error.message, `config file not found: ${path.join(cache, 'missing.config.ts')}`);
});

for (const runtime of RUNTIMES) {
  test(`${runtime}: up() takes profiles: a dependency on a service of an inactive profile rejects before anything is created, and \`profiles\` enables it`, async (t) => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'cidx-api-profiles-'));
    try {
      const config = { services: { app: { image: TEST_IMAGE, dependsOn: ['gpu-worker'] }, 'gpu-worker': { image: TEST_IMAGE, profiles: ['gpu'] } } };
      const error = await upRejects(t, { cwd, config, runtime });
      t.true(hasCode(error, 'CONFIG_INVALID'), error.message);
      t.regex(error.hint ?? '', /--profile gpu/);
      const stack = await up({ cwd, config, runtime, profiles: ['gpu'] });
      try {
        t.deepEqual(stack.report.services.map((service) => [service.name, service.action]).sort(), [['app', 'created'], ['gpu-worker', 'created']]);
      } finally {
        await stack.down();
      }
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
}
