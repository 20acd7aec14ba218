/**
 * examples/plugins/port-range.mjs: its requestPorts tap against taps at the
 * built-ins' stages, then a real apply on Docker and Podman in which one
 * preferred port is inside the range (used) and one outside (dropped).
 */
import { execa } from 'execa';
import test from 'ava';
import {
  createHooks,
  createLogger,
  quietLogger,
  STAGE,
  validateConfig,
  type CidxPlugin,
  type ContainerRuntime,
  type DesiredService,
  type PortRequest,
  type ServiceContext,
} from '../../core/index.js';
import { freePort, importFromRepo, repoFileUrl, RUNTIMES, tempProject, TEST_IMAGE } from './project.js';

interface PortRangeOptions {
  min?: number;
  max?: number;
  mode?: 'enforce' | 'audit';
  log?: (line: string) => void;
}
const { portRange } = await importFromRepo<{ portRange: (options?: PortRangeOptions) => CidxPlugin }>('examples/plugins/port-range.mjs');

const loaded = validateConfig({ services: { qdrant: { image: TEST_IMAGE, ports: { http: 6333, grpc: 6334 } } } }, '/tmp/port-range-unit/cidx.config.ts');

const service: DesiredService = {
  name: 'qdrant',
  spec: {
    name: 'cidx-test-qdrant',
    image: TEST_IMAGE,
    command: undefined,
    env: {},
    labels: {},
    ports: [
      { name: 'http', container: 6333 },
      { name: 'grpc', container: 6334 },
    ],
    hostIp: '127.0.0.1',
    volumes: [],
  },
  hash: 'unit',
  dependsOn: [],
  health: false,
  preferred: { http: 6333 },
};

const context: ServiceContext = {
  project: loaded.project,
  config: loaded.config,
  command: 'apply',
  signal: new AbortController().signal,
  logger: quietLogger,
  runtime: {} as ContainerRuntime, // the tap never touches it
  service,
  previous: undefined,
};

const initial: PortRequest[] = service.spec.ports.map(({ name, container }) => ({ name, container, hostIp: '127.0.0.1', candidates: [] }));

/** Stand-ins for port-cache and preferred-port-fallback (both at STAGE.base), which are not public API. */
function withBuiltinLikeTaps() {
  const hooks = createHooks();
  hooks.requestPorts.tap({ name: 'cache-like', stage: STAGE.base }, (requests) =>
    requests.map((request) => (request.name === 'http' ? { ...request, candidates: [{ port: 25_000, source: 'cache' }] } : request)),
  );
  hooks.requestPorts.tap({ name: 'preferred-like', stage: STAGE.base + 1 }, (requests) =>
    requests.map((request) => (request.name === 'http' ? { ...request, candidates: [{ port: 6333, source: 'preferred' }, ...request.candidates] } : request)),
  );
  return hooks;
}

test('enforce: drops candidates outside the range, whichever stage added them, and says so', async (t) => {
  const hooks = withBuiltinLikeTaps();
  const lines: string[] = [];
  portRange({ min: 20_000, max: 29_999, log: (line) => lines.push(line) }).apply(hooks);
  const requests = await hooks.requestPorts.promise(initial, context);
  t.deepEqual(
    requests.map((request) => request.candidates),
    [[{ port: 25_000, source: 'cache' }], []],
  );
  t.deepEqual(lines, ['qdrant.http: not asking for 6333 (preferred): outside 20000-29999']);
});

test('enforce: a request with every candidate inside the range passes unchanged and silently', async (t) => {
  const hooks = withBuiltinLikeTaps();
  const lines: string[] = [];
  portRange({ min: 1024, log: (line) => lines.push(line) }).apply(hooks);
  const requests = await hooks.requestPorts.promise(initial, context);
  t.deepEqual(requests[0]!.candidates, [
    { port: 6333, source: 'preferred' },
    { port: 25_000, source: 'cache' },
  ]);
  t.deepEqual(lines, []);
});

test('audit: keeps every candidate and logs each request in order', async (t) => {
  const hooks = withBuiltinLikeTaps();
  const lines: string[] = [];
  portRange({ min: 20_000, max: 29_999, mode: 'audit', log: (line) => lines.push(line) }).apply(hooks);
  const requests = await hooks.requestPorts.promise(initial, context);
  t.is(requests[0]!.candidates.length, 2);
  t.deepEqual(lines, [
    'qdrant.http: asking for 6333 (preferred, outside range), then 25000 (cache), then a runtime-chosen port',
    'qdrant.grpc: asking for a runtime-chosen port',
  ]);
});

test('without a log option, notes go to the context logger, named after the plugin', async (t) => {
  const hooks = withBuiltinLikeTaps();
  const lines: string[] = [];
  const logger = createLogger((level, message, name) => lines.push(`${level} [${name.join('/')}] ${message}`));
  portRange({ min: 20_000, max: 29_999 }).apply(hooks);
  await hooks.requestPorts.promise(initial, { ...context, logger });
  t.deepEqual(lines, ['info [port-range] qdrant.http: not asking for 6333 (preferred): outside 20000-29999']);
});

test('rejects a range that cannot hold a port, with a config error', (t) => {
  for (const options of [{ min: 0 }, { max: 70_000 }, { min: 3000, max: 2000 }, { mode: 'strict' as 'audit' }]) {
    t.like(t.throws(() => portRange(options).apply(createHooks())), { code: 'CONFIG_INVALID' }, JSON.stringify(options));
  }
});

for (const runtime of RUNTIMES) {
  test(`${runtime}: a preferred port inside the range is used, one outside falls back to a runtime-chosen port`, async (t) => {
    const inside = await freePort();
    const outside = await freePort();
    const source = `import { defineConfig } from 'cidx';
import { portRange } from ${JSON.stringify(repoFileUrl('examples/plugins/port-range.mjs'))};

export default defineConfig({
  services: {
    allowed: { image: ${JSON.stringify(TEST_IMAGE)}, ports: { http: 8080 }, env: { HTTP_PORTS: '8080' } },
    denied: { image: ${JSON.stringify(TEST_IMAGE)}, ports: { http: 8080 }, env: { HTTP_PORTS: '8080' } },
  },
  preferredPorts: { allowed: ${inside}, denied: ${outside} },
  plugins: [portRange({ min: ${inside}, max: ${inside} })],
});
`;
    const project = await tempProject(t, runtime, { 'cidx.config.ts': source });
    const result = await project.cidx(['apply', '--json']);
    t.is(result.exitCode, 0, result.stderr);
    const report = JSON.parse(result.stdout) as import('../../core/index.js').ProjectReport;
    const port = (name: string) => report.services.find((entry) => entry.name === name)!.ports[0]!;
    t.like(port('allowed'), { host: inside, preferred: inside, fallback: false });
    t.like(port('denied'), { preferred: outside, fallback: true });
    t.not(port('denied').host, outside);
    t.regex(result.stderr, new RegExp(`\\[port-range\\] denied\\.http: not asking for ${outside} \\(preferred\\): outside ${inside}-${inside}`));

    // The runtime agrees: the container really is published on the allowed port.
    const { stdout } = await execa(runtime, ['port', report.services.find((entry) => entry.name === 'allowed')!.container!.name, '8080/tcp']);
    t.regex(stdout, new RegExp(`127\\.0\\.0\\.1:${inside}\\b`));
  });
}
