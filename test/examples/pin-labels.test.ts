/**
 * examples/plugins/pin-labels.mjs: its hooks on their own, then a real apply
 * on Docker and Podman with a config that imports it.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { createHooks, isCidxError, quietLogger, validateConfig, type CidxPlugin, type ContainerSpec, type SpecContext } from '../../core/index.js';
import { containerLabels, containerNames, importFromRepo, repoFileUrl, RUNTIMES, tempProject, TEST_IMAGE } from './project.js';

type PinLabels = (options?: { labels?: Record<string, string>; services?: Record<string, Record<string, string>> }) => CidxPlugin;
const { pinLabels } = await importFromRepo<{ pinLabels: PinLabels }>('examples/plugins/pin-labels.mjs');

const loaded = validateConfig(
  { services: { qdrant: { image: TEST_IMAGE, ports: { http: 6333 } }, ollama: { image: TEST_IMAGE } } },
  '/tmp/pin-labels-unit/cidx.config.ts',
);

function specContext(service: string): SpecContext {
  return {
    project: loaded.project,
    config: loaded.config,
    command: 'apply',
    signal: new AbortController().signal,
    logger: quietLogger,
    service,
    serviceConfig: loaded.config.services[service]!,
  };
}

function baseSpec(service: string): ContainerSpec {
  return {
    name: `cidx-${loaded.project.id}-${service}`,
    image: TEST_IMAGE,
    command: undefined,
    env: {},
    labels: { 'io.cidx.project': loaded.project.id, 'io.cidx.service': service },
    ports: [],
    hostIp: '127.0.0.1',
    volumes: [],
  };
}

test('adds the common labels to every service and the per-service ones to theirs', async (t) => {
  const hooks = createHooks();
  pinLabels({ labels: { 'com.example.team': 'search' }, services: { qdrant: { 'com.example.tier': 'db' } } }).apply(hooks);
  const input = baseSpec('qdrant');
  const qdrant = await hooks.resolveSpec.promise(input, specContext('qdrant'));
  const ollama = await hooks.resolveSpec.promise(baseSpec('ollama'), specContext('ollama'));
  t.like(qdrant.labels, { 'com.example.team': 'search', 'com.example.tier': 'db', 'io.cidx.project': loaded.project.id, 'io.cidx.service': 'qdrant' });
  t.like(ollama.labels, { 'com.example.team': 'search', 'io.cidx.service': 'ollama' });
  t.false('com.example.tier' in ollama.labels);
  t.deepEqual(input.labels, { 'io.cidx.project': loaded.project.id, 'io.cidx.service': 'qdrant' }, 'the waterfall input is not mutated');
});

test('leaves labels an earlier tap set alone', async (t) => {
  const hooks = createHooks();
  hooks.resolveSpec.tap({ name: 'earlier', stage: -5 }, (spec) => ({ ...spec, labels: { ...spec.labels, 'com.example.team': 'platform' } }));
  pinLabels({ labels: { 'com.example.team': 'search', 'com.example.cost': '42' } }).apply(hooks);
  const spec = await hooks.resolveSpec.promise(baseSpec('qdrant'), specContext('qdrant'));
  t.like(spec.labels, { 'com.example.team': 'platform', 'com.example.cost': '42' });
});

test('refuses labels in cidx\'s own io.cidx. namespace when applied', (t) => {
  const error = t.throws(() => pinLabels({ labels: { 'io.cidx.project': 'mine' } }).apply(createHooks()));
  t.true(isCidxError(error));
  t.like(error, { code: 'CONFIG_INVALID', exitCode: 2 });
  t.regex(error!.message, /io\.cidx\.project/);
});

test('names an unknown service once the config is resolved', async (t) => {
  const hooks = createHooks();
  pinLabels({ services: { qdrnat: { 'com.example.tier': 'db' } } }).apply(hooks);
  const { project, config, command, signal, logger } = specContext('qdrant');
  const error = await t.throwsAsync(hooks.afterConfigResolved.promise({ project, config, command, signal, logger }));
  t.like(error, { code: 'CONFIG_INVALID' });
  t.regex(error!.message, /"qdrnat"/);
  t.regex((error as { hint?: string }).hint ?? '', /qdrant, ollama/);
});

const config = (team: string) => `import { defineConfig } from 'cidx';
import { pinLabels } from ${JSON.stringify(repoFileUrl('examples/plugins/pin-labels.mjs'))};

export default defineConfig({
  services: {
    web: { image: ${JSON.stringify(TEST_IMAGE)}, ports: { http: 8080 }, env: { HTTP_PORTS: '8080' } },
  },
  plugins: [pinLabels({ labels: { 'com.example.team': ${JSON.stringify(team)} }, services: { web: { 'com.example.tier': 'frontend' } } })],
});
`;

for (const runtime of RUNTIMES) {
  test(`${runtime}: apply puts the labels on the real container; changing one recreates it`, async (t) => {
    const project = await tempProject(t, runtime, { 'cidx.config.ts': config('search') });
    const first = await project.apply();
    const [web] = first.services;
    t.like(web, { name: 'web', action: 'created', state: 'running', healthy: true });
    t.like(await containerLabels(runtime, web!.container!.name), {
      'com.example.team': 'search',
      'com.example.tier': 'frontend',
      'io.cidx.project': project.id,
      'io.cidx.service': 'web',
    });

    const again = await project.apply();
    t.is(again.services[0]!.action, 'unchanged', 'the same labels hash the same: nothing to do');

    await writeFile(path.join(project.dir, 'cidx.config.ts'), config('platform'));
    const plan = await project.cidx(['plan', '--json']);
    t.is(plan.exitCode, 0, plan.stderr);
    t.deepEqual(JSON.parse(plan.stdout), { steps: [{ service: 'web', op: 'recreate', reason: 'labels changed' }] });
    const third = await project.apply();
    t.is(third.services[0]!.action, 'recreated');
    t.is((await containerLabels(runtime, third.services[0]!.container!.name))['com.example.team'], 'platform');
  });
}

test('a reserved label stops the CLI with exit 2 before any container exists', async (t) => {
  const source = `import { pinLabels } from ${JSON.stringify(repoFileUrl('examples/plugins/pin-labels.mjs'))};
export default { services: { web: { image: ${JSON.stringify(TEST_IMAGE)} } }, plugins: [pinLabels({ labels: { 'io.cidx.service': 'x' } })] };
`;
  const project = await tempProject(t, 'docker', { 'cidx.config.ts': source });
  const result = await project.cidx(['apply']);
  t.is(result.exitCode, 2);
  t.regex(result.stderr, /error\[CONFIG_INVALID\] pin-labels: labels starting with "io\.cidx\." belong to cidx: io\.cidx\.service/);
  t.notRegex(result.stderr, /\n\s+at /, 'no stack trace');
  t.is(result.stdout, '');
  t.deepEqual(await containerNames('docker', project.id), []);
});
