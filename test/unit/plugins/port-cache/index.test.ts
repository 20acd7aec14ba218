import path from 'node:path';
/**
 * The port-cache plugin through real tapable hooks: previous container ports
 * and the cache file feed `requestPorts` candidates; `reported` saves ports.
 */
import test from 'ava';
import { createHooks, type ProjectContext } from '../../../../core/hooks.js';
import type { PortRequest, ProjectReport, ServiceReport } from '../../../../core/model.js';
import { endpointKey } from '../../../../core/engine-endpoint.js';
import { portCache } from '../../../../plugins/port-cache/index.js';
import { cacheFile, readCache, writeCache, type CachedPorts } from '../../../../plugins/port-cache/store.js';
import { preferredPortFallback } from '../../../../plugins/preferred-port-fallback/index.js';
import { contextFor, desiredOne, inertRuntime, observedFrom, serviceContext } from '../../helpers/contexts.js';
import { withTempDir } from '../../helpers/fixtures.js';

const CONFIG = { services: { qdrant: { image: 'qdrant/qdrant', ports: { http: 6333, grpc: 6334 } }, worker: { image: 'w' } } };

const withCacheDir = (run: (dir: string) => Promise<void>) => withTempDir('cidx-port-cache-plugin-', run);

const fresh = (): PortRequest[] => [
  { name: 'http', container: 6333, hostIp: '127.0.0.1', candidates: [] },
  { name: 'grpc', container: 6334, hostIp: '127.0.0.1', candidates: [] },
];

const candidates = (requests: PortRequest[]) => Object.fromEntries(requests.map((request) => [request.name, request.candidates]));

async function setup(dir: string, config: unknown = CONFIG, options: { fallback?: boolean } = {}) {
  const hooks = createHooks();
  portCache({ dir }).apply(hooks);
  if (options.fallback) preferredPortFallback().apply(hooks);
  const context = contextFor(config);
  const qdrant = await desiredOne(config, 'qdrant');
  const file = cacheFile(dir, context.project.id, endpointKey(inertRuntime()));
  return { hooks, context, qdrant, file };
}

test('no cache and no previous container: no candidates (the runtime chooses)', async (t) => {
  await withCacheDir(async (dir) => {
    const { hooks, context, qdrant } = await setup(dir);
    t.deepEqual(candidates(await hooks.requestPorts.promise(fresh(), serviceContext(context, qdrant))), { http: [], grpc: [] });
  });
});

test('cached ports become candidates', async (t) => {
  await withCacheDir(async (dir) => {
    const { hooks, context, qdrant, file } = await setup(dir);
    await writeCache(file, context.project.root, { qdrant: { http: { host: 40001, hostIp: '127.0.0.1' }, grpc: { host: 40002, hostIp: '127.0.0.1' } } });
    t.deepEqual(candidates(await hooks.requestPorts.promise(fresh(), serviceContext(context, qdrant))), {
      http: [{ port: 40001, source: 'cache' }],
      grpc: [{ port: 40002, source: 'cache' }],
    });
  });
});

test("the replaced container's ports come before the cache, and a port both know is asked for once", async (t) => {
  await withCacheDir(async (dir) => {
    const { hooks, context, qdrant, file } = await setup(dir);
    await writeCache(file, context.project.root, { qdrant: { http: { host: 40001, hostIp: '127.0.0.1' }, grpc: { host: 40002, hostIp: '127.0.0.1' } } });
    const previous = observedFrom(qdrant, {
      ports: [
        { container: 6333, hostIp: '127.0.0.1', hostPort: 32770 },
        { container: 6334, hostIp: '127.0.0.1', hostPort: 40002 },
      ],
    });
    t.deepEqual(candidates(await hooks.requestPorts.promise(fresh(), serviceContext(context, qdrant, previous))), {
      http: [{ port: 32770, source: 'previous' }, { port: 40001, source: 'cache' }],
      grpc: [{ port: 40002, source: 'previous' }],
    });
  });
});

test("the previous container's binding is picked like a report would (IPv4 over IPv6)", async (t) => {
  await withCacheDir(async (dir) => {
    const { hooks, context, qdrant } = await setup(dir);
    const previous = observedFrom(qdrant, {
      ports: [
        { container: 6333, hostIp: '::', hostPort: 32768 },
        { container: 6333, hostIp: '0.0.0.0', hostPort: 32769 },
      ],
    });
    const result = candidates(await hooks.requestPorts.promise(fresh(), serviceContext(context, qdrant, previous)));
    t.deepEqual(result.http, [{ port: 32769, source: 'previous' }]);
  });
});

test('with preferred-port-fallback: preferred first, then previous, then cache, no repeats', async (t) => {
  await withCacheDir(async (dir) => {
    const config = { ...CONFIG, preferredPorts: { qdrant: { http: 6333, grpc: 40002 } } };
    const { hooks, context, qdrant, file } = await setup(dir, config, { fallback: true });
    await writeCache(file, context.project.root, { qdrant: { http: { host: 40001, hostIp: '127.0.0.1' }, grpc: { host: 40002, hostIp: '127.0.0.1' } } });
    const previous = observedFrom(qdrant, { ports: [{ container: 6333, hostIp: '127.0.0.1', hostPort: 32770 }] });
    t.deepEqual(candidates(await hooks.requestPorts.promise(fresh(), serviceContext(context, qdrant, previous))), {
      http: [
        { port: 6333, source: 'preferred' },
        { port: 32770, source: 'previous' },
        { port: 40001, source: 'cache' },
      ],
      grpc: [{ port: 40002, source: 'preferred' }],
    });
  });
});

test('the stage order holds whatever order the plugins were applied in', async (t) => {
  await withCacheDir(async (dir) => {
    const config = { ...CONFIG, preferredPorts: { qdrant: 6333 } };
    const hooks = createHooks();
    preferredPortFallback().apply(hooks); // applied first, but stage 0 runs after port-cache's stage -10
    portCache({ dir }).apply(hooks);
    const context = contextFor(config);
    const qdrant = await desiredOne(config, 'qdrant');
    await writeCache(cacheFile(dir, context.project.id, endpointKey(inertRuntime())), context.project.root, { qdrant: { http: { host: 40001, hostIp: '127.0.0.1' } } });
    const result = candidates(await hooks.requestPorts.promise(fresh(), serviceContext(context, qdrant)));
    t.deepEqual(result.http, [{ port: 6333, source: 'preferred' }, { port: 40001, source: 'cache' }]);
  });
});

const report = (context: ProjectContext, services: ServiceReport[]): ProjectReport => ({
  project: { name: context.project.name, id: context.project.id, root: context.project.root },
  runtime: 'fake',
  services,
});
const serviceReport = (name: string, ports: Array<[string, number, number | null]>, action?: ServiceReport['action']): ServiceReport => ({
  name,
  state: 'running',
  healthy: true,
  ...(action ? { action } : {}),
  container: { id: 'x', name: `cidx-${name}` },
  ports: ports.map(([portName, container, host]) => ({
    name: portName,
    container,
    host,
    hostIp: host === null ? null : '127.0.0.1',
    preferred: null,
    fallback: false,
    url: host === null ? null : `http://127.0.0.1:${host}`,
  })),
});

test('reported saves published ports; a service that is down keeps what was remembered; removed ones are dropped', async (t) => {
  await withCacheDir(async (dir) => {
    const { hooks, context, file } = await setup(dir);
    const before: CachedPorts = {
      qdrant: { http: { host: 1, hostIp: '127.0.0.1' } },
      ollama: { http: { host: 11434, hostIp: '127.0.0.1' } },
      redis: { tcp: { host: 6379, hostIp: '127.0.0.1' } },
    };
    await writeCache(file, context.project.root, before);
    await hooks.afterReport.promise(
      report(context, [
        serviceReport('qdrant', [['http', 6333, 32770], ['grpc', 6334, 32771]]),
        serviceReport('ollama', [['http', 11434, null]]),
        serviceReport('redis', [['tcp', 6379, 6379]], 'removed'),
      ]),
      { ...context, runtime: inertRuntime() },
    );
    t.deepEqual(await readCache(file), {
      qdrant: { http: { host: 32770, hostIp: '127.0.0.1', protocol: 'tcp', runtime: 'fake' }, grpc: { host: 32771, hostIp: '127.0.0.1', protocol: 'tcp', runtime: 'fake' } },
      ollama: { http: { host: 11434, hostIp: '127.0.0.1' } },
    });
  });
});

test('a report of some services (apply or up() of a subset) keeps the remembered ports of the others', async (t) => {
  await withCacheDir(async (dir) => {
    const { hooks, context, file } = await setup(dir);
    await writeCache(file, context.project.root, { qdrant: { http: { host: 1, hostIp: '127.0.0.1' } }, worker: { tcp: { host: 40100, hostIp: '127.0.0.1' } } });
    await hooks.afterReport.promise(report(context, [serviceReport('qdrant', [['http', 6333, 32770]])]), { ...context, runtime: inertRuntime() });
    t.deepEqual(await readCache(file), {
      qdrant: { http: { host: 32770, hostIp: '127.0.0.1', protocol: 'tcp', runtime: 'fake' } },
      worker: { tcp: { host: 40100, hostIp: '127.0.0.1' } },
    });
  });
});

test('what reported saved feeds the next run', async (t) => {
  await withCacheDir(async (dir) => {
    const first = await setup(dir);
    await first.hooks.afterReport.promise(report(first.context, [serviceReport('qdrant', [['http', 6333, 32790], ['grpc', 6334, 32791]])]), {
      ...first.context,
      runtime: inertRuntime(),
    });
    const second = await setup(dir);
    t.deepEqual(candidates(await second.hooks.requestPorts.promise(fresh(), serviceContext(second.context, second.qdrant))), {
      http: [{ port: 32790, source: 'cache' }],
      grpc: [{ port: 32791, source: 'cache' }],
    });
  });
});

test('an unwritable cache never fails the report', async (t) => {
  await withCacheDir(async (dir) => {
    const { writeFile } = await import('node:fs/promises');
    const blocker = path.join(dir, 'file-not-dir');
    await writeFile(blocker, '');
    const { hooks, context } = await setup(blocker);
    await t.notThrowsAsync(
      hooks.afterReport.promise(report(context, [serviceReport('qdrant', [['http', 6333, 32770]])]), { ...context, runtime: inertRuntime() }),
    );
  });
});

test('a port remembered from another runtime is not asked for: that runtime likely still holds it', async (t) => {
  await withCacheDir(async (dir) => {
    const { hooks, context, qdrant, file } = await setup(dir);
    await writeCache(file, context.project.root, {
      qdrant: { http: { host: 40001, hostIp: '127.0.0.1', runtime: 'podman' }, grpc: { host: 40002, hostIp: '127.0.0.1', runtime: 'fake' } },
    });
    t.deepEqual(candidates(await hooks.requestPorts.promise(fresh(), serviceContext(context, qdrant))), {
      http: [],
      grpc: [{ port: 40002, source: 'cache' }],
    });
  });
});

test('each engine has its own cache file: ports learnt on a remote engine are never asked of the local one', async (t) => {
  await withCacheDir(async (dir) => {
    const { hooks, context, qdrant } = await setup(dir);
    const remote = { ...inertRuntime('build-box'), endpoint: { uri: 'tcp://build-box:2375', host: 'build-box', local: false } };
    await hooks.afterReport.promise(report(context, [serviceReport('qdrant', [['http', 6333, 32770]])]), { ...context, runtime: remote });
    t.like(await readCache(cacheFile(dir, context.project.id, endpointKey(remote))), { qdrant: { http: { host: 32770 } } });
    t.notDeepEqual(endpointKey(remote), endpointKey(inertRuntime()));
    // The local engine (serviceContext's runtime) finds nothing remembered.
    t.deepEqual(candidates(await hooks.requestPorts.promise(fresh(), serviceContext(context, qdrant))), { http: [], grpc: [] });
  });
});

test('a cache file of an earlier version (keyed by project only) is never read: its engine is unknown', async (t) => {
  await withCacheDir(async (dir) => {
    const { hooks, context, qdrant } = await setup(dir);
    await writeCache(path.join(dir, 'ports', `${context.project.id}.json`), context.project.root, { qdrant: { http: { host: 40001, hostIp: '127.0.0.1', runtime: 'fake' } } });
    t.deepEqual(candidates(await hooks.requestPorts.promise(fresh(), serviceContext(context, qdrant))), { http: [], grpc: [] });
  });
});
